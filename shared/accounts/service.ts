/** What every capability asks of an account before acting for it. */
import type { AccountRecord, BoundAccount } from '#shared/accounts/repository';
import { Problem } from '#shared/problem';

/**
 * The account must be bound to a person (verified or pending: a pending identity plays under the
 * rules of the age in its ID number meanwhile), and not blocked by an operator.
 */
export function requireIdentity(account: AccountRecord | null): asserts account is BoundAccount {
  if (!account?.identityHash || !account.birthDate || account.identityStatus === 'rejected') throw new Problem('identity_required');
  if (account.blocked === true) throw new Problem('account_blocked');
}
