/**
 * Tokens and ownership (issue 8 §4): forged, foreign, expired and unsigned tokens are refused as
 * the authorizer would; a player credential cannot use a server route; no account can read or
 * change another's session, order or identity.
 */
import { generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_AUDIENCE, DEV_ISSUER } from '#infra/local/devAuth';
import { useGateway } from '#test/support/gateway';
import { person } from '#test/support/people';

let devKey: JWK;
const keyDir = mkdtempSync(join(tmpdir(), 'keys-'));
const t = useGateway({ keyDir });

beforeAll(async () => {
  devKey = JSON.parse(readFileSync(join(keyDir, 'dev-signing-key.json'), 'utf8')) as JWK;
});

async function forge(claims: { iss?: string; aud?: string; exp?: number; sub?: string; scope?: string }, key?: CryptoKey): Promise<string> {
  const signingKey = key ?? ((await importJWK(devKey, 'ES256')) as CryptoKey);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: claims.scope ?? 'player' })
    .setProtectedHeader({ alg: 'ES256', kid: devKey.kid! })
    .setSubject(claims.sub ?? 'victim')
    .setIssuer(claims.iss ?? DEV_ISSUER)
    .setAudience(claims.aud ?? DEV_AUDIENCE)
    .setIssuedAt(now - 10)
    .setExpirationTime(claims.exp ?? now + 600)
    .sign(signingKey);
}

describe('tokens', () => {
  it('accepts a correctly signed token', async () => {
    expect((await t.api.call('GET', '/v1/identity', { token: await forge({}) })).status).toBe(200);
  });

  it.each([
    ['signed by another key', async () => forge({}, (await generateKeyPair('ES256')).privateKey)],
    ['from another issuer', async () => forge({ iss: 'https://evil.example' })],
    ['for another audience', async () => forge({ aud: 'someone-else' })],
    ['expired', async () => forge({ exp: Math.floor(Date.now() / 1000) - 60 })],
    ['unsigned (alg: none)', async () => {
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'victim', iss: DEV_ISSUER, aud: DEV_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 600 })}.`;
    }],
    ['garbage', async () => 'not.a.token'],
  ])('refuses a token %s with a 401 problem document', async (_name, make) => {
    const r = await t.api.call('GET', '/v1/identity', { token: await make() });
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
    expect(r.body.code).toBe('unauthorized');
  });

  it('refuses a player credential on the server route with 403 forbidden', async () => {
    const r = await t.api.call('POST', `/v1/challenges/${'a'.repeat(32)}/result`, { token: await t.api.token('a-player'), body: { passed: true, method: 'face' } });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('forbidden');
  });

  it('refuses a server credential on player routes with 403 forbidden', async () => {
    const server = await t.api.token('a-server', 'server');
    for (const [method, path, body] of [['GET', '/v1/identity'], ['GET', '/v1/limits'], ['POST', '/v1/sessions', { deviceId: 'd' }]] as const) {
      const r = await t.api.call(method, path, { token: server, ...(body ? { body } : {}) });
      expect(r.status).toBe(403);
    }
  });
});

describe('one account cannot touch another account\'s data', () => {
  let owner: string;
  let intruder: string;
  let sessionId: string;
  const orderId = `order-${randomUUID()}`;

  beforeAll(async () => {
    await t.api.setClock('2026-11-25T10:00:00+08:00');
    owner = await t.api.token('owner-acct');
    intruder = await t.api.token('intruder-acct');
    await t.api.call('POST', '/v1/identity', { token: owner, body: person('1990-01-01') });
    await t.api.call('POST', '/v1/identity', { token: intruder, body: person('1991-01-01') });
    sessionId = (await t.api.call('POST', '/v1/sessions', { token: owner, body: { deviceId: 'owner-phone' } })).body.sessionId;
    expect((await t.api.call('POST', '/v1/payments', { token: owner, body: { orderId, amount: 100 } })).status).toBe(201);
  });

  it('heartbeat on another account\'s session: 404', async () => {
    expect((await t.api.call('POST', `/v1/sessions/${sessionId}/heartbeat`, { token: intruder, body: { seq: 1 } })).status).toBe(404);
  });

  it('logout of another account\'s session: no effect', async () => {
    expect((await t.api.call('DELETE', `/v1/sessions/${sessionId}`, { token: intruder })).status).toBe(204);
    expect((await t.api.call('POST', `/v1/sessions/${sessionId}/heartbeat`, { token: owner, body: { seq: 1 } })).body.action).toBe('continue');
  });

  it('commit or cancel of another account\'s order: 404, and the order stays reserved', async () => {
    expect((await t.api.call('POST', `/v1/payments/${orderId}/commit`, { token: intruder })).status).toBe(404);
    expect((await t.api.call('POST', `/v1/payments/${orderId}/cancel`, { token: intruder })).status).toBe(404);
    expect((await t.api.call('POST', `/v1/payments/${orderId}/commit`, { token: owner })).body.status).toBe('committed');
  });

  it('reusing another account\'s orderId: order_conflict, never their answer', async () => {
    const r = await t.api.call('POST', '/v1/payments', { token: intruder, body: { orderId, amount: 100 } });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('order_conflict');
  });

  it('paying on another account with a player token: 403', async () => {
    expect((await t.api.call('POST', '/v1/payments', { token: intruder, body: { orderId: randomUUID(), amount: 100, accountId: 'owner-acct' } })).status).toBe(403);
  });

  it('identity is always the caller\'s own', async () => {
    expect((await t.api.call('GET', '/v1/identity', { token: intruder })).body).toMatchObject({ status: 'verified', ageBand: 18 });
  });
});
