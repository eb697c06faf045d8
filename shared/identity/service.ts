/**
 * Real-name identity (docs/rules.md §1): check locally, ask the national system once (at its pace),
 * bind the verified (or in-progress) identity to the account. A submission's outcome concerns the
 * submitting account only: nothing another account submits ever changes a verified person
 * (docs/guardians.md "Trust model"). The national system's answers map onto the contract here;
 * storage is the repository's business, the wire protocol the NPPA client's.
 */
import { ageBandOf, ageOn, isMinorAge, type AgeBand } from '#shared/domain/age';
import { beijingDate } from '#shared/domain/beijingTime';
import { parseIdNumber } from '#shared/domain/idNumber';
import { Problem } from '#shared/problem';
import { consentRequired, consentStanding, type ConsentPolicy, type ConsentRecord } from '#shared/domain/consent';
import { log, metric } from '#shared/log';
import { identityHash, nameKeyOf, seal, unseal } from '#shared/storage/keyedHashes';
import type { AccountRepository } from '#shared/accounts/repository';
import { AccountBoundElsewhere, BindingRaced, type Binding, type IdentityRepository, type PendingCheck } from '#shared/identity/repository';
import type { NotificationOutbox } from '#shared/notifications/outbox';
import { newAttemptId, NppaConfigurationError, NppaRejected, NppaUnavailable, NppaPaced, type NppaClient } from '#shared/nppa/client';

/** Failed submissions per account before 429 (guessing names for someone's ID number). */
export const MAX_FAILED_ATTEMPTS = 5;
export const ATTEMPT_WINDOW_MS = 3600_000;
/** docs/nppa.md: an in-progress result can be queried for 48 h. */
export const PENDING_LIMIT_MS = 48 * 3600_000;
/** A binding that keeps meeting concurrent changes of the person is given up after this many reads. */
const BIND_ATTEMPTS = 3;

export interface IdentityDeps {
  repo: IdentityRepository;
  accounts: AccountRepository;
  nppa: Pick<NppaClient, 'check' | 'query'>;
  pepper: string;
  /** Webhook events (`identity.account_bound`); null or absent when webhooks are off. */
  notifications?: Pick<NotificationOutbox, 'eventPart'> | null | undefined;
  /** Under-14 consent (shared/domain/consent.ts): what a submission's `guardianConsent` is read against. */
  consent: ConsentPolicy;
}

/** Where the under-14 consent stands for the account (docs/api.md: `guardianConsent` of the answer). */
export interface ConsentView {
  required: boolean;
  given: boolean;
  policyVersion: string;
  consent: ConsentPolicy['mode'];
}

const consentView = (
  policy: ConsentPolicy,
  facts: { birthDate: string; attested?: ConsentRecord | undefined; guardian?: ConsentRecord | undefined },
  nowMs: number,
): ConsentView => {
  const standing = consentStanding(facts, policy, nowMs);
  return { required: standing.required, given: standing.given !== null, policyVersion: policy.policyVersion, consent: policy.mode };
};

/**
 * The consent a submission attests for a child under 14 (policy `attested`): the current privacy
 * policy version, or 400 naming it. Read only for a child under policy `attested`: a person of 14 or
 * more needs none, and under policy `guardian` only a guardian's counts.
 */
