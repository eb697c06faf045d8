/**
 * Guardians (docs/guardians.md; 2024 Regulations on the Online Protection of Minors Arts. 41 and
 * 43): linking a verified minor, the ward's confirmation, controls, payment approvals, activity.
 *
 * Every change of a ward's guardianship is written as one item (shared/guardians/repository.ts)
 * and then copied, with its `rev`, to where the hot paths already read: each of the ward's accounts
 * (login, limits, payments) and each live session (the heartbeat). A copy never replaces a newer
 * one, and a login that decided under an older copy fails instead of starting (shared/sessions/
 * repository.ts), so a change reaches every request that starts after it returns.
 */
import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { AccountRepository, AccountRecord, GuardianshipCopy } from '#shared/accounts/repository';
import { ageBandOf, ageOn } from '#shared/domain/age';
import { addDays, beijingDate, beijingMidnight, formatBeijing } from '#shared/domain/beijingTime';
import { applyPatch, combineControls, NO_CONTROLS, type ControlsPatch } from '#shared/domain/guardianControls';
import { parseIdNumber } from '#shared/domain/idNumber';
import { GuardianshipChanged, type Approval, type GuardianLink, type GuardianRepository, type Guardianship, type WardRef } from '#shared/guardians/repository';
import { confirmCodeHash, identityHash, nameKeyOf, wardIdOf } from '#shared/identity/keys';
import type { IdentityRepository } from '#shared/identity/repository';
import { eraseAccount, exportData, type GuardianPrivacy, type PrivacyDeps } from '#shared/usecases/privacy';
import { metric } from '#shared/log';
import { Problem } from '#shared/problem';
import type { SessionRecord, SessionRepository } from '#shared/sessions/repository';
import type { Order, SpendingRepository } from '#shared/spending/repository';

export interface GuardianDeps {
  guardians: GuardianRepository;
  accounts: Pick<AccountRepository, 'get' | 'copyGuardianship'>;
  identities: Pick<IdentityRepository, 'get' | 'markGuarded'>;
  sessions: Pick<SessionRepository, 'applyGuardianRules' | 'ofAccount'>;
  spending: Pick<SpendingRepository, 'ofAccount'>;
  pepper: string;
}

/** What needs no secret: everything but finding a ward by ID number and making ward ids and codes. */
export type GuardianStore = Omit<GuardianDeps, 'pepper'>;

/** A confirmation code is valid this long (docs/api.md). */
export const CONFIRM_CODE_TTL_MS = 24 * 3600_000;
/** The longest activity range, in Beijing days (both ends included). */
export const MAX_ACTIVITY_DAYS = 92;
const SAVE_ATTEMPTS = 4;

/** Only a verified adult can be a guardian (docs/api.md, 403 guardian_not_eligible). */
async function requireGuardian(deps: Pick<GuardianDeps, 'accounts'>, guardianId: string, nowMs: number): Promise<AccountRecord> {
  const account = await deps.accounts.get(guardianId);
  if (!account || account.identityStatus !== 'verified' || !account.birthDate || ageOn(account.birthDate, beijingDate(nowMs)) < 18) throw new Problem('guardian_not_eligible');
  return account;
}

const sameHash = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Reads, changes and saves the ward's guardianship, again when another change came first; then copies it. */
async function change(deps: GuardianStore, identityHash: string, edit: (g: Guardianship) => { links: Record<string, GuardianLink>; ward?: Parameters<GuardianRepository['save']>[2] } | null): Promise<Guardianship> {
  for (let attempt = 1; ; attempt += 1) {
    const seen = await deps.guardians.guardianship(identityHash);
    const next = edit(seen);
    if (!next) return seen;
    try {
      const saved = await deps.guardians.save(seen, next.links, next.ward);
      await copyGuardianship(deps, saved);
      return saved;
    } catch (error) {
      if (!(error instanceof GuardianshipChanged) || attempt >= SAVE_ATTEMPTS) {
        if (error instanceof GuardianshipChanged) throw new Problem('write_contention', {}, { 'retry-after': '1' });
        throw error;
      }
    }
  }
}

