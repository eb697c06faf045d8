/** GET /v1/limits: the same decisions a login and a reservation would make at this instant. */
import { formatBeijing } from '#shared/domain/beijingTime';
import { decideForAccount, requireIdentity, type SessionDeps } from '#shared/sessions/service';
import { spendingNow, type SpendingDeps } from '#shared/spending/service';

export async function readLimits(sessions: SessionDeps, spending: SpendingDeps, accountId: string, nowMs: number) {
  const account = await spending.accounts.getAccount(accountId);
  requireIdentity(account);
  const play = decideForAccount(sessions, account, 0, nowMs);
  return {
    ageBand: play.ageBand,
    minor: play.minor,
    playTime: {
      allowedNow: play.allowedNow,
      remainingSeconds: play.remainingSeconds,
      nextWindowStart: play.nextWindow ? formatBeijing(play.nextWindow.startMs) : null,
      nextWindowEnd: play.nextWindow?.endMs != null ? formatBeijing(play.nextWindow.endMs) : null,
    },
    spending: await spendingNow(spending, account, nowMs),
  };
}
