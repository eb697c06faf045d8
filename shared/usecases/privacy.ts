/**
 * Personal-information rights of a player (2019 Children's Personal Information Regulations
 * Arts. 19–20; 2024 Regulations on the Online Protection of Minors Art. 34), across capabilities:
 *
 * - `exportData` (GET /v1/me/data): everything the gateway holds about the account and its person,
 *   never another account's data, never keys or hashes.
 * - `eraseAccount` (DELETE /v1/me): removes what the law no longer needs and lists what it keeps,
 *   until when and why. It must not become a way around the law: the person's spend totals keep
 *   limiting until the Beijing month ends, unreported login/logout events are still reported, and
 *   the risk decisions' audit entries keep their 180 days.
 *
 * Erasure runs in steps, each idempotent, ordered so that the account item (which names everything
 * else: the person, the devices, the live sessions) goes last: a crash between steps leaves a state
 * that the same call, sent again, completes. Sessions and orders are found through the per-account
 * index (`gsi2`), challenges through the account's audit entries.
 */
import type { AccountRecord, AccountRepository } from '#shared/accounts/repository';
import { ageBandOf, ageOn } from '#shared/domain/age';
import { beijingDate, beijingMonth, endOfBeijingDay, endOfBeijingMonth, formatBeijing } from '#shared/domain/beijingTime';
import { afterWardErasure, forgetGuardian, guardianLinksOf, type GuardianStore } from '#shared/guardians/service';
import type { IdentityRepository } from '#shared/identity/repository';
import { log, stat } from '#shared/log';
import type { StatsRepository } from '#shared/stats/repository';
import type { OutboxRepository } from '#shared/reporting/outbox';
import type { RiskRepository } from '#shared/risk/repository';
import { endSession, type SessionDeps } from '#shared/sessions/service';
import type { SpendingRepository } from '#shared/spending/repository';
import { RETENTION, RETENTION_MS } from '#shared/storage/retention';
import { auditView, instantOrNull, paymentView, sessionView } from '#shared/usecases/records';
import { consentFactsOf } from '#shared/accounts/service';
import { consentRequired, type ConsentPolicy } from '#shared/domain/consent';
import { entryView, recordRequest, type ComplaintDeps } from '#shared/complaints/service';

export interface PrivacyDeps {
  accounts: AccountRepository;
  identities: IdentityRepository;
  sessions: Pick<SessionDeps, 'repo' | 'policy' | 'games'>;
  spending: SpendingRepository;
  risk: RiskRepository;
  outbox: OutboxRepository;
  /** Guardian links of the person and of the account as a guardian, and the person's attempt counters (shared/guardians/service.ts). */
  guardians: GuardianStore;
  /** The operators' figures: only the person's week play (keyed by the person) is theirs to erase. */
  stats?: Pick<StatsRepository, 'forgetPerson'>;
  /** The requests register: the account's complaints and requests are exported and erased; exports and erasures enter it. */
  complaints: ComplaintDeps;
  /** Under-14 consent: the export shows the consents recorded (when, how, which version). */
  consent: ConsentPolicy;
}

/** The answers the register records for requests answered as they are made (the player reads them). */
const ANSWERS = {
  export: '已导出该账号及其实名对应的全部个人信息（GET /v1/me/data）。',
  erasure: '已删除该账号的个人信息；法律仍需保留的内容、保留期限与理由见删除结果中的 retained。',
  wardExport: '已向监护人导出被监护人全部账号的个人信息。',
  wardErasure: '已应监护人的请求删除被监护人全部账号的个人信息；法律仍需保留的内容见删除结果中的 retained。',
};

/** The challenges of an account: those its audit entries name, and the open one. */
function challengeIdsOf(account: AccountRecord | null, audit: Array<{ challengeId?: string | undefined }>): string[] {
  const ids = new Set(audit.flatMap((e) => (e.challengeId ? [e.challengeId] : [])));
  if (account?.openChallenge) ids.add(account.openChallenge.challengeId);
  return [...ids];
}

