import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  afterChallenge,
  challengeExpiresAtMs,
  DEFAULT_RISK_POLICY,
  evaluateLogin,
  evaluatePayment,
  nightPlaySecondsBetween,
  parseRiskPolicy,
  paymentPatrolThreshold,
  type LoginFacts,
  type PaymentFacts,
} from '#shared/domain/riskRules';

const at = (iso: string) => Date.parse(iso);
const NOW = at('2026-11-25T12:00:00+08:00');
const DAY = 86_400_000;
const quietLogin: LoginFacts = {
  adult: true,
  distinctAccountsOnDevice: 1,
  distinctDevicesForAccount: 1,
  nightPlaySecondsLast24h: 0,
  accountRankForIdentity: 1,
  suppressedSignals: {},
  minorRulesUntilMs: null,
};
const login = (f: Partial<LoginFacts>) => evaluateLogin(DEFAULT_RISK_POLICY, { ...quietLogin, ...f }, NOW);
const quietPayer: PaymentFacts = { adult: true, age: 30, flagged: false, spentThisMonth: 0, suppressedSignals: {}, minorRulesUntilMs: null };
const pay = (f: Partial<PaymentFacts>) => evaluatePayment(DEFAULT_RISK_POLICY, { ...quietPayer, ...f }, NOW);
const verdict = (d: ReturnType<typeof login>) => (d.outcome === 'allow' ? 'allow' : d.signal);

describe('the default policy', () => {
  it('has the documented thresholds', () => {
    expect(DEFAULT_RISK_POLICY).toEqual({
      maxAccountsPerDevice: 3,
      maxDevicesPerAccount: 3,
      deviceWindowSeconds: 86_400,
      nightPlaySecondsThreshold: 3600,
      flaggedAdultMonthlySpendThreshold: 40_000,
      elderAge: 60,
      elderMonthlySpendThreshold: 100_000,
      maxAccountsPerIdentity: 5,
      challengePassSuppressSeconds: 604_800,
      minorRulesSeconds: 2_592_000,
      challengeTtlSeconds: 600,
    });
    expect(parseRiskPolicy(undefined)).toEqual(DEFAULT_RISK_POLICY);
    expect(parseRiskPolicy({})).toEqual(DEFAULT_RISK_POLICY);
  });

  it('takes configured thresholds', () => {
    const strict = parseRiskPolicy({ maxAccountsPerDevice: 1, nightPlaySecondsThreshold: 0 });
    expect(strict).toMatchObject({ maxAccountsPerDevice: 1, nightPlaySecondsThreshold: 0, maxDevicesPerAccount: 3 });
    expect(verdict(evaluateLogin(strict, { ...quietLogin, distinctAccountsOnDevice: 2 }, NOW))).toBe('device_many_accounts');
    expect(verdict(evaluateLogin(strict, { ...quietLogin, nightPlaySecondsLast24h: 1 }, NOW))).toBe('night_patrol');
  });

  it.each([
    ['a count of 0', { maxAccountsPerDevice: 0 }, 'invalid risk policy: maxAccountsPerDevice'],
    ['a fractional threshold', { nightPlaySecondsThreshold: 1.5 }, 'invalid risk policy: nightPlaySecondsThreshold'],
    ['an elder age under 18', { elderAge: 17 }, 'invalid risk policy: elderAge'],
    ['a negative amount', { elderMonthlySpendThreshold: -1 }, 'invalid risk policy: elderMonthlySpendThreshold'],
    ['a misspelt key', { sightingWindowSeconds: 3600 }, 'invalid risk policy'],
    ['not an object', [3], 'invalid risk policy'],
  ])('refuses %s', (_name, json, message) => {
    expect(() => parseRiskPolicy(json)).toThrow(message);
  });
});

