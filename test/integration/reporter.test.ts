/**
 * The NPPA reporter against DynamoDB Local and the simulator over real HTTP: exactly-once
 * delivery, batch size, partial failures, outages, pending identities, and the rate limit.
 */
import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NppaClient } from '#shared/nppa/client';
import { NppaSimulator } from '#infra/local/nppaSimulator';
import { piPrefixForBirthDate } from '#infra/local/nppaPi';
import { OutboxRepository } from '#shared/reporting/outbox';
import { DrainerLease } from '#shared/reporting/drainerLease';
import { EDGE_EARLY_MS, EDGE_LATE_MS, RateGate } from '#shared/reporting/rateGate';
import { drainOutbox, type ReporterDeps } from '#shared/reporting/reporter';
import { ttlAttribute } from '#shared/storage/expiry';
import { accountKey, identityKey, LEGACY_OUTBOX_PREFIX, outboxKey, sortableTime } from '#shared/storage/keys';
import { freshTable, movableClock, repositories } from '#test/support/table';

const clock = movableClock('2026-10-02T20:00:00+08:00');
const simulator = new NppaSimulator({ now: clock.now });
let db: DynamoDBDocumentClient;
let table: string;
let deps: ReporterDeps;

beforeAll(async () => {
  ({ db, table } = await freshTable());
  const { url } = await simulator.start();
  const nppa = new NppaClient({
    ...simulator.clientSettings(url),
    now: clock.now,
    backoffMs: 10,
  });
  deps = {
    outbox: new OutboxRepository(db, table),
    identities: repositories(db, table).identities,
    accounts: repositories(db, table).accounts,
    games: [{ gameId: 'default', nppa, gate: new RateGate(db, table, 'nppa-loginout', 10, clock.now) }],
    now: clock.now,
  };
});
afterAll(async () => simulator.stop());
beforeEach(() => {
  simulator.receivedLoginouts.length = 0;
  simulator.calls.loginout = 0;
  simulator.failItems(null);
  simulator.setDown('no');
});

const piOf = (hash: string) =>
  piPrefixForBirthDate('2010-01-01') +
  hash
    .replace(/[^0-9a-z]/g, '')
    .padEnd(32, '0')
    .slice(0, 32)
    .toLowerCase();

async function person(status: 'verified' | 'pending' | 'rejected'): Promise<{ hash: string; pi: string }> {
  const hash = randomBytes(16).toString('hex');
  const pi = piOf(hash);
  await db.send(
    new PutCommand({ TableName: table, Item: { ...identityKey(hash), status, birthDate: '2010-01-01', ...(status === 'verified' ? { pi } : {}) } }),
  );
  return { hash, pi };
}

async function queue(
  events: Array<{ si: string; bt: 0 | 1; atMs: number; identityHash: string; accountId?: string; accountPending?: true; pi?: string }>,
): Promise<void> {
  for (let i = 0; i < events.length; i += 100) {
    await db.send(
      new TransactWriteCommand({
        TransactItems: events.slice(i, i + 100).map((e) => {
          const { pi, ...event } = e;
          const part = new OutboxRepository(db, table).eventPart({ gameId: 'default', accountId: 'acct', ...event });
          // An erased account's event carries its person's PI (OutboxRepository.eraseEvent).
          if (pi) part.Put!.Item = { ...part.Put!.Item, pi, eraseWhenSettled: true };
          return part;
        }),
      }),
    );
  }
}

const si = (): string => randomBytes(16).toString('hex');

