import { describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, onClientCreated } from '#shared/storage/dynamo';
import { orderKey } from '#shared/storage/keys';
import { ddbCallCounter, updateCalls } from '#test/support/ddbCounter';
import { deployed, useGateway } from '#test/support/gateway';
import { person, withConsent } from '#test/support/people';

const t = useGateway();

/** Runs `before` once, just before the gateway's next transaction is sent (a race, made to happen). */
let beforeNextTransaction: (() => Promise<void>) | null = null;
onClientCreated((client) =>
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (beforeNextTransaction && context.commandName === 'TransactWriteItemsCommand') {
        const before = beforeNextTransaction;
        beforeNextTransaction = null;
        await before();
      }
      return next(args);
    },
    { step: 'initialize', name: 'raceInjection' },
  ),
);

/** The stored order item, read past the gateway (local only). */
async function orderItem(orderId: string): Promise<Record<string, unknown> | undefined> {
  const db = createDocumentClient({ endpoint: t.gateway.dynamoEndpoint, region: 'local' });
  return (await db.send(new GetCommand({ TableName: t.gateway.tableName, Key: orderKey(orderId), ConsistentRead: true }))).Item;
}

/** A verified account; a child under 14 with its guardian's consent (the client attests it at the real-name step). */
async function verifiedAccount(sub: string, birthDate: string, who = person(birthDate)): Promise<string> {
  const token = await t.api.token(sub);
  const r = await t.api.call('POST', '/v1/identity', { token, body: withConsent(who) });
  expect(r.status).toBe(200);
  return token;
}

// Each account on its own device by default (four accounts on one device would trip the rental-phone signal).

describe('POST /v1/sessions', () => {
  it('refuses an account without identity with identity_required', async () => {
    const r = await t.api.login(await t.api.token('s-no-identity'));
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('identity_required');
  });

  it.skipIf(deployed)('lets a minor in at 20:30 on a holiday Friday with 1800 s left, ending at 21:00', async () => {
    await t.api.setClock('2026-10-02T20:30:00+08:00');
    const token = await verifiedAccount('s-minor-1', '2012-05-01');
    const r = await t.api.login(token);
    expect(r.status).toBe(201);
    // 5 minutes under window-only rules (shared/domain/sessionRules.ts, heartbeat cadence).
    expect(r.body).toMatchObject({ ageBand: 8, minor: true, endsAt: '2026-10-02T21:00:00+08:00', heartbeatIntervalSeconds: 300 });
    expect(r.body.remainingSeconds).toBeGreaterThanOrEqual(1798);
    expect(r.body.remainingSeconds).toBeLessThanOrEqual(1800);
    expect(r.body.sessionId).toMatch(/^[0-9a-f]{32}$/);
  });

  it.skipIf(deployed)('refuses a minor on a Wednesday evening and names the next window (Friday 20:00–21:00)', async () => {
    await t.api.setClock('2026-11-25T20:30:00+08:00');
    const token = await verifiedAccount('s-minor-wed', '2012-05-01');
    const r = await t.api.login(token);
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: 'play_time_restricted', nextWindowStart: '2026-11-27T20:00:00+08:00', nextWindowEnd: '2026-11-27T21:00:00+08:00' });
    const limits = await t.api.call('GET', '/v1/limits', { token });
    expect(limits.body.playTime).toEqual({
      allowedNow: false,
      remainingSeconds: 0,
      nextWindowStart: '2026-11-27T20:00:00+08:00',
      nextWindowEnd: '2026-11-27T21:00:00+08:00',
    });
  });

  it.skipIf(deployed)('lets an adult in at any time with no limit and a long heartbeat', async () => {
    await t.api.setClock('2026-11-25T03:00:00+08:00');
    const token = await verifiedAccount('s-adult', '1980-01-01');
    const r = await t.api.login(token);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ ageBand: 18, minor: false, remainingSeconds: null, endsAt: null, heartbeatIntervalSeconds: 600 });
  });
});

