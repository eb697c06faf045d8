/**
 * Operators (compliance staff, `scope` `operator`) reading personal information, across
 * capabilities. Every read that returns personal data first writes an access-log entry (operator,
 * time, action, account, reason) and only then reads: no entry, no data (2019 Children's Personal
 * Information Regulations Art. 15; 2024 Regulations on the Online Protection of Minors Art. 36).
 */
import { ageBandOf, ageOn } from '#shared/domain/age';
import { beijingDate, formatBeijing } from '#shared/domain/beijingTime';
import type { AccessLogRepository } from '#shared/oversight/repository';
import { Problem } from '#shared/problem';
import type { PrivacyDeps } from '#shared/usecases/privacy';
import { auditView, instantOrNull, paymentView, sessionView } from '#shared/usecases/records';

export interface OversightDeps extends Pick<PrivacyDeps, 'accounts' | 'sessions' | 'spending' | 'risk'> {
  accessLog: AccessLogRepository;
}

/** GET /v1/admin/accounts/{accountId}?reason=… : logged, then read. */
export async function readAccountForOperator(deps: OversightDeps, operator: string, accountId: string, reason: string, nowMs: number) {
  await deps.accessLog.record({ operator, at: nowMs, action: 'readAccount', accountId, reason });
  const [account, sessions, orders, audit] = await Promise.all([
    deps.accounts.get(accountId),
    deps.sessions.repo.ofAccount(accountId, { limit: 20 }),
    deps.spending.ofAccount(accountId, { limit: 20 }),
    deps.risk.audit(accountId, 50),
  ]);
  if (!account && !sessions.length && !orders.length && !audit.length) throw new Problem('not_found');
  return {
    accountId,
    status: account?.identityStatus ?? ('none' as const),
    ageBand: account?.birthDate ? ageBandOf(ageOn(account.birthDate, beijingDate(nowMs))) : null,
    riskFlags: {
      flaggedAt: instantOrNull(account?.flaggedAt),
      minorRulesUntil: instantOrNull(account?.minorRulesUntil),
      blocked: account?.blocked === true,
      beyondAccountLimit: account?.beyondAccountLimit === true,
      openChallenge: account?.openChallenge !== undefined,
    },
    sessions: sessions.sort((a, b) => b.startedAt - a.startedAt).map(sessionView),
    payments: orders.sort((a, b) => b.reservedAt - a.reservedAt).map(paymentView),
    auditEntries: audit.map(auditView),
  };
}

/**
 * GET /v1/admin/access-log?from=YYYY-MM-DD&to=YYYY-MM-DD (Beijing days, inclusive): the log names
 * accounts and operators, so reading it is logged first like any other read (action
 * `access_log_read`, no single account: `*`, the days read as an ISO 8601 interval in `reason`).
 */
export async function readAccessLog(deps: Pick<OversightDeps, 'accessLog'>, operator: string, { from, to }: { from: string; to: string }, nowMs: number) {
  await deps.accessLog.record({ operator, at: nowMs, action: 'access_log_read', accountId: '*', reason: `${from}/${to}` });
  const entries = await deps.accessLog.between(from, to);
  return {
    entries: entries.map((e) => ({
      operator: e.operator,
      at: formatBeijing(e.at),
      action: e.action,
      accountId: e.accountId,
      reason: e.reason,
      ...(e.subject ? { subject: e.subject } : {}),
    })),
  };
}
