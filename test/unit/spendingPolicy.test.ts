import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertNotLooserThanLaw,
  counterCeilings,
  decideReservation,
  DEFAULT_SPENDING_POLICY,
  forcedMinorSpendingAge,
  parseSpendingPolicy,
  spendingLimitsFor,
  spendingView,
  type SpendingBand,
  type SpendingLimits,
} from '#shared/domain/spendingPolicy';
import { limitsFor } from '#shared/spending/service';

const limits = (age: number) => spendingLimitsFor(DEFAULT_SPENDING_POLICY, age);
const none: SpendingLimits = { allowed: false, single: 0, daily: 0, monthly: 0 };
const band = (fromAge: number, single: number | null, daily: number | null, monthly: number | null, allowed = true): SpendingBand => ({
  fromAge,
  single,
  daily,
  monthly,
  allowed,
});
const under8 = band(0, 0, 0, 0, false);
const adults = band(18, null, null, null);

describe('the bands of the 2019 notice', () => {
  it.each([
    [0, none],
    [7, none],
    // A daily cap always applies (2024 Regulations Art. 44): the band's single cap where no one sets another.
    [8, { allowed: true, single: 5000, daily: 5000, monthly: 20000 }],
    [15, { allowed: true, single: 5000, daily: 5000, monthly: 20000 }],
    [16, { allowed: true, single: 10000, daily: 10000, monthly: 40000 }],
    [17, { allowed: true, single: 10000, daily: 10000, monthly: 40000 }],
    [18, { allowed: true, single: null, daily: null, monthly: null }],
    [60, { allowed: true, single: null, daily: null, monthly: null }],
  ])('age %i gets its band', (age, expected) => expect(limits(age)).toEqual(expected));

  it.each([
    ['age 8: a 50.00 CNY top-up fits', 8, 5000, 0, 0, { ok: true }],
    ['age 15: a 50.01 CNY top-up is over the single limit', 15, 5001, 0, 0, { ok: false, limit: 'single', limitAmount: 5000, remainingAmount: 5000 }],
    ['age 16: a 100.00 CNY top-up fits', 16, 10000, 0, 0, { ok: true }],
    ['age 17: a 100.01 CNY top-up is over the single limit', 17, 10001, 0, 0, { ok: false, limit: 'single', limitAmount: 10000, remainingAmount: 10000 }],
    ['age 12: 150 CNY spent + 50 reaches exactly 200 CNY a month', 12, 5000, 0, 15000, { ok: true }],
    [
      'age 12: 150 CNY spent + 50.01 is refused with 50 CNY remaining',
      12,
      5001,
      0,
      15000,
      { ok: false, limit: 'single', limitAmount: 5000, remainingAmount: 5000 },
    ],
    ['age 12: 150.01 CNY spent + 50 is over the month', 12, 5000, 0, 15001, { ok: false, limit: 'monthly', limitAmount: 20000, remainingAmount: 4999 }],
    ['age 12: 160 CNY spent + 50 is over the month', 12, 5000, 0, 16000, { ok: false, limit: 'monthly', limitAmount: 20000, remainingAmount: 4000 }],
    ['age 16: 400 CNY spent + 0.01', 16, 1, 0, 40000, { ok: false, limit: 'monthly', limitAmount: 40000, remainingAmount: 0 }],
    ['age 17: 300 CNY spent this month, none today, + 100 reaches exactly 400 CNY', 17, 10000, 0, 30000, { ok: true }],
    ['age 17: 100 CNY spent today + 0.01 is over the day', 17, 1, 10000, 30000, { ok: false, limit: 'daily', limitAmount: 10000, remainingAmount: 0 }],
    ['age 8: 30 CNY spent today + 20 reaches exactly 50 CNY', 8, 2000, 3000, 3000, { ok: true }],
    [
      'age 8: 30 CNY spent today + 20.01 is over the day with 20 CNY remaining',
      8,
      2001,
      3000,
      3000,
      { ok: false, limit: 'daily', limitAmount: 5000, remainingAmount: 2000 },
    ],
    [
      'age 15: two 50 CNY top-ups on one day: the second is over the day',
      15,
      5000,
      5000,
      5000,
      { ok: false, limit: 'daily', limitAmount: 5000, remainingAmount: 0 },
    ],
    ['age 0: 0.01 CNY', 0, 1, 0, 0, { ok: false, limit: 'age', limitAmount: 0, remainingAmount: 0 }],
    ['age 7: any amount is refused on age', 7, 100_000, 0, 0, { ok: false, limit: 'age', limitAmount: 0, remainingAmount: 0 }],
    ['age 18: 10,000 CNY after 50,000 CNY this month', 18, 1_000_000, 1_000_000, 5_000_000, { ok: true }],
    ['age 7: even 0.01 CNY', 7, 1, 0, 0, { ok: false, limit: 'age', limitAmount: 0, remainingAmount: 0 }],
    ['age 8: 50.01 CNY', 8, 5001, 0, 0, { ok: false, limit: 'single', limitAmount: 5000, remainingAmount: 5000 }],
    ['age 15: 50.00 CNY', 15, 5000, 0, 0, { ok: true }],
    ['age 16: 100.01 CNY', 16, 10001, 0, 0, { ok: false, limit: 'single', limitAmount: 10000, remainingAmount: 10000 }],
    ['age 17: 100.00 CNY', 17, 10000, 0, 0, { ok: true }],
    ['age 18: 100.01 CNY', 18, 10001, 0, 0, { ok: true }],
    ['age 15: 150 CNY spent this month + 50 reaches 200', 15, 5000, 0, 15000, { ok: true }],
    ['age 8: 200 CNY spent this month + 0.01', 8, 1, 0, 20000, { ok: false, limit: 'monthly', limitAmount: 20000, remainingAmount: 0 }],
    ['age 16: 350 CNY spent this month + 50 reaches 400', 16, 5000, 0, 35000, { ok: true }],
    [
      'age 16: 350 CNY spent this month + 50.01 is refused with 50 CNY remaining',
      16,
      5001,
      0,
      35000,
      { ok: false, limit: 'monthly', limitAmount: 40000, remainingAmount: 5000 },
    ],
    [
      'age 17: nothing spent today, 300.01 CNY this month + 100',
      17,
      10000,
      0,
      30001,
      { ok: false, limit: 'monthly', limitAmount: 40000, remainingAmount: 9999 },
    ],
  ] as const)('%s', (_name, age, amount, today, month, expected) => {
    expect(decideReservation(limits(age), amount, today, month)).toEqual(expected);
  });

  it('limits decide in the order age, single, daily, monthly', () => {
    const l: SpendingLimits = { allowed: true, single: 5000, daily: 3000, monthly: 20000 };
    expect(decideReservation(none, 6000, 9000, 90000)).toMatchObject({ limit: 'age' });
    expect(decideReservation(l, 6000, 9000, 90000)).toMatchObject({ limit: 'single' });
    expect(decideReservation(l, 3000, 9000, 90000)).toMatchObject({ limit: 'daily' });
    expect(decideReservation(l, 3000, 0, 90000)).toMatchObject({ limit: 'monthly' });
  });

  it('a counter above its limit (e.g. after the policy tightened) shows 0 remaining, never negative', () => {
    const l: SpendingLimits = { allowed: true, single: 5000, daily: 3000, monthly: 20000 };
    expect(decideReservation(l, 1, 3500, 3500)).toEqual({ ok: false, limit: 'daily', limitAmount: 3000, remainingAmount: 0 });
    expect(decideReservation(l, 1, 0, 25000)).toEqual({ ok: false, limit: 'monthly', limitAmount: 20000, remainingAmount: 0 });
    expect(spendingView(l, 3500, 25000)).toEqual({ singleMax: 5000, dailyRemaining: 0, monthlyRemaining: 0 });
  });
});