describe('login signals fire exactly past their thresholds', () => {
  it.each([
    ['the 3rd account on a device', { distinctAccountsOnDevice: 3 }, 'allow'],
    ['the 4th account on a device', { distinctAccountsOnDevice: 4 }, 'device_many_accounts'],
    ['the 9th account on a device', { distinctAccountsOnDevice: 9 }, 'device_many_accounts'],
    ['the 3rd device of an account', { distinctDevicesForAccount: 3 }, 'allow'],
    ['the 4th device of an account', { distinctDevicesForAccount: 4 }, 'account_many_devices'],
    ['an adult with 3600 s of night play', { nightPlaySecondsLast24h: 3600 }, 'allow'],
    ['an adult with 3601 s of night play', { nightPlaySecondsLast24h: 3601 }, 'night_patrol'],
    ['a minor with 3601 s of night play (minor play rules apply instead)', { adult: false, nightPlaySecondsLast24h: 3601 }, 'allow'],
    ['an adult under minor rules with 3601 s of night play', { nightPlaySecondsLast24h: 3601, minorRulesUntilMs: NOW + 1 }, 'allow'],
    ['an adult whose minor rules just ended, with 3601 s of night play', { nightPlaySecondsLast24h: 3601, minorRulesUntilMs: NOW }, 'night_patrol'],
    ['the 5th account of an identity', { accountRankForIdentity: 5 }, 'allow'],
    ['the 6th account of an identity', { accountRankForIdentity: 6 }, 'identity_many_accounts'],
    ['the 7th account of an identity', { accountRankForIdentity: 7 }, 'identity_many_accounts'],
    ["a minor's 4th account on a device", { adult: false, distinctAccountsOnDevice: 4 }, 'device_many_accounts'],
    ['an account under minor rules on its 4th device', { minorRulesUntilMs: NOW + DAY, distinctDevicesForAccount: 4 }, 'account_many_devices'],
  ] as const)('%s → %s', (_name, facts, expected) => {
    expect(verdict(login(facts))).toBe(expected);
  });

  it('reports the signal and its inputs for the audit', () => {
    expect(login({ distinctAccountsOnDevice: 4 })).toEqual({
      outcome: 'challenge',
      signal: 'device_many_accounts',
      inputs: { distinctAccountsOnDevice: 4, threshold: 3, windowSeconds: 86_400 },
    });
    expect(login({ distinctDevicesForAccount: 5 })).toEqual({
      outcome: 'challenge',
      signal: 'account_many_devices',
      inputs: { distinctDevicesForAccount: 5, threshold: 3, windowSeconds: 86_400 },
    });
    expect(login({ accountRankForIdentity: 6 })).toEqual({
      outcome: 'challenge',
      signal: 'identity_many_accounts',
      inputs: { accountRankForIdentity: 6, threshold: 5 },
    });
    expect(login({ nightPlaySecondsLast24h: 4000 })).toEqual({
      outcome: 'challenge',
      signal: 'night_patrol',
      inputs: { nightPlaySecondsLast24h: 4000, threshold: 3600 },
    });
  });

  it('with several signals, rental ones come first', () => {
    const all = { distinctAccountsOnDevice: 4, distinctDevicesForAccount: 4, accountRankForIdentity: 6, nightPlaySecondsLast24h: 9999 };
    expect(verdict(login(all))).toBe('device_many_accounts');
    expect(verdict(login({ ...all, distinctAccountsOnDevice: 1 }))).toBe('account_many_devices');
    expect(verdict(login({ ...all, distinctAccountsOnDevice: 1, distinctDevicesForAccount: 1 }))).toBe('identity_many_accounts');
  });
});

