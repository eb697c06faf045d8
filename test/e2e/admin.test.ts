/**
 * Operators over HTTP (docs/api.md: GET /v1/admin/accounts/{accountId}, GET /v1/admin/access-log):
 * only operator credentials; a read without a reason is refused and writes nothing; a read with one
 * is in the access log before its answer arrives (the log is written first: no entry, no data),
 * reading the log included; the log cannot be changed or deleted through the API.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AccessLogRepository } from '#shared/oversight/repository';
import { beijingDate } from '#shared/domain/beijingTime';
import { deployed, useGateway } from '#test/support/gateway';
import { person } from '#test/support/people';

const t = useGateway();
const log = async (op: string, from: string, to = from) => t.api.call('GET', `/v1/admin/access-log?from=${from}&to=${to}`, { token: op });

describe('operator access to personal information', () => {
  it('refuses players and game servers on admin routes (403 forbidden)', async () => {
    for (const scope of ['player', 'server'] as const) {
      const token = await t.api.token(`not-staff-${scope}`, scope);
      for (const path of ['/v1/admin/accounts/anyone?reason=x', '/v1/admin/access-log?from=2026-10-01&to=2026-10-01']) {
        const r = await t.api.call('GET', path, { token });
        expect(r.status, `${scope} ${path}`).toBe(403);
        // A deployed stage's authorizer may refuse the scope itself, with its own body.
        if (!deployed) expect(r.body.code).toBe('forbidden');
      }
    }
  });

  it('refuses a read without a reason (400) and logs nothing; with one, logs it and answers', async () => {
    const op = await t.api.token(`staff-${randomUUID().slice(0, 6)}`, 'operator');
    const player = `watched-${randomUUID().slice(0, 8)}`;
    const token = await t.api.token(player);
    expect((await t.api.call('POST', '/v1/identity', { token, body: person('2011-06-06') })).status).toBe(200);
    const today = beijingDate(Date.now());
    for (const bad of ['', '?reason=', `?reason=${'x'.repeat(201)}`]) {
      const r = await t.api.call('GET', `/v1/admin/accounts/${player}${bad}`, { token: op });
      expect(r.status, bad).toBe(400);
      expect(r.body.code).toBe('invalid_request');
    }
    const mine = async () =>
      ((await log(op, today)).body.entries as Array<{ accountId: string; reason: string; operator: string }>).filter((e) => e.accountId === player);
    expect(await mine()).toEqual([]);
    const reason = '家长投诉 #4711: check spending';
    const r = await t.api.call('GET', `/v1/admin/accounts/${player}?reason=${encodeURIComponent(reason)}`, { token: op });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      accountId: player,
      status: 'verified',
      ageBand: 8,
      riskFlags: { blocked: false, openChallenge: false },
      sessions: [],
      payments: [],
      auditEntries: [],
    });
    expect(JSON.stringify(r.body)).not.toMatch(/"(pk|sk|identityHash|deviceHash|pi)"/);
    expect((await mine()).map((e) => e.reason)).toEqual([reason]);
  });

  it.skipIf(deployed)('writes the entry before the data is read: when the log cannot be written, nothing is returned', async () => {
    await t.api.setClock('2026-10-05T10:00:00+08:00');
    const op = await t.api.token('staff-order', 'operator');
    const player = `ordered-${randomUUID().slice(0, 8)}`;
    const token = await t.api.token(player);
    expect((await t.api.call('POST', '/v1/identity', { token, body: person('1999-09-09') })).status).toBe(200);
    const record = AccessLogRepository.prototype.record;
    const reads: string[] = [];
    AccessLogRepository.prototype.record = async () => {
      reads.push('log');
      throw new Error('table unavailable');
    };
    try {
      const r = await t.api.call('GET', `/v1/admin/accounts/${player}?reason=audit`, { token: op });
      expect(r.status).toBe(500);
      expect(JSON.stringify(r.body)).not.toContain(player);
      expect(reads).toEqual(['log']);
    } finally {
      AccessLogRepository.prototype.record = record;
    }
    expect((await t.api.call('GET', `/v1/admin/accounts/${player}?reason=audit`, { token: op })).status).toBe(200);
    // Each read a second apart (entries of one instant have no order among them).
    await t.api.setClock('2026-10-05T10:00:01+08:00');
    const entries = (await log(op, '2026-10-05')).body.entries;
    // Reading the log is itself logged first, so the read is in its own answer.
    expect(entries).toEqual([
      { operator: 'staff-order', at: '2026-10-05T10:00:00+08:00', action: 'readAccount', accountId: player, reason: 'audit' },
      { operator: 'staff-order', at: '2026-10-05T10:00:01+08:00', action: 'access_log_read', accountId: '*', reason: '2026-10-05/2026-10-05' },
    ]);
    // An account nothing is stored about: 404, and the attempt is still in the log.
    await t.api.setClock('2026-10-05T10:00:02+08:00');
    expect((await t.api.call('GET', '/v1/admin/accounts/nobody-at-all?reason=typo', { token: op })).status).toBe(404);
    await t.api.setClock('2026-10-05T10:00:03+08:00');
    expect((await log(op, '2026-10-05')).body.entries.map((e: { accountId: string }) => e.accountId)).toEqual([player, '*', 'nobody-at-all', '*']);
  });

  it.skipIf(deployed)('an operator sees recent sessions, payments and audit entries of a busy account', async () => {
    await t.api.setClock('2026-10-09T20:10:00+08:00');
    const op = await t.api.token('staff-view', 'operator');
    const token = await t.api.token('busy-adult');
    expect((await t.api.call('POST', '/v1/identity', { token, body: person('1990-02-02') })).status).toBe(200);
    for (let i = 1; i <= 3; i += 1)
      expect((await t.api.call('POST', '/v1/sessions', { token, body: { deviceId: `busy-${i}`, takeover: true } })).status).toBe(201);
    expect((await t.api.call('POST', '/v1/sessions', { token, body: { deviceId: 'busy-4', takeover: true } })).status).toBe(428);
    expect((await t.api.call('POST', '/v1/payments', { token, body: { orderId: `busy-${randomUUID()}`, amount: 600 } })).status).toBe(201);
    const r = await t.api.call('GET', '/v1/admin/accounts/busy-adult?reason=rental%20check', { token: op });
    expect(r.status).toBe(200);
    expect(r.body.sessions).toHaveLength(3);
    expect(r.body.payments).toMatchObject([{ amount: 600, status: 'reserved' }]);
    expect(r.body.auditEntries).toMatchObject([{ decision: 'challenge', signal: 'account_many_devices' }]);
    expect(r.body.riskFlags).toMatchObject({ openChallenge: true, flaggedAt: expect.any(String) });
  });

  it('the access log checks its range and offers no way to change or delete an entry', async () => {
    const op = await t.api.token('staff-range', 'operator');
    for (const q of ['', '?from=2026-10-05', '?from=2026-10-06&to=2026-10-05', '?from=2024-01-01&to=2026-01-01', '?from=5.10.2026&to=2026-10-05']) {
      const r = await t.api.call('GET', `/v1/admin/access-log${q}`, { token: op });
      expect(r.status, q).toBe(400);
    }
    for (const method of ['DELETE', 'PUT', 'POST', 'PATCH']) {
      expect((await t.api.call(method, '/v1/admin/access-log?from=2026-10-05&to=2026-10-05', { token: op })).status, method).toBeGreaterThanOrEqual(404);
    }
  });
});
