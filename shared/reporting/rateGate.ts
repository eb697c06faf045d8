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
import { isConditionFailure } from '#shared/storage/conditions';
import { ttlAttribute } from '#shared/storage/expiry';
import { rateGateKey } from '#shared/storage/keys';

/** No grant in the first EDGE_EARLY_MS and the last EDGE_LATE_MS of a second (see above). */
export const EDGE_EARLY_MS = 50;
export const EDGE_LATE_MS = 150;

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

  /** One call of the current second, or null when they are spent. */
  private async take(): Promise<number | null> {
    const second = Math.floor(this.now() / 1000);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: rateGateKey(this.name, second),
          UpdateExpression: 'ADD calls :one SET expiresAt = :exp',
          ConditionExpression: 'attribute_not_exists(calls) OR calls < :limit',
          // The second is in the key: the counter is never read after it, and its TTL only cleans up.
          ExpressionAttributeValues: { ':one': 1, ':limit': this.perSecond, ':exp': ttlAttribute((second + 1) * 1000) },
        }),
      );
      return second;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return null;
    }
  }
}
