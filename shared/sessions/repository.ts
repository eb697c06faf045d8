/**
 * Sessions, a minor's identity lease and a person's day play: their one owner (keys in
 * shared/storage/keys.ts).
 *
 *   session          one login: who, which device (hashed), birth date, the play already counted
 *                    today, last heartbeat and seq, state; while live it sits in the sweeper's index
 *                    ordered by its last heartbeat.
 *   identity lease   a minor's one live session across all of that person's accounts, per game
 *                    (or across every game under a policy that counts play time).
 *   day play         a person's seconds played on a Beijing day (budget policies).
 *
 * The account's own lease lives on the account item: its part of each transaction comes from the
 * account repository.
 *
 * Invariant: a lease changes hands only in the transaction that ends the session it names, so a
 * live session always still holds its leases. Every change of a session's life writes its NPPA
 * outbox event in the same transaction.
 */
import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '#shared/zod';
import type { GuardianControls, GuardianRules } from '#shared/domain/guardianControls';
import type { SessionGuardians } from '#shared/domain/sessionRules';
import type { AccountRepository } from '#shared/accounts/repository';
import { DEFAULT_GAME_ID } from '#shared/settings';
import type { OutboxRepository } from '#shared/reporting/outbox';
import { TransactionRefused, transact, whenConditionFails, type TransactItem } from '#shared/storage/conditions';
import { batchGet, indexOnce, queryPartition, scanWithout, shardPages } from '#shared/storage/dynamo';
import { endOfBeijingDay } from '#shared/domain/beijingTime';
import { ttlAttribute } from '#shared/storage/expiry';
import { RETENTION_MS } from '#shared/storage/retention';
import {
  ACCOUNT_INDEX,
  ACCOUNT_INDEX_SESSION,
  accountIndexPartition,
  accountSessionIndex,
  DAY_PLAY_PREFIX,
  dayOfDayPlay,
  dayPlayKey,
  identityKey,
  identityLeaseKey,
  LIVE_PREFIX,
  LIVE_SHARDS,
  liveSessionIndex,
  SESSION_PREFIX,
  sessionKey,
  sortableTime,
} from '#shared/storage/keys';
/**
 * TTLs here are cleanup only (shared/storage/expiry.ts). Live sessions have none: a session ends by
 * `state`, and its sweeper deadline is computed from `lastHeartbeatAt`.
 */
/** Ended sessions are kept a week (support questions, heartbeat replays), then expire. */
const ENDED_RETENTION_MS = RETENTION_MS.endedSession;
/**
 * A minor's identity lease is valid exactly while the session it names is live and heard from
 * (login reads that session: `replaceable` in shared/sessions/service.ts); its TTL, a day after it
 * was taken, only removes leftovers.
 */
const LEASE_RETENTION_MS = RETENTION_MS.identityLease;

const END_REASONS = [
  'logout',
  'signed_in_elsewhere',
  'session_expired',
  'play_time_exhausted',
  'outside_allowed_hours',
  'challenge_failed',
  'account_blocked',
  'guardian_restricted',
  'identity_corrected',
  'identity_unbound',
] as const;
export type EndReason = (typeof END_REASONS)[number];

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
  /** The scope of the identity lease it holds: its game, or every game (shared/domain/sessionRules.ts `identityLeaseScope`). */
  identityLeaseScope?: string;
  /** The game it is played in. */
  gameId: string;
  /**
   * The account's own real-name check was still pending when the session began (its person may be
   * verified by another account's): the session's NPPA events carry it, and are reported under the
   * person's PI only once this account's check has verified it (shared/reporting/reporter.ts).
   */
  accountPending?: true;
  /**
   * The ward's guardian links, copied at login and replaced whenever a guardian changes them
   * (shared/guardians/service.ts), so the heartbeat answers from the one item it updates: each
   * link's controls and until when a pending one applies (shared/domain/guardianControls.ts
   * `rulesAt`). Sessions started before links carried their controls hold the combined `rules`.
   */
  guardian?: SessionGuardians;
}

