/**
 * Second-generation resident ID numbers (GB 11643-1999), checked locally before the national
 * system is ever asked (docs/rules.md §1): 6-digit region code, 8-digit birth date, 3-digit sequence,
 * and an ISO 7064 MOD 11-2 check character. A lowercase x is the same as X.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARACTERS = '10X98765432';
/** Province-level codes (first two digits) of the PRC administrative divisions, incl. HK/MO/TW. */
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91,
]);
/** The official NPPA test data uses 1901 births; nobody alive was born before 1900. */
export const EARLIEST_BIRTH_DATE = '1900-01-01';

export type IdNumberResult =
  | { ok: true; idNumber: string; birthDate: string; regionCode: string }
  | { ok: false; reason: 'format' | 'check_digit' | 'birth_date' | 'region' };

export function checkCharacter(first17: string): string {
  const sum = [...first17].reduce((acc, ch, i) => acc + Number(ch) * WEIGHTS[i]!, 0);
  return CHECK_CHARACTERS[sum % 11]!;
}

function isCalendarDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Validates and normalizes an ID number; `todayBeijing` (YYYY-MM-DD) bounds the birth date. */
export function parseIdNumber(raw: string, todayBeijing: string): IdNumberResult {
  const idNumber = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(idNumber)) return { ok: false, reason: 'format' };
  if (!PROVINCES.has(Number(idNumber.slice(0, 2)))) return { ok: false, reason: 'region' };
  const y = Number(idNumber.slice(6, 10));
  const m = Number(idNumber.slice(10, 12));
  const d = Number(idNumber.slice(12, 14));
  const birthDate = `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;
  if (!isCalendarDate(y, m, d) || birthDate < EARLIEST_BIRTH_DATE || birthDate > todayBeijing) return { ok: false, reason: 'birth_date' };
  if (checkCharacter(idNumber.slice(0, 17)) !== idNumber[17]) return { ok: false, reason: 'check_digit' };
  return { ok: true, idNumber, birthDate, regionCode: idNumber.slice(0, 6) };
}
