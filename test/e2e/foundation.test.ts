import { describe, expect, it } from 'vitest';
import { deployed, useGateway } from '#test/support/gateway';

const t = useGateway();


describe('the local gateway', () => {
  it('answers /health with status ok and a request id', async () => {
    const r = await t.api.call('GET', '/health');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ok' });
    expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves an OpenAPI 3.1 document listing every route of the route table', async () => {
    const r = await t.api.call('GET', '/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    expect(Object.keys(r.body.paths)).toContain('/health');
    expect(r.body.paths['/health'].get.operationId).toBe('health');
  });

  it('answers an unknown path with a not_found problem document', async () => {
    const r = await t.api.call('GET', '/v1/nothing-here');
    expect(r.status).toBe(404);
    // Deployed, API Gateway answers a path with no route itself ({"message":"Not Found"}).
    if (deployed) return;
    expect(r.headers.get('content-type')).toBe('application/problem+json');
    expect(r.body).toMatchObject({ status: 404, code: 'not_found', type: 'urn:playguard:problem:not_found' });
    expect(r.headers.get('x-request-id')).toBeTruthy();
  });

  // Deployed, API Gateway answers a method with no route itself (404).
  it.skipIf(deployed)('answers a known path with the wrong method with method_not_allowed', async () => {
    const r = await t.api.call('POST', '/health');
    expect(r.status).toBe(405);
    expect(r.body.code).toBe('method_not_allowed');
  });

  it.skipIf(deployed)('issues development tokens and rejects a malformed token request', async () => {
    const good = await t.api.call('POST', '/__dev/tokens', { body: { sub: 'acct-1', scope: 'server', ttlSeconds: 60 } });
    expect(good.status).toBe(200);
    expect(good.body.token.split('.')).toHaveLength(3);
    const bad = await t.api.call('POST', '/__dev/tokens', { body: { sub: '' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_request');
  });

  it.skipIf(deployed)('sets and resets the virtual clock, and runs the scheduled jobs on tick', async () => {
    const set = await t.api.setClock('2026-10-02T12:30:00Z');
    expect(set.status).toBe(200);
    expect(Date.parse(set.body.now) - Date.parse('2026-10-02T12:30:00Z')).toBeLessThan(2000);
    const reset = await t.api.call('DELETE', '/__dev/clock');
    expect(Math.abs(Date.parse(reset.body.now) - Date.now())).toBeLessThan(2000);
    const tick = await t.api.tick();
    expect(tick.status).toBe(200);
    expect(Array.isArray(tick.body.ran)).toBe(true);
  });
});