const SessionItem = z.object({
  sessionId: z.string(),
  accountId: z.string(),
  identityHash: z.string(),
  deviceHash: z.string(),
  birthDate: z.string(),
  minorRulesUntil: z.optional(z.number()),
  playedBeforeSeconds: z.number(),
  startedAt: z.number(),
  lastHeartbeatAt: z.number(),
  lastSeq: z.number(),
  intervalSeconds: z.number(),
  state: z.enum(['live', 'ended']),
  endReason: z.optional(z.enum(END_REASONS)),
  endedAt: z.optional(z.number()),
  minorAtLogin: z.boolean(),
  identityLeased: z.boolean(),
  identityLeaseScope: z.optional(z.string()),
  // Sessions stored before games existed belong to the single game.
  gameId: z._default(z.string(), DEFAULT_GAME_ID),
  accountPending: z.optional(z.literal(true)),
  guardian: z.optional(
    z.object({
      rev: z.number(),
      rules: z.optional(z.nullable(z.custom<GuardianRules>())),
      guardians: z.optional(z.array(z.object({ confirmed: z.boolean(), until: z.optional(z.number()), controls: z.optional(z.custom<GuardianControls>()) }))),
      watched: z.boolean(),
    }),
  ),
});

/** The record of a stored session item (storage attributes dropped). */
export const sessionFromItem = (item: Record<string, unknown>): SessionRecord => z.parse(SessionItem, item);

export interface Lease {
  sessionId: string;
  deviceHash: string;
  accountId: string;
  gameId: string;
}

const LeaseItem = z.object({ sessionId: z.string(), deviceHash: z.string(), accountId: z.string(), gameId: z._default(z.string(), DEFAULT_GAME_ID) });

/** A lease the new session replaces, and whether the session it names is still live (then it is ended). */
export interface Replaced {
  lease: Lease;
  live: boolean;
  /**
   * A live session gone silent past its deadline: it ends as the sweeper would have ended it
   * (`session_expired`, at `endedAt`), not as taken over at the login's time.
   */
  silent?: { endedAt: number; lastHeartbeatAt: number };
  /** Night-play seconds of the replaced session (adults' night patrol). */
  nightSeconds?: number;
  /** Play seconds of the replaced session to add to its person's day (budget policies). */
  play?: { identityHash: string; day: string; seconds: number };
  /** The replaced session began while its account's check was pending (SessionRecord `accountPending`). */
  accountPending?: true;
}

/** What a session's login and logout events say of it (shared/reporting/outbox.ts). */
const eventOf = (s: Pick<SessionRecord, 'sessionId' | 'accountId' | 'identityHash' | 'gameId' | 'accountPending'>) => ({
  gameId: s.gameId,
  si: s.sessionId,
  identityHash: s.identityHash,
  accountId: s.accountId,
  ...(s.accountPending ? { accountPending: true as const } : {}),
});

/** Day play is found by the Beijing day in its key; kept a few days, then expires. */
/**
 * The sweeper's index key moves once per 10-minute bucket of the last heartbeat: moving an item
 * within an index costs two index writes, so most heartbeats write the same key (2 write units
 * instead of 3). Rounding down keeps every silent session among the candidates; the sweeper then
 * applies each session's own deadline.
 */
const SWEEP_BUCKET_MS = 10 * 60_000;
const liveIndex = (sessionId: string, lastHeartbeatAt: number) => liveSessionIndex(sessionId, lastHeartbeatAt, SWEEP_BUCKET_MS);

export class SessionConflict extends Error {
  /**
   * `guardian`: a guardian changed the ward's rules while the login decided under the old ones;
   * `dayPlay`: the person played more today than the login knew (`playedSeconds`, the real figure).
   */
  constructor(
    readonly reason: 'account' | 'identity' | 'guardian' | 'dayPlay',
    readonly playedSeconds = 0,
  ) {
    super('another live session holds this account or identity');
  }
}

export type HeartbeatOutcome =
  | { kind: 'counted'; session: SessionRecord }
  | { kind: 'repeated'; session: SessionRecord }
  | { kind: 'stale'; session: SessionRecord }
  | { kind: 'ended'; session: SessionRecord }
  | { kind: 'not_found' };

type Items = Array<[string, TransactItem]>;

