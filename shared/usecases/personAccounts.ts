/**
 * The person sees and controls who uses its identity (docs/guardians.md "Trust model"; the answer to
 * renting out an ID number, 2024 Regulations on the Online Protection of Minors Art. 46):
 *
 * - `GET /v1/me/accounts`: every account bound to the caller's person, when each was bound, its last
 *   login and games — what Tencent's 身份证关联账号查询 shows.
 * - `DELETE /v1/me/accounts/{accountId}`: an account bound after the caller is unbound (its identity
 *   becomes `none`, a live session of it ends and is reported, an audit entry is kept). An account
 *   bound before the caller cannot be unbound by it: the earliest account of a person is its owner's.
 */
import type { AccountRepository, AccountRecord } from '#shared/accounts/repository';
import { formatBeijing } from '#shared/domain/beijingTime';
import type { IdentityRepository } from '#shared/identity/repository';
import { log, metric } from '#shared/log';
import { Problem } from '#shared/problem';
import type { RiskRepository } from '#shared/risk/repository';
import { endSession, type SessionDeps } from '#shared/sessions/service';
import { instantOrNull } from '#shared/usecases/records';

export interface PersonAccountsDeps {
  accounts: Pick<AccountRepository, 'get' | 'getMany'>;
  identities: Pick<IdentityRepository, 'get' | 'unbindLater'>;
  risk: Pick<RiskRepository, 'unboundAuditPart'>;
  sessions: Pick<SessionDeps, 'repo' | 'policy' | 'games'>;
}

/** The caller's account, verified and bound: only a verified account speaks for its person. */
async function verifiedCaller(deps: PersonAccountsDeps, accountId: string): Promise<AccountRecord & { identityHash: string }> {
  const account = await deps.accounts.get(accountId);
  if (!account?.identityHash || account.identityStatus !== 'verified') throw new Problem('identity_required');
  return { ...account, identityHash: account.identityHash };
}

/** GET /v1/me/accounts — oldest binding first. */
export async function listPersonAccounts(deps: PersonAccountsDeps, accountId: string) {
  const caller = await verifiedCaller(deps, accountId);
  const person = await deps.identities.get(caller.identityHash);
  const accounts = (await deps.accounts.getMany(person?.accounts ?? [accountId])).filter((a) => a.identityHash === caller.identityHash);
  return {
    accounts: accounts
      .sort((a, b) => (a.boundAt ?? 0) - (b.boundAt ?? 0) || a.accountId.localeCompare(b.accountId))
      .map((a) => ({
        accountId: a.accountId,
        boundAt: instantOrNull(a.boundAt),
        lastLoginAt: instantOrNull(a.lastLoginAt),
        gameIds: [...(a.gameIds ?? [])].sort(),
        self: a.accountId === accountId,
      })),
  };
}

/** DELETE /v1/me/accounts/{accountId} */
export async function unbindLaterAccount(deps: PersonAccountsDeps, callerId: string, targetId: string, nowMs: number): Promise<void> {
  const caller = await verifiedCaller(deps, callerId);
  const target = targetId === callerId ? caller : await deps.accounts.get(targetId);
  if (!target || target.identityHash !== caller.identityHash) throw new Problem('not_found');
  // Bound at the same instant or before: not the caller's to unbind (the caller itself included).
  if ((target.boundAt ?? 0) <= (caller.boundAt ?? 0)) throw new Problem('forbidden');
  // Its live sessions end first, reported like any logout.
  for (const lease of Object.values(target.leases)) await endSession(deps.sessions, targetId, lease.sessionId, nowMs, 'identity_unbound');
  if (!(await deps.identities.unbindLater(caller.identityHash, targetId, deps.risk.unboundAuditPart(targetId, nowMs), nowMs))) throw new Problem('not_found');
  metric('AccountUnboundByPerson', 1);
  log.info('a later account was unbound by its person', { accountId: targetId, at: formatBeijing(nowMs) });
}
