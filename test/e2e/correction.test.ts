/**
 * Correcting a wrongly bound identity over HTTP (docs/api.md "Identity correction"): a child whose
 * account was bound to a parent's ID number is corrected at once (stricter), its live session ends
 * and the next login is under the child's rules; the reverse waits for an operator, whose decision
 * needs a reason and is logged before anything changes.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deployed, useGateway } from '#test/support/gateway';
import { person } from '#test/support/people';

const t = useGateway();
const uid = () => randomUUID().slice(0, 8);

describe.skipIf(deployed)('identity correction', () => {
  it("a child bound to a parent's number: corrected at once, the live session ends, the next login is a minor's", async () => {
    await t.api.setClock('2026-10-02T20:05:00+08:00');
    const token = await t.api.token(`c-${uid()}`);
    const parent = person('1980-01-01', '王大明');
    const child = person('2012-05-05', '王小明');
    expect((await t.api.call('POST', '/v1/identity', { token, body: parent })).status).toBe(200);
    const adult = await t.api.call('POST', '/v1/sessions', { token, body: { deviceId: 'cp-1' } });
    expect(adult.body.minor).toBe(false);

    const corrected = await t.api.call('POST', '/v1/identity/correction', { token, body: child });
    expect(corrected.status).toBe(200);
    expect(corrected.body).toEqual({ status: 'corrected', ageBand: 8 });
    expect((await t.api.call('POST', `/v1/sessions/${adult.body.sessionId}/heartbeat`, { token, body: { seq: 1 } })).body).toMatchObject({
      action: 'terminate',
      reason: 'identity_corrected',
    });
    expect((await t.api.call('GET', '/v1/identity', { token })).body).toMatchObject({ status: 'verified', ageBand: 8 });
    const minor = await t.api.call('POST', '/v1/sessions', { token, body: { deviceId: 'cp-1' } });
    expect(minor.body).toMatchObject({ minor: true, ageBand: 8 });
    // A second later: the register lists the newest request first.
    await t.api.advanceClock(1);
    expect((await t.api.call('POST', '/v1/identity/correction', { token, body: child })).body).toEqual({ status: 'unchanged', ageBand: 8 });
    // Both requests entered the requests register, answered as they were made (2024 Regulations Art. 34).
    expect(
      (await t.api.call('GET', '/v1/me/complaints', { token })).body.complaints.map((c: { kind: string; status: string; outcome: string; answer: string }) => [
        c.kind,
        c.status,
        c.outcome,
        c.answer,
      ]),
    ).toEqual([
      ['correction', 'answered', 'resolved', '提交的实名信息与当前绑定的一致，无需更正。'],
      ['correction', 'answered', 'resolved', '已按国家实名认证系统核验通过的新实名信息更正，立即生效。'],
    ]);
    // The parent's identity is free again for the parent's own account.
    const parentAccount = await t.api.token(`p-${uid()}`);
    expect((await t.api.call('POST', '/v1/identity', { token: parentAccount, body: parent })).status).toBe(200);
  });

  it('an older identity waits for an operator; the decision needs a reason and is logged first', async () => {
    await t.api.setClock('2026-10-03T10:00:00+08:00');
    const accountId = `o-${uid()}`;
    const token = await t.api.token(accountId);
    expect((await t.api.call('POST', '/v1/identity', { token, body: person('2013-03-03') })).status).toBe(200);
    const asked = await t.api.call('POST', '/v1/identity/correction', { token, body: person('1990-02-02') });
    expect(asked.status).toBe(202);
    expect(asked.body).toEqual({ status: 'awaiting_operator', ageBand: 8 });
    expect((await t.api.call('GET', '/v1/identity', { token })).body).toMatchObject({ ageBand: 8 });
    // Open in the register until the operator decides, due 15 days later.
    expect((await t.api.call('GET', '/v1/me/complaints', { token })).body.complaints).toEqual([
      {
        complaintId: expect.any(String),
        kind: 'correction',
        category: 'personal_information',
        status: 'open',
        receivedAt: expect.stringMatching(/^2026-10-03T10:00:/),
        dueAt: expect.stringMatching(/^2026-10-18T10:00:/),
        answeredAt: null,
        outcome: null,
        answer: null,
      },
    ]);

    const operator = await t.api.token('staff-correction', 'operator');
    expect((await t.api.call('GET', '/v1/admin/corrections', { token: operator })).status).toBe(400);
    const list = await t.api.call('GET', '/v1/admin/corrections?reason=%E5%AE%A1%E6%A0%B8', { token: operator });
    expect(list.body.corrections).toEqual(
      expect.arrayContaining([{ accountId, requestedAt: expect.stringMatching(/^2026-10-03T10:00/), currentAgeBand: 8, requestedAgeBand: 18 }]),
    );
    expect((await t.api.call('POST', `/v1/admin/accounts/${accountId}/identity-correction`, { token: operator, body: { approve: true } })).status).toBe(400);
    expect((await t.api.call('POST', `/v1/admin/accounts/${accountId}/identity-correction`, { token, body: { approve: true, reason: 'x' } })).status).toBe(403);
    const applied = await t.api.call('POST', `/v1/admin/accounts/${accountId}/identity-correction`, {
      token: operator,
      body: { approve: true, reason: '户口本核验一致' },
    });
    expect(applied.status).toBe(200);
    expect(applied.body).toEqual({ accountId, status: 'corrected', ageBand: 18 });
    expect((await t.api.call('GET', '/v1/me/complaints', { token })).body.complaints).toMatchObject([
      { kind: 'correction', status: 'answered', outcome: 'resolved', answer: '经人工审核，已按新的实名信息更正。说明：户口本核验一致' },
    ]);
    expect((await t.api.call('GET', '/v1/identity', { token })).body).toMatchObject({ status: 'verified', ageBand: 18 });
    // A second later: the access log lists the decisions by time.
    await t.api.advanceClock(1);
    expect(
      (await t.api.call('POST', `/v1/admin/accounts/${accountId}/identity-correction`, { token: operator, body: { approve: true, reason: 'again' } })).status,
    ).toBe(404);
    const log = await t.api.call('GET', '/v1/admin/access-log?from=2026-10-03&to=2026-10-03', { token: operator });
    expect(
      log.body.entries.filter((e: { accountId: string }) => e.accountId === accountId).map((e: { action: string; reason: string }) => [e.action, e.reason]),
    ).toEqual([
      ['applyCorrection', '户口本核验一致'],
      ['applyCorrection', 'again'],
    ]);
  });

  it('an operator may refuse; the account stays as it was', async () => {
    await t.api.setClock('2026-10-03T11:00:00+08:00');
    const accountId = `r-${uid()}`;
    const token = await t.api.token(accountId);
    expect((await t.api.call('POST', '/v1/identity', { token, body: person('2010-01-01') })).status).toBe(200);
    expect((await t.api.call('POST', '/v1/identity/correction', { token, body: person('1991-01-01') })).status).toBe(202);
    const operator = await t.api.token('staff-correction', 'operator');
    const refused = await t.api.call('POST', `/v1/admin/accounts/${accountId}/identity-correction`, {
      token: operator,
      body: { approve: false, reason: '材料不符' },
    });
    expect(refused.body).toEqual({ accountId, status: 'rejected', ageBand: 16 });
    expect((await t.api.call('GET', '/v1/identity', { token })).body).toMatchObject({ ageBand: 16 });
    // The refusal's reasons reach the player in the answer (2024 Regulations Art. 34 item (3)), not only the access log.
    expect((await t.api.call('GET', '/v1/me/complaints', { token })).body.complaints).toMatchObject([
      { kind: 'correction', status: 'answered', outcome: 'refused', answer: '经人工审核，未予更正。理由：材料不符' },
    ]);
  });

  it('needs a verified identity to correct, and a valid number', async () => {
    const token = await t.api.token(`n-${uid()}`);
    expect((await t.api.call('POST', '/v1/identity/correction', { token, body: person('2012-01-01') })).body.code).toBe('identity_required');
    expect((await t.api.call('POST', '/v1/identity', { token, body: person('2012-01-01') })).status).toBe(200);
    expect((await t.api.call('POST', '/v1/identity/correction', { token, body: { name: '张三', idNumber: '123' } })).status).toBe(422);
  });
});
