/**
 * One reporter drains at a time: a lease item taken with a condition (free, expired, or ours) and
 * released at the end. Concurrent invocations find it held and return at once, so no event is read
 * and sent by two copies; the per-second gate still bounds calls if a lease ever expires mid-run.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { whenConditionFails } from '#shared/storage/conditions';
import { ttlAttribute } from '#shared/storage/expiry';
import { drainerLeaseKey } from '#shared/storage/keys';

export class DrainerLease {
  private readonly holder = randomUUID();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly name: string,
  ) {}

  async take(nowMs: number, forMs: number): Promise<boolean> {
    const r = await whenConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: drainerLeaseKey(this.name),
          UpdateExpression: 'SET holder = :me, #until = :until, expiresAt = :exp',
          // `until` decides whether the lease is held; `expiresAt` only cleans up (shared/storage/expiry.ts).
          ConditionExpression: 'attribute_not_exists(pk) OR #until < :now OR holder = :me',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':me': this.holder, ':until': nowMs + forMs, ':now': nowMs, ':exp': ttlAttribute(nowMs + forMs) },
        }),
      ),
    );
    return r.ok;
  }

  /** Gives the lease back (refused, and left alone, when another holder took it after it expired). */
  async release(): Promise<void> {
    await whenConditionFails(
      this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: drainerLeaseKey(this.name),
          ConditionExpression: 'holder = :me',
          ExpressionAttributeValues: { ':me': this.holder },
        }),
      ),
    );
  }
}
