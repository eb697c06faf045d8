/**
 * The account item (`ACCOUNT#<accountId>` / `ACCOUNT`, shared/storage/keys.ts) and its one owner.
 *
 * The account carries what the hot paths need in one read: the binding to an identity with a copy
 * of the person's status, birth date and PI; its lease (the account's one live session); the risk
 * facts (devices seen, night play, silenced signals, minor rules, the open challenge); the failed
 * identity attempts. Every write of it is built here. Where another capability must change the
 * account in the same transaction as its own items (binding an identity, starting or ending a
 * session, opening or deciding a challenge), this repository hands out the transaction part and
 * the caller composes it.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '#shared/zod';
import { whenConditionFails, type TransactItem } from '#shared/storage/conditions';
import { ttlAttribute } from '#shared/storage/expiry';
import type { GuardianControls, GuardianRules } from '#shared/domain/guardianControls';
import type { ConsentRecord } from '#shared/domain/consent';
import { batchGet, queryQueue } from '#shared/storage/dynamo';
import {
  ACCOUNT_LEASE_PREFIX,
  accountIdOf,
  accountKey,
  accountLeaseAttribute,
  CORRECTION_PENDING,
  erasureRecordKey,
  pendingCorrectionIndex,
} from '#shared/storage/keys';

export type IdentityStatus = 'pending' | 'verified' | 'rejected';

const epochMs = z.number();
const Consent = z.object({ at: z.number(), how: z.enum(['attested', 'guardian']), policyVersion: z.string() });
const AccountItem = z.object({
  identityHash: z.optional(z.string()),
  identityStatus: z.optional(z.enum(['pending', 'verified', 'rejected'])),
  birthDate: z.optional(z.string()),
  pi: z.optional(z.string()),
  /** When the account was bound to its person (each binding anew): who may confirm a guardian link, who may unbind whom. */
  boundAt: z.optional(epochMs),
  /** The games this account has logged in to. */
  gameIds: z.optional(z.set(z.string())),
  /** Bound when the identity already had the maximum number of accounts (risk signal). */
  beyondAccountLimit: z.optional(z.boolean()),
  failedAttempts: z.optional(z.number()),
  failedWindowStart: z.optional(epochMs),
  /** Minor rules apply until this instant (failed or expired challenge). */
  minorRulesUntil: z.optional(epochMs),
  /** Flagged by a risk signal (payment patrol looks at it). */
  flaggedAt: z.optional(epochMs),
  /** Signal → suppressed-until (ms) after a passed challenge. */
  suppressed: z.optional(z.record(z.string(), z.number())),
  /** Device hash → last login on it (ms). */
  devices: z.optional(z.record(z.string(), z.number())),
  /** Ended session → night-play seconds and end time. */
  nightPlay: z.optional(z.record(z.string(), z.object({ at: z.number(), s: z.number() }))),
  openChallenge: z.optional(z.object({ challengeId: z.string(), signal: z.string(), expiresAtMs: z.number() })),
  lastLoginAt: z.optional(epochMs),
  /**
   * The person's play on a Beijing day as this account's last session ended it (counted policies):
   * login decides with it and its transaction checks it against the person's day play.
   */
  playDay: z.optional(z.object({ day: z.string(), seconds: z.number() })),
  /** Set by an operator on the item itself: the account may not play or pay. */
  blocked: z.optional(z.boolean()),
  /**
   * A looser identity correction waiting for an operator: the verified new identity's facts (no name
   * or number), and its entry in the requests register (answered with the operator's decision).
   */
  correction: z.optional(
    z.object({
      identityHash: z.string(),
      birthDate: z.string(),
      pi: z.string(),
      nameKey: z.string(),
      requestedAt: z.number(),
      requestId: z.optional(z.string()),
    }),
  ),
  /**
   * The guardian's consent for a child under 14 as the game client attested it at the real-name
   * submission (policy `consent: "attested"`, shared/domain/consent.ts): when, and to which privacy
   * policy version. A guardian's recorded consent is on the guardianship copy.
   */
  consent: z.optional(Consent),
  /**
   * The person's guardian links, copied here for login and payments (shared/guardians/repository.ts
   * `copyOf`): each guardian's controls, whether confirmed, and until when a pending one applies
   * (shared/domain/guardianControls.ts `rulesAt`). Copies written before links carried their
   * controls hold the combined `rules` instead.
   */
  guardianship: z.optional(
    z.object({
      rev: z.number(),
      rules: z.optional(z.nullable(z.custom<GuardianRules>())),
      guardians: z.array(
        z.object({
          guardianId: z.string(),
          wardId: z.string(),
          confirmed: z.boolean(),
          approves: z.boolean(),
          until: z.optional(z.number()),
          controls: z.optional(z.custom<GuardianControls>()),
        }),
      ),
      /** A confirmed guardian's consent for the ward under 14 (policy `consent: "guardian"`, or any). */
      consent: z.optional(Consent),
    }),
  ),
});