describe('a daily cap of 30 CNY (2024 Regulations Art. 44)', () => {
  const policy = parseSpendingPolicy([under8, band(8, 5000, 3000, 20000), band(16, 10000, 3000, 40000), adults]);

  it.each([
    ['age 10: 30 CNY at once', 10, 3000, 0, 0, { ok: true }],
    ['age 10: 30.01 CNY at once', 10, 3001, 0, 0, { ok: false, limit: 'daily', limitAmount: 3000, remainingAmount: 3000 }],
    ['age 10: 20 CNY spent today + 10', 10, 1000, 2000, 2000, { ok: true }],
    ['age 10: 20 CNY spent today + 10.01', 10, 1001, 2000, 2000, { ok: false, limit: 'daily', limitAmount: 3000, remainingAmount: 1000 }],
    ['age 17: 30 CNY spent today + 0.01', 17, 1, 3000, 3000, { ok: false, limit: 'daily', limitAmount: 3000, remainingAmount: 0 }],
    ['age 17: a new day, 390 CNY this month + 10', 17, 1000, 0, 39000, { ok: true }],
    ['age 17: a new day, 390 CNY this month + 10.01', 17, 1001, 0, 39000, { ok: false, limit: 'monthly', limitAmount: 40000, remainingAmount: 1000 }],
    ['age 18: no cap', 18, 1_000_000, 1_000_000, 0, { ok: true }],
  ] as const)('%s', (_name, age, amount, today, month, expected) => {
    expect(decideReservation(spendingLimitsFor(policy, age), amount, today, month)).toEqual(expected);
  });

  it('shows and enforces the cap', () => {
    expect(spendingLimitsFor(policy, 12)).toEqual({ allowed: true, single: 5000, daily: 3000, monthly: 20000 });
    expect(spendingView(spendingLimitsFor(policy, 12), 2000, 19500)).toEqual({ singleMax: 5000, dailyRemaining: 1000, monthlyRemaining: 500 });
    expect(counterCeilings(spendingLimitsFor(policy, 12), 1000)).toEqual({ dayMaxBefore: 2000, monthMaxBefore: 19000 });
    expect(counterCeilings(spendingLimitsFor(policy, 17), 10000)).toEqual({ dayMaxBefore: -7000, monthMaxBefore: 30000 });
  });
});

