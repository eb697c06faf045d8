/**
 * Payment reservations and the per-person spend ledger. This module owns their keys and the
 * condition expressions that encode the limits.
 *
 *   ORDER#<orderId> / ORDER            one reservation: account, person, amount, Beijing day and
 *                                      month it counts in, state; while reserved it sits in gsi1
 *                                      under RESERVED#<shard> ordered by expiry, for the sweeper.
 *   IDENTITY#<hmac> / SPEND#D#<date>   the person's total for a Beijing day (reserved + committed)
 *   IDENTITY#<hmac> / SPEND#M#<month>  … and for a Beijing month.
 *
 * A reservation is one transaction: the order is created only if new, and each counter grows only
 * if it stays within its limit — the limit is the condition, so concurrent purchases cannot slip past it.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryShards } from '#shared/storage/dynamo';
import { ttlAttribute } from '#shared/storage/expiry';
import { unmarshall } from '@aws-sdk/util-dynamodb';

const RESERVED_SHARDS = 4;
/**
 * TTLs here are cleanup only (shared/storage/expiry.ts): a counter is found by the day or month in
 * its key, and a reservation's life is `reservationExpiresAt` (the sweeper's index key, and the
 * condition of commit), never the presence of the item.
 */
const DAY_RETENTION_MS = 40 * 86_400_000;
const MONTH_RETENTION_MS = 400 * 86_400_000;
/** Orders are kept 180 days for disputes and audit, then expire. */
const ORDER_RETENTION_MS = 180 * 86_400_000;

export type OrderStatus = 'reserved' | 'committed' | 'cancelled' | 'released';

export interface Order {
  orderId: string;
  accountId: string;
  identityHash: string;
  amount: number;
  day: string;
  month: string;
  status: OrderStatus;
  reservedAt: number;
  reservationExpiresAt: number;
}

export const orderKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'ORDER' });
export const dayCounterKey = (identityHash: string, day: string) => ({ pk: `IDENTITY#${identityHash}`, sk: `SPEND#D#${day}` });
export const monthCounterKey = (identityHash: string, month: string) => ({ pk: `IDENTITY#${identityHash}`, sk: `SPEND#M#${month}` });
const reservedShard = (orderId: string) => `RESERVED#${createHash('sha1').update(orderId).digest()[0]! % RESERVED_SHARDS}`;
const expiryKey = (ms: number, orderId: string) => `${String(ms).padStart(15, '0')}#${orderId}`;

export type ReserveOutcome =
  | { kind: 'reserved'; order: Order }
  | { kind: 'existing'; order: Order }
  | { kind: 'over_limit'; which: 'daily' | 'monthly'; total: number }
  | { kind: 'patrol'; total: number };

