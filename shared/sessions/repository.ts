/**
 * Sessions and their leases. This module owns their keys and conditions.
 *
 *   SESSION#<si> / SESSION          one login: who, which device (hashed), birth date and the play
 *                                   already counted today, last heartbeat and seq, state; while live
 *                                   it sits in gsi1 under LIVE#<shard> ordered by its heartbeat
 *                                   deadline, for the sweeper.
 *   ACCOUNT#<id> / LEASE            the account's one live session.
 *   IDENTITY#<hmac> / LEASE         a minor's one live session across all of that person's accounts.
 *
 * Every change of a session's life writes its NPPA outbox event in the same transaction.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { BatchGetCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { accountKey, type AccountRecord } from '#shared/identity/repository';
import { outboxPut } from '#shared/reporting/outbox';

export const LIVE_SHARDS = 8;
/** Ended sessions are kept a week (support questions, heartbeat replays), then expire. */
const ENDED_RETENTION_S = 7 * 86_400;

export type EndReason = 'logout' | 'signed_in_elsewhere' | 'session_expired' | 'play_time_exhausted' | 'outside_allowed_hours' | 'challenge_failed' | 'account_blocked';

export interface SessionRecord {
  sessionId: string;
  accountId: string;
  identityHash: string;
  deviceHash: string;
  birthDate: string;
  /** Minor rules forced on the account until then (failed challenge), copied at login. */
  minorRulesUntil?: number;
  /** Seconds this person had already played today when the session started (budget policies). */
  playedBeforeSeconds: number;
  startedAt: number;
  lastHeartbeatAt: number;
  lastSeq: number;
  intervalSeconds: number;
  state: 'live' | 'ended';
  endReason?: EndReason;
  endedAt?: number;
  minorAtLogin: boolean;
  /** This session holds the identity lease (minors: one live session per person). */
  identityLeased: boolean;
}

export interface Lease {
  sessionId: string;
  deviceHash: string;
  accountId: string;
}

/** A lease the new session replaces, and whether the session it names is still live (then it is ended). */
export interface Replaced {
  lease: Lease;
  live: boolean;
}

/** Leases expire on their own after a day: a safety net under the sweeper. */
const LEASE_TTL_S = 86_400;

export const sessionKey = (sessionId: string) => ({ pk: `SESSION#${sessionId}`, sk: 'SESSION' });
export const accountLeaseKey = (accountId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: 'LEASE' });
export const identityLeaseKey = (identityHash: string) => ({ pk: `IDENTITY#${identityHash}`, sk: 'LEASE' });
const liveShard = (sessionId: string) => `LIVE#${createHash('sha1').update(sessionId).digest()[0]! % LIVE_SHARDS}`;
/** Sweeper index sort key: the last heartbeat; the sweeper applies each session's own deadline. */
const sweepKey = (lastHeartbeatAt: number, sessionId: string) => `${String(lastHeartbeatAt).padStart(15, '0')}#${sessionId}`;

/** No heartbeat for two intervals plus 30 s: the session is over (issue 4 §5). */
export const heartbeatDeadline = (lastHeartbeatAt: number, intervalSeconds: number): number => lastHeartbeatAt + (2 * intervalSeconds + 30) * 1000;

export class SessionConflict extends Error {
  constructor(readonly reason: 'account' | 'identity') {
    super('another live session holds this account or identity');
  }
}

export type HeartbeatOutcome =
  | { kind: 'counted'; session: SessionRecord }
  | { kind: 'repeated'; session: SessionRecord }
  | { kind: 'stale'; session: SessionRecord }
  | { kind: 'ended'; session: SessionRecord }
  | { kind: 'not_found' };

