/**
 * Minors' spending limits as data (RULES.md §3). Money is integer fen. The law's bands come from
 * the 2019 notice (under 8: no paid service; 8–15: 50 CNY single / 200 CNY a month; 16–17: 100 /
 * 400); the 2024 Regulations Art. 44 add a daily cumulative cap that the publisher sets. A
 * publisher may be stricter (e.g. nothing under 12), never looser.
 */
import * as z from 'zod';

export interface SpendingBand {
  fromAge: number;
  allowed: boolean;
  single: number | null;
  daily: number | null;
  monthly: number | null;
}

export type SpendingPolicy = SpendingBand[];

export interface SpendingLimits {
  allowed: boolean;
  single: number | null;
  daily: number | null;
  monthly: number | null;
}

/** The law's bands (2019 notice), with no daily cap beyond the monthly one. */
export const DEFAULT_SPENDING_POLICY: SpendingPolicy = [
  { fromAge: 0, allowed: false, single: 0, daily: 0, monthly: 0 },
  { fromAge: 8, allowed: true, single: 5000, daily: null, monthly: 20000 },
  { fromAge: 16, allowed: true, single: 10000, daily: null, monthly: 40000 },
  { fromAge: 18, allowed: true, single: null, daily: null, monthly: null },
];

const amount = z.number().int().min(0).nullable();
const SpendingPolicySchema = z
  .array(z.object({ fromAge: z.number().int().min(0).max(150), allowed: z.boolean(), single: amount, daily: amount, monthly: amount }).strict())
  .min(1)
  .refine((bands) => bands[0]?.fromAge === 0, 'the first band must start at age 0')
  .refine((bands) => bands.every((b, i) => i === 0 || b.fromAge > bands[i - 1]!.fromAge), 'bands must be sorted by fromAge without repeats');

export function parseSpendingPolicy(json: unknown): SpendingPolicy {
  const parsed = SpendingPolicySchema.safeParse(json);
  if (!parsed.success) throw new Error(`invalid spending policy: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  assertNotLooserThanLaw(parsed.data);
  return parsed.data;
}

export function spendingLimitsFor(policy: SpendingPolicy, age: number): SpendingLimits {
  let band = policy[0]!;
  for (const b of policy) if (b.fromAge <= age) band = b;
  if (!band.allowed) return { allowed: false, single: 0, daily: 0, monthly: 0 };
  return { allowed: true, single: band.single, daily: band.daily, monthly: band.monthly };
}

const tighter = (configured: number | null, law: number | null): boolean => law === null || (configured !== null && configured <= law);
const cny = (fen: number | null) => (fen === null ? 'no limit' : `${fen} fen`);

/** Throws, naming the rule, when any minor age would get more than the law allows. */
export function assertNotLooserThanLaw(policy: SpendingPolicy): void {
  for (let age = 0; age < 18; age += 1) {
    const c = spendingLimitsFor(policy, age);
    const law = spendingLimitsFor(DEFAULT_SPENDING_POLICY, age);
    const band = age < 8 ? 'under 8' : age < 16 ? 'ages 8–15' : 'ages 16–17';
    if (!law.allowed && c.allowed) throw new Error(`age ${age} (${band}): paid services must be refused (2019 notice: no paid service under 8)`);
    if (!c.allowed) continue;
    if (!tighter(c.single, law.single)) throw new Error(`age ${age} (${band}): single top-up limit ${cny(c.single)} exceeds the legal ${cny(law.single)} (2019 notice)`);
    if (!tighter(c.monthly, law.monthly)) throw new Error(`age ${age} (${band}): monthly limit ${cny(c.monthly)} exceeds the legal ${cny(law.monthly)} (2019 notice)`);
    if (c.daily !== null && c.monthly !== null && c.daily > c.monthly) throw new Error(`age ${age} (${band}): daily cap ${cny(c.daily)} is higher than the monthly limit ${cny(c.monthly)} (2024 Regulations Art. 44)`);
  }
}

export type ReservationDecision =
  | { ok: true }
  | { ok: false; limit: 'age' | 'single' | 'daily' | 'monthly'; limitAmount: number; remainingAmount: number };

/** Spent amounts include reserved-but-unconfirmed ones. Checked in the order age, single, daily, monthly. */
export function decideReservation(limits: SpendingLimits, amount: number, spentToday: number, spentThisMonth: number): ReservationDecision {
  if (!limits.allowed) return { ok: false, limit: 'age', limitAmount: 0, remainingAmount: 0 };
  if (limits.single !== null && amount > limits.single) return { ok: false, limit: 'single', limitAmount: limits.single, remainingAmount: limits.single };
  if (limits.daily !== null && spentToday + amount > limits.daily) return { ok: false, limit: 'daily', limitAmount: limits.daily, remainingAmount: Math.max(0, limits.daily - spentToday) };
  if (limits.monthly !== null && spentThisMonth + amount > limits.monthly) return { ok: false, limit: 'monthly', limitAmount: limits.monthly, remainingAmount: Math.max(0, limits.monthly - spentThisMonth) };
  return { ok: true };
}

/** GET /v1/limits `spending`. */
export function spendingView(limits: SpendingLimits, spentToday: number, spentThisMonth: number): { singleMax: number | null; dailyRemaining: number | null; monthlyRemaining: number | null } {
  if (!limits.allowed) return { singleMax: 0, dailyRemaining: 0, monthlyRemaining: 0 };
  return {
    singleMax: limits.single,
    dailyRemaining: limits.daily === null ? null : Math.max(0, limits.daily - spentToday),
    monthlyRemaining: limits.monthly === null ? null : Math.max(0, limits.monthly - spentThisMonth),
  };
}

/**
 * The highest totals the day and month counters may hold before adding `amount`: the storage
 * layer's condition `attribute_not_exists(total) OR total <= :max` then encodes the limit atomically.
 */
export function counterCeilings(limits: SpendingLimits, amount: number): { dayMaxBefore: number | null; monthMaxBefore: number | null } {
  return {
    dayMaxBefore: limits.daily === null ? null : limits.daily - amount,
    monthMaxBefore: limits.monthly === null ? null : limits.monthly - amount,
  };
}
