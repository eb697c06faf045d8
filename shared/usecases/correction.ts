/**
 * Correcting a wrongly bound identity (2019 Children's Personal Information Regulations Art. 19:
 * correction; docs/api.md "Identity correction"). A player whose account was bound to the wrong
 * person (a parent's ID number, say) submits the right one. It is checked with the national system
 * again, never taken on trust. A stricter identity (the same birth date or later: younger) applies at
 * once: the account's live sessions end and the next login is under the new age. A looser one would
 * lift limits, so it waits for an operator, whose decision and reason go to the access log first.
 * Every request enters the requests register (2024 Regulations Art. 34): answered at once, or open
 * until the operator decides, when the decision's reason is the answer the player reads.
 */
import { ageBandOf, ageOn } from '#shared/domain/age';
import { beijingDate, formatBeijing } from '#shared/domain/beijingTime';
import { parseIdNumber } from '#shared/domain/idNumber';
import type { AccountRecord } from '#shared/accounts/repository';
import { identityHash, nameKeyOf } from '#shared/storage/keyedHashes';
import { AccountBoundElsewhere, BindingRaced } from '#shared/identity/repository';
import { INVALID_PARAMETER, refusedData, type IdentityDeps } from '#shared/identity/service';
import { log, metric } from '#shared/log';
import { newAttemptId, NppaConfigurationError, NppaRejected, NppaUnavailable } from '#shared/nppa/client';
import type { AccessLogRepository } from '#shared/oversight/repository';
import { Problem } from '#shared/problem';
import { endSession, type SessionDeps } from '#shared/sessions/service';
import { openRequest, recordRequest, type ComplaintDeps } from '#shared/complaints/service';

export interface CorrectionDeps {
  identity: Pick<IdentityDeps, 'repo' | 'accounts'> & Partial<Pick<IdentityDeps, 'nppa' | 'pepper'>>;
  sessions: Pick<SessionDeps, 'repo' | 'policy' | 'games'>;
  accessLog?: AccessLogRepository;
  complaints: ComplaintDeps;
}

/** What the register answers the player (Chinese, no personal data). */
const ANSWERS = {
  unchanged: '提交的实名信息与当前绑定的一致，无需更正。',
  corrected: '已按国家实名认证系统核验通过的新实名信息更正，立即生效。',
  superseded: '已由您之后提交的更正申请取代。',
  applied: (reason: string) => `经人工审核，已按新的实名信息更正。说明：${reason}`,
  refused: (reason: string) => `经人工审核，未予更正。理由：${reason}`,
};

const bandOf = (birthDate: string, nowMs: number) => ageBandOf(ageOn(birthDate, beijingDate(nowMs)));

/**
 * Rebinds the account to the verified new person: its live sessions end first (their logouts are
 * reported). The new person's guardianship and risk restriction come with the binding.
 */
async function apply(
  deps: CorrectionDeps,
  account: AccountRecord & { identityHash: string },
  next: { identityHash: string; birthDate: string; pi: string; nameKey: string },
  nowMs: number,
): Promise<void> {
  for (const lease of Object.values(account.leases)) await endSession(deps.sessions, account.accountId, lease.sessionId, nowMs, 'identity_corrected');
  for (let attempt = 1; ; attempt += 1) {
    const seen = await deps.identity.repo.bindingFacts(account.accountId, next.identityHash);
    try {
      await deps.identity.repo.rebind(
        account.identityHash,
        {
          accountId: account.accountId,
          identityHash: next.identityHash,
          birthDate: next.birthDate,
          status: 'verified',
          pi: next.pi,
          nameKey: next.nameKey,
          nowMs,
        },
        seen,
      );
      break;
    } catch (error) {
      if (error instanceof AccountBoundElsewhere) throw new Problem('write_contention', {}, { 'retry-after': '1' });
      if (!(error instanceof BindingRaced) || attempt >= 3)
        throw error instanceof BindingRaced ? new Problem('write_contention', {}, { 'retry-after': '1' }) : error;
    }
  }
  metric('IdentityCorrected', 1);
}

