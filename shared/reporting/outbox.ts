/**
 * The NPPA outbox: each login and logout becomes one item, written in the same transaction as the
 * session change that caused it (DESIGN.md "NPPA reporting"). One item per session and event
 * type, created with attribute_not_exists, so an event can never be queued twice. Unsent events
 * sit in the sparse index gsi1 under OUTBOX#<shard>, ordered by event time; the reporter drains them.
 */
import { createHash } from 'node:crypto';

export const OUTBOX_SHARDS = 4;
/** Sent events are kept this long for audit, then expire. */
export const SENT_RETENTION_S = 30 * 86_400;

export interface OutboxEvent {
  /** NPPA `si`: the session id (32 characters), shared by a login and its logout. */
  si: string;
  /** NPPA `bt`: 1 = login (上线), 0 = logout (下线). */
  bt: 0 | 1;
  /** Event time, epoch ms (sent as `ot` in seconds). */
  atMs: number;
  identityHash: string;
  accountId: string;
}

export const outboxShard = (si: string): number => createHash('sha1').update(si).digest()[0]! % OUTBOX_SHARDS;
export const outboxKey = (si: string, bt: 0 | 1) => ({ pk: `OUTBOX#${si}`, sk: bt === 1 ? 'LOGIN' : 'LOGOUT' });
export const outboxIndexKey = (shard: number) => `OUTBOX#${shard}`;

/** The Put of an outbox event, to be placed inside the caller's transaction. */
export function outboxPut(table: string, e: OutboxEvent) {
  return {
    Put: {
      TableName: table,
      Item: {
        ...outboxKey(e.si, e.bt),
        kind: 'nppaEvent',
        si: e.si,
        bt: e.bt,
        atMs: e.atMs,
        identityHash: e.identityHash,
        accountId: e.accountId,
        state: 'queued',
        attempts: 0,
        gsi1pk: outboxIndexKey(outboxShard(e.si)),
        gsi1sk: `${String(e.atMs).padStart(15, '0')}#${e.si}#${e.bt}`,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}
