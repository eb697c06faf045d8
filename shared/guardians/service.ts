/**
 * Guardians (docs/guardians.md; 2024 Regulations on the Online Protection of Minors Arts. 41 and
 * 43): linking a verified minor, the ward's confirmation, controls, payment approvals, and what
 * becomes of the links when an account is erased.
 *
 * Consent that proves consent (docs/guardians.md "Trust model"): only an account bound to the ward's
 * person before its guardian first asked may confirm a link; wrong codes and failed look-ups are
 * counted per person; a pending link applies only until its code expires, and the ward may decline it.
 *
 * Every change of a ward's guardianship is written as one item (shared/guardians/repository.ts)
 * and then copied, with its `rev`, to where the hot paths already read: each of the ward's accounts
 * (login, limits, payments) and each live session (the heartbeat). A copy never replaces a newer
 * one, and a login that decided under an older copy fails instead of starting (shared/sessions/
 * repository.ts), so a change reaches every request that starts after it returns.
 */
import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { AccountRepository, AccountRecord, GuardianshipCopy } from '#shared/accounts/repository';
import { adulthoodStarts, ageBandOf, ageOn } from '#shared/domain/age';
import { addDays, beijingDate, beijingMidnight, formatBeijing } from '#shared/domain/beijingTime';
import { applyPatch, NO_CONTROLS, type ControlsPatch } from '#shared/domain/guardianControls';
import { consentRequired, type ConsentPolicy } from '#shared/domain/consent';
import { parseIdNumber } from '#shared/domain/idNumber';
import { sessionGuardians, type SessionGuardians } from '#shared/domain/sessionRules';
import {
  copyOf,
  GuardianshipChanged,
  linkStatus,
  type Approval,
  type AskedRecord,
  type GuardianLink,
  type GuardianRepository,
  type Guardianship,
  type WardRef,
} from '#shared/guardians/repository';
import type { NotificationOutbox } from '#shared/notifications/outbox';
import { confirmCodeHash, identityHash, nameKeyOf, wardIdOf } from '#shared/storage/keyedHashes';
import { metric } from '#shared/log';
import { Problem } from '#shared/problem';

/** What guardians read of a person. */
interface Person {
  status: 'pending' | 'verified' | 'rejected';
  birthDate: string;
  nameKey?: string | undefined;
  accounts: string[];
}

export interface GuardianDeps {
  repo: GuardianRepository;
  accounts: Pick<AccountRepository, 'get' | 'copyGuardianship'>;
  /** The person by its identity hash (shared/identity/repository.ts `get`): a ward is a verified minor, found by name and ID number. */
  identities: { get(identityHash: string): Promise<Person | null> };
  /** The ward's live sessions get each change (shared/sessions/repository.ts `applyGuardianRules`): false when one is no longer live. */
  sessions: { applyGuardianRules(sessionId: string, guardian: SessionGuardians): Promise<boolean> };
  /** Webhook events (`guardian.ward_erased`); null or absent when webhooks are off. */
  notifications?: Pick<NotificationOutbox, 'eventPart'> | null | undefined;
  pepper: string;
}

/** What needs no secret: everything but finding a ward by ID number and making ward ids and codes. */
export type GuardianStore = Omit<GuardianDeps, 'pepper'>;

/** A confirmation code is valid this long (docs/api.md); a pending link applies as long as its code. */
export const CONFIRM_CODE_TTL_MS = 24 * 3600_000;
/** After a ward declines a guardian's pending link, that guardian person's asks for the ward are not answered for this long. */
export const DECLINED_QUIET_MS = 30 * 86_400_000;
const SAVE_ATTEMPTS = 4;

/** Only a verified adult can be a guardian (docs/api.md, 403 guardian_not_eligible). */
async function requireGuardian(deps: Pick<GuardianDeps, 'accounts'>, guardianId: string, nowMs: number): Promise<AccountRecord & { identityHash: string }> {
  const account = await deps.accounts.get(guardianId);
  if (!account?.identityHash || account.identityStatus !== 'verified' || !account.birthDate || ageOn(account.birthDate, beijingDate(nowMs)) < 18)
    throw new Problem('guardian_not_eligible');
  return { ...account, identityHash: account.identityHash };
}

/** 429 until the next Beijing midnight. */
const untilTomorrow = (nowMs: number): Problem => {
  const nextDay = beijingMidnight(addDays(beijingDate(nowMs), 1));
  return new Problem('rate_limited', {}, { 'retry-after': String(Math.max(1, Math.ceil((nextDay - nowMs) / 1000))) });
};

