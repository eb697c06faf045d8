/**
 * Refund help for a ward's payment over HTTP (docs/api.md "Complaints and the requests register";
 * Ministry of Culture and Tourism 2021 opinion, item 8): a confirmed guardian asks about one of the
 * ward's committed payments, once per order; the request enters the register (due 15 days later) with
 * the evidence sealed when the payment was committed — the age band and identity status then, the
 * session in progress, the device count, that day's risk signals — which outlives the session records;
 * operators read it (logged first) and decide once; the publisher hears of the decision
 * (`payment.refund_decided`). Each refusal: another guardian, an unconfirmed link, another person's
 * order, an order of an adult, a payment that never completed, a reason over 2,000 characters, a
 * second request for the same order.
 *
 * 2026-12-04 is an ordinary Friday: minors may play 20:00–21:00.
 */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#shared/storage/dynamo';
import { sessionKey } from '#shared/storage/keys';
import { deployed, useGateway } from '#test/support/gateway';
import { person, withConsent } from '#test/support/people';
import { startReceiver, type Receiver } from '#test/support/webhookReceiver';

const SECRET = 'whsec-refunds-0123456789abcdef';
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver(SECRET);
});
afterAll(async () => receiver?.stop());

const t = useGateway({ env: () => ({ WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET }) });
const uid = () => randomUUID().slice(0, 8);

