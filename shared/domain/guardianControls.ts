/**
 * Guardians' controls as data, and how they combine with the law and the publisher's policy
 * (2024 Regulations on the Online Protection of Minors Art. 43: time, permission and spending
 * management; Ministry of Culture and Tourism 2021 opinion, item 9). Pure functions.
 *
 * What applies to a ward is always the strictest of the law, the publisher's policy and every
 * guardian's controls: windows are intersected, budgets and caps take the minimum, a ban or an
 * approval requirement from any guardian holds. A guardian can only tighten (docs/guardians.md).
 */
import type { PlayPolicy, Window } from '#shared/domain/playPolicy';
import type { SpendingLimitKind, SpendingLimits } from '#shared/domain/spendingPolicy';

/** One guardian's controls, as the API shows them (`null`: not set). */
export type GuardianControls = {
  playBanned: boolean;
  /** Allowed Beijing-time windows, ["HH:MM", "HH:MM"] each, or null for no extra restriction. */
  windows: Array<[string, string]> | null;
  dailyPlayMinutes: number | null;
  spending: { single: number | null; daily: number | null; monthly: number | null };
  paymentApproval: boolean;
};

export const NO_CONTROLS: GuardianControls = Object.freeze({
  playBanned: false,
  windows: null,
  dailyPlayMinutes: null,
  spending: Object.freeze({ single: null, daily: null, monthly: null }),
  paymentApproval: false,
}) as GuardianControls;

/** A change of one guardian's controls: fields left out keep their value, `null` clears. */
export interface ControlsPatch {
  playBanned?: boolean | undefined;
  windows?: Array<[string, string]> | null | undefined;
  dailyPlayMinutes?: number | null | undefined;
  spending?: { single?: number | null | undefined; daily?: number | null | undefined; monthly?: number | null | undefined } | undefined;
  paymentApproval?: boolean | undefined;
}

export function applyPatch(current: GuardianControls, patch: ControlsPatch): GuardianControls {
  const pick = <T>(next: T | undefined, old: T): T => (next === undefined ? old : next);
  return {
    playBanned: pick(patch.playBanned, current.playBanned),
    windows: pick(patch.windows, current.windows),
    dailyPlayMinutes: pick(patch.dailyPlayMinutes, current.dailyPlayMinutes),
    spending: {
      single: pick(patch.spending?.single, current.spending.single),
      daily: pick(patch.spending?.daily, current.spending.daily),
      monthly: pick(patch.spending?.monthly, current.spending.monthly),
    },
    paymentApproval: pick(patch.paymentApproval, current.paymentApproval),
  };
}

/** What every guardian's controls add up to: stored on the ward's accounts and live sessions. */
export interface GuardianRules {
  playBanned: boolean;
  /** Seconds of the Beijing day, [start, end); null: no guardian restricts the hours. */
  windows: Window[] | null;
  dailyPlaySeconds: number | null;
  spending: { single: number | null; daily: number | null; monthly: number | null };
  paymentApproval: boolean;
}

/** "HH:MM" → seconds of the day ("24:00" is the end of the day). */
export const secondOfClock = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 3600 + Number(hhmm.slice(3, 5)) * 60;

const normalize = (windows: Window[]): Window[] => {
  const sorted = windows.filter((w) => w.end > w.start).sort((a, b) => a.start - b.start);
  const out: Window[] = [];
  for (const w of sorted) {
    const last = out[out.length - 1];
    if (last && w.start <= last.end) last.end = Math.max(last.end, w.end);
    else out.push({ ...w });
  }
  return out;
};

/** The hours both sets of windows allow. */
export function intersectWindows(a: Window[], b: Window[]): Window[] {
  const out: Window[] = [];
  for (const x of normalize(a))
    for (const y of normalize(b)) {
      const start = Math.max(x.start, y.start);
      const end = Math.min(x.end, y.end);
      if (end > start) out.push({ start, end });
    }
  return normalize(out);
}

const minOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));

/** Every guardian's controls combined (no guardians: null, nothing to apply). */
export function combineControls(all: readonly GuardianControls[]): GuardianRules | null {
  if (all.length === 0) return null;
  let rules: GuardianRules = {
    playBanned: false,
    windows: null,
    dailyPlaySeconds: null,
    spending: { single: null, daily: null, monthly: null },
    paymentApproval: false,
  };
  for (const c of all) {
    const own = c.windows === null ? null : normalize(c.windows.map(([s, e]) => ({ start: secondOfClock(s), end: secondOfClock(e) })));
    rules = {
      playBanned: rules.playBanned || c.playBanned,
      windows: own === null ? rules.windows : rules.windows === null ? own : intersectWindows(rules.windows, own),
      dailyPlaySeconds: minOf(rules.dailyPlaySeconds, c.dailyPlayMinutes === null ? null : c.dailyPlayMinutes * 60),
      spending: {
        single: minOf(rules.spending.single, c.spending.single),
        daily: minOf(rules.spending.daily, c.spending.daily),
        monthly: minOf(rules.spending.monthly, c.spending.monthly),
      },
      paymentApproval: rules.paymentApproval || c.paymentApproval,
    };
  }
  return rules;
}

