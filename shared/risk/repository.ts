/**
 * Device sightings, challenges and the audit trail: their one owner (keys in shared/storage/keys.ts).
 *
 *   device       accounts seen on the device: acct:<accountId> → last seen (ms); expires a
 *                sighting window after the last login.
 *   challenge    one face challenge: account, signal, state; open ones sit in the sweeper's index
 *                ordered by expiry.
 *   audit entry  every non-allow decision and every challenge outcome, 180 days.
 *   restriction  a person under minor rules after a failed or expired challenge of one of its
 *                accounts: accounts bound to the person while it lasts get the minor rules too
 *                (also after an erasure: docs/data.md "What survives an erasure").
 *
 * The account item carries the per-account facts (devices map, night play, suppressed signals,
 * minor rules, the open challenge): its part of each transaction comes from the account repository.
 */
import { randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '#shared/zod';
import type { AccountRepository } from '#shared/accounts/repository';
import { RISK_SIGNALS, type RiskSignal } from '#shared/domain/riskRules';
import { transact, whenConditionFails, type TransactItem } from '#shared/storage/conditions';
import { batchGet, queryPartition, queryQueue } from '#shared/storage/dynamo';
import { ttlAttribute } from '#shared/storage/expiry';
import { RETENTION_MS } from '#shared/storage/retention';
import {
  auditKey,
  auditPartition,
  challengeKey,
  CHALLENGE_OPEN,
  deviceKey,
  identityHashOf,
  openChallengeIndex,
  riskRestrictionKey,
  sortableTime,
} from '#shared/storage/keys';

/**
 * TTLs here are cleanup only (shared/storage/expiry.ts): a challenge is open until `expiresAtMs`
 * (resolve's condition, the sweeper's index key), a sighting counts while its own timestamp is in
 * the window, and audit entries are kept 180 days.
 */
const AUDIT_RETENTION_MS = RETENTION_MS.auditEntry;

export interface Challenge {
  challengeId: string;
  accountId: string;
  signal: RiskSignal;
  context: 'login' | 'payment';
  status: 'open' | 'passed' | 'failed';
  createdAt: number;
  expiresAtMs: number;
  method?: string;
  /** The game it was opened in (the operators' figures count challenges per game). */
  gameId?: string;
}

export interface AuditEntry {
  accountId: string;
  at: number;
  /** `account_unbound`: the person unbound this account from its identity (an earlier account did). */
  decision: 'challenge' | 'block' | 'challenge_passed' | 'challenge_failed' | 'challenge_expired' | 'account_unbound';
  signal: RiskSignal;
  context: 'login' | 'payment' | 'challenge' | 'identity';
  inputs: Record<string, number | boolean | string>;
  challengeId?: string;
}

const signal = z.enum(RISK_SIGNALS as [RiskSignal, ...RiskSignal[]]);
const ChallengeItem = z.object({
  challengeId: z.string(),
  accountId: z.string(),
  signal,
  context: z.enum(['login', 'payment']),
  status: z.enum(['open', 'passed', 'failed']),
  createdAt: z.number(),
  expiresAtMs: z.number(),
  method: z.optional(z.string()),
});
/** The record of a stored challenge item (storage attributes dropped). */
export const challengeFromItem = (item: Record<string, unknown>): Challenge => z.parse(ChallengeItem, item);

const AuditItem = z.object({
  accountId: z.string(),
  at: z.number(),
  decision: z.enum(['challenge', 'block', 'challenge_passed', 'challenge_failed', 'challenge_expired', 'account_unbound']),
  signal,
  context: z.enum(['login', 'payment', 'challenge', 'identity']),
  inputs: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])),
  challengeId: z.optional(z.string()),
});
/** The record of a stored audit item (storage attributes dropped). */
export const auditEntryFromItem = (item: Record<string, unknown>): AuditEntry => z.parse(AuditItem, item);

/** A person under minor rules until `until` (epoch ms), and the failed or expired challenge it rests on. */
export interface RiskRestriction {
  identityHash: string;
  until: number;
  signal: RiskSignal;
  challengeId: string;
  how: 'challenge_failed' | 'challenge_expired';
  /** When the challenge failed or ran out. */
  at: number;
}
const RestrictionItem = z.object({
  until: z.number(),
  signal,
  challengeId: z.string(),
  how: z.enum(['challenge_failed', 'challenge_expired']),
  at: z.number(),
});
/** The record of a stored restriction item (the person's hash read from the key). */
export const restrictionFromItem = (item: Record<string, unknown>): RiskRestriction => ({
  ...z.parse(RestrictionItem, item),
  identityHash: identityHashOf(item),
});

