/**
 * The identity item (the person: `IDENTITY#<hmac>` / `IDENTITY`, shared/storage/keys.ts) and an
 * account's pending check (`ACCOUNT#<id>` / `CHECK`), and their one owner.
 *
 * The person holds its birth date, its national-system status and PI, and the accounts bound to it.
 * Once verified it stays verified: what another account submits for the same ID number — another
 * name, a check that stays in progress, fails or times out — is that account's own pending check,
 * and its outcome binds or rejects that account only (docs/guardians.md "Trust model").
 *
 * Binding composes the account's part from the account repository (the owner of the account item,
 * passed in),
 * and checks in the same transaction that the person's guardianship and risk restriction are as the
 * binding read them: the new account carries both from its first moment.
 */
import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '#shared/zod';
import { accountFromItem, type AccountRecord, type AccountRepository, type IdentityStatus } from '#shared/accounts/repository';
import { copyOf, guardianshipFromItem, worthCopying, type Guardianship } from '#shared/guardians/repository';
import type { ConsentRecord } from '#shared/domain/consent';
import { DEFAULT_RISK_POLICY } from '#shared/domain/riskRules';
import { restrictionFromItem, type RiskRestriction } from '#shared/risk/repository';
import { TransactionRefused, transact, whenConditionFails, type TransactItem } from '#shared/storage/conditions';
import { batchGet, queryQueue } from '#shared/storage/dynamo';
import { ttlAttribute } from '#shared/storage/expiry';
import { RETENTION_MS } from '#shared/storage/retention';
import {
  accountIdOf,
  accountKey,
  CHECKS_PENDING,
  guardianshipKey,
  identityHashOf,
  identityKey,
  itemKindOf,
  pendingCheckIndex,
  pendingCheckKey,
  riskRestrictionKey,
} from '#shared/storage/keys';

export type { IdentityStatus } from '#shared/accounts/repository';

export interface IdentityRecord {
  identityHash: string;
  birthDate: string;
  /** `pending` until a check of one of its accounts is verified; then `verified` for good. */
  status: IdentityStatus;
  pi?: string;
  accounts: string[];
  submittedAt: number;
  updatedAt: number;
  /** Keyed hash of the verified name with the ID number (shared/storage/keyedHashes.ts `nameKeyOf`). */
  nameKey?: string;
}

const IdentityItem = z.object({
  birthDate: z.string(),
  status: z.enum(['pending', 'verified', 'rejected']),
  pi: z.optional(z.string()),
  accounts: z.optional(z.set(z.string())),
  submittedAt: z.number(),
  updatedAt: z.number(),
  nameKey: z.optional(z.string()),
});

/** The record of a stored identity item (its hash read from the key, storage attributes dropped). */
export function identityFromItem(item: Record<string, unknown>): IdentityRecord {
  const { accounts, ...rest } = z.parse(IdentityItem, item);
  return { ...rest, identityHash: identityHashOf(item), accounts: accounts ? [...accounts] : [] };
}

/** An account's check the national system has not answered: in progress (`ai`), or not sent yet (`sealed`). */
export interface PendingCheck {
  accountId: string;
  identityHash: string;
  birthDate: string;
  submittedAt: number;
  ai?: string;
  /** Sealed name and ID number, kept only until the check is sent (an outage, or over the national system's rate). */
  sealed?: string;
  /** The submitted name's keyed hash: the person's name hash if the check is verified. */
  nameKey: string;
}
const CheckItem = z.object({
  identityHash: z.string(),
  birthDate: z.string(),
  submittedAt: z.number(),
  ai: z.optional(z.string()),
  sealed: z.optional(z.string()),
  nameKey: z.string(),
});
const checkFromItem = (item: Record<string, unknown>): PendingCheck => ({ ...z.parse(CheckItem, item), accountId: accountIdOf(item) });

export class AccountBoundElsewhere extends Error {
  constructor() {
    super('account already bound to another identity');
  }
}

/** The person, its guardianship or its restriction changed between the binding's read and its write: read again. */
export class BindingRaced extends Error {
  constructor() {
    super('the person changed while the account was being bound');
  }
}

