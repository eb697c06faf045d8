/** The under-14 consent rule (shared/domain/consent.ts; 2019 Children's PI Regulations Arts. 2, 9–10), with exact values. */
import { describe, expect, it } from 'vitest';
import { consentRequired, consentStanding, type ConsentPolicy } from '#shared/domain/consent';

const at = (iso: string) => Date.parse(iso);
const NOW = at('2026-12-04T10:00:00+08:00');
const attested: ConsentPolicy = { mode: 'attested', policyVersion: '2026-12' };
const guardianOnly: ConsentPolicy = { mode: 'guardian', policyVersion: '2026-12' };
const record = (how: 'attested' | 'guardian', policyVersion = '2026-12') => ({ at: NOW - 1000, how, policyVersion });

describe("who needs a guardian's consent", () => {
  it.each([
    ['13 the day before the 14th birthday', '2012-12-05', true],
    ['14 on the birthday itself (Beijing day)', '2012-12-04', false],
    ['under 8', '2020-01-01', true],
    ['an adult', '1990-01-01', false],
  ])('%s', (_name, birthDate, required) => expect(consentRequired(birthDate, NOW)).toBe(required));

  it('turns 14 at Beijing midnight, not UTC midnight', () => {
    expect(consentRequired('2012-12-04', at('2026-12-03T23:59:59+08:00'))).toBe(true);
    expect(consentRequired('2012-12-04', at('2026-12-04T00:00:00+08:00'))).toBe(false);
  });
});

describe('whether login and payments may go ahead', () => {
  const child = '2014-01-01';
  it.each([
    ['attested: nothing recorded', attested, {}, { required: true, given: null, ok: false }],
    ['attested: the client attested the version in force', attested, { attested: record('attested') }, { required: true, given: record('attested'), ok: true }],
    ['attested: an attestation of an older version', attested, { attested: record('attested', '2026-11') }, { required: true, given: null, ok: false }],
    ["attested: a guardian's consent counts too", attested, { guardian: record('guardian') }, { required: true, given: record('guardian'), ok: true }],
    [
      "attested: the guardian's is preferred when both are current",
      attested,
      { attested: record('attested'), guardian: record('guardian') },
      { required: true, given: record('guardian'), ok: true },
    ],
    ['guardian: an attestation does not count', guardianOnly, { attested: record('attested') }, { required: true, given: null, ok: false }],
    ["guardian: a guardian's of the version in force", guardianOnly, { guardian: record('guardian') }, { required: true, given: record('guardian'), ok: true }],
    ["guardian: a guardian's of an older version", guardianOnly, { guardian: record('guardian', '2026-11') }, { required: true, given: null, ok: false }],
  ] as const)('%s', (_name, policy, records, standing) => {
    expect(consentStanding({ birthDate: child, ...records }, policy, NOW)).toEqual(standing);
  });

  it('needs nothing of a person of 14 or more, whatever is recorded', () => {
    expect(consentStanding({ birthDate: '2000-01-01' }, guardianOnly, NOW)).toEqual({ required: false, given: null, ok: true });
  });
});