describe('drainOutbox', () => {
  it('sends a login and its logout with the same si, bt 1 then 0, ct 0, the PI and ot in seconds', async () => {
    const p = await person('verified');
    const session = si();
    const login = clock.now() - 60_000;
    await queue([
      { si: session, bt: 1, atMs: login, identityHash: p.hash },
      { si: session, bt: 0, atMs: login + 30_000, identityHash: p.hash },
    ]);
    const run = await drainOutbox(deps);
    expect(run).toMatchObject({ calls: 1, sent: 2 });
    expect(simulator.receivedLoginouts).toEqual([
      { bizId: simulator.bizId, no: 1, si: session, bt: 1, ot: Math.floor(login / 1000), ct: 0, pi: p.pi },
      { bizId: simulator.bizId, no: 2, si: session, bt: 0, ot: Math.floor(login / 1000) + 30, ct: 0, pi: p.pi },
    ]);
    expect((await drainOutbox(deps)).calls).toBe(0);
  });

  it('keeps a sent event 30 days past its settling (gateway clock) and never less than a day past the real clock', async () => {
    // This suite's clock (2026-10-02) is months behind the real one: 30 days of retention from it
    // would already be in the real past, where DynamoDB Local's sweeper deletes on real time.
    const p = await person('verified');
    const session = si();
    await queue([{ si: session, bt: 1, atMs: clock.now() - 5000, identityHash: p.hash }]);
    const before = Date.now();
    expect(await drainOutbox(deps)).toMatchObject({ sent: 1 });
    const after = Date.now();
    const item = (await db.send(new GetCommand({ TableName: table, Key: outboxKey(session, 1), ConsistentRead: true }))).Item!;
    expect(item.state).toBe('sent');
    expect(item.gsi1pk).toBeUndefined();
    expect(item.expiresAt).toBeGreaterThanOrEqual(ttlAttribute(item.settledAt + 30 * 86_400_000, before));
    expect(item.expiresAt).toBeLessThanOrEqual(ttlAttribute(item.settledAt + 30 * 86_400_000, after));
    expect(item.expiresAt).toBeGreaterThanOrEqual(Math.ceil(before / 1000) + 86_400);
  });

  it('sends 1,000 queued events in at most 8 calls, none lost or repeated', async () => {
    const people = await Promise.all(Array.from({ length: 20 }, () => person('verified')));
    const base = clock.now() - 100_000;
    const events = Array.from({ length: 1000 }, (_, i) => ({ si: si(), bt: (i % 2) as 0 | 1, atMs: base + i * 50, identityHash: people[i % 20]!.hash }));
    await queue(events);
    const run = await drainOutbox(deps);
    expect(run.sent).toBe(1000);
    expect(run.calls).toBeLessThanOrEqual(8);
    expect(simulator.calls.loginout).toBe(run.calls);
    const keys = simulator.receivedLoginouts.map((e) => `${e.si}#${e.bt}`);
    expect(new Set(keys).size).toBe(1000);
    expect(simulator.rateLimited.loginout).toBe(0);
  });

  it('resends only the items of a 3001 partial failure', async () => {
    const p = await person('verified');
    const at = clock.now() - 10_000;
    const events = Array.from({ length: 10 }, (_, i) => ({ si: si(), bt: 1 as const, atMs: at + i, identityHash: p.hash }));
    await queue(events);
    const flaky = new Set([events[2]!.si, events[7]!.si]);
    simulator.failItems((item) => (flaky.delete(item.si) ? 1001 : null));
    const run = await drainOutbox(deps);
    expect(run.calls).toBe(2);
    expect(run.sent).toBe(10);
    expect(simulator.receivedLoginouts).toHaveLength(10);
    const secondCall = simulator.receivedLoginouts.slice(8).map((e) => e.si);
    expect(secondCall.sort()).toEqual([events[2]!.si, events[7]!.si].sort());
  });

  it('keeps permanently refused items as dead letters and sends the rest', async () => {
    const p = await person('verified');
    const events = Array.from({ length: 3 }, (_, i) => ({ si: si(), bt: 1 as const, atMs: clock.now() - 5000 + i, identityHash: p.hash }));
    await queue(events);
    simulator.failItems((item) => (item.si === events[1]!.si ? 3010 : null));
    const run = await drainOutbox(deps);
    expect(run).toMatchObject({ sent: 2, deadLetters: 1 });
    expect((await drainOutbox(deps)).calls).toBe(0);
  });

  it('delivers everything after an outage longer than 180 s, shifting times into the window', async () => {
    const p = await person('verified');
    const at = clock.now();
    const events = Array.from({ length: 5 }, (_, i) => ({ si: si(), bt: 1 as const, atMs: at + i * 1000, identityHash: p.hash }));
    await queue(events);
    simulator.setDown('error');
    expect((await drainOutbox(deps)).stoppedBy).toBe('transient');
    clock.advance(300_000);
    simulator.setDown('no');
    const run = await drainOutbox(deps);
    expect(run.sent).toBe(5);
    const nowS = Math.floor(clock.now() / 1000);
    const ots = simulator.receivedLoginouts.map((e) => e.ot);
    expect(Math.min(...ots)).toBeGreaterThan(nowS - 180);
    expect(Math.max(...ots)).toBeLessThan(nowS + 1);
    expect(ots).toEqual([...ots].sort((a, b) => a - b));
  });

  it("holds a pending identity's events until its PI exists, and drops a rejected identity's events", async () => {
    const pending = await person('pending');
    const rejected = await person('rejected');
    await queue([
      { si: si(), bt: 1, atMs: clock.now() - 1000, identityHash: pending.hash },
      { si: si(), bt: 1, atMs: clock.now() - 1000, identityHash: rejected.hash },
    ]);
    const first = await drainOutbox(deps);
    expect(first).toMatchObject({ sent: 0, dropped: 1, waiting: 1 });
    await db.send(new PutCommand({ TableName: table, Item: { ...identityKey(pending.hash), status: 'verified', birthDate: '2010-01-01', pi: pending.pi } }));
    const second = await drainOutbox(deps);
    expect(second.sent).toBe(1);
    expect(simulator.receivedLoginouts[0]?.pi).toBe(pending.pi);
  });

  // An event of a session begun while its account's own check was pending, its person verified by another account.
  it.each([
    { account: { identityStatus: 'verified' }, outcome: 'sent' },
    { account: { identityStatus: 'pending' }, outcome: 'waiting' },
    { account: { identityStatus: 'rejected' }, outcome: 'dropped' },
    { account: {}, outcome: 'dropped' }, // unbound since
    { account: { identityStatus: 'verified', otherPerson: true }, outcome: 'dropped' }, // bound to someone else since
    { account: null, outcome: 'dropped' }, // erased while pending: no PI was kept
    { account: null, erasedVerified: true, outcome: 'sent' }, // erased once verified: it kept the PI
  ] as const)(
    "reports a pending account's event only once its own check verified it: account $account, kept PI $erasedVerified → $outcome",
    async ({ account, outcome, ...rest }) => {
      const p = await person('verified');
      const accountId = `acct-${randomBytes(4).toString('hex')}`;
      if (account)
        await db.send(
          new PutCommand({
            TableName: table,
            Item: {
              ...accountKey(accountId),
              ...account,
              ...(account.identityStatus ? { identityHash: 'otherPerson' in account ? 'someone-else' : p.hash } : {}),
            },
          }),
        );
      const session = si();
      await queue([
        {
          si: session,
          bt: 1,
          atMs: clock.now() - 2000,
          identityHash: p.hash,
          accountId,
          accountPending: true,
          ...('erasedVerified' in rest ? { pi: p.pi } : {}),
        },
      ]);
      const run = await drainOutbox(deps);
      expect({ sent: run.sent, waiting: run.waiting, dropped: run.dropped }).toEqual({
        sent: outcome === 'sent' ? 1 : 0,
        waiting: outcome === 'waiting' ? 1 : 0,
        dropped: outcome === 'dropped' ? 1 : 0,
      });
      expect(simulator.receivedLoginouts.map((e) => [e.si, e.pi])).toEqual(outcome === 'sent' ? [[session, p.pi]] : []);
      const stored = (await db.send(new GetCommand({ TableName: table, Key: outboxKey(session, 1), ConsistentRead: true }))).Item;
      if (outcome === 'dropped') expect(stored).toMatchObject({ state: 'dropped', reason: 'account_not_verified' });
      if (outcome === 'waiting') {
        // Its check verifies the account: the event goes under the person's PI.
        await db.send(new PutCommand({ TableName: table, Item: { ...accountKey(accountId), identityStatus: 'verified', identityHash: p.hash } }));
        expect((await drainOutbox(deps)).sent).toBe(1);
        expect(simulator.receivedLoginouts.map((e) => [e.si, e.pi])).toEqual([[session, p.pi]]);
      }
    },
  );

  it('finds a ready event behind a first page of waiting ones (pending identities), and sends it', async () => {
    const pending = await person('pending');
    const ready = await person('verified');
    // More waiting events than the small first page holds in each shard, all older than the ready one,
    // and enough that the full page may have more behind it: its one (partial) batch still goes.
    await queue(Array.from({ length: 1100 }, (_, i) => ({ si: si(), bt: 1 as const, atMs: clock.now() - 60_000 + i, identityHash: pending.hash })));
    const readySi = si();
    await queue([{ si: readySi, bt: 1, atMs: clock.now() - 1000, identityHash: ready.hash }]);
    const run = await drainOutbox(deps);
    expect(run).toMatchObject({ sent: 1, waiting: 1100 });
    expect(simulator.receivedLoginouts.map((e) => e.si)).toEqual([readySi]);
    // Clean up: the waiting events go with a rejected identity.
    await db.send(new PutCommand({ TableName: table, Item: { ...identityKey(pending.hash), status: 'rejected', birthDate: '2010-01-01' } }));
    expect((await drainOutbox(deps)).dropped).toBe(1100);
  });
});

