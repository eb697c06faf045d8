/** The operators' figures as pure functions (shared/stats/figures.ts, report.ts). */
import { describe, expect, it } from 'vitest';
import { createCalendar } from '#shared/domain/calendar';
import { PRESETS } from '#shared/domain/playPolicy';
import { changeEffects, msOutsideWindows, splitByDay, weekBand, weekOf } from '#shared/stats/figures';
import { annualReport, suppressed } from '#shared/stats/report';
import { sessionKey } from '#shared/storage/keys';

const at = (iso: string) => Date.parse(iso);
const ctx = { policyFor: () => PRESETS['nppa-2021'], calendar: createCalendar(), firstGame: 'g1' };

describe('figures', () => {
  it("cuts play at Beijing midnight and measures it against that day's windows", () => {
    const parts = splitByDay(at('2026-12-04T23:30:00+08:00'), at('2026-12-05T00:30:00+08:00'));
    expect(parts.map((p) => [p.date, (p.endMs - p.startMs) / 1000])).toEqual([
      ['2026-12-04', 1800],
      ['2026-12-05', 1800],
    ]);
    // An ordinary Friday 20:00–21:00 is allowed; a make-up working Saturday (2026-10-10) allows nothing.
    expect(msOutsideWindows(PRESETS['nppa-2021'], ctx.calendar, splitByDay(at('2026-12-04T20:30:00+08:00'), at('2026-12-04T21:05:00+08:00'))[0]!)).toBe(
      300_000,
    );
    expect(msOutsideWindows(PRESETS['nppa-2021'], ctx.calendar, splitByDay(at('2026-10-10T20:00:00+08:00'), at('2026-10-10T20:10:00+08:00'))[0]!)).toBe(
      600_000,
    );
  });

  it('counts a session where its own times fall, not where it is processed', () => {
    const live = { gameId: 'g2', minorAtLogin: false, startedAt: at('2026-12-31T23:50:00+08:00'), state: 'live', identityHash: 'h' };
    const ended = changeEffects(ctx, {
      event: 'MODIFY',
      keys: sessionKey('s'),
      old: live,
      new: { ...live, state: 'ended', endReason: 'logout', endedAt: at('2027-01-01T00:20:00+08:00') },
      seenAtMs: at('2027-03-01T00:00:00Z'),
    });
    expect(ended.counts).toEqual([
      { date: '2027-01-01', gameId: 'g2', figure: 'terminations:logout', n: 1 },
      { date: '2026-12-31', gameId: 'g2', figure: 'adultPlayedSeconds', n: 600 },
      { date: '2027-01-01', gameId: 'g2', figure: 'adultPlayedSeconds', n: 1200 },
    ]);
    expect(changeEffects(ctx, { event: 'MODIFY', keys: sessionKey('s'), old: live, new: { ...live, lastSeq: 3 }, seenAtMs: 0 })).toEqual({
      counts: [],
      weekPlay: [],
    });
  });

  it("counts a rejection at submission from the account's failed attempts, once", () => {
    const key = { pk: 'ACCOUNT#a', sk: 'ACCOUNT' };
    const updatedAt = at('2026-12-04T10:00:00+08:00');
    expect(changeEffects(ctx, { event: 'MODIFY', keys: key, old: { failedAttempts: 1 }, new: { failedAttempts: 2, updatedAt }, seenAtMs: 0 }).counts).toEqual([
      { date: '2026-12-04', gameId: 'g1', figure: 'identities:rejected', n: 1 },
    ]);
    expect(changeEffects(ctx, { event: 'MODIFY', keys: key, old: { failedAttempts: 2 }, new: { failedAttempts: 2, devices: {} }, seenAtMs: 0 }).counts).toEqual(
      [],
    );
  });

  it("counts an account's pending check that failed or ran out as a rejection, once, and nothing for the person", () => {
    const key = { pk: 'ACCOUNT#a', sk: 'ACCOUNT' };
    const updatedAt = at('2026-12-05T09:20:00+08:00');
    expect(
      changeEffects(ctx, { event: 'MODIFY', keys: key, old: { identityStatus: 'pending' }, new: { identityStatus: 'rejected', updatedAt }, seenAtMs: 0 })
        .counts,
    ).toEqual([{ date: '2026-12-05', gameId: 'g1', figure: 'identities:rejected', n: 1 }]);
    expect(
      changeEffects(ctx, { event: 'MODIFY', keys: key, old: { identityStatus: 'rejected' }, new: { identityStatus: 'rejected', updatedAt }, seenAtMs: 0 })
        .counts,
    ).toEqual([]);
    expect(
      changeEffects(ctx, { event: 'MODIFY', keys: key, old: { identityStatus: 'pending' }, new: { identityStatus: 'verified', updatedAt }, seenAtMs: 0 })
        .counts,
    ).toEqual([]);
  });

  it('counts a guardian link once the kind exists, and ignores kinds it does not know', () => {
    expect(changeEffects(ctx, { event: 'INSERT', keys: { pk: 'UNKNOWN#x', sk: 'y' }, new: {}, seenAtMs: 0 }).counts).toEqual([]);
  });

  it('bands weeks by hours and starts them on Monday', () => {
    expect([0, 1, 3600, 3601, 7200, 10_800, 18_000, 18_001].map(weekBand)).toEqual([null, 'upTo1h', 'upTo1h', '1to2h', '1to2h', '2to3h', '3to5h', 'over5h']);
    expect([weekOf('2026-12-04'), weekOf('2026-11-30'), weekOf('2026-12-06')]).toEqual(['2026-11-30', '2026-11-30', '2026-11-30']);
  });

  it('reports the year with shares and the self-check, and suppresses small counts when published', () => {
    const r = annualReport({
      year: 2026,
      gameId: null,
      days: [
        {
          date: '2026-03-01',
          gameId: 'a',
          figures: { minorPlayedSeconds: 100, adultPlayedSeconds: 300, 'payments:committedAmount:8': 50, 'payments:committedAmount:18': 150 },
        },
        { date: '2027-01-01', gameId: 'a', figures: { minorPlayedSeconds: 999 } },
      ],
      weeks: [],
      calendarYears: [2025, 2026],
      generatedAt: 'now',
    });
    expect(r.shares).toEqual({ minorPlayTime: 0.25, minorSpending: 0.25, complaintsAnsweredOnTime: null });
    expect(r.months[2]!.minorPlayedSeconds).toBe(100);
    expect(r.selfCheck).toEqual({ minorSecondsOutsideWindows: 0, passed: true });
    expect([0, 1, 9, 10].map(suppressed)).toEqual(['0', '<10', '<10', '10']);
  });
});
