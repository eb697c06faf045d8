/**
 * Webhook events and their one owner. Each notification to the publisher is one item, written in
 * the same transaction as the change that causes it (callers compose `eventPart`), so an event
 * exists exactly when its change happened, and nothing is sent on a player's request path: the
 * webhook sender (shared/notifications/sender.ts) delivers it later. The body is fixed when the
 * event is written, so every delivery attempt sends the same bytes.
 *
 * An undelivered event sits in the sparse index ordered by its next attempt; a delivered one is
 * deleted; a dead letter (not accepted within its 24 h of retries) leaves the index and is kept
 * 30 days (retention table, shared/storage/retention.ts). Events hold opaque ids only, never
 * personal data (docs/design.md "Notifications").
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '#shared/zod';
import { formatBeijing } from '#shared/domain/beijingTime';
import { whenConditionFails, type TransactItem } from '#shared/storage/conditions';
import { queryShards } from '#shared/storage/dynamo';
import { ttlAttribute } from '#shared/storage/expiry';
import { RETENTION_MS } from '#shared/storage/retention';
import { sortableTime, WEBHOOK_DUE_PREFIX, WEBHOOK_SHARDS, webhookDueIndex, webhookEventKey } from '#shared/storage/keys';

export const NOTIFICATION_TYPES = [
  'guardian.approval_requested',
  'guardian.ward_session_started',
  'guardian.ward_payment_committed',
  'guardian.ward_erased',
  'risk.challenge_issued',
  'identity.account_bound',
  'payment.refund_decided',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** How long an event is retried after it happened (the contract: "retried with back-off for 24 h"). */
export const RETRY_WINDOW_MS = 24 * 3600_000;

export interface NewNotification {
  type: NotificationType;
  /** The gateway's time of the change (epoch ms on the gateway clock); sent as `occurredAt`. */
  occurredAtMs: number;
  /** Opaque ids and plain values only: no names, ID numbers, PI, hashes or device ids. */
  data: Record<string, string | number | boolean | null | object>;
  /** Given by the caller (e.g. derived from the change, so a replayed change cannot queue it twice), or random. */
  id?: string;
}

const QueuedItem = z.object({
  id: z.string(),
  type: z.enum(NOTIFICATION_TYPES),
  occurredAtMs: z.number(),
  body: z.string(),
  attempts: z.number(),
  nextAttemptAt: z.number(),
  state: z.enum(['queued', 'dead']),
  lastError: z.optional(z.string()),
});
export type QueuedNotification = z.infer<typeof QueuedItem>;

/** The envelope the publisher receives: `{"id", "type", "occurredAt", "data"}`. */
export const notificationBody = (id: string, e: NewNotification): string =>
  JSON.stringify({ id, type: e.type, occurredAt: formatBeijing(e.occurredAtMs), data: e.data });

export class NotificationOutbox {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** The transaction part that queues one event (a Put, refused if that id is already queued). */
  eventPart(e: NewNotification): TransactItem {
    const id = e.id ?? randomUUID();
    return {
      Put: {
        TableName: this.table,
        Item: {
          ...webhookEventKey(id),
          kind: 'webhookEvent',
          id,
          type: e.type,
          occurredAtMs: e.occurredAtMs,
          body: notificationBody(id, e),
          attempts: 0,
          nextAttemptAt: e.occurredAtMs,
          state: 'queued',
          ...webhookDueIndex(id, e.occurredAtMs),
          // Cleanup only: past its retries and a dead letter's 30 days, whether or not a sender ran.
          expiresAt: ttlAttribute(e.occurredAtMs + RETRY_WINDOW_MS + RETENTION_MS.webhookDeadLetter),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  /** Undelivered events whose next attempt is due at `nowMs`, earliest first, at most `limitPerShard` from each shard. */
  async due(nowMs: number, limitPerShard: number): Promise<QueuedNotification[]> {
    const items = await queryShards<Record<string, unknown>>(this.db, this.table, WEBHOOK_DUE_PREFIX, WEBHOOK_SHARDS, {
      below: sortableTime(nowMs + 1),
      limit: limitPerShard,
    });
    return items.map((i) => z.parse(QueuedItem, i)).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.occurredAtMs - b.occurredAtMs);
  }

  /**
   * Takes an event for one delivery attempt: counts the attempt and moves its next attempt to
   * `nextAttemptAt` before anything is sent, so a run that dies mid-send leaves it to be retried
   * then, and two overlapping runs never send it at once. False when another run took it first
   * (or it was delivered meanwhile).
   */
  async claim(e: QueuedNotification, nextAttemptAt: number, nowMs: number): Promise<boolean> {
    const r = await whenConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: webhookEventKey(e.id),
          UpdateExpression: 'SET attempts = :next, nextAttemptAt = :at, lastAttemptAt = :now, gsi1pk = :gpk, gsi1sk = :gsk',
          ConditionExpression: 'attempts = :seen AND #state = :queued',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':next': e.attempts + 1,
            ':seen': e.attempts,
            ':at': nextAttemptAt,
            ':now': nowMs,
            ':queued': 'queued',
            ...prefixed(webhookDueIndex(e.id, nextAttemptAt)),
          },
        }),
      ),
    );
    return r.ok;
  }

  /** The publisher accepted the event: it is gone. */
  async delivered(id: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: webhookEventKey(id) }));
  }

  /** Not accepted within its retries: kept 30 days for an operator, never tried again. */
  async deadLetter(id: string, nowMs: number, lastError: string): Promise<void> {
    await whenConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: webhookEventKey(id),
          UpdateExpression: 'SET #state = :dead, deadAt = :now, lastError = :err, expiresAt = :exp REMOVE gsi1pk, gsi1sk',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':dead': 'dead', ':now': nowMs, ':err': lastError, ':exp': ttlAttribute(nowMs + RETENTION_MS.webhookDeadLetter) },
        }),
      ),
    );
  }

  /** One event as stored (state and attempts), or null. */
  async get(id: string): Promise<QueuedNotification | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: webhookEventKey(id), ConsistentRead: true }));
    return r.Item ? z.parse(QueuedItem, r.Item) : null;
  }
}

const prefixed = (index: { gsi1pk: string; gsi1sk: string }) => ({ ':gpk': index.gsi1pk, ':gsk': index.gsi1sk });
