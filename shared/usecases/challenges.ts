/**
 * A challenge's verdict, across capabilities: the publisher's game server posts it (or its time runs
 * out). Passed → that signal stays quiet for this account for a while; failed or unanswered → the
 * account follows minor rules for a while and its live session ends now, so its next heartbeat
 * answers terminate / `challenge_failed` (docs/rules.md "Account rental and sharing").
 */
import type { AccountRepository } from '#shared/accounts/repository';
import { afterChallenge, type RiskSignal } from '#shared/domain/riskRules';
import { metric } from '#shared/log';
import { Problem } from '#shared/problem';
import type { RiskDeps } from '#shared/risk/service';
import type { SessionRepository } from '#shared/sessions/repository';

export interface ChallengeDeps extends RiskDeps {
  sessions: Pick<SessionRepository, 'get' | 'end'>;
  accounts: Pick<AccountRepository, 'get'>;
}

async function applyFailure(
  deps: ChallengeDeps,
  accountId: string,
  challenge: { challengeId: string; signal: RiskSignal },
  nowMs: number,
  how: 'challenge_failed' | 'challenge_expired',
): Promise<void> {
  const outcome = afterChallenge(deps.policy, challenge.signal, how === 'challenge_failed' ? 'failed' : 'expired', nowMs);
  const minorRulesUntil = 'minorRulesUntilMs' in outcome ? outcome.minorRulesUntilMs : nowMs;
  const account = await deps.accounts.get(accountId);
  // The minor rules also hold for the account's person: an erasure and a new binding, or another
  // account of the same identity, cannot shed them while they last (docs/data.md "What survives an erasure").
  const person = account?.identityHash && account.identityStatus !== 'rejected' ? account.identityHash : undefined;
  await deps.repo.applyVerdict({ accountId, ...challenge }, { passed: false, minorRulesUntil }, nowMs, how, person);
  metric('RiskChallengeFailed', 1, { signal: challenge.signal });
  // The account's live sessions (one per game) end now; its next heartbeat answers terminate / challenge_failed.
  for (const lease of Object.values(account?.leases ?? {})) {
    const session = await deps.sessions.get(lease.sessionId);
    if (session?.state === 'live') await deps.sessions.end(session, 'challenge_failed', nowMs);
  }
}

/** POST /v1/challenges/{id}/result (server credential). Idempotent for the same verdict. */
export async function resolveChallenge(deps: ChallengeDeps, challengeId: string, verdict: { passed: boolean; method: string }, nowMs: number) {
  const result = await deps.repo.resolve(challengeId, verdict.passed, verdict.method, nowMs);
  const c = result.challenge;
  if (!c) throw new Problem('challenge_not_found');
  if (!result.changed) {
    if (c.status === 'open') {
      // Answered after its time ran out: it counts as failed, as an unanswered one does.
      if (await deps.repo.expire(challengeId, nowMs)) await applyFailure(deps, c.accountId, c, nowMs, 'challenge_expired');
      return { challengeId, status: 'failed' as const };
    }
    return { challengeId, status: c.status as 'passed' | 'failed' };
  }
  if (verdict.passed) {
    const outcome = afterChallenge(deps.policy, c.signal, 'passed', nowMs);
    const suppressUntil = 'suppress' in outcome ? outcome.suppress.untilMs : nowMs;
    await deps.repo.applyVerdict(c, { passed: true, suppressUntil }, nowMs, 'challenge_passed');
    metric('RiskChallengePassed', 1, { signal: c.signal, ...(c.gameId ? { gameId: c.gameId } : {}) });
    return { challengeId, status: 'passed' as const };
  }
  await applyFailure(deps, c.accountId, c, nowMs, 'challenge_failed');
  return { challengeId, status: 'failed' as const };
}

/** Sweeper: challenges not answered within their time count as failed. */
export async function expireChallenges(deps: ChallengeDeps, nowMs: number, outOfTime: () => boolean = () => false): Promise<{ expired: number }> {
  let expired = 0;
  for (const c of await deps.repo.expiredChallenges(nowMs)) {
    if (outOfTime()) break;
    if (await deps.repo.expire(c.challengeId, nowMs)) {
      await applyFailure(deps, c.accountId, c, nowMs, 'challenge_expired');
      expired += 1;
    }
  }
  return { expired };
}
