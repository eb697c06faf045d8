/**
 * Sessions and their leases. This module owns their keys and conditions.
 *
 *   SESSION#<si> / SESSION          one login: who, which device (hashed), birth date, the play
 *                                   already counted today, last heartbeat and seq, state; while live
 *                                   it sits in gsi1 under LIVE#<shard> ordered by its last heartbeat,
 *                                   for the sweeper.
 *   ACCOUNT#<id> / ACCOUNT          the account item carries its lease (leaseSessionId, leaseDeviceHash)
 *                                   and its device sightings, so login reads and marks it in one request.
 *   IDENTITY#<hmac> / LEASE         a minor's one live session across all of that person's accounts.
 *
 * Invariant: a lease changes hands only in the transaction that ends the session it names, so a
 * live session always still holds its leases. Every change of a session's life writes its NPPA
 * outbox event in the same transaction.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { accountKey, type AccountRecord } from '#shared/identity/repository';
import { queryShards } from '#shared/storage/dynamo';
import { ttlAttribute } from '#shared/storage/expiry';
import { outboxPut } from '#shared/reporting/outbox';

export const LIVE_SHARDS = 8;
/**
 * TTLs here are cleanup only (shared/storage/expiry.ts). Live sessions have none: a session ends by
 * `state`, and its sweeper deadline is computed from `lastHeartbeatAt`.
 */
/** Ended sessions are kept a week (support questions, heartbeat replays), then expire. */
const ENDED_RETENTION_MS = 7 * 86_400_000;
/**
 * A minor's identity lease is valid exactly while the session it names is live and heard from
 * (login reads that session: `replaceable` in shared/sessions/service.ts); its TTL, a day after it
 * was taken, only removes leftovers.
 */
const LEASE_RETENTION_MS = 86_400_000;

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
  /** Night-play seconds of the replaced session (adults' night patrol). */
  nightSeconds?: number;
  /** Play seconds of the replaced session to add to its person's day (budget policies). */
  play?: { identityHash: string; day: string; seconds: number };
}

export const sessionKey = (sessionId: string) => ({ pk: `SESSION#${sessionId}`, sk: 'SESSION' });
/** A person's play seconds on a Beijing day, for budget policies (nppa-2019: 1.5 h a day across accounts). */
export const dayPlayKey = (identityHash: string, day: string) => ({ pk: `IDENTITY#${identityHash}`, sk: `PLAY#${day}` });
/** Found by the Beijing day in its key; kept a few days, then expires. */
const DAY_PLAY_RETENTION_MS = 3 * 86_400_000;
export const identityLeaseKey = (identityHash: string) => ({ pk: `IDENTITY#${identityHash}`, sk: 'LEASE' });
const liveShard = (sessionId: string) => `LIVE#${createHash('sha1').update(sessionId).digest()[0]! % LIVE_SHARDS}`;
/**
 * Sweeper index sort key: the last heartbeat, rounded down to 10 minutes. Moving an item within an
 * index costs two index writes, so the key only moves once per bucket (most heartbeats write the
 * same key: 2 write units instead of 3). Rounding down keeps every silent session among the
 * candidates; the sweeper then applies each session's own deadline.
 */
const SWEEP_BUCKET_MS = 10 * 60_000;
const sweepKey = (lastHeartbeatAt: number, sessionId: string) => `${String(Math.floor(lastHeartbeatAt / SWEEP_BUCKET_MS) * SWEEP_BUCKET_MS).padStart(15, '0')}#${sessionId}`;

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

type Items = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

const isMissingPath = (error: unknown) => (error as Error).name === 'ValidationException' && /document path/i.test((error as Error).message);

