/**
 * The national system's pace on the request path (shared/reporting/rateGate.ts `tryAcquire`), against
 * DynamoDB Local, on a scripted real clock: never more permits than the limit in any second a call
 * could reach the national system in, whatever the timing of the writes; a spent second answers
 * false at once (the submission is then pending and the poller checks it).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { EDGE_EARLY_MS, EDGE_LATE_MS, RateGate } from '#shared/reporting/rateGate';
import { freshTable } from '#test/support/table';

let db: DynamoDBDocumentClient;
let table: string;
beforeAll(async () => {
  ({ db, table } = await freshTable());
});

/** A real clock the test moves: by the gate's sleeps, and by each write's `step()` ms (a slow write). */
function scriptedClock(startMs: number, step: () => number = () => 0) {
  let t = startMs;
  return {
    now: () => t,
    read: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
    /** The table client, each request taking `step()` ms of the scripted clock. */
    slowDb: (real: DynamoDBDocumentClient): DynamoDBDocumentClient =>
      new Proxy(real, {
        get: (target, prop, receiver) =>
          prop === 'send'
            ? async (...args: Parameters<DynamoDBDocumentClient['send']>) => {
                try {
                  return await (target.send as (...a: unknown[]) => Promise<unknown>)(...args);
                } finally {
                  t += step();
                }
              }
            : Reflect.get(target, prop, receiver),
      }),
  };
}

/** The seconds a call sent at `at` may be counted in (written out here, not taken from the gate). */
const secondsOf = (at: number): number[] => {
  const s = Math.floor(at / 1000);
  if (at % 1000 >= 1000 - EDGE_LATE_MS) return [s, s + 1];
  return at % 1000 < EDGE_EARLY_MS ? [s - 1, s] : [s];
};

let gates = 0;
const gateName = () => `pace-${(gates += 1)}-${Date.now()}`;

describe('tryAcquire', () => {
  it('gives exactly the limit of permits in one second, under concurrency, and answers false to the rest at once', async () => {
    const clock = scriptedClock(Date.parse('2026-10-02T12:00:00.400Z'));
    const name = gateName();
    const copies = Array.from({ length: 3 }, () => new RateGate(db, table, name, 5, clock.now, clock.sleep, clock.read));
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => copies[i % 3]!.tryAcquire()));
    expect(answers.filter(Boolean)).toHaveLength(5);
    expect(clock.now()).toBe(Date.parse('2026-10-02T12:00:00.400Z'));
  });

  it('waits out the edge of a second (one write) rather than send a call that may arrive in the next one', async () => {
    const clock = scriptedClock(Date.parse('2026-10-02T12:00:00.900Z'));
    const gate = new RateGate(db, table, gateName(), 2, clock.now, clock.sleep, clock.read);
    expect(await gate.tryAcquire()).toBe(true);
    expect(clock.now()).toBe(Date.parse('2026-10-02T12:00:01.000Z') + EDGE_EARLY_MS);
    expect(await gate.tryAcquire()).toBe(true);
    expect(await gate.tryAcquire()).toBe(false);
  });

  it('counts a call again in the next second when its write answered too late', async () => {
    let slow = true;
    const clock = scriptedClock(Date.parse('2026-10-02T12:00:00.700Z'), () => (slow ? 220 : 0));
    const gate = new RateGate(clock.slowDb(db), table, gateName(), 2, clock.now, clock.sleep, clock.read);
    // Granted at .700, answered at .920: the call may reach the next second, so it is counted there too.
    expect(await gate.tryAcquire()).toBe(true);
    slow = false;
    await clock.sleep(100);
    // 12:00:01.240: one of the next second's two calls is already spent.
    expect(await gate.tryAcquire()).toBe(true);
    expect(await gate.tryAcquire()).toBe(false);
  });

  it('refuses the rest of a second it found spent without another write, and writes again in the next', async () => {
    let writes = 0;
    const clock = scriptedClock(Date.parse('2026-10-02T12:00:00.300Z'), () => ((writes += 1), 0));
    const gate = new RateGate(clock.slowDb(db), table, gateName(), 2, clock.now, clock.sleep, clock.read);
    expect([await gate.tryAcquire(), await gate.tryAcquire(), await gate.tryAcquire()]).toEqual([true, true, false]);
    expect(writes).toBe(3);
    expect(await gate.tryAcquire()).toBe(false);
    expect(writes).toBe(3);
    await clock.sleep(1000);
    expect(await gate.tryAcquire()).toBe(true);
    expect(writes).toBe(4);
  });

  it('never leaves a call uncounted in a second it may arrive in, whatever the writes take (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 999 }),
        fc.array(fc.integer({ min: 0, max: 250 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 12, maxLength: 12 }),
        async (offset, gaps, slowness) => {
          let n = 0;
          const clock = scriptedClock(Date.parse('2026-10-02T12:00:00.000Z') + offset, () => slowness[(n += 1) % slowness.length]!);
          const gate = new RateGate(clock.slowDb(db), table, gateName(), 3, clock.now, clock.sleep, clock.read);
          const sent: number[] = [];
          for (const gap of gaps) {
            await clock.sleep(gap);
            if (await gate.tryAcquire()) sent.push(clock.now());
          }
          const perSecond = new Map<number, number>();
          for (const at of sent) for (const s of secondsOf(at)) perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
          expect(Math.max(0, ...perSecond.values())).toBeLessThanOrEqual(3);
        },
      ),
      { numRuns: 25 },
    );
  });
});