describe('one live session per account and per minor', () => {
  it.skipIf(deployed)('answers 409 for another device, and takeover ends the old session', async () => {
    await t.api.setClock('2026-10-03T20:00:00+08:00');
    const token = await verifiedAccount('s-takeover', '2011-01-01');
    const first = await t.api.login(token, 'phone');
    expect(first.status).toBe(201);
    const second = await t.api.login(token, 'tablet');
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('session_active_elsewhere');
    const taken = await t.api.login(token, 'tablet', true);
    expect(taken.status).toBe(201);
    const old = await t.api.call('POST', `/v1/sessions/${first.body.sessionId}/heartbeat`, { token, body: { seq: 1 } });
    expect(old.status).toBe(200);
    expect(old.body).toMatchObject({ action: 'terminate', reason: 'signed_in_elsewhere' });
  });

  it.skipIf(deployed)("holds one live session per minor across that person's accounts", async () => {
    await t.api.setClock('2026-10-03T20:10:00+08:00');
    const who = person('2013-03-03');
    const a = await verifiedAccount('s-person-a', '2013-03-03', who);
    const b = await verifiedAccount('s-person-b', '2013-03-03', who);
    expect((await t.api.login(a, 'phone-a')).status).toBe(201);
    const other = await t.api.login(b, 'phone-b');
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('session_active_elsewhere');
  });

  it('lets an adult person use two accounts at once', async () => {
    const who = person('1975-04-04');
    const a = await verifiedAccount('s-adult-a', '1975-04-04', who);
    const b = await verifiedAccount('s-adult-b', '1975-04-04', who);
    expect((await t.api.login(a, 'pc-a')).status).toBe(201);
    expect((await t.api.login(b, 'pc-b')).status).toBe(201);
  });

  it.skipIf(deployed)('produces exactly one session from two simultaneous logins of one account', async () => {
    await t.api.setClock('2026-10-03T20:20:00+08:00');
    const token = await verifiedAccount('s-race', '2012-02-02');
    const results = await Promise.all([t.api.login(token, 'race-1'), t.api.login(token, 'race-2')]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
  });
});

// Local-only: the virtual clock, and the in-process DynamoDB request counter.
describe.skipIf(deployed)('heartbeats', () => {
  it('counts a repeated seq once, answers it the same, and refuses a lower seq with 409', async () => {
    await t.api.setClock('2026-10-04T20:00:00+08:00');
    const token = await verifiedAccount('s-beat', '2012-09-09');
    const s = await t.api.login(token);
    const path = `/v1/sessions/${s.body.sessionId}/heartbeat`;
    const first = await t.api.call('POST', path, { token, body: { seq: 1 } });
    expect(first.status).toBe(200);
    expect(first.body.action).toBe('continue');
    expect(first.body.endsAt).toBe('2026-10-04T21:00:00+08:00');
    const again = await t.api.call('POST', path, { token, body: { seq: 1 } });
    expect(again.body).toEqual(first.body);
    await t.api.call('POST', path, { token, body: { seq: 2 } });
    const stale = await t.api.call('POST', path, { token, body: { seq: 1 } });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('stale_heartbeat');
  });

  it('answers 20 simultaneous heartbeats with the same seq identically', async () => {
    await t.api.setClock('2026-10-04T20:05:00+08:00');
    const token = await verifiedAccount('s-beat-20', '2012-09-10');
    const s = await t.api.login(token);
    const path = `/v1/sessions/${s.body.sessionId}/heartbeat`;
    const answers = await Promise.all(Array.from({ length: 20 }, () => t.api.call('POST', path, { token, body: { seq: 7 } })));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
  });

  it('makes exactly one DynamoDB request per heartbeat', async () => {
    await t.api.setClock('2026-10-04T20:06:00+08:00');
    const token = await verifiedAccount('s-beat-budget', '1999-09-09');
    const s = await t.api.login(token);
    const before = ddbCallCounter.calls;
    const r = await t.api.call('POST', `/v1/sessions/${s.body.sessionId}/heartbeat`, { token, body: { seq: 1 } });
    expect(r.status).toBe(200);
    expect(ddbCallCounter.calls - before).toBe(1);
  });

  it('logs in with at most 3 DynamoDB requests on the common path (docs/design.md, requests per call)', async () => {
    await t.api.setClock('2026-10-04T20:07:00+08:00');
    for (const birth of ['1999-09-09', '2012-09-09']) {
      const token = await verifiedAccount(`s-login-budget-${birth}`, birth);
      const before = ddbCallCounter.calls;
      expect((await t.api.login(token)).status).toBe(201);
      expect(ddbCallCounter.calls - before).toBe(3);
    }
  });

  it("submits an identity with 3 DynamoDB requests: the read, the national system's pace, the binding (1 when repeated)", async () => {
    const token = await t.api.token('s-identity-budget');
    const who = person('1990-09-09');
    const before = ddbCallCounter.calls;
    const paceBefore = updateCalls();
    expect((await t.api.call('POST', '/v1/identity', { token, body: who })).status).toBe(200);
    // The pace is one write, or two when its write answered so late that the check could reach the
    // national system in the next second (shared/reporting/rateGate.ts `tryAcquire`).
    const pace = updateCalls() - paceBefore;
    expect(pace === 1 || pace === 2).toBe(true);
    expect(ddbCallCounter.calls - before - pace).toBe(2);
    const again = ddbCallCounter.calls;
    expect((await t.api.call('POST', '/v1/identity', { token, body: who })).status).toBe(200);
    expect(ddbCallCounter.calls - again).toBe(1);
  });

  it('reserves a payment with at most 2 DynamoDB requests, and commits it with 1, the refund evidence drafted and sealed inside them', async () => {
    await t.api.setClock('2026-10-09T20:10:00+08:00'); // an ordinary Friday: the minor may play
    const token = await verifiedAccount('s-reserve-budget', '2012-09-11');
    const session = await t.api.login(token, 'budget-phone', true);
    expect(session.status).toBe(201);
    const before = ddbCallCounter.calls;
    expect((await t.api.call('POST', '/v1/payments', { token, body: { orderId: 'budget-order-1', amount: 100 } })).status).toBe(201);
    expect(ddbCallCounter.calls - before).toBe(2);
    const draft = (await orderItem('budget-order-1'))!;
    expect(draft.evidenceDraft).toMatchObject({
      ageBand: 8,
      identityStatus: 'verified',
      session: { inProgress: true, sessionId: session.body.sessionId },
      devices: { inWindow: 1, known: 1 },
    });
    expect(draft.evidence).toBeUndefined();
    const beforeCommit = ddbCallCounter.calls;
    expect((await t.api.call('POST', '/v1/payments/budget-order-1/commit', { token })).status).toBe(200);
    // The commit's one update, as before evidence was kept: it seals the draft (copies it to `evidence`).
    expect(ddbCallCounter.calls - beforeCommit).toBe(1);
    const sealed = (await orderItem('budget-order-1'))!;
    expect(sealed.evidence).toEqual(draft.evidenceDraft);
    expect(sealed.evidenceDraft).toBeUndefined();
    // A repeated commit changes nothing.
    expect((await t.api.call('POST', '/v1/payments/budget-order-1/commit', { token })).status).toBe(200);
    expect((await orderItem('budget-order-1'))!.evidence).toEqual(draft.evidenceDraft);
  });

  it('warns 15 and 5 minutes before the end and terminates at 21:00', async () => {
    await t.api.setClock('2026-10-05T20:44:30+08:00');
    const token = await verifiedAccount('s-warn', '2012-10-10');
    const s = await t.api.login(token);
    expect(s.body.heartbeatIntervalSeconds).toBe(30);
    const path = `/v1/sessions/${s.body.sessionId}/heartbeat`;
    await t.api.setClock('2026-10-05T20:45:00+08:00');
    const warn15 = await t.api.call('POST', path, { token, body: { seq: 1 } });
    expect(warn15.body).toMatchObject({ action: 'warn', nextHeartbeatSeconds: 300 });
    await t.api.setClock('2026-10-05T20:50:00+08:00');
    expect((await t.api.call('POST', path, { token, body: { seq: 2 } })).body).toMatchObject({
      action: 'continue',
      remainingSeconds: 600,
      nextHeartbeatSeconds: 300,
    });
    await t.api.setClock('2026-10-05T20:55:00+08:00');
    expect((await t.api.call('POST', path, { token, body: { seq: 3 } })).body).toMatchObject({ action: 'warn', remainingSeconds: 300 });
    await t.api.setClock('2026-10-05T20:59:30+08:00');
    expect((await t.api.call('POST', path, { token, body: { seq: 4 } })).body).toMatchObject({
      action: 'continue',
      remainingSeconds: 30,
      nextHeartbeatSeconds: 30,
    });
    await t.api.setClock('2026-10-05T21:00:00+08:00');
    expect((await t.api.call('POST', path, { token, body: { seq: 5 } })).body).toMatchObject({ action: 'terminate', reason: 'outside_allowed_hours' });
  });

  it("answers 404 for an unknown session and for another account's session", async () => {
    await t.api.setClock('2026-10-04T20:10:00+08:00');
    const owner = await verifiedAccount('s-owner', '1988-08-08');
    const s = await t.api.login(owner);
    const stranger = await verifiedAccount('s-stranger', '1988-08-09');
    const r = await t.api.call('POST', `/v1/sessions/${s.body.sessionId}/heartbeat`, { token: stranger, body: { seq: 1 } });
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('session_not_found');
    expect((await t.api.call('POST', `/v1/sessions/${'0'.repeat(32)}/heartbeat`, { token: owner, body: { seq: 1 } })).status).toBe(404);
  });
});

describe.skipIf(deployed)('logout and the sweeper', () => {
  it('logs out idempotently and lets the account log in again elsewhere', async () => {
    await t.api.setClock('2026-10-04T20:20:00+08:00');
    const token = await verifiedAccount('s-logout', '1995-05-05');
    const s = await t.api.login(token, 'laptop');
    expect((await t.api.call('DELETE', `/v1/sessions/${s.body.sessionId}`, { token })).status).toBe(204);
    expect((await t.api.call('DELETE', `/v1/sessions/${s.body.sessionId}`, { token })).status).toBe(204);
    expect((await t.api.login(token, 'phone')).status).toBe(201);
  });

  it.skipIf(deployed)("ends a silent adult's session 5 minutes after its last heartbeat (10-minute cadence, the national system's ±5 minutes)", async () => {
    await t.api.setClock('2026-11-25T10:00:00+08:00');
    const token = await verifiedAccount('s-silent-adult', '1985-05-05');
    const s = await t.api.login(token, 'adult-pc');
    expect(s.body.heartbeatIntervalSeconds).toBe(600);
    await t.api.setClock('2026-11-25T10:10:00+08:00');
    expect((await t.api.call('POST', `/v1/sessions/${s.body.sessionId}/heartbeat`, { token, body: { seq: 1 } })).body.nextHeartbeatSeconds).toBe(600);
    // Silent since 10:10: swept after 2 × 600 + 30 s, as of 10:15.
    await t.api.setClock('2026-11-25T10:30:31+08:00');
    await t.api.tick();
    const data = await t.api.call('GET', '/v1/me/data', { token });
    expect(data.body.sessions).toEqual([
      expect.objectContaining({ sessionId: s.body.sessionId, state: 'ended', endReason: 'session_expired', endedAt: '2026-11-25T10:15:00+08:00' }),
    ]);
  });

  it.skipIf(deployed)(
    'a login after a session went silent ends it as the sweeper would (session_expired, 5 minutes after its last heartbeat for an adult), not at the login',
    async () => {
      await t.api.setClock('2026-11-26T10:00:00+08:00');
      const token = await verifiedAccount('s-silent-replaced', '1986-06-06');
      const first = await t.api.login(token, 'old-pc');
      await t.api.setClock('2026-11-26T10:10:00+08:00');
      expect((await t.api.call('POST', `/v1/sessions/${first.body.sessionId}/heartbeat`, { token, body: { seq: 1 } })).status).toBe(200);
      // Past 10:10 + 2 × 600 + 30 s, before any sweep: another device logs in without taking over.
      await t.api.setClock('2026-11-26T10:31:00+08:00');
      const second = await t.api.login(token, 'new-pc');
      expect(second.status).toBe(201);
      const data = await t.api.call('GET', '/v1/me/data', { token });
      expect(data.body.sessions.find((x: { sessionId: string }) => x.sessionId === first.body.sessionId)).toMatchObject({
        state: 'ended',
        endReason: 'session_expired',
        endedAt: '2026-11-26T10:15:00+08:00',
      });
      const again = await t.api.call('POST', `/v1/sessions/${first.body.sessionId}/heartbeat`, { token, body: { seq: 2 } });
      expect(again.body).toMatchObject({ action: 'terminate', reason: 'session_expired' });
    },
  );

  it.skipIf(deployed)('a silent session that beats again while a login is ending it stays live, and the login is refused (409)', async () => {
    await t.api.setClock('2026-11-26T12:00:00+08:00');
    const token = await verifiedAccount('s-silent-race', '1987-07-07');
    const first = await t.api.login(token, 'old-pc');
    await t.api.setClock('2026-11-26T12:21:00+08:00');
    // The old client comes back between the login's read of its session and the login's transaction.
    beforeNextTransaction = async () => {
      expect((await t.api.call('POST', `/v1/sessions/${first.body.sessionId}/heartbeat`, { token, body: { seq: 1 } })).status).toBe(200);
    };
    const second = await t.api.login(token, 'new-pc');
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('session_active_elsewhere');
    expect((await t.api.call('POST', `/v1/sessions/${first.body.sessionId}/heartbeat`, { token, body: { seq: 2 } })).body.action).toBe('continue');
  });

  it('ends a silent session after two intervals plus 30 s', async () => {
    await t.api.setClock('2026-10-04T20:30:00+08:00');
    const token = await verifiedAccount('s-silent', '2012-12-12');
    const s = await t.api.login(token, 'phone');
    expect(s.body.heartbeatIntervalSeconds).toBe(300);
    // Not yet at 2 × 300 + 30 s (the virtual clock runs on in real time: half a minute's margin).
    await t.api.setClock('2026-10-04T20:40:00+08:00');
    await t.api.tick();
    expect((await t.api.login(token, 'other-phone')).status).toBe(409);
    await t.api.setClock('2026-10-04T20:40:31+08:00');
    expect((await t.api.tick()).body.ran).toContain('sessionSweeper');
    const beat = await t.api.call('POST', `/v1/sessions/${s.body.sessionId}/heartbeat`, { token, body: { seq: 1 } });
    expect(beat.body).toMatchObject({ action: 'terminate', reason: 'session_expired' });
    expect((await t.api.login(token, 'other-phone')).status).toBe(201);
  });
});