export class SessionRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Login's first request: records the device on the account and returns the account (identity
   * facts, lease, sightings, risk facts) as it now is. Null when the account has no item yet.
   */
  async accountForLogin(accountId: string, deviceHash: string, nowMs: number): Promise<AccountRecord | null> {
    try {
      const r = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: accountKey(accountId),
          UpdateExpression: 'SET devices.#d = :now, lastLoginAt = :now',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#d': deviceHash },
          ExpressionAttributeValues: { ':now': nowMs },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { ...(r.Attributes as AccountRecord), accountId };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return null;
      if (!isMissingPath(error)) throw error;
    }
    const r = await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: accountKey(accountId),
        UpdateExpression: 'SET devices = :map, lastLoginAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(devices)',
        ExpressionAttributeValues: { ':map': { [deviceHash]: nowMs }, ':now': nowMs },
        ReturnValues: 'ALL_NEW',
      }),
    ).catch((error: unknown) => {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    });
    return r ? { ...(r.Attributes as AccountRecord), accountId } : this.accountForLogin(accountId, deviceHash, nowMs);
  }

  async identityLease(identityHash: string): Promise<Lease | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: identityLeaseKey(identityHash), ConsistentRead: true }));
    return (r.Item as Lease | undefined) ?? null;
  }

  async get(sessionId: string): Promise<SessionRecord | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: sessionKey(sessionId), ConsistentRead: true }));
    return (r.Item as SessionRecord | undefined) ?? null;
  }

  private endUpdate(sessionId: string, reason: EndReason, endedAt: number) {
    return {
      Update: {
        TableName: this.table,
        Key: sessionKey(sessionId),
        UpdateExpression: 'SET #state = :ended, endReason = :reason, endedAt = :at, expiresAt = :exp REMOVE gsi1pk, gsi1sk',
        ConditionExpression: '#state = :live',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':ended': 'ended', ':live': 'live', ':reason': reason, ':at': endedAt, ':exp': ttlAttribute(endedAt + ENDED_RETENTION_MS) } as Record<string, unknown>,
      },
    };
  }

  private dayPlayUpdate(play: { identityHash: string; day: string; seconds: number }, nowMs: number) {
    return {
      Update: {
        TableName: this.table,
        Key: dayPlayKey(play.identityHash, play.day),
        UpdateExpression: 'ADD seconds :s SET expiresAt = :exp',
        ExpressionAttributeValues: { ':s': play.seconds, ':exp': ttlAttribute(nowMs + DAY_PLAY_RETENTION_MS) },
      },
    };
  }

  /** Seconds this person has played on a Beijing day (budget policies only: one extra read at login). */
  async playedOn(identityHash: string, day: string): Promise<number> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: dayPlayKey(identityHash, day), ConsistentRead: true }));
    return Number(r.Item?.seconds ?? 0);
  }

  /** The account update that releases (or hands over) a lease and records night play of the ended session. */
  private accountLeaseUpdate(accountId: string, next: Lease | null, seenSessionId: string | null, night: { sessionId: string; endedAt: number; seconds: number } | null) {
    const set: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    if (next) {
      set.push('leaseSessionId = :sid', 'leaseDeviceHash = :dh');
      values[':sid'] = next.sessionId;
      values[':dh'] = next.deviceHash;
    }
    if (night && night.seconds > 0) {
      set.push('nightPlay.#n = :night');
      names['#n'] = night.sessionId;
      values[':night'] = { at: night.endedAt, s: night.seconds };
    }
    if (seenSessionId) values[':seen'] = seenSessionId;
    return {
      Update: {
        TableName: this.table,
        Key: accountKey(accountId),
        UpdateExpression: [set.length ? `SET ${set.join(', ')}` : '', next ? '' : 'REMOVE leaseSessionId, leaseDeviceHash'].filter(Boolean).join(' '),
        ConditionExpression: seenSessionId ? 'leaseSessionId = :seen' : 'attribute_exists(pk) AND attribute_not_exists(leaseSessionId)',
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
      },
    };
  }

  /**
   * Starts a session in one transaction: the session, the account's lease (and for a minor the
   * identity lease), the end of each session it takes over, and the outbox events. Each lease is
   * conditioned on being free or still held by the session we saw, so two simultaneous logins
   * produce exactly one session.
   */
  async start(s: SessionRecord, replaced: { account: Replaced | null; identity: Replaced | null }): Promise<void> {
    const now = s.startedAt;
    const lease: Lease = { sessionId: s.sessionId, deviceHash: s.deviceHash, accountId: s.accountId };
    const ownOld = replaced.account;
    const items: Items = [
      { Put: { TableName: this.table, Item: { ...sessionKey(s.sessionId), ...s, gsi1pk: liveShard(s.sessionId), gsi1sk: sweepKey(now, s.sessionId) }, ConditionExpression: 'attribute_not_exists(pk)' } },
      this.accountLeaseUpdate(s.accountId, lease, ownOld?.lease.sessionId ?? null, ownOld?.live ? { sessionId: ownOld.lease.sessionId, endedAt: now, seconds: ownOld.nightSeconds ?? 0 } : null),
      outboxPut(this.table, { si: s.sessionId, bt: 1, atMs: now, identityHash: s.identityHash, accountId: s.accountId }),
    ];
    if (s.identityLeased) {
      const seen = replaced.identity;
      items.push({
        Put: {
          TableName: this.table,
          Item: { ...identityLeaseKey(s.identityHash), ...lease, since: now, expiresAt: ttlAttribute(now + LEASE_RETENTION_MS) },
          ConditionExpression: seen ? 'sessionId = :seen' : 'attribute_not_exists(pk)',
          ...(seen ? { ExpressionAttributeValues: { ':seen': seen.lease.sessionId } } : {}),
        },
      });
    }
    const ended = new Map<string, Replaced>();
    for (const r of [replaced.account, s.identityLeased ? replaced.identity : null]) if (r?.live) ended.set(r.lease.sessionId, r);
    for (const old of ended.values()) {
      items.push(this.endUpdate(old.lease.sessionId, 'signed_in_elsewhere', now));
      if (old.play && old.play.seconds > 0) items.push(this.dayPlayUpdate(old.play, now));
      items.push(outboxPut(this.table, { si: old.lease.sessionId, bt: 0, atMs: now, identityHash: s.identityHash, accountId: old.lease.accountId }));
      // The person's session on another account also holds that account's lease: release it.
      if (old.lease.accountId !== s.accountId) items.push(this.accountLeaseUpdate(old.lease.accountId, null, old.lease.sessionId, null));
    }
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons.some((r) => r.Code === 'ConditionalCheckFailed')) throw new SessionConflict(s.identityLeased && reasons[3]?.Code === 'ConditionalCheckFailed' ? 'identity' : 'account');
      throw error;
    }
  }

  /**
   * The heartbeat: ONE conditional update (DESIGN.md budget). It counts only a new `seq` of a live
   * session of this account, moves the sweeper key, and returns the whole session, from which the
   * answer is computed. On a failed condition the item comes back with the failure
   * (ReturnValuesOnConditionCheckFailure), which tells a repeat, a stale seq, an ended session and
   * another account's session apart without a second read.
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
   * Ends a session (logout, sweep, end of play, failed challenge) with its logout event, its leases
   * released and its night play recorded, in one transaction. False when it had already ended.
   */
  async end(
    s: Pick<SessionRecord, 'sessionId' | 'accountId' | 'identityHash' | 'identityLeased'>,
    reason: EndReason,
    endedAt: number,
    options: { lastHeartbeatAt?: number; nightSeconds?: number; play?: { day: string; seconds: number } } = {},
  ): Promise<boolean> {
    const end = this.endUpdate(s.sessionId, reason, endedAt);
    if (options.lastHeartbeatAt !== undefined) {
      end.Update.ConditionExpression += ' AND lastHeartbeatAt = :seenBeat';
      end.Update.ExpressionAttributeValues[':seenBeat'] = options.lastHeartbeatAt;
    }
    const items: Items = [
      end,
      outboxPut(this.table, { si: s.sessionId, bt: 0, atMs: endedAt, identityHash: s.identityHash, accountId: s.accountId }),
      this.accountLeaseUpdate(s.accountId, null, s.sessionId, { sessionId: s.sessionId, endedAt, seconds: options.nightSeconds ?? 0 }),
    ];
    if (s.identityLeased) {
      items.push({ Delete: { TableName: this.table, Key: identityLeaseKey(s.identityHash), ConditionExpression: 'sessionId = :sid', ExpressionAttributeValues: { ':sid': s.sessionId } } });
    }
    if (options.play && options.play.seconds > 0) items.push(this.dayPlayUpdate({ identityHash: s.identityHash, ...options.play }, endedAt));
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return false;
      if (reasons.some((r) => r.Code === 'ConditionalCheckFailed')) {
        // A lease no longer names this live session (only possible if the invariant was broken by
        // hand): end the session anyway, without touching leases that belong to others.
        await this.db.send(new TransactWriteCommand({ TransactItems: items.slice(0, 2) }));
        return true;
      }
      throw error;
    }
  }

  /** Live sessions whose last heartbeat is older than `beforeMs` (candidates for the sweeper). */
  async liveSessionsSilentSince(beforeMs: number, limit = 200): Promise<SessionRecord[]> {
    const candidates = await queryShards<SessionRecord>(this.db, this.table, 'LIVE#', LIVE_SHARDS, { below: `${String(beforeMs).padStart(15, '0')}#`, limit });
    return candidates.filter((s) => s.lastHeartbeatAt < beforeMs);
  }

}
