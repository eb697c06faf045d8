/**
 * A play session's rules as plain values (shared/domain/sessionRules.ts): the heartbeat cadence, as
 * long as enforcement allows, landing on the warnings and the end; what a heartbeat answers; a
 * silent session's deadline and its logout within the national system's ±5 minutes; the day play a
 * session adds; the decision under a ward's guardians.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createCalendar } from '#shared/domain/calendar';
import { NO_CONTROLS, type GuardianControls } from '#shared/domain/guardianControls';
import { PRESETS } from '#shared/domain/playPolicy';
import type { PlayDecision } from '#shared/domain/playTime';
import {
  ADULT_HEARTBEAT_SECONDS,
  ALL_GAMES,
  answerAt,
  COUNTED_HEARTBEAT_SECONDS,
  dayPlay,
  decideWithGuardians,
  heartbeatCadence,
  heartbeatDeadline,
  identityLeaseScope,
  LOGOUT_TOLERANCE_SECONDS,
  MINOR_HEARTBEAT_SECONDS,
  nextHeartbeatSeconds,
  sessionGuardians,
  silentSessionEnd,
  WARN_AT_SECONDS,
  type LiveSession,
} from '#shared/domain/sessionRules';

const minorWith = (remainingSeconds: number | null) => ({ minor: true, remainingSeconds }) as PlayDecision;
describe('heartbeat cadence', () => {
  it.each([
    [false, false, 600],
    [false, true, 600],
    [true, false, 300],
    [true, true, 60],
  ])('minor %s, play time counted %s → %i s', (minor, counted, seconds) => {
    expect(heartbeatCadence(minor, counted)).toBe(seconds);
  });

  it.each([
    // remaining, cadence → next heartbeat: on the 15-minute mark, the 5-minute mark, the end.
    [3600, 300, 300],
    [1200, 300, 300],
    [1000, 300, 100],
    [900, 300, 300],
    [600, 300, 300],
    [400, 300, 100],
    [300, 300, 300],
    [299, 300, 299],
    [42, 300, 42],
    [1, 300, 1],
    [1000, 60, 60],
    [930, 60, 30],
    [45, 60, 45],
  ])('a minor with %i s left and a %i s cadence beats in %i s', (remaining, cadence, next) => {
    expect(nextHeartbeatSeconds(minorWith(remaining), cadence)).toBe(next);
  });

  it("adults and minors without a limit beat on the cadence, never longer than an adult's", () => {
    expect(nextHeartbeatSeconds({ minor: false, remainingSeconds: null } as PlayDecision, ADULT_HEARTBEAT_SECONDS)).toBe(600);
    expect(nextHeartbeatSeconds(minorWith(null), MINOR_HEARTBEAT_SECONDS)).toBe(300);
  });

  it('never skips a warning mark or the end, and never exceeds the cadence (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 86_400 }), fc.constantFrom(COUNTED_HEARTBEAT_SECONDS, MINOR_HEARTBEAT_SECONDS), (remaining, cadence) => {
        const next = nextHeartbeatSeconds(minorWith(remaining), cadence);
        expect(next).toBeGreaterThanOrEqual(1);
        expect(next).toBeLessThanOrEqual(Math.min(cadence, remaining));
        for (const mark of [...WARN_AT_SECONDS, 0]) if (mark < remaining) expect(remaining - next).toBeGreaterThanOrEqual(mark);
      }),
    );
  });
});

describe('a silent session ends within ±5 minutes of the real logout', () => {
  it.each([
    [60, 0],
    [300, 0],
    [600, 300_000],
  ])('interval %i s → ends %i ms after the last heartbeat', (intervalSeconds, after) => {
    expect(silentSessionEnd({ lastHeartbeatAt: 1_000_000, intervalSeconds })).toBe(1_000_000 + after);
  });

  it('for any real leave between the last heartbeat and the next one owed (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(COUNTED_HEARTBEAT_SECONDS, MINOR_HEARTBEAT_SECONDS, ADULT_HEARTBEAT_SECONDS),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (intervalSeconds, fraction) => {
          const last = 1_800_000_000_000;
          const realLeave = last + fraction * intervalSeconds * 1000;
          expect(Math.abs(silentSessionEnd({ lastHeartbeatAt: last, intervalSeconds }) - realLeave)).toBeLessThanOrEqual(LOGOUT_TOLERANCE_SECONDS * 1000);
        },
      ),
    );
  });
});

// 2026-12-04 is a Friday: under nppa-2021 a minor plays 20:00–21:00.
const at = (hhmm: string) => Date.parse(`2026-12-04T${hhmm}:00+08:00`);
const play = { policy: PRESETS['nppa-2021'], calendar: createCalendar() };
const minor: LiveSession = { birthDate: '2012-05-01', startedAt: at('20:00'), playedBeforeSeconds: 0, intervalSeconds: MINOR_HEARTBEAT_SECONDS };
const adult: LiveSession = { birthDate: '1990-05-01', startedAt: at('20:00'), playedBeforeSeconds: 0, intervalSeconds: ADULT_HEARTBEAT_SECONDS };
const controls = (c: Partial<GuardianControls>): GuardianControls => ({ ...NO_CONTROLS, ...c });

describe('what a heartbeat answers', () => {
  it.each([
    [
      'a minor inside the window',
      minor,
      '20:10',
      { action: 'continue', remainingSeconds: 3000, endsAt: '2026-12-04T21:00:00+08:00', nextHeartbeatSeconds: 300 },
    ],
    [
      'a minor 15 minutes before the end',
      minor,
      '20:45',
      { action: 'warn', remainingSeconds: 900, endsAt: '2026-12-04T21:00:00+08:00', nextHeartbeatSeconds: 300 },
    ],
    [
      'a minor 5 minutes before the end',
      minor,
      '20:55',
      { action: 'warn', remainingSeconds: 300, endsAt: '2026-12-04T21:00:00+08:00', nextHeartbeatSeconds: 300 },
    ],
    [
      'a minor at the end',
      minor,
      '21:00',
      { action: 'terminate', remainingSeconds: 0, endsAt: null, nextHeartbeatSeconds: 300, reason: 'outside_allowed_hours' },
    ],
    ['an adult at any hour', adult, '23:30', { action: 'continue', remainingSeconds: null, endsAt: null, nextHeartbeatSeconds: 600 }],
  ] as const)('%s', (_, session, time, answer) => {
    expect(answerAt(play, session, at(time))).toEqual(answer);
  });

  it("ends a ward's play when a confirmed guardian bans it, by the guardian", () => {
    const banned = { ...minor, guardian: { guardians: [{ confirmed: true, controls: controls({ playBanned: true }) }] } };
    expect(answerAt(play, banned, at('20:10'))).toEqual({
      action: 'terminate',
      remainingSeconds: 0,
      endsAt: null,
      nextHeartbeatSeconds: 300,
      reason: 'guardian_restricted',
    });
  });

  it("applies a pending link's controls only until its code expires", () => {
    const pending = { ...minor, guardian: { guardians: [{ confirmed: false, until: at('20:05'), controls: controls({ playBanned: true }) }] } };
    expect(answerAt(play, pending, at('20:04')).reason).toBe('guardian_restricted');
    expect(answerAt(play, pending, at('20:10')).action).toBe('continue');
  });

  it("counts a ward's play once a guardian sets daily minutes: the budget's end, beats every minute", () => {
    const counted = { ...minor, playedBeforeSeconds: 300, guardian: { guardians: [{ confirmed: true, controls: controls({ dailyPlayMinutes: 30 }) }] } };
    // 300 s before the session and 600 s in it: 900 s of the 1,800 left, ending at 20:25.
    expect(answerAt(play, counted, at('20:10'))).toEqual({
      action: 'warn',
      remainingSeconds: 900,
      endsAt: '2026-12-04T20:25:00+08:00',
      nextHeartbeatSeconds: 60,
    });
    expect(answerAt(play, counted, at('20:25'))).toMatchObject({ action: 'terminate', reason: 'guardian_restricted' });
  });
});

describe('the decision under guardians', () => {
  it('is by the guardian only when the law and the policy alone would allow play', () => {
    const rules = { playBanned: true, windows: null, dailyPlaySeconds: null, spending: { single: null, daily: null, monthly: null }, paymentApproval: false };
    expect(decideWithGuardians(play, minor, rules, 0, at('20:10'))).toMatchObject({ allowedNow: false, byGuardian: true });
    expect(decideWithGuardians(play, minor, rules, 0, at('19:00'))).toMatchObject({ allowedNow: false, byGuardian: false, reason: 'outside_allowed_hours' });
    expect(decideWithGuardians(play, adult, rules, 0, at('19:00'))).toMatchObject({ allowedNow: true, byGuardian: false, minor: false });
  });
});

describe('a session over', () => {
  it.each([
    [0, 60, 150_000],
    [1_000, 300, 631_000],
    [1_000, 600, 1_231_000],
  ])('last heard at %i ms with a %i s cadence: silent past %i ms', (last, interval, deadline) => {
    expect(heartbeatDeadline(last, interval)).toBe(deadline);
  });

  it("adds a minor's seconds to the person's day, on the day it started; an adult's nothing", () => {
    expect(dayPlay({ startedAt: at('20:00'), minorAtLogin: true, playedBeforeSeconds: 600 }, at('20:30'))).toEqual({
      day: '2026-12-04',
      seconds: 1800,
      total: 2400,
    });
    expect(dayPlay({ startedAt: at('20:00'), minorAtLogin: true, playedBeforeSeconds: 0 }, at('19:59'))).toEqual({ day: '2026-12-04', seconds: 0, total: 0 });
    expect(dayPlay({ startedAt: at('20:00'), minorAtLogin: false, playedBeforeSeconds: 0 }, at('20:30'))).toBeUndefined();
  });
});

describe("a minor's identity lease and a session's copy of the guardians", () => {
  it('spans every game only under a policy that counts play time', () => {
    expect(identityLeaseScope(PRESETS['nppa-2021'], 'g-main')).toBe('g-main');
    expect(identityLeaseScope(PRESETS['nppa-2019'], 'g-main')).toBe(ALL_GAMES);
  });

  it("keeps each link's confirmation, expiry and controls, and is watched when a link is confirmed", () => {
    const c = controls({ paymentApproval: true });
    expect(sessionGuardians({ rev: 3, guardians: [{ confirmed: false, until: 5, controls: c }] })).toEqual({
      rev: 3,
      guardians: [{ confirmed: false, until: 5, controls: c }],
      watched: false,
    });
    expect(
      sessionGuardians({
        rev: 4,
        guardians: [
          { confirmed: true, controls: c },
          { confirmed: false, until: 5 },
        ],
      }),
    ).toEqual({
      rev: 4,
      guardians: [
        { confirmed: true, controls: c },
        { confirmed: false, until: 5 },
      ],
      watched: true,
    });
  });
});