/** What a binding needs to know first, read in one request. */
export interface BindingFacts {
  account: AccountRecord | null;
  person: IdentityRecord | null;
  guardianship: Guardianship | null;
  restriction: RiskRestriction | null;
}

export interface Binding {
  accountId: string;
  identityHash: string;
  birthDate: string;
  /** This account's status: `verified` (the national system said so) or `pending` (its check is not answered yet). */
  status: 'verified' | 'pending';
  pi?: string;
  /** The verified name's keyed hash (only with a verified answer). */
  nameKey?: string;
  /** The account's pending check (only with `pending`). */
  check?: Omit<PendingCheck, 'accountId' | 'identityHash' | 'birthDate' | 'submittedAt'>;
  /** A webhook event's part (identity.account_bound), written with the binding. */
  notification?: TransactItem;
  /** The guardian's consent the client attested with the submission (a child under 14). */
  consent?: ConsentRecord | undefined;
  nowMs: number;
}

/**
 * A pending check holding a sealed submission carries a TTL a week after the submission: a safety
 * net for personal data only. Its life is decided by `submittedAt` (the poller rejects it after
 * 48 h, shared/identity/service.ts), and resolving it deletes it.
 */
const CHECK_RETENTION_MS = RETENTION_MS.sealedSubmission;

/** Whether a restriction still holds at `nowMs`. */
const inForce = (r: RiskRestriction | null, nowMs: number): r is RiskRestriction => r !== null && r.until > nowMs;

/** What an account bound to the person takes over: a copy of its guardianship, and minor rules while its restriction is in force. */
const carriedOver = (b: Pick<Binding, 'nowMs'>, seen: BindingFacts) => ({
  guardianship: seen.guardianship && worthCopying(seen.guardianship) ? copyOf(seen.guardianship) : undefined,
  minorRulesUntil: inForce(seen.restriction, b.nowMs) ? Math.max(seen.restriction.until, seen.account?.minorRulesUntil ?? 0) : undefined,
});

/** The owner of the account item, whose part of each binding's transaction it hands out. */
export interface IdentityParts {
  accounts: Pick<AccountRepository, 'bindPart' | 'rebindPart' | 'unbindPart' | 'verifiedPart'>;
}

