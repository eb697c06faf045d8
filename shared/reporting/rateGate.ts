/**
 * A per-second call counter in DynamoDB, shared by every running copy of a function: before each
 * NPPA call a copy adds one to the counter of the current second, conditioned on it staying within
 * the limit (docs/nppa.md: loginout 10 QPS, query 300 QPS per game; exceeding locks the caller out for a
 * minute). A refused copy waits for the next second. No read-then-write: the condition is the limit.
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
  ) {}

  /** Resolves, with the epoch second it was granted, when this caller may make one call. */
  async acquire(): Promise<number> {
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
