/**
 * Notifications over HTTP: a local gateway configured with WEBHOOK_URL and WEBHOOK_SECRET, a risk
 * challenge raised by real logins, one tick of the scheduled jobs, and a receiver (built on the
 * docs/webhooks.md's verification snippet) that gets a verified `risk.challenge_issued` with opaque ids only.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ddbCallCounter } from '#test/support/ddbCounter';
import { deployed, useGateway } from '#test/support/gateway';
import { person } from '#test/support/people';
import { startReceiver, type Receiver } from '#test/support/webhookReceiver';

const SECRET = 'whsec-e2e-0123456789abcdef';
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver(SECRET);
});
afterAll(async () => receiver?.stop());

const t = useGateway({ env: () => ({ WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET }) });

describe.skipIf(deployed)('notifications to the publisher', () => {
  it('tells the publisher about a risk challenge on the next run of the jobs, signed, with opaque ids only', async () => {
    await t.api.setClock('2026-11-25T10:00:00+08:00');
    const phone = `shop-${randomUUID()}`;
    const people = [1, 2, 3, 4].map((i) => ({ sub: `wh-acct-${i}`, who: person(`199${i}-03-01`) }));
    let fourth;
    let requests = 0;
    for (const { sub, who } of people) {
      const token = await t.api.token(sub);
      expect((await t.api.call('POST', '/v1/identity', { token, body: who })).status).toBe(200);
      const before = ddbCallCounter.calls;
      fourth = await t.api.call('POST', '/v1/sessions', { token, body: { deviceId: phone, takeover: true } });
      requests = ddbCallCounter.calls - before;
    }
    expect(fourth!.status).toBe(428);
    // The event is one more item of the challenge's transaction: the login's three requests (the
    // account, the device, the transaction) stay three.
    expect(requests).toBe(3);
    const challengeId = fourth!.body.challengeId as string;
    // Never on the player's request path: nothing arrives before the job runs.
    expect(receiver.requests).toHaveLength(0);

    const tick = await t.api.tick();
    expect(tick.body.ran).toContain('webhookSender');
    expect(receiver.requests).toHaveLength(1);
    const [r] = receiver.requests;
    expect(r!.verified).toBe(true);
    expect(r!.event).toEqual({
      id: expect.any(String),
      type: 'risk.challenge_issued',
      occurredAt: expect.stringMatching(/^2026-11-25T10:0\d:\d\d\+08:00$/),
      data: {
        challengeId,
        accountId: 'wh-acct-4',
        gameId: 'default',
        signal: 'device_many_accounts',
        trigger: 'login',
        challengeKind: 'face',
        expiresAt: expect.stringMatching(/^2026-11-25T10:\d\d:\d\d\+08:00$/),
      },
    });
    for (const { who } of people) {
      expect(r!.rawBody).not.toContain(who.idNumber);
      expect(r!.rawBody).not.toContain(who.name);
    }
    expect(r!.rawBody).not.toContain(phone);

    // Delivered once: the next tick sends nothing.
    await t.api.tick();
    expect(receiver.requests).toHaveLength(1);
  });

  it("tells the ward's guardians of its login, of a payment waiting for approval and of the committed payment", async () => {
    await t.api.setClock('2026-10-02T20:05:00+08:00');
    const guardianId = `wh-g-${randomUUID().slice(0, 8)}`;
    const wardAccount = `wh-w-${randomUUID().slice(0, 8)}`;
    const ward = person('2012-05-05', '王小明');
    const g = await t.api.token(guardianId);
    const w = await t.api.token(wardAccount);
    expect((await t.api.call('POST', '/v1/identity', { token: g, body: person('1980-02-02') })).status).toBe(200);
    expect((await t.api.call('POST', '/v1/identity', { token: w, body: ward })).status).toBe(200);
    // Asked after the ward's account was bound (only an account bound before may confirm).
    await t.api.advanceClock(1);
    const link = await t.api.call('POST', '/v1/guardian/wards', { token: g, body: ward });
    expect((await t.api.call('POST', '/v1/me/guardians/confirm', { token: w, body: { code: link.body.confirmCode } })).status).toBe(200);
    const wardId = link.body.wardId as string;
    expect((await t.api.call('PUT', `/v1/guardian/wards/${wardId}/controls`, { token: g, body: { paymentApproval: true } })).status).toBe(200);
    await t.api.tick();
    const seen = receiver.requests.length;

    const before = ddbCallCounter.calls;
    const session = await t.api.call('POST', '/v1/sessions', { token: w, body: { deviceId: 'ward-phone' } });
    expect(session.status).toBe(201);
    expect(ddbCallCounter.calls - before).toBe(3);
    const orderId = `wh-o-${randomUUID().slice(0, 8)}`;
    const asked = await t.api.call('POST', '/v1/payments', { token: w, body: { orderId, amount: 600 } });
    expect(asked.status).toBe(428);
    expect((await t.api.call('POST', `/v1/guardian/approvals/${asked.body.approvalId}`, { token: g, body: { approved: true } })).status).toBe(200);
    expect((await t.api.call('POST', '/v1/payments', { token: w, body: { orderId, amount: 600 } })).status).toBe(201);
    expect((await t.api.call('POST', `/v1/payments/${orderId}/commit`, { token: w })).status).toBe(200);
    expect(receiver.requests).toHaveLength(seen);

    await t.api.tick();
    const events = receiver.requests.slice(seen);
    expect(events.every((r) => r.verified)).toBe(true);
    const byType = Object.fromEntries(events.map((r) => [r.event!.type, r.event!.data]));
    const guardians = [{ guardianId, wardId }];
    expect(byType['guardian.ward_session_started']).toEqual({
      guardians,
      sessionId: session.body.sessionId,
      gameId: 'default',
      startedAt: expect.stringMatching(/^2026-10-02T20:0\d:\d\d\+08:00$/),
    });
    expect(byType['guardian.approval_requested']).toEqual({
      approvalId: asked.body.approvalId,
      guardians,
      orderId,
      amount: 600,
      gameId: 'default',
      expiresAt: asked.body.expiresAt,
    });
    expect(byType['guardian.ward_payment_committed']).toEqual({
      guardians,
      orderId,
      amount: 600,
      gameId: 'default',
      committedAt: expect.stringMatching(/^2026-10-02T20:\d\d:\d\d\+08:00$/),
    });
    for (const r of events) {
      expect(r.rawBody).not.toContain(ward.idNumber);
      expect(r.rawBody).not.toContain(ward.name);
    }
  });
});
