/**
 * Date ranges as an attacker sends them (docs/api.md "Operators"; issue 23, items 7 and 8): a
 * range in year 9999, a day that does not exist, from after to, spans over the maximum, and days
 * outside 2000-01-01 … 2099-12-31. Each is refused at the edge with 400 `invalid_request` naming
 * the query parameter before any work is done (no DynamoDB request, counted in-process), and the
 * gateway answers normally right after — no request runs on until its function's timeout while a
 * loop counts days or months to year 9999. Nothing here waits for wall time: a runaway loop would
 * never answer and the test would fail at its timeout.
 *
 * Also: reading the access log is itself in the access log, written before the read.
 */
import { describe, expect, it } from 'vitest';
import { addDays, beijingDate } from '#shared/domain/beijingTime';
import { AccessLogRepository } from '#shared/oversight/repository';
import { ddbCallCounter } from '#test/support/ddbCounter';
import { deployed, useGateway } from '#test/support/gateway';

const t = useGateway();

/** 400 invalid_request naming query parameters only, decided at the edge: not one DynamoDB request (locally, where they are counted). */
async function refused(path: string, token: string): Promise<void> {
  const before = ddbCallCounter.calls;
  const r = await t.api.call('GET', path, { token });
  expect({ status: r.status, code: r.body?.code }, path).toEqual({ status: 400, code: 'invalid_request' });
  expect(r.body.errors.length, path).toBeGreaterThan(0);
  for (const e of r.body.errors) expect(e, path).toMatchObject({ in: 'query', path: expect.stringMatching(/^(from|to|year)$/), message: expect.any(String) });
  if (!deployed) expect(ddbCallCounter.calls - before, path).toBe(0);
}

/** The gateway still answers: liveness, and a valid operator read. */
async function responsive(op: string): Promise<void> {
  expect((await t.api.call('GET', '/health')).status).toBe(200);
  expect((await t.api.call('GET', '/v1/admin/stats?from=2026-10-01&to=2026-10-31', { token: op })).status).toBe(200);
  expect((await t.api.call('GET', '/v1/admin/access-log?from=2026-10-01&to=2026-10-01', { token: op })).status).toBe(200);
}

const ACCESS_LOG = (q: string) => `/v1/admin/access-log?${q}`;
const STATS = (q: string) => `/v1/admin/stats?${q}`;
const ACTIVITY = (q: string) => `/v1/guardian/wards/w-anyone/activity?${q}`;

describe('operator ranges an attacker sends', () => {
  const tokens = async () => ({ op: await t.api.token('staff-ranges', 'operator'), player: await t.api.token('guardian-ranges') });

  it('the year-9999 access-log range: 400 from the edge, and the gateway answers right after', async () => {
    const { op } = await tokens();
    await responsive(op); // warm: the first read loads the function
    await refused(ACCESS_LOG('from=9999-12-31&to=9999-12-31'), op);
    await refused(ACCESS_LOG('from=9999-01-01&to=9999-01-02'), op);
    await responsive(op);
  });

  it('the year-9999 stats range and annual report: 400 from the edge, and the gateway answers right after', async () => {
    const { op } = await tokens();
    await responsive(op);
    await refused(STATS('from=9999-12-31&to=9999-12-31'), op);
    await refused(STATS('from=9999-12-01&to=9999-12-31&gameId=default'), op);
    for (const year of ['9999', '2100', '1999', '0000', '99999', '2026.0', '']) await refused(`/v1/admin/reports/annual?year=${year}`, op);
    await refused('/v1/admin/reports/annual', op);
    await responsive(op);
  });

  it('the 2027-02-30 date (which JavaScript rolls to 2 March): 400 on every range', async () => {
    const { op, player } = await tokens();
    for (const q of [
      'from=2027-02-30&to=2027-03-05',
      'from=2027-02-01&to=2027-02-30',
      'from=2027-02-29&to=2027-02-29',
      'from=2026-04-31&to=2026-05-01',
      'from=2026-13-01&to=2026-13-01',
      'from=2026-10-00&to=2026-10-01',
    ]) {
      await refused(ACCESS_LOG(q), op);
      await refused(STATS(q), op);
      await refused(ACTIVITY(q), player);
    }
    await responsive(op);
  });

  it('from after to: 400', async () => {
    const { op, player } = await tokens();
    const q = 'from=2026-10-06&to=2026-10-05';
    await refused(ACCESS_LOG(q), op);
    await refused(STATS(q), op);
    await refused(ACTIVITY(q), player);
    await responsive(op);
  });

  it('spans over the maximum: 400 one day past it (367 days for operators, 92 for guardians), the maximum itself answered', async () => {
    const { op, player } = await tokens();
    await refused(ACCESS_LOG('from=2027-01-01&to=2028-01-03'), op);
    await refused(STATS('from=2027-01-01&to=2028-01-03'), op);
    await refused(ACTIVITY('from=2026-10-01&to=2027-01-01'), player);
    await refused(ACCESS_LOG('from=2000-01-01&to=2099-12-31'), op);
    expect((await t.api.call('GET', ACCESS_LOG('from=2027-01-01&to=2028-01-02'), { token: op })).status).toBe(200);
    expect((await t.api.call('GET', STATS('from=2027-01-01&to=2028-01-02'), { token: op })).status).toBe(200);
    // The guardian's range passes the edge; this guardian has no such ward (no 400).
    expect((await t.api.call('GET', ACTIVITY('from=2026-10-01&to=2026-12-31'), { token: player })).status).not.toBe(400);
    await responsive(op);
  });

  it('1999-12-31 and 2100-01-01: outside 2000-01-01 … 2099-12-31, 400; the first and last days answered', async () => {
    const { op, player } = await tokens();
    for (const q of ['from=1999-12-31&to=1999-12-31', 'from=1999-12-31&to=2000-01-01', 'from=2100-01-01&to=2100-01-01', 'from=2099-12-31&to=2100-01-01']) {
      await refused(ACCESS_LOG(q), op);
      await refused(STATS(q), op);
      await refused(ACTIVITY(q), player);
    }
    for (const q of ['from=2000-01-01&to=2000-01-01', 'from=2099-12-31&to=2099-12-31']) {
      expect((await t.api.call('GET', ACCESS_LOG(q), { token: op })).status, q).toBe(200);
      expect((await t.api.call('GET', STATS(q), { token: op })).status, q).toBe(200);
    }
    for (const year of ['2000', '2099']) expect((await t.api.call('GET', `/v1/admin/reports/annual?year=${year}`, { token: op })).status, year).toBe(200);
    await responsive(op);
  });
});

