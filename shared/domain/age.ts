import { type BeijingDate } from '#shared/domain/beijingTime';

/** The contract's age bands: the lower bound of the band (CONTRACT.md "ageBand"). */
export type AgeBand = 0 | 8 | 16 | 18;

/**
 * Completed years of age on a Beijing calendar day. Age changes on the birthday itself
 * (RULES.md: "minor means under 18 on the day in question"); someone born on 29 February
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