/** The export's retention section: every kind of item, how long it is kept and why. */
export const retentionView = () => Object.values(RETENTION).map((e) => ({ kind: e.item, keptFor: e.keptFor, why: e.why }));

export async function exportData(deps: PrivacyDeps, accountId: string, nowMs: number, gameId?: string) {
  // Counted for the operators' figures by a log line, not a write (docs/design.md: an export only reads).
  if (gameId !== undefined) stat({ stat: 'piExport', gameId, at: nowMs });
  const account = await deps.accounts.get(accountId);
  const [sessions, orders, audit] = await Promise.all([
    deps.sessions.repo.ofAccount(accountId),
    deps.spending.ofAccount(accountId),
    deps.risk.audit(accountId),
  ]);
  const challenges = (await deps.risk.challenges(challengeIdsOf(account, audit))).filter((c) => c.accountId === accountId);
  const seen = Object.values(account?.devices ?? {});
  const links = await guardianLinksOf(deps.guardians, account?.identityStatus !== 'rejected' ? account?.identityHash : undefined, accountId, nowMs);
  let identity = null;
  if (account?.identityStatus) {
    identity = account.birthDate
      ? { status: account.identityStatus, birthDate: account.birthDate, ageBand: ageBandOf(ageOn(account.birthDate, beijingDate(nowMs))) }
      : { status: account.identityStatus, birthDate: null, ageBand: null };
  }
  return {
    account: account
      ? {
          accountId,
          boundAt: instantOrNull(account.boundAt),
          lastLoginAt: instantOrNull(account.lastLoginAt),
          blocked: account.blocked === true,
          flaggedAt: instantOrNull(account.flaggedAt),
          minorRulesUntil: instantOrNull(account.minorRulesUntil),
        }
      : null,
    identity,
    sessions: sessions.sort((a, b) => a.startedAt - b.startedAt).map(sessionView),
    payments: orders.sort((a, b) => a.reservedAt - b.reservedAt).map(paymentView),
    devices: { count: seen.length, lastSeenAt: seen.length ? formatBeijing(Math.max(...seen)) : null },
    riskDecisions: audit.sort((a, b) => a.at - b.at).map(auditView),
    challenges: challenges.map((c) => ({
      challengeId: c.challengeId,
      signal: c.signal,
      context: c.context,
      status: c.status,
      createdAt: formatBeijing(c.createdAt),
      resolvedAt: instantOrNull(c.resolvedAt),
    })),
    guardians: { count: links.guardians },
    wards: links.wards,
    consent: consentOf(deps.consent, account, nowMs),
    complaints: (await deps.complaints.repo.ofAccount(accountId)).sort((a, b) => a.receivedAt - b.receivedAt).map(entryView),
    retention: retentionView(),
  };
}

/** The under-14 consent as the account carries it: whether one is needed today, the version in force, and every consent recorded. */
function consentOf(policy: ConsentPolicy, account: AccountRecord | null, nowMs: number) {
  const facts =
    account?.identityHash && account.birthDate && account.identityStatus !== 'rejected'
      ? consentFactsOf({ ...account, identityHash: account.identityHash, birthDate: account.birthDate })
      : null;
  const records = [facts?.attested, facts?.guardian].flatMap((r) => (r ? [{ at: formatBeijing(r.at), how: r.how, policyVersion: r.policyVersion }] : []));
  return { required: facts ? consentRequired(facts.birthDate, nowMs) : false, policyVersion: policy.policyVersion, records };
}

/** GET /v1/me/data: the export, which enters the requests register answered (once a Beijing day per account). */
export async function exportMyData(deps: PrivacyDeps, accountId: string, nowMs: number, gameId: string) {
  const data = await exportData(deps, accountId, nowMs, gameId);
  await recordRequest(deps.complaints, { accountId, kind: 'export', outcome: 'resolved', answer: ANSWERS.export, gameId }, nowMs);
  return data;
}

/** The register entry of a guardian's export or erasure of its ward: the guardian's own request. */
export async function recordWardRequest(deps: PrivacyDeps, guardianId: string, kind: 'export' | 'erasure', nowMs: number): Promise<void> {
  await recordRequest(
    deps.complaints,
    { accountId: guardianId, kind, outcome: 'resolved', answer: kind === 'export' ? ANSWERS.wardExport : ANSWERS.wardErasure },
    nowMs,
  );
}

