/**
 * The NPPA outbox and its one owner: each login and logout becomes one item, written in the same
 * transaction as the session change that caused it (the session repository composes `eventPart`).
 * One item per session and event type, created only if absent, so an event can never be queued
 * twice. Unsent events sit in the sparse index, ordered by event time, spread over shards; the
 * reporter lists them (`queued`) and settles them (`settle`) once the national system has answered.
 */
import { BatchWriteCommand, DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '#shared/zod';
import { whenConditionFails, type TransactItem } from '#shared/storage/conditions';
import { batchGet, queryQueue, queryShardsPage } from '#shared/storage/dynamo';
import { ttlAttribute } from '#shared/storage/expiry';
import { RETENTION_MS } from '#shared/storage/retention';
import { DEFAULT_GAME_ID } from '#shared/settings';
import {
  DEAD_LETTERS,
  deadLetterIndex,
  LEGACY_OUTBOX_PREFIX,
  LEGACY_OUTBOX_SHARDS,
  OUTBOX_SHARDS,
  outboxIndex,
  outboxKey,
  outboxQueuePrefix,
} from '#shared/storage/keys';

/** Settled events (sent, dead, dropped) are kept this long for audit, then expire. */
export const SETTLED_RETENTION_MS = RETENTION_MS.settledEvent;

export interface OutboxEvent {
  /** The game whose bizId reports it. */
  gameId: string;
  /** NPPA `si`: the session id (32 characters), shared by a login and its logout. */
  si: string;
  /** NPPA `bt`: 1 = login (上线), 0 = logout (下线). */
  bt: 0 | 1;
  /** Event time, epoch ms (sent as `ot` in seconds). */
  atMs: number;
  identityHash: string;
  accountId: string;
  /** Its session began while the account's own check was pending (shared/sessions/repository.ts SessionRecord). */
  accountPending?: true;
}

const QueuedItem = z.object({
  gameId: z._default(z.string(), DEFAULT_GAME_ID),
  si: z.string(),
  bt: z.union([z.literal(0), z.literal(1)]),
  atMs: z.number(),
  identityHash: z.string(),
  accountId: z.string(),
  accountPending: z.optional(z.literal(true)),
  attempts: z.optional(z.number()),
  /** The account was erased: the event carries its person's PI and is deleted once reported. */
  pi: z.optional(z.string()),
  eraseWhenSettled: z.optional(z.boolean()),
});
export type QueuedEvent = z.infer<typeof QueuedItem>;

/** The record of a queued outbox item (storage attributes dropped). */
export const queuedEventFromItem = (item: Record<string, unknown>): QueuedEvent => z.parse(QueuedItem, item);

export type SettledState = 'sent' | 'dead' | 'dropped';

/** A login/logout event the national system refused for good, as an operator sees it (no PI, no hashes). */
export interface DeadLetter {
  si: string;
  bt: 0 | 1;
  gameId: string;
  errcode: number | null;
  settledAt: number;
}

export class OutboxRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** The Put of an event, to be placed inside the caller's transaction. */
  eventPart(e: OutboxEvent): TransactItem {
    return {
      Put: {
        TableName: this.table,
        Item: { ...outboxKey(e.si, e.bt), kind: 'nppaEvent', ...e, state: 'queued', attempts: 0, ...outboxIndex(e.gameId, e.si, e.bt, e.atMs) },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  /**
   * One game's unsent events, oldest first: about `pageSize` of them, an equal part from each of its
   * shards (the oldest of each, so the page's first events are the game's oldest).
   */
  async queued(gameId: string, pageSize: number): Promise<{ events: QueuedEvent[]; more: boolean }> {
    const page = await queryShardsPage<Record<string, unknown>>(this.db, this.table, outboxQueuePrefix(gameId), OUTBOX_SHARDS, {
      limit: Math.max(1, Math.ceil(pageSize / OUTBOX_SHARDS)),
    });
    // Events queued before games existed wait in the single game's old partitions: still reported.
    const legacy =
      gameId === DEFAULT_GAME_ID
        ? await queryShardsPage<Record<string, unknown>>(this.db, this.table, LEGACY_OUTBOX_PREFIX, LEGACY_OUTBOX_SHARDS, {
            limit: Math.max(1, Math.ceil(pageSize / LEGACY_OUTBOX_SHARDS)),
          })
        : { items: [], more: false };
    // By time; at the same instant a login (bt 1) before a logout (bt 0): a session that ends in the
    // millisecond it began is still reported as begun, then ended.
    return { events: [...page.items, ...legacy.items].map(queuedEventFromItem).sort((a, b) => a.atMs - b.atMs || b.bt - a.bt), more: page.more || legacy.more };
  }

  /** The login and logout events of a session, as stored (state and all). */
  async ofSession(si: string): Promise<Array<{ bt: 0 | 1; state: string }>> {
    return (await batchGet(this.db, this.table, [outboxKey(si, 1), outboxKey(si, 0)])).map((i) => ({ bt: i.bt as 0 | 1, state: String(i.state) }));
  }

  /**
   * Erasure of an account: a queued event is still reported — it takes the person's PI along (the
   * person's item may be gone before it is sent) and is deleted when settled; a settled one goes now.
   * Returns whether the event is still waiting to be reported.
   */
  async eraseEvent(si: string, bt: 0 | 1, pi: string | undefined): Promise<'queued' | 'deleted'> {
    const marked = await whenConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: outboxKey(si, bt),
          UpdateExpression: `SET eraseWhenSettled = :t${pi ? ', pi = if_not_exists(pi, :pi)' : ''}`,
          ConditionExpression: '#state = :queued',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':t': true, ':queued': 'queued', ...(pi ? { ':pi': pi } : {}) },
        }),
      ),
    );
    if (marked.ok) return 'queued';
    await this.db.send(
      new DeleteCommand({
        TableName: this.table,
        Key: outboxKey(si, bt),
        ConditionExpression: 'attribute_not_exists(pk) OR #state <> :queued',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':queued': 'queued' },
      }),
    );
    return 'deleted';
  }

  /**
   * Rewrites events as settled (leaving the queue's index), 25 a request, with `extra` attributes
   * per event (the shift applied, the refusal's errcode). Unprocessed writes are retried with back-off.
   */
  async settle(events: QueuedEvent[], state: SettledState, nowMs: number, extra: (e: QueuedEvent) => Record<string, unknown> = () => ({})): Promise<void> {
    const expiresAt = ttlAttribute(nowMs + SETTLED_RETENTION_MS);
    for (let i = 0; i < events.length; i += 25) {
      let items: Array<{ PutRequest: { Item: Record<string, unknown> } }> = events.slice(i, i + 25).map((e) => ({
        PutRequest: {
          Item: {
            ...outboxKey(e.si, e.bt),
            kind: 'nppaEvent',
            ...e,
            state,
            settledAt: nowMs,
            expiresAt,
            ...extra(e),
            ...(state === 'dead' ? deadLetterIndex(e.si, e.bt, nowMs) : {}),
          },
        },
      }));
      // An erased account's events are kept only until reported: settling deletes them.
      const erased = events.slice(i, i + 25).filter((e) => e.eraseWhenSettled);
      if (erased.length) {
        const gone = new Set(erased.map((e) => `${e.si}#${e.bt}`));
        items = items.filter((w) => !gone.has(`${w.PutRequest.Item.si}#${w.PutRequest.Item.bt}`));
        (items as Array<Record<string, unknown>>).push(...erased.map((e) => ({ DeleteRequest: { Key: outboxKey(e.si, e.bt) } })));
      }
      for (let attempt = 0; items.length && attempt < 8; attempt += 1) {
        const r = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.table]: items } }));
        items = (r.UnprocessedItems?.[this.table] ?? []) as typeof items;
        if (items.length) await new Promise((res) => setTimeout(res, 50 * 2 ** attempt));
      }
      if (items.length) throw new Error('outbox settle: unprocessed items remain');
    }
  }

  /** Dead letters, newest first (those settled before the dead-letter index existed are not listed). */
  async deadLetters(limit: number): Promise<DeadLetter[]> {
    const { items } = await queryQueue(this.db, this.table, DEAD_LETTERS, { limit, newestFirst: true });
    return items.map((i) => ({
      si: String(i.si),
      bt: i.bt === 1 ? 1 : 0,
      gameId: typeof i.gameId === 'string' ? i.gameId : DEFAULT_GAME_ID,
      errcode: typeof i.reason === 'number' ? i.reason : null,
      settledAt: Number(i.settledAt ?? 0),
    }));
  }

  /**
   * Puts a dead letter back in its game's queue (the reporter sends it again, its time shifted if
   * it is old). False when no dead letter has that key (unknown, or already retried).
   */
  async retryDeadLetter(si: string, bt: 0 | 1): Promise<boolean> {
    const stored = await this.db.send(new GetCommand({ TableName: this.table, Key: outboxKey(si, bt), ConsistentRead: true }));
    if (stored.Item?.state !== 'dead') return false;
    const event = queuedEventFromItem(stored.Item);
    const index = outboxIndex(event.gameId, si, bt, event.atMs);
    const requeued = await whenConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: outboxKey(si, bt),
          UpdateExpression: 'SET #state = :queued, attempts = :zero, gsi1pk = :gpk, gsi1sk = :gsk REMOVE reason, settledAt, expiresAt',
          ConditionExpression: '#state = :dead',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':queued': 'queued', ':zero': 0, ':gpk': index.gsi1pk, ':gsk': index.gsi1sk, ':dead': 'dead' },
        }),
      ),
    );
    return requeued.ok;
  }
}
