/**
 * Payment orders and the per-person spend ledger: their one owner (keys in shared/storage/keys.ts),
 * with the condition expressions that encode the limits.
 *
 *   order          one reservation: account, game, person, amount, Beijing day and month it counts in,
 *                  state; while reserved it sits in the sweeper's index ordered by expiry.
 *   spend ledger   the person's total for a Beijing day and for a Beijing month (reserved + committed).
 *
 * A reservation is one transaction: the order is created only if new, and each counter grows only
 * if it stays within its limit — the limit is the condition, so concurrent purchases cannot slip past it.
 */
import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '#shared/zod';
import type { PaymentEvidence } from '#shared/domain/paymentEvidence';
import { TransactionRefused, transact, whenConditionFails, type TransactItem } from '#shared/storage/conditions';
import { batchGet, indexOnce, queryPartition, queryShards, scanWithout } from '#shared/storage/dynamo';
import { endOfBeijingDay, endOfBeijingMonth } from '#shared/domain/beijingTime';
import { ttlAttribute } from '#shared/storage/expiry';
import { RETENTION_MS } from '#shared/storage/retention';
import { DEFAULT_GAME_ID } from '#shared/settings';
import {
  ACCOUNT_INDEX,
  ACCOUNT_INDEX_ORDER,
  accountIndexPartition,
  accountOrderIndex,
  identityKey,
  ORDER_PREFIX,
  orderKey,
  RESERVED_PREFIX,
  RESERVED_SHARDS,
  reservedOrderIndex,
  sortableTime,
  SPEND_PREFIX,
  spendCounterOf,
  spendDayKey,
  spendMonthKey,
  type Key,
} from '#shared/storage/keys';
/**
 * TTLs here are cleanup only (shared/storage/expiry.ts): a counter is found by the day or month in
 * its key, and a reservation's life is `reservationExpiresAt` (the sweeper's index key, and the
 * condition of commit), never the presence of the item.
 */
// A counter is needed while its day or month lasts, and until the reservations counted in it are released.
const dayCounterEnd = (day: string): number => endOfBeijingDay(day) + RETENTION_MS.spendCounterAfterPeriod;
const monthCounterEnd = (month: string): number => endOfBeijingMonth(month) + RETENTION_MS.spendCounterAfterPeriod;
/** Orders are kept 180 days for disputes and audit, then expire. */
const ORDER_RETENTION_MS = RETENTION_MS.order;

export type OrderStatus = 'reserved' | 'committed' | 'cancelled' | 'released';

export interface Order {
  orderId: string;
  accountId: string;
  /** The game the order is for (a configured game's id when it was reserved). */
  gameId: string;
  identityHash: string;
  amount: number;
  day: string;
  month: string;
  status: OrderStatus;
  reservedAt: number;
  reservationExpiresAt: number;
  /** A ward's order: the confirmed guardians told when it is committed (docs/api.md, Notifications). */
  guardians?: Array<{ guardianId: string; wardId: string }>;
  /** The age band whose limits applied (the operators' figures sum committed amounts by it). */
  ageBand?: 0 | 8 | 16 | 18;
  /**
   * The evidence a refund is decided on (shared/domain/paymentEvidence.ts): drafted by the
   * reservation from the account it read, sealed by the commit's own update (copied to `evidence`),
   * dropped when the reservation is cancelled or released.
   */
  evidenceDraft?: PaymentEvidence | undefined;
  evidence?: PaymentEvidence | null | undefined;
  committedAt?: number | undefined;
  /** The guardian's refund request of this order (one per order). */
  refundRequestId?: string | undefined;
}

const OrderItem = z.object({
  orderId: z.string(),
  accountId: z.string(),
  // Orders reserved before games were configurable carry none: they were the single game's.
  gameId: z._default(z.string(), DEFAULT_GAME_ID),
  identityHash: z.string(),
  amount: z.number(),
  day: z.string(),
  month: z.string(),
  status: z.enum(['reserved', 'committed', 'cancelled', 'released']),
  reservedAt: z.number(),
  reservationExpiresAt: z.number(),
  guardians: z.optional(z.array(z.object({ guardianId: z.string(), wardId: z.string() }))),
  ageBand: z.optional(z.union([z.literal(0), z.literal(8), z.literal(16), z.literal(18)])),
  evidenceDraft: z.optional(z.custom<PaymentEvidence>((v) => v !== null && typeof v === 'object')),
  evidence: z.optional(z.nullable(z.custom<PaymentEvidence>((v) => v !== null && typeof v === 'object'))),
  committedAt: z.optional(z.number()),
  refundRequestId: z.optional(z.string()),
});
/** The record of a stored order item (storage attributes dropped). */
export const orderFromItem = (item: Record<string, unknown>): Order => z.parse(OrderItem, item);

