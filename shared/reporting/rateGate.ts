/**
 * A per-second call counter in DynamoDB, shared by every running copy of a function: before each
 * NPPA call a copy adds one to the counter of the current second, conditioned on it staying within
 * the limit (docs/nppa.md: loginout 10 QPS, query 300 QPS per game; exceeding locks the caller out for a
 * minute). A refused copy waits for the next second. No read-then-write: the condition is the limit.
 *
 * The counter's seconds are ours, not the national system's: calls bunched at the end of one of our
 * seconds and the start of the next could land in one of its seconds (a 1006 and a minute's
 * lockout, seen in the benchmark). So one copy also keeps its own calls within the limit in every
 * sliding window of one second plus a margin, in real time: a call waits until the call `limit`
 * grants before it is at least 1 s + MARGIN_MS old. Whatever the national system's seconds, it then
 * counts at most `limit` from this copy unless two calls one second apart reach it more than
 * MARGIN_MS apart in travel time. (Spacing every call 1/limit s apart would give the same guarantee
 * only with ten times the margin: ~5 % of the peak rate instead of ~2.5 %.) The reporter is one copy
 * at a time, under its lease.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '#shared/storage/conditions';
import { ttlAttribute } from '#shared/storage/expiry';
import { rateGateKey } from '#shared/storage/keys';

/** How much later than 1 s the call `limit` grants back must be (see above). */
export const MARGIN_MS = 25;

export class RateGate {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly name: string,
    private readonly perSecond: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.grants = Array.from({ length: perSecond }, () => Number.NEGATIVE_INFINITY);
  }

  /** Real times (performance.now) of this copy's last `perSecond` grants, oldest at `next`; callers of one copy take turns. */
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
      const wait = this.grants[this.next]! + 1000 + MARGIN_MS - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const second = await this.take();
      this.grants[this.next] = performance.now();
      this.next = (this.next + 1) % this.grants.length;
      return second;
    } finally {
      done();
    }
  }

  private async take(): Promise<number> {
    for (;;) {
      const nowMs = this.now();
      const second = Math.floor(nowMs / 1000);
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
        await this.sleep((second + 1) * 1000 - nowMs + 1);
      }
    }
  }
}
