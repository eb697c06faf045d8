/**
 * Notifications over HTTP: a local gateway configured with WEBHOOK_URL and WEBHOOK_SECRET, a risk
 * challenge raised by real logins, one tick of the scheduled jobs, and a receiver (built on the
 * README's verification snippet) that gets a verified `risk.challenge_issued` with opaque ids only.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ddbCallCounter } from '#shared/storage/dynamo';
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
      data: { challengeId, accountId: 'wh-acct-4', gameId: 'default', signal: 'device_many_accounts', trigger: 'login', challengeKind: 'face', expiresAt: expect.stringMatching(/^2026-11-25T10:\d\d:\d\d\+08:00$/) },
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
});
