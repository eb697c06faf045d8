/**
 * Accounts and identities in the single table. This module owns their key formats and every
 * condition expression about them.
 *
 *   ACCOUNT#<accountId> / ACCOUNT    the account's binding, with the identity facts the hot paths
 *                                    need copied in (status, birth date, PI), so login and payment
 *                                    read one item.
 *   IDENTITY#<hmac> / IDENTITY       the person: birth date, NPPA status and PI, the accounts bound
 *                                    to it; while pending it sits in the sparse index gsi1 under
 *                                    PENDING_CHECK for the poller.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ttlAttribute } from '#shared/storage/expiry';

export type IdentityStatus = 'pending' | 'verified' | 'rejected';

export interface AccountRecord {
  accountId: string;
  identityHash?: string;
  identityStatus?: IdentityStatus;
  birthDate?: string;
  pi?: string;
  boundAt?: number;
  /** Bound when the identity already had the maximum number of accounts (risk signal). */
  beyondAccountLimit?: boolean;
  failedAttempts?: number;
  failedWindowStart?: number;
  /** Risk: minor rules apply until this instant (failed or expired challenge). */
  minorRulesUntil?: number;
  /** Risk: flagged by a signal (payment patrol looks at it). */
  flaggedAt?: number;
  /** Risk: signal → suppressed-until (ms) after a passed challenge. */
  suppressed?: Record<string, number>;
  /** Risk: device hash → last login on it (ms). */
  devices?: Record<string, number>;
  /** Risk: ended session → night-play seconds and end time. */
  nightPlay?: Record<string, { at: number; s: number }>;
  openChallenge?: { challengeId: string; signal: string; expiresAtMs: number };
  /** The account's one live session (lease). */
  leaseSessionId?: string;
  leaseDeviceHash?: string;
  [key: string]: unknown;
}

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
}

export const PENDING_INDEX_KEY = 'PENDING_CHECK';

export const accountKey = (accountId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: 'ACCOUNT' });
export const identityKey = (identityHash: string) => ({ pk: `IDENTITY#${identityHash}`, sk: 'IDENTITY' });

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
  nowMs: number;
}

/**
 * A pending identity holding a sealed submission carries a TTL a week after the submission: a
 * safety net for personal data only. Its life is decided by `submittedAt` (the poller rejects it
 * after 48 h, shared/identity/service.ts), and resolving it removes the TTL with the sealed data.
 */
const PENDING_RETENTION_MS = 7 * 86_400_000;

