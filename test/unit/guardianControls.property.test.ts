/**
 * What applies to a ward is never looser than any of its inputs (docs/guardians.md): the law, the
 * publisher's policy, and each guardian's controls on their own — for play (allowed now, time left)
 * and for spending (each limit), whatever the controls and however many guardians.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCalendar } from '#shared/domain/calendar';
import { combineControls, intersectWindows, tightenPolicy, tightenSpending, type GuardianControls } from '#shared/domain/guardianControls';
import { PRESETS } from '#shared/domain/playPolicy';
import { decidePlay } from '#shared/domain/playTime';
import { DEFAULT_SPENDING_POLICY, spendingLimitsFor, type SpendingLimits } from '#shared/domain/spendingPolicy';

const calendar = createCalendar();
const instant = fc.integer({ min: Date.parse('2025-01-01T00:00:00+08:00'), max: Date.parse('2026-12-31T23:59:59+08:00') });
const minorBirth = fc
  .integer({ min: Date.parse('2009-01-01T00:00:00Z'), max: Date.parse('2020-12-31T00:00:00Z') })
  .map((ms) => new Date(ms).toISOString().slice(0, 10));
const clock = fc
  .integer({ min: 0, max: 96 })
  .map((q) => (q === 96 ? '24:00' : `${String(Math.floor(q / 4)).padStart(2, '0')}:${String((q % 4) * 15).padStart(2, '0')}`));
const window = fc.tuple(clock, clock).filter(([a, b]) => a < b);
const amount = fc.option(fc.integer({ min: 0, max: 50_000 }), { nil: null });
const controls: fc.Arbitrary<GuardianControls> = fc.record({
  playBanned: fc.boolean(),
  windows: fc.option(fc.array(window, { maxLength: 3 }), { nil: null }),
  dailyPlayMinutes: fc.option(fc.integer({ min: 0, max: 300 }), { nil: null }),
  spending: fc.record({ single: amount, daily: amount, monthly: amount }),
  paymentApproval: fc.boolean(),
});
const preset = fc.constantFrom(PRESETS['nppa-2021'], PRESETS['nppa-2019']);
const lte = (a: number | null, b: number | null) => b === null || (a !== null && a <= b);

describe('guardians tighten, never loosen', () => {
  it('play: allowed only if the policy and every guardian alone allow it, with no more time left than any of them', () => {
    fc.assert(
      fc.property(
        preset,
        fc.array(controls, { minLength: 1, maxLength: 3 }),
        minorBirth,
        instant,
        fc.integer({ min: 0, max: 4 * 3600 }),
        (policy, all, birthDate, now, played) => {
          const player = { birthDate, playedSecondsToday: played };
          const combined = decidePlay(tightenPolicy(policy, combineControls(all)), calendar, player, now);
          const inputs = [
            decidePlay(policy, calendar, player, now),
            ...all.map((c) => decidePlay(tightenPolicy(policy, combineControls([c])), calendar, player, now)),
          ];
          for (const input of inputs) {
            if (combined.allowedNow) expect(input.allowedNow).toBe(true);
            expect(lte(combined.remainingSeconds, input.remainingSeconds)).toBe(true);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('spending: every limit is at most the law, the publisher and each guardian cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 17 }), fc.array(controls, { minLength: 1, maxLength: 3 }), (age, all) => {
        const law = spendingLimitsFor(DEFAULT_SPENDING_POLICY, age);
        const { limits } = tightenSpending(law, law, combineControls(all));
        const within = (l: SpendingLimits, caps: { single: number | null; daily: number | null; monthly: number | null }) => {
          if (!l.allowed) return;
          for (const k of ['single', 'daily', 'monthly'] as const) expect(lte(limits[k], caps[k])).toBe(true);
        };
        within(law, law);
        for (const c of all) within(law, c.spending);
        if (!law.allowed) expect(limits.allowed).toBe(false);
      }),
    );
  });
});

describe('guardian controls, exact cases', () => {
  it.each([
    [[{ start: 72000, end: 75600 }], [{ start: 72600, end: 73200 }], [{ start: 72600, end: 73200 }]],
    [
      [{ start: 72000, end: 75600 }],
      [
        { start: 68400, end: 73200 },
        { start: 74400, end: 86400 },
      ],
      [
        { start: 72000, end: 73200 },
        { start: 74400, end: 75600 },
      ],
    ],
    [[{ start: 72000, end: 75600 }], [{ start: 0, end: 3600 }], []],
  ])('intersects windows %j ∩ %j = %j', (a, b, expected) => {
    expect(intersectWindows(a, b)).toEqual(expected);
  });

  it('combines two guardians: windows intersect, the smaller cap and budget win, a ban or approval from either holds', () => {
    const base = { playBanned: false, windows: null, dailyPlayMinutes: null, spending: { single: null, daily: null, monthly: null }, paymentApproval: false };
    expect(
      combineControls([
        { ...base, windows: [['20:00', '20:30']], dailyPlayMinutes: 40, spending: { single: 3000, daily: null, monthly: 9000 } },
        { ...base, windows: [['20:10', '21:00']], dailyPlayMinutes: 20, spending: { single: 5000, daily: 2000, monthly: null }, paymentApproval: true },
      ]),
    ).toEqual({
      playBanned: false,
      windows: [{ start: 72600, end: 73800 }],
      dailyPlaySeconds: 1200,
      spending: { single: 3000, daily: 2000, monthly: 9000 },
      paymentApproval: true,
    });
    expect(combineControls([])).toBeNull();
  });

  it('names who set each limit', () => {
    const law = spendingLimitsFor(DEFAULT_SPENDING_POLICY, 12);
    // The publisher's own daily cap, above the law's default (the band's single cap) but within the month: still the publisher's.
    const publisher = { ...law, daily: 10_000 };
    const rules = combineControls([
      { playBanned: false, windows: null, dailyPlayMinutes: null, spending: { single: 3000, daily: null, monthly: 30_000 }, paymentApproval: false },
    ]);
    expect(tightenSpending(law, publisher, rules, true)).toEqual({
      limits: { allowed: true, single: 3000, daily: 10_000, monthly: 20_000 },
      source: { age: 'publisher', single: 'guardian', daily: 'publisher', monthly: 'law' },
    });
    // No one set a daily cap: the band's single cap applies, the law's (2024 Regulations Art. 44).
    expect(tightenSpending(law, law, rules)).toEqual({
      limits: { allowed: true, single: 3000, daily: 5000, monthly: 20_000 },
      source: { age: 'publisher', single: 'guardian', daily: 'law', monthly: 'law' },
    });
  });
});