describe('a passed challenge silences its signal for this account', () => {
  const passed = afterChallenge(DEFAULT_RISK_POLICY, 'device_many_accounts', 'passed', NOW);

  it('for 7 days by default', () => {
    expect(passed).toEqual({ suppress: { signal: 'device_many_accounts', untilMs: NOW + 7 * DAY } });
  });

  it('until the suppression ends', () => {
    const suppressedSignals = { device_many_accounts: NOW + 7 * DAY };
    const later = (ms: number) => evaluateLogin(DEFAULT_RISK_POLICY, { ...quietLogin, distinctAccountsOnDevice: 4, suppressedSignals }, ms);
    expect(later(NOW + 1).outcome).toBe('allow');
    expect(later(NOW + 7 * DAY - 1).outcome).toBe('allow');
    expect(later(NOW + 7 * DAY).outcome).toBe('challenge');
  });

  it('only that signal: another one still fires', () => {
    expect(verdict(login({ distinctAccountsOnDevice: 4, nightPlaySecondsLast24h: 3601, suppressedSignals: { device_many_accounts: NOW + DAY } }))).toBe(
      'night_patrol',
    );
    expect(verdict(login({ nightPlaySecondsLast24h: 3601, suppressedSignals: { night_patrol: NOW + DAY } }))).toBe('allow');
  });

  it.each(['failed', 'expired'] as const)('a %s challenge puts the account under minor rules for 30 days', (result) => {
    expect(afterChallenge(DEFAULT_RISK_POLICY, 'night_patrol', result, NOW)).toEqual({ minorRulesUntilMs: NOW + 30 * DAY });
  });

  it('a challenge is unanswered after 600 s', () => {
    expect(challengeExpiresAtMs(DEFAULT_RISK_POLICY, NOW)).toBe(NOW + 600_000);
  });
});

describe('payment patrol', () => {
  it.each([
    ['a flagged adult at 40000 fen this month', { flagged: true, spentThisMonth: 40000 }, 'allow'],
    ['a flagged adult at 40001 fen', { flagged: true, spentThisMonth: 40001 }, 'challenge'],
    ['an unflagged adult at 50000 fen', { spentThisMonth: 50000 }, 'allow'],
    ['an unflagged adult at 100000 fen', { spentThisMonth: 100000 }, 'allow'],
    ['age 60 at 100000 fen', { age: 60, spentThisMonth: 100000 }, 'allow'],
    ['age 60 at 100001 fen', { age: 60, spentThisMonth: 100001 }, 'challenge'],
    ['age 59 at 100001 fen', { age: 59, spentThisMonth: 100001 }, 'allow'],
    ['age 85 at 100001 fen', { age: 85, spentThisMonth: 100001 }, 'challenge'],
    ['a flagged 60-year-old at 40001 fen (the lower threshold wins)', { age: 60, flagged: true, spentThisMonth: 40001 }, 'challenge'],
    ['a flagged minor (minor spending limits apply instead)', { adult: false, age: 17, flagged: true, spentThisMonth: 90000 }, 'allow'],
    ['a flagged adult under minor rules', { flagged: true, spentThisMonth: 90000, minorRulesUntilMs: NOW + DAY }, 'allow'],
    ['a flagged adult after a passed payment challenge', { flagged: true, spentThisMonth: 90000, suppressedSignals: { payment_patrol: NOW + DAY } }, 'allow'],
    [
      'a flagged adult whose suppression of another signal does not count',
      { flagged: true, spentThisMonth: 90000, suppressedSignals: { night_patrol: NOW + DAY } },
      'challenge',
    ],
  ] as const)('%s → %s', (_name, facts, expected) => {
    expect(pay(facts).outcome).toBe(expected);
  });

  it('reports its inputs for the audit', () => {
    expect(pay({ age: 61, spentThisMonth: 120000 })).toEqual({
      outcome: 'challenge',
      signal: 'payment_patrol',
      inputs: { spentThisMonth: 120000, threshold: 100000, flagged: false, age: 61 },
    });
  });

  it('agrees with the threshold the storage layer puts in its condition', () => {
    const facts = fc.record({
      adult: fc.boolean(),
      age: fc.integer({ min: 0, max: 100 }),
      flagged: fc.boolean(),
      spentThisMonth: fc.integer({ min: 0, max: 200_000 }),
      suppressedSignals: fc.constantFrom({}, { payment_patrol: NOW + 1 }, { payment_patrol: NOW }),
      minorRulesUntilMs: fc.constantFrom(null, NOW, NOW + 1),
    });
    fc.assert(
      fc.property(facts, (f) => {
        const threshold = paymentPatrolThreshold(DEFAULT_RISK_POLICY, f, NOW);
        expect(evaluatePayment(DEFAULT_RISK_POLICY, f, NOW).outcome).toBe(threshold !== null && f.spentThisMonth > threshold ? 'challenge' : 'allow');
      }),
      { numRuns: 500 },
    );
  });
});