/** The copy the ward's accounts and sessions carry: the combined rules and who the guardians are. */
export function copyOf(g: Guardianship): GuardianshipCopy {
  const links = Object.entries(g.links);
  return {
    rev: g.rev,
    rules: combineControls(links.map(([, l]) => l.controls)),
    guardians: links.map(([guardianId, l]) => ({ guardianId, wardId: l.wardId, confirmed: l.status === 'confirmed', approves: l.controls.paymentApproval })),
  };
}

/** Copies the guardianship to every account of the ward and to each of their live sessions. */
export async function copyGuardianship(deps: GuardianStore, g: Guardianship): Promise<void> {
  await deps.identities.markGuarded(g.identityHash, g.rev);
  const identity = await deps.identities.get(g.identityHash);
  const copy = copyOf(g);
  const session: NonNullable<SessionRecord['guardian']> = { rev: copy.rev, rules: copy.rules, watched: copy.guardians.some((x) => x.confirmed) };
  for (const accountId of identity?.accounts ?? []) {
    const leases = await deps.accounts.copyGuardianship(accountId, g.identityHash, copy);
    for (const lease of Object.values(leases ?? {})) await deps.sessions.applyGuardianRules(lease.sessionId, session);
  }
}

/** An account was just bound to a ward's person: it gets the current copy (the others keep theirs). */
export async function copyToNewAccount(deps: GuardianStore, identityHash: string): Promise<void> {
  await copyGuardianship(deps, await deps.guardians.guardianship(identityHash));
}

const codeDigits = (): string => String(randomInt(0, 100_000_000)).padStart(8, '0');

/** POST /v1/guardian/wards: ask to link the verified minor with this name and ID number. */
export async function linkWard(deps: GuardianDeps, guardianId: string, request: { name: string; idNumber: string }, nowMs: number) {
  await requireGuardian(deps, guardianId, nowMs);
  const today = beijingDate(nowMs);
  const parsed = parseIdNumber(request.idNumber, today);
  if (!parsed.ok) throw new Problem('invalid_id_number', { reason: parsed.reason });
  if (!(await deps.guardians.takeLinkAttempt(guardianId, today, nowMs))) {
    const nextDay = beijingMidnight(addDays(today, 1));
    throw new Problem('rate_limited', {}, { 'retry-after': String(Math.max(1, Math.ceil((nextDay - nowMs) / 1000))) });
  }
  const hash = identityHash(deps.pepper, parsed.idNumber);
  const identity = await deps.identities.get(hash);
  const found =
    identity !== null &&
    identity.status === 'verified' &&
    identity.nameKey !== undefined &&
    sameHash(identity.nameKey, nameKeyOf(deps.pepper, request.name, parsed.idNumber)) &&
    ageOn(identity.birthDate, today) < 18;
  // A wrong name and an unknown number get the same answer, and both count as a failure.
  if (!found || !identity) {
    metric('GuardianLinkNotFound', 1);
    throw new Problem('ward_not_found');
  }
  await deps.guardians.giveBackLinkAttempt(guardianId, today);

  const wardId = wardIdOf(deps.pepper, guardianId, hash);
  const code = codeDigits();
  let created = false;
  const saved = await change(deps, hash, (g) => {
    const existing = g.links[guardianId];
    created = !existing;
    if (existing?.status === 'confirmed') return null;
    const link: GuardianLink = {
      ...(existing ?? { wardId, linkId: `l_${randomBytes(12).toString('hex')}`, status: 'pending' as const, linkedAt: nowMs, controls: NO_CONTROLS }),
      codeHash: confirmCodeHash(deps.pepper, code),
      codeExpiresAt: nowMs + CONFIRM_CODE_TTL_MS,
    };
    const ward: WardRef = { wardId, identityHash: hash, birthDate: identity.birthDate, linkedAt: link.linkedAt };
    return { links: { ...g.links, [guardianId]: link }, ...(existing ? {} : { ward: { guardianId, put: ward } }) };
  });
  const link = saved.links[guardianId]!;
  if (created) metric('GuardianLinkRequested', 1);
  const pending = link.status === 'pending';
  return {
    status: created ? 201 : 200,
    body: {
      wardId,
      ageBand: ageBandOf(ageOn(identity.birthDate, today)),
      status: link.status,
      confirmCode: pending ? code : null,
      expiresAt: pending ? formatBeijing(nowMs + CONFIRM_CODE_TTL_MS) : null,
    },
  };
}

