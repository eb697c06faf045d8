/**
 * A per-second call counter in DynamoDB, shared by every running copy of a function: before each
 * NPPA call a copy adds one to the counter of the current second, conditioned on it staying within
 * the limit (docs/nppa.md: loginout 10 QPS, query 300 QPS per game; exceeding locks the caller out for a
 * minute). A refused copy waits for the next second. No read-then-write: the condition is the limit.
 *
 * The counter's seconds are ours, not the national system's: calls bunched at the end of one of our
 * seconds and the start of the next could land in one of its seconds (a 1006 and a minute's
 * lockout, seen in the benchmark). So one copy also spaces its own calls at least 1/limit s apart
 * (plus 5 ms), in real time: any one-second window then sees at most the limit from it. (The
 * reporter is one copy at a time, under its lease.)
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '#shared/storage/conditions';
import { ttlAttribute } from '#shared/storage/expiry';
import { rateGateKey } from '#shared/storage/keys';

export class RateGate {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly name: string,
    private readonly perSecond: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.spacingMs = Math.ceil(1000 / perSecond) + 5;
  }

  private readonly spacingMs: number;
  /** Real time (performance.now) of this copy's last grant; callers of one copy take turns. */
  private lastGrantAt = Number.NEGATIVE_INFINITY;
  private turn: Promise<void> = Promise.resolve();

  /** Resolves, with the epoch second it was granted, when this caller may make one call. */
  async acquire(): Promise<number> {
    const previous = this.turn;
    let done!: () => void;
    this.turn = new Promise((resolve) => (done = resolve));
    await previous;
    try {
      const wait = this.lastGrantAt + this.spacingMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const second = await this.take();
      this.lastGrantAt = performance.now();
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
