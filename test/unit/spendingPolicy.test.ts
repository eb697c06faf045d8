import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertNotLooserThanLaw, counterCeilings, decideReservation, DEFAULT_SPENDING_POLICY, parseSpendingPolicy, spendingLimitsFor, spendingView, type SpendingLimits } from '#shared/domain/spendingPolicy';

const limits = (age: number) => spendingLimitsFor(DEFAULT_SPENDING_POLICY, age);

describe('the bands of the 2019 notice', () => {
  it.each([
    [0, { allowed: false, single: 0, daily: 0, monthly: 0 }],
    [7, { allowed: false, single: 0, daily: 0, monthly: 0 }],
    [8, { allowed: true, single: 5000, daily: null, monthly: 20000 }],
    [15, { allowed: true, single: 5000, daily: null, monthly: 20000 }],
    [16, { allowed: true, single: 10000, daily: null, monthly: 40000 }],
    [17, { allowed: true, single: 10000, daily: null, monthly: 40000 }],
    [18, { allowed: true, single: null, daily: null, monthly: null }],
  ])('age %i', (age, expected) => expect(limits(age)).toEqual(expected));

  it.each([
    ['8–15: 50.00 CNY', 12, 5000, 0, 0, { ok: true }],
    ['8–15: 50.01 CNY', 12, 5001, 0, 0, { ok: false, limit: 'single', limitAmount: 5000, remainingAmount: 5000 }],
    ['16–17: 100.00 CNY', 17, 10000, 0, 0, { ok: true }],
    ['16–17: 100.01 CNY', 17, 10001, 0, 0, { ok: false, limit: 'single', limitAmount: 10000, remainingAmount: 10000 }],
    ['8–15: 150 spent + 50 = 200 CNY', 12, 5000, 0, 15000, { ok: true }],
    ['8–15: 150 spent + 50.01', 12, 5001, 0, 15000, { ok: false, limit: 'single', limitAmount: 5000, remainingAmount: 5000 }],
    ['8–15: 160 spent + 50', 12, 5000, 0, 16000, { ok: false, limit: 'monthly', limitAmount: 20000, remainingAmount: 4000 }],
    ['16–17: 400 spent + 0.01', 16, 1, 0, 40000, { ok: false, limit: 'monthly', limitAmount: 40000, remainingAmount: 0 }],
    ['under 8: 0.01 CNY', 7, 1, 0, 0, { ok: false, limit: 'age', limitAmount: 0, remainingAmount: 0 }],
    ['adult: 10,000 CNY', 30, 1_000_000, 0, 5_000_000, { ok: true }],
  ] as const)('%s', (_name, age, amount, today, month, expected) => {
    expect(decideReservation(limits(age), amount, today, month)).toEqual(expected);
  });
});

describe('publisher policies', () => {
  const withDaily = parseSpendingPolicy([
    { fromAge: 0, allowed: false, single: 0, daily: 0, monthly: 0 },
    { fromAge: 12, allowed: true, single: 5000, daily: 3000, monthly: 20000 },
    { fromAge: 16, allowed: true, single: 10000, daily: null, monthly: 40000 },
    { fromAge: 18, allowed: true, single: null, daily: null, monthly: null },
  ]);

  it('may refuse payments under 12 and cap a day (2024 Regulations Art. 44)', () => {
    expect(decideReservation(spendingLimitsFor(withDaily, 11), 100, 0, 0)).toMatchObject({ ok: false, limit: 'age' });
    expect(decideReservation(spendingLimitsFor(withDaily, 13), 2000, 1000, 1000)).toEqual({ ok: true });
    expect(decideReservation(spendingLimitsFor(withDaily, 13), 2001, 1000, 1000)).toEqual({ ok: false, limit: 'daily', limitAmount: 3000, remainingAmount: 2000 });
  });

  it.each([
    [[{ fromAge: 0, allowed: true, single: 100, daily: null, monthly: 100 }, { fromAge: 18, allowed: true, single: null, daily: null, monthly: null }], /age 0 \(under 8\): paid services must be refused/],
    [[{ fromAge: 0, allowed: false, single: 0, daily: 0, monthly: 0 }, { fromAge: 8, allowed: true, single: 6000, daily: null, monthly: 20000 }, { fromAge: 18, allowed: true, single: null, daily: null, monthly: null }], /ages 8–15\): single top-up limit 6000 fen exceeds the legal 5000 fen/],
    [[{ fromAge: 0, allowed: false, single: 0, daily: 0, monthly: 0 }, { fromAge: 8, allowed: true, single: 5000, daily: null, monthly: null }, { fromAge: 18, allowed: true, single: null, daily: null, monthly: null }], /monthly limit no limit exceeds the legal 20000 fen/],
    [[{ fromAge: 0, allowed: false, single: 0, daily: 0, monthly: 0 }, { fromAge: 8, allowed: true, single: 5000, daily: 30000, monthly: 20000 }, { fromAge: 16, allowed: true, single: 10000, daily: null, monthly: 40000 }, { fromAge: 18, allowed: true, single: null, daily: null, monthly: null }], /daily cap 30000 fen is higher than the monthly limit/],
  ])('refuses a looser policy, naming the rule (%#)', (policy, message) => {
    expect(() => parseSpendingPolicy(policy)).toThrow(message);
  });

  it('accepts the law itself', () => expect(() => assertNotLooserThanLaw(DEFAULT_SPENDING_POLICY)).not.toThrow());
});

describe('the view and the counters agree with the decision', () => {
  const amount = fc.integer({ min: 1, max: 60000 });
  const spent = fc.integer({ min: 0, max: 60000 });
  const limitsArb: fc.Arbitrary<SpendingLimits> = fc.oneof(
    fc.constant({ allowed: false, single: 0, daily: 0, monthly: 0 }),
    fc.record({ allowed: fc.constant(true), single: fc.option(fc.integer({ min: 0, max: 20000 }), { nil: null }), daily: fc.option(fc.integer({ min: 0, max: 30000 }), { nil: null }), monthly: fc.option(fc.integer({ min: 0, max: 50000 }), { nil: null }) }),
  );

  it('a reservation is accepted exactly when the amount fits what GET /v1/limits shows', () => {
    fc.assert(
      fc.property(limitsArb, amount, spent, spent, (l, a, today, month) => {
        const v = spendingView(l, today, month);
        const fits = l.allowed && (v.singleMax === null || a <= v.singleMax) && (v.dailyRemaining === null || a <= v.dailyRemaining) && (v.monthlyRemaining === null || a <= v.monthlyRemaining);
        expect(decideReservation(l, a, today, month).ok).toBe(fits);
      }),
      { numRuns: 1000 },
    );
  });

  it('the counter ceilings accept exactly the totals that stay within the limits', () => {
    expect(counterCeilings(limits(12), 3000)).toEqual({ dayMaxBefore: null, monthMaxBefore: 17000 });
    expect(counterCeilings(limits(30), 3000)).toEqual({ dayMaxBefore: null, monthMaxBefore: null });
  });
});
