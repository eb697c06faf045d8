/**
 * The date rule of query parameters (docs/api.md "Operators"): a real calendar day `YYYY-MM-DD`
 * from 2000-01-01 to 2099-12-31, `from ≤ to`, at most the route's span; the annual report's year
 * 2000–2099. And the loops that walk a range refuse, where they are, a range no request can send.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccessLogQuery, ActivityQuery, AnnualReportQuery, QUERY_DAY_PATTERN, queryDay, StatsQuery } from '#shared/api/schemas';
import { dayCount, daysFrom, isCalendarDay } from '#shared/domain/beijingTime';
import { monthsBetween } from '#shared/stats/repository';

describe("the OpenAPI document's pattern for a day in a query (QUERY_DAY_PATTERN)", () => {
  const pattern = new RegExp(QUERY_DAY_PATTERN, 'u');
  it('accepts exactly the days the edge accepts, every day from 1999-12-01 to 2100-01-31', () => {
    const wrong: string[] = [];
    for (let ms = Date.UTC(1999, 11, 1); ms <= Date.UTC(2100, 0, 31); ms += 86_400_000) {
      const day = new Date(ms).toISOString().slice(0, 10);
      if (pattern.test(day) !== queryDay.safeParse(day).success) wrong.push(day);
    }
    expect(wrong).toEqual([]);
  });

  it('agrees with the edge on strings that are not days (2027-02-29, 2026-04-31, 2100-02-29, …)', () => {
    const near = fc
      .tuple(fc.integer({ min: 1990, max: 2110 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
      .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
    fc.assert(
      fc.property(fc.oneof(near, fc.string({ maxLength: 12 })), (s) => pattern.test(s) === queryDay.safeParse(s).success),
      { numRuns: 2000 },
    );
  });
});

describe('a calendar day', () => {
  it.each([
    ['2026-10-02', true],
    ['2028-02-29', true], // divisible by 4
    ['2027-02-29', false],
    ['2027-02-28', true],
    ['2027-02-30', false], // Date.parse rolls it to 2027-03-02
    ['2000-02-29', true], // divisible by 400
    ['2100-02-29', false], // divisible by 100, not by 400
    ['1900-02-29', false],
    ['2400-02-29', true],
    ['2026-04-30', true],
    ['2026-04-31', false],
    ['2026-12-31', true],
    ['2026-12-32', false],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-10-00', false],
    ['0000-01-01', true],
    ['9999-12-31', true],
    ['2026-1-01', false],
    ['2026-10-1', false],
    ['26-10-01', false],
    ['+02026-10-01', false],
    ['2026-10-01T00:00:00Z', false],
    [' 2026-10-01', false],
    ['2026/10/01', false],
    ['２０２６-10-01', false], // full-width digits
    ['', false],
  ])('%j → %s', (text, valid) => expect(isCalendarDay(text)).toBe(valid));
});

describe('a day in a query', () => {
  it.each([
    ['2000-01-01', true],
    ['1999-12-31', false],
    ['2099-12-31', true],
    ['2100-01-01', false],
    ['2100-02-29', false],
    ['2028-02-29', true],
    ['2027-02-29', false],
    ['2000-02-29', true],
    ['2027-02-30', false],
    ['9999-12-31', false],
    ['0000-01-01', false],
  ])('%j → %s', (text, valid) => expect(queryDay.safeParse(text).success).toBe(valid));
});

describe('a range in a query', () => {
  const issues = (schema: typeof AccessLogQuery | typeof ActivityQuery | typeof StatsQuery, q: Record<string, string>) => {
    const r = schema.safeParse(q);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it.each([
    [{ from: '2026-10-01', to: '2026-10-01' }, []],
    [{ from: '2027-01-01', to: '2028-01-02' }, []], // 367 days, both included
    [{ from: '2027-01-01', to: '2028-01-03' }, ['to: at most 367 days at once']],
    [{ from: '2028-02-29', to: '2029-02-28' }, []],
    [{ from: '2026-10-06', to: '2026-10-05' }, ['to: from must not be after to']],
    [{ from: '2027-02-30', to: '2027-03-05' }, ['from: not a day of the calendar']],
    [{ from: '2027-02-01', to: '2027-02-29' }, ['to: not a day of the calendar']],
    [{ from: '1999-12-31', to: '2000-01-01' }, ['from: from 2000-01-01 to 2099-12-31']],
    [{ from: '2099-12-31', to: '2100-01-01' }, ['to: from 2000-01-01 to 2099-12-31']],
    [{ from: '9999-12-31', to: '9999-12-31' }, ['from: from 2000-01-01 to 2099-12-31', 'to: from 2000-01-01 to 2099-12-31']],
    [{ from: '2000-01-01', to: '2099-12-31' }, ['to: at most 367 days at once']],
    [{ from: '5.10.2026', to: '2026-10-05' }, ['from: a Beijing date, YYYY-MM-DD']],
    [{ from: '2026-10-05' }, ['to: Invalid input: expected string, received undefined']],
  ])('access log %j → %j', (q, expected) => expect(issues(AccessLogQuery, q)).toEqual(expected));

  it.each([
    [{ from: '2026-10-01', to: '2026-12-31' }, []], // 92 days
    [{ from: '2026-10-01', to: '2027-01-01' }, ['to: at most 92 days at once']],
    [{ from: '2028-02-29', to: '2028-02-29' }, []],
    [{ from: '2027-02-29', to: '2027-03-01' }, ['from: not a day of the calendar']],
  ])('guardian activity %j → %j', (q, expected) => expect(issues(ActivityQuery, q)).toEqual(expected));

  it.each([
    [{ from: '2026-12-01', to: '2026-12-31', gameId: 'g-main' }, []],
    [{ from: '2026-12-01', to: '2026-12-31' }, []],
    [{ from: '2026-12-01', to: '2026-12-31', gameId: '' }, ['gameId: Too small: expected string to have >=1 characters']],
    [{ from: '9999-12-01', to: '9999-12-31' }, ['from: from 2000-01-01 to 2099-12-31', 'to: from 2000-01-01 to 2099-12-31']],
  ])('figures %j → %j', (q, expected) => expect(issues(StatsQuery, q)).toEqual(expected));
});

describe("the annual report's year", () => {
  it.each([
    ['2000', 2000],
    ['2026', 2026],
    ['2099', 2099],
    ['1999', null],
    ['2100', null],
    ['9999', null],
    ['0000', null],
    ['26', null],
    ['02026', null],
    ['2026.0', null],
    [' 2026', null],
    ['', null],
  ])('%j → %s', (year, parsed) => {
    const r = AnnualReportQuery.safeParse({ year });
    expect(r.success ? r.data.year : null).toBe(parsed);
  });
});

describe('the loops that walk a range', () => {
  it.each([
    ['2026-10-01', '2026-10-01', 1],
    ['2026-10-01', '2026-10-31', 31],
    ['2028-02-28', '2028-03-01', 3],
    ['2027-02-28', '2027-03-01', 2],
    ['2027-01-01', '2028-01-02', 367],
    ['2026-10-05', '2026-10-04', 0],
  ])('%s … %s has %i days', (from, to, n) => expect(dayCount(from, to)).toBe(n));

  it('lists the days of a range, both included, across a leap day', () => {
    expect(daysFrom('2028-02-27', '2028-03-01', 31)).toEqual(['2028-02-27', '2028-02-28', '2028-02-29', '2028-03-01']);
    expect(daysFrom('2099-12-31', '2099-12-31', 1)).toEqual(['2099-12-31']);
    // The routes refuse year 9999; walked here, it ends where it should.
    expect(daysFrom('9999-12-30', '9999-12-31', 367)).toEqual(['9999-12-30', '9999-12-31']);
  });

  it.each([
    ['2027-02-30', '2027-03-01', 367],
    ['2026-10-06', '2026-10-05', 367],
    ['2026-01-01', '2027-01-03', 367],
    ['2026-10-01', '2026-10-03', 2],
    ['x', '2026-10-01', 367],
  ])('refuses to walk %s … %s (at most %i days)', (from, to, max) => expect(() => daysFrom(from, to, max)).toThrow(RangeError));

  it('finds the months of a range by number, past year 9999 too (no string comparison that "10000-01" < "9999-12" fools)', () => {
    expect(monthsBetween('2026-12-31', '2027-01-01')).toEqual(['2026-12', '2027-01']);
    expect(monthsBetween('2027-01-01', '2028-01-02')).toEqual([
      '2027-01',
      '2027-02',
      '2027-03',
      '2027-04',
      '2027-05',
      '2027-06',
      '2027-07',
      '2027-08',
      '2027-09',
      '2027-10',
      '2027-11',
      '2027-12',
      '2028-01',
    ]);
    expect(monthsBetween('9999-12-31', '9999-12-31')).toEqual(['9999-12']);
    expect(() => monthsBetween('2026-01-01', '9999-12-31')).toThrow(RangeError);
    expect(() => monthsBetween('2027-02-30', '2027-03-01')).toThrow(RangeError);
  });
});
