/** GET /v1/limits, across capabilities: the same decisions a login and a reservation would make at this instant. */
import { requireIdentity } from '#shared/accounts/service';
import { beijingDate, formatBeijing } from '#shared/domain/beijingTime';
import { rulesAt } from '#shared/domain/guardianControls';
import { countsPlayTime, decideWithGuardians, forGame, gameOf, ratingView, wardPolicy, type SessionDeps } from '#shared/sessions/service';
import { spendingNow, type SpendingDeps } from '#shared/spending/service';

export async function readLimits(allGames: SessionDeps, spending: SpendingDeps, accountId: string, gameId: string, nowMs: number) {
  const sessions = forGame(allGames, gameId);
  const account = await spending.accounts.get(accountId);
  requireIdentity(account);
  const rules = rulesAt(account.guardianship, nowMs);
  const played = countsPlayTime(wardPolicy(sessions.policy, rules)) ? await sessions.repo.playedOn(account.identityHash, beijingDate(nowMs)) : 0;
  const play = decideWithGuardians(sessions, account, rules, played, nowMs);
  return {
    ageBand: play.ageBand,
    minor: play.minor,
    ...ratingView(gameOf(sessions, gameId), account.birthDate, nowMs),
    playTime: {
      allowedNow: play.allowedNow,
      remainingSeconds: play.remainingSeconds,
      nextWindowStart: play.nextWindow ? formatBeijing(play.nextWindow.startMs) : null,
      nextWindowEnd: play.nextWindow?.endMs != null ? formatBeijing(play.nextWindow.endMs) : null,
    },
    spending: await spendingNow(spending, account, nowMs),
  };
}