/** POST /v1/me/guardians/confirm: the ward confirms a link with its code, from any of its accounts. */
export async function confirmLink(deps: GuardianDeps, accountId: string, code: string, nowMs: number) {
  const account = await deps.accounts.get(accountId);
  if (!account?.identityHash || account.identityStatus === 'rejected') throw new Problem('link_not_found');
  const codeHash = confirmCodeHash(deps.pepper, code);
  let confirmed = false;
  await change(deps, account.identityHash, (g) => {
    const entry = Object.entries(g.links).find(([, l]) => l.status === 'pending' && l.codeHash !== undefined && sameHash(l.codeHash, codeHash) && (l.codeExpiresAt ?? 0) > nowMs);
    if (!entry) return null;
    const [guardianId, link] = entry;
    const { codeHash: _code, codeExpiresAt: _expiry, ...rest } = link;
    confirmed = true;
    return { links: { ...g.links, [guardianId]: { ...rest, status: 'confirmed', confirmedAt: nowMs } } };
  });
  if (!confirmed) throw new Problem('link_not_found');
  metric('GuardianLinkConfirmed', 1);
  return { status: 'confirmed' as const };
}

/** GET /v1/me/guardians: the ward's links, without anything about who the guardians are. */
export async function myGuardians(deps: GuardianDeps, accountId: string) {
  const account = await deps.accounts.get(accountId);
  if (!account?.identityHash || account.identityStatus === 'rejected') return { guardians: [] };
  const g = await deps.guardians.guardianship(account.identityHash);
  return { guardians: Object.values(g.links).sort((a, b) => a.linkedAt - b.linkedAt).map((l) => ({ linkId: l.linkId, status: l.status, linkedAt: formatBeijing(l.linkedAt) })) };
}


/** GET /v1/guardian/wards */
export async function listWards(deps: GuardianStore, guardianId: string, nowMs: number, options: { eligible?: boolean } = {}) {
  if (options.eligible !== false) await requireGuardian(deps, guardianId, nowMs);
  const wards = await deps.guardians.wards(guardianId);
  const all = await deps.guardians.guardianships(wards.map((w) => w.identityHash));
  const today = beijingDate(nowMs);
  return {
    wards: wards
      .flatMap((w) => {
        const link = all.get(w.identityHash)?.links[guardianId];
        return link ? [{ wardId: w.wardId, ageBand: ageBandOf(ageOn(w.birthDate, today)), status: link.status, linkedAt: formatBeijing(link.linkedAt), controls: link.controls }] : [];
      })
      .sort((a, b) => a.linkedAt.localeCompare(b.linkedAt)),
  };
}

/** This guardian's ward and link, or 404 ward_not_found (unknown, or another guardian's). */
async function resolveWard(deps: GuardianStore, guardianId: string, wardId: string): Promise<{ ward: WardRef; link: GuardianLink }> {
  const ward = await deps.guardians.ward(guardianId, wardId);
  const link = ward ? (await deps.guardians.guardianship(ward.identityHash)).links[guardianId] : undefined;
  if (!ward || !link) throw new Problem('ward_not_found');
  return { ward, link };
}

/** PUT /v1/guardian/wards/{wardId}/controls */
export async function setControls(deps: GuardianDeps, guardianId: string, wardId: string, patch: ControlsPatch, nowMs: number) {
  await requireGuardian(deps, guardianId, nowMs);
  const { ward } = await resolveWard(deps, guardianId, wardId);
  const saved = await change(deps, ward.identityHash, (g) => {
    const link = g.links[guardianId];
    if (!link) throw new Problem('ward_not_found');
    return { links: { ...g.links, [guardianId]: { ...link, controls: applyPatch(link.controls, patch) } } };
  });
  metric('GuardianControlsChanged', 1);
  return saved.links[guardianId]!.controls;
}

/** DELETE /v1/guardian/wards/{wardId}: this guardian's link and controls end. */
export async function unlinkWard(deps: GuardianDeps, guardianId: string, wardId: string, nowMs: number): Promise<void> {
  await requireGuardian(deps, guardianId, nowMs);
  const { ward } = await resolveWard(deps, guardianId, wardId);
  await change(deps, ward.identityHash, (g) => {
    if (!g.links[guardianId]) return null;
    const { [guardianId]: _gone, ...rest } = g.links;
    return { links: rest, ward: { guardianId, remove: wardId } };
  });
  metric('GuardianLinkEnded', 1);
}

