/**
 * The statutory-holiday calendar (docs/rules.md §2): official break days (放假) and make-up working
 * days (调休上班) from the maintained `chinese-days` data set (2004–2026 in the pinned version; its
 * dates only, generated into shared/domain/holidayTable.ts by infra/cli/holidayTable.ts),
 * plus an operator override that adds or replaces whole years (the State Council publishes next
 * year's schedule around November–December). The calendar knows which years it covers: a year it
 * does not cover is never silently treated as "no holidays" — the caller is told (`covered: false`),
 * falls back to the plain weekday rule, and raises a metric and a warning.
 */
import * as z from '#shared/zod';
import { HOLIDAY_TABLE } from '#shared/domain/holidayTable';
import { addDays, weekday, type BeijingDate } from '#shared/domain/beijingTime';

/** How the rules see a day: an official holiday-break day, Fri/Sat/Sun that is not a make-up day, or a working day. */
export type DayKind = 'holiday' | 'fridayToSunday' | 'workday';

export interface Calendar {
  covers(date: BeijingDate): boolean;
  coveredYears(): number[];
  dayKind(date: BeijingDate): { kind: DayKind; covered: boolean };
}

const date = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));
const CalendarOverride = z.object({
  years: z.record(z.string().check(z.regex(/^\d{4}$/)), z.strictObject({ holidays: z.array(date), workdays: z.array(date) })),
});
export type CalendarOverride = z.infer<typeof CalendarOverride>;

export function parseCalendarOverride(json: unknown): CalendarOverride {
  const parsed = CalendarOverride.safeParse(json);
  if (!parsed.success) throw new Error(`invalid calendar override: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  for (const [year, days] of Object.entries(parsed.data.years)) {
    for (const d of [...days.holidays, ...days.workdays]) if (!d.startsWith(`${year}-`)) throw new Error(`invalid calendar override: ${d} is not in ${year}`);
  }
  return parsed.data;
}

export function createCalendar(override?: CalendarOverride): Calendar {
  const holidays = new Set<string>();
  const workdays = new Set<string>();
  const years = new Set<number>();
  const replaced = new Set(Object.keys(override?.years ?? {}).map(Number));
  const dates = (year: string, mmdds: string) => (mmdds ? mmdds.split(' ').map((m) => `${year}-${m.slice(0, 2)}-${m.slice(2)}`) : []);
  for (const [year, [breakDays, makeUpDays]] of Object.entries(HOLIDAY_TABLE)) {
    if (replaced.has(Number(year))) continue;
    dates(year, breakDays).forEach((d) => holidays.add(d));
    dates(year, makeUpDays).forEach((d) => workdays.add(d));
  }
  for (const d of holidays) years.add(Number(d.slice(0, 4)));
  for (const [year, days] of Object.entries(override?.years ?? {})) {
    years.add(Number(year));
    days.holidays.forEach((d) => holidays.add(d));
    days.workdays.forEach((d) => workdays.add(d));
  }
  const covers = (d: BeijingDate) => years.has(Number(d.slice(0, 4)));
  return {
    covers,
    coveredYears: () => [...years].sort((a, b) => a - b),
    dayKind: (d) => {
      const covered = covers(d);
      if (covered && holidays.has(d)) return { kind: 'holiday', covered };
      if (covered && workdays.has(d)) return { kind: 'workday', covered };
      const w = weekday(d);
      return { kind: w === 5 || w === 6 || w === 0 ? 'fridayToSunday' : 'workday', covered };
    },
  };
}

/** The dates among the next `days` (from `from`, inclusive) that the calendar does not cover. */
export function uncoveredDays(calendar: Calendar, from: BeijingDate, days: number): BeijingDate[] {
  const out: BeijingDate[] = [];
  for (let i = 0; i < days; i += 1) {
    const d = addDays(from, i);
    if (!calendar.covers(d)) out.push(d);
  }
  return out;
}