describe.skipIf(deployed)('refund help', () => {
  const ward = person('2013-05-05', '郑小雨');
  const ids = { g: `g-${uid()}`, h: `h-${uid()}`, w: `w-${uid()}`, stranger: `s-${uid()}`, a: `a-${uid()}` };
  const tok: Record<string, string> = {};
  let wardId = '';
  let hWardId = '';
  let sessionId = '';
  let requestId = '';
  let operator = '';
  const order = `o-${uid()}`;
  const request = (token: string, wid: string, body: unknown) => t.api.call('POST', `/v1/guardian/wards/${wid}/refund-requests`, { token, body });

  it("a ward pays during a session; its guardian is confirmed, another guardian's link is pending", async () => {
    await t.api.setClock('2026-12-04T20:00:00+08:00');
    for (const [k, v] of Object.entries(ids)) tok[k] = await t.api.token(v);
    operator = await t.api.token(`op-${uid()}`, 'operator');
    expect((await t.api.call('POST', '/v1/identity', { token: tok.w!, body: withConsent(ward) })).status).toBe(200);
    for (const [k, who] of [
      ['g', person('1981-01-01', '郑大')],
      ['h', person('1979-09-09', '冯二')],
      ['stranger', person('1990-10-10')],
    ] as const) {
      expect((await t.api.call('POST', '/v1/identity', { token: tok[k]!, body: who })).status).toBe(200);
    }
    await t.api.setClock('2026-12-04T20:01:00+08:00');
    const link = await t.api.call('POST', '/v1/guardian/wards', { token: tok.g!, body: ward });
    wardId = link.body.wardId;
    expect((await t.api.call('POST', '/v1/me/guardians/confirm', { token: tok.w!, body: { code: link.body.confirmCode } })).status).toBe(200);
    hWardId = (await t.api.call('POST', '/v1/guardian/wards', { token: tok.h!, body: ward })).body.wardId;

    await t.api.setClock('2026-12-04T20:10:00+08:00');
    const s = await t.api.login(tok.w!, 'ward-phone');
    expect(s.status).toBe(201);
    sessionId = s.body.sessionId;
    expect((await t.api.reserve(tok.w!, 5000, order)).status).toBe(201);
    expect((await t.api.call('POST', `/v1/payments/${order}/commit`, { token: tok.w! })).status).toBe(200);
    expect((await t.api.reserve(tok.stranger!, 100, `o-stranger-${ids.stranger}`)).status).toBe(201);
    expect((await t.api.call('POST', `/v1/payments/o-stranger-${ids.stranger}/commit`, { token: tok.stranger! })).status).toBe(200);
  });

  it(
    "refuses another guardian (404), an unconfirmed link (403), another person's order and an unknown " + 'one (404), and a reason over 2,000 characters (400)',
    async () => {
      const body = { orderId: order, reason: '孩子未经同意充值。' };
      expect((await request(tok.h!, wardId, body)).body.code).toBe('ward_not_found');
      expect((await request(tok.h!, hWardId, body)).body.code).toBe('link_not_confirmed');
      expect((await request(tok.stranger!, wardId, body)).body.code).toBe('ward_not_found');
      const other = await request(tok.g!, wardId, { orderId: `o-stranger-${ids.stranger}`, reason: '不是我们的。' });
      expect([other.status, other.body.code]).toEqual([404, 'order_not_found']);
      expect((await request(tok.g!, wardId, { orderId: 'o-nowhere', reason: '?' })).body.code).toBe('order_not_found');
      const long = await request(tok.g!, wardId, { orderId: order, reason: '退'.repeat(2001) });
      expect([long.status, long.body.errors[0].path]).toEqual([400, 'reason']);
      expect((await request(tok.g!, wardId, { orderId: order })).status).toBe(400);
    },
  );

  it('takes the request once: 201, then 409 refund_already_requested naming it', async () => {
    const first = await request(tok.g!, wardId, { orderId: order, reason: '孩子在 20:10 未经家长同意充值 50 元。' });
    expect(first.status).toBe(201);
    requestId = first.body.requestId;
    expect(first.body).toEqual({
      requestId: expect.stringMatching(/^r[0-9a-z]{9}[0-9a-f]{16}$/),
      status: 'open',
      receivedAt: expect.stringMatching(/^2026-12-04T20:10:/),
      dueAt: expect.stringMatching(/^2026-12-19T20:10:/),
    });
    const second = await request(tok.g!, wardId, { orderId: order, reason: '再问一次。' });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'refund_already_requested', requestId });
    // In the guardian's own list, and in the operators' register.
    expect((await t.api.call('GET', '/v1/me/complaints', { token: tok.g! })).body.complaints).toEqual([
      {
        complaintId: requestId,
        kind: 'refund',
        category: 'payment',
        status: 'open',
        receivedAt: first.body.receivedAt,
        dueAt: first.body.dueAt,
        answeredAt: null,
        outcome: null,
        answer: null,
      },
    ]);
    const listed = (await t.api.call('GET', '/v1/admin/complaints?status=open&from=2026-12-04&to=2026-12-04', { token: operator })).body.complaints;
    expect(listed.filter((c: { kind: string }) => c.kind === 'refund')).toMatchObject([
      { complaintId: requestId, accountId: ids.g, orderId: order, text: '孩子在 20:10 未经家长同意充值 50 元。' },
    ]);
  });

  it('refuses a payment that never completed (422 not_committed)', async () => {
    await t.api.setClock('2026-12-05T10:00:00+08:00');
    expect((await t.api.reserve(tok.w!, 1000, `${order}-open`)).status).toBe(201);
    const r = await request(tok.g!, wardId, { orderId: `${order}-open`, reason: '还没付。' });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: 'refund_not_eligible', reason: 'not_committed' });
  });

  it("refuses an order of an adult: a payment under an adult's identity, the account corrected to a child's since (422 adult_order)", async () => {
    await t.api.setClock('2026-12-05T11:00:00+08:00');
    const child = person('2013-07-07', '郑小川');
    expect((await t.api.call('POST', '/v1/identity', { token: tok.a!, body: person('1978-07-07', '郑父') })).status).toBe(200);
    expect((await t.api.reserve(tok.a!, 30_000, `o-adult-${ids.a}`)).status).toBe(201);
    expect((await t.api.call('POST', `/v1/payments/o-adult-${ids.a}/commit`, { token: tok.a! })).status).toBe(200);
    expect((await t.api.call('POST', '/v1/identity/correction', { token: tok.a!, body: child })).body).toEqual({ status: 'corrected', ageBand: 8 });
    await t.api.setClock('2026-12-05T11:01:00+08:00');
    const link = await t.api.call('POST', '/v1/guardian/wards', { token: tok.g!, body: child });
    expect((await t.api.call('POST', '/v1/me/guardians/confirm', { token: tok.a!, body: { code: link.body.confirmCode } })).status).toBe(200);
    const r = await request(tok.g!, link.body.wardId, { orderId: `o-adult-${ids.a}`, reason: '其实是孩子充的。' });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: 'refund_not_eligible', reason: 'adult_order' });
    expect(r.body.detail).toContain('投诉与反馈');
  });

  it('shows operators the evidence sealed at the commit, also once the session records are gone; the read is logged first', async () => {
    // The session item goes after its 7 days (TTL): here, at once. The evidence is the order's and the request's.
    const db = createDocumentClient({ endpoint: t.gateway.dynamoEndpoint, region: 'local' });
    await db.send(new DeleteCommand({ TableName: t.gateway.tableName, Key: sessionKey(sessionId) }));
    expect((await t.api.call('GET', `/v1/admin/refund-requests/${requestId}`, { token: operator })).status).toBe(400);
    const r = await t.api.call('GET', `/v1/admin/refund-requests/${requestId}?reason=${encodeURIComponent('家长退款申请核查')}`, { token: operator });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      requestId,
      status: 'open',
      guardianAccountId: ids.g,
      wardId,
      reason: '孩子在 20:10 未经家长同意充值 50 元。',
      receivedAt: expect.stringMatching(/^2026-12-04T20:10:/),
      dueAt: expect.stringMatching(/^2026-12-19T20:10:/),
      order: {
        orderId: order,
        gameId: 'default',
        amount: 5000,
        status: 'committed',
        reservedAt: expect.stringMatching(/^2026-12-04T20:10:/),
        committedAt: expect.stringMatching(/^2026-12-04T20:10:/),
      },
      evidence: {
        capturedAt: expect.stringMatching(/^2026-12-04T20:10:/),
        ageBand: 8,
        minorRules: false,
        identityStatus: 'verified',
        session: { inProgress: true, sessionId, loggedInAt: expect.stringMatching(/^2026-12-04T20:10:/) },
        devices: { inWindow: 1, known: 1 },
        riskSignals: [],
        flaggedAt: null,
      },
      decision: null,
    });
    // A second later: the access log lists the reads by time.
    await t.api.advanceClock(1);
    expect((await t.api.call('GET', `/v1/admin/refund-requests/r000000000${'0'.repeat(16)}?reason=x`, { token: operator })).status).toBe(404);
    const log = await t.api.call('GET', '/v1/admin/access-log?from=2026-12-05&to=2026-12-05', { token: operator });
    expect(
      log.body.entries
        .filter((e: { action: string }) => e.action === 'refund_request_read')
        .map((e: { reason: string; subject: string }) => [e.reason, e.subject]),
    ).toEqual([
      ['家长退款申请核查', requestId],
      ['x', `r000000000${'0'.repeat(16)}`],
    ]);
  });

  it('decides once; the guardian reads the note, the publisher hears of the decision (ids and amount, never the note)', async () => {
    await t.api.setClock('2026-12-06T09:00:00+08:00');
    expect((await t.api.call('POST', `/v1/admin/refund-requests/${requestId}/decision`, { token: operator, body: { approved: true } })).status).toBe(400);
    const decided = await t.api.call('POST', `/v1/admin/refund-requests/${requestId}/decision`, {
      token: operator,
      body: { approved: true, note: '核实为未成年人消费，同意全额退款，3 个工作日内原路退回。' },
    });
    expect(decided.status).toBe(200);
    expect(decided.body).toEqual({ requestId, status: 'answered', approved: true, decidedAt: expect.stringMatching(/^2026-12-06T09:00:/) });
    expect(
      (await t.api.call('POST', `/v1/admin/refund-requests/${requestId}/decision`, { token: operator, body: { approved: false, note: '改主意' } })).body.code,
    ).toBe('already_answered');
    expect((await t.api.call('GET', '/v1/me/complaints', { token: tok.g! })).body.complaints).toMatchObject([
      { complaintId: requestId, status: 'answered', outcome: 'resolved', answer: '核实为未成年人消费，同意全额退款，3 个工作日内原路退回。' },
    ]);
    expect((await t.api.call('GET', `/v1/admin/refund-requests/${requestId}?reason=review`, { token: operator })).body.decision).toEqual({
      approved: true,
      note: '核实为未成年人消费，同意全额退款，3 个工作日内原路退回。',
      decidedAt: decided.body.decidedAt,
      outcome: 'resolved',
    });

    await t.api.tick();
    const events = [...receiver.events.values()].filter((e) => e.type === 'payment.refund_decided');
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toEqual({ requestId, orderId: order, gameId: 'default', amount: 5000, approved: true, decidedAt: decided.body.decidedAt });
    expect(JSON.stringify(events[0])).not.toContain('退款');
  });
});