/** The steps of an erasure, in order (tests make one of them fail to show that a retry completes). */
export const ERASURE_STEPS = ['liveSessions', 'sessions', 'orders', 'challenges', 'devices', 'guardians', 'person', 'register', 'record', 'account'] as const;
export type ErasureStep = (typeof ERASURE_STEPS)[number];

export interface Retained {
  kind: string;
  /** Epoch ms; null: until the condition in `why` (an unreported event waits for the reporter). */
  until: number | null;
  why: string;
}

const WHY = {
  spend:
    "the monthly spending limit follows the person: a new registration of the same person is limited by this month's spend (2023 NPPA notice; docs/rules.md)",
  spendDay: 'the daily spending limit follows the person until the Beijing day ends',
  play: 'the daily play-time budget follows the person until the Beijing day ends',
  events: 'every login and logout must reach the national system; deleted once reported',
  audit: 'risk decisions on account rental and sharing are kept 180 days to explain them',
  identity: 'the person is still bound to another account',
  guardianship:
    "a guardian's time, permission and spending management (2024 Regulations on the Online Protection of " +
    'Minors Art. 43) stays with the person until it turns 18 or the guardian unlinks: a new binding of ' +
    'the person is held to it at once',
  restriction:
    'a failed or expired face check put the person under minor rules (Ministry of Culture and Tourism ' +
    '2021 opinion, item 8: minors on adult accounts); a new binding of the person is held to them until the period ends',
  lookups: "a guardian's failed look-ups of wards are limited per person and Beijing day; the count stays until the day ends",
  register:
    'the requests register keeps each complaint and request of the account — its kind, category, dates ' +
    'and outcome, not its text — for three years after its answer (2024 Regulations on the Online ' +
    'Protection of Minors Arts. 7 and 34: complaints and requests are answered, and the register shows ' +
    'when); this erasure is one of them',
};

/**
 * Kinds that describe one account's own records (they add up over a ward's accounts); every other
 * kind describes the person as it stands after the last erasure.
 */
const PER_ACCOUNT_KINDS = new Set(['nppa_events', 'risk_decisions', 'requests_register']);

/**
 * The answer to erasing several accounts of one person in turn (a guardian's erasure of a ward):
 * what each account kept of its own, and what the person keeps after the last one.
 */
export function mergeRetained(answers: ReadonlyArray<{ retained: ReturnType<typeof view>[] }>): ReturnType<typeof view>[] {
  const last = answers[answers.length - 1]?.retained ?? [];
  const merged = new Map(last.map((k) => [k.kind, k]));
  for (const a of answers) {
    for (const k of a.retained) {
      if (!PER_ACCOUNT_KINDS.has(k.kind)) continue;
      const held = merged.get(k.kind);
      // The longest keeping wins; "until reported" (null) outlasts any date.
      if (!held || (held.until !== null && (k.until === null || k.until > held.until))) merged.set(k.kind, k);
    }
  }
  return [...merged.values()];
}

/** End of the Beijing month containing `nowMs` (epoch ms). */
const endOfMonth = (nowMs: number): number => endOfBeijingMonth(beijingMonth(nowMs));
const endOfDay = (nowMs: number): number => endOfBeijingDay(beijingDate(nowMs));

/**
 * DELETE /v1/me. `hooks.after` runs after each step (tests throw from it to simulate a crash).
 * `options.byGuardian`: the erasure is a guardian's of its ward (the guardian's request enters the
 * register, shared/usecases/wardRecords.ts), else the player's own, which enters it here.
 * Returns the kinds erased by this call and what is kept, until when and why.
 */