describe('GET /v1/limits spending', () => {
  it.each([
    ['under 8 shows zeros', 7, 0, 0, { singleMax: 0, dailyRemaining: 0, monthlyRemaining: 0 }],
    ['ages 8–15 with nothing spent', 8, 0, 0, { singleMax: 5000, dailyRemaining: 5000, monthlyRemaining: 20000 }],
    ['ages 8–15 after 150 CNY this month, none today', 15, 0, 15000, { singleMax: 5000, dailyRemaining: 5000, monthlyRemaining: 5000 }],
    ['ages 8–15 after 30 CNY today', 15, 3000, 3000, { singleMax: 5000, dailyRemaining: 2000, monthlyRemaining: 17000 }],
    ['ages 16–17 after 100 CNY today', 16, 10000, 10000, { singleMax: 10000, dailyRemaining: 0, monthlyRemaining: 30000 }],
    ['adults: no limit', 18, 99999, 999999, { singleMax: null, dailyRemaining: null, monthlyRemaining: null }],
  ] as const)('%s', (_name, age, today, month, expected) => {
    expect(spendingView(limits(age), today, month)).toEqual(expected);
  });
});

describe('publisher policies', () => {
  const noneUnder12WithDailyCap = parseSpendingPolicy([under8, band(12, 5000, 3000, 20000), band(16, 10000, null, 40000), adults]);

  it.each([
    [7, false],
    [8, false],
    [11, false],
    [12, true],
    [15, true],
    [16, true],
  ])('no payments under 12 (stricter than the law) is accepted: age %i allowed = %s', (age, allowed) => {
    expect(spendingLimitsFor(noneUnder12WithDailyCap, age).allowed).toBe(allowed);
  });

  it('refuses payments under 12 on age', () => {
    expect(decideReservation(spendingLimitsFor(noneUnder12WithDailyCap, 11), 100, 0, 0)).toEqual({
      ok: false,
      limit: 'age',
      limitAmount: 0,
      remainingAmount: 0,
    });
  });

  it('caps a day (2024 Regulations Art. 44): 10 CNY spent today + 20 fits, + 20.01 does not', () => {
    const l = spendingLimitsFor(noneUnder12WithDailyCap, 13);
    expect(decideReservation(l, 2000, 1000, 1000)).toEqual({ ok: true });
    expect(decideReservation(l, 2001, 1000, 1000)).toEqual({ ok: false, limit: 'daily', limitAmount: 3000, remainingAmount: 2000 });
    expect(spendingView(l, 1000, 1000)).toEqual({ singleMax: 5000, dailyRemaining: 2000, monthlyRemaining: 19000 });
  });

  it('may cap adults too', () => {
    const policy = parseSpendingPolicy([...DEFAULT_SPENDING_POLICY.slice(0, 3), band(18, 100_000, 200_000, 1_000_000)]);
    expect(decideReservation(spendingLimitsFor(policy, 40), 100_001, 0, 0)).toEqual({
      ok: false,
      limit: 'single',
      limitAmount: 100_000,
      remainingAmount: 100_000,
    });
  });

  it.each([
    ['paid service under 8', [band(0, 100, null, 100), adults], 'ages 0–7: paid services must be refused (2019 notice: no paid service under 8)'],
    [
      'paid service at 7 only',
      [under8, band(7, 100, null, 100), band(8, 5000, null, 20000), band(16, 10000, null, 40000), adults],
      'age 7: paid services must be refused (2019 notice: no paid service under 8)',
    ],
    [
      'single 60 CNY for 8–15',
      [under8, band(8, 6000, null, 20000), band(16, 10000, null, 40000), adults],
      'ages 8–15: single top-up limit 6000 fen exceeds the legal 5000 fen (2019 notice)',
    ],
    [
      'no monthly limit for 8–15',
      [under8, band(8, 5000, null, null), band(16, 10000, null, 40000), adults],
      'ages 8–15: monthly limit no limit exceeds the legal 20000 fen (2019 notice)',
    ],
    [
      'the 16–17 band from age 15',
      [under8, band(8, 5000, null, 20000), band(15, 10000, null, 40000), adults],
      'age 15: single top-up limit 10000 fen exceeds the legal 5000 fen (2019 notice)',
    ],
    [
      'single 100.01 CNY for 16–17',
      [under8, band(8, 5000, null, 20000), band(16, 10001, null, 40000), adults],
      'ages 16–17: single top-up limit 10001 fen exceeds the legal 10000 fen (2019 notice)',
    ],
    [
      'monthly 400.01 CNY for 16–17',
      [under8, band(8, 5000, null, 20000), band(16, 10000, null, 40001), adults],
      'ages 16–17: monthly limit 40001 fen exceeds the legal 40000 fen (2019 notice)',
    ],
    [
      'adult limits from 17',
      [under8, band(8, 5000, null, 20000), band(16, 10000, null, 40000), band(17, null, null, null)],
      'age 17: single top-up limit no limit exceeds the legal 10000 fen (2019 notice)',
    ],
    [
      'daily cap above the month',
      [under8, band(8, 5000, 30000, 20000), band(16, 10000, null, 40000), adults],
      'ages 8–15: daily cap 30000 fen is higher than the monthly limit 20000 fen (2024 Regulations Art. 44)',
    ],
    [
      'adult daily cap above the adult month',
      [under8, band(8, 5000, null, 20000), band(16, 10000, null, 40000), band(18, null, 2000, 1000)],
      'ages 18 and over: daily cap 2000 fen is higher than the monthly limit 1000 fen (2024 Regulations Art. 44)',
    ],
  ])('refuses a looser policy, naming the rule: %s', (_name, policy, message) => {
    expect(() => parseSpendingPolicy(policy)).toThrow(message);
    expect(() => assertNotLooserThanLaw(policy)).toThrow(message);
  });

  it.each([
    ['not a list', { fromAge: 0 }, /invalid spending policy/],
    ['no bands', [], /invalid spending policy/],
    ['fractional fen', [{ ...under8, allowed: true, single: 0.5 }], /invalid spending policy: 0\.single/],
    ['negative limit', [under8, band(8, -1, null, 20000), adults], /invalid spending policy: 1\.single/],
    ['an unknown field', [{ ...under8, weekly: 1 }, adults], /invalid spending policy/],
    ['first band above 0', [band(8, 5000, null, 20000), adults], 'spending policy: the first band must start at age 0'],
    [
      'unsorted bands',
      [under8, band(16, 10000, null, 40000), band(8, 5000, null, 20000), adults],
      'spending policy: bands must be sorted by fromAge without repeats (8 after 16)',
    ],
  ])('refuses a malformed policy: %s', (_name, policy, message) => {
    expect(() => parseSpendingPolicy(policy)).toThrow(message);
  });

  it('accepts a stricter no-payments-under-12 policy directly', () => {
    const policy = [band(0, 0, 0, 0, false), band(12, 5000, null, 20000), band(16, 10000, null, 40000), adults];
    expect(() => assertNotLooserThanLaw(policy)).not.toThrow();
    expect(spendingLimitsFor(policy, 11)).toEqual(none);
    expect(spendingLimitsFor(policy, 12)).toEqual({ allowed: true, single: 5000, daily: 5000, monthly: 20000 });
  });

  it.each([
    [
      'allowed under 8 via the 8–15 band from 6',
      [under8, band(6, 5000, null, 20000), band(16, 10000, null, 40000), adults],
      'ages 6–7: paid services must be refused',
    ],
    [
      'monthly 200.01 CNY for 8–15',
      [under8, band(8, 5000, null, 20001), band(16, 10000, null, 40000), adults],
      'ages 8–15: monthly limit 20001 fen exceeds the legal 20000 fen (2019 notice)',
    ],
    [
      'no single limit for 16–17',
      [under8, band(8, 5000, null, 20000), band(16, null, null, 40000), adults],
      'ages 16–17: single top-up limit no limit exceeds the legal 10000 fen (2019 notice)',
    ],
  ])('names the band of a looser policy: %s', (_name, policy, message) => {
    expect(() => assertNotLooserThanLaw(policy)).toThrow(message);
  });

  it('accepts the law itself', () => {
    expect(() => assertNotLooserThanLaw(DEFAULT_SPENDING_POLICY)).not.toThrow();
    expect(parseSpendingPolicy(structuredClone(DEFAULT_SPENDING_POLICY))).toEqual(DEFAULT_SPENDING_POLICY);
  });

  it('accepts a policy exactly when every minor age 0–17 is at least as strict as the law (and daily ≤ monthly)', () => {
    // Amounts around the law's numbers, so that both outcomes are common.
    const fenArb = fc.oneof(fc.constantFrom(null, 0, 3000, 5000, 5001, 10000, 10001, 20000, 20001, 40000, 40001), fc.integer({ min: 0, max: 50000 }));
    const policyArb = fc
      .uniqueArray(fc.integer({ min: 1, max: 25 }), { maxLength: 5 })
      .chain((cuts) =>
        fc.tuple(
          ...[0, ...cuts.sort((a, b) => a - b)].map((fromAge) =>
            fc.record({ fromAge: fc.constant(fromAge), single: fenArb, daily: fenArb, monthly: fenArb, allowed: fc.boolean() }),
          ),
        ),
      );
    const strictEnoughAt = (policy: SpendingBand[], age: number): boolean => {
      const c = spendingLimitsFor(policy, age);
      const law = spendingLimitsFor(DEFAULT_SPENDING_POLICY, age);
      if (!c.allowed) return true;
      if (!law.allowed) return false;
      return c.single !== null && c.single <= law.single! && c.monthly !== null && c.monthly <= law.monthly!;
    };
    fc.assert(
      fc.property(policyArb, (policy) => {
        const legal =
          Array.from({ length: 18 }, (_, age) => age).every((age) => strictEnoughAt(policy, age)) &&
          policy.every((b) => !b.allowed || b.daily === null || b.monthly === null || b.daily <= b.monthly);
        if (legal) expect(() => assertNotLooserThanLaw(policy)).not.toThrow();
        else expect(() => assertNotLooserThanLaw(policy)).toThrow(/\((2019 notice|2024 Regulations Art\. 44)/);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('the view and the counter ceilings agree with the decision', () => {
  const amount = fc.integer({ min: 1, max: 60000 });
  const spent = fc.integer({ min: 0, max: 60000 });
  const limit = (max: number) => fc.option(fc.integer({ min: 0, max }), { nil: null });
  const limitsArb: fc.Arbitrary<SpendingLimits> = fc.oneof(
    fc.constant(none),
    fc.record({ allowed: fc.constant(true), single: limit(20000), daily: limit(30000), monthly: limit(50000) }),
  );

  it('a reservation is accepted exactly when the amount fits what GET /v1/limits shows', () => {
    fc.assert(
      fc.property(limitsArb, amount, spent, spent, (l, a, today, month) => {
        const v = spendingView(l, today, month);
        const fits =
          l.allowed &&
          (v.singleMax === null || a <= v.singleMax) &&
          (v.dailyRemaining === null || a <= v.dailyRemaining) &&
          (v.monthlyRemaining === null || a <= v.monthlyRemaining);
        expect(decideReservation(l, a, today, month).ok).toBe(fits);
      }),
      { numRuns: 2000 },
    );
  });

  it('a refusal reports what the view shows as remaining for that limit', () => {
    fc.assert(
      fc.property(limitsArb, amount, spent, spent, (l, a, today, month) => {
        const d = decideReservation(l, a, today, month);
        const v = spendingView(l, today, month);
        if (d.ok) return;
        const shown = { age: 0, single: v.singleMax, daily: v.dailyRemaining, monthly: v.monthlyRemaining }[d.limit];
        expect(d.remainingAmount).toBe(shown);
      }),
      { numRuns: 1000 },
    );
  });

  it('counters within their ceilings accept exactly the reservations the decision accepts (once age and single passed)', () => {
    fc.assert(
      fc.property(limitsArb, amount, spent, spent, (l, a, today, month) => {
        fc.pre(l.allowed && (l.single === null || a <= l.single));
        const c = counterCeilings(l, a);
        const conditionsHold = (c.dayMaxBefore === null || today <= c.dayMaxBefore) && (c.monthMaxBefore === null || month <= c.monthMaxBefore);
        expect(conditionsHold).toBe(decideReservation(l, a, today, month).ok);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['ages 8–15, 30 CNY', limits(12), 3000, { dayMaxBefore: 2000, monthMaxBefore: 17000 }],
    ['ages 16–17, 100 CNY', limits(16), 10000, { dayMaxBefore: 0, monthMaxBefore: 30000 }],
    ['adults', limits(30), 3000, { dayMaxBefore: null, monthMaxBefore: null }],
    ['a daily cap', { allowed: true, single: 5000, daily: 3000, monthly: 20000 }, 1000, { dayMaxBefore: 2000, monthMaxBefore: 19000 }],
  ] as const)('counter ceilings: %s', (_name, l, a, expected) => {
    expect(counterCeilings(l, a)).toEqual(expected);
  });
});

/**
 * Who sets each limit, for every band (and an adult under forced minor rules), every cap and every
 * source: the law's bands with the daily cap at the band's single cap where no one set another
 * (2024 Regulations Art. 44), a publisher's policy (a daily cap above that default but within the
 * month is the publisher's), and a guardian's caps below both. Through the spending service's own
 * composition (`limitsFor`), with exact amounts.
 */
describe('every band × cap × source (the limits a payment is held to, and who set each)', () => {
  const NOW = Date.parse('2026-10-14T10:00:00+08:00');
  const birthFor = (age: number) => `${2026 - age - 1}-12-31`;
  const guardianControls = {
    playBanned: false,
    windows: null,
    dailyPlayMinutes: null,
    spending: { single: 1000, daily: 1500, monthly: 3000 },
    paymentApproval: false,
  };
  const guarded = { rev: 1, guardians: [{ guardianId: 'g', wardId: 'w', confirmed: true, approves: false, controls: guardianControls }] };
  const PUBLISHER = parseSpendingPolicy([under8, band(8, 3000, 6000, 15000), band(16, 8000, null, 30000), band(18, 100_000, null, 1_000_000)]);
  type Source = 'law' | 'publisher' | 'guardian';
  const deps = (source: Source) => ({ policy: source === 'law' ? DEFAULT_SPENDING_POLICY : PUBLISHER });
  const account = (who: 'age0' | 'age8' | 'age16' | 'adult' | 'forced', source: Source) => ({
    birthDate: birthFor({ age0: 5, age8: 10, age16: 17, adult: 30, forced: 30 }[who]),
    ...(who === 'forced' ? { minorRulesUntil: NOW + 86_400_000 } : {}),
    ...(source === 'guardian' ? { guardianship: guarded } : {}),
  });

  it.each([
    // band, cap, source: the amount, and who set it
    ['0 (under 8)', 'age0', 'law', { allowed: false, single: 0, daily: 0, monthly: 0 }, { age: 'law', single: 'law', daily: 'law', monthly: 'law' }],
    ['0 (under 8)', 'age0', 'publisher', { allowed: false, single: 0, daily: 0, monthly: 0 }, { age: 'law', single: 'law', daily: 'law', monthly: 'law' }],
    ['0 (under 8)', 'age0', 'guardian', { allowed: false, single: 0, daily: 0, monthly: 0 }, { age: 'law', single: 'law', daily: 'law', monthly: 'law' }],
    [
      '8 (8–15)',
      'age8',
      'law',
      { allowed: true, single: 5000, daily: 5000, monthly: 20000 },
      { age: 'publisher', single: 'law', daily: 'law', monthly: 'law' },
    ],
    [
      '8 (8–15)',
      'age8',
      'publisher',
      { allowed: true, single: 3000, daily: 6000, monthly: 15000 },
      { age: 'publisher', single: 'publisher', daily: 'publisher', monthly: 'publisher' },
    ],
    [
      '8 (8–15)',
      'age8',
      'guardian',
      { allowed: true, single: 1000, daily: 1500, monthly: 3000 },
      { age: 'publisher', single: 'guardian', daily: 'guardian', monthly: 'guardian' },
    ],
    [
      '16 (16–17)',
      'age16',
      'law',
      { allowed: true, single: 10000, daily: 10000, monthly: 40000 },
      { age: 'publisher', single: 'law', daily: 'law', monthly: 'law' },
    ],
    // The publisher set no daily cap for 16–17: its single cap (8,000, below the law's) is the day's, the publisher's.
    [
      '16 (16–17)',
      'age16',
      'publisher',
      { allowed: true, single: 8000, daily: 8000, monthly: 30000 },
      { age: 'publisher', single: 'publisher', daily: 'publisher', monthly: 'publisher' },
    ],
    [
      '16 (16–17)',
      'age16',
      'guardian',
      { allowed: true, single: 1000, daily: 1500, monthly: 3000 },
      { age: 'publisher', single: 'guardian', daily: 'guardian', monthly: 'guardian' },
    ],
    [
      '18 (adult)',
      'adult',
      'law',
      { allowed: true, single: null, daily: null, monthly: null },
      { age: 'publisher', single: 'law', daily: 'law', monthly: 'law' },
    ],
    [
      '18 (adult)',
      'adult',
      'publisher',
      { allowed: true, single: 100_000, daily: null, monthly: 1_000_000 },
      { age: 'publisher', single: 'publisher', daily: 'law', monthly: 'publisher' },
    ],
    // A guardian's controls are for wards: an adult's guardianship copy changes nothing.
    [
      '18 (adult)',
      'adult',
      'guardian',
      { allowed: true, single: null, daily: null, monthly: null },
      { age: 'publisher', single: 'law', daily: 'law', monthly: 'law' },
    ],
    // An adult under forced minor rules pays in the most protective band that allows paying: 8–15.
    [
      'forced minor rules',
      'forced',
      'law',
      { allowed: true, single: 5000, daily: 5000, monthly: 20000 },
      { age: 'publisher', single: 'law', daily: 'law', monthly: 'law' },
    ],
    [
      'forced minor rules',
      'forced',
      'publisher',
      { allowed: true, single: 3000, daily: 6000, monthly: 15000 },
      { age: 'publisher', single: 'publisher', daily: 'publisher', monthly: 'publisher' },
    ],
    [
      'forced minor rules',
      'forced',
      'guardian',
      { allowed: true, single: 1000, daily: 1500, monthly: 3000 },
      { age: 'publisher', single: 'guardian', daily: 'guardian', monthly: 'guardian' },
    ],
  ] as const)('band %s, %s, set by %s', (_band, who, source, limits, sources) => {
    const d = source === 'guardian' ? deps('law') : deps(source);
    expect(limitsFor(d, account(who, source) as never, NOW)).toEqual({ limits, source: sources });
  });

  it('refuses each limit naming its source (a payment one fen over it, or an age band with no paid service)', () => {
    const refusal = (who: 'age0' | 'age8' | 'age16' | 'forced', source: Source, amount: number, today: number, month: number) => {
      const { limits, source: by } = limitsFor(source === 'guardian' ? deps('law') : deps(source), account(who, source) as never, NOW);
      const d = decideReservation(limits, amount, today, month);
      return d.ok ? 'ok' : `${d.limit}/${by[d.limit]}/${d.limitAmount}/${d.remainingAmount}`;
    };
    expect([
      refusal('age0', 'law', 1, 0, 0),
      refusal('age8', 'law', 5001, 0, 0),
      refusal('age8', 'law', 1, 5000, 5000),
      refusal('age8', 'law', 1, 0, 20000),
      refusal('age8', 'publisher', 3001, 0, 0),
      refusal('age8', 'publisher', 1, 6000, 6000),
      refusal('age8', 'publisher', 1, 0, 15000),
      refusal('age16', 'guardian', 1001, 0, 0),
      refusal('age16', 'guardian', 1, 1500, 1500),
      refusal('age16', 'guardian', 1, 0, 3000),
      refusal('forced', 'law', 5001, 0, 0),
      refusal('forced', 'law', 2001, 3000, 3000),
    ]).toEqual([
      'age/law/0/0',
      'single/law/5000/5000',
      'daily/law/5000/0',
      'monthly/law/20000/0',
      'single/publisher/3000/3000',
      'daily/publisher/6000/0',
      'monthly/publisher/15000/0',
      'single/guardian/1000/1000',
      'daily/guardian/1500/0',
      'monthly/guardian/3000/0',
      'single/law/5000/5000',
      'daily/law/5000/2000',
    ]);
  });

  it.each([
    ['the law', DEFAULT_SPENDING_POLICY, 8],
    ['nothing under 12', [under8, band(12, 5000, null, 20000), band(16, 10000, null, 40000), adults], 12],
    [
      'a stricter 16–17 band than 8–15 (the lowest monthly wins, not the youngest)',
      [under8, band(8, 5000, null, 20000), band(16, 4000, null, 10000), adults],
      16,
    ],
    ['two bands as strict: the youngest', [under8, band(8, 5000, null, 20000), band(12, 5000, null, 20000), band(16, 10000, null, 40000), adults], 8],
    ['no paid service for any minor', [band(0, 0, 0, 0, false), adults], null],
  ] as const)('forced minor rules pay in the most protective band that allows paying: %s', (_name, policy, age) => {
    expect(forcedMinorSpendingAge(parseSpendingPolicy(structuredClone(policy)))).toBe(age);
  });
});

describe('the daily cap always holds', () => {
  // Policies around the law's numbers, parsed (so within the law), with and without daily caps of their own.
  const fenArb = fc.oneof(fc.constantFrom(null, 0, 1000, 3000, 5000, 10000, 20000, 40000), fc.integer({ min: 0, max: 40000 }));
  const policyArb = fc
    .uniqueArray(fc.integer({ min: 1, max: 17 }), { maxLength: 4 })
    .chain((cuts) =>
      fc.tuple(
        ...[0, ...cuts.sort((a, b) => a - b), 18].map((fromAge) =>
          fc.record({ fromAge: fc.constant(fromAge), single: fenArb, daily: fenArb, monthly: fenArb, allowed: fc.boolean() }),
        ),
      ),
    )
    .map((bands) => {
      try {
        return parseSpendingPolicy(bands);
      } catch {
        return null;
      }
    })
    .filter((p): p is SpendingBand[] => p !== null);
  const capsArb = fc.option(
    fc.record({
      single: fc.option(fc.integer({ min: 0, max: 20000 }), { nil: null }),
      daily: fc.option(fc.integer({ min: 0, max: 20000 }), { nil: null }),
      monthly: fc.option(fc.integer({ min: 0, max: 40000 }), { nil: null }),
    }),
    { nil: undefined },
  );
  const whoArb = fc.oneof(
    fc.integer({ min: 0, max: 17 }).map((age) => ({ age, forced: false })),
    fc.constant({ age: 30, forced: true }),
  );
  const NOW = Date.parse('2026-10-14T10:00:00+08:00');

  it("no sequence of payments on one Beijing day passes a minor's daily cap, under any policy and any guardian's caps", () => {
    fc.assert(
      fc.property(
        policyArb,
        whoArb,
        capsArb,
        fc.integer({ min: 0, max: 30000 }),
        fc.array(fc.integer({ min: 1, max: 12000 }), { maxLength: 25 }),
        (policy, who, caps, monthBefore, amounts) => {
          const guardianship = caps
            ? {
                rev: 1,
                guardians: [
                  {
                    guardianId: 'g',
                    wardId: 'w',
                    confirmed: true,
                    approves: false,
                    controls: { playBanned: false, windows: null, dailyPlayMinutes: null, spending: caps, paymentApproval: false },
                  },
                ],
              }
            : undefined;
          const account = {
            birthDate: `${2026 - who.age - 1}-12-31`,
            ...(who.forced ? { minorRulesUntil: NOW + 1 } : {}),
            ...(guardianship ? { guardianship } : {}),
          };
          const { limits } = limitsFor({ policy }, account as never, NOW);
          if (!limits.allowed) return;
          // A minor (or an adult under minor rules) always has one: the band's own, or its single cap.
          expect(limits.daily).not.toBeNull();
          let day = 0;
          let month = monthBefore;
          for (const amount of amounts) {
            // What the reservation does: age and single first, then the counters' conditions (the limits).
            if (!decideReservation(limits, amount, 0, 0).ok) continue;
            const c = counterCeilings(limits, amount);
            if ((c.dayMaxBefore === null || day <= c.dayMaxBefore) && (c.monthMaxBefore === null || month <= c.monthMaxBefore)) {
              day += amount;
              month += amount;
            }
            expect(day).toBeLessThanOrEqual(limits.daily!);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("a publisher's daily cap may be any up to the month, never above it", () => {
    expect(spendingLimitsFor(parseSpendingPolicy([under8, band(8, 5000, 20000, 20000), band(16, 10000, null, 40000), adults]), 10).daily).toBe(20000);
    expect(() => parseSpendingPolicy([under8, band(8, 5000, 20001, 20000), band(16, 10000, null, 40000), adults])).toThrow(
      'ages 8–15: daily cap 20001 fen is higher than the monthly limit 20000 fen (2024 Regulations Art. 44)',
    );
  });
});
