/**
 * A guardian's view of a confirmed ward's records, across capabilities (docs/guardians.md): its
 * sessions and payments over a range of days, its export over every account of the ward, and the
 * erasure of them all. The link must be confirmed (shared/guardians/service.ts `confirmedWard`).
 */
import { beijingDate, formatBeijing } from '#shared/domain/beijingTime';
import { confirmedWard, type GuardianStore } from '#shared/guardians/service';
import { metric } from '#shared/log';
import type { SessionRecord, SessionRepository } from '#shared/sessions/repository';
import type { Order, SpendingRepository } from '#shared/spending/repository';
import { eraseAccount, exportData, mergeRetained, recordWardRequest, type PrivacyDeps } from '#shared/usecases/privacy';

export interface WardActivityDeps {
  guardians: GuardianStore;
  sessions: Pick<SessionRepository, 'ofAccount'>;
  spending: Pick<SpendingRepository, 'ofAccount'>;
}

const dayOf = (ms: number) => beijingDate(ms);

/** GET /v1/guardian/wards/{wardId}/activity: the ward's sessions and payments per Beijing day range (confirmed links only). */
export async function wardActivity(deps: WardActivityDeps, guardianId: string, wardId: string, range: { from: string; to: string }, nowMs: number) {
  const { ward, accounts } = await confirmedWard(deps.guardians, guardianId, wardId, nowMs);
  const within = (day: string) => day >= range.from && day <= range.to;
  const sessions: SessionRecord[] = [];
  const payments: Order[] = [];
  for (const accountId of accounts) {
    sessions.push(...(await deps.sessions.ofAccount(accountId)).filter((s) => s.identityHash === ward.identityHash && within(dayOf(s.startedAt))));
    payments.push(...(await deps.spending.ofAccount(accountId)).filter((o) => o.identityHash === ward.identityHash && within(o.day)));
  }
  const sessionRows = sessions
    .sort((a, b) => a.startedAt - b.startedAt)
    .map((s) => {
      const end = s.state === 'ended' ? (s.endedAt ?? s.lastHeartbeatAt) : nowMs;
      return {
        gameId: s.gameId,
        startedAt: formatBeijing(s.startedAt),
        endedAt: s.state === 'ended' ? formatBeijing(end) : null,
        playedSeconds: Math.max(0, Math.floor((end - s.startedAt) / 1000)),
        endReason: s.state === 'ended' ? (s.endReason ?? null) : null,
      };
    });
  const paymentRows = payments
    .sort((a, b) => a.reservedAt - b.reservedAt)
    .map((o) => ({
      orderId: o.orderId,
      gameId: o.gameId,
      amount: o.amount,
      status: o.status === 'released' ? ('expired' as const) : o.status,
      at: formatBeijing(o.reservedAt),
    }));
  return {
    sessions: sessionRows,
    payments: paymentRows,
    totals: {
      playedSeconds: sessionRows.reduce((sum, s) => sum + s.playedSeconds, 0),
      spent: payments.filter((o) => o.status === 'committed').reduce((sum, o) => sum + o.amount, 0),
    },
  };
}

const byTime =
  <T>(key: (x: T) => string) =>
  (a: T, b: T) =>
    key(a).localeCompare(key(b));

/**
 * GET /v1/guardian/wards/{wardId}/data: the ward's export (GET /v1/me/data) over every account of
 * the ward: one document, records of all accounts together, each account listed in `accounts`.
 */
export async function exportWardData(privacy: PrivacyDeps, guardianId: string, wardId: string, nowMs: number) {
  const { accounts } = await confirmedWard(privacy.guardians, guardianId, wardId, nowMs);
  const all = [];
  for (const accountId of accounts) all.push(await exportData(privacy, accountId, nowMs));
  const seen = all.flatMap((e) => (e.devices.lastSeenAt ? [e.devices.lastSeenAt] : [])).sort();
  // The guardian's request enters the register (once a Beijing day), under the guardian's account.
  await recordWardRequest(privacy, guardianId, 'export', nowMs);
  metric('GuardianWardExport', 1);
  return {
    account: all.find((e) => e.account)?.account ?? null,
    accounts: all.flatMap((e) => (e.account ? [e.account] : [])),
    identity: all.find((e) => e.identity)?.identity ?? null,
    sessions: all.flatMap((e) => e.sessions).sort(byTime((x) => x.startedAt)),
    payments: all.flatMap((e) => e.payments).sort(byTime((x) => x.reservedAt)),
    devices: { count: all.reduce((n, e) => n + e.devices.count, 0), lastSeenAt: seen[seen.length - 1] ?? null },
    riskDecisions: all.flatMap((e) => e.riskDecisions).sort(byTime((x) => x.at)),
    challenges: all.flatMap((e) => e.challenges).sort(byTime((x) => x.createdAt)),
    guardians: { count: all[0]?.guardians.count ?? 0 },
    wards: [],
    consent: {
      required: all.some((e) => e.consent.required),
      policyVersion: privacy.consent.policyVersion,
      // Each account's attestation, and the guardian's consent once (every account carries its copy).
      records: [...new Map(all.flatMap((e) => e.consent.records).map((r) => [JSON.stringify(r), r])).values()].sort(byTime((x) => x.at)),
    },
    complaints: all.flatMap((e) => e.complaints).sort(byTime((x) => x.receivedAt)),
    retention: all[0]?.retention ?? [],
  };
}

/**
 * DELETE /v1/guardian/wards/{wardId}/data: erases every account of the ward (DELETE /v1/me each);
 * the person, and with it every guardian link, goes with the last one. What the law still needs is
 * kept and listed as for a player's own erasure.
 */
export async function eraseWardData(privacy: PrivacyDeps, guardianId: string, wardId: string, nowMs: number) {
  const { accounts } = await confirmedWard(privacy.guardians, guardianId, wardId, nowMs);
  const erased = new Set<string>();
  const answers = [];
  for (const accountId of accounts) {
    const r = await eraseAccount(privacy, accountId, nowMs, {}, { byGuardian: true });
    r.erased.forEach((k) => erased.add(k));
    answers.push(r);
  }
  await recordWardRequest(privacy, guardianId, 'erasure', nowMs);
  metric('GuardianWardErasure', 1);
  // Each account's own records add up; the person's are as the last erasure left them.
  return { erased: [...erased], retained: mergeRetained(answers) };
}
