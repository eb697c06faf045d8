/**
 * Minors' spending limits as data (docs/rules.md §3). Money is integer fen (1/100 CNY).
 *
 * The law's bands come from the 2019 notice: under 8, no paid service; 8–15, 50 CNY a top-up and
 * 200 CNY a month; 16–17, 100 and 400. The 2024 Regulations Art. 44 require a single-day cumulative
 * cap per band as well, without a national number: a minor's daily cap always applies, and where the
 * publisher sets none it equals the band's single cap (8–15: 50 CNY; 16–17: 100 CNY; docs/rules.md
 * §3 says why). A publisher may set any daily cap up to the band's monthly limit, and may be stricter
 * with bands on any age boundaries (e.g. nothing under 12), never looser.
 *
 * The limits are per person across all the company's games (docs/rules.md §3): callers pass the
 * person's day and month totals, reserved-but-unconfirmed amounts included.
 */
import * as z from '#shared/zod';

/** The limits from `fromAge` up to the next band's `fromAge`. `null` means no limit. */
export interface SpendingBand {
  fromAge: number;
  single: number | null;
  daily: number | null;
  monthly: number | null;
  /** `false`: no paid service at all in this band (its amounts are then ignored). */
  allowed: boolean;
}

/** Bands sorted by `fromAge`, the first from age 0, the last open-ended. */
export type SpendingPolicy = SpendingBand[];

/** The limits that apply to one person on one day. A not-allowed band reads as all zeros. */
export interface SpendingLimits {
  allowed: boolean;
  single: number | null;
  daily: number | null;
  monthly: number | null;
}

/** The limit a refused reservation hit (docs/api.md). */
export type SpendingLimitKind = 'age' | 'single' | 'daily' | 'monthly';

export type ReservationDecision = { ok: true } | { ok: false; limit: SpendingLimitKind; limitAmount: number; remainingAmount: number };

/** GET /v1/limits `spending` (docs/api.md). */
export interface SpendingView {
  singleMax: number | null;
  dailyRemaining: number | null;
  monthlyRemaining: number | null;
}

/** The highest values the day and month counters may hold before a reservation adds to them. */
export interface CounterCeilings {
  dayMaxBefore: number | null;
  monthMaxBefore: number | null;
}

/**
 * The law (2019 notice): the default policy. Its daily caps are left unset, so each minor band's
 * daily cap is its single cap (`spendingLimitsFor`); a publisher's policy may set its own.
 */
export const DEFAULT_SPENDING_POLICY: SpendingPolicy = [
  { fromAge: 0, single: 0, daily: 0, monthly: 0, allowed: false },
  { fromAge: 8, single: 5000, daily: null, monthly: 20000, allowed: true },
  { fromAge: 16, single: 10000, daily: null, monthly: 40000, allowed: true },
  { fromAge: 18, single: null, daily: null, monthly: null, allowed: true },
];

const LAW: SpendingPolicy = DEFAULT_SPENDING_POLICY;
const ADULT_AGE = 18;

const fen = z.nullable(z.number().check(z.int(), z.gte(0)));
const SpendingPolicyInput = z
  .array(z.strictObject({ fromAge: z.number().check(z.int(), z.gte(0), z.lte(150)), single: fen, daily: fen, monthly: fen, allowed: z.boolean() }))
  .check(z.minLength(1));

/** Parses a publisher's spending policy (JSON value) and refuses anything looser than the law. */
export function parseSpendingPolicy(json: unknown): SpendingPolicy {
  const parsed = SpendingPolicyInput.safeParse(json);
  if (!parsed.success) {
    throw new Error(`invalid spending policy: ${parsed.error.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ')}`);
  }
  assertNotLooserThanLaw(parsed.data);
  return parsed.data;
}

function bandAt(policy: SpendingPolicy, age: number): SpendingBand {
  let band = policy[0]!;
  for (const b of policy) if (b.fromAge <= age) band = b;
  return band;
}

/**
 * The limits of the band containing `age` (completed years, see `ageOn`). A minor's daily cap
 * always applies (2024 Regulations Art. 44): the band's own, or else its single cap.
 */
export function spendingLimitsFor(policy: SpendingPolicy, age: number): SpendingLimits {
  const band = bandAt(policy, age);
  if (!band.allowed) return { allowed: false, single: 0, daily: 0, monthly: 0 };
  return { allowed: true, single: band.single, daily: band.daily ?? (age < ADULT_AGE ? band.single : null), monthly: band.monthly };
}

/** Whether the policy's own band sets the daily cap at `age` (not the default of its single cap). */
export const setsDailyCap = (policy: SpendingPolicy, age: number): boolean => {
  const band = bandAt(policy, age);
  return band.allowed && band.daily !== null;
};

/**
 * The age whose spending band an account under forced minor rules is held to (a failed or expired
 * face check: probably a child on an adult's account, whose true age is unknown): the most protective
 * band of the policy that still allows paying — the lowest monthly limit, then daily, then single
 * (the youngest age on a tie). Under the law's bands that is 8–15 (age 8). Null when no minor band
 * allows paying at all: then the account pays nothing.
 */
export function forcedMinorSpendingAge(policy: SpendingPolicy): number | null {
  const candidates = [...new Set([...policy.map((b) => b.fromAge), ...LAW.map((b) => b.fromAge)])].filter((a) => a < ADULT_AGE).sort((a, b) => a - b);
  const rank = (v: number | null) => (v === null ? Number.POSITIVE_INFINITY : v);
  let best: { age: number; key: [number, number, number] } | null = null;
  for (const age of candidates) {
    // A parsed policy is within the law's bands (assertNotLooserThanLaw): its own limits are the ones held to.
    const l = spendingLimitsFor(policy, age);
    if (!l.allowed) continue;
    const key: [number, number, number] = [rank(l.monthly), rank(l.daily), rank(l.single)];
    if (!best || key[0] < best.key[0] || (key[0] === best.key[0] && (key[1] < best.key[1] || (key[1] === best.key[1] && key[2] < best.key[2]))))
      best = { age, key };
  }
  return best?.age ?? null;
}