/** The copy of a ward's guardianship an account carries. */
export type GuardianshipCopy = NonNullable<z.infer<typeof AccountItem>['guardianship']>;

const LeaseValue = z.object({ sessionId: z.string(), deviceHash: z.string() });

/** The account's one live session per game: game id → its lease. */
export type AccountLeases = Record<string, AccountLease>;
const CheckState = z.object({ identityStatus: z.optional(z.enum(['pending', 'verified', 'rejected'])), identityHash: z.optional(z.string()) });

export type AccountRecord = z.infer<typeof AccountItem> & { accountId: string; leases: AccountLeases };

/** An account bound to a person (verified or pending): what the hot paths act on. */
export type BoundAccount = AccountRecord & { identityHash: string; birthDate: string };

/** The record of a stored account item (storage attributes and unknown attributes dropped). */
export function accountFromItem(accountId: string, item: Record<string, unknown>): AccountRecord {
  const leases: AccountLeases = {};
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(ACCOUNT_LEASE_PREFIX)) leases[name.slice(ACCOUNT_LEASE_PREFIX.length)] = z.parse(LeaseValue, value);
  }
  return { ...z.parse(AccountItem, item), accountId, leases };
}

/** The lease an account hands to its live session. */
export interface AccountLease {
  sessionId: string;
  deviceHash: string;
}

/** A change of an account's lease in one game (`AccountRepository.leasePart`). */
export interface LeaseChange {
  /** The lease handed to the new session; null releases it. */
  next: AccountLease | null;
  /** The session the caller saw holding the lease; null: the lease must be free. */
  seen: string | null;
  /** The night play of the session that ends with it. */
  night?: { sessionId: string; endedAt: number; seconds: number } | null;
  /** The same account's lease in another game, released in the same update (one transaction may touch an item once). */
  alsoRelease?: { gameId: string; sessionId: string } | undefined;
  /**
   * The guardianship copy the caller decided with (its `rev`, or null for none): a login fails
   * rather than start a session under rules a guardian has just changed.
   */
  guardianRev?: number | null;
  /** The person's day play once the ending session is counted (see `playDay`). */
  playDay?: { day: string; seconds: number } | undefined;
}

/** What a binding writes on the account (the identity part is the identity repository's). */
export interface AccountBinding {
  accountId: string;
  identityHash: string;
  birthDate: string;
  status: IdentityStatus;
  pi?: string;
  nowMs: number;
  /** The person's guardianship as it stands, copied onto the account in the same transaction. */
  guardianship?: GuardianshipCopy | undefined;
  /** The person is under minor rules until then (a failed face check, shared/risk/repository.ts). */
  minorRulesUntil?: number | undefined;
  /** The guardian's consent the client attested with this submission (a child under 14); none: an earlier one goes. */
  consent?: ConsentRecord | undefined;
}

const isMissingPath = (error: unknown) => (error as Error).name === 'ValidationException' && /document path/i.test((error as Error).message);

/** What an erasure kept, until when and why: no hashes, no ids of anyone. */
export interface ErasureRecord {
  erasedAt: number;
  /** False while an erasure is under way (it crashed halfway when a later call finds it so). */
  complete: boolean;
  retained: Array<{ kind: string; until: number; why: string }>;
}
const ErasureItem = z.object({
  erasedAt: z.number(),
  complete: z._default(z.boolean(), true),
  retained: z.array(z.object({ kind: z.string(), until: z.number(), why: z.string() })),
});

