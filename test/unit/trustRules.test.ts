/**
 * The pure rules behind the trust model (docs/guardians.md "Trust model"), with exact values: when a
 * guardianship ends (the ward's 18th birthday), which links apply at an instant (a pending one only
 * until its code expires), and the rules the hot paths combine from a copy.
 */
import { describe, expect, it } from 'vitest';
import { adulthoodStarts, ageOn } from '#shared/domain/age';
import { appliesAt, NO_CONTROLS, rulesAt, type GuardianControls } from '#shared/domain/guardianControls';
import { copyOf, linkStatus, pendingUntil, type GuardianLink } from '#shared/guardians/repository';

describe('adulthoodStarts: the Beijing day a person turns 18', () => {
  it.each([
    ['2012-06-06', '2030-06-06'],
    ['2008-12-31', '2026-12-31'],
    ['2010-01-01', '2028-01-01'],
    // 29 February: 1 March in a common year, 29 February in a leap year.
    ['2008-02-29', '2026-03-01'],
    ['2010-02-28', '2028-02-28'],
    ['2012-02-29', '2030-03-01'],
    ['2000-02-29', '2018-03-01'],
    ['1998-02-28', '2016-02-28'],
  ])('born %s → 18 on %s', (birth, day) => {
    expect(adulthoodStarts(birth)).toBe(day);
    // The same day ageOn says 18 for the first time.
    expect(ageOn(birth, day)).toBe(18);
  });

  it('is the day ageOn first says 18, for every birthday of a leap year', () => {
    for (let d = Date.parse('2008-01-01T00:00:00Z'); d < Date.parse('2009-01-01T00:00:00Z'); d += 86_400_000) {
      const birth = new Date(d).toISOString().slice(0, 10);
      const day = adulthoodStarts(birth);
      const before = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
      expect([ageOn(birth, before), ageOn(birth, day)], birth).toEqual([17, 18]);
    }
  });
});

const controls = (c: Partial<GuardianControls>): GuardianControls => ({ ...NO_CONTROLS, ...c, spending: { ...NO_CONTROLS.spending, ...c.spending } });
const T = Date.parse('2026-10-02T20:00:00+08:00');

describe('which links apply', () => {
  it.each([
    [{ confirmed: true }, T + 1, true],
    [{ confirmed: true, until: T - 1 }, T, true],
    [{ confirmed: false, until: T + 1 }, T, true],
    [{ confirmed: false, until: T }, T, false],
    [{ confirmed: false, until: T - 1 }, T, false],
    [{ confirmed: false }, T, true],
  ])('%j at %d → %s', (entry, at, applies) => {
    expect(appliesAt(entry, at)).toBe(applies);
  });

  it('combines only the links that apply at the instant: a pending ban stops with its code', () => {
    const copy = {
      guardians: [
        { confirmed: false, until: T + 60_000, controls: controls({ playBanned: true }) },
        { confirmed: true, controls: controls({ dailyPlayMinutes: 30 }) },
      ],
    };
    expect(rulesAt(copy, T)).toMatchObject({ playBanned: true, dailyPlaySeconds: 1800 });
    expect(rulesAt(copy, T + 60_000)).toMatchObject({ playBanned: false, dailyPlaySeconds: 1800 });
    expect(rulesAt({ guardians: [{ confirmed: false, until: T, controls: controls({ playBanned: true }) }] }, T)).toBeNull();
  });

  it('reads a copy written before links carried their controls as its combined rules', () => {
    const rules = { playBanned: true, windows: null, dailyPlaySeconds: null, spending: { single: null, daily: null, monthly: null }, paymentApproval: false };
    expect(rulesAt({ rules, guardians: [{ confirmed: false }] }, T)).toBe(rules);
    expect(rulesAt(undefined, T)).toBeNull();
  });
});

describe("a guardianship's copy and its links' status", () => {
  const link = (over: Partial<GuardianLink>): GuardianLink => ({
    wardId: 'w_1',
    linkId: 'l_1',
    status: 'pending',
    linkedAt: T,
    controls: controls({}),
    ...over,
  });

  it('a pending link is pending while its code is valid, then expired; a confirmed one stays confirmed', () => {
    expect(linkStatus(link({ codeExpiresAt: T + 1 }), T)).toBe('pending');
    expect(linkStatus(link({ codeExpiresAt: T }), T)).toBe('expired');
    expect(linkStatus(link({ status: 'confirmed', codeExpiresAt: T - 1 }), T)).toBe('confirmed');
    expect(pendingUntil(link({}))).toBe(T);
  });

  it('copies each link with its controls, and a pending one with the expiry of its code', () => {
    const copy = copyOf({
      rev: 4,
      links: { g1: link({ codeExpiresAt: T + 5, controls: controls({ paymentApproval: true }) }), g2: link({ wardId: 'w_2', status: 'confirmed' }) },
    });
    expect(copy).toEqual({
      rev: 4,
      guardians: [
        { guardianId: 'g1', wardId: 'w_1', confirmed: false, approves: true, until: T + 5, controls: controls({ paymentApproval: true }) },
        { guardianId: 'g2', wardId: 'w_2', confirmed: true, approves: false, controls: controls({}) },
      ],
    });
  });
});
