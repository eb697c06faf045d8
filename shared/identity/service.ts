/**
 * Real-name identity (docs/rules.md §1): check locally, ask the national system once, bind the
 * verified (or in-progress) identity to the account. The national system's answers map onto the
 * contract here; storage is the repository's business, the wire protocol the NPPA client's.
 */
import { ageBandOf, ageOn, isMinorAge, type AgeBand } from '#shared/domain/age';
import { beijingDate } from '#shared/domain/beijingTime';
import { parseIdNumber } from '#shared/domain/idNumber';
import { Problem } from '#shared/problem';
import { log, metric } from '#shared/log';
import { identityHash, nameKeyOf, seal, unseal } from '#shared/identity/keys';
import type { AccountRepository } from '#shared/accounts/repository';
import { AccountBoundElsewhere, type IdentityRecord, type IdentityRepository } from '#shared/identity/repository';
import { newAttemptId, NppaConfigurationError, NppaRejected, NppaUnavailable, type NppaClient } from '#shared/nppa/client';

/** Failed submissions per account before 429 (guessing names for someone's ID number). */
export const MAX_FAILED_ATTEMPTS = 5;
export const ATTEMPT_WINDOW_MS = 3600_000;
/** docs/nppa.md: an in-progress result can be queried for 48 h. */
export const PENDING_LIMIT_MS = 48 * 3600_000;

export interface IdentityDeps {
  repo: IdentityRepository;
  accounts: AccountRepository;
  nppa: Pick<NppaClient, 'check' | 'query'>;
  pepper: string;
  /** An account was bound to a person with a guardian: copy the guardians' rules onto it (shared/usecases/guardians.ts). */
  guardedPersonBound?: (identityHash: string) => Promise<void>;
}

export interface AgeView {
  ageBand: AgeBand;
  minor: boolean;
}

/** The contract's age fields, computed for the current Beijing day (docs/api.md). */
export function ageView(birthDate: string, nowMs: number): AgeView {
  const age = ageOn(birthDate, beijingDate(nowMs));
  return { ageBand: ageBandOf(age), minor: isMinorAge(age) };
}

export async function submitIdentity(
  deps: IdentityDeps,
  accountId: string,
  submission: { name: string; idNumber: string },
  nowMs: number,
): Promise<{ status: 'verified' | 'pending' } & AgeView> {
  const parsed = parseIdNumber(submission.idNumber, beijingDate(nowMs));
  if (!parsed.ok) throw new Problem('invalid_id_number', { reason: parsed.reason });
  const hash = identityHash(deps.pepper, parsed.idNumber);

  const account = await deps.accounts.get(accountId);
  if (account?.identityHash && account.identityStatus !== 'rejected') {
    if (account.identityHash !== hash) throw new Problem('identity_already_bound');
    // The same identity again: idempotent, and the national system is not asked twice — except once
    // for a person verified before names were kept as a keyed hash (guardians find wards by name).
    if (account.identityStatus === 'verified') await keepNameKeyOnce(deps, hash, submission.name, parsed.idNumber);
    return { status: account.identityStatus === 'verified' ? 'verified' : 'pending', ...ageView(parsed.birthDate, nowMs) };
  }
  if (account?.failedAttempts !== undefined && account.failedAttempts >= MAX_FAILED_ATTEMPTS) {
    const windowEnd = (account.failedWindowStart ?? 0) + ATTEMPT_WINDOW_MS;
    if (nowMs < windowEnd) throw new Problem('rate_limited', {}, { 'retry-after': String(Math.ceil((windowEnd - nowMs) / 1000)) });
    await deps.accounts.resetAttempts(accountId);
  }

  const ai = newAttemptId();
  let answer: Awaited<ReturnType<IdentityDeps['nppa']['check']>> | 'unreachable';
  try {
    answer = await deps.nppa.check({ ai, name: submission.name, idNum: parsed.idNumber });
  } catch (error) {
    if (error instanceof NppaUnavailable) {
      // Outage or rate limit: accept as pending, seal the submission for the re-check, and apply
      // the rules of the age in the ID number meanwhile (NPPA FAQ on status 1).
      metric('NppaCheckDeferred');
      log.warn('national system unavailable: identity accepted as pending', { accountId, errcode: error.errcode });
      answer = 'unreachable';
    } else if (error instanceof NppaConfigurationError) {
      metric('NppaConfigurationError');
      log.error('national system refused our credentials or request', { errcode: error.errcode });
      throw new Problem('upstream_unavailable', {}, { 'retry-after': '60' });
    } else if (error instanceof NppaRejected && error.errcode === 2001) {
      throw new Problem('invalid_id_number', { reason: 'national_system' });
    } else {
      throw error;
    }
  }

  if (answer !== 'unreachable' && answer.status === 'failed') {
    await deps.accounts.recordRejection(accountId, nowMs);
    metric('IdentityRejected');
    throw new Problem('identity_rejected');
  }

  const status = answer !== 'unreachable' && answer.status === 'verified' ? 'verified' : 'pending';
  let bound: { guarded: boolean };
  try {
    bound = await deps.repo.bind({
      accountId,
      identityHash: hash,
      birthDate: parsed.birthDate,
      status,
      ...(answer !== 'unreachable' && answer.status === 'verified' ? { pi: answer.pi } : {}),
      ...(answer !== 'unreachable' ? { ai } : { sealed: seal(deps.pepper, JSON.stringify({ name: submission.name, idNumber: parsed.idNumber })) }),
      ...(status === 'verified' ? { nameKey: nameKeyOf(deps.pepper, submission.name, parsed.idNumber) } : { pendingNameKey: nameKeyOf(deps.pepper, submission.name, parsed.idNumber) }),
      nowMs,
    });
  } catch (error) {
    if (error instanceof AccountBoundElsewhere) throw new Problem('identity_already_bound');
    throw error;
  }
  // A new account of a ward: the guardians' controls follow the person before it can play.
  if (bound.guarded) await deps.guardedPersonBound?.(hash);
  metric(status === 'verified' ? 'IdentityVerified' : 'IdentityPending');
  return { status, ...ageView(parsed.birthDate, nowMs) };
}

