/**
 * The NPPA PI (用户唯一标识, 38 characters): the first 6 are the birth date YYYYMMDD written as a
 * base-26 number with digits 0-9 then a-p; the last 32 are assigned by the national system.
 */
export function birthDateFromPi(pi: string): string | null {
  if (!/^[0-9a-p]{6}[0-9a-z]{32}$/.test(pi)) return null;
  const n = parseInt(pi.slice(0, 6), 26);
  const s = String(n).padStart(8, '0');
  const [y, m, d] = [Number(s.slice(0, 4)), Number(s.slice(4, 6)), Number(s.slice(6, 8))];
  const check = new Date(Date.UTC(y, m - 1, d));
  // A real calendar date only (JavaScript would roll 29 February 2011 over to 1 March).
  if (s.length !== 8 || check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return null;
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

export function piPrefixForBirthDate(birthDate: string): string {
  return Number(birthDate.replaceAll('-', '')).toString(26).padStart(6, '0');
}