export class AccountRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(accountId: string): Promise<AccountRecord | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: accountKey(accountId), ConsistentRead: true }));
    return r.Item ? accountFromItem(accountId, r.Item) : null;
  }

  /**
   * What the reporter needs of accounts whose sessions began while their check was pending: each
   * one's check status and the person it is bound to (absent: no such account any more).
   */
  async checkStates(accountIds: string[]): Promise<Map<string, { identityStatus?: 'pending' | 'verified' | 'rejected'; identityHash?: string }>> {
    const out = new Map<string, { identityStatus?: 'pending' | 'verified' | 'rejected'; identityHash?: string }>();
    for (const item of await batchGet(this.db, this.table, accountIds.map(accountKey), { consistent: false, attributes: ['identityStatus', 'identityHash'] })) {
      const { identityStatus, identityHash } = z.parse(CheckState, item);
      out.set(accountIdOf(item), { ...(identityStatus ? { identityStatus } : {}), ...(identityHash ? { identityHash } : {}) });
    }
    return out;
  }

  /** The record of the account's last erasure, if any. */
  async erasureRecord(accountId: string): Promise<ErasureRecord | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: erasureRecordKey(accountId), ConsistentRead: true }));
    return r.Item ? z.parse(ErasureItem, r.Item) : null;
  }

  /** Writes the erasure record; it expires with the last thing it lists (or a day after the erasure). */
  async recordErasure(accountId: string, record: ErasureRecord): Promise<void> {
    const until = Math.max(record.erasedAt, ...record.retained.map((r) => r.until));
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...erasureRecordKey(accountId), ...record, expiresAt: ttlAttribute(until) } }));
  }

  /** Erasure's last step: the account item itself. */
  async delete(accountId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: accountKey(accountId) }));
  }

  /**
   * Login's first request: records the device on the account and returns the account as it now is.
   * Null when the account has no item yet (never bound an identity).
   */
  async recordLogin(accountId: string, deviceHash: string, nowMs: number, gameId: string): Promise<AccountRecord | null> {
    const seen = await whenConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: accountKey(accountId),
          UpdateExpression: 'SET devices.#d = :now, lastLoginAt = :now ADD gameIds :game',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#d': deviceHash },
          ExpressionAttributeValues: { ':now': nowMs, ':game': new Set([gameId]) },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    ).catch((error: unknown) => {
      if (isMissingPath(error)) return 'no devices map' as const;
      throw error;
    });
    if (seen !== 'no devices map') return seen.ok ? accountFromItem(accountId, seen.value.Attributes ?? {}) : null;
    // Accounts bound before the devices map existed: create it (rare, once per such account).
    const created = await whenConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: accountKey(accountId),
          UpdateExpression: 'SET devices = :map, lastLoginAt = :now ADD gameIds :game',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(devices)',
          ExpressionAttributeValues: { ':map': { [deviceHash]: nowMs }, ':now': nowMs, ':game': new Set([gameId]) },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return created.ok ? accountFromItem(accountId, created.value.Attributes ?? {}) : this.recordLogin(accountId, deviceHash, nowMs, gameId);
  }

  /**
   * The account part of binding an identity: one identity per account, under any concurrency (a
   * rejected identity may be replaced). The binding time is always this one: an account unbound and
   * bound again is a later account of its person (docs/guardians.md "Trust model"). The person's
   * guardianship and risk restriction come with it, so no request ever sees the account bound
   * without them. The maps the hot paths write into by path exist from here on.
   */
  bindPart(b: AccountBinding, beyondAccountLimit: boolean): TransactItem {
    const set = [
      'identityHash = :h',
      'identityStatus = :st',
      'birthDate = :bd',
      'boundAt = :now',
      'updatedAt = :now',
      'devices = if_not_exists(devices, :empty)',
      'nightPlay = if_not_exists(nightPlay, :empty)',
      'suppressed = if_not_exists(suppressed, :empty)',
    ];
    const remove = ['failedAttempts', 'failedWindowStart'];
    const values: Record<string, unknown> = {
      ':h': b.identityHash,
      ':st': b.status,
      ':bd': b.birthDate,
      ':now': b.nowMs,
      ':rejected': 'rejected',
      ':empty': {},
    };
    if (b.pi) {
      set.push('pi = :pi');
      values[':pi'] = b.pi;
    } else remove.push('pi');
    if (beyondAccountLimit) {
      set.push('beyondAccountLimit = :true');
      values[':true'] = true;
    }
    if (b.guardianship) {
      set.push('guardianship = :g');
      values[':g'] = b.guardianship;
    } else remove.push('guardianship');
    if (b.minorRulesUntil !== undefined) {
      // Never shortens what the account already carries (minor rules are only ever extended).
      set.push('minorRulesUntil = :mru');
      values[':mru'] = b.minorRulesUntil;
    }
    if (b.consent) {
      set.push('consent = :consent');
      values[':consent'] = b.consent;
    } else remove.push('consent');
    return {
      Update: {
        TableName: this.table,
        Key: accountKey(b.accountId),
        UpdateExpression: `SET ${set.join(', ')} REMOVE ${remove.join(', ')}`,
        ConditionExpression: 'attribute_not_exists(identityHash) OR identityHash = :h OR identityStatus = :rejected',
        ExpressionAttributeValues: values,
      },
    };
  }

  /**
   * The account part of unbinding it from its person (the person unbinds a later account,
   * DELETE /v1/me/accounts/{accountId}; a pending check failed or ran out): it keeps its risk facts
   * (devices, night play, minor rules) but holds no identity, so it may register again. Only if it
   * is still bound to `fromHash` (and, with `onlyIfPending`, still waiting for its check).
   */
  unbindPart(accountId: string, fromHash: string, status: 'rejected' | null, nowMs: number, onlyIfPending = false): TransactItem {
    const set = ['updatedAt = :now'];
    const values: Record<string, unknown> = { ':from': fromHash, ':now': nowMs };
    if (status) {
      set.push('identityStatus = :st');
      values[':st'] = status;
    }
    if (onlyIfPending) values[':pending'] = 'pending';
    return {
      Update: {
        TableName: this.table,
        Key: accountKey(accountId),
        UpdateExpression:
          `SET ${set.join(', ')} REMOVE identityHash, ${status ? '' : 'identityStatus, '}birthDate, pi, ` +
          `boundAt, guardianship, playDay, correction, consent, gsi1pk, gsi1sk, beyondAccountLimit`,
        ConditionExpression: `identityHash = :from${onlyIfPending ? ' AND identityStatus = :pending' : ''}`,
        ExpressionAttributeValues: values,
      },
    };
  }

  /** The account part of a pending check the national system verified: the account is verified, with the PI. */
  verifiedPart(accountId: string, identityHash: string, pi: string, nowMs: number): TransactItem {
    return {
      Update: {
        TableName: this.table,
        Key: accountKey(accountId),
        UpdateExpression: 'SET identityStatus = :st, pi = :pi, updatedAt = :now',
        ConditionExpression: 'identityHash = :h AND identityStatus = :pending',
        ExpressionAttributeValues: { ':st': 'verified', ':pi': pi, ':now': nowMs, ':h': identityHash, ':pending': 'pending' },
      },
    };
  }

  /** Several accounts at once (consistent; absent ones left out). */
  async getMany(accountIds: readonly string[]): Promise<AccountRecord[]> {
    const items = await batchGet(this.db, this.table, accountIds.map(accountKey));
    return items.map((item) => accountFromItem(accountIdOf(item), item));
  }

  /**
   * The account part of correcting its identity (docs/api.md, identity correction): bound to
   * another person, only if still bound to `fromHash`; what belonged to the old person's copy
   * (guardians' rules, the day's play, a waiting correction) goes.
   */
  rebindPart(fromHash: string, b: AccountBinding): TransactItem {
    const set = ['identityHash = :h', 'identityStatus = :st', 'birthDate = :bd', 'boundAt = :now', 'updatedAt = :now'];
    // A consent attested for the old person is not the new person's.
    const remove = ['playDay', 'correction', 'consent', 'gsi1pk', 'gsi1sk', 'beyondAccountLimit'];
    const values: Record<string, unknown> = { ':h': b.identityHash, ':st': b.status, ':bd': b.birthDate, ':now': b.nowMs, ':from': fromHash };
    if (b.pi) {
      set.push('pi = :pi');
      values[':pi'] = b.pi;
    }
    if (b.guardianship) {
      set.push('guardianship = :g');
      values[':g'] = b.guardianship;
    } else remove.push('guardianship');
    if (b.minorRulesUntil !== undefined) {
      set.push('minorRulesUntil = :mru');
      values[':mru'] = b.minorRulesUntil;
    }
    return {
      Update: {
        TableName: this.table,
        Key: accountKey(b.accountId),
        UpdateExpression: `SET ${set.join(', ')} REMOVE ${remove.join(', ')}`,
        ConditionExpression: 'identityHash = :from',
        ExpressionAttributeValues: values,
      },
    };
  }

  /** A looser correction waits for an operator (one per account; a newer request replaces it). */
  async requestCorrection(accountId: string, fromHash: string, correction: NonNullable<AccountRecord['correction']>): Promise<boolean> {
    const index = pendingCorrectionIndex(accountId, correction.requestedAt);
    const r = await whenConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: accountKey(accountId),
          UpdateExpression: 'SET correction = :c, gsi1pk = :q, gsi1sk = :qs',
          ConditionExpression: 'identityHash = :from',
          ExpressionAttributeValues: { ':c': correction, ':q': index.gsi1pk, ':qs': index.gsi1sk, ':from': fromHash },
        }),
      ),
    );
    return r.ok;
  }

  /**
   * The guardian's consent the client attests for a child's account already bound to this person (a
   * repeated submission with `guardianConsent`: first given, or again for a new policy version).
   * False when the account is no longer bound to it.
   */
  async recordConsent(accountId: string, identityHash: string, consent: ConsentRecord): Promise<boolean> {
    const r = await whenConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: accountKey(accountId),
          UpdateExpression: 'SET consent = :c',
          ConditionExpression: 'identityHash = :h',
          ExpressionAttributeValues: { ':c': consent, ':h': identityHash },
        }),
      ),
    );
    return r.ok;
  }

  /** An operator refused the correction. */
  async clearCorrection(accountId: string): Promise<void> {
    await this.db.send(new UpdateCommand({ TableName: this.table, Key: accountKey(accountId), UpdateExpression: 'REMOVE correction, gsi1pk, gsi1sk' }));
  }

  /** Accounts with a correction waiting for an operator, oldest first. */
  async pendingCorrections(limit = 100): Promise<AccountRecord[]> {
    const { items } = await queryQueue(this.db, this.table, CORRECTION_PENDING, { limit });
    // The index is eventually consistent: each account is read again, and listed if still waiting.
    const ids = items.map(accountIdOf);
    const out: AccountRecord[] = [];
    for (const id of ids) {
      const account = await this.get(id);
      if (account?.correction) out.push(account);
    }
    return out;
  }

  /** A rejected submission: the account stays unbound and the failure counts toward the attempt limit. */
  async recordRejection(accountId: string, nowMs: number): Promise<void> {
    // Refused when bound meanwhile through a concurrent submission: the rejection no longer concerns it.
    await whenConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: accountKey(accountId),
          UpdateExpression:
            'SET identityStatus = :rejected, updatedAt = :now, failedWindowStart = if_not_exists(failedWindowStart, :now) ADD failedAttempts :one',
          ConditionExpression: 'attribute_not_exists(identityHash) OR identityStatus = :rejected',
          ExpressionAttributeValues: { ':rejected': 'rejected', ':now': nowMs, ':one': 1 },
        }),
      ),
    );
  }

  /** Starts a new attempt window when the old one is over (cheap: only after a window expired). */
  async resetAttempts(accountId: string): Promise<void> {
    await this.db.send(new UpdateCommand({ TableName: this.table, Key: accountKey(accountId), UpdateExpression: 'REMOVE failedAttempts, failedWindowStart' }));
  }

  /**
   * Copies the person's guardianship (rules and guardians) onto one of their accounts, unless a newer
   * copy is already there; returns the account's leases (its live sessions get the rules too), or
   * null when the account is not this person's (any more) or holds a newer copy.
   */
  async copyGuardianship(accountId: string, identityHash: string, copy: GuardianshipCopy): Promise<AccountLeases | null> {
    const r = await whenConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: accountKey(accountId),
          UpdateExpression: 'SET guardianship = :g',
          ConditionExpression: 'identityHash = :h AND (attribute_not_exists(guardianship) OR guardianship.rev < :rev)',
          ExpressionAttributeValues: { ':g': copy, ':h': identityHash, ':rev': copy.rev },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return r.ok ? accountFromItem(accountId, r.value.Attributes ?? {}).leases : null;
  }

  /**
   * The account part of a lease change in one game: hands the lease to `next` (or releases it) only
   * if it is free (`seen` null) or still names the session the caller saw, and records the night
   * play of the session that ends with it.
   */
  leasePart(accountId: string, gameId: string, change: LeaseChange): TransactItem {
    const { next, seen: seenSessionId, night = null, alsoRelease, guardianRev, playDay } = change;
    const set: string[] = [];
    const remove: string[] = [];
    const conditions: string[] = [];
    const names: Record<string, string> = { '#lease': accountLeaseAttribute(gameId) };
    const values: Record<string, unknown> = {};
    if (alsoRelease) {
      names['#other'] = accountLeaseAttribute(alsoRelease.gameId);
      values[':otherSeen'] = alsoRelease.sessionId;
      remove.push('#other');
      conditions.push('#other.sessionId = :otherSeen');
    }
    if (next) {
      set.push('#lease = :lease');
      values[':lease'] = { sessionId: next.sessionId, deviceHash: next.deviceHash };
    }
    if (night && night.seconds > 0) {
      set.push('nightPlay.#n = :night');
      names['#n'] = night.sessionId;
      values[':night'] = { at: night.endedAt, s: night.seconds };
    }
    if (seenSessionId) values[':seen'] = seenSessionId;
    if (guardianRev !== undefined) {
      if (guardianRev === null) conditions.push('attribute_not_exists(guardianship)');
      else {
        conditions.push('guardianship.rev = :grev');
        values[':grev'] = guardianRev;
      }
    }
    if (playDay) {
      set.push('playDay = :pd');
      values[':pd'] = playDay;
    }
    if (!next) remove.push('#lease');
    conditions.unshift(seenSessionId ? '#lease.sessionId = :seen' : 'attribute_exists(pk) AND attribute_not_exists(#lease)');
    return {
      Update: {
        TableName: this.table,
        Key: accountKey(accountId),
        UpdateExpression: [set.length ? `SET ${set.join(', ')}` : '', remove.length ? `REMOVE ${remove.join(', ')}` : ''].filter(Boolean).join(' '),
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
      },
    };
  }

  /** The account part of opening a challenge: remembers it and flags the account (once). */
  challengeOpenedPart(accountId: string, challenge: { challengeId: string; signal: string; expiresAtMs: number }, nowMs: number): TransactItem {
    return {
      Update: {
        TableName: this.table,
        Key: accountKey(accountId),
        UpdateExpression: 'SET openChallenge = :c, flaggedAt = if_not_exists(flaggedAt, :now)',
        ExpressionAttributeValues: { ':c': challenge, ':now': nowMs },
      },
    };
  }

  /** The account part of a challenge verdict: a pass silences the signal; a failure imposes minor rules. */
  verdictPart(accountId: string, signal: string, verdict: { passed: true; suppressUntil: number } | { passed: false; minorRulesUntil: number }): TransactItem {
    const update = verdict.passed
      ? {
          UpdateExpression: 'SET suppressed.#s = :until REMOVE openChallenge',
          ExpressionAttributeNames: { '#s': signal },
          ExpressionAttributeValues: { ':until': verdict.suppressUntil },
        }
      : { UpdateExpression: 'SET minorRulesUntil = :until REMOVE openChallenge', ExpressionAttributeValues: { ':until': verdict.minorRulesUntil } };
    return { Update: { TableName: this.table, Key: accountKey(accountId), ...update } };
  }
}
