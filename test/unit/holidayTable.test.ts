/**
 * The shipped holiday table (shared/domain/holidayTable.ts) is generated from `chinese-days`, which
 * stays the source: the committed module must be exactly what infra/cli/holidayTable.ts renders from
 * the pinned data set, and the calendar built from it must classify every date as the data set does.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import chineseDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { HOLIDAY_TABLE_PATH, renderHolidayTable } from '#infra/cli/holidayTable';
import { createCalendar } from '#shared/domain/calendar';

describe('holiday table', () => {
  it('is what `npm run calendar:table` renders from the pinned chinese-days', () => {
    expect(readFileSync(HOLIDAY_TABLE_PATH, 'utf8')).toBe(renderHolidayTable());
  });

  it('gives every chinese-days holiday and make-up working day, and covers exactly its years', () => {
    const calendar = createCalendar();
    const holidays = Object.keys(chineseDays.holidays);
    const workdays = Object.keys(chineseDays.workdays);
    for (const d of holidays) expect(calendar.dayKind(d).kind, d).toBe('holiday');
    for (const d of workdays) expect(calendar.dayKind(d).kind, d).toBe('workday');
    expect(calendar.coveredYears()).toEqual([...new Set(holidays.map((d) => Number(d.slice(0, 4))))].sort((a, b) => a - b));
  });
});
