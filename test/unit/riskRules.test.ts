import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RISK_POLICY, evaluateLogin, evaluatePayment, nightPlaySecondsBetween, parseRiskPolicy, type LoginFacts, type PaymentFacts } from '#shared/domain/riskRules';

const NOW = Date.parse('2026-11-25T12:00:00+08:00');
const quiet: LoginFacts = { adult: true, distinctAccountsOnDevice: 1, distinctDevicesForAccount: 1, nightPlaySecondsLast24h: 0, beyondAccountLimit: false, suppressedUntil: {} };
const login = (f: Partial<LoginFacts>) => evaluateLogin(DEFAULT_RISK_POLICY, { ...quiet, ...f }, NOW);
const payer: PaymentFacts = { adult: true, age: 30, flagged: false, spentThisMonth: 0, suppressedUntil: {} };
const pay = (f: Partial<PaymentFacts>) => evaluatePayment(DEFAULT_RISK_POLICY, { ...payer, ...f }, NOW);
const at = (iso: string) => Date.parse(iso);

describe('login signals fire exactly past their thresholds', () => {
  it.each([
    ['3 accounts on a device', { distinctAccountsOnDevice: 3 }, 'allow'],
    ['4 accounts on a device', { distinctAccountsOnDevice: 4 }, 'device_many_accounts'],
    ['3 devices for an account', { distinctDevicesForAccount: 3 }, 'allow'],
    ['4 devices for an account', { distinctDevicesForAccount: 4 }, 'account_many_devices'],
    ['3600 s of night play (adult)', { nightPlaySecondsLast24h: 3600 }, 'allow'],
    ['3601 s of night play (adult)', { nightPlaySecondsLast24h: 3601 }, 'night_patrol'],
    ['3601 s of night play (minor: minor rules apply instead)', { nightPlaySecondsLast24h: 3601, adult: false }, 'allow'],
    ['the 5th account of an identity', { beyondAccountLimit: false }, 'allow'],
    ['the 6th account of an identity', { beyondAccountLimit: true }, 'identity_many_accounts'],
  ] as const)('%s → %s', (_name, facts, expected) => {
    const d = login(facts);
    expect(d.outcome === 'allow' ? 'allow' : d.signal).toBe(expected);
  });

  it('a passed challenge silences its signal until the suppression ends', () => {
    expect(login({ distinctAccountsOnDevice: 4, suppressedUntil: { device_many_accounts: NOW + 1 } }).outcome).toBe('allow');
    expect(login({ distinctAccountsOnDevice: 4, suppressedUntil: { device_many_accounts: NOW } }).outcome).toBe('challenge');
  });

  it('reports the signal inputs for the audit', () => {
    expect(login({ distinctAccountsOnDevice: 4 })).toEqual({ outcome: 'challenge', signal: 'device_many_accounts', inputs: { distinctAccountsOnDevice: 4, threshold: 3 } });
  });

  it('takes configured thresholds', () => {
    const strict = parseRiskPolicy({ maxAccountsPerDevice: 1 });
    expect(evaluateLogin(strict, { ...quiet, distinctAccountsOnDevice: 2 }, NOW).outcome).toBe('challenge');
    expect(() => parseRiskPolicy({ maxAccountsPerDevice: 0 })).toThrow(/maxAccountsPerDevice/);
  });
});

describe('payment patrol', () => {
  it.each([
    ['flagged adult at 40000 fen this month', { flagged: true, spentThisMonth: 40000 }, 'allow'],
    ['flagged adult at 40001 fen', { flagged: true, spentThisMonth: 40001 }, 'challenge'],
    ['unflagged adult at 50000 fen', { spentThisMonth: 50000 }, 'allow'],
    ['age 60 at 100000 fen', { age: 60, spentThisMonth: 100000 }, 'allow'],
    ['age 60 at 100001 fen', { age: 60, spentThisMonth: 100001 }, 'challenge'],
    ['age 59 at 100001 fen', { age: 59, spentThisMonth: 100001 }, 'allow'],
    ['a minor is never patrolled (minor limits apply)', { adult: false, age: 17, flagged: true, spentThisMonth: 90000 }, 'allow'],
  ] as const)('%s → %s', (_name, facts, expected) => {
    expect(pay(facts).outcome).toBe(expected);
  });
});

describe('night play between 22:00 and 08:00 Beijing', () => {
  it.each([
    ['2026-11-25T21:00:00+08:00', '2026-11-25T23:00:00+08:00', 3600],
    ['2026-11-26T07:00:00+08:00', '2026-11-26T09:00:00+08:00', 3600],
    ['2026-11-25T20:00:00+08:00', '2026-11-26T10:00:00+08:00', 36000],
    ['2026-11-25T10:00:00+08:00', '2026-11-25T21:59:59+08:00', 0],
    ['2026-11-25T22:00:00+08:00', '2026-11-25T22:00:01+08:00', 1],
    ['2026-11-24T12:00:00+08:00', '2026-11-26T12:00:00+08:00', 72000],
  ])('%s → %s: %i s', (from, to, seconds) => {
    expect(nightPlaySecondsBetween(at(from), at(to))).toBe(seconds);
  });

  it('equals a minute-by-minute count, whatever the interval', () => {
    const base = at('2026-01-01T00:00:00+08:00');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 * 24 * 30 }), fc.integer({ min: 0, max: 60 * 72 }), (startMin, lengthMin) => {
        const start = base + startMin * 60_000;
        let expected = 0;
        for (let m = 0; m < lengthMin; m += 1) {
          const hour = new Date(start + m * 60_000 + 8 * 3600_000).getUTCHours();
          if (hour >= 22 || hour < 8) expected += 60;
        }
        expect(nightPlaySecondsBetween(start, start + lengthMin * 60_000)).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });
});