export class SessionRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Login's first read: the account (with its identity facts) and its lease, one round trip. */
  async accountAndLease(accountId: string): Promise<{ account: AccountRecord | null; lease: Lease | null }> {
    const r = await this.db.send(
      new BatchGetCommand({ RequestItems: { [this.table]: { Keys: [accountKey(accountId), accountLeaseKey(accountId)], ConsistentRead: true } } }),
    );
    const items = r.Responses?.[this.table] ?? [];
    const account = items.find((i) => i.sk === 'ACCOUNT');
    const lease = items.find((i) => i.sk === 'LEASE');
    return { account: account ? ({ ...account, accountId } as AccountRecord) : null, lease: (lease as Lease | undefined) ?? null };
  }

  async identityLease(identityHash: string): Promise<Lease | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: identityLeaseKey(identityHash), ConsistentRead: true }));
    return (r.Item as Lease | undefined) ?? null;
  }

  async get(sessionId: string): Promise<SessionRecord | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: sessionKey(sessionId), ConsistentRead: true }));
    return (r.Item as SessionRecord | undefined) ?? null;
  }

  /**
   * Starts a session in one transaction: the new session, the account lease (and for a minor the
   * identity lease), the end of each session it takes over, and the outbox events. Each lease put
   * is conditioned on the lease being absent or still held by the session we saw (and chose to
   * take over), so two simultaneous logins produce exactly one session.
   */
  async start(s: SessionRecord, replaced: { account: Replaced | null; identity: Replaced | null }): Promise<void> {
    const now = s.startedAt;
    const leaseValue = { sessionId: s.sessionId, deviceHash: s.deviceHash, accountId: s.accountId, since: now, expiresAt: Math.floor(now / 1000) + LEASE_TTL_S };
    const leasePut = (key: { pk: string; sk: string }, seen: Replaced | null) => ({
      Put: {
        TableName: this.table,
        Item: { ...key, ...leaseValue },
        ConditionExpression: seen ? 'sessionId = :seen' : 'attribute_not_exists(pk)',
        ...(seen ? { ExpressionAttributeValues: { ':seen': seen.lease.sessionId } } : {}),
      },
    });
    type Items = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;
    const items: Items = [
      {
        Put: {
          TableName: this.table,
          Item: { ...sessionKey(s.sessionId), ...s, gsi1pk: liveShard(s.sessionId), gsi1sk: sweepKey(now, s.sessionId) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      leasePut(accountLeaseKey(s.accountId), replaced.account),
      outboxPut(this.table, { si: s.sessionId, bt: 1, atMs: now, identityHash: s.identityHash, accountId: s.accountId }),
    ];
    if (s.identityLeased) items.push(leasePut(identityLeaseKey(s.identityHash), replaced.identity));
    const ended = new Map<string, Replaced>();
    for (const r of [replaced.account, s.identityLeased ? replaced.identity : null]) if (r?.live) ended.set(r.lease.sessionId, r);
    for (const old of ended.values()) {
      items.push(this.endUpdate(old.lease.sessionId, 'signed_in_elsewhere', now));
      items.push(outboxPut(this.table, { si: old.lease.sessionId, bt: 0, atMs: now, identityHash: s.identityHash, accountId: old.lease.accountId }));
      // The person's session on another account also holds that account's lease: release it.
      if (old.lease.accountId !== s.accountId) {
        items.push({ Delete: { TableName: this.table, Key: accountLeaseKey(old.lease.accountId), ConditionExpression: 'attribute_not_exists(pk) OR sessionId = :old', ExpressionAttributeValues: { ':old': old.lease.sessionId } } });
      }
    }
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons.some((r) => r.Code === 'ConditionalCheckFailed')) throw new SessionConflict(reasons[1]?.Code === 'ConditionalCheckFailed' ? 'account' : 'identity');
      throw error;
    }
  }

  private endUpdate(sessionId: string, reason: EndReason, endedAt: number) {
    return {
      Update: {
        TableName: this.table,
        Key: sessionKey(sessionId),
        UpdateExpression: 'SET #state = :ended, endReason = :reason, endedAt = :at, expiresAt = :exp REMOVE gsi1pk, gsi1sk',
        ConditionExpression: '#state = :live',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':ended': 'ended', ':live': 'live', ':reason': reason, ':at': endedAt, ':exp': Math.floor(endedAt / 1000) + ENDED_RETENTION_S },
      },
    };
  }

  /**
   * The heartbeat: ONE conditional update (DESIGN.md budget). It counts only a new `seq` of a live
   * session of this account, moves the sweeper deadline, and returns the whole session, from
   * which the answer is computed. On a failed condition the item comes back with the failure
   * (ReturnValuesOnConditionCheckFailure), which tells a repeat, a stale seq, an ended session
   * and another account's session apart without a second read.
   */
  async heartbeat(sessionId: string, accountId: string, seq: number, nowMs: number): Promise<HeartbeatOutcome> {
    try {
      const r = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: sessionKey(sessionId),
          UpdateExpression: 'SET lastSeq = :seq, lastHeartbeatAt = :now, gsi1sk = :sweepKey',
          ConditionExpression: 'accountId = :acct AND #state = :live AND lastSeq < :seq',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':seq': seq, ':now': nowMs, ':acct': accountId, ':live': 'live', ':sweepKey': sweepKey(nowMs, sessionId) },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { kind: 'counted', session: r.Attributes as SessionRecord };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      if (!error.Item) return { kind: 'not_found' };
      const session = unmarshall(error.Item) as SessionRecord;
      if (session.accountId !== accountId) return { kind: 'not_found' };
      if (session.state !== 'live') return { kind: 'ended', session };
      if (session.lastSeq === seq) return { kind: 'repeated', session };
      return { kind: 'stale', session };
    }
  }

  /**
   * Ends a session (logout, sweep, end of play) with its logout event in one transaction. The
   * leases are deleted only if they still name this session. Returns false when it had already
   * ended (idempotent).
   */
  async end(s: Pick<SessionRecord, 'sessionId' | 'accountId' | 'identityHash' | 'identityLeased'>, reason: EndReason, endedAt: number, extraCondition?: { lastHeartbeatAt: number }): Promise<boolean> {
    const end = this.endUpdate(s.sessionId, reason, endedAt);
    if (extraCondition) {
      end.Update.ConditionExpression += ' AND lastHeartbeatAt = :seenBeat';
      (end.Update.ExpressionAttributeValues as Record<string, unknown>)[':seenBeat'] = extraCondition.lastHeartbeatAt;
    }
    // Invariant: a lease is replaced only in the transaction that ends the session it names, so
    // while this session is live its leases still name it and can be deleted in the same step.
    const leaseDelete = (key: { pk: string; sk: string }) => ({
      Delete: { TableName: this.table, Key: key, ConditionExpression: 'sessionId = :sid', ExpressionAttributeValues: { ':sid': s.sessionId } },
    });
    const items = [end, outboxPut(this.table, { si: s.sessionId, bt: 0, atMs: endedAt, identityHash: s.identityHash, accountId: s.accountId }), leaseDelete(accountLeaseKey(s.accountId))] as NonNullable<
      ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']
    >;
    if (s.identityLeased) items.push(leaseDelete(identityLeaseKey(s.identityHash)));
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
      throw error;
    }
    return true;
  }

  /** Live sessions whose last heartbeat is older than `beforeMs` (candidates for the sweeper). */
  async liveSessionsSilentSince(beforeMs: number, limit = 200): Promise<SessionRecord[]> {
    const out: SessionRecord[] = [];
    for (let shard = 0; shard < LIVE_SHARDS; shard += 1) {
      const r = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :shard AND gsi1sk < :before',
          ExpressionAttributeValues: { ':shard': `LIVE#${shard}`, ':before': sweepKey(beforeMs, '') },
          Limit: limit,
        }),
      );
      out.push(...((r.Items ?? []) as SessionRecord[]));
    }
    return out;
  }
}