/**
 * One guardian's link as the ward's accounts and sessions carry it (a copy of the guardianship,
 * shared/guardians/repository.ts): its controls, and whether it is confirmed. A pending link applies
 * only until its confirmation code expires (`until`, epoch ms): an unconfirmed link never holds a
 * child for longer than its code (docs/guardians.md "Trust model").
 */
export interface GuardianEntry {
  confirmed: boolean;
  until?: number | undefined;
  controls?: GuardianControls | undefined;
}

/** Whether a link's controls apply at `nowMs`: confirmed, or pending with its code still valid. */
export const appliesAt = (entry: Pick<GuardianEntry, 'confirmed' | 'until'>, nowMs: number): boolean =>
  entry.confirmed || entry.until === undefined || entry.until > nowMs;

/**
 * The rules of a ward's guardians at `nowMs`, from the copy on an account or a session: every link
 * that applies then, combined. Copies written before links carried their controls hold the rules
 * combined (`rules`), which apply as they are.
 */
export function rulesAt(
  copy: { rules?: GuardianRules | null | undefined; guardians?: readonly GuardianEntry[] | undefined } | null | undefined,
  nowMs: number,
): GuardianRules | null {
  if (!copy) return null;
  const entries = copy.guardians ?? [];
  if (entries.length === 0 || entries.some((g) => g.controls === undefined)) return copy.rules ?? null;
  return combineControls(entries.filter((g) => appliesAt(g, nowMs)).map((g) => g.controls!));
}

/** Whether the rules restrict play at all (a policy without them decides the same). */
export const restrictsPlay = (rules: GuardianRules | null | undefined): rules is GuardianRules =>
  !!rules && (rules.playBanned || rules.windows !== null || rules.dailyPlaySeconds !== null);

/**
 * The play policy with the guardians' rules applied: on every kind of day, the windows both allow
 * and the smaller budget. Never looser than `policy` (test/unit/guardianControls.property.test.ts).
 */
export function tightenPolicy(policy: PlayPolicy, rules: GuardianRules | null | undefined): PlayPolicy {
  if (!restrictsPlay(rules)) return policy;
  const days = Object.fromEntries(
    Object.entries(policy.days).map(([kind, day]) => [
      kind,
      {
        windows: rules.playBanned ? [] : rules.windows === null ? day.windows : intersectWindows(day.windows, rules.windows),
        budgetSeconds: minOf(day.budgetSeconds, rules.dailyPlaySeconds),
      },
    ]),
  ) as PlayPolicy['days'];
  return { preset: policy.preset, days };
}

/** Who set the limit a refusal names (docs/api.md, spending_limit_exceeded `source`). */
export type LimitSource = 'law' | 'publisher' | 'guardian';

export interface TightenedLimits {
  limits: SpendingLimits;
  source: Record<SpendingLimitKind, LimitSource>;
}

/** Stricter means lower; null is no limit. */
const lower = (a: number | null, than: number | null): boolean => a !== null && (than === null || a < than);

/**
 * The spending limits with the guardians' caps applied, and for each limit who set it: the
 * guardian when their cap is below the publisher's, the publisher when its limit is below the
 * law's, otherwise the law. `publisher` is already within `law` (shared/domain/spendingPolicy.ts).
 * The daily cap is the exception: the law sets no number (2024 Regulations Art. 44), so a daily cap
 * the publisher's policy sets is the publisher's at any height up to the monthly limit
 * (`publisherSetsDaily`, shared/domain/spendingPolicy.ts `setsDailyCap`); the default (the band's
 * single cap) is the law's.
 */
export function tightenSpending(
  law: SpendingLimits,
  publisher: SpendingLimits,
  rules: GuardianRules | null | undefined,
  publisherSetsDaily = false,
): TightenedLimits {
  const caps = rules?.spending ?? { single: null, daily: null, monthly: null };
  const pick = (kind: 'single' | 'daily' | 'monthly'): [number | null, LimitSource] => {
    const p = publisher[kind];
    if (lower(caps[kind], p)) return [caps[kind], 'guardian'];
    return [p, lower(p, law[kind]) || (kind === 'daily' && publisherSetsDaily) ? 'publisher' : 'law'];
  };
  const [single, singleSource] = pick('single');
  const [daily, dailySource] = pick('daily');
  const [monthly, monthlySource] = pick('monthly');
  return {
    limits: publisher.allowed ? { allowed: true, single, daily, monthly } : publisher,
    source: { age: law.allowed ? 'publisher' : 'law', single: singleSource, daily: dailySource, monthly: monthlySource },
  };
}