export class IdentityRepository {
  private readonly accounts: IdentityParts['accounts'];

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    parts: IdentityParts,
    /** The publisher's risk policy's limit (RISK_POLICY): a binding past it flags the account. */
    private readonly maxAccountsPerIdentity = DEFAULT_RISK_POLICY.maxAccountsPerIdentity,
  ) {
    this.accounts = parts.accounts;
  }

  /** The account, the person, its guardianship and its restriction: one request (consistent). */
  async bindingFacts(accountId: string, identityHash: string): Promise<BindingFacts> {
    const items = await batchGet(this.db, this.table, [
      accountKey(accountId),
      identityKey(identityHash),
      guardianshipKey(identityHash),
      riskRestrictionKey(identityHash),
    ]);
    const facts: BindingFacts = { account: null, person: null, guardianship: null, restriction: null };
    for (const item of items) {
      switch (itemKindOf({ pk: String(item.pk), sk: String(item.sk) })) {
        case 'account':
          facts.account = accountFromItem(accountId, item);
          break;
        case 'identity':
          facts.person = identityFromItem(item);
          break;
        case 'guardianship':
          facts.guardianship = guardianshipFromItem(item);
          break;
        case 'riskRestriction':
          facts.restriction = restrictionFromItem(item);
          break;
        default:
          break;
      }
    }
    return facts;
  }

  /**
   * Binds the account to the person in one transaction: the account (one identity per account, under
   * any concurrency; the person's guardianship and restriction copied onto it), the person (verified
   * by a verified answer, never made pending again), the account's pending check, and the webhook
   * event. Conditions hold the person, its guardianship and its restriction to what `seen` read:
   * a change in between throws BindingRaced, and the caller reads again.
   * Returns whether the account was bound beyond the person's account limit (a risk signal).
   */
  async bind(b: Binding, seen: BindingFacts): Promise<{ beyondAccountLimit: boolean }> {
    const others = (seen.person?.accounts ?? []).filter((a) => a !== b.accountId);
    const beyondAccountLimit = others.length >= this.maxAccountsPerIdentity;
    const items: Array<[string, TransactItem]> = [
      [
        'account',
        this.accounts.bindPart(
          {
            accountId: b.accountId,
            identityHash: b.identityHash,
            birthDate: b.birthDate,
            status: b.status,
            // A pending account of a verified person has no PI of its own until its check is verified.
            ...(b.pi ? { pi: b.pi } : {}),
            nowMs: b.nowMs,
            ...carriedOver(b, seen),
            consent: b.consent,
          },
          beyondAccountLimit,
        ),
      ],
      ['identity', this.personPart(b, seen.person)],
      ['guardianship', this.guardianshipAsSeen(b.identityHash, seen)],
      [
        'restriction',
        {
          ConditionCheck: {
            TableName: this.table,
            Key: riskRestrictionKey(b.identityHash),
            ...(seen.restriction
              ? {
                  ConditionExpression: '#until = :until',
                  ExpressionAttributeNames: { '#until': 'until' },
                  ExpressionAttributeValues: { ':until': seen.restriction.until },
                }
              : { ConditionExpression: 'attribute_not_exists(pk)' }),
          },
        },
      ],
    ];
    if (b.status === 'pending' && b.check) {
      items.push([
        'check',
        {
          Put: {
            TableName: this.table,
            Item: {
              ...pendingCheckKey(b.accountId),
              identityHash: b.identityHash,
              birthDate: b.birthDate,
              submittedAt: b.nowMs,
              ...b.check,
              ...pendingCheckIndex(b.nowMs, b.accountId),
              expiresAt: ttlAttribute(b.nowMs + CHECK_RETENTION_MS),
            },
          },
        },
      ]);
    }
    if (b.notification) items.push(['notification', b.notification]);
    try {
      await transact(this.db, items);
    } catch (error) {
      if (!(error instanceof TransactionRefused)) throw error;
      if (error.refused('account')) throw new AccountBoundElsewhere();
      throw new BindingRaced();
    }
    return { beyondAccountLimit };
  }

  /**
   * The person's part of a binding: the account joins `accounts`; a verified answer verifies the
   * person (PI, name hash); a pending one leaves the person's status as it is (a new person starts
   * pending). Conditioned on the person being as `seen` read it.
   */
  private personPart(b: Binding, seen: IdentityRecord | null): TransactItem {
    const set = ['birthDate = :bd', 'updatedAt = :now', 'submittedAt = if_not_exists(submittedAt, :now)'];
    const values: Record<string, unknown> = { ':bd': b.birthDate, ':now': b.nowMs, ':acct': new Set([b.accountId]) };
    if (b.status === 'verified') {
      set.push('#status = :verified');
      values[':verified'] = 'verified';
      if (b.pi) {
        set.push('pi = :pi');
        values[':pi'] = b.pi;
      }
      if (b.nameKey) {
        set.push('nameKey = if_not_exists(nameKey, :nk)');
        values[':nk'] = b.nameKey;
      }
    } else if (seen?.status !== 'verified') {
      set.push('#status = :pending');
      values[':pending'] = 'pending';
    }
    let condition: string;
    if (!seen) condition = 'attribute_not_exists(pk)';
    else {
      values[':seenStatus'] = seen.status;
      values[':n'] = seen.accounts.length;
      condition = seen.accounts.length ? '#status = :seenStatus AND size(accounts) = :n' : '#status = :seenStatus AND attribute_not_exists(accounts)';
    }
    return {
      Update: {
        TableName: this.table,
        Key: identityKey(b.identityHash),
        UpdateExpression: `SET ${set.join(', ')} ADD accounts :acct`,
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      },
    };
  }

  /**
   * Correction (docs/api.md): the account leaves its person for another (verified), in one
   * transaction (the account only if still bound to `fromHash`), carrying the new person's
   * guardianship and restriction; then the old person loses the account, and goes when no account
   * is left.
   */
  async rebind(fromHash: string, b: Binding, seen: BindingFacts): Promise<void> {
    const account = this.accounts.rebindPart(fromHash, {
      accountId: b.accountId,
      identityHash: b.identityHash,
      birthDate: b.birthDate,
      status: b.status,
      ...(b.pi ? { pi: b.pi } : {}),
      nowMs: b.nowMs,
      ...carriedOver(b, seen),
    });
    try {
      await transact(this.db, [
        ['account', account],
        ['identity', this.personPart(b, seen.person)],
        ['guardianship', this.guardianshipAsSeen(b.identityHash, seen)],
      ]);
    } catch (error) {
      if (!(error instanceof TransactionRefused)) throw error;
      if (error.refused('account')) throw new AccountBoundElsewhere();
      throw new BindingRaced();
    }
    await this.unbind(fromHash, b.accountId);
  }

  /** The person's guardianship is still what `seen` read (its revision, or still absent). */
  private guardianshipAsSeen(identityHash: string, seen: BindingFacts): TransactItem {
    return {
      ConditionCheck: {
        TableName: this.table,
        Key: guardianshipKey(identityHash),
        ...(seen.guardianship
          ? { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': seen.guardianship.rev } }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
    };
  }

  /** The national system verified this name with the ID number: keep its keyed hash (for guardians' look-up). */
  async recordNameKey(identityHash: string, nameKey: string): Promise<void> {
    await whenConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: identityKey(identityHash),
          UpdateExpression: 'SET nameKey = :nk',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':nk': nameKey },
        }),
      ),
    );
  }

  async get(identityHash: string): Promise<IdentityRecord | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: identityKey(identityHash), ConsistentRead: true }));
    return r.Item ? identityFromItem(r.Item) : null;
  }

  /**
   * The account is no longer bound to the person (erasure, correction); the person's item goes when
   * no account is left (a set that becomes empty disappears, hence the condition). Idempotent: an
   * identity already gone stays gone. Returns whether the identity item is gone.
   */
  async unbind(identityHash: string, accountId: string): Promise<{ removed: boolean }> {
    const r = await whenConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: identityKey(identityHash),
          UpdateExpression: 'DELETE accounts :acct',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':acct': new Set([accountId]) },
        }),
      ),
    );
    return r.ok ? this.removeIfUnbound(identityHash) : { removed: true };
  }

  private async removeIfUnbound(identityHash: string): Promise<{ removed: boolean }> {
    const r = await whenConditionFails(
      this.db.send(new DeleteCommand({ TableName: this.table, Key: identityKey(identityHash), ConditionExpression: 'attribute_not_exists(accounts)' })),
    );
    return { removed: r.ok };
  }

  /**
   * The person unbinds a later account (DELETE /v1/me/accounts/{accountId}), in one transaction: the
   * account holds no identity any more (only if it still holds this one), leaves the person's
   * accounts, loses a pending check, and gets an audit entry (`audit`, the risk repository's part).
   * False when the account was no longer bound to this person.
   */
  async unbindLater(identityHash: string, accountId: string, audit: TransactItem, nowMs: number): Promise<boolean> {
    try {
      await transact(this.db, [
        ['account', this.accounts.unbindPart(accountId, identityHash, null, nowMs)],
        [
          'identity',
          {
            Update: {
              TableName: this.table,
              Key: identityKey(identityHash),
              UpdateExpression: 'DELETE accounts :acct',
              ConditionExpression: 'contains(accounts, :id)',
              ExpressionAttributeValues: { ':acct': new Set([accountId]), ':id': accountId },
            },
          },
        ],
        ['check', { Delete: { TableName: this.table, Key: pendingCheckKey(accountId) } }],
        ['audit', audit],
      ]);
      return true;
    } catch (error) {
      if (error instanceof TransactionRefused) return false;
      throw error;
    }
  }

  /** Pending checks, oldest first, a page at a time (the poller). */
  async pendingChecks(limit = 100, after?: Record<string, unknown>): Promise<{ checks: PendingCheck[]; next?: Record<string, unknown> }> {
    const page = await queryQueue(this.db, this.table, CHECKS_PENDING, { limit, ...(after ? { after } : {}) });
    return { checks: page.items.map(checkFromItem), ...(page.next ? { next: page.next } : {}) };
  }

  /** The account's pending check, if any. */
  async pendingCheck(accountId: string): Promise<PendingCheck | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: pendingCheckKey(accountId), ConsistentRead: true }));
    return r.Item ? checkFromItem(r.Item) : null;
  }

  /** Erasure: the account's pending check (and any sealed submission in it) goes. */
  async deletePendingCheck(accountId: string): Promise<boolean> {
    const r = await this.db.send(new DeleteCommand({ TableName: this.table, Key: pendingCheckKey(accountId), ReturnValues: 'ALL_OLD' }));
    return r.Attributes !== undefined;
  }

  /**
   * The national system verified the account's check: the account is verified, and so is the person
   * (if it was not yet: its PI and name hash), in one transaction with the check's removal. Only
   * while the account is still bound to that person and pending; otherwise the check just goes.
   */
  async checkVerified(c: PendingCheck, pi: string, nowMs: number): Promise<void> {
    try {
      await transact(this.db, [
        ['account', this.accounts.verifiedPart(c.accountId, c.identityHash, pi, nowMs)],
        [
          'identity',
          {
            Update: {
              TableName: this.table,
              Key: identityKey(c.identityHash),
              UpdateExpression: 'SET #status = :verified, pi = if_not_exists(pi, :pi), nameKey = if_not_exists(nameKey, :nk), updatedAt = :now',
              ConditionExpression: 'contains(accounts, :acct)',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':verified': 'verified', ':pi': pi, ':nk': c.nameKey, ':now': nowMs, ':acct': c.accountId },
            },
          },
        ],
        ['check', { Delete: { TableName: this.table, Key: pendingCheckKey(c.accountId) } }],
      ]);
    } catch (error) {
      if (!(error instanceof TransactionRefused)) throw error;
      await this.deletePendingCheck(c.accountId);
    }
  }

  /**
   * The account's check failed (or was never answered within 48 h): this account alone is rejected
   * and leaves the person; the person, its status and its other accounts are untouched. The person
   * goes if no account is left.
   */
  async checkFailed(c: PendingCheck, nowMs: number): Promise<void> {
    try {
      await transact(this.db, [
        ['account', this.accounts.unbindPart(c.accountId, c.identityHash, 'rejected', nowMs, true)],
        [
          'identity',
          {
            Update: {
              TableName: this.table,
              Key: identityKey(c.identityHash),
              UpdateExpression: 'DELETE accounts :acct',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':acct': new Set([c.accountId]) },
            },
          },
        ],
        ['check', { Delete: { TableName: this.table, Key: pendingCheckKey(c.accountId) } }],
      ]);
    } catch (error) {
      if (!(error instanceof TransactionRefused)) throw error;
      await this.deletePendingCheck(c.accountId);
      return;
    }
    await this.removeIfUnbound(c.identityHash);
  }

  /** A check was sent after it had waited (an outage, or the national system's rate): keep its attempt id, drop the sealed submission. */
  async recordAttempt(accountId: string, ai: string): Promise<void> {
    await whenConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: pendingCheckKey(accountId),
          UpdateExpression: 'SET ai = :ai REMOVE sealed',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':ai': ai },
        }),
      ),
    );
  }

  /** Status and PI of each person, by identity hash (one BatchGet per 100; people not stored are absent). */
  async statuses(identityHashes: string[]): Promise<Map<string, { status: IdentityStatus; pi?: string }>> {
    const out = new Map<string, { status: IdentityStatus; pi?: string }>();
    for (const item of await batchGet(this.db, this.table, identityHashes.map(identityKey), { consistent: false, attributes: ['status', 'pi'] })) {
      const { status, pi } = item as { status: IdentityStatus; pi?: string };
      out.set(identityHashOf(item), { status, ...(pi ? { pi } : {}) });
    }
    return out;
  }
}
