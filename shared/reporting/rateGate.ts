/**
 * A per-second call counter in DynamoDB, shared by every running copy of a function: before each
 * NPPA call a copy adds one to the counter of the current second, conditioned on it staying within
 * the limit (docs/nppa.md: loginout 10 QPS, query 300 QPS per game; exceeding locks the caller out for a
 * minute). A refused copy waits for the next second. No read-then-write: the condition is the limit.
 *
 * The national system counts calls in its own seconds, as they arrive. A call granted at the very
 * end of one of our seconds could arrive in the next one, next to that second's calls (a 1006 and a
 * minute's lockout, seen in the benchmark). So calls are granted only inside each second, from
 * EDGE_EARLY_MS after its start to EDGE_LATE_MS before its end (real time): a call reaching the
 * national system less than EDGE_LATE_MS after its grant, with clocks apart by less than
 * EDGE_EARLY_MS, is counted in the second it was granted in. And one copy never has more than
 * `limit` grants within any 1 s, should the national system count in sliding windows. Together they
 * still allow the whole limit every second. (The reporter is one copy at a time, under its lease.)
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { whenConditionFails } from '#shared/storage/conditions';
import { ttlAttribute } from '#shared/storage/expiry';
import { rateGateKey } from '#shared/storage/keys';

/** No grant in the first EDGE_EARLY_MS and the last EDGE_LATE_MS of a second (see above). */
export const EDGE_EARLY_MS = 50;
export const EDGE_LATE_MS = 150;
/** `tryAcquire` starts no write later than this before the late edge (a write's usual time, and then some). */
const WRITE_MARGIN_MS = 100;

/**
 * The national system's seconds a call sent at `at` (real time, ms) may be counted in: its own, and
 * the neighbour it is within an edge of (a late call arrives in the next second; an early one, with
 * clocks apart, may be counted in the one before).
 */
export function secondsReached(at: number): number[] {
  const second = Math.floor(at / 1000);
  if (at % 1000 >= 1000 - EDGE_LATE_MS) return [second, second + 1];
  return at % 1000 < EDGE_EARLY_MS ? [second - 1, second] : [second];
}

export class RateGate {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly name: string,
    private readonly perSecond: number,
    /**
     * Names the counter's second: real time deployed (and in the local runner, shared/services.ts),
     * whose seconds the national system counts; tests may pass a virtual clock.
     */
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    /** Real time, whose seconds the national system counts in. */
    private readonly realNow: () => number = Date.now,
  ) {
    this.grants = Array.from({ length: perSecond }, () => Number.NEGATIVE_INFINITY);
  }

  /** Real times of this copy's last `perSecond` grants, oldest at `next`; callers of one copy take turns. */
  private readonly grants: number[];
  private next = 0;
  private turn: Promise<void> = Promise.resolve();
  /**
   * The last second `tryAcquire` found spent: this copy refuses the rest of it without a write, so a
   * burst past the limit (a launch day) costs the counter's one partition a refused write per copy a
   * second, not one per submission. It only ever refuses more, never grants more.
   */
  private spentSecond: number | undefined;

  /** Resolves, with the epoch second it was granted, when this caller may make one call. */
  async acquire(): Promise<number> {
    const previous = this.turn;
    let done!: () => void;
    this.turn = new Promise((resolve) => (done = resolve));
    await previous;
    try {
      for (;;) {
        const real = this.realNow();
        const sliding = this.grants[this.next]! + 1000 - real;
        if (sliding > 0) {
          // At most a second: the real clock may step back.
          await this.sleep(Math.min(sliding, 1000));
          continue;
        }
        const inSecond = real % 1000;
        if (inSecond < EDGE_EARLY_MS || inSecond >= 1000 - EDGE_LATE_MS) {
          await this.sleep(inSecond < EDGE_EARLY_MS ? EDGE_EARLY_MS - inSecond : 1000 - inSecond + EDGE_EARLY_MS);
          continue;
        }
        const second = await this.take();
        if (second === null) {
          // This second's calls are spent (other copies): the next second's window.
          const now = this.realNow();
          await this.sleep(1000 - (now % 1000) + EDGE_EARLY_MS);
          continue;
        }
        const granted = this.realNow();
        if (granted % 1000 >= 1000 - EDGE_LATE_MS || Math.floor(granted / 1000) !== Math.floor(real / 1000)) {
          // The counter answered too late in the second (a slow write): the slot is left unused.
          continue;
        }
        this.grants[this.next] = granted;
        this.next = (this.next + 1) % this.grants.length;
        return second;
      }
    } finally {
      done();
    }
  }

  /**
   * For a request that must not wait long (a player's identity submission): a permit for one call
   * now if this second has one left, else false at once. Outside a second's grant window it first
   * waits for the next window (at most EDGE_EARLY_MS + EDGE_LATE_MS), so a call is counted in the one
   * second it can reach the national system in: one write. Should the write answer so late that the
   * call could reach the national system in another second, it is counted there too (the price of a
   * slow write is a slot unused, never an uncounted call).
   */
  async tryAcquire(tries = 3): Promise<boolean> {
    // A write started this close to the late edge would likely answer inside it: start in the next window.
    const inSecond = this.realNow() % 1000;
    if (inSecond < EDGE_EARLY_MS || inSecond >= 1000 - EDGE_LATE_MS - WRITE_MARGIN_MS)
      await this.sleep(inSecond < EDGE_EARLY_MS ? EDGE_EARLY_MS - inSecond : 1000 - inSecond + EDGE_EARLY_MS);
    const counted = new Set<number>();
    for (let attempt = 0; attempt < tries; attempt += 1) {
      for (const second of secondsReached(this.realNow())) {
        if (counted.has(second)) continue;
        if (second === this.spentSecond) return false;
        if ((await this.take(second)) === null) {
          this.spentSecond = second;
          return false;
        }
        counted.add(second);
      }
      if (secondsReached(this.realNow()).every((second) => counted.has(second))) return true;
    }
    return false;
  }

  /** One call of the current second (or of `second`), or null when they are spent. */
  private async take(second = Math.floor(this.now() / 1000)): Promise<number | null> {
    const r = await whenConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: rateGateKey(this.name, second),
          UpdateExpression: 'ADD calls :one SET expiresAt = :exp',
          ConditionExpression: 'attribute_not_exists(calls) OR calls < :limit',
          // The second is in the key: the counter is never read after it, and its TTL only cleans up.
          ExpressionAttributeValues: { ':one': 1, ':limit': this.perSecond, ':exp': ttlAttribute((second + 1) * 1000) },
        }),
      ),
    );
    return r.ok ? second : null;
  }
}