export async function eraseAccount(
  deps: PrivacyDeps,
  accountId: string,
  nowMs: number,
  hooks: { after?: (step: ErasureStep) => void | Promise<void> } = {},
  options: { byGuardian?: boolean } = {},
) {
  const erased = new Set<string>();
  const retained: Retained[] = [];
  const step = async (name: ErasureStep) => hooks.after?.(name);
  const account = await deps.accounts.get(accountId);
  // A previous call that crashed halfway may have removed the only trace of what it kept (the
  // sessions that named the queued events): it wrote that down first, and this call carries it on.
  const prior = await deps.accounts.erasureRecord(accountId);
  // (A record older than the account's binding belongs to an earlier, finished erasure.)
  const carried = account && prior && (!prior.complete || prior.erasedAt >= (account.boundAt ?? 0)) ? prior.retained : [];
  const record = (complete: boolean) => {
    const kinds = new Set(retained.map((r) => r.kind));
    const all = [...retained.map((r) => ({ ...r, until: r.until ?? nowMs })), ...carried.filter((r) => !kinds.has(r.kind))];
    return deps.accounts.recordErasure(accountId, { erasedAt: nowMs, complete, retained: all });
  };

  // 1. A live session ends, with its logout event (reported like any other).
  for (const lease of Object.values(account?.leases ?? {})) {
    await endSession(deps.sessions, accountId, lease.sessionId, nowMs);
  }
  const sessions = await deps.sessions.repo.ofAccount(accountId);
  for (const s of sessions.filter((x) => x.state === 'live')) await endSession(deps.sessions, accountId, s.sessionId, nowMs);
  await step('liveSessions');

  // 2. Sessions and their NPPA events: unreported events stay queued (with the PI they need) until
  // reported, then go; reported ones go now, and so do the sessions.
  let waiting = 0;
  for (const s of sessions) {
    for (const e of await deps.outbox.ofSession(s.sessionId)) {
      const outcome = await deps.outbox.eraseEvent(s.sessionId, e.bt, account?.identityStatus === 'verified' ? account.pi : undefined);
      if (outcome === 'queued') waiting += 1;
      else erased.add('nppa_events');
    }
    await deps.sessions.repo.deleteEnded(s.sessionId);
    erased.add('sessions');
  }
  if (waiting) retained.push({ kind: 'nppa_events', until: null, why: WHY.events });
  if (account && sessions.length) await record(false);
  await step('sessions');

  // 3. Orders (the person's ledger, not the orders, carries the amounts the limits count).
  for (const o of await deps.spending.ofAccount(accountId)) {
    await deps.spending.deleteOrder(o.orderId);
    erased.add('payments');
  }
  await step('orders');

  // 4. Challenges; the audit entries that name them keep their 180 days.
  const audit = await deps.risk.audit(accountId);
  for (const id of challengeIdsOf(account, audit)) {
    if (await deps.risk.deleteChallenge(id)) erased.add('challenges');
  }
  if (audit.length) retained.push({ kind: 'risk_decisions', until: Math.max(...audit.map((e) => e.at)) + RETENTION_MS.auditEntry, why: WHY.audit });
  await step('challenges');

  // 5. The account leaves every device's sightings.
  for (const deviceHash of Object.keys(account?.devices ?? {})) {
    await deps.risk.forgetSighting(deviceHash, accountId);
    erased.add('device_sightings');
  }
  await step('devices');

  // 6. As a guardian: every link this account holds ends (its controls stop applying).
  if ((await forgetGuardian(deps.guardians, accountId)) > 0) erased.add('guardian_links');
  await step('guardians');

  // 7. The person: unbound; gone with its last account. What protects a minor stays with it (its
  // guardianship, a risk restriction), as does what limits it today (the ledger of this month, the
  // day's play, the day's failed look-ups): erasure is no way around the rules.
  if (await deps.identities.deletePendingCheck(accountId)) erased.add('identity');
  if (account?.identityHash) {
    const person = account.identityHash;
    const { removed } = await deps.identities.unbind(person, accountId);
    erased.add('identity');
    if (!removed) retained.push({ kind: 'identity', until: null, why: WHY.identity });
    const guardianship = await afterWardErasure(deps.guardians, { identityHash: person, accountId, birthDate: account.birthDate ?? '' }, removed, nowMs);
    if (guardianship) retained.push({ kind: 'guardianship', until: guardianship.until, why: WHY.guardianship });
    const restriction = await deps.risk.restriction(person);
    if (restriction && restriction.until > nowMs) retained.push({ kind: 'risk_restriction', until: restriction.until, why: WHY.restriction });
    else if (restriction && removed) await deps.risk.deleteRestriction(person);
    if (removed) {
      const today = beijingDate(nowMs);
      const month = beijingMonth(nowMs);
      for (const c of await deps.spending.ledger(person)) {
        const current = c.kind === 'day' ? c.period === today : c.period === month;
        if (!current) {
          await deps.spending.deleteCounter(person, c.kind, c.period);
          erased.add('spend_totals');
          continue;
        }
        const until = c.kind === 'day' ? endOfDay(nowMs) : endOfMonth(nowMs);
        await deps.spending.keepCounterUntil(person, c.kind, c.period, until);
        retained.push({ kind: c.kind === 'day' ? 'spend_total_day' : 'spend_total_month', until, why: c.kind === 'day' ? WHY.spendDay : WHY.spend });
      }
      for (const day of await deps.sessions.repo.playDays(person)) {
        if (day === today) {
          await deps.sessions.repo.keepPlayDayUntil(person, day, endOfDay(nowMs));
          retained.push({ kind: 'day_play', until: endOfDay(nowMs), why: WHY.play });
          continue;
        }
        await deps.sessions.repo.deletePlayDay(person, day);
        erased.add('day_play');
      }
      for (const a of await deps.guardians.repo.attemptDays(person)) {
        if (a.kind === 'lookups' && a.day === today) {
          await deps.guardians.repo.keepAttemptsUntil(person, a.kind, a.day, endOfDay(nowMs));
          retained.push({ kind: 'lookup_attempts', until: endOfDay(nowMs), why: WHY.lookups });
          continue;
        }
        // A ward's wrong codes go with the person: no account is left to confirm anything.
        await deps.guardians.repo.deleteAttempts(person, a.kind, a.day);
        erased.add('attempt_counters');
      }
      // The person's running week totals behind the week distribution (the counts stay: no person in them).
      if (deps.stats && (await deps.stats.forgetPerson(person, nowMs))) erased.add('week_play');
    }
  }
  await step('person');

  // 8. The account's complaints and requests lose their texts and keep their register entries (kind,
  // category, dates, outcome) for their three years; an open one is withdrawn. The player's own
  // erasure enters the register too (once a Beijing day: a retry finds it there).
  const register = await deps.complaints.repo.eraseAccount(accountId, nowMs);
  if (register.kept) erased.add('complaint_texts');
  let registerUntil = register.until;
  if ((account || register.kept) && !options.byGuardian) {
    await recordRequest(deps.complaints, { accountId, kind: 'erasure', outcome: 'resolved', answer: ANSWERS.erasure, listed: false }, nowMs);
    registerUntil = Math.max(registerUntil ?? 0, nowMs + RETENTION_MS.registerEntry);
  }
  if (registerUntil !== null) retained.push({ kind: 'requests_register', until: registerUntil, why: WHY.register });
  await step('register');

  // 9. The record of what was kept (no hashes), then 10. the account item itself.
  if (account) {
    await record(true);
    await step('record');
    await deps.accounts.delete(accountId);
    erased.add('account');
    await step('account');
    log.info('account erased', { accountId, kinds: [...erased] });
    const kinds = new Set(retained.map((r) => r.kind));
    return { erased: [...erased], retained: [...retained, ...carried.filter((r) => !kinds.has(r.kind)).map(unrecorded)].map(view) };
  }
  // Already erased: what the erasure kept is reported again (nothing is written).
  return { erased: [...erased], retained: (prior ? prior.retained.map(unrecorded) : retained).map(view) };
}

/** An event's `until` is stored as the erasure time; it means "until reported". */
const unrecorded = (r: { kind: string; until: number; why: string }): Retained => ({ ...r, until: r.kind === 'nppa_events' ? null : r.until });
const view = (r: Retained) => ({ kind: r.kind, until: r.until === null ? null : formatBeijing(r.until), why: r.why });
