/**
 * The identity item (the person: `IDENTITY#<hmac>` / `IDENTITY`, shared/storage/keys.ts) and its
 * one owner: birth date, NPPA status and PI, the accounts bound to it; while a check is pending it
 * sits in the sparse index for the poller. Binding composes the account's part from the account
 * repository, which owns the account item.
 */
import { BatchGetCommand, DeleteCommand, GetCommand, QueryCommand, UpdateCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '#shared/zod';
import { AccountRepository, type IdentityStatus } from '#shared/accounts/repository';
import { isConditionFailure, TransactionRefused, transact, type TransactItem } from '#shared/storage/conditions';
import { ttlAttribute } from '#shared/storage/expiry';
import { RETENTION_MS } from '#shared/storage/retention';
import { identityHashOf, identityKey, PENDING_CHECK, pendingCheckIndex } from '#shared/storage/keys';

export type { IdentityStatus } from '#shared/accounts/repository';

export interface IdentityRecord {
  identityHash: string;
  birthDate: string;
  status: IdentityStatus;
  pi?: string;
  ai?: string;
  accounts: string[];
  submittedAt: number;
  updatedAt: number;
  sealed?: string;
  /** Keyed hash of the verified name with the ID number (shared/identity/keys.ts `nameKeyOf`). */
  nameKey?: string;
  /** The submitted name's keyed hash while the national check is in progress (becomes `nameKey` if verified). */
  pendingNameKey?: string;
  /** Set once a guardian is linked (shared/usecases/guardians.ts): accounts bound later get the rules. */
  guardianRev?: number;
}

const IdentityItem = z.object({
  birthDate: z.string(),
  status: z.enum(['pending', 'verified', 'rejected']),
  pi: z.optional(z.string()),
  ai: z.optional(z.string()),
  accounts: z.optional(z.set(z.string())),
  submittedAt: z.number(),
  updatedAt: z.number(),
  sealed: z.optional(z.string()),
  nameKey: z.optional(z.string()),
  pendingNameKey: z.optional(z.string()),
  guardianRev: z.optional(z.number()),
});

/** The record of a stored identity item (its hash read from the key, storage attributes dropped). */
export function identityFromItem(item: Record<string, unknown>): IdentityRecord {
  const { accounts, ...rest } = z.parse(IdentityItem, item);
  return { ...rest, identityHash: identityHashOf(item), accounts: accounts ? [...accounts] : [] };
}

export class AccountBoundElsewhere extends Error {
  constructor() {
    super('account already bound to another identity');
  }
}

export interface Binding {
  accountId: string;
  identityHash: string;
  birthDate: string;
  status: IdentityStatus;
  pi?: string;
  ai?: string;
  /** Sealed name and ID number, kept only while the national system could not be asked. */
  sealed?: string;
  /** The verified name's keyed hash (only with a verified answer). */
  nameKey?: string;
  /** The submitted name's keyed hash while the answer is pending. */
  pendingNameKey?: string;
  nowMs: number;
}

/**
 * A pending identity holding a sealed submission carries a TTL a week after the submission: a
 * safety net for personal data only. Its life is decided by `submittedAt` (the poller rejects it
 * after 48 h, shared/identity/service.ts), and resolving it removes the TTL with the sealed data.
 */
const PENDING_RETENTION_MS = RETENTION_MS.sealedSubmission;

export class IdentityRepository {
  private readonly accounts: AccountRepository;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly maxAccountsPerIdentity = 5,
  ) {
    this.accounts = new AccountRepository(db, table);
  }

  /**
   * Binds the account to the identity and records the national system's answer, in one
   * transaction. The account condition makes "one identity per account" hold under any
   * concurrency; the identity condition notices when the person already has the maximum number
   * of accounts, in which case the binding is retried once and marked (a risk signal).
   */
  async bind(b: Binding): Promise<{ beyondAccountLimit: boolean; guarded: boolean }> {
    let full = false;
    let guarded = false;
    try {
      await transact(this.db, this.bindTransaction(b, false, true));
      return { beyondAccountLimit: false, guarded: false };
    } catch (error) {
      if (!(error instanceof TransactionRefused)) throw error;
      if (error.refused('account')) throw new AccountBoundElsewhere();
      // The identity as it was tells which of its conditions refused: the account limit, or a
      // guardian (the new account must get the guardians' rules: `guarded`), or both.
      const old = error.itemOf('identity');
      guarded = old?.guardianRev !== undefined;
      const accounts = old?.accounts instanceof Set ? (old.accounts as Set<string>) : new Set<string>();
      full = !guarded || (accounts.size >= this.maxAccountsPerIdentity && !accounts.has(b.accountId));
    }
    // The person already has the maximum number of accounts: bind anyway, marked (a risk signal).
    try {
      await transact(this.db, this.bindTransaction(b, full, false));
    } catch (error) {
      if (error instanceof TransactionRefused && error.refused('account')) throw new AccountBoundElsewhere();
      throw error;
    }
    return { beyondAccountLimit: full, guarded };
  }

  /**
   * Correction (docs/api.md): the account leaves its person for another, in one transaction (the
   * account only if still bound to `fromHash`); then the old person loses the account, and goes
   * when no account is left. Returns whether the new person has a guardian (the caller copies the
   * guardians' rules onto the account).
   */
  async rebind(fromHash: string, b: Binding): Promise<{ guarded: boolean }> {
    const [, identity] = this.bindTransaction(b, true, false);
    try {
      await transact(this.db, [['account', this.accounts.rebindPart(fromHash, b)], identity!]);
    } catch (error) {
      if (error instanceof TransactionRefused && error.refused('account')) throw new AccountBoundElsewhere();
      throw error;
    }
    await this.unbind(fromHash, b.accountId);
    return { guarded: (await this.get(b.identityHash))?.guardianRev !== undefined };
  }

  /** A guardian is linked to this person (shared/usecases/guardians.ts): accounts bound from now on get the guardians' rules. */
  async markGuarded(identityHash: string, rev: number): Promise<void> {
    try {
      await this.db.send(new UpdateCommand({ TableName: this.table, Key: identityKey(identityHash), UpdateExpression: 'SET guardianRev = :rev', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':rev': rev } }));
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  private bindTransaction(b: Binding, beyondLimit: boolean, unguarded: boolean): Array<[string, TransactItem]> {
    const set = ['birthDate = :bd', '#status = :st', 'updatedAt = :now', 'submittedAt = if_not_exists(submittedAt, :now)'];
    const values: Record<string, unknown> = { ':bd': b.birthDate, ':st': b.status, ':now': b.nowMs, ':acct': new Set([b.accountId]) };
    const remove: string[] = [];
    if (b.pi) {
      set.push('pi = :pi');
      values[':pi'] = b.pi;
    }
    if (b.ai) {
      set.push('ai = :ai');
      values[':ai'] = b.ai;
    }
    if (b.nameKey) {
      set.push('nameKey = :nk');
      values[':nk'] = b.nameKey;
      remove.push('pendingNameKey');
    } else if (b.pendingNameKey) {
      set.push('pendingNameKey = :pnk');
      values[':pnk'] = b.pendingNameKey;
    }
    if (b.sealed) {
      set.push('sealed = :sealed', 'expiresAt = :exp');
      values[':sealed'] = b.sealed;
      values[':exp'] = ttlAttribute(b.nowMs + PENDING_RETENTION_MS);
    } else {
      remove.push('sealed', 'expiresAt');
    }
    if (b.status === 'pending') {
      // Pending checks wait in the sparse index for the poller. A verified answer leaves any
      // existing entry in place: the poller then copies the result to the person's other accounts.
      const index = pendingCheckIndex(b.nowMs, b.identityHash);
      set.push('gsi1pk = :q', 'gsi1sk = :qs');
      values[':q'] = index.gsi1pk;
      values[':qs'] = index.gsi1sk;
    }
    const conditions: string[] = [];
    if (!beyondLimit) {
      values[':max'] = this.maxAccountsPerIdentity;
      values[':acctId'] = b.accountId;
      conditions.push('(attribute_not_exists(accounts) OR size(accounts) < :max OR contains(accounts, :acctId))');
    }
    // A person with a guardian: the caller copies the guardians' rules to the new account.
    if (unguarded) conditions.push('attribute_not_exists(guardianRev)');
    const identity: TransactItem = {
      Update: {
        TableName: this.table,
        Key: identityKey(b.identityHash),
        UpdateExpression: `SET ${set.join(', ')} ADD accounts :acct${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ...(conditions.length ? { ConditionExpression: conditions.join(' AND ') } : {}),
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
    return [
      ['account', this.accounts.bindPart(b, beyondLimit)],
      ['identity', identity],
    ];
  }

  /** The national system verified this name with the ID number: keep its keyed hash (for guardians' look-up). */
  async recordNameKey(identityHash: string, nameKey: string): Promise<void> {
    try {
      await this.db.send(new UpdateCommand({ TableName: this.table, Key: identityKey(identityHash), UpdateExpression: 'SET nameKey = :nk REMOVE pendingNameKey', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':nk': nameKey } }));
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async get(identityHash: string): Promise<IdentityRecord | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: identityKey(identityHash), ConsistentRead: true }));
    return r.Item ? identityFromItem(r.Item) : null;
  }

  /**
   * Erasure: the account is no longer bound to the person; the person's item goes when no account
   * is left (a set that becomes empty disappears, hence the condition). Idempotent: an identity
   * already gone stays gone. Returns whether the identity item is gone.
   */
  async unbind(identityHash: string, accountId: string): Promise<{ removed: boolean }> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: identityKey(identityHash),
          UpdateExpression: 'DELETE accounts :acct',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':acct': new Set([accountId]) },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return { removed: true };
      throw error;
    }
    try {
      await this.db.send(new DeleteCommand({ TableName: this.table, Key: identityKey(identityHash), ConditionExpression: 'attribute_not_exists(accounts)' }));
      return { removed: true };
    } catch (error) {
      if (isConditionFailure(error)) return { removed: false };
      throw error;
    }
  }

  async listPending(limit = 100): Promise<IdentityRecord[]> {
    const r = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :q',
        ExpressionAttributeValues: { ':q': PENDING_CHECK },
        Limit: limit,
      }),
    );
    return (r.Items ?? []).map(identityFromItem);
  }

  /** The national system answered (or the 48 h ran out): record it and leave the pending queue. */
  async resolve(identityHash: string, result: { status: 'verified'; pi: string } | { status: 'rejected' }, nowMs: number): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: identityKey(identityHash),
        UpdateExpression: `SET #status = :st, updatedAt = :now${result.status === 'verified' ? ', pi = :pi' : ''} REMOVE gsi1pk, gsi1sk, sealed, expiresAt`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':st': result.status, ':now': nowMs, ...(result.status === 'verified' ? { ':pi': result.pi } : {}) },
      }),
    );
  }

  /** A check was sent after an outage: keep the new attempt id, drop the sealed submission. */
  async recordAttempt(identityHash: string, ai: string, nowMs: number): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: identityKey(identityHash),
        UpdateExpression: 'SET ai = :ai, updatedAt = :now REMOVE sealed, expiresAt',
        ExpressionAttributeValues: { ':ai': ai, ':now': nowMs },
      }),
    );
  }

  /** Status and PI of each person, by identity hash (one BatchGet per 100; people not stored are absent). */
  async statuses(identityHashes: string[]): Promise<Map<string, { status: IdentityStatus; pi?: string }>> {
    const out = new Map<string, { status: IdentityStatus; pi?: string }>();
    for (let i = 0; i < identityHashes.length; i += 100) {
      let keys: Array<Record<string, unknown>> = identityHashes.slice(i, i + 100).map(identityKey);
      for (let attempt = 0; keys.length; attempt += 1) {
        const r: BatchGetCommandOutput = await this.db.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ProjectionExpression: 'pk, #status, pi', ExpressionAttributeNames: { '#status': 'status' } } } }));
        for (const item of r.Responses?.[this.table] ?? []) {
          const { status, pi } = item as { status: IdentityStatus; pi?: string };
          out.set(identityHashOf(item), { status, ...(pi ? { pi } : {}) });
        }
        keys = r.UnprocessedKeys?.[this.table]?.Keys ?? [];
        if (keys.length) await new Promise((res) => setTimeout(res, 25 * 2 ** Math.min(attempt, 5)));
      }
    }
    return out;
  }
}