/** The owners of the other items a session's transactions change: the account's lease, the NPPA events. */
export interface SessionParts {
  accounts: Pick<AccountRepository, 'leasePart'>;
  outbox: Pick<OutboxRepository, 'eventPart'>;
}

export class SessionRepository {
  private readonly accounts: SessionParts['accounts'];
  private readonly outbox: SessionParts['outbox'];

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    parts: SessionParts,
  ) {
    this.accounts = parts.accounts;
    this.outbox = parts.outbox;
  }

  async identityLease(identityHash: string, scope: string): Promise<Lease | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: identityLeaseKey(identityHash, scope), ConsistentRead: true }));
    return r.Item ? z.parse(LeaseItem, r.Item) : null;
  }

  async get(sessionId: string): Promise<SessionRecord | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: sessionKey(sessionId), ConsistentRead: true }));
    return r.Item ? sessionFromItem(r.Item) : null;
  }

  private endUpdate(sessionId: string, reason: EndReason, endedAt: number, watched = false) {
    return {
      Update: {
        TableName: this.table,
        Key: sessionKey(sessionId),
        UpdateExpression: 'SET #state = :ended, endReason = :reason, endedAt = :at, expiresAt = :exp REMOVE gsi1pk, gsi1sk',
        ConditionExpression: '#state = :live',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':ended': 'ended',
          ':live': 'live',
          ':reason': reason,
          ':at': endedAt,
          ':exp': ttlAttribute(endedAt + (watched ? RETENTION_MS.guardedSession : ENDED_RETENTION_MS)),
        } as Record<string, unknown>,
      },
    };
  }

  /** Adds a session's play to its person's day; with `known`, only if the day held no more than that before. */
  private dayPlayUpdate(play: { identityHash: string; day: string; seconds: number }, known?: number): TransactItem {
    const check: Partial<ReturnType<SessionRepository['dayCheckCondition']>> = known === undefined ? {} : this.dayCheckCondition(known);
    return {
      Update: {
        TableName: this.table,
        Key: dayPlayKey(play.identityHash, play.day),
        UpdateExpression: 'ADD seconds :s SET expiresAt = :exp',
        ...check,
        ExpressionAttributeValues: { ':s': play.seconds, ':exp': ttlAttribute(endOfBeijingDay(play.day)), ...check.ExpressionAttributeValues },
      },
    };
  }

  /** Seconds this person has played on a Beijing day (GET /v1/limits; login checks its account's figure in its transaction instead). */
  async playedOn(identityHash: string, day: string): Promise<number> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: dayPlayKey(identityHash, day), ConsistentRead: true }));
    return Number(r.Item?.seconds ?? 0);
  }

  /**
   * Starts a session in one transaction: the session, the account's lease (and for a minor the
   * identity lease), the end of each session it takes over, and the outbox events. Each lease is
   * conditioned on being free or still held by the session we saw, so two simultaneous logins
   * produce exactly one session.
   */
  async start(
    s: SessionRecord,
    replaced: { account: Replaced | null; identity: Replaced | null },
    also: Items = [],
    dayCheck?: { day: string; known: number },
  ): Promise<void> {
    const now = s.startedAt;
    const lease: Lease = { sessionId: s.sessionId, deviceHash: s.deviceHash, accountId: s.accountId, gameId: s.gameId };
    const ownOld = replaced.account;
    // Under a lease across games the replaced session may be this account's in another game: its
    // lease goes in the same account update.
    const sameAccountOtherGame =
      s.identityLeased && replaced.identity?.live && replaced.identity.lease.accountId === s.accountId && replaced.identity.lease.gameId !== s.gameId
        ? replaced.identity.lease
        : null;
    const items: Items = [
      [
        'session',
        {
          Put: {
            TableName: this.table,
            Item: { ...sessionKey(s.sessionId), ...s, ...liveIndex(s.sessionId, now), ...accountSessionIndex(s.accountId, now, s.sessionId) },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
      [
        'accountLease',
        this.accounts.leasePart(s.accountId, s.gameId, {
          next: lease,
          seen: ownOld?.lease.sessionId ?? null,
          night: ownOld?.live ? { sessionId: ownOld.lease.sessionId, endedAt: ownOld.silent?.endedAt ?? now, seconds: ownOld.nightSeconds ?? 0 } : null,
          alsoRelease: sameAccountOtherGame ? { gameId: sameAccountOtherGame.gameId, sessionId: sameAccountOtherGame.sessionId } : undefined,
          guardianRev: s.guardian?.rev ?? null,
        }),
      ],
      ['login', this.outbox.eventPart({ ...eventOf(s), bt: 1, atMs: now })],
    ];
    if (s.identityLeased && s.identityLeaseScope) {
      const seen = replaced.identity;
      items.push([
        'identityLease',
        {
          Put: {
            TableName: this.table,
            Item: { ...identityLeaseKey(s.identityHash, s.identityLeaseScope), ...lease, since: now, expiresAt: ttlAttribute(now + LEASE_RETENTION_MS) },
            ConditionExpression: seen ? 'sessionId = :seen' : 'attribute_not_exists(pk)',
            ...(seen ? { ExpressionAttributeValues: { ':seen': seen.lease.sessionId } } : {}),
          },
        },
      ]);
    }
    const ended = new Map<string, Replaced>();
    for (const r of [replaced.account, s.identityLeased ? replaced.identity : null]) if (r?.live) ended.set(r.lease.sessionId, r);
    for (const old of ended.values()) {
      const sid = old.lease.sessionId;
      const endedAt = old.silent?.endedAt ?? now;
      const end = this.endUpdate(sid, old.silent ? 'session_expired' : 'signed_in_elsewhere', endedAt, s.guardian?.watched);
      if (old.silent) {
        // Ended as silent only if it still is: a heartbeat since the login read it refuses this login (409).
        end.Update.ConditionExpression += ' AND lastHeartbeatAt = :seenBeat';
        end.Update.ExpressionAttributeValues[':seenBeat'] = old.silent.lastHeartbeatAt;
      }
      items.push([`end:${sid}`, end]);
      if (old.play && old.play.seconds > 0) {
        // One transaction touches an item once: the day's check rides on this update of the same day.
        if (dayCheck && old.play.identityHash === s.identityHash && old.play.day === dayCheck.day) {
          items.push(['dayPlayCheck', this.dayPlayUpdate(old.play, dayCheck.known)]);
          dayCheck = undefined;
        } else items.push([`dayPlay:${sid}`, this.dayPlayUpdate(old.play)]);
      }
      items.push([
        `logout:${sid}`,
        this.outbox.eventPart({
          gameId: old.lease.gameId,
          si: sid,
          bt: 0,
          atMs: endedAt,
          identityHash: s.identityHash,
          accountId: old.lease.accountId,
          ...(old.accountPending ? { accountPending: true } : {}),
        }),
      ]);
      // The person's session on another account also holds that account's lease in its game: release it.
      if (old.lease.accountId !== s.accountId)
        items.push([`otherAccountLease:${sid}`, this.accounts.leasePart(old.lease.accountId, old.lease.gameId, { next: null, seen: sid })]);
    }
    if (dayCheck)
      items.push([
        'dayPlayCheck',
        { ConditionCheck: { TableName: this.table, Key: dayPlayKey(s.identityHash, dayCheck.day), ...this.dayCheckCondition(dayCheck.known) } },
      ]);
    items.push(...also);
    const accountLease = items.find(([name]) => name === 'accountLease')![1];
    if (accountLease.Update) accountLease.Update.ReturnValuesOnConditionCheckFailure = 'ALL_OLD';
    try {
      await transact(this.db, items);
    } catch (error) {
      if (!(error instanceof TransactionRefused)) throw error;
      if (error.refused('identityLease')) throw new SessionConflict('identity');
      if (error.refused('dayPlayCheck')) throw new SessionConflict('dayPlay', Number(error.itemOf('dayPlayCheck')?.seconds ?? 0));
      const account = error.itemOf('accountLease');
      const rev = (account?.guardianship as { rev?: number } | undefined)?.rev ?? null;
      if (account && rev !== (s.guardian?.rev ?? null)) throw new SessionConflict('guardian');
      throw new SessionConflict('account');
    }
  }

  /** The person's day play is still what login decided with (no more: another account's session may have added to it). */
  private dayCheckCondition(known: number) {
    return {
      ConditionExpression: 'attribute_not_exists(seconds) OR seconds <= :known',
      ExpressionAttributeValues: { ':known': known },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
  }

  /**
   * A guardian changed the ward's rules: the live session gets them (unless it holds newer ones),
   * and its next heartbeat answers from them. False when the session is no longer live.
   */
  async applyGuardianRules(sessionId: string, guardian: NonNullable<SessionRecord['guardian']>): Promise<boolean> {
    const r = await whenConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: sessionKey(sessionId),
          UpdateExpression: 'SET guardian = :g',
          ConditionExpression: '#state = :live AND (attribute_not_exists(guardian) OR guardian.rev < :rev)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':g': guardian, ':live': 'live', ':rev': guardian.rev },
        }),
      ),
    );
    return r.ok;
  }

  /**
   * The heartbeat: ONE conditional update (docs/design.md, requests per call). It counts only a new `seq` of a live
   * session of this account, moves the sweeper key, and returns the whole session, from which the
   * answer is computed. On a failed condition the item comes back with the failure
   * (ReturnValuesOnConditionCheckFailure), which tells a repeat, a stale seq, an ended session and
   * another account's session apart without a second read.
   */
  async heartbeat(sessionId: string, accountId: string, seq: number, nowMs: number): Promise<HeartbeatOutcome> {
    const r = await whenConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: sessionKey(sessionId),
          UpdateExpression: 'SET lastSeq = :seq, lastHeartbeatAt = :now, gsi1sk = :sweepKey',
          ConditionExpression: 'accountId = :acct AND #state = :live AND lastSeq < :seq',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':seq': seq, ':now': nowMs, ':acct': accountId, ':live': 'live', ':sweepKey': liveIndex(sessionId, nowMs).gsi1sk },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    if (r.ok) return { kind: 'counted', session: sessionFromItem(r.value.Attributes ?? {}) };
    if (!r.refused) return { kind: 'not_found' };
    const session = sessionFromItem(r.refused);
    if (session.accountId !== accountId) return { kind: 'not_found' };
    if (session.state !== 'live') return { kind: 'ended', session };
    if (session.lastSeq === seq) return { kind: 'repeated', session };
    return { kind: 'stale', session };
  }

  /**
   * Ends a session (logout, sweep, end of play, failed challenge) with its logout event, its leases
   * released and its night play recorded, in one transaction. False when it had already ended.
   */
  async end(
    s: Pick<SessionRecord, 'sessionId' | 'accountId' | 'identityHash' | 'identityLeased' | 'identityLeaseScope' | 'gameId' | 'guardian' | 'accountPending'>,
    reason: EndReason,
    endedAt: number,
    options: { lastHeartbeatAt?: number; nightSeconds?: number; play?: { day: string; seconds: number; total?: number } } = {},
  ): Promise<boolean> {
    const end = this.endUpdate(s.sessionId, reason, endedAt, s.guardian?.watched);
    if (options.lastHeartbeatAt !== undefined) {
      end.Update.ConditionExpression += ' AND lastHeartbeatAt = :seenBeat';
      end.Update.ExpressionAttributeValues[':seenBeat'] = options.lastHeartbeatAt;
    }
    const items: Items = [
      ['session', end],
      ['logout', this.outbox.eventPart({ ...eventOf(s), bt: 0, atMs: endedAt })],
      [
        'accountLease',
        this.accounts.leasePart(s.accountId, s.gameId, {
          next: null,
          seen: s.sessionId,
          night: { sessionId: s.sessionId, endedAt, seconds: options.nightSeconds ?? 0 },
          ...(options.play?.total !== undefined ? { playDay: { day: options.play.day, seconds: options.play.total } } : {}),
        }),
      ],
    ];
    if (s.identityLeased) {
      // Sessions stored before games existed held the person's lease for the single game.
      items.push([
        'identityLease',
        {
          Delete: {
            TableName: this.table,
            Key: identityLeaseKey(s.identityHash, s.identityLeaseScope ?? DEFAULT_GAME_ID),
            ConditionExpression: 'sessionId = :sid',
            ExpressionAttributeValues: { ':sid': s.sessionId },
          },
        },
      ]);
    }
    if (options.play && options.play.seconds > 0) items.push(['dayPlay', this.dayPlayUpdate({ identityHash: s.identityHash, ...options.play })]);
    try {
      await transact(this.db, items);
      return true;
    } catch (error) {
      if (!(error instanceof TransactionRefused)) throw error;
      if (error.refused('session')) return false;
      // A lease no longer names this live session (only possible if the invariant was broken by
      // hand): end the session anyway, without touching leases that belong to others.
      await transact(
        this.db,
        items.filter(([name]) => name === 'session' || name === 'logout'),
      );
      return true;
    }
  }

  /**
   * The account's sessions through the per-account index (`gsi2`, keys only, eventually consistent),
   * then the items themselves (consistent). Newest first when `limit` is given (the operator view).
   */
  async ofAccount(accountId: string, options: { limit?: number } = {}): Promise<SessionRecord[]> {
    const refs = await queryPartition(this.db, this.table, accountIndexPartition(accountId), {
      skPrefix: ACCOUNT_INDEX_SESSION,
      index: ACCOUNT_INDEX,
      ...(options.limit ? { limit: options.limit, newestFirst: true } : {}),
    });
    const items = await batchGet(
      this.db,
      this.table,
      refs.map((r) => ({ pk: String(r.pk), sk: String(r.sk) })),
    );
    return items.map(sessionFromItem).filter((s) => s.accountId === accountId);
  }

  /** Erasure: removes an ended session (a live one must be ended first, with its logout event). */
  async deleteEnded(sessionId: string): Promise<void> {
    const r = await whenConditionFails(
      this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: sessionKey(sessionId),
          ConditionExpression: 'attribute_not_exists(pk) OR #state = :ended',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':ended': 'ended' },
        }),
      ),
    );
    if (!r.ok) throw new Error('erasure: a session still live cannot be deleted');
  }

  /**
   * Sessions stored before the per-account index existed get their `gsi2` entry (export, erasure
   * and the operator view find them from then on). Scans the table; idempotent.
   */
  async backfillAccountIndex(): Promise<number> {
    let done = 0;
    for await (const item of scanWithout(this.db, this.table, SESSION_PREFIX)) {
      const s = sessionFromItem(item);
      if (await indexOnce(this.db, this.table, sessionKey(s.sessionId), accountSessionIndex(s.accountId, s.startedAt, s.sessionId))) done += 1;
    }
    return done;
  }

  /** The person's day-play counters (budget policies): their Beijing days. */
  async playDays(identityHash: string): Promise<string[]> {
    const items = await queryPartition(this.db, this.table, identityKey(identityHash).pk, { skPrefix: DAY_PLAY_PREFIX });
    return items.map(dayOfDayPlay);
  }

  /** Erasure: today's play outlives the person only until the day ends (never later than it would). */
  async keepPlayDayUntil(identityHash: string, day: string, untilMs: number): Promise<void> {
    const exp = ttlAttribute(untilMs);
    await whenConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: dayPlayKey(identityHash, day),
          UpdateExpression: 'SET expiresAt = :exp',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(expiresAt) OR expiresAt > :exp)',
          ExpressionAttributeValues: { ':exp': exp },
        }),
      ),
    );
  }

  async deletePlayDay(identityHash: string, day: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: dayPlayKey(identityHash, day) }));
  }

  /**
   * Live sessions whose last heartbeat is older than `beforeMs` (candidates for the sweeper), page
   * after page: up to `perShard` more of every shard each time, the longest silent first.
   */
  async *liveSessionsSilentSince(beforeMs: number, perShard = 25): AsyncGenerator<SessionRecord[]> {
    for await (const items of shardPages<Record<string, unknown>>(this.db, this.table, LIVE_PREFIX, LIVE_SHARDS, {
      below: `${sortableTime(beforeMs)}#`,
      limit: perShard,
    })) {
      yield items.map(sessionFromItem).filter((s) => s.lastHeartbeatAt < beforeMs);
    }
  }
}