const sameHash = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Reads, changes and saves the ward's guardianship, again when another change came first; then copies it. */
type Edit = Parameters<GuardianRepository['save']>[1] & { ward?: Parameters<GuardianRepository['save']>[2] };
async function change(deps: GuardianStore, identityHash: string, edit: (g: Guardianship) => Edit | null): Promise<Guardianship> {
  for (let attempt = 1; ; attempt += 1) {
    const seen = await deps.repo.guardianship(identityHash);
    const next = edit(seen);
    if (!next) return seen;
    try {
      const saved = await deps.repo.save(seen, next, next.ward);
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

/**
 * Copies the guardianship to every account of the ward and to each of their live sessions. (An
 * account bound later gets it with its binding: shared/identity/repository.ts.)
 */
async function copyGuardianship(deps: GuardianStore, g: Guardianship): Promise<void> {
  const identity = await deps.identities.get(g.identityHash);
  const copy: GuardianshipCopy = copyOf(g);
  const session = sessionGuardians(copy);
  for (const accountId of identity?.accounts ?? []) {
    const leases = await deps.accounts.copyGuardianship(accountId, g.identityHash, copy);
    for (const lease of Object.values(leases ?? {})) await deps.sessions.applyGuardianRules(lease.sessionId, session);
  }
}

const codeDigits = (): string => String(randomInt(0, 100_000_000)).padStart(8, '0');

/**
 * POST /v1/guardian/wards: ask to link the verified minor with this name and ID number. Failed
 * look-ups count per guardian person (all its accounts together). The moment the guardian's person
 * first asked is kept: asking again, after an expiry or after unlinking, never moves it. `created`:
 * this guardian had no link to the ward before.
 */
export async function linkWard(deps: GuardianDeps, guardianId: string, request: { name: string; idNumber: string }, nowMs: number) {
  const guardian = await requireGuardian(deps, guardianId, nowMs);
  const today = beijingDate(nowMs);
  const parsed = parseIdNumber(request.idNumber, today);
  if (!parsed.ok) throw new Problem('invalid_id_number', { reason: parsed.reason });
  if (!(await deps.repo.takeLinkAttempt(guardian.identityHash, today, nowMs))) throw untilTomorrow(nowMs);
  const hash = identityHash(deps.pepper, parsed.idNumber);
  const [identity, current] = await Promise.all([deps.identities.get(hash), deps.repo.guardianship(hash)]);
  // A ward who declined this guardian person's link is not found by it for a while (no griefing by asking again).
  const declined = current.asked[guardian.identityHash]?.declinedAt;
  const found =
    identity !== null &&
    identity.status === 'verified' &&
    identity.nameKey !== undefined &&
    sameHash(identity.nameKey, nameKeyOf(deps.pepper, request.name, parsed.idNumber)) &&
    ageOn(identity.birthDate, today) < 18 &&
    hash !== guardian.identityHash &&
    !(declined !== undefined && nowMs - declined < DECLINED_QUIET_MS);
  // A wrong name and an unknown number get the same answer, and both count as a failure.
  if (!found || !identity) {
    metric('GuardianLinkNotFound', 1);
    throw new Problem('ward_not_found');
  }
  await deps.repo.giveBackLinkAttempt(guardian.identityHash, today);

  const wardId = wardIdOf(deps.pepper, guardianId, hash);
  const code = codeDigits();
  let created = false;
  const saved = await change(deps, hash, (g) => {
    const existing = g.links[guardianId];
    created = !existing;
    if (existing?.status === 'confirmed') return null;
    const askedAt = g.asked[guardian.identityHash]?.at ?? nowMs;
    const link: GuardianLink = {
      ...(existing ?? { wardId, linkId: `l_${randomBytes(12).toString('hex')}`, status: 'pending' as const, linkedAt: nowMs, controls: NO_CONTROLS }),
      askedAt: Math.min(askedAt, existing?.askedAt ?? existing?.linkedAt ?? askedAt),
      byPerson: guardian.identityHash,
      codeHash: confirmCodeHash(deps.pepper, code),
      codeExpiresAt: nowMs + CONFIRM_CODE_TTL_MS,
    };
    const asked: Record<string, AskedRecord> = { ...g.asked, [guardian.identityHash]: { ...g.asked[guardian.identityHash], at: askedAt } };
    const ward: WardRef = { wardId, identityHash: hash, birthDate: identity.birthDate, linkedAt: link.linkedAt };
    return { links: { ...g.links, [guardianId]: link }, asked, birthDate: identity.birthDate, ...(existing ? {} : { ward: { guardianId, put: ward } }) };
  });
  const link = saved.links[guardianId]!;
  if (created) metric('GuardianLinkRequested', 1);
  const pending = link.status === 'pending';
  return {
    created,
    ward: {
      wardId,
      ageBand: ageBandOf(ageOn(identity.birthDate, today)),
      status: link.status,
      confirmCode: pending ? code : null,
      expiresAt: pending ? formatBeijing(nowMs + CONFIRM_CODE_TTL_MS) : null,
    },
  };
}

/** The ward's account the request comes from: verified and bound to its person (else `orElse`). */
async function wardAccount(deps: Pick<GuardianDeps, 'accounts'>, accountId: string, orElse: Problem): Promise<AccountRecord & { identityHash: string }> {
  const account = await deps.accounts.get(accountId);
  if (!account?.identityHash || account.identityStatus !== 'verified') throw orElse;
  return { ...account, identityHash: account.identityHash };
}

/**
 * POST /v1/me/guardians/confirm: the ward confirms a link with its code. Only from an account bound
 * to the ward's person before the link's guardian first asked (403 confirmation_not_allowed): an
 * account bound later may be the asker's own. Five wrong codes a Beijing day per person, from any
 * of its accounts, then 429 until the next day; a code is counted before it is compared, so
 * concurrent guesses cannot pass the limit.
 */
export async function confirmLink(deps: GuardianDeps, accountId: string, code: string, nowMs: number) {
  const account = await wardAccount(deps, accountId, new Problem('link_not_found'));
  const person = account.identityHash;
  const today = beijingDate(nowMs);
  if (!(await deps.repo.takeConfirmAttempt(person, today, nowMs))) throw untilTomorrow(nowMs);
  const codeHash = confirmCodeHash(deps.pepper, code);
  const matching = (g: Guardianship) =>
    Object.entries(g.links).find(
      ([, l]) => l.status === 'pending' && l.codeHash !== undefined && sameHash(l.codeHash, codeHash) && (l.codeExpiresAt ?? 0) > nowMs,
    );
  const found = matching(await deps.repo.guardianship(person));
  if (!found) {
    metric('GuardianCodeWrong', 1);
    throw new Problem('link_not_found');
  }
  await deps.repo.giveBackConfirmAttempt(person, today);
  const [, seenLink] = found;
  if ((account.boundAt ?? nowMs) >= (seenLink.askedAt ?? seenLink.linkedAt)) {
    metric('GuardianConfirmationRefused', 1);
    throw new Problem('confirmation_not_allowed');
  }
  let confirmed = false;
  await change(deps, person, (g) => {
    const entry = matching(g);
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

/**
 * DELETE /v1/me/guardians/{linkId}: the ward declines a pending (or expired) link; its controls
 * stop applying at once. A confirmed link is its guardian's to end (403 link_confirmed). The
 * guardian's person does not find the ward again for DECLINED_QUIET_MS.
 */
export async function declineLink(deps: GuardianDeps, accountId: string, linkId: string, nowMs: number): Promise<void> {
  const account = await wardAccount(deps, accountId, new Problem('link_not_found'));
  let outcome = 'unknown' as 'declined' | 'confirmed' | 'unknown';
  await change(deps, account.identityHash, (g) => {
    const entry = Object.entries(g.links).find(([, l]) => l.linkId === linkId);
    if (!entry) {
      outcome = 'unknown';
      return null;
    }
    const [guardianId, link] = entry;
    if (link.status === 'confirmed') {
      outcome = 'confirmed';
      return null;
    }
    outcome = 'declined';
    const { [guardianId]: _gone, ...rest } = g.links;
    const by = link.byPerson;
    const asked = by ? { ...g.asked, [by]: { at: g.asked[by]?.at ?? link.askedAt ?? link.linkedAt, declinedAt: nowMs } } : g.asked;
    return { links: rest, asked, ward: { guardianId, remove: link.wardId } };
  });
  if (outcome === 'confirmed') throw new Problem('link_confirmed');
  if (outcome === 'unknown') throw new Problem('link_not_found');
  metric('GuardianLinkDeclined', 1);
}

/** GET /v1/me/guardians: the ward's links, without anything about who the guardians are. */
export async function myGuardians(deps: GuardianDeps, accountId: string, nowMs: number) {
  const account = await deps.accounts.get(accountId);
  if (!account?.identityHash || account.identityStatus === 'rejected') return { guardians: [] };
  const g = await deps.repo.guardianship(account.identityHash);
  return {
    guardians: Object.values(g.links)
      .sort((a, b) => a.linkedAt - b.linkedAt)
      .map((l) => ({ linkId: l.linkId, status: linkStatus(l, nowMs), linkedAt: formatBeijing(l.linkedAt) })),
  };
}

/** GET /v1/guardian/wards */
export async function listWards(deps: GuardianStore, guardianId: string, nowMs: number) {
  await requireGuardian(deps, guardianId, nowMs);
  return wardsOf(deps, guardianId, nowMs);
}

/** The wards of an account as a guardian, with its controls (its export lists them without asking whether it may be a guardian now). */
async function wardsOf(deps: GuardianStore, guardianId: string, nowMs: number) {
  const wards = await deps.repo.wards(guardianId);
  const all = await deps.repo.guardianships(wards.map((w) => w.identityHash));
  const today = beijingDate(nowMs);
  return {
    wards: wards
      .flatMap((w) => {
        const link = all.get(w.identityHash)?.links[guardianId];
        return link
          ? [
              {
                wardId: w.wardId,
                ageBand: ageBandOf(ageOn(w.birthDate, today)),
                status: linkStatus(link, nowMs),
                linkedAt: formatBeijing(link.linkedAt),
                controls: link.controls,
              },
            ]
          : [];
      })
      .sort((a, b) => a.linkedAt.localeCompare(b.linkedAt)),
  };
}

/** This guardian's ward and link, or 404 ward_not_found (unknown, or another guardian's). */
async function resolveWard(deps: GuardianStore, guardianId: string, wardId: string): Promise<{ ward: WardRef; link: GuardianLink }> {
  const ward = await deps.repo.ward(guardianId, wardId);
  const link = ward ? (await deps.repo.guardianship(ward.identityHash)).links[guardianId] : undefined;
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

const approvalStatus = (a: Approval, nowMs: number): 'pending' | 'approved' | 'declined' | 'expired' =>
  a.status === 'pending' && a.expiresAtMs <= nowMs ? 'expired' : a.status;

/** The approvals this guardian decides: of each ward, those requested while their controls asked for approval. */
async function approvalsOf(deps: GuardianStore, guardianId: string): Promise<Array<{ wardId: string; approval: Approval }>> {
  const out: Array<{ wardId: string; approval: Approval }> = [];
  for (const ward of await deps.repo.wards(guardianId)) {
    for (const approval of await deps.repo.approvals(ward.identityHash))
      if (approval.deciders.includes(guardianId)) out.push({ wardId: ward.wardId, approval });
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
      .map(({ wardId, approval: a }) => ({
        approvalId: a.approvalId,
        wardId,
        orderId: a.orderId,
        amount: a.amount,
        gameId: a.gameId,
        requestedAt: formatBeijing(a.requestedAt),
        expiresAt: formatBeijing(a.expiresAtMs),
        status: approvalStatus(a, nowMs),
      })),
  };
}

/** POST /v1/guardian/approvals/{approvalId}: decided once; the same decision again is answered again. */
export async function decideApproval(deps: GuardianDeps, guardianId: string, approvalId: string, approved: boolean, nowMs: number) {
  await requireGuardian(deps, guardianId, nowMs);
  const found = (await approvalsOf(deps, guardianId)).find((x) => x.approval.approvalId === approvalId);
  if (!found) throw new Problem('approval_not_found');
  const wanted = approved ? 'approved' : 'declined';
  const answer = (status: 'approved' | 'declined') => ({
    approvalId,
    wardId: found.wardId,
    orderId: found.approval.orderId,
    amount: found.approval.amount,
    status,
  });
  const result = await deps.repo.decide(found.approval, guardianId, approved, nowMs);
  if (result.ok) {
    metric(approved ? 'GuardianApproved' : 'GuardianDeclined', 1);
    return answer(wanted);
  }
  const now = result.approval && result.approval.approvalId === approvalId ? approvalStatus(result.approval, nowMs) : 'expired';
  if (now === wanted) return answer(wanted);
  throw new Problem('approval_decided', { approvalStatus: now === 'pending' ? 'expired' : now });
}

/** The ward's person and accounts, for a confirmed link only (403 link_not_confirmed). */
export async function confirmedWard(deps: GuardianStore, guardianId: string, wardId: string, nowMs: number): Promise<{ ward: WardRef; accounts: string[] }> {
  await requireGuardian(deps, guardianId, nowMs);
  const { ward, link } = await resolveWard(deps, guardianId, wardId);
  if (link.status !== 'confirmed') throw new Problem('link_not_confirmed');
  const identity = await deps.identities.get(ward.identityHash);
  return { ward, accounts: identity?.accounts ?? [] };
}

/**
 * POST /v1/guardian/wards/{wardId}/consent: a confirmed guardian consents, for the ward under 14, to
 * the privacy policy of the version in force (2019 Children's PI Regulations Arts. 9–10; any other
 * version is 400). It is the person's: it goes onto every account of the ward (login and payments
 * read it there) and stays until the policy's version changes. The latest consent is the one kept.
 */
export async function recordWardConsent(
  deps: GuardianStore,
  policy: ConsentPolicy,
  guardianId: string,
  wardId: string,
  given: { policyVersion: string },
  nowMs: number,
) {
  const { ward } = await confirmedWard(deps, guardianId, wardId, nowMs);
  if (given.policyVersion !== policy.policyVersion) {
    throw new Problem('invalid_request', {
      errors: [{ path: 'policyVersion', message: `not the current privacy policy version (${policy.policyVersion}): show the guardian that one` }],
    });
  }
  const consent = { at: nowMs, how: 'guardian' as const, policyVersion: given.policyVersion };
  await change(deps, ward.identityHash, (g) => ({ links: g.links, consent }));
  metric('GuardianConsentRecorded', 1);
  return {
    wardId,
    required: consentRequired(ward.birthDate, nowMs),
    consent: { at: formatBeijing(consent.at), how: consent.how, policyVersion: consent.policyVersion },
  };
}

// What a player's export and erasure (shared/usecases/privacy.ts) ask of guardians.

/** How many guardians the person has, and the wards this account is a guardian of (the export). */
export async function guardianLinksOf(deps: GuardianStore, identityHash: string | undefined, accountId: string, nowMs: number) {
  const own = identityHash ? Object.keys((await deps.repo.guardianship(identityHash)).links).length : 0;
  const wards = (await deps.repo.wards(accountId)).length ? (await wardsOf(deps, accountId, nowMs)).wards : [];
  return { guardians: own, wards };
}

/** Erasure of a guardian's account: every link in which it is the guardian ends. How many there were. */
export async function forgetGuardian(deps: GuardianStore, accountId: string): Promise<number> {
  const wards = await deps.repo.wards(accountId);
  for (const ward of wards) {
    await change(deps, ward.identityHash, (g) => {
      const { [accountId]: gone, ...rest } = g.links;
      return gone
        ? { links: rest, ward: { guardianId: accountId, remove: ward.wardId } }
        : { links: g.links, ward: { guardianId: accountId, remove: ward.wardId } };
    });
  }
  return wards.length;
}

/**
 * An account of the person (born `birthDate`) was erased (`personRemoved`: its last one). The
 * account's payment approvals go (all of the person's with its last account); the guardianship
 * stays while it has links (until the ward turns 18: the returned `until`), and with the last
 * account each guardian is told (`guardian.ward_erased`); without links it goes.
 */
export async function afterWardErasure(
  deps: GuardianStore,
  erased: { identityHash: string; accountId: string; birthDate: string },
  personRemoved: boolean,
  nowMs: number,
): Promise<{ until: number } | null> {
  const { identityHash, accountId, birthDate } = erased;
  await deps.repo.deleteApprovals(identityHash, personRemoved ? undefined : accountId);
  const g = await deps.repo.guardianship(identityHash);
  const links = Object.entries(g.links);
  // What protects a minor stays with the person (2024 Regulations Art. 43): the links and their
  // controls apply again as soon as the person binds an account again.
  const born = g.birthDate ?? birthDate;
  if (links.length && born) {
    if (personRemoved && deps.notifications) {
      // Each guardian is told under its own opaque ward id (no guardian learns another's).
      await deps.repo.notify(
        links
          .map(([, l]) =>
            deps.notifications!.eventPart({
              type: 'guardian.ward_erased',
              occurredAtMs: nowMs,
              id: `ward-erased-${l.wardId}-${nowMs}`,
              data: { wardId: l.wardId },
            }),
          )
          .map((part, i) => [`event${i}`, part] as const),
      );
    }
    return { until: beijingMidnight(adulthoodStarts(born)) };
  }
  if (personRemoved) await deps.repo.removeIfUnlinked(identityHash);
  return null;
}
