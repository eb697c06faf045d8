import type { BeijingDate } from '#shared/domain/beijingTime';

/** The contract's age bands: the lower bound of the band (docs/api.md). */
export type AgeBand = 0 | 8 | 16 | 18;

/**
 * Completed years of age on a Beijing calendar day. Age changes on the birthday itself
 * (docs/rules.md: "minor means under 18 on the day in question"); someone born on 29 February
 * has their birthday on 1 March in common years.
 */
export function ageOn(birthDate: BeijingDate, day: BeijingDate): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  let age = y - by;
  if (m < bm || (m === bm && d < bd)) age -= 1;
  return age;
}

export function ageBandOf(age: number): AgeBand {
  if (age < 8) return 0;
  if (age < 16) return 8;
  if (age < 18) return 16;
  return 18;
}

export const isMinorAge = (age: number): boolean => age < 18;

/** Minor rules forced on an account (a failed or unanswered challenge) until `minorRulesUntilMs`. */
export const forcedMinorRules = (minorRulesUntilMs: number | null | undefined, atMs: number): boolean => minorRulesUntilMs != null && minorRulesUntilMs > atMs;

/**
 * The age the play rules apply to. Under forced minor rules an adult's true age is unknown, so the
 * account plays as the oldest minors: 17 (every minor band has the same windows). It pays in the
 * most protective band that allows paying, not this one (shared/spending/service.ts `spendingAge`).
 */
export const FORCED_MINOR_AGE = 17;
export function ageUnderRules(birthDate: BeijingDate, day: BeijingDate, minorRulesUntilMs: number | null | undefined, atMs: number): number {
  const age = ageOn(birthDate, day);
  return age >= 18 && forcedMinorRules(minorRulesUntilMs, atMs) ? FORCED_MINOR_AGE : age;
}

/**
 * The Beijing day a person born on `birthDate` turns 18 (rules for minors end at its midnight):
 * the 18th birthday, or 1 March when the birthday is 29 February in a common year.
 */
export function adulthoodStarts(birthDate: BeijingDate): BeijingDate {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const year = y + 18;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (m === 2 && d === 29 && !leap) return `${year}-03-01` as BeijingDate;
  return `${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` as BeijingDate;
}
