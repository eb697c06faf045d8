/**
 * The evidence a refund is decided on (shared/domain/paymentEvidence.ts), from the account item the
 * reservation reads anyway: exact values for a quiet payment and for one on a day of risk signals.
 */
import { describe, expect, it } from 'vitest';
import { paymentEvidence } from '#shared/domain/paymentEvidence';
import { DEFAULT_RISK_POLICY } from '#shared/domain/riskRules';

const at = (iso: string) => Date.parse(iso);
const NOW = at('2026-12-04T20:10:00+08:00');

describe('payment evidence', () => {
  it("of a quiet payment: the band, the identity, the session in progress in the order's game, the devices", () => {
    const account = {
      identityStatus: 'verified' as const,
      leases: { g1: { sessionId: 's-1' }, g2: { sessionId: 's-2' } },
      lastLoginAt: at('2026-12-04T20:05:00+08:00'),
      devices: { d1: at('2026-12-04T20:05:00+08:00'), d2: at('2026-12-02T09:00:00+08:00') },
    };
    expect(paymentEvidence(account, 'g2', 8, DEFAULT_RISK_POLICY, NOW)).toEqual({
      capturedAt: NOW,
      ageBand: 8,
      minorRules: false,
      identityStatus: 'verified',
      session: { inProgress: true, sessionId: 's-2', loggedInAt: at('2026-12-04T20:05:00+08:00') },
      // One device within the 24-hour risk window, two ever.
      devices: { inWindow: 1, known: 2 },
      riskSignals: [],
      flaggedAt: null,
    });
    expect(paymentEvidence({ identityStatus: 'pending', leases: {} }, 'g1', 16, DEFAULT_RISK_POLICY, NOW)).toMatchObject({
      identityStatus: 'pending',
      session: { inProgress: false, sessionId: null, loggedInAt: null },
      devices: { inWindow: 0, known: 0 },
    });
  });

  it("of a payment on a day of risk signals: that Beijing day's checks, passed, failed and open, in order; older ones left out", () => {
    const account = {
      identityStatus: 'verified' as const,
      leases: {},
      // Passed at 09:00 today (silenced 7 days), passed yesterday (left out).
      suppressed: { night_patrol: at('2026-12-11T09:00:00+08:00'), account_many_devices: at('2026-12-10T12:00:00+08:00') },
      // Failed at 10:00 today: minor rules for 30 days from then.
      minorRulesUntil: at('2027-01-03T10:00:00+08:00'),
      // Opened at 20:05 today, 10 minutes to answer.
      openChallenge: { challengeId: 'c-1', signal: 'payment_patrol', expiresAtMs: at('2026-12-04T20:15:00+08:00') },
      flaggedAt: at('2026-12-01T09:00:00+08:00'),
    };
    expect(paymentEvidence(account, 'g1', 8, DEFAULT_RISK_POLICY, NOW)).toMatchObject({
      minorRules: true,
      riskSignals: [
        { signal: 'night_patrol', outcome: 'passed', at: at('2026-12-04T09:00:00+08:00') },
        { signal: null, outcome: 'failed', at: at('2026-12-04T10:00:00+08:00') },
        { signal: 'payment_patrol', outcome: 'open', at: at('2026-12-04T20:05:00+08:00') },
      ],
      flaggedAt: at('2026-12-01T09:00:00+08:00'),
    });
  });
});
