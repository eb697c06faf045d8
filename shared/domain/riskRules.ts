/**
 * Account rental and sharing (RULES.md §4): pure rules over facts the gateway keeps, each
 * configurable. The gateway decides allow / challenge; the publisher runs the face check and
 * posts the result. Sources: 2024 Regulations Art. 46 (no rental to minors); MCT 2021 opinion
 * items 8–9 (detect minors on adult accounts, prevent borrowing); Tencent's published patrols.
 */
import * as z from 'zod';
import { BEIJING_OFFSET_MS, DAY_MS } from '#shared/domain/beijingTime';

export type RiskSignal = 'device_many_accounts' | 'account_many_devices' | 'night_patrol' | 'payment_patrol' | 'identity_many_accounts';

export const RiskPolicy = z
  .object({
    /** More distinct accounts than this on one device within the window → challenge (rental-shop phones). */
    maxAccountsPerDevice: z.number().int().min(1).default(3),
    /** More distinct devices than this for one account within the window → challenge (rented accounts). */
    maxDevicesPerAccount: z.number().int().min(1).default(3),
    sightingWindowSeconds: z.number().int().min(3600).default(86_400),
    /** Night patrol (零点巡航): an adult account playing more than this between 22:00 and 08:00 in 24 h. */
    nightPlaySecondsThreshold: z.number().int().min(0).default(3600),
    /** Payment patrol: a flagged adult whose top-ups this month exceed this (fen). */
    flaggedAdultMonthlySpendThreshold: z.number().int().min(0).default(40_000),
    elderAge: z.number().int().min(18).default(60),
    /** Old identities with heavy spending: face check on each payment (fen). */
    elderMonthlySpendThreshold: z.number().int().min(0).default(100_000),
    /** More accounts than this bound to one identity → challenge on login for the newer ones. */
    maxAccountsPerIdentity: z.number().int().min(1).default(5),
    /** A passed challenge silences its signal for this account this long. */
    challengePassSuppressSeconds: z.number().int().min(0).default(7 * 86_400),
    /** A failed or unanswered challenge puts the account under minor rules this long. */
    minorRulesSeconds: z.number().int().min(0).default(30 * 86_400),
    challengeTtlSeconds: z.number().int().min(60).default(600),
  })
  .strict();
export type RiskPolicy = z.infer<typeof RiskPolicy>;

export const DEFAULT_RISK_POLICY: RiskPolicy = RiskPolicy.parse({});

export function parseRiskPolicy(json: unknown): RiskPolicy {
  const parsed = RiskPolicy.safeParse(json ?? {});
  if (!parsed.success) throw new Error(`invalid risk policy: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export type RiskDecision =
  | { outcome: 'allow' }
  | { outcome: 'challenge'; signal: RiskSignal; inputs: Record<string, number | boolean> };

export interface LoginFacts {
  /** An adult by age and not under minor rules. */
  adult: boolean;
  distinctAccountsOnDevice: number;
  distinctDevicesForAccount: number;
  nightPlaySecondsLast24h: number;
  /** The account was bound when its identity already had the maximum number of accounts. */
  beyondAccountLimit: boolean;
  suppressedUntil: Partial<Record<RiskSignal, number>>;
}

const suppressed = (facts: { suppressedUntil: Partial<Record<RiskSignal, number>> }, signal: RiskSignal, nowMs: number) => (facts.suppressedUntil[signal] ?? 0) > nowMs;

/** Login signals in a fixed order; the first that fires decides. */
export function evaluateLogin(policy: RiskPolicy, facts: LoginFacts, nowMs: number): RiskDecision {
  const checks: Array<[RiskSignal, boolean, Record<string, number | boolean>]> = [
    ['device_many_accounts', facts.distinctAccountsOnDevice > policy.maxAccountsPerDevice, { distinctAccountsOnDevice: facts.distinctAccountsOnDevice, threshold: policy.maxAccountsPerDevice }],
    ['account_many_devices', facts.distinctDevicesForAccount > policy.maxDevicesPerAccount, { distinctDevicesForAccount: facts.distinctDevicesForAccount, threshold: policy.maxDevicesPerAccount }],
    ['night_patrol', facts.adult && facts.nightPlaySecondsLast24h > policy.nightPlaySecondsThreshold, { nightPlaySecondsLast24h: facts.nightPlaySecondsLast24h, threshold: policy.nightPlaySecondsThreshold }],
    ['identity_many_accounts', facts.beyondAccountLimit, { beyondAccountLimit: true, threshold: policy.maxAccountsPerIdentity }],
  ];
  for (const [signal, fires, inputs] of checks) if (fires && !suppressed(facts, signal, nowMs)) return { outcome: 'challenge', signal, inputs };
  return { outcome: 'allow' };
}

export interface PaymentFacts {
  adult: boolean;
  age: number;
  flagged: boolean;
  /** This person's top-ups this month before this payment (fen). */
  spentThisMonth: number;
  suppressedUntil: Partial<Record<RiskSignal, number>>;
}

/** The month total above which a payment needs a challenge first, or null (payment patrol). */
export function paymentPatrolThreshold(policy: RiskPolicy, facts: Omit<PaymentFacts, 'spentThisMonth'>, nowMs: number): number | null {
  if (!facts.adult || suppressed(facts, 'payment_patrol', nowMs)) return null;
  const limits = [facts.flagged ? policy.flaggedAdultMonthlySpendThreshold : null, facts.age >= policy.elderAge ? policy.elderMonthlySpendThreshold : null].filter((n): n is number => n !== null);
  return limits.length ? Math.min(...limits) : null;
}

export function evaluatePayment(policy: RiskPolicy, facts: PaymentFacts, nowMs: number): RiskDecision {
  const threshold = paymentPatrolThreshold(policy, facts, nowMs);
  if (threshold !== null && facts.spentThisMonth > threshold) {
    return { outcome: 'challenge', signal: 'payment_patrol', inputs: { spentThisMonth: facts.spentThisMonth, threshold, flagged: facts.flagged, age: facts.age } };
  }
  return { outcome: 'allow' };
}

/** Seconds of [startMs, endMs) that fall between 22:00 and 08:00 Beijing time. */
export function nightPlaySecondsBetween(startMs: number, endMs: number): number {
  if (endMs <= startMs) return 0;
  let total = 0;
  // Night n runs from 22:00 of Beijing day n to 08:00 of day n+1.
  const dayOf = (ms: number) => Math.floor((ms + BEIJING_OFFSET_MS) / DAY_MS);
  for (let day = dayOf(startMs) - 1; day <= dayOf(endMs); day += 1) {
    const nightStart = day * DAY_MS - BEIJING_OFFSET_MS + 22 * 3600_000;
    const nightEnd = nightStart + 10 * 3600_000;
    total += Math.max(0, Math.min(endMs, nightEnd) - Math.max(startMs, nightStart));
  }
  return Math.floor(total / 1000);
}