/** POST /v1/identity/correction — player: `unchanged`, `corrected` at once, or `awaiting_operator` (a looser identity). */
export async function requestCorrection(deps: CorrectionDeps, accountId: string, submission: { name: string; idNumber: string }, nowMs: number) {
  const { nppa, pepper } = deps.identity;
  if (!nppa || pepper === undefined) throw new Error('correction needs the national system and the pepper');
  const account = await deps.identity.accounts.get(accountId);
  if (!account?.identityHash || !account.birthDate || account.identityStatus !== 'verified') throw new Problem('identity_required');
  const parsed = parseIdNumber(submission.idNumber, beijingDate(nowMs));
  if (!parsed.ok) throw new Problem('invalid_id_number', { reason: parsed.reason });
  const hash = identityHash(pepper, parsed.idNumber);
  if (hash === account.identityHash) {
    await recordRequest(deps.complaints, { accountId, kind: 'correction', outcome: 'resolved', answer: ANSWERS.unchanged }, nowMs);
    return { status: 'unchanged' as const, ageBand: bandOf(account.birthDate, nowMs) };
  }

  let answer;
  try {
    answer = await nppa.check({ ai: newAttemptId(), name: submission.name, idNum: parsed.idNumber });
  } catch (error) {
    if (error instanceof NppaRejected && error.errcode === 2001) throw new Problem('invalid_id_number', { reason: 'national_system' });
    if (error instanceof NppaRejected && error.errcode === INVALID_PARAMETER) throw refusedData(error);
    if (error instanceof NppaUnavailable || error instanceof NppaConfigurationError) {
      log.warn('identity correction: national system unavailable', { errcode: error.errcode });
      throw new Problem('upstream_unavailable', {}, { 'retry-after': '60' });
    }
    throw error;
  }
  // Only a verified answer corrects anything; "in progress" is asked again by the player later.
  if (answer.status === 'failed') throw new Problem('identity_rejected');
  if (answer.status !== 'verified') throw new Problem('upstream_unavailable', {}, { 'retry-after': '60' });

  const next = { identityHash: hash, birthDate: parsed.birthDate, pi: answer.pi, nameKey: nameKeyOf(pepper, submission.name, parsed.idNumber) };
  // Stricter (younger, or the same day): at once. Looser: an operator decides.
  if (parsed.birthDate >= account.birthDate) {
    await apply(deps, { ...account, identityHash: account.identityHash }, next, nowMs);
    await recordRequest(deps.complaints, { accountId, kind: 'correction', outcome: 'resolved', answer: ANSWERS.corrected }, nowMs);
    return { status: 'corrected' as const, ageBand: bandOf(parsed.birthDate, nowMs) };
  }
  // Open in the register until an operator decides (due like a complaint); a newer request replaces
  // the one waiting, which is closed as withdrawn.
  const requestId = await openRequest(deps.complaints, { accountId, kind: 'correction' }, nowMs);
  if (!(await deps.identity.accounts.requestCorrection(accountId, account.identityHash, { ...next, requestedAt: nowMs, requestId }))) {
    await deps.complaints.repo.answer(requestId, ['correction'], { outcome: 'withdrawn', answer: ANSWERS.superseded, at: nowMs, by: 'gateway' });
    throw new Problem('write_contention', {}, { 'retry-after': '1' });
  }
  if (account.correction?.requestId)
    await deps.complaints.repo.answer(account.correction.requestId, ['correction'], {
      outcome: 'withdrawn',
      answer: ANSWERS.superseded,
      at: nowMs,
      by: 'gateway',
    });
  metric('IdentityCorrectionWaiting', 1);
  return { status: 'awaiting_operator' as const, ageBand: bandOf(account.birthDate, nowMs) };
}

/** GET /v1/admin/corrections?reason=… — operator: looser corrections waiting (logged first). */
export async function listCorrections(deps: CorrectionDeps & { accessLog: AccessLogRepository }, operator: string, reason: string, nowMs: number) {
  await deps.accessLog.record({ operator, at: nowMs, action: 'listCorrections', accountId: '*', reason });
  const waiting = await deps.identity.accounts.pendingCorrections();
  return {
    corrections: waiting.map((a) => ({
      accountId: a.accountId,
      requestedAt: formatBeijing(a.correction!.requestedAt),
      currentAgeBand: a.birthDate ? bandOf(a.birthDate, nowMs) : null,
      requestedAgeBand: bandOf(a.correction!.birthDate, nowMs),
    })),
  };
}

/** POST /v1/admin/accounts/{accountId}/identity-correction — operator: apply or refuse a waiting correction (logged first). */
export async function decideCorrection(
  deps: CorrectionDeps & { accessLog: AccessLogRepository },
  operator: string,
  accountId: string,
  decision: { approve: boolean; reason: string },
  nowMs: number,
) {
  await deps.accessLog.record({ operator, at: nowMs, action: decision.approve ? 'applyCorrection' : 'refuseCorrection', accountId, reason: decision.reason });
  const account = await deps.identity.accounts.get(accountId);
  if (!account?.identityHash || !account.correction) throw new Problem('not_found');
  const requestId = account.correction.requestId;
  // The decision answers the request in the register: a refusal's reasons reach the player (2024 Regulations Art. 34 item (3)).
  const answer = (outcome: 'resolved' | 'refused', text: string) =>
    requestId ? deps.complaints.repo.answer(requestId, ['correction'], { outcome, answer: text, at: nowMs, by: operator }) : undefined;
  if (!decision.approve) {
    await deps.identity.accounts.clearCorrection(accountId);
    await answer('refused', ANSWERS.refused(decision.reason));
    return { accountId, status: 'rejected' as const, ageBand: account.birthDate ? bandOf(account.birthDate, nowMs) : null };
  }
  await apply(deps, { ...account, identityHash: account.identityHash }, account.correction, nowMs);
  await answer('resolved', ANSWERS.applied(decision.reason));
  return { accountId, status: 'corrected' as const, ageBand: bandOf(account.correction.birthDate, nowMs) };
}