describe('the rate limit across copies', () => {
  it('lets one reporter drain at a time', async () => {
    const leases = [new DrainerLease(db, table, 'reporter-test'), new DrainerLease(db, table, 'reporter-test'), new DrainerLease(db, table, 'reporter-test')];
    const taken = await Promise.all(leases.map((l) => l.take(clock.now(), 60_000)));
    expect(taken.filter(Boolean)).toHaveLength(1);
  });

  it('never lets more than 10 calls through in one second, whatever the number of callers', async () => {
    const gates = Array.from({ length: 3 }, () => new RateGate(db, table, 'gate-test', 10, clock.now));
    const seconds: number[] = [];
    await Promise.all(
      Array.from({ length: 35 }, async (_, i) => {
        seconds.push(await gates[i % 3]!.acquire());
      }),
    );
    const perSecond = new Map<number, number>();
    for (const s of seconds) perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(10);
    expect(perSecond.size).toBeGreaterThanOrEqual(4);
  });
});

describe('several games', () => {
  it('drains each game from its own queue, under its own bizId and gate, in batches that never mix games', async () => {
    const sim = new NppaSimulator({ now: clock.now, bizId: 'biz-one', otherBizIds: ['biz-two'] });
    const { url } = await sim.start();
    try {
      const client = (bizId: string) => new NppaClient({ ...sim.clientSettings(url), bizId, now: clock.now, backoffMs: 10 });
      const games = [
        { gameId: 'one', nppa: client('biz-one'), gate: new RateGate(db, table, 'games-one', 10, clock.now) },
        { gameId: 'two', nppa: client('biz-two'), gate: new RateGate(db, table, 'games-two', 10, clock.now) },
      ];
      const outbox = new OutboxRepository(db, table);
      const p = await person('verified');
      const ids = { one: Array.from({ length: 130 }, si), two: Array.from({ length: 3 }, si) };
      for (const [gameId, sessions] of Object.entries(ids)) {
        for (let i = 0; i < sessions.length; i += 100) {
          await db.send(
            new TransactWriteCommand({
              TransactItems: sessions
                .slice(i, i + 100)
                .map((s, j) => outbox.eventPart({ gameId, si: s, bt: 1, atMs: clock.now() - 5000 + i + j, identityHash: p.hash, accountId: 'acct' })),
            }),
          );
        }
      }
      // A run that knows only game two leaves game one's events queued, untouched.
      const onlyTwo = await drainOutbox({ ...deps, outbox, games: [games[1]!] });
      expect(onlyTwo).toMatchObject({ calls: 1, sent: 3, byGame: { two: { calls: 1, sent: 3 } } });
      const both = await drainOutbox({ ...deps, outbox, games });
      expect(both).toMatchObject({ calls: 2, sent: 130, byGame: { one: { calls: 2, sent: 130 }, two: { calls: 0, sent: 0 } } });
      const bizOf = new Map(sim.receivedLoginouts.map((e) => [e.si, e.bizId]));
      expect(ids.one.every((s) => bizOf.get(s) === 'biz-one')).toBe(true);
      expect(ids.two.every((s) => bizOf.get(s) === 'biz-two')).toBe(true);
      expect(sim.receivedLoginouts).toHaveLength(133);
    } finally {
      await sim.stop();
    }
  });
});

