/**
 * The NPPA PI (用户唯一标识, 38 characters): the first 6 are the birth date YYYYMMDD written as a
 * base-26 number with digits 0-9 then a-p; the last 32 are assigned by the national system.
 * The same person has the same PI across companies, so the birth date read here is authoritative.
 */
import { PI_PATTERN } from '#shared/nppa/protocol';

/** The birth date (`YYYY-MM-DD`) a PI encodes, or null when it is not a PI or not a real calendar date. */
export function birthDateFromPi(pi: string): string | null {
  if (!PI_PATTERN.test(pi)) return null;
  const s = String(parseInt(pi.slice(0, 6), 26)).padStart(8, '0');
  if (s.length !== 8) return null;
  const [y, m, d] = [Number(s.slice(0, 4)), Number(s.slice(4, 6)), Number(s.slice(6, 8))];
  const check = new Date(Date.UTC(y, m - 1, d));
  // A real calendar date only (JavaScript would roll 29 February 2011 over to 1 March).
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return null;
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

/** The 6-character PI prefix of a birth date `YYYY-MM-DD` (used by the simulator to mint PIs). */
export function piPrefixForBirthDate(birthDate: string): string {
  return Number(birthDate.replaceAll('-', '')).toString(26).padStart(6, '0');
}