export class IdentityRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly maxAccountsPerIdentity = 5,
  ) {}

  async getAccount(accountId: string): Promise<AccountRecord | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: accountKey(accountId), ConsistentRead: true }));
    return r.Item ? ({ ...r.Item, accountId } as AccountRecord) : null;
  }

  /**
   * Binds the account to the identity and records the national system's answer, in one
   * transaction. The account condition makes "one identity per account" hold under any
   * concurrency; the identity condition notices when the person already has the maximum number
   * of accounts, in which case the binding is retried once and marked (a risk signal).
   */
  async bind(b: Binding): Promise<{ beyondAccountLimit: boolean }> {
    try {
      await this.db.send(this.bindTransaction(b, false));
      return { beyondAccountLimit: false };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [account, identity] = error.CancellationReasons ?? [];
      if (account?.Code === 'ConditionalCheckFailed') throw new AccountBoundElsewhere();
      if (identity?.Code !== 'ConditionalCheckFailed') throw error;
    }
    try {
      await this.db.send(this.bindTransaction(b, true));
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') throw new AccountBoundElsewhere();
      throw error;
    }
    return { beyondAccountLimit: true };
  }

  private bindTransaction(b: Binding, beyondLimit: boolean): TransactWriteCommand {
    // The maps the hot paths write into by path (devices seen, night play, silenced signals) exist from the start.
    const accountSet = ['identityHash = :h', 'identityStatus = :st', 'birthDate = :bd', 'boundAt = if_not_exists(boundAt, :now)', 'updatedAt = :now', 'devices = if_not_exists(devices, :empty)', 'nightPlay = if_not_exists(nightPlay, :empty)', 'suppressed = if_not_exists(suppressed, :empty)'];
    const accountValues: Record<string, unknown> = { ':h': b.identityHash, ':st': b.status, ':bd': b.birthDate, ':now': b.nowMs, ':rejected': 'rejected', ':empty': {} };
    if (b.pi) {
      accountSet.push('pi = :pi');
      accountValues[':pi'] = b.pi;
    }
    if (beyondLimit) {
      accountSet.push('beyondAccountLimit = :true');
      accountValues[':true'] = true;
    }
    const identitySet = ['birthDate = :bd', '#status = :st', 'updatedAt = :now', 'submittedAt = if_not_exists(submittedAt, :now)'];
    const identityValues: Record<string, unknown> = { ':bd': b.birthDate, ':st': b.status, ':now': b.nowMs, ':acct': new Set([b.accountId]) };
    const identityRemove: string[] = [];
    if (b.pi) {
      identitySet.push('pi = :pi');
      identityValues[':pi'] = b.pi;
    }
    if (b.ai) {
      identitySet.push('ai = :ai');
      identityValues[':ai'] = b.ai;
    }
    if (b.sealed) {
      identitySet.push('sealed = :sealed', 'expiresAt = :exp');
      identityValues[':sealed'] = b.sealed;
      identityValues[':exp'] = ttlAttribute(b.nowMs + PENDING_RETENTION_MS);
    } else {
      identityRemove.push('sealed', 'expiresAt');
    }
    if (b.status === 'pending') {
      // Pending checks wait in the sparse index for the poller. A verified answer leaves any
      // existing entry in place: the poller then copies the result to the person's other accounts.
      identitySet.push('gsi1pk = :q', 'gsi1sk = :qs');
      identityValues[':q'] = PENDING_INDEX_KEY;
      identityValues[':qs'] = `${String(b.nowMs).padStart(15, '0')}#${b.identityHash}`;
    }
    if (!beyondLimit) identityValues[':max'] = this.maxAccountsPerIdentity;
    return new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: this.table,
            Key: accountKey(b.accountId),
            UpdateExpression: `SET ${accountSet.join(', ')} REMOVE failedAttempts, failedWindowStart`,
            ConditionExpression: 'attribute_not_exists(identityHash) OR identityHash = :h OR identityStatus = :rejected',
            ExpressionAttributeValues: accountValues,
          },
        },
        {
          Update: {
            TableName: this.table,
            Key: identityKey(b.identityHash),
            UpdateExpression: `SET ${identitySet.join(', ')} ADD accounts :acct${identityRemove.length ? ` REMOVE ${identityRemove.join(', ')}` : ''}`,
            ...(beyondLimit ? {} : { ConditionExpression: 'attribute_not_exists(accounts) OR size(accounts) < :max OR contains(accounts, :acctId)' }),
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: beyondLimit ? identityValues : { ...identityValues, ':acctId': b.accountId },
          },
        },
      ],
    });
  }

  /** A rejected submission: the account stays unbound and the failure counts toward the attempt limit. */
  async recordRejection(accountId: string, nowMs: number): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: accountKey(accountId),
          UpdateExpression: 'SET identityStatus = :rejected, updatedAt = :now, failedWindowStart = if_not_exists(failedWindowStart, :now) ADD failedAttempts :one',
          ConditionExpression: 'attribute_not_exists(identityHash) OR identityStatus = :rejected',
          ExpressionAttributeValues: { ':rejected': 'rejected', ':now': nowMs, ':one': 1 },
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }

  /** Starts a new attempt window when the old one is over (cheap: only after a window expired). */
  async resetAttempts(accountId: string): Promise<void> {
    await this.db.send(new UpdateCommand({ TableName: this.table, Key: accountKey(accountId), UpdateExpression: 'REMOVE failedAttempts, failedWindowStart' }));
  }

  async listPending(limit = 100): Promise<IdentityRecord[]> {
    const r = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :q',
        ExpressionAttributeValues: { ':q': PENDING_INDEX_KEY },
        Limit: limit,
      }),
    );
    return (r.Items ?? []).map((item) => {
      const { accounts, pk, ...rest } = item;
      return { ...(rest as Omit<IdentityRecord, 'accounts' | 'identityHash'>), identityHash: String(pk).slice('IDENTITY#'.length), accounts: accounts ? [...(accounts as Set<string>)] : [] };
    });
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

  /** Copies the person's status to each of their accounts (they hold a copy for the hot paths). */
  async copyStatusToAccounts(identity: Pick<IdentityRecord, 'identityHash' | 'accounts' | 'status' | 'pi'>, nowMs: number): Promise<void> {
    for (const accountId of identity.accounts) {
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: accountKey(accountId),
            UpdateExpression: `SET identityStatus = :st, updatedAt = :now${identity.pi ? ', pi = :pi' : ''}`,
            ConditionExpression: 'identityHash = :h',
            ExpressionAttributeValues: { ':st': identity.status, ':now': nowMs, ':h': identity.identityHash, ...(identity.pi ? { ':pi': identity.pi } : {}) },
          }),
        );
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    }
  }
}