const ages = (from: number, toExclusive: number | undefined): string =>
  toExclusive === undefined ? `ages ${from} and over` : toExclusive - 1 === from ? `age ${from}` : `ages ${from}–${toExclusive - 1}`;
const amountText = (v: number | null): string => (v === null ? 'no limit' : `${v} fen`);
/** A configured limit is as strict as the law's when the law has none or it is no higher. */
const withinLaw = (configured: number | null, law: number | null): boolean => law === null || (configured !== null && configured <= law);

/**
 * Throws an Error naming the broken rule when the policy is malformed or would let any minor age
 * (0–17) pay more than the law allows, or sets a daily cap above its monthly limit.
 */
export function assertNotLooserThanLaw(policy: SpendingPolicy): void {
  if (policy[0]?.fromAge !== 0) throw new Error('spending policy: the first band must start at age 0');
  policy.forEach((b, i) => {
    const previous = policy[i - 1];
    if (previous && b.fromAge <= previous.fromAge)
      throw new Error(`spending policy: bands must be sorted by fromAge without repeats (${b.fromAge} after ${previous.fromAge})`);
  });

  // Compare on every stretch of ages where neither the policy's band nor the law's band changes.
  const cuts = [...new Set([...policy.map((b) => b.fromAge), ...LAW.map((b) => b.fromAge)])].filter((a) => a < ADULT_AGE).sort((a, b) => a - b);
  cuts.forEach((from, i) => {
    const where = ages(from, cuts[i + 1] ?? ADULT_AGE);
    const configured = spendingLimitsFor(policy, from);
    const law = spendingLimitsFor(LAW, from);
    if (!law.allowed) {
      if (configured.allowed) throw new Error(`${where}: paid services must be refused (2019 notice: no paid service under 8)`);
      return;
    }
    if (!configured.allowed) return;
    if (!withinLaw(configured.single, law.single))
      throw new Error(`${where}: single top-up limit ${amountText(configured.single)} exceeds the legal ${amountText(law.single)} (2019 notice)`);
    if (!withinLaw(configured.monthly, law.monthly))
      throw new Error(`${where}: monthly limit ${amountText(configured.monthly)} exceeds the legal ${amountText(law.monthly)} (2019 notice)`);
  });

  // Art. 44's daily cap: a publisher may set any up to the band's monthly limit, in every band (one
  // it leaves unset is the band's single cap for minors: spendingLimitsFor).
  policy.forEach((b, i) => {
    if (b.allowed && b.daily !== null && b.monthly !== null && b.daily > b.monthly) {
      throw new Error(
        `${ages(b.fromAge, policy[i + 1]?.fromAge)}: daily cap ${b.daily} fen is higher than the monthly limit ${b.monthly} fen (2024 Regulations Art. 44)`,
      );
    }
  });
}

/**
 * Whether a reservation of `amount` (positive fen) fits. `spentToday`/`spentThisMonth` are the
 * person's Beijing-day and Beijing-month totals including reserved-but-unconfirmed amounts.
 * Checked in the order age, single, daily, monthly; the first limit hit is reported.
 */
export function decideReservation(limits: SpendingLimits, amount: number, spentToday: number, spentThisMonth: number): ReservationDecision {
  if (!limits.allowed) return { ok: false, limit: 'age', limitAmount: 0, remainingAmount: 0 };
  if (limits.single !== null && amount > limits.single) return { ok: false, limit: 'single', limitAmount: limits.single, remainingAmount: limits.single };
  if (limits.daily !== null && spentToday + amount > limits.daily) {
    return { ok: false, limit: 'daily', limitAmount: limits.daily, remainingAmount: Math.max(0, limits.daily - spentToday) };
  }
  if (limits.monthly !== null && spentThisMonth + amount > limits.monthly) {
    return { ok: false, limit: 'monthly', limitAmount: limits.monthly, remainingAmount: Math.max(0, limits.monthly - spentThisMonth) };
  }
  return { ok: true };
}

/** What a player may still spend (GET /v1/limits); a not-allowed band shows zeros. Agrees with `decideReservation`. */
export function spendingView(limits: SpendingLimits, spentToday: number, spentThisMonth: number): SpendingView {
  if (!limits.allowed) return { singleMax: 0, dailyRemaining: 0, monthlyRemaining: 0 };
  return {
    singleMax: limits.single,
    dailyRemaining: limits.daily === null ? null : Math.max(0, limits.daily - spentToday),
    monthlyRemaining: limits.monthly === null ? null : Math.max(0, limits.monthly - spentThisMonth),
  };
}

/**
 * The storage layer's ceilings: with `attribute_not_exists(total) OR total <= :max` on each
 * counter, adding `amount` succeeds exactly when it keeps the day and month within their limits,
 * atomically under concurrent reservations. Age and single limits are not counters: decide them
 * (and an amount above a whole limit, whose ceiling is negative but would pass
 * `attribute_not_exists`) with `decideReservation` before writing.
 */
export function counterCeilings(limits: SpendingLimits, amount: number): CounterCeilings {
  return {
    dayMaxBefore: limits.daily === null ? null : limits.daily - amount,
    monthMaxBefore: limits.monthly === null ? null : limits.monthly - amount,
  };
}