const approvalStatus = (a: Approval, nowMs: number): 'pending' | 'approved' | 'declined' | 'expired' => (a.status === 'pending' && a.expiresAtMs <= nowMs ? 'expired' : a.status);

/** The approvals this guardian decides: of each ward, those requested while their controls asked for approval. */
async function approvalsOf(deps: GuardianStore, guardianId: string): Promise<Array<{ wardId: string; approval: Approval }>> {
  const out: Array<{ wardId: string; approval: Approval }> = [];
  for (const ward of await deps.guardians.wards(guardianId)) {
    for (const approval of await deps.guardians.approvals(ward.identityHash)) if (approval.deciders.includes(guardianId)) out.push({ wardId: ward.wardId, approval });
  }
  return out;
}

/** GET /v1/guardian/approvals */
export async function listApprovals(deps: GuardianDeps, guardianId: string, nowMs: number) {
  await requireGuardian(deps, guardianId, nowMs);
  const all = await approvalsOf(deps, guardianId);
  return {
    approvals: all
      .sort((a, b) => b.approval.requestedAt - a.approval.requestedAt)
      .map(({ wardId, approval: a }) => ({ approvalId: a.approvalId, wardId, orderId: a.orderId, amount: a.amount, gameId: a.gameId, requestedAt: formatBeijing(a.requestedAt), expiresAt: formatBeijing(a.expiresAtMs), status: approvalStatus(a, nowMs) })),
  };
}

/** POST /v1/guardian/approvals/{approvalId}: decided once; the same decision again is answered again. */
export async function decideApproval(deps: GuardianDeps, guardianId: string, approvalId: string, approved: boolean, nowMs: number) {
  await requireGuardian(deps, guardianId, nowMs);
  const found = (await approvalsOf(deps, guardianId)).find((x) => x.approval.approvalId === approvalId);
  if (!found) throw new Problem('approval_not_found');
  const wanted = approved ? 'approved' : 'declined';
  const answer = (status: string) => ({ approvalId, wardId: found.wardId, orderId: found.approval.orderId, amount: found.approval.amount, status });
  const result = await deps.guardians.decide(found.approval, guardianId, approved, nowMs);
  if (result.ok) {
    metric(approved ? 'GuardianApproved' : 'GuardianDeclined', 1);
    return answer(wanted);
  }
  const now = result.approval && result.approval.approvalId === approvalId ? approvalStatus(result.approval, nowMs) : 'expired';
  if (now === wanted) return answer(wanted);
  throw new Problem('approval_decided', { approvalStatus: now === 'pending' ? 'expired' : now });
}

const dayOf = (ms: number) => beijingDate(ms);

/** GET /v1/guardian/wards/{wardId}/activity: the ward's sessions and payments per Beijing day range (confirmed links only). */
export async function wardActivity(deps: GuardianDeps, guardianId: string, wardId: string, range: { from: string; to: string }, nowMs: number) {
  await requireGuardian(deps, guardianId, nowMs);
  const { ward, link } = await resolveWard(deps, guardianId, wardId);
  if (link.status !== 'confirmed') throw new Problem('link_not_confirmed');
  const within = (day: string) => day >= range.from && day <= range.to;
  const identity = await deps.identities.get(ward.identityHash);
  const sessions: SessionRecord[] = [];
  const payments: Order[] = [];
  for (const accountId of identity?.accounts ?? []) {
    sessions.push(...(await deps.sessions.ofAccount(accountId)).filter((s) => s.identityHash === ward.identityHash && within(dayOf(s.startedAt))));
    payments.push(...(await deps.spending.ofAccount(accountId)).filter((o) => o.identityHash === ward.identityHash && within(o.day)));
  }
  const sessionRows = sessions
    .sort((a, b) => a.startedAt - b.startedAt)
    .map((s) => {
      const end = s.state === 'ended' ? (s.endedAt ?? s.lastHeartbeatAt) : nowMs;
      return { gameId: s.gameId, startedAt: formatBeijing(s.startedAt), endedAt: s.state === 'ended' ? formatBeijing(end) : null, playedSeconds: Math.max(0, Math.floor((end - s.startedAt) / 1000)), endReason: s.state === 'ended' ? (s.endReason ?? null) : null };
    });
  const paymentRows = payments
    .sort((a, b) => a.reservedAt - b.reservedAt)
    .map((o) => ({ orderId: o.orderId, gameId: o.gameId, amount: o.amount, status: o.status === 'released' ? 'expired' : o.status, at: formatBeijing(o.reservedAt) }));
  return {
    sessions: sessionRows,
    payments: paymentRows,
    totals: { playedSeconds: sessionRows.reduce((sum, s) => sum + s.playedSeconds, 0), spent: payments.filter((o) => o.status === 'committed').reduce((sum, o) => sum + o.amount, 0) },
  };
}

