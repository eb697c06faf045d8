/**
 * Transaction conflicts through the local gateway: the functions' shared DynamoDB client re-sends a
 * transaction cancelled by conflicts, so a reservation that meets a few still answers 201; when
 * they outlast the retries the answer is 429 write_contention with Retry-After, never a 500, and
 * nothing was reserved. The conflicts are injected into that client (the gateway runs in-process).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { documentClient, TRANSACTION_CONFLICT_RETRIES } from '#shared/storage/dynamo';
import { injectCancellations } from '#test/support/conflicts';
import { deployed, useGateway } from '#test/support/gateway';
import { person } from '#test/support/people';

const t = useGateway();
let token: string;
let injected: ReturnType<typeof injectCancellations> | undefined;

const monthlyRemaining = async () => (await t.api.call('GET', '/v1/limits', { token })).body.spending.monthlyRemaining as number;

describe.skipIf(deployed)('write contention', () => {
  beforeAll(async () => {
    await t.api.setClock('2026-10-14T10:00:00+08:00');
    token = await t.api.token('contended-16');
    expect((await t.api.call('POST', '/v1/identity', { token, body: person('2009-06-01') })).status).toBe(200);
  });
  afterEach(() => injected?.remove());

  it('a reservation that meets 3 conflicts is still reserved: 201 after 4 attempts', async () => {
    const before = await monthlyRemaining();
    injected = injectCancellations(documentClient(), { failures: TRANSACTION_CONFLICT_RETRIES });
    const r = await t.api.reserve(token, 1000, 'contended-1');
    expect(injected.calls).toBe(TRANSACTION_CONFLICT_RETRIES + 1);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ orderId: 'contended-1', status: 'reserved' });
    injected.remove();
    expect(await monthlyRemaining()).toBe(before - 1000);
  });

  it('conflicts that outlast the retries answer 429 write_contention with Retry-After: 1, and reserve nothing', async () => {
    const before = await monthlyRemaining();
    injected = injectCancellations(documentClient(), { failures: Infinity });
    const r = await t.api.reserve(token, 1000, 'contended-2');
    expect(injected.calls).toBe(TRANSACTION_CONFLICT_RETRIES + 1);
    expect(r.status).toBe(429);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
    expect(r.headers.get('retry-after')).toBe('1');
    expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.body).toEqual({
      type: 'urn:playguard:problem:write_contention',
      title: 'Write contention',
      status: 429,
      detail: '操作过于频繁，请稍后重试。',
      code: 'write_contention',
    });
    injected.remove();
    expect(await monthlyRemaining()).toBe(before);
    // The same request, sent again as Retry-After says, goes through.
    const again = await t.api.reserve(token, 1000, 'contended-2');
    expect(again.status).toBe(201);
    expect(await monthlyRemaining()).toBe(before - 1000);
  });

  it('logging out through conflicts ends the session', async () => {
    const adult = await t.api.token('contended-adult');
    expect((await t.api.call('POST', '/v1/identity', { token: adult, body: person('1990-01-01') })).status).toBe(200);
    const { sessionId } = (await t.api.call('POST', '/v1/sessions', { token: adult, body: { deviceId: 'adult-phone' } })).body;
    injected = injectCancellations(documentClient(), { failures: 2 });
    expect((await t.api.call('DELETE', `/v1/sessions/${sessionId}`, { token: adult })).status).toBe(204);
    expect(injected.calls).toBe(3);
    injected.remove();
    const beat = await t.api.call('POST', `/v1/sessions/${sessionId}/heartbeat`, { token: adult, body: { seq: 1 } });
    expect(beat.body).toMatchObject({ action: 'terminate' });
  });
});
