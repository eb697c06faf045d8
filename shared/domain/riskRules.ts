/**
 * Account rental, sharing and minors on adult accounts (docs/rules.md §4): pure rules over facts the
 * gateway keeps, every threshold configurable. The gateway decides allow / challenge; the publisher
 * runs the face check and posts the result.
 *
 * Sources: 2024 Regulations Art. 46 para 2 (no game-account rental to minors); MCT 2021 opinion
 * items 8–9 (detect minors on adult accounts, prevent account borrowing); Tencent's published
 * night patrol (零点巡航) and payment patrol, whose thresholds are mostly unpublished: ours are defaults.
 */
import * as z from '#shared/zod';
import { forcedMinorRules } from '#shared/domain/age';
import { BEIJING_OFFSET_MS, DAY_MS } from '#shared/domain/beijingTime';

export type RiskSignal = 'device_many_accounts' | 'account_many_devices' | 'night_patrol' | 'payment_patrol' | 'identity_many_accounts';

export const RISK_SIGNALS: readonly RiskSignal[] = ['device_many_accounts', 'account_many_devices', 'night_patrol', 'payment_patrol', 'identity_many_accounts'];

const count = z.number().check(z.int(), z.gte(1));
const seconds = z.number().check(z.int(), z.gte(1));
const fen = z.number().check(z.int(), z.gte(0));

const RiskPolicyInput = z.strictObject({
  /** More distinct accounts than this on one device within the window → challenge (rental-shop phones). */
  maxAccountsPerDevice: z._default(count, 3),
  /** More distinct devices than this for one account within the window → challenge (rented accounts hop devices). */
  maxDevicesPerAccount: z._default(count, 3),
  /** The window both device counts look back over. */
  deviceWindowSeconds: z._default(seconds, 86_400),
  /** Night patrol: an adult account playing more than this between 22:00 and 08:00 Beijing in the last 24 h. */
  nightPlaySecondsThreshold: z._default(z.number().check(z.int(), z.gte(0)), 3600),
  /** Payment patrol: a flagged adult whose top-ups this month exceed this (fen; docs/rules.md: "> 400 CNY a month"). */
  flaggedAdultMonthlySpendThreshold: z._default(fen, 40_000),
  /** Payment patrol of old identities (docs/rules.md: "60+ … > 1000 CNY in a month"). */
  elderAge: z._default(z.number().check(z.int(), z.gte(18), z.lte(150)), 60),
  elderMonthlySpendThreshold: z._default(fen, 100_000),
  /** More accounts than this bound to one identity → challenge on login for the newer ones. */
  maxAccountsPerIdentity: z._default(count, 5),
  /** A passed challenge silences its signal for this account this long (0: not at all). */
  challengePassSuppressSeconds: z._default(z.number().check(z.int(), z.gte(0)), 7 * 86_400),
  /** A failed or unanswered challenge puts the account under minor rules this long. */
  minorRulesSeconds: z._default(seconds, 30 * 86_400),
  /** How long the publisher has to post a challenge's result before it counts as failed. */
  challengeTtlSeconds: z._default(seconds, 600),
});

export type RiskPolicy = z.infer<typeof RiskPolicyInput>;

export const DEFAULT_RISK_POLICY: RiskPolicy = Object.freeze(z.parse(RiskPolicyInput, {}));