describe('night play between 22:00 and 08:00 Beijing', () => {
  it.each([
    ['2026-11-25T21:00:00+08:00', '2026-11-25T23:00:00+08:00', 3600],
    ['2026-11-26T07:00:00+08:00', '2026-11-26T09:00:00+08:00', 3600],
    ['2026-11-25T20:00:00+08:00', '2026-11-26T10:00:00+08:00', 36000],
    ['2026-11-25T23:30:00+08:00', '2026-11-26T00:30:00+08:00', 3600],
    ['2026-11-25T10:00:00+08:00', '2026-11-25T21:59:59+08:00', 0],
    ['2026-11-25T08:00:00+08:00', '2026-11-25T22:00:00+08:00', 0],
    ['2026-11-25T22:00:00+08:00', '2026-11-25T22:00:01+08:00', 1],
    ['2026-11-26T07:59:59+08:00', '2026-11-26T08:00:00+08:00', 1],
    ['2026-11-24T12:00:00+08:00', '2026-11-26T12:00:00+08:00', 72000],
    ['2026-11-20T22:00:00+08:00', '2026-11-27T08:00:00+08:00', 7 * 36000],
    ['2026-12-31T21:00:00+08:00', '2027-01-01T09:00:00+08:00', 36000],
    ['1969-12-31T21:00:00+08:00', '1970-01-01T09:00:00+08:00', 36000],
    ['2026-11-25T23:00:00+08:00', '2026-11-25T23:00:00+08:00', 0],
    ['2026-11-25T23:00:00+08:00', '2026-11-25T22:00:00+08:00', 0],
  ])('%s → %s: %i s', (from, to, seconds) => {
    expect(nightPlaySecondsBetween(at(from), at(to))).toBe(seconds);
  });

  it("does not depend on the host's zone: the same instants in UTC", () => {
    expect(nightPlaySecondsBetween(at('2026-11-25T13:00:00Z'), at('2026-11-25T15:00:00Z'))).toBe(3600); // 21:00–23:00 Beijing
  });

  it('equals a minute-by-minute count, whatever the interval', () => {
    const base = at('2026-01-01T00:00:00+08:00');
    fc.assert(
      fc.property(fc.integer({ min: -60 * 24 * 30, max: 60 * 24 * 30 }), fc.integer({ min: 0, max: 60 * 24 * 4 }), (startMin, lengthMin) => {
        const start = base + startMin * 60_000;
        let expected = 0;
        for (let m = 0; m < lengthMin; m += 1) {
          const hour = new Date(start + m * 60_000 + 8 * 3600_000).getUTCHours();
          if (hour >= 22 || hour < 8) expected += 60;
        }
        expect(nightPlaySecondsBetween(start, start + lengthMin * 60_000)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('adds up over consecutive heartbeats to the whole interval', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 * 86_400 }),
        fc.array(fc.integer({ min: 0, max: 3 * 3600 }), { maxLength: 20 }),
        (offsetSeconds, stepSeconds) => {
          const start = at('2025-06-01T00:00:00+08:00') + offsetSeconds * 1000;
          const ticks = [start];
          for (const s of stepSeconds) ticks.push(ticks[ticks.length - 1]! + s * 1000);
          const parts = ticks.slice(1).reduce((sum, t, i) => sum + nightPlaySecondsBetween(ticks[i]!, t), 0);
          expect(parts).toBe(nightPlaySecondsBetween(start, ticks[ticks.length - 1]!));
        },
      ),
      { numRuns: 300 },
    );
  });
});