function attestedConsent(policy: ConsentPolicy, given: { policyVersion: string } | undefined, birthDate: string, nowMs: number): ConsentRecord | undefined {
  if (!given || policy.mode !== 'attested' || !consentRequired(birthDate, nowMs)) return undefined;
  if (given.policyVersion !== policy.policyVersion) {
    throw new Problem('invalid_request', {
      errors: [
        { path: 'guardianConsent.policyVersion', message: `not the current privacy policy version (${policy.policyVersion}): show the guardian that one` },
      ],
    });
  }
  return { at: nowMs, how: 'attested', policyVersion: policy.policyVersion };
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

/** What the national system said about one submission (or that it could not be asked now). */
type CheckOutcome = { kind: 'verified'; pi: string; ai: string } | { kind: 'pending'; ai: string } | { kind: 'deferred' };

/**
 * POST /v1/identity. Three DynamoDB requests and one national-system call: the account, the person,
 * its guardianship and its restriction in one read; the shared pace of the national system; the
 * binding's transaction. The same identity again for the same account is idempotent (one read).
 */
export async function submitIdentity(
  deps: IdentityDeps,
  accountId: string,
  submission: { name: string; idNumber: string; guardianConsent?: { policyVersion: string } | undefined },
  nowMs: number,
): Promise<{ status: 'verified' | 'pending'; guardianConsent: ConsentView } & AgeView> {
  const parsed = parseIdNumber(submission.idNumber, beijingDate(nowMs));
  if (!parsed.ok) throw new Problem('invalid_id_number', { reason: parsed.reason });
  const hash = identityHash(deps.pepper, parsed.idNumber);
  const nameKey = nameKeyOf(deps.pepper, submission.name, parsed.idNumber);
  const consent = attestedConsent(deps.consent, submission.guardianConsent, parsed.birthDate, nowMs);

  let outcome: CheckOutcome | undefined;
  let guardianConsent: ConsentRecord | undefined;
  for (let attempt = 1; ; attempt += 1) {
    const seen = await deps.repo.bindingFacts(accountId, hash);
    const account = seen.account;
    guardianConsent = seen.guardianship?.consent;
    if (account?.identityHash && account.identityStatus !== 'rejected') {
      if (account.identityHash !== hash) throw new Problem('identity_already_bound');
      // The same identity again: idempotent, and the national system is not asked twice — except once
      // for a person verified before names were kept as a keyed hash (guardians find wards by name).
      if (account.identityStatus === 'verified' && seen.person && !seen.person.nameKey) await keepNameKeyOnce(deps, hash, submission.name, parsed.idNumber);
      // A guardian's consent attested now (first given, or again for a new privacy policy version): one write.
      let attested = account.consent;
      if (consent && attested?.policyVersion !== consent.policyVersion && (await deps.accounts.recordConsent(accountId, hash, consent))) attested = consent;
      return {
        status: account.identityStatus === 'verified' ? 'verified' : 'pending',
        ...ageView(parsed.birthDate, nowMs),
        guardianConsent: consentView(deps.consent, { birthDate: parsed.birthDate, attested, guardian: guardianConsent }, nowMs),
      };
    }
    if (account?.failedAttempts !== undefined && account.failedAttempts >= MAX_FAILED_ATTEMPTS) {
      const windowEnd = (account.failedWindowStart ?? 0) + ATTEMPT_WINDOW_MS;
      if (nowMs < windowEnd) throw new Problem('rate_limited', {}, { 'retry-after': String(Math.ceil((windowEnd - nowMs) / 1000)) });
      await deps.accounts.resetAttempts(accountId);
    }
    outcome ??= await askNationalSystem(deps, accountId, submission.name, parsed.idNumber, nowMs);

    const others = (seen.person?.accounts ?? []).filter((a) => a !== accountId).sort();
    const notification =
      deps.notifications && others.length
        ? deps.notifications.eventPart({ type: 'identity.account_bound', occurredAtMs: nowMs, data: { accountId, earlierAccountIds: others } })
        : undefined;
    const binding: Binding =
      outcome.kind === 'verified'
        ? { accountId, identityHash: hash, birthDate: parsed.birthDate, status: 'verified', pi: outcome.pi, nameKey, nowMs }
        : {
            accountId,
            identityHash: hash,
            birthDate: parsed.birthDate,
            status: 'pending',
            // In progress: the poller asks by `ai`. Not asked yet: the submission is sealed for the poller.
            check:
              outcome.kind === 'pending'
                ? { ai: outcome.ai, nameKey }
                : { sealed: seal(deps.pepper, JSON.stringify({ name: submission.name, idNumber: parsed.idNumber })), nameKey },
            nowMs,
          };
    try {
      await deps.repo.bind({ ...binding, ...(notification ? { notification } : {}), ...(consent ? { consent } : {}) }, seen);
      break;
    } catch (error) {
      if (error instanceof AccountBoundElsewhere) throw new Problem('identity_already_bound');
      if (!(error instanceof BindingRaced)) throw error;
      if (attempt >= BIND_ATTEMPTS) throw new Problem('write_contention', {}, { 'retry-after': '1' });
    }
  }
  const status = outcome.kind === 'verified' ? 'verified' : 'pending';
  metric(status === 'verified' ? 'IdentityVerified' : 'IdentityPending');
  return {
    status,
    ...ageView(parsed.birthDate, nowMs),
    guardianConsent: consentView(deps.consent, { birthDate: parsed.birthDate, attested: consent, guardian: guardianConsent }, nowMs),
  };
}

/**
 * Asks the national system once, at its pace: over it, or during an outage, the submission is
 * accepted as pending and the poller checks it later, under the rules of the age in the ID number
 * meanwhile (NPPA FAQ on status 1). A "no match" is this account's failed attempt (422).
 */
async function askNationalSystem(deps: IdentityDeps, accountId: string, name: string, idNumber: string, nowMs: number): Promise<CheckOutcome> {
  const ai = newAttemptId();
  let answer;
  try {
    answer = await deps.nppa.check({ ai, name, idNum: idNumber });
  } catch (error) {
    if (error instanceof NppaPaced) {
      // This second's checks are spent (the client's check pace): pending, and the poller checks it.
      metric('NppaCheckPaced');
      return { kind: 'deferred' };
    }
    if (error instanceof NppaUnavailable) {
      metric('NppaCheckDeferred');
      log.warn('national system unavailable: identity accepted as pending', { accountId, errcode: error.errcode });
      return { kind: 'deferred' };
    }
    if (error instanceof NppaConfigurationError) {
      metric('NppaConfigurationError');
      log.error('national system refused our credentials or request', { errcode: error.errcode });
      throw new Problem('upstream_unavailable', {}, { 'retry-after': '60' });
    }
    if (error instanceof NppaRejected && error.errcode === 2001) throw new Problem('invalid_id_number', { reason: 'national_system' });
    if (error instanceof NppaRejected && error.errcode === INVALID_PARAMETER) throw refusedData(error);
    throw error;
  }
  if (answer.status === 'failed') {
    await deps.accounts.recordRejection(accountId, nowMs);
    metric('IdentityRejected');
    throw new Problem('identity_rejected');
  }
  return answer.status === 'verified' ? { kind: 'verified', pi: answer.pi, ai } : { kind: 'pending', ai };
}

/** The errcode of a check whose name or number the national system will not take (its own limits; docs/nppa.md). */
export const INVALID_PARAMETER = 4003;

/** A check the national system refused to take: the submission is not verified (422), and no attempt is recorded against the account. */
export function refusedData(error: NppaRejected): Problem {
  log.warn('national system refused the check data', { errcode: error.errcode });
  return new Problem('identity_rejected');
}

/**
 * A re-submission of a verified identity whose person has no name hash yet (verified before it was
 * kept): one national check of the name; only a verified answer stores it. Any failure leaves it
 * for the next time and never changes the answer to the player.
 */
async function keepNameKeyOnce(deps: IdentityDeps, hash: string, name: string, idNumber: string): Promise<void> {
  try {
    const answer = await deps.nppa.check({ ai: newAttemptId(), name, idNum: idNumber });
    if (answer.status === 'verified') await deps.repo.recordNameKey(hash, nameKeyOf(deps.pepper, name, idNumber));
  } catch (error) {
    log.warn('name check for an identity verified before could not be made', { error: (error as Error).name });
  }
}

export async function readIdentity(deps: Pick<IdentityDeps, 'accounts' | 'consent'>, accountId: string, nowMs: number) {
  const account = await deps.accounts.get(accountId);
  if (!account?.identityStatus) return { status: 'none' as const };
  if (account.identityStatus === 'rejected' || !account.birthDate) return { status: 'rejected' as const };
  return {
    status: account.identityStatus,
    ...ageView(account.birthDate, nowMs),
    guardianConsent: consentView(deps.consent, { birthDate: account.birthDate, attested: account.consent, guardian: account.guardianship?.consent }, nowMs),
  };
}

/**
 * The pending-identity poller (scheduled): asks the national system about every account's check
 * still in progress, sends the checks that waited (an outage, or the national system's rate), and
 * rejects what is still unanswered after 48 h. Each outcome concerns that account only: a verified
 * person stays verified whatever other accounts' checks become. Runs page by page until out of time.
 */
export async function pollPendingIdentities(
  deps: IdentityDeps,
  nowMs: number,
  outOfTime: () => boolean = () => false,
): Promise<{ resolved: number; stillPending: number }> {
  let resolved = 0;
  let stillPending = 0;
  let after: Record<string, unknown> | undefined;
  pages: do {
    const page = await deps.repo.pendingChecks(100, after);
    for (const check of page.checks) {
      if (outOfTime()) break pages;
      try {
        if ((await pollOne(deps, check, nowMs)) === 'pending') stillPending += 1;
        else resolved += 1;
      } catch (error) {
        stillPending += 1;
        if (error instanceof NppaUnavailable) {
          log.warn('national system unavailable: pending identities wait for the next run', { errcode: error.errcode });
          break pages;
        }
        log.error('pending identity poll failed', { error });
      }
    }
    after = page.next;
  } while (after && !outOfTime());
  return { resolved, stillPending };
}

async function pollOne(deps: IdentityDeps, check: PendingCheck, nowMs: number): Promise<'resolved' | 'pending'> {
  if (nowMs - check.submittedAt > PENDING_LIMIT_MS) {
    metric('PendingIdentityExpired');
    await deps.repo.checkFailed(check, nowMs);
    return 'resolved';
  }
  let answer;
  if (check.sealed) {
    const { name, idNumber } = JSON.parse(unseal(deps.pepper, check.sealed)) as { name: string; idNumber: string };
    const ai = newAttemptId();
    answer = await deps.nppa.check({ ai, name, idNum: idNumber });
    if (answer.status === 'pending') await deps.repo.recordAttempt(check.accountId, ai);
  } else if (check.ai) {
    answer = await deps.nppa.query(check.ai);
  } else {
    await deps.repo.checkFailed(check, nowMs);
    return 'resolved';
  }
  if (answer.status === 'verified') {
    await deps.repo.checkVerified(check, answer.pi, nowMs);
    metric('IdentityVerified');
    return 'resolved';
  }
  if (answer.status === 'failed') {
    metric('IdentityRejected');
    await deps.repo.checkFailed(check, nowMs);
    return 'resolved';
  }
  return 'pending';
}