export type ReserveOutcome =
  | { kind: 'reserved'; order: Order }
  | { kind: 'existing'; order: Order }
  | { kind: 'over_limit'; which: 'daily' | 'monthly'; total: number }
  | { kind: 'patrol'; total: number }
  /** The guardian's approval this reservation needs is missing, open, declined or expired (as stored, if at all). */
  | { kind: 'approval'; approval: Record<string, unknown> | undefined };

export class SpendingRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** The person's totals for a day and a month (reserved and committed). One round trip. */
  async totals(identityHash: string, day: string, month: string): Promise<{ day: number; month: number }> {
    const dayKey = spendDayKey(identityHash, day);
    const monthKey = spendMonthKey(identityHash, month);
    const items = await batchGet(this.db, this.table, [dayKey, monthKey]);
    const total = (key: Key) => Number(items.find((i) => i.sk === key.sk)?.total ?? 0);
    return { day: total(dayKey), month: total(monthKey) };
  }

  /**
   * Reserves `order.amount` in one transaction. `dayMaxBefore`/`monthMaxBefore` are the highest
   * totals the counters may hold before adding it (null: no limit), so the conditions are the limits.
   */
  async reserve(
    order: Order,
    ceilings: { dayMaxBefore: number | null; monthMaxBefore: number | null; patrolMaxBefore?: number | null },
    approved?: TransactItem,
  ): Promise<ReserveOutcome> {
    const counter = (key: Key, maxes: Array<number | null | undefined>, endMs: number) => {
      const bounds = maxes.filter((m): m is number => m !== null && m !== undefined);
      const values: Record<string, unknown> = { ':amount': order.amount, ':exp': ttlAttribute(endMs) };
      bounds.forEach((m, i) => (values[`:max${i}`] = m));
      return {
        Update: {
          TableName: this.table,
          Key: key,
          UpdateExpression: 'ADD #total :amount SET expiresAt = :exp',
          ...(bounds.length ? { ConditionExpression: `attribute_not_exists(#total) OR (${bounds.map((_, i) => `#total <= :max${i}`).join(' AND ')})` } : {}),
          ExpressionAttributeNames: { '#total': 'total' },
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        },
      };
    };
    const items: Array<[string, TransactItem]> = [
      [
        'order',
        {
          Put: {
            TableName: this.table,
            Item: {
              ...orderKey(order.orderId),
              ...order,
              expiresAt: ttlAttribute(Math.max(order.reservationExpiresAt, order.reservedAt + ORDER_RETENTION_MS)),
              ...reservedOrderIndex(order.orderId, order.reservationExpiresAt),
              ...accountOrderIndex(order.accountId, order.reservedAt, order.orderId),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ],
      ['day', counter(spendDayKey(order.identityHash, order.day), [ceilings.dayMaxBefore], dayCounterEnd(order.day))],
      ['month', counter(spendMonthKey(order.identityHash, order.month), [ceilings.monthMaxBefore, ceilings.patrolMaxBefore], monthCounterEnd(order.month))],
    ];
    if (approved) items.push(['approval', approved]);
    try {
      await transact(this.db, items);
      return { kind: 'reserved', order };
    } catch (error) {
      if (!(error instanceof TransactionRefused)) throw error;
      if (error.refused('order')) return { kind: 'existing', order: orderFromItem(error.itemOf('order') ?? {}) };
      // A payment over a limit is refused as such: no guardian is asked to approve it.
      if (!error.refused('day') && !error.refused('month')) return { kind: 'approval', approval: error.itemOf('approval') };
      if (error.refused('day')) return { kind: 'over_limit', which: 'daily', total: Number(error.itemOf('day')?.total ?? 0) };
      const total = Number(error.itemOf('month')?.total ?? 0);
      const patrol = ceilings.patrolMaxBefore;
      if (patrol !== null && patrol !== undefined && total > patrol) return { kind: 'patrol', total };
      return { kind: 'over_limit', which: 'monthly', total };
    }
  }

  /**
   * Makes a reservation permanent while its time has not run out (`reservationExpiresAt`, whether
   * or not the sweeper has released it yet); idempotent once committed. Returns the order as it
   * was when the condition failed, if it did.
   */
  async commit(
    orderId: string,
    accountId: string | null,
    nowMs: number,
    notify?: (order: Order) => TransactItem | null,
  ): Promise<{ ok: true } | { ok: false; order: Order | null }> {
    const update = {
      TableName: this.table,
      Key: orderKey(orderId),
      // The evidence drafted at the reservation is sealed in this same update: copied once to
      // `evidence` (an order reserved before evidence was kept gets null), never replaced after.
      UpdateExpression:
        'SET #status = :committed, committedAt = if_not_exists(committedAt, :now), evidence = ' +
        'if_not_exists(evidence, if_not_exists(evidenceDraft, :none)) REMOVE gsi1pk, gsi1sk, evidenceDraft',
      ConditionExpression:
        `((#status = :reserved AND reservationExpiresAt > :now) OR #status = ` +
        `:committed)${accountId ? ' AND accountId = :acct' : ' AND attribute_exists(pk)'}`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':committed': 'committed',
        ':reserved': 'reserved',
        ':now': nowMs,
        ':none': null,
        ...(accountId ? { ':acct': accountId } : {}),
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
    // With webhooks on, a ward's first commit carries its notification in the same transaction
    // (the order, read first, says whose it is; the condition still decides the commit).
    const before = notify ? await this.get(orderId) : null;
    const event = before && before.status === 'reserved' && notify ? notify(before) : null;
    if (event) {
      try {
        const firstCommit = `#status = :reserved AND reservationExpiresAt > :now${accountId ? ' AND accountId = :acct' : ''}`;
        await transact(this.db, [
          ['order', { Update: { ...update, ConditionExpression: firstCommit } }],
          ['notification', event],
        ]);
        return { ok: true };
      } catch (error) {
        if (!(error instanceof TransactionRefused) || !error.refused('order')) throw error;
        // Committed meanwhile (a concurrent commit: that one told the guardians), or refused: decide as below.
      }
    }
    const r = await whenConditionFails(this.db.send(new UpdateCommand(update)));
    return r.ok ? { ok: true } : { ok: false, order: r.refused ? orderFromItem(r.refused) : null };
  }

  /**
   * Releases a reservation's amount (cancel, or expiry by the sweeper) in one transaction with the
   * state change, so an amount is released exactly once.
   */
  async release(
    order: Pick<Order, 'orderId' | 'identityHash' | 'amount' | 'day' | 'month'>,
    to: 'cancelled' | 'released',
    accountId: string | null,
    nowMs: number,
  ): Promise<{ ok: true } | { ok: false; order: Order | null }> {
    const decrement = (key: Key): TransactItem => ({
      Update: {
        TableName: this.table,
        Key: key,
        UpdateExpression: 'ADD #total :minus',
        ExpressionAttributeNames: { '#total': 'total' },
        ExpressionAttributeValues: { ':minus': -order.amount },
      },
    });
    try {
      await transact(this.db, [
        [
          'order',
          {
            Update: {
              TableName: this.table,
              Key: orderKey(order.orderId),
              // A payment that did not happen needs no evidence.
              UpdateExpression: 'SET #status = :to, releasedAt = :now REMOVE gsi1pk, gsi1sk, evidenceDraft',
              ConditionExpression: `#status = :reserved${accountId ? ' AND accountId = :acct' : ''}`,
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':to': to, ':reserved': 'reserved', ':now': nowMs, ...(accountId ? { ':acct': accountId } : {}) },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
        ],
        ['day', decrement(spendDayKey(order.identityHash, order.day))],
        ['month', decrement(spendMonthKey(order.identityHash, order.month))],
      ]);
      return { ok: true };
    } catch (error) {
      if (!(error instanceof TransactionRefused) || !error.refused('order')) throw error;
      const old = error.itemOf('order');
      return { ok: false, order: old ? orderFromItem(old) : null };
    }
  }

  /**
   * The order's part of a guardian's refund request (shared/usecases/refunds.ts): it names the
   * request, once, and only while the order is committed.
   */
  refundRequestedPart(orderId: string, requestId: string): TransactItem {
    return {
      Update: {
        TableName: this.table,
        Key: orderKey(orderId),
        UpdateExpression: 'SET refundRequestId = :id',
        ConditionExpression: 'attribute_not_exists(refundRequestId) AND #status = :committed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':id': requestId, ':committed': 'committed' },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
  }

  /** Orders stored before the per-account index existed get their `gsi2` entry (see SessionRepository). */
  async backfillAccountIndex(): Promise<number> {
    let done = 0;
    for await (const item of scanWithout(this.db, this.table, ORDER_PREFIX)) {
      const o = orderFromItem(item);
      if (await indexOnce(this.db, this.table, orderKey(o.orderId), accountOrderIndex(o.accountId, o.reservedAt, o.orderId))) done += 1;
    }
    return done;
  }

  async get(orderId: string): Promise<Order | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: orderKey(orderId), ConsistentRead: true }));
    return r.Item ? orderFromItem(r.Item) : null;
  }

  /** The account's orders through the per-account index (`gsi2`); newest first when `limit` is given. */
  async ofAccount(accountId: string, options: { limit?: number } = {}): Promise<Array<Order & { committedAt?: number; releasedAt?: number }>> {
    const refs = await queryPartition(this.db, this.table, accountIndexPartition(accountId), {
      skPrefix: ACCOUNT_INDEX_ORDER,
      index: ACCOUNT_INDEX,
      ...(options.limit ? { limit: options.limit, newestFirst: true } : {}),
    });
    const items = await batchGet(
      this.db,
      this.table,
      refs.map((r) => ({ pk: String(r.pk), sk: String(r.sk) })),
    );
    return items
      .map((i) => ({
        ...orderFromItem(i),
        ...(typeof i.committedAt === 'number' ? { committedAt: i.committedAt } : {}),
        ...(typeof i.releasedAt === 'number' ? { releasedAt: i.releasedAt } : {}),
      }))
      .filter((o) => o.accountId === accountId);
  }

  /**
   * Erasure: removes an order. A reservation still counting keeps its amount in the person's
   * ledger (the ledger, not the order, is what the limits read), which errs on the side of the limit.
   */
  async deleteOrder(orderId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: orderKey(orderId) }));
  }

  /** The person's ledger counters: kind, period (day or month) and when each expires. */
  async ledger(identityHash: string): Promise<Array<{ kind: 'day' | 'month'; period: string; total: number; expiresAt?: number }>> {
    const items = await queryPartition(this.db, this.table, identityKey(identityHash).pk, { skPrefix: SPEND_PREFIX });
    return items.map((i) => ({ ...spendCounterOf(i), total: Number(i.total ?? 0), ...(typeof i.expiresAt === 'number' ? { expiresAt: i.expiresAt } : {}) }));
  }

  /** Erasure: a counter the law still needs expires at `untilMs` (never later than it would have). */
  async keepCounterUntil(identityHash: string, kind: 'day' | 'month', period: string, untilMs: number): Promise<void> {
    const key = kind === 'day' ? spendDayKey(identityHash, period) : spendMonthKey(identityHash, period);
    const exp = ttlAttribute(untilMs);
    await whenConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'SET expiresAt = :exp',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(expiresAt) OR expiresAt > :exp)',
          ExpressionAttributeValues: { ':exp': exp },
        }),
      ),
    );
  }

  /** Erasure: a counter the law no longer needs (a past day or month). */
  async deleteCounter(identityHash: string, kind: 'day' | 'month', period: string): Promise<void> {
    await this.db.send(
      new DeleteCommand({ TableName: this.table, Key: kind === 'day' ? spendDayKey(identityHash, period) : spendMonthKey(identityHash, period) }),
    );
  }

  /** Reservations whose time ran out (candidates for the sweeper). */
  async expiredReservations(nowMs: number, limit = 200): Promise<Order[]> {
    return (await queryShards<Record<string, unknown>>(this.db, this.table, RESERVED_PREFIX, RESERVED_SHARDS, { below: `${sortableTime(nowMs)}#`, limit })).map(
      orderFromItem,
    );
  }
}
