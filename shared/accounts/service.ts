/** What every capability asks of an account before acting for it. */
import type { AccountRecord, BoundAccount } from '#shared/accounts/repository';
import { consentStanding, type ConsentFacts, type ConsentPolicy } from '#shared/domain/consent';
import { Problem } from '#shared/problem';

/**
 * The account must be bound to a person (verified or pending: a pending identity plays under the
 * rules of the age in its ID number meanwhile), and not blocked by an operator.
 */
export function requireIdentity(account: AccountRecord | null): asserts account is BoundAccount {
  if (!account?.identityHash || !account.birthDate || account.identityStatus === 'rejected') throw new Problem('identity_required');
  if (account.blocked === true) throw new Problem('account_blocked');
}

/** What of the account the under-14 consent is decided from: the client's attestation, and a guardian's on the guardianship copy. */
export const consentFactsOf = (account: BoundAccount): ConsentFacts => ({
  birthDate: account.birthDate,
  attested: account.consent,
  guardian: account.guardianship?.consent,
});

/**
 * A child under 14 plays and pays only with its guardian's consent to the current privacy policy
 * (2019 Children's PI Regulations Arts. 9–10): 403 guardian_consent_required, naming the version to
 * consent to and who records it.
 */
export function requireConsent(account: BoundAccount, policy: ConsentPolicy, nowMs: number): void {
  if (!consentStanding(consentFactsOf(account), policy, nowMs).ok)
    throw new Problem('guardian_consent_required', { policyVersion: policy.policyVersion, consent: policy.mode });
}