/** Export and erasure's view of guardians (shared/usecases/privacy.ts). */
export function guardianPrivacy(deps: GuardianStore): GuardianPrivacy {
  return {
    async linksOf(identityHash, accountId, nowMs) {
      const own = identityHash ? Object.keys((await deps.guardians.guardianship(identityHash)).links).length : 0;
      const wards = (await deps.guardians.wards(accountId)).length ? (await listWards(deps, accountId, nowMs, { eligible: false })).wards : [];
      return { guardians: own, wards };
    },
    async forgetGuardian(accountId) {
      const wards = await deps.guardians.wards(accountId);
      for (const ward of wards) {
        await change(deps, ward.identityHash, (g) => {
          const { [accountId]: gone, ...rest } = g.links;
          return gone ? { links: rest, ward: { guardianId: accountId, remove: ward.wardId } } : { links: g.links, ward: { guardianId: accountId, remove: ward.wardId } };
        });
      }
      return wards.length;
    },
    async forgetWard(identityHash) {
      await deps.guardians.deleteApprovals(identityHash);
      await deps.guardians.removeAll(identityHash);
    },
  };
}

/** The ward's person and accounts, for a confirmed link only (403 link_not_confirmed). */
async function confirmedWard(deps: GuardianDeps, guardianId: string, wardId: string, nowMs: number) {
  await requireGuardian(deps, guardianId, nowMs);
  const { ward, link } = await resolveWard(deps, guardianId, wardId);
  if (link.status !== 'confirmed') throw new Problem('link_not_confirmed');
  const identity = await deps.identities.get(ward.identityHash);
  return { ward, accounts: identity?.accounts ?? [] };
}

const byTime = <T>(key: (x: T) => string) => (a: T, b: T) => key(a).localeCompare(key(b));

/**
 * GET /v1/guardian/wards/{wardId}/data: the ward's export (GET /v1/me/data) over every account of
 * the ward: one document, records of all accounts together, each account listed in `accounts`.
 */
export async function exportWardData(deps: GuardianDeps, privacy: PrivacyDeps, guardianId: string, wardId: string, nowMs: number) {
  const { accounts } = await confirmedWard(deps, guardianId, wardId, nowMs);
  const all = [];
  for (const accountId of accounts) all.push(await exportData(privacy, accountId, nowMs));
  const seen = all.flatMap((e) => (e.devices.lastSeenAt ? [e.devices.lastSeenAt] : [])).sort();
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
    retention: all[0]?.retention ?? [],
  };
}

/**
 * DELETE /v1/guardian/wards/{wardId}/data: erases every account of the ward (DELETE /v1/me each);
 * the person, and with it every guardian link, goes with the last one. What the law still needs is
 * kept and listed as for a player's own erasure.
 */
export async function eraseWardData(deps: GuardianDeps, privacy: PrivacyDeps, guardianId: string, wardId: string, nowMs: number) {
  const { accounts } = await confirmedWard(deps, guardianId, wardId, nowMs);
  const erased = new Set<string>();
  const retained = new Map<string, { kind: string; until: string | null; why: string }>();
  for (const accountId of accounts) {
    const r = await eraseAccount(privacy, accountId, nowMs);
    r.erased.forEach((k) => erased.add(k));
    for (const k of r.retained) {
      const held = retained.get(k.kind);
      // The longest keeping wins; "until reported" (null) outlasts any date.
      const longer = !held || (held.until !== null && (k.until === null || k.until > held.until));
      if (longer) retained.set(k.kind, k);
    }
  }
  metric('GuardianWardErasure', 1);
  return { erased: [...erased], retained: [...retained.values()] };
}
