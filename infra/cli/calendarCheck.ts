/**
 * `npm run calendar:check`: fails when any of the next 60 Beijing days is not covered by the
 * holiday calendar, so the operator loads next year's State Council schedule in December, not on
 * New Year's Day. `--file PATH` (or CALENDAR_OVERRIDE_FILE) names the operator override, the same
 * JSON document the functions read from CALENDAR_OVERRIDE; `--now ISO` checks from another instant.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { beijingDate } from '#shared/domain/beijingTime';
import { createCalendar, parseCalendarOverride, uncoveredDays, type Calendar } from '#shared/domain/calendar';

export function checkCalendarCoverage(calendar: Calendar, nowMs: number, days = 60): { ok: boolean; coveredYears: number[]; uncovered: string[] } {
  const uncovered = uncoveredDays(calendar, beijingDate(nowMs), days);
  return { ok: uncovered.length === 0, coveredYears: calendar.coveredYears(), uncovered };
}

function main(): void {
  const { values } = parseArgs({ options: { file: { type: 'string' }, now: { type: 'string' } } });
  const file = values.file ?? process.env.CALENDAR_OVERRIDE_FILE;
  const override = file
    ? parseCalendarOverride(JSON.parse(readFileSync(file, 'utf8')))
    : process.env.CALENDAR_OVERRIDE
      ? parseCalendarOverride(JSON.parse(process.env.CALENDAR_OVERRIDE))
      : undefined;
  const nowMs = values.now ? Date.parse(values.now) : Date.now();
  const result = checkCalendarCoverage(createCalendar(override), nowMs);
  const years = result.coveredYears;
  console.log(`holiday calendar covers ${years[0]}–${years[years.length - 1]}${override ? ` (override: ${Object.keys(override.years).join(', ')})` : ''}`);
  if (result.ok) {
    console.log('OK: the next 60 days are covered');
    return;
  }
  console.error(`NOT COVERED: ${result.uncovered.length} of the next 60 days (${result.uncovered[0]} … ${result.uncovered[result.uncovered.length - 1]}).`);
  console.error('Load the State Council schedule for that year as an override (see docs/operate.md "Holiday calendar").');
  process.exit(1);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
