/**
 * The shape of the play-time rule (RULES.md §2), for any instant of 2025–2026 and any minor:
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
const minorBirth = fc.integer({ min: Date.parse('2009-01-01T00:00:00Z'), max: Date.parse('2020-12-31T00:00:00Z') }).map((ms) => new Date(ms).toISOString().slice(0, 10));
const adultBirth = fc.integer({ min: Date.parse('1930-01-01T00:00:00Z'), max: Date.parse('2006-12-31T00:00:00Z') }).map((ms) => new Date(ms).toISOString().slice(0, 10));

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
    const inWindows = fc.tuple(fc.integer({ min: 0, max: 729 }), fc.integer({ min: 0, max: 3599_999 })).map(([day, ms]) => FROM + day * 86_400_000 + WINDOW_START * 1000 + ms);
    fc.assert(
      fc.property(inWindows, minorBirth, (now, birthDate) => {
        const d = decidePlay(policy, calendar, { birthDate, playedSecondsToday: 0 }, now);
        if (!d.allowedNow) return;
        const windowEnd = beijingMidnight(beijingDate(now)) + WINDOW_END * 1000;
        expect(d.endsAtMs).toBe(windowEnd);
        expect(now + (d.remainingSeconds! - 1) * 1000).toBeLessThan(windowEnd);
        expect(d.remainingSeconds!).toBeGreaterThanOrEqual(1);
        expect(d.remainingSeconds!).toBeLessThanOrEqual(3600);
      }),
      { numRuns: 1000 },
    );
  });

  it('names as next window the earliest allowed instant', () => {
    fc.assert(
      fc.property(instant, minorBirth, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 20, maxLength: 20 }), (now, birthDate, samples) => {
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

  it('always allows adults, with no limit', () => {
    fc.assert(
      fc.property(instant, adultBirth, (now, birthDate) => {
        expect(decidePlay(policy, calendar, { birthDate, playedSecondsToday: 0 }, now)).toMatchObject({ minor: false, allowedNow: true, remainingSeconds: null, endsAtMs: null });
      }),
      { numRuns: 500 },
    );
  });
});
