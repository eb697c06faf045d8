/**
 * Minors' play time (docs/rules.md §2) as a table of exact instants: every 2026 example, the window
 * edges to the second, the birthday, both presets and a stricter publisher policy — under three
 * host time zones with identical results.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { formatBeijing } from '#shared/domain/beijingTime';
import { createCalendar, parseCalendarOverride, uncoveredDays } from '#shared/domain/calendar';
import { parsePlayPolicy, PRESETS, type PlayPolicy } from '#shared/domain/playPolicy';
import { decidePlay, type PlayerFacts } from '#shared/domain/playTime';

const calendar = createCalendar();
const minor: PlayerFacts = { birthDate: '2012-05-01', playedSecondsToday: 0 };
const adult: PlayerFacts = { birthDate: '1990-05-01', playedSecondsToday: 0 };
const at = (iso: string) => Date.parse(iso);

function view(policy: PlayPolicy, player: PlayerFacts, iso: string) {
  const d = decidePlay(policy, calendar, player, at(iso));
  return {
    allowed: d.allowedNow,
    remaining: d.remainingSeconds,
    endsAt: d.endsAtMs === null ? null : formatBeijing(d.endsAtMs),
    next: d.nextWindow ? `${formatBeijing(d.nextWindow.startMs)}/${d.nextWindow.endMs === null ? 'open' : formatBeijing(d.nextWindow.endMs)}` : null,
    reason: d.reason ?? null,
  };
}

type View = ReturnType<typeof view>;
const refused = (next: string, reason: NonNullable<View['reason']> = 'outside_allowed_hours'): View => ({
  allowed: false,
  remaining: 0,
  endsAt: null,
  next,
  reason,
});
const allowed = (remaining: number, endsAt: string): View => ({ allowed: true, remaining, endsAt, next: null, reason: null });

const nppa2021 = PRESETS['nppa-2021'];
const TABLE: Array<[string, string, ReturnType<typeof view>]> = [
  // Make-up working days (调休上班) are not playable, even on a weekend.
  [
    'make-up Saturday 2026-02-14 → the Spring Festival break starts the next day',
    '2026-02-14T20:30:00+08:00',
    refused('2026-02-15T20:00:00+08:00/2026-02-15T21:00:00+08:00'),
  ],
  ['make-up Saturday 2026-02-28 → Sunday 1 March', '2026-02-28T20:30:00+08:00', refused('2026-03-01T20:00:00+08:00/2026-03-01T21:00:00+08:00')],
  ['make-up Saturday 2026-05-09 → Sunday 10 May', '2026-05-09T20:30:00+08:00', refused('2026-05-10T20:00:00+08:00/2026-05-10T21:00:00+08:00')],
  [
    'make-up Sunday 2026-09-20 → Friday 25 September (Mid-Autumn break)',
    '2026-09-20T20:30:00+08:00',
    refused('2026-09-25T20:00:00+08:00/2026-09-25T21:00:00+08:00'),
  ],
  ['make-up Saturday 2026-10-10 → Sunday 11 October', '2026-10-10T20:30:00+08:00', refused('2026-10-11T20:00:00+08:00/2026-10-11T21:00:00+08:00')],
  ['make-up Sunday 2026-01-04 → Friday 9 January', '2026-01-04T20:30:00+08:00', refused('2026-01-09T20:00:00+08:00/2026-01-09T21:00:00+08:00')],
  // Holiday breaks are playable on weekdays too: every day of the Spring Festival and National Day breaks.
  ...['15', '16', '17', '18', '19', '20', '21', '22', '23'].map((d): [string, string, View] => [
    `Spring Festival break 2026-02-${d}`,
    `2026-02-${d}T20:30:00+08:00`,
    allowed(1800, `2026-02-${d}T21:00:00+08:00`),
  ]),
  ...['01', '02', '03', '04', '05', '06', '07'].map((d): [string, string, View] => [
    `National Day break 2026-10-${d}`,
    `2026-10-${d}T20:30:00+08:00`,
    allowed(1800, `2026-10-${d}T21:00:00+08:00`),
  ]),
  [
    'Thursday 2026-10-08, after the National Day break → Friday 9 October',
    '2026-10-08T20:30:00+08:00',
    refused('2026-10-09T20:00:00+08:00/2026-10-09T21:00:00+08:00'),
  ],
  [
    'Tuesday 2026-02-24, after the Spring Festival break → Friday 27 February',
    '2026-02-24T20:30:00+08:00',
    refused('2026-02-27T20:00:00+08:00/2026-02-27T21:00:00+08:00'),
  ],
  [
    'make-up Saturday 2026-02-14 before the window → the break, not tonight',
    '2026-02-14T19:00:00+08:00',
    refused('2026-02-15T20:00:00+08:00/2026-02-15T21:00:00+08:00'),
  ],
  ['Spring Festival 2026-02-20 at 19:00 → tonight', '2026-02-20T19:00:00+08:00', refused('2026-02-20T20:00:00+08:00/2026-02-20T21:00:00+08:00')],
  ["Friday 2026-10-02 20:00 (the brief's instant)", '2026-10-02T20:00:00+08:00', allowed(3600, '2026-10-02T21:00:00+08:00')],
  ['Friday 2026-12-25 23:00 → Saturday', '2026-12-25T23:00:00+08:00', refused('2026-12-26T20:00:00+08:00/2026-12-26T21:00:00+08:00')],
  ['Friday 20:00:00.999', '2026-11-27T20:00:00.999+08:00', allowed(3600, '2026-11-27T21:00:00+08:00')],
  ['Friday 20:59:59.001', '2026-11-27T20:59:59.001+08:00', allowed(1, '2026-11-27T21:00:00+08:00')],
  ['Friday 20:59:59.999', '2026-11-27T20:59:59.999+08:00', allowed(1, '2026-11-27T21:00:00+08:00')],
  // The window edges, to the second, on an ordinary Friday.
  ['Friday 19:59:59', '2026-11-27T19:59:59+08:00', refused('2026-11-27T20:00:00+08:00/2026-11-27T21:00:00+08:00')],
  ['Friday 20:00:00', '2026-11-27T20:00:00+08:00', allowed(3600, '2026-11-27T21:00:00+08:00')],
  ['Friday 20:59:59', '2026-11-27T20:59:59+08:00', allowed(1, '2026-11-27T21:00:00+08:00')],
  ['Friday 21:00:00 → Saturday', '2026-11-27T21:00:00+08:00', refused('2026-11-28T20:00:00+08:00/2026-11-28T21:00:00+08:00')],
  ['Sunday 20:15 (an ordinary weekend)', '2026-11-29T20:15:00+08:00', allowed(2700, '2026-11-29T21:00:00+08:00')],
  ['Wednesday 20:30 → Friday', '2026-11-25T20:30:00+08:00', refused('2026-11-27T20:00:00+08:00/2026-11-27T21:00:00+08:00')],
  ['Thursday before New Year 2026-01-01 holiday, 20:00 on the holiday', '2026-01-01T20:00:00+08:00', allowed(3600, '2026-01-01T21:00:00+08:00')],
];

const ZONES = ['UTC', 'America/Los_Angeles', 'Asia/Kolkata'];
const originalTz = process.env.TZ;
afterAll(() => {
  process.env.TZ = originalTz;
});

describe.each(ZONES)('nppa-2021 for a 14-year-old, host TZ=%s', (zone) => {
  it.each(TABLE)('%s', (_name, iso, expected) => {
    process.env.TZ = zone;
    expect(view(nppa2021, minor, iso)).toEqual(expected);
  });
});

describe('host time zone', () => {
  it('gives identical results under UTC, America/Los_Angeles and Asia/Shanghai', () => {
    const run = () => TABLE.map(([, iso]) => view(nppa2021, minor, iso));
    const results = ['UTC', 'America/Los_Angeles', 'Asia/Shanghai'].map((zone) => {
      process.env.TZ = zone;
      expect(new Date(at('2026-07-01T12:00:00Z')).getTimezoneOffset()).toBe({ UTC: 0, 'America/Los_Angeles': 420, 'Asia/Shanghai': -480 }[zone]);
      return run();
    });
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });
});

describe('adults and the birthday', () => {
  it('born 2008-10-02: a minor (17) at 20:30 on 2026-10-01, an adult at 20:30 on 2026-10-02', () => {
    const player = { birthDate: '2008-10-02', playedSecondsToday: 0 };
    expect(decidePlay(nppa2021, calendar, player, at('2026-10-01T20:30:00+08:00'))).toEqual({
      minor: true,
      ageBand: 16,
      allowedNow: true,
      remainingSeconds: 1800,
      endsAtMs: at('2026-10-01T21:00:00+08:00'),
      nextWindow: null,
      calendarCovered: true,
    });
    expect(decidePlay(nppa2021, calendar, player, at('2026-10-02T20:30:00+08:00'))).toEqual({
      minor: false,
      ageBand: 18,
      allowedNow: true,
      remainingSeconds: null,
      endsAtMs: null,
      nextWindow: null,
      calendarCovered: true,
    });
    // On a working day the evening before the birthday, the next "window" is the birthday itself, unlimited.
    const wed = { birthDate: '2008-11-26', playedSecondsToday: 0 };
    expect(decidePlay(nppa2021, calendar, wed, at('2026-11-25T20:30:00+08:00'))).toMatchObject({
      minor: true,
      allowedNow: false,
      nextWindow: { startMs: at('2026-11-26T00:00:00+08:00'), endMs: null },
    });
  });

  it.each([
    ['under 8', '2020-01-01', 0],
    ['8–15', '2012-05-01', 8],
    ['16–17', '2009-05-01', 16],
    ['adult', '1990-05-01', 18],
  ])('age band %s', (_name, birthDate, band) => {
    expect(decidePlay(nppa2021, calendar, { birthDate, playedSecondsToday: 0 }, at('2026-11-25T20:30:00+08:00')).ageBand).toBe(band);
  });

  it('an adult is allowed at any time with no limit', () => {
    for (const iso of ['2026-11-25T03:00:00+08:00', '2026-02-14T20:30:00+08:00']) {
      expect(view(nppa2021, adult, iso)).toEqual({ allowed: true, remaining: null, endsAt: null, next: null, reason: null });
    }
  });

  it('a player is a minor the day before the 18th birthday and an adult from 00:00 on it', () => {
    const player = { birthDate: '2008-10-02', playedSecondsToday: 0 };
    expect(decidePlay(nppa2021, calendar, player, at('2026-10-01T23:59:59+08:00'))).toMatchObject({ minor: true, ageBand: 16, allowedNow: false });
    expect(decidePlay(nppa2021, calendar, player, at('2026-10-02T00:00:00+08:00'))).toMatchObject({ minor: false, ageBand: 18, allowedNow: true });
  });

  it('names the 18th birthday as the next window when it comes before any play window', () => {
    const player = { birthDate: '2008-11-26', playedSecondsToday: 0 };
    expect(view(nppa2021, player, '2026-11-25T22:00:00+08:00').next).toBe('2026-11-26T00:00:00+08:00/open');
  });

  it('minorRulesUntilMs puts an adult under minor rules (band 16) until that instant', () => {
    const forced = { ...adult, minorRulesUntilMs: at('2026-11-26T12:00:00+08:00') };
    expect(decidePlay(nppa2021, calendar, forced, at('2026-11-25T23:00:00+08:00'))).toEqual({
      minor: true,
      ageBand: 16,
      allowedNow: false,
      remainingSeconds: 0,
      endsAtMs: null,
      nextWindow: { startMs: at('2026-11-26T12:00:00+08:00'), endMs: null },
      reason: 'outside_allowed_hours',
      calendarCovered: true,
    });
    expect(decidePlay(nppa2021, calendar, forced, at('2026-11-26T11:59:59+08:00')).allowedNow).toBe(false);
    expect(decidePlay(nppa2021, calendar, forced, at('2026-11-26T12:00:00+08:00'))).toMatchObject({ minor: false, allowedNow: true, remainingSeconds: null });
    expect(view(nppa2021, { ...adult, minorRulesUntilMs: null }, '2026-11-25T23:00:00+08:00')).toEqual({
      allowed: true,
      remaining: null,
      endsAt: null,
      next: null,
      reason: null,
    });
  });

  it('an adult account under minor rules (failed challenge) is refused on a Wednesday at 23:00', () => {
    const forced = { ...adult, minorRulesUntilMs: at('2026-12-25T00:00:00+08:00') };
    expect(view(nppa2021, forced, '2026-11-25T23:00:00+08:00')).toEqual(refused('2026-11-27T20:00:00+08:00/2026-11-27T21:00:00+08:00'));
    expect(decidePlay(nppa2021, calendar, forced, at('2026-12-25T00:00:00+08:00')).allowedNow).toBe(true);
  });
});

describe('the nppa-2019 preset', () => {
  const p = PRESETS['nppa-2019'];
  it.each([
    ['curfew 23:00', '2026-11-25T23:00:00+08:00', 0, refused('2026-11-26T08:00:00+08:00/2026-11-26T22:00:00+08:00')],
    ['curfew 07:59:59', '2026-11-25T07:59:59+08:00', 0, refused('2026-11-25T08:00:00+08:00/2026-11-25T22:00:00+08:00')],
    ['a working day 10:00, nothing played: 90 minutes', '2026-11-25T10:00:00+08:00', 0, allowed(5400, '2026-11-25T11:30:00+08:00')],
    ['a working day 10:00, 80 minutes played: 10 left', '2026-11-25T10:00:00+08:00', 4800, allowed(600, '2026-11-25T10:10:00+08:00')],
    ['21:50 with budget left: the curfew comes first', '2026-11-25T21:50:00+08:00', 0, allowed(600, '2026-11-25T22:00:00+08:00')],
    ['90 minutes used up', '2026-11-25T10:00:00+08:00', 5400, refused('2026-11-26T08:00:00+08:00/2026-11-26T22:00:00+08:00', 'play_time_exhausted')],
    ['a statutory holiday: 3 hours', '2026-10-03T10:00:00+08:00', 0, allowed(10800, '2026-10-03T13:00:00+08:00')],
    ['a statutory holiday, 2 hours played: 1 hour left', '2026-10-03T10:00:00+08:00', 7200, allowed(3600, '2026-10-03T11:00:00+08:00')],
    [
      'a statutory holiday, 3 hours used up',
      '2026-10-03T10:00:00+08:00',
      10800,
      refused('2026-10-04T08:00:00+08:00/2026-10-04T22:00:00+08:00', 'play_time_exhausted'),
    ],
    ['an ordinary Saturday: 90 minutes', '2026-11-28T10:00:00+08:00', 0, allowed(5400, '2026-11-28T11:30:00+08:00')],
    ['a working day 08:00:00 opens', '2026-11-25T08:00:00+08:00', 0, allowed(5400, '2026-11-25T09:30:00+08:00')],
    ['a working day 22:00:00 is curfew', '2026-11-25T22:00:00+08:00', 0, refused('2026-11-26T08:00:00+08:00/2026-11-26T22:00:00+08:00')],
    [
      'more than the budget played (counter ahead)',
      '2026-11-25T10:00:00+08:00',
      6000,
      refused('2026-11-26T08:00:00+08:00/2026-11-26T22:00:00+08:00', 'play_time_exhausted'),
    ],
    ['used up and in curfew: the curfew is the reason', '2026-11-25T23:00:00+08:00', 5400, refused('2026-11-26T08:00:00+08:00/2026-11-26T22:00:00+08:00')],
  ] as Array<[string, string, number, View]>)('%s', (_name, iso, played, expected) => {
    expect(view(p, { ...minor, playedSecondsToday: played }, iso)).toEqual(expected);
  });
});

describe('a stricter publisher policy', () => {
  const strict = parsePlayPolicy({ preset: 'nppa-2021', fridayToSunday: { windows: [['20:00', '20:30']] }, holiday: { windows: [['20:00', '20:30']] } });
  it('narrows the window to 20:00–20:30', () => {
    expect(view(strict, minor, '2026-11-27T20:10:00+08:00')).toEqual(allowed(1200, '2026-11-27T20:30:00+08:00'));
    expect(view(strict, minor, '2026-11-27T20:45:00+08:00')).toEqual(refused('2026-11-28T20:00:00+08:00/2026-11-28T20:30:00+08:00'));
  });

  it.each([
    [{ holiday: { windows: [['19:00', '21:00']] } }, /19:00–21:00 on holiday days is wider than the law's 20:00–21:00/],
    [{ workday: { windows: [['20:00', '21:00']] } }, /on workday days is wider than the law's no play at all/],
    [{ preset: 'nppa-2019', workday: { budgetMinutes: 120 } }, /120 min exceeds the law's 90 min/],
    [{ preset: 'nppa-2019', holiday: { windows: [['07:00', '22:00']] } }, /07:00–22:00 on holiday days is wider than the law's 08:00–22:00/],
  ])('refuses %j, naming the rule', (json, message) => {
    expect(() => parsePlayPolicy(json)).toThrow(message);
  });
});

describe('years the calendar does not cover', () => {
  it('fall back to the plain Fri/Sat/Sun rule and say so', () => {
    const d = decidePlay(nppa2021, calendar, minor, at('2027-01-01T20:30:00+08:00'));
    expect(d).toMatchObject({ allowedNow: true, calendarCovered: false });
    expect(decidePlay(nppa2021, calendar, minor, at('2027-01-04T20:30:00+08:00')).allowedNow).toBe(false);
  });

  it('are covered by an operator override', () => {
    const withOverride = createCalendar(parseCalendarOverride({ years: { '2027': { holidays: ['2027-01-04'], workdays: ['2027-01-01'] } } }));
    expect(withOverride.covers('2027-06-01')).toBe(true);
    expect(decidePlay(nppa2021, withOverride, minor, at('2027-01-04T20:30:00+08:00'))).toMatchObject({ allowedNow: true, calendarCovered: true });
    expect(decidePlay(nppa2021, withOverride, minor, at('2027-01-01T20:30:00+08:00')).allowedNow).toBe(false);
  });
});

describe('the calendar', () => {
  it('does not cover 2027 in the pinned data, and says so', () => {
    expect(calendar.covers('2026-12-31')).toBe(true);
    expect(calendar.covers('2027-01-01')).toBe(false);
    expect(calendar.coveredYears()).toContain(2026);
    expect(calendar.coveredYears()).not.toContain(2027);
    expect(calendar.dayKind('2027-01-01')).toEqual({ kind: 'fridayToSunday', covered: false });
    expect(calendar.dayKind('2027-01-04')).toEqual({ kind: 'workday', covered: false });
  });

  it.each([
    ['2026-02-14', 'workday'],
    ['2026-02-28', 'workday'],
    ['2026-01-04', 'workday'],
    ['2026-05-09', 'workday'],
    ['2026-09-20', 'workday'],
    ['2026-10-10', 'workday'],
    ['2026-02-15', 'holiday'],
    ['2026-02-23', 'holiday'],
    ['2026-10-01', 'holiday'],
    ['2026-10-07', 'holiday'],
    ['2026-11-27', 'fridayToSunday'],
    ['2026-11-29', 'fridayToSunday'],
    ['2026-11-25', 'workday'],
  ] as const)('2026: %s is a %s', (date, kind) => {
    expect(calendar.dayKind(date)).toEqual({ kind, covered: true });
  });

  it('an override for 2027 makes it covered and sets its holidays', () => {
    const withOverride = createCalendar(parseCalendarOverride({ years: { '2027': { holidays: ['2027-01-01'], workdays: [] } } }));
    expect(withOverride.covers('2027-01-01')).toBe(true);
    expect(withOverride.dayKind('2027-01-01')).toEqual({ kind: 'holiday', covered: true });
    expect(withOverride.coveredYears()).toContain(2027);
    expect(uncoveredDays(withOverride, '2026-11-23', 60)).toEqual([]);
  });

  it('lists the uncovered days ahead without an override', () => {
    const days = uncoveredDays(calendar, '2026-11-23', 60);
    expect(days.length).toBeGreaterThan(0);
    expect(days).toHaveLength(21); // 2026-11-23 + 59 days = 2027-01-21
    expect(days[0]).toBe('2027-01-01');
    expect(days.at(-1)).toBe('2027-01-21');
    expect(uncoveredDays(calendar, '2026-11-23', 39)).toEqual([]);
  });

  it.each([
    [{ years: { '2027': { holidays: ['2026-12-31'], workdays: [] } } }, /2026-12-31 is not in 2027/],
    [{ years: { '27': { holidays: [], workdays: [] } } }, /invalid calendar override/],
    [{ years: { '2027': { holidays: ['2027-1-1'], workdays: [] } } }, /invalid calendar override/],
    [{ years: { '2027': { holidays: [] } } }, /invalid calendar override/],
  ])('refuses a malformed override %j', (json, message) => {
    expect(() => parseCalendarOverride(json)).toThrow(message);
  });
});