describe('events queued before games existed', () => {
  it('are still reported, under the single game', async () => {
    const p = await person('verified');
    const session = si();
    const atMs = clock.now() - 2000;
    // The item as the gateway wrote it before games: no gameId, in the single game's old partition.
    await db.send(
      new PutCommand({
        TableName: table,
        Item: {
          ...outboxKey(session, 1),
          kind: 'nppaEvent',
          si: session,
          bt: 1,
          atMs,
          identityHash: p.hash,
          accountId: 'acct',
          state: 'queued',
          attempts: 0,
          gsi1pk: `${LEGACY_OUTBOX_PREFIX}2`,
          gsi1sk: `${sortableTime(atMs)}#${session}#1`,
        },
      }),
    );
    const run = await drainOutbox(deps);
    expect(run).toMatchObject({ sent: 1, byGame: { default: { sent: 1 } } });
    expect(simulator.receivedLoginouts.filter((e) => e.si === session).map((e) => e.bt)).toEqual([1]);
    expect((await drainOutbox(deps)).sent).toBe(0);
  });
});

describe("one copy inside the national system's seconds", () => {
  it('grants at most 10 calls within any 1 s and none at the edges of a second', async () => {
    // The instant of each grant is the gate's own last reading of the real clock before it answers
    // (not a reading taken after acquire() returns, which a busy machine may delay past the edge).
    let lastReading = 0;
    const gate = new RateGate(
      db,
      table,
      'gate-edges',
      10,
      () => Date.now(),
      undefined,
      () => (lastReading = Date.now()),
    );
    const at: number[] = [];
    for (let i = 0; i < 35; i += 1) {
      await gate.acquire();
      at.push(lastReading);
    }
    for (let i = 10; i < at.length; i += 1) expect(at[i]! - at[i - 10]!).toBeGreaterThanOrEqual(1000);
    for (const t of at) {
      expect(t % 1000).toBeGreaterThanOrEqual(EDGE_EARLY_MS);
      expect(t % 1000).toBeLessThan(1000 - EDGE_LATE_MS);
    }
    const perSecond = new Map<number, number>();
    for (const t of at) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(10);
    // How fast it goes is the benchmark's business (npm run bench: events a second per game).
  });
});
