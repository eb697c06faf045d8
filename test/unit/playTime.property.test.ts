/**
 * The shape of the play-time rule (docs/rules.md §2), for any instant of 2025–2026 and any minor:
 * nothing is allowed outside a window, remaining time never passes the window's end, the next
 * window is the earliest allowed instant, and adults are always allowed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { beijingDate, beijingMidnight, secondOfBeijingDay } from '#shared/domain/beijingTime';
import { createCalendar } from '#shared/domain/calendar';
import { PRESETS } from '#shared/domain/playPolicy';
import { decidePlay } from '#shared/domain/playTime';

const calendar = createCalendar();
const policy = PRESETS['nppa-2021'];
const FROM = Date.parse('2025-01-01T00:00:00+08:00');
const TO = Date.parse('2026-12-31T23:59:59+08:00');
const instant = fc.integer({ min: FROM, max: TO });
// Minors throughout 2025–2026: born 2009-01-01 … 2020-12-31.
const minorBirth = fc
  .integer({ min: Date.parse('2009-01-01T00:00:00Z'), max: Date.parse('2020-12-31T00:00:00Z') })
  .map((ms) => new Date(ms).toISOString().slice(0, 10));
const adultBirth = fc
  .integer({ min: Date.parse('1930-01-01T00:00:00Z'), max: Date.parse('2006-12-31T00:00:00Z') })
  .map((ms) => new Date(ms).toISOString().slice(0, 10));

const WINDOW_START = 20 * 3600;
const WINDOW_END = 21 * 3600;
const playableDay = (ms: number) => calendar.dayKind(beijingDate(ms)).kind !== 'workday';

describe('nppa-2021 properties', () => {
  it('never allows a minor outside 20:00–21:00 of a holiday or a Fri/Sat/Sun that is not a make-up day', () => {
    fc.assert(
      fc.property(instant, minorBirth, (now, birthDate) => {
        const d = decidePlay(policy, calendar, { birthDate, playedSecondsToday: 0 }, now);
        const s = secondOfBeijingDay(now);
        const inWindow = playableDay(now) && s >= WINDOW_START && s < WINDOW_END;
        expect(d.minor).toBe(true);
        expect(d.allowedNow).toBe(inWindow);
      }),
      { numRuns: 2000 },
    );
  });

  it('never gives remaining time past the end of the window', () => {
    const inWindows = fc
      .tuple(fc.integer({ min: 0, max: 729 }), fc.integer({ min: 0, max: 3599_999 }))
      .map(([day, ms]) => FROM + day * 86_400_000 + WINDOW_START * 1000 + ms);
    fc.assert(
      fc.property(inWindows, minorBirth, (now, birthDate) => {
        const d = decidePlay(policy, calendar, { birthDate, playedSecondsToday: 0 }, now);
        if (!d.allowedNow) return;
        const windowEnd = beijingMidnight(beijingDate(now)) + WINDOW_END * 1000;
        expect(d.endsAtMs).toBe(windowEnd);
        expect(now + (d.remainingSeconds! - 1) * 1000).toBeLessThan(windowEnd);
        expect(now + d.remainingSeconds! * 1000).toBeLessThanOrEqual(windowEnd + 999);
        expect(d.remainingSeconds).toBe(Math.ceil((windowEnd - now) / 1000));
        expect(d.remainingSeconds!).toBeGreaterThanOrEqual(1);
        expect(d.remainingSeconds!).toBeLessThanOrEqual(3600);
      }),
      { numRuns: 1000 },
    );
  });

  it('names as next window the earliest allowed instant', () => {
    fc.assert(
      fc.property(instant, minorBirth, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 50, maxLength: 50 }), (now, birthDate, samples) => {
        const player = { birthDate, playedSecondsToday: 0 };
        const d = decidePlay(policy, calendar, player, now);
        if (d.allowedNow) return;
        expect(d.nextWindow).not.toBeNull();
        const { startMs, endMs } = d.nextWindow!;
        expect(startMs).toBeGreaterThan(now);
        expect(decidePlay(policy, calendar, player, startMs).allowedNow).toBe(true);
        if (endMs !== null) {
          expect(decidePlay(policy, calendar, player, endMs - 1).allowedNow).toBe(true);
          expect(decidePlay(policy, calendar, player, endMs).allowedNow).toBe(decidePlay(policy, calendar, player, endMs).minor === false);
        }
        expect(decidePlay(policy, calendar, player, startMs - 1).allowedNow).toBe(false);
        for (const f of samples) {
          const t = Math.floor(now + f * (startMs - 1 - now));
          expect(decidePlay(policy, calendar, player, t).allowedNow).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });

  // Instants close to the windows, where the rule has its edges: 19:59–21:01 Beijing on any day.
  const nearWindow = fc
    .tuple(fc.integer({ min: 0, max: 729 }), fc.integer({ min: -60_000, max: 3_660_000 }))
    .map(([day, ms]) => FROM + day * 86_400_000 + WINDOW_START * 1000 + ms);

  it('near the window edges: allowed exactly inside [20:00, 21:00) of a holiday or Fri/Sat/Sun day', () => {
    fc.assert(
      fc.property(nearWindow, minorBirth, (now, birthDate) => {
        const d = decidePlay(policy, calendar, { birthDate, playedSecondsToday: 0 }, now);
        const s = secondOfBeijingDay(now);
        const kind = calendar.dayKind(beijingDate(now)).kind;
        expect(d.allowedNow).toBe((kind === 'holiday' || kind === 'fridayToSunday') && s >= WINDOW_START && s < WINDOW_END);
        if (d.allowedNow) {
          const windowEnd = beijingMidnight(beijingDate(now)) + WINDOW_END * 1000;
          expect(now + d.remainingSeconds! * 1000).toBeLessThanOrEqual(windowEnd + 999);
          expect(d).toMatchObject({ endsAtMs: windowEnd, nextWindow: null });
          expect(d.reason).toBeUndefined();
        } else {
          expect(d).toMatchObject({ remainingSeconds: 0, endsAtMs: null, reason: 'outside_allowed_hours' });
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('the next window is also the earliest allowed instant for players turning 18 in the period', () => {
    // Born 2007-01-01 … 2008-12-31: 18th birthdays fall in 2025–2026.
    const nearAdult = fc
      .integer({ min: Date.parse('2007-01-01T00:00:00Z'), max: Date.parse('2008-12-31T00:00:00Z') })
      .map((ms) => new Date(ms).toISOString().slice(0, 10));
    fc.assert(
      fc.property(instant, nearAdult, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 50, maxLength: 50 }), (now, birthDate, samples) => {
        const player = { birthDate, playedSecondsToday: 0 };
        const d = decidePlay(policy, calendar, player, now);
        if (d.allowedNow) return;
        const { startMs, endMs } = d.nextWindow!;
        expect(startMs).toBeGreaterThan(now);
        const atStart = decidePlay(policy, calendar, player, startMs);
        expect(atStart.allowedNow).toBe(true);
        expect(endMs === null).toBe(!atStart.minor);
        expect(decidePlay(policy, calendar, player, startMs - 1).allowedNow).toBe(false);
        for (const f of samples) {
          const t = Math.floor(now + f * (startMs - 1 - now));
          expect(decidePlay(policy, calendar, player, t).allowedNow).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('an adult under forced minor rules: refused exactly where a minor is, and the next window is the earliest allowed instant', () => {
    fc.assert(
      fc.property(
        instant,
        adultBirth,
        fc.integer({ min: 0, max: 30 * 86_400_000 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 50, maxLength: 50 }),
        (now, birthDate, forMs, samples) => {
          const player = { birthDate, playedSecondsToday: 0, minorRulesUntilMs: now + forMs };
          const d = decidePlay(policy, calendar, player, now);
          const s = secondOfBeijingDay(now);
          expect(d.allowedNow).toBe(forMs === 0 || (playableDay(now) && s >= WINDOW_START && s < WINDOW_END));
          if (d.allowedNow) return;
          const { startMs, endMs } = d.nextWindow!;
          expect(startMs).toBeGreaterThan(now);
          expect(startMs).toBeLessThanOrEqual(now + forMs);
          expect(decidePlay(policy, calendar, player, startMs).allowedNow).toBe(true);
          expect(endMs === null).toBe(startMs === now + forMs);
          for (const f of samples) {
            const t = Math.floor(now + f * (startMs - 1 - now));
            expect(decidePlay(policy, calendar, player, t).allowedNow).toBe(false);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('always allows adults, with no limit', () => {
    fc.assert(
      fc.property(instant, adultBirth, (now, birthDate) => {
        const d = decidePlay(policy, calendar, { birthDate, playedSecondsToday: 0 }, now);
        expect(d).toMatchObject({ minor: false, ageBand: 18, allowedNow: true, remainingSeconds: null, endsAtMs: null, nextWindow: null });
        expect(d.reason).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});