const auditItem = (e: AuditEntry) => ({
  ...auditKey(e.accountId, e.at, randomBytes(4).toString('hex')),
  ...e,
  expiresAt: ttlAttribute(e.at + AUDIT_RETENTION_MS),
});

/** Prefix of a device item's per-account sighting attributes. */
const SIGHTING = 'acct:';

/** The owner of the account item, whose part of a challenge's transactions it hands out. */
export interface RiskParts {
  accounts: Pick<AccountRepository, 'challengeOpenedPart' | 'verdictPart'>;
}

export class RiskRepository {
  private readonly accounts: RiskParts['accounts'];

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    parts: RiskParts,
  ) {
    this.accounts = parts.accounts;
  }

  /**
   * Records this account on the device and returns every sighting the device has, in one request:
   * each account is a top-level attribute `acct:<id>` (no parent map that would first have to exist).
   */
  async sightDevice(deviceHash: string, accountId: string, nowMs: number, windowSeconds: number): Promise<Record<string, number>> {
    const r = await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: deviceKey(deviceHash),
        UpdateExpression: 'SET #a = :now, expiresAt = :exp',
        ExpressionAttributeNames: { '#a': `${SIGHTING}${accountId}` },
        ExpressionAttributeValues: { ':now': nowMs, ':exp': ttlAttribute(nowMs + windowSeconds * 1000) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const seen: Record<string, number> = {};
    const stale: string[] = [];
    for (const [name, value] of Object.entries(r.Attributes ?? {})) {
      if (!name.startsWith(SIGHTING)) continue;
      seen[name.slice(SIGHTING.length)] = Number(value);
      if (Number(value) < nowMs - windowSeconds * 1000) stale.push(name);
    }
    // A busy shared phone keeps its item alive: drop old sightings now and then (rarely a second request).
    if (stale.length >= 50) {
      const names = Object.fromEntries(stale.slice(0, 100).map((n, i) => [`#s${i}`, n]));
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: deviceKey(deviceHash),
          UpdateExpression: `REMOVE ${Object.keys(names).join(', ')}`,
          ExpressionAttributeNames: names,
        }),
      );
    }
    return seen;
  }

  /**
   * Opens a challenge, marks the account flagged, and audits the decision, in one transaction;
   * `notification` (a webhook event's part, shared/notifications/outbox.ts) joins it when given.
   */
  async openChallenge(c: Omit<Challenge, 'status'>, inputs: Record<string, number | boolean>, notification?: TransactItem): Promise<void> {
    await transact(this.db, [
      [
        'challenge',
        {
          Put: {
            TableName: this.table,
            Item: {
              ...challengeKey(c.challengeId),
              ...c,
              status: 'open',
              ...openChallengeIndex(c.challengeId, c.expiresAtMs),
              expiresAt: ttlAttribute(Math.max(c.expiresAtMs, c.createdAt + RETENTION_MS.challenge)),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
      ['account', this.accounts.challengeOpenedPart(c.accountId, { challengeId: c.challengeId, signal: c.signal, expiresAtMs: c.expiresAtMs }, c.createdAt)],
      [
        'audit',
        {
          Put: {
            TableName: this.table,
            Item: auditItem({
              accountId: c.accountId,
              at: c.createdAt,
              decision: 'challenge',
              signal: c.signal,
              context: c.context,
              inputs,
              challengeId: c.challengeId,
            }),
          },
        },
      ],
      ...(notification ? [['notification', notification] as const] : []),
    ]);
  }

  /**
   * Records the publisher's verdict on an open, unexpired challenge. Returns the challenge as it
   * now is, or as it was when it could not be changed (already answered, expired, unknown).
   */
  async resolve(
    challengeId: string,
    passed: boolean,
    method: string,
    nowMs: number,
  ): Promise<{ changed: true; challenge: Challenge } | { changed: false; challenge: Challenge | null }> {
    const r = await whenConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: challengeKey(challengeId),
          UpdateExpression: 'SET #status = :st, #method = :m, resolvedAt = :now REMOVE gsi1pk, gsi1sk',
          ConditionExpression: '#status = :open AND expiresAtMs > :now',
          ExpressionAttributeNames: { '#status': 'status', '#method': 'method' },
          ExpressionAttributeValues: { ':st': passed ? 'passed' : 'failed', ':m': method, ':now': nowMs, ':open': 'open' },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    if (r.ok) return { changed: true, challenge: challengeFromItem(r.value.Attributes ?? {}) };
    return { changed: false, challenge: r.refused ? challengeFromItem(r.refused) : null };
  }

  /** An unanswered challenge whose time ran out counts as failed. Returns false if it was answered meanwhile. */
  async expire(challengeId: string, nowMs: number): Promise<boolean> {
    const r = await whenConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: challengeKey(challengeId),
          UpdateExpression: 'SET #status = :failed, resolvedAt = :now, #method = :m REMOVE gsi1pk, gsi1sk',
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#status': 'status', '#method': 'method' },
          ExpressionAttributeValues: { ':failed': 'failed', ':now': nowMs, ':open': 'open', ':m': 'expired' },
        }),
      ),
    );
    return r.ok;
  }

  async expiredChallenges(nowMs: number): Promise<Challenge[]> {
    return (await queryQueue(this.db, this.table, CHALLENGE_OPEN, { below: sortableTime(nowMs), limit: 200 })).items.map(challengeFromItem);
  }

  /**
   * Applies a verdict to the account: a pass silences the signal; a failure imposes minor rules on
   * the account and, when it is bound to a person (`identityHash`), on the person's later bindings.
   */
  async applyVerdict(
    c: Pick<Challenge, 'accountId' | 'signal' | 'challengeId'>,
    verdict: { passed: true; suppressUntil: number } | { passed: false; minorRulesUntil: number },
    nowMs: number,
    how: AuditEntry['decision'],
    identityHash?: string,
  ): Promise<void> {
    const items: Array<[string, TransactItem]> = [
      ['account', this.accounts.verdictPart(c.accountId, c.signal, verdict)],
      [
        'audit',
        {
          Put: {
            TableName: this.table,
            Item: auditItem({
              accountId: c.accountId,
              at: nowMs,
              decision: how,
              signal: c.signal,
              context: 'challenge',
              inputs: {},
              challengeId: c.challengeId,
            }),
          },
        },
      ],
    ];
    if (!verdict.passed && identityHash && (how === 'challenge_failed' || how === 'challenge_expired')) {
      const r: RiskRestriction = { identityHash, until: verdict.minorRulesUntil, signal: c.signal, challengeId: c.challengeId, how, at: nowMs };
      items.push([
        'restriction',
        {
          Put: {
            TableName: this.table,
            Item: {
              ...riskRestrictionKey(identityHash),
              until: r.until,
              signal: r.signal,
              challengeId: r.challengeId,
              how: r.how,
              at: r.at,
              expiresAt: ttlAttribute(r.until),
            },
          },
        },
      ]);
    }
    await transact(this.db, items);
  }

  /** The person's restriction, if any (whether or not it is still in force: the caller compares `until`). */
  async restriction(identityHash: string): Promise<RiskRestriction | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: riskRestrictionKey(identityHash), ConsistentRead: true }));
    return r.Item ? restrictionFromItem(r.Item) : null;
  }

  /** Erasure of the person: a restriction whose period is over goes. */
  async deleteRestriction(identityHash: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: riskRestrictionKey(identityHash) }));
  }

  /** The audit entry of an account its person unbound (DELETE /v1/me/accounts/{accountId}), as a transaction part. */
  unboundAuditPart(accountId: string, nowMs: number): TransactItem {
    return {
      Put: {
        TableName: this.table,
        Item: auditItem({
          accountId,
          at: nowMs,
          decision: 'account_unbound',
          signal: 'identity_many_accounts',
          context: 'identity',
          inputs: { by: 'an account bound earlier to the same person' },
        }),
      },
    };
  }

  /** The account's challenges by id (absent ones left out). */
  async challenges(challengeIds: string[]): Promise<Array<Challenge & { resolvedAt?: number }>> {
    const items = await batchGet(this.db, this.table, challengeIds.map(challengeKey));
    return items
      .map((item) => ({ ...challengeFromItem(item), ...(typeof item.resolvedAt === 'number' ? { resolvedAt: item.resolvedAt } : {}) }))
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Erasure: removes a challenge (an open one leaves the sweeper's index with it). Whether there was one. */
  async deleteChallenge(challengeId: string): Promise<boolean> {
    const r = await this.db.send(new DeleteCommand({ TableName: this.table, Key: challengeKey(challengeId), ReturnValues: 'ALL_OLD' }));
    return r.Attributes !== undefined;
  }

  /** Erasure: the account is no longer among the device's sightings (the device item itself expires by TTL). */
  async forgetSighting(deviceHash: string, accountId: string): Promise<void> {
    await whenConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: deviceKey(deviceHash),
          UpdateExpression: 'REMOVE #a',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#a': `${SIGHTING}${accountId}` },
        }),
      ),
    );
  }

  /** The account's audit entries, newest first, at most `limit`. */
  async audit(accountId: string, limit = 500): Promise<AuditEntry[]> {
    return (await queryPartition(this.db, this.table, auditPartition(accountId), { limit, newestFirst: true })).map(auditEntryFromItem);
  }
}
