import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createCalendar, parseCalendarOverride } from '#shared/domain/calendar';
import { checkCalendarCoverage } from '#infra/cli/calendarCheck';

const run = promisify(execFile);
const override2027 = { years: { '2027': { holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: [] } } };

describe('calendar:check', () => {
  it('fails from 2026-11-23 without next year (2027 starts 39 days later)', () => {
    const r = checkCalendarCoverage(createCalendar(), Date.parse('2026-11-23T12:00:00+08:00'));
    expect(r.ok).toBe(false);
    expect(r.uncovered[0]).toBe('2027-01-01');
    expect(r.uncovered).toHaveLength(21);
  });

  it('passes in early November, and with an override for 2027', () => {
    expect(checkCalendarCoverage(createCalendar(), Date.parse('2026-11-01T12:00:00+08:00')).ok).toBe(true);
    expect(checkCalendarCoverage(createCalendar(parseCalendarOverride(override2027)), Date.parse('2026-11-23T12:00:00+08:00')).ok).toBe(true);
  });

  it('exits 1 as a command when uncovered and 0 with the override file', async () => {
    const bad = await run('node_modules/.bin/tsx', ['infra/cli/calendarCheck.ts', '--now', '2026-12-15T00:00:00+08:00']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((bad as { code: number }).code).toBe(1);
    const dir = mkdtempSync(join(tmpdir(), 'cal-'));
    writeFileSync(join(dir, '2027.json'), JSON.stringify(override2027));
    const good = await run('node_modules/.bin/tsx', ['infra/cli/calendarCheck.ts', '--now', '2026-12-15T00:00:00+08:00', '--file', join(dir, '2027.json')]);
    expect(good.stdout).toContain('OK');
  });
});
