/**
 * Beijing time (Asia/Shanghai, UTC+8, no DST since 1991) arithmetic on epoch milliseconds.
 * Every rule in docs/rules.md is stated in Beijing time, whatever the server's zone, so nothing here
 * touches the host's local time: we shift by the fixed offset and read UTC fields.
 */
export const BEIJING_OFFSET_MS = 8 * 3600_000;
export const DAY_MS = 86_400_000;

/** A Beijing calendar day as `YYYY-MM-DD`. */
export type BeijingDate = string;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** The Beijing calendar day that contains `instantMs`. */
export function beijingDate(instantMs: number): BeijingDate {
  return new Date(instantMs + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** The Beijing calendar month (`YYYY-MM`) that contains `instantMs`. */
export function beijingMonth(instantMs: number): string {
  return beijingDate(instantMs).slice(0, 7);
}

/** Epoch ms of 00:00:00 Beijing time on `date`. */
export function beijingMidnight(date: BeijingDate): number {
  return Date.parse(`${date}T00:00:00+08:00`);
}

/** Epoch ms at which the Beijing day `date` ends (the next day's midnight). */
export function endOfBeijingDay(date: BeijingDate): number {
  return beijingMidnight(addDays(date, 1));
}

/** Epoch ms at which the Beijing month `YYYY-MM` ends (the next month's first midnight). */
export function endOfBeijingMonth(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return beijingMidnight(`${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, '0')}-01`);
}

/** Seconds since 00:00 Beijing time of the day containing `instantMs` (0 … 86399). */
export function secondOfBeijingDay(instantMs: number): number {
  const ms = (((instantMs + BEIJING_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
  return Math.floor(ms / 1000);
}

/** Day of the week of a Beijing date: 0 = Sunday … 6 = Saturday. */
export function weekday(date: BeijingDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** The Beijing date `days` after `date` (negative goes back). */
export function addDays(date: BeijingDate, days: number): BeijingDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const isLeapYear = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Whether `text` is a day of the (Gregorian) calendar written `YYYY-MM-DD`: 2028-02-29 is,
 * 2027-02-29 and 2027-02-30 are not — `Date.parse` would quietly roll them into March.
 */
export function isCalendarDay(text: string): boolean {
  const m = DAY_PATTERN.exec(text);
  if (!m) return false;
  const [y, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= (month === 2 && isLeapYear(y) ? 29 : DAYS_IN_MONTH[month - 1]!);
}

/** How many days `from` … `to` holds, both included (0 when `to` is before `from`); both must be calendar days. */
export function dayCount(from: BeijingDate, to: BeijingDate): number {
  return Math.max(0, Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1);
}

/**
 * The days `from` … `to`, both included, for a loop that reads one partition a day. Its length is
 * bounded where it is built: anything but two calendar days, `from ≤ to`, at most `maxDays` apart
 * is a RangeError (the edge refuses such a range first; this is the guard behind it).
 */
export function daysFrom(from: BeijingDate, to: BeijingDate, maxDays: number): BeijingDate[] {
  if (!isCalendarDay(from) || !isCalendarDay(to) || from > to || dayCount(from, to) > maxDays)
    throw new RangeError(`not a range of at most ${maxDays} calendar days`);
  return Array.from({ length: dayCount(from, to) }, (_, i) => addDays(from, i));
}

/** ISO 8601 with the Beijing offset, second precision: `2026-10-02T20:00:00+08:00`. */
export function formatBeijing(instantMs: number): string {
  const d = new Date(Math.floor(instantMs / 1000) * 1000 + BEIJING_OFFSET_MS);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+08:00`
  );
}
