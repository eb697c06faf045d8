/**
 * The heartbeat cadence (shared/sessions/service.ts): as long as enforcement allows, landing on the
 * warnings and the end; a silent session's logout within the national system's ±5 minutes.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ADULT_HEARTBEAT_SECONDS, COUNTED_HEARTBEAT_SECONDS, heartbeatCadence, LOGOUT_TOLERANCE_SECONDS, MINOR_HEARTBEAT_SECONDS, nextHeartbeatSeconds, silentSessionEnd, WARN_AT_SECONDS } from '#shared/sessions/service';
import type { PlayDecision } from '#shared/domain/playTime';

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

  it('adults and minors without a limit beat on the cadence, never longer than an adult\'s', () => {
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
      fc.property(fc.constantFrom(COUNTED_HEARTBEAT_SECONDS, MINOR_HEARTBEAT_SECONDS, ADULT_HEARTBEAT_SECONDS), fc.double({ min: 0, max: 1, noNaN: true }), (intervalSeconds, fraction) => {
        const last = 1_800_000_000_000;
        const realLeave = last + fraction * intervalSeconds * 1000;
        expect(Math.abs(silentSessionEnd({ lastHeartbeatAt: last, intervalSeconds }) - realLeave)).toBeLessThanOrEqual(LOGOUT_TOLERANCE_SECONDS * 1000);
      }),
    );
  });
});