/** Parses a publisher's risk policy (JSON value); missing keys take the defaults, unknown keys are refused. */
export function parseRiskPolicy(json: unknown): RiskPolicy {
  const parsed = RiskPolicyInput.safeParse(json ?? {});
  if (!parsed.success) {
    throw new Error(`invalid risk policy: ${parsed.error.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** What a decision was based on, for the audit trail: measured values and the thresholds they crossed. */
export type RiskInputs = Record<string, number | boolean>;

/** `block` is part of the vocabulary (docs/rules.md §4: allow / challenge / block); no default rule blocks. */
export type RiskDecision =
  | { outcome: 'allow' }
  | { outcome: 'challenge'; signal: RiskSignal; inputs: RiskInputs }
  | { outcome: 'block'; signal: RiskSignal; inputs: RiskInputs };

/** Signal → epoch ms until which a passed challenge silences it for this account. */
export type SuppressedSignals = Partial<Record<RiskSignal, number>>;

export interface LoginFacts {
  /** An adult by age on the day (docs/rules.md: under 18 on the day in question is a minor). */
  adult: boolean;
  /** Distinct accounts seen on this device within the window, this one included. */
  distinctAccountsOnDevice: number;
  /** Distinct devices seen for this account within the window, this one included. */
  distinctDevicesForAccount: number;
  /** Seconds this account played between 22:00 and 08:00 Beijing in the last 24 h. */
  nightPlaySecondsLast24h: number;
  /** 1 = the first account bound to this identity, 2 = the second … */
  accountRankForIdentity: number;
  suppressedSignals: SuppressedSignals;
  /** Set by a failed or expired challenge: until then the account follows minor rules. */
  minorRulesUntilMs: number | null;
}

export interface PaymentFacts {
  adult: boolean;
  age: number;
  /** The account was challenged by any other signal before. */
  flagged: boolean;
  /** The person's top-ups this Beijing month before this payment (fen), reservations included. */
  spentThisMonth: number;
  suppressedSignals: SuppressedSignals;
  minorRulesUntilMs: number | null;
}

const isSuppressed = (suppressed: SuppressedSignals, signal: RiskSignal, nowMs: number): boolean => (suppressed[signal] ?? -Infinity) > nowMs;

/**
 * Login signals, checked in a fixed order (rental first); the first that fires and is not
 * suppressed decides. An account under minor rules already gets minor play time, so the adult-only
 * night patrol does not challenge it again.
 */
export function evaluateLogin(policy: RiskPolicy, facts: LoginFacts, nowMs: number): RiskDecision {
  const adult = facts.adult && !forcedMinorRules(facts.minorRulesUntilMs, nowMs);
  const signals: Array<[RiskSignal, boolean, RiskInputs]> = [
    // 2024 Regulations Art. 46 para 2: rental-shop phones log in many accounts.
    [
      'device_many_accounts',
      facts.distinctAccountsOnDevice > policy.maxAccountsPerDevice,
      { distinctAccountsOnDevice: facts.distinctAccountsOnDevice, threshold: policy.maxAccountsPerDevice, windowSeconds: policy.deviceWindowSeconds },
    ],
    // MCT 2021 opinion item 9: a rented or borrowed account hops across many devices.
    [
      'account_many_devices',
      facts.distinctDevicesForAccount > policy.maxDevicesPerAccount,
      { distinctDevicesForAccount: facts.distinctDevicesForAccount, threshold: policy.maxDevicesPerAccount, windowSeconds: policy.deviceWindowSeconds },
    ],
    // One identity lending its name to many accounts.
    [
      'identity_many_accounts',
      facts.accountRankForIdentity > policy.maxAccountsPerIdentity,
      { accountRankForIdentity: facts.accountRankForIdentity, threshold: policy.maxAccountsPerIdentity },
    ],
    // MCT 2021 opinion item 4 (identify minors by behaviour analysis), night patrol: long night play on an adult account suggests a minor.
    [
      'night_patrol',
      adult && facts.nightPlaySecondsLast24h > policy.nightPlaySecondsThreshold,
      { nightPlaySecondsLast24h: facts.nightPlaySecondsLast24h, threshold: policy.nightPlaySecondsThreshold },
    ],
  ];
  for (const [signal, fires, inputs] of signals) {
    if (fires && !isSuppressed(facts.suppressedSignals, signal, nowMs)) return { outcome: 'challenge', signal, inputs };
  }
  return { outcome: 'allow' };
}

/**
 * The month total (fen, before a payment) above which each further payment needs a challenge, or
 * null when payment patrol does not apply: the storage layer can put it in the month counter's
 * condition like `counterCeilings`. Only adults outside minor rules are patrolled (minors have
 * their spending limits); with both rules applying, the lower threshold wins.
 */
export function paymentPatrolThreshold(policy: RiskPolicy, facts: Omit<PaymentFacts, 'spentThisMonth'>, nowMs: number): number | null {
  if (!facts.adult || forcedMinorRules(facts.minorRulesUntilMs, nowMs) || isSuppressed(facts.suppressedSignals, 'payment_patrol', nowMs)) return null;
  const thresholds = [
    ...(facts.flagged ? [policy.flaggedAdultMonthlySpendThreshold] : []),
    ...(facts.age >= policy.elderAge ? [policy.elderMonthlySpendThreshold] : []),
  ];
  return thresholds.length ? Math.min(...thresholds) : null;
}

/** Payment patrol (docs/rules.md §4): a flagged adult or an old identity past its month threshold is challenged before paying. */
export function evaluatePayment(policy: RiskPolicy, facts: PaymentFacts, nowMs: number): RiskDecision {
  const threshold = paymentPatrolThreshold(policy, facts, nowMs);
  if (threshold === null || facts.spentThisMonth <= threshold) return { outcome: 'allow' };
  return {
    outcome: 'challenge',
    signal: 'payment_patrol',
    inputs: { spentThisMonth: facts.spentThisMonth, threshold, flagged: facts.flagged, age: facts.age },
  };
}

/** When an issued challenge counts as unanswered (and so failed). */
export const challengeExpiresAtMs = (policy: RiskPolicy, issuedAtMs: number): number => issuedAtMs + policy.challengeTtlSeconds * 1000;

/**
 * What a challenge's result does to the account: a pass silences that signal for a while; a
 * failure or no answer puts the account under minor rules (Tencent's night patrol: "refusing or
 * failing puts the account under minor rules").
 */
export function afterChallenge(
  policy: RiskPolicy,
  signal: RiskSignal,
  result: 'passed' | 'failed' | 'expired',
  nowMs: number,
): { suppress: { signal: RiskSignal; untilMs: number } } | { minorRulesUntilMs: number } {
  if (result === 'passed') return { suppress: { signal, untilMs: nowMs + policy.challengePassSuppressSeconds * 1000 } };
  return { minorRulesUntilMs: nowMs + policy.minorRulesSeconds * 1000 };
}

const NIGHT_END_MS = 8 * 3600_000; // 08:00
const NIGHT_START_MS = 22 * 3600_000; // 22:00
const NIGHT_MS_PER_DAY = NIGHT_END_MS + (DAY_MS - NIGHT_START_MS);

/** Night milliseconds (22:00–08:00 Beijing) from the epoch's Beijing midnight up to `instantMs` (negative before it). */
function nightMsUpTo(instantMs: number): number {
  const shifted = instantMs + BEIJING_OFFSET_MS;
  const day = Math.floor(shifted / DAY_MS);
  const ofDay = shifted - day * DAY_MS;
  return day * NIGHT_MS_PER_DAY + Math.min(ofDay, NIGHT_END_MS) + Math.max(0, ofDay - NIGHT_START_MS);
}

/**
 * Seconds of [startMs, endMs) between 22:00 and 08:00 Beijing time, exact across midnight and any
 * number of nights (a difference of cumulative night time, so no loop over days).
 */
export function nightPlaySecondsBetween(startMs: number, endMs: number): number {
  if (endMs <= startMs) return 0;
  return Math.floor((nightMsUpTo(endMs) - nightMsUpTo(startMs)) / 1000);
}