export class SpendingRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** The person's totals for a day and a month (reserved and committed). One round trip. */
  async totals(identityHash: string, day: string, month: string): Promise<{ day: number; month: number }> {
    const r = await this.db.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: [dayCounterKey(identityHash, day), monthCounterKey(identityHash, month)], ConsistentRead: true } } }));
    const items = r.Responses?.[this.table] ?? [];
    const total = (sk: string) => Number(items.find((i) => i.sk === sk)?.total ?? 0);
    return { day: total(`SPEND#D#${day}`), month: total(`SPEND#M#${month}`) };
  }

  /**
   * Reserves `order.amount` in one transaction. `dayMaxBefore`/`monthMaxBefore` are the highest
   * totals the counters may hold before adding it (null: no limit), so the conditions are the limits.
   */
  async reserve(order: Order, ceilings: { dayMaxBefore: number | null; monthMaxBefore: number | null; patrolMaxBefore?: number | null }): Promise<ReserveOutcome> {
    const counter = (key: { pk: string; sk: string }, maxes: Array<number | null | undefined>, retentionMs: number) => {
      const bounds = maxes.filter((m): m is number => m !== null && m !== undefined);
      const values: Record<string, unknown> = { ':amount': order.amount, ':exp': ttlAttribute(order.reservedAt + retentionMs) };
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
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: { ...orderKey(order.orderId), ...order, expiresAt: ttlAttribute(Math.max(order.reservationExpiresAt, order.reservedAt + ORDER_RETENTION_MS)), gsi1pk: reservedShard(order.orderId), gsi1sk: expiryKey(order.reservationExpiresAt, order.orderId) },
                ConditionExpression: 'attribute_not_exists(pk)',
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            counter(dayCounterKey(order.identityHash, order.day), [ceilings.dayMaxBefore], DAY_RETENTION_MS),
            counter(monthCounterKey(order.identityHash, order.month), [ceilings.monthMaxBefore, ceilings.patrolMaxBefore], MONTH_RETENTION_MS),
          ],
        }),
      );
      return { kind: 'reserved', order };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [orderReason, dayReason, monthReason] = error.CancellationReasons ?? [];
      const old = (reason: typeof orderReason) => (reason?.Item ? unmarshall(reason.Item) : undefined);
      if (orderReason?.Code === 'ConditionalCheckFailed') return { kind: 'existing', order: old(orderReason) as Order };
      if (dayReason?.Code === 'ConditionalCheckFailed') return { kind: 'over_limit', which: 'daily', total: Number(old(dayReason)?.total ?? 0) };
      if (monthReason?.Code === 'ConditionalCheckFailed') {
        const total = Number(old(monthReason)?.total ?? 0);
        const patrol = ceilings.patrolMaxBefore;
        if (patrol !== null && patrol !== undefined && total > patrol) return { kind: 'patrol', total };
        return { kind: 'over_limit', which: 'monthly', total };
      }
      throw error;
    }
  }

  /**
   * Makes a reservation permanent while its time has not run out (`reservationExpiresAt`, whether
   * or not the sweeper has released it yet); idempotent once committed. Returns the order as it
   * was when the condition failed, if it did.
   */
  async commit(orderId: string, accountId: string | null, nowMs: number): Promise<{ ok: true } | { ok: false; order: Order | null }> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: orderKey(orderId),
          UpdateExpression: 'SET #status = :committed, committedAt = if_not_exists(committedAt, :now) REMOVE gsi1pk, gsi1sk',
          ConditionExpression: `((#status = :reserved AND reservationExpiresAt > :now) OR #status = :committed)${accountId ? ' AND accountId = :acct' : ' AND attribute_exists(pk)'}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':committed': 'committed', ':reserved': 'reserved', ':now': nowMs, ...(accountId ? { ':acct': accountId } : {}) },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { ok: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { ok: false, order: error.Item ? (unmarshall(error.Item) as Order) : null };
    }
  }

  /**
   * Releases a reservation's amount (cancel, or expiry by the sweeper) in one transaction with the
   * state change, so an amount is released exactly once.
   */
  async release(order: Pick<Order, 'orderId' | 'identityHash' | 'amount' | 'day' | 'month'>, to: 'cancelled' | 'released', accountId: string | null, nowMs: number): Promise<{ ok: true } | { ok: false; order: Order | null }> {
    const decrement = (key: { pk: string; sk: string }) => ({
      Update: { TableName: this.table, Key: key, UpdateExpression: 'ADD #total :minus', ExpressionAttributeNames: { '#total': 'total' }, ExpressionAttributeValues: { ':minus': -order.amount } },
    });
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: orderKey(order.orderId),
                UpdateExpression: 'SET #status = :to, releasedAt = :now REMOVE gsi1pk, gsi1sk',
                ConditionExpression: `#status = :reserved${accountId ? ' AND accountId = :acct' : ''}`,
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':to': to, ':reserved': 'reserved', ':now': nowMs, ...(accountId ? { ':acct': accountId } : {}) },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            decrement(dayCounterKey(order.identityHash, order.day)),
            decrement(monthCounterKey(order.identityHash, order.month)),
          ],
        }),
      );
      return { ok: true };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reason = error.CancellationReasons?.[0];
      if (reason?.Code !== 'ConditionalCheckFailed') throw error;
      return { ok: false, order: reason.Item ? (unmarshall(reason.Item) as Order) : null };
    }
  }

  async get(orderId: string): Promise<Order | null> {
    const r = await this.db.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: [orderKey(orderId)], ConsistentRead: true } } }));
    return (r.Responses?.[this.table]?.[0] as Order | undefined) ?? null;
  }

  /** Reservations whose time ran out (candidates for the sweeper). */
  async expiredReservations(nowMs: number, limit = 200): Promise<Order[]> {
    return queryShards<Order>(this.db, this.table, 'RESERVED#', RESERVED_SHARDS, { below: expiryKey(nowMs, ''), limit });
  }

}