describe('reading the access log', () => {
  it('a refused range reads nothing and writes nothing', async () => {
    const op = await t.api.token('staff-refused-read', 'operator');
    expect((await t.api.call('GET', '/v1/admin/access-log?from=2027-02-30&to=2027-03-01', { token: op })).status).toBe(400);
    // Yesterday to tomorrow on the real clock (this file has not moved the gateway's clock yet).
    const [from, to] = [-1, 1].map((d) => addDays(beijingDate(Date.now()), d)) as [string, string];
    const entries = (await t.api.call('GET', `/v1/admin/access-log?from=${from}&to=${to}`, { token: op })).body.entries as Array<{
      operator: string;
      reason: string;
    }>;
    expect(entries.filter((e) => e.operator === 'staff-refused-read').map((e) => e.reason)).toEqual([`${from}/${to}`]);
  });

  it.skipIf(deployed)('is itself written to the access log, before the read: the answer holds its own entry', async () => {
    await t.api.setClock('2026-11-20T09:30:00+08:00');
    const op = await t.api.token('staff-reads-log', 'operator');
    const first = await t.api.call('GET', '/v1/admin/access-log?from=2026-11-19&to=2026-11-20', { token: op });
    expect(first.status).toBe(200);
    const own = { operator: 'staff-reads-log', at: '2026-11-20T09:30:00+08:00', action: 'access_log_read', accountId: '*', reason: '2026-11-19/2026-11-20' };
    expect(first.body.entries).toEqual([own]);
    // A read of other days is recorded on the day it happened, naming the days read (a second
    // apart: the entries of one instant have no order among them).
    await t.api.setClock('2026-11-20T09:30:01+08:00');
    expect((await t.api.call('GET', '/v1/admin/access-log?from=2026-11-01&to=2026-11-02', { token: op })).body.entries).toEqual([]);
    await t.api.setClock('2026-11-20T09:30:02+08:00');
    const again = await t.api.call('GET', '/v1/admin/access-log?from=2026-11-20&to=2026-11-20', { token: op });
    expect(again.body.entries).toEqual([
      own,
      { ...own, at: '2026-11-20T09:30:01+08:00', reason: '2026-11-01/2026-11-02' },
      { ...own, at: '2026-11-20T09:30:02+08:00', reason: '2026-11-20/2026-11-20' },
    ]);
  });
  it.skipIf(deployed)('no entry, no data: when the entry cannot be written, the log is not read', async () => {
    const op = await t.api.token('staff-unlogged', 'operator');
    const record = AccessLogRepository.prototype.record;
    const between = AccessLogRepository.prototype.between;
    const calls: string[] = [];
    AccessLogRepository.prototype.record = async () => {
      calls.push('record');
      throw new Error('table unavailable');
    };
    AccessLogRepository.prototype.between = async function (...args) {
      calls.push('between');
      return between.apply(this, args);
    };
    try {
      const r = await t.api.call('GET', '/v1/admin/access-log?from=2026-11-20&to=2026-11-20', { token: op });
      expect(r.status).toBe(500);
      expect(r.body.entries).toBeUndefined();
      expect(calls).toEqual(['record']);
    } finally {
      AccessLogRepository.prototype.record = record;
      AccessLogRepository.prototype.between = between;
    }
  });
});