/**
 * A re-submission of a verified identity whose person has no name hash yet (verified before it was
 * kept): one national check of the name; only a verified answer stores it. Any failure leaves it
 * for the next time and never changes the answer to the player.
 */
async function keepNameKeyOnce(deps: IdentityDeps, hash: string, name: string, idNumber: string): Promise<void> {
  const identity = await deps.repo.get(hash);
  if (!identity || identity.nameKey || identity.status !== 'verified') return;
  try {
    const answer = await deps.nppa.check({ ai: newAttemptId(), name, idNum: idNumber });
    if (answer.status === 'verified') await deps.repo.recordNameKey(hash, nameKeyOf(deps.pepper, name, idNumber));
  } catch (error) {
    log.warn('name check for an identity verified before could not be made', { error: (error as Error).name });
  }
}

export async function readIdentity(deps: Pick<IdentityDeps, 'accounts'>, accountId: string, nowMs: number) {
  const account = await deps.accounts.get(accountId);
  if (!account?.identityStatus) return { status: 'none' as const };
  if (account.identityStatus === 'rejected' || !account.birthDate) return { status: 'rejected' as const };
  return { status: account.identityStatus, ...ageView(account.birthDate, nowMs) };
}

/**
 * The pending-identity poller (scheduled): asks the national system about every in-progress check,
 * re-sends checks that could not be sent during an outage, and rejects what is still unanswered
 * after 48 h. Each answer is copied to every account of that person.
 */
export async function pollPendingIdentities(deps: IdentityDeps, nowMs: number, outOfTime: () => boolean = () => false): Promise<{ resolved: number; stillPending: number }> {
  let resolved = 0;
  let stillPending = 0;
  for (const identity of await deps.repo.listPending()) {
    if (outOfTime()) break;
    try {
      const outcome = await pollOne(deps, identity, nowMs);
      if (outcome === 'pending') stillPending += 1;
      else resolved += 1;
    } catch (error) {
      stillPending += 1;
      if (error instanceof NppaUnavailable) {
        log.warn('national system unavailable: pending identities wait for the next run', { errcode: error.errcode });
        break;
      }
      log.error('pending identity poll failed', { error });
    }
  }
  return { resolved, stillPending };
}

async function pollOne(deps: IdentityDeps, identity: IdentityRecord, nowMs: number): Promise<'resolved' | 'pending'> {
  const finish = async (result: { status: 'verified'; pi: string } | { status: 'rejected' }) => {
    await deps.repo.resolve(identity.identityHash, result, nowMs);
    // The name the national system has just verified with the number (guardians find wards by it).
    if (result.status === 'verified' && identity.pendingNameKey && !identity.nameKey) await deps.repo.recordNameKey(identity.identityHash, identity.pendingNameKey);
    await deps.accounts.copyIdentityStatus({ ...identity, ...result }, nowMs);
    return 'resolved' as const;
  };
  if (identity.status !== 'pending') {
    // Verified meanwhile through another account: only the copy to the other accounts is left.
    return identity.status === 'verified' && identity.pi ? finish({ status: 'verified', pi: identity.pi }) : finish({ status: 'rejected' });
  }
  if (nowMs - identity.submittedAt > PENDING_LIMIT_MS) {
    metric('PendingIdentityExpired');
    return finish({ status: 'rejected' });
  }
  let answer;
  if (identity.sealed) {
    const { name, idNumber } = JSON.parse(unseal(deps.pepper, identity.sealed)) as { name: string; idNumber: string };
    const ai = newAttemptId();
    answer = await deps.nppa.check({ ai, name, idNum: idNumber });
    if (answer.status === 'pending') await deps.repo.recordAttempt(identity.identityHash, ai, nowMs);
    if (answer.status === 'verified') await deps.repo.recordNameKey(identity.identityHash, nameKeyOf(deps.pepper, name, idNumber));
  } else if (identity.ai) {
    answer = await deps.nppa.query(identity.ai);
  } else {
    return finish({ status: 'rejected' });
  }
  if (answer.status === 'verified') return finish({ status: 'verified', pi: answer.pi });
  if (answer.status === 'failed') {
    metric('IdentityRejected');
    return finish({ status: 'rejected' });
  }
  return 'pending';
}
