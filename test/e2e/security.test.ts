/**
 * Tokens and ownership: forged, foreign, expired and unsigned tokens are refused as
 * API Gateway's JWT authorizer refuses them (RSA only, `kid` naming a key of the set, `exp`
 * required and in the future, `iat`/`nbf` not in the future, issuer and audience); a player
 * credential cannot use a server route; no account can read or change another's session, order or
 * identity. Rows that need the development private key run against the local gateway only.
 */
import { decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_AUDIENCE, DEV_ISSUER } from '#infra/local/devAuth';
import { deployed, expectUnauthorized, useGateway } from '#test/support/gateway';
import { person } from '#test/support/people';

let devKey: JWK;
/** The kid of the key that signs genuine tokens (read from one, so it works deployed too). */
let realKid: string;
const keyDir = mkdtempSync(join(tmpdir(), 'keys-'));
let staleKey: JWK;

// A key folder from before RS256: the gateway must replace this ES256 key, not fail on it.
beforeAll(async () => {
  if (deployed) return;
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  staleKey = { ...(await exportJWK(privateKey)), kid: 'dev-old-es256', alg: 'ES256' };
  writeFileSync(join(keyDir, 'dev-signing-key.json'), JSON.stringify(staleKey));
});
const t = useGateway({ keyDir });

beforeAll(async () => {
  if (!deployed) devKey = JSON.parse(readFileSync(join(keyDir, 'dev-signing-key.json'), 'utf8')) as JWK;
  realKid = decodeProtectedHeader(await t.api.token('kid-probe')).kid!;
});

const nowSeconds = () => Math.floor(Date.now() / 1000);
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

interface Forgery {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  /** Claims to leave out of the defaults. */
  omit?: string[];
  key?: CryptoKey | Uint8Array;
}

/** A token signed with the development key (or `key`) with good defaults, changed as asked. */
async function forge({ header = {}, claims = {}, omit = [], key }: Forgery = {}): Promise<string> {
  const now = nowSeconds();
  const payload: Record<string, unknown> = { sub: 'victim', scope: 'player', iss: DEV_ISSUER, aud: DEV_AUDIENCE, iat: now - 10, exp: now + 600, ...claims };
  for (const claim of omit) delete payload[claim];
  const protectedHeader = { alg: 'RS256', kid: realKid, typ: 'JWT', ...header } as { alg: string; kid?: string };
  if (protectedHeader.kid === undefined) delete protectedHeader.kid;
  return new SignJWT(payload).setProtectedHeader(protectedHeader).sign(key ?? ((await importJWK(devKey, 'RS256')) as CryptoKey));
}

describe('tokens', () => {
  it.skipIf(deployed)('replaced the persisted ES256 key with an RS256 key and publishes it in the JWKS', async () => {
    expect(devKey).toMatchObject({ kty: 'RSA', alg: 'RS256' });
    expect(devKey.kid).not.toBe(staleKey.kid);
    expect(realKid).toBe(devKey.kid);
    const jwks = (await t.api.call('GET', '/__dev/jwks.json')).body;
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: devKey.kid, e: 'AQAB' });
    // The public half only: none of the RSA private members.
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(jwks.keys[0]).not.toHaveProperty(member);
  });

  it('signs issued tokens with RS256 and a kid, and accepts them', async () => {
    const token = await t.api.token('issued-player');
    // A publisher's service may use any RSA algorithm the authorizer takes; the development key is RS256.
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: deployed ? expect.stringMatching(/^RS(256|384|512)$/) : 'RS256', kid: realKid });
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(typeof claims.exp).toBe('number');
    expect((await t.api.call('GET', '/v1/identity', { token })).status).toBe(200);
  });

  it.skipIf(deployed).each<[string, () => Forgery]>([
    ['with good claims', () => ({})],
    ['with a 128-character sub', () => ({ claims: { sub: 'a'.repeat(128) } })],
    ['with iat and nbf this second', () => ({ claims: { iat: nowSeconds(), nbf: nowSeconds() } })],
  ])('accepts an RS256 token signed by the development key %s', async (_name, forgery) => {
    const r = await t.api.call('GET', '/v1/identity', { token: await forge(forgery()) });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'none' });
  });

  // Refused whatever the key: these run against a deployment too.
  it.each([
    ['signed by another RSA key under the genuine kid', async () => forge({ key: (await generateKeyPair('RS256')).privateKey })],
    ['signed with HS256', async () => forge({ header: { alg: 'HS256' }, key: new TextEncoder().encode('a-shared-secret-of-32-bytes-long') })],
    ['signed with ES256', async () => forge({ header: { alg: 'ES256' }, key: (await generateKeyPair('ES256')).privateKey })],
    [
      'unsigned (alg: none)',
      async () => `${b64({ alg: 'none', typ: 'JWT', kid: realKid })}.${b64({ sub: 'victim', iss: DEV_ISSUER, aud: DEV_AUDIENCE, exp: nowSeconds() + 600 })}.`,
    ],
    ['garbage', async () => 'not.a.token'],
  ])('refuses a token %s with 401 unauthorized', async (_name, make) => {
    expectUnauthorized(await t.api.call('GET', '/v1/identity', { token: await make() }));
  });

  // Signed by the development key, so only the claims or header decide: local only.
  it.skipIf(deployed).each<[string, () => Forgery]>([
    ['without exp', () => ({ omit: ['exp'] })],
    ['expired a minute ago', () => ({ claims: { exp: nowSeconds() - 60 } })],
    ['expiring this second (exp = now)', () => ({ claims: { exp: nowSeconds() } })],
    ['issued a minute in the future (iat)', () => ({ claims: { iat: nowSeconds() + 60 } })],
    ['not valid for another minute (nbf)', () => ({ claims: { nbf: nowSeconds() + 60 } })],
    ['without kid', () => ({ header: { kid: undefined } })],
    ['with an unknown kid', () => ({ header: { kid: 'someone-elses-key' } })],
    ['from another issuer', () => ({ claims: { iss: 'https://evil.example' } })],
    ['for another audience', () => ({ claims: { aud: 'someone-else' } })],
    ['without sub', () => ({ omit: ['sub'] })],
    ['with a numeric sub', () => ({ claims: { sub: 42 } })],
    ['with an empty sub', () => ({ claims: { sub: '' } })],
    ['with a 129-character sub', () => ({ claims: { sub: 'a'.repeat(129) } })],
  ])('refuses a development-key token %s with 401 unauthorized', async (_name, forgery) => {
    const r = await t.api.call('GET', '/v1/identity', { token: await forge(forgery()) });
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
    expect(r.body.code).toBe('unauthorized');
  });

  it('refuses a player credential on the server route with 403 forbidden', async () => {
    const r = await t.api.call('POST', `/v1/challenges/${'a'.repeat(32)}/result`, {
      token: await t.api.token('a-player'),
      body: { passed: true, method: 'face' },
    });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('forbidden');
  });

  it('refuses a server credential on player routes with 403 forbidden', async () => {
    const server = await t.api.token('a-server', 'server');
    for (const [method, path, body] of [
      ['GET', '/v1/identity'],
      ['GET', '/v1/limits'],
      ['POST', '/v1/sessions', { deviceId: 'd' }],
    ] as const) {
      const r = await t.api.call(method, path, { token: server, ...(body ? { body } : {}) });
      expect(r.status).toBe(403);
    }
  });
});

describe("one account cannot touch another account's data", () => {
  let owner: string;
  let intruder: string;
  let sessionId: string;
  const orderId = `order-${randomUUID()}`;

  beforeAll(async () => {
    // Adults only: any instant works; the fixed one keeps the local run deterministic.
    if (!deployed) await t.api.setClock('2026-11-25T10:00:00+08:00');
    owner = await t.api.token('owner-acct');
    intruder = await t.api.token('intruder-acct');
    await t.api.call('POST', '/v1/identity', { token: owner, body: person('1990-01-01') });
    await t.api.call('POST', '/v1/identity', { token: intruder, body: person('1991-01-01') });
    sessionId = (await t.api.call('POST', '/v1/sessions', { token: owner, body: { deviceId: 'owner-phone' } })).body.sessionId;
    expect((await t.api.call('POST', '/v1/payments', { token: owner, body: { orderId, amount: 100 } })).status).toBe(201);
  });

  it("heartbeat on another account's session: 404", async () => {
    expect((await t.api.call('POST', `/v1/sessions/${sessionId}/heartbeat`, { token: intruder, body: { seq: 1 } })).status).toBe(404);
  });

  it("logout of another account's session: no effect", async () => {
    expect((await t.api.call('DELETE', `/v1/sessions/${sessionId}`, { token: intruder })).status).toBe(204);
    expect((await t.api.call('POST', `/v1/sessions/${sessionId}/heartbeat`, { token: owner, body: { seq: 1 } })).body.action).toBe('continue');
  });

  it("commit or cancel of another account's order: 404, and the order stays reserved", async () => {
    expect((await t.api.call('POST', `/v1/payments/${orderId}/commit`, { token: intruder })).status).toBe(404);
    expect((await t.api.call('POST', `/v1/payments/${orderId}/cancel`, { token: intruder })).status).toBe(404);
    expect((await t.api.call('POST', `/v1/payments/${orderId}/commit`, { token: owner })).body.status).toBe('committed');
  });

  it("reusing another account's orderId: order_conflict, never their answer", async () => {
    const r = await t.api.call('POST', '/v1/payments', { token: intruder, body: { orderId, amount: 100 } });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('order_conflict');
  });

  it('paying on another account with a player token: 403', async () => {
    expect((await t.api.call('POST', '/v1/payments', { token: intruder, body: { orderId: randomUUID(), amount: 100, accountId: 'owner-acct' } })).status).toBe(
      403,
    );
  });

  it("identity is always the caller's own", async () => {
    expect((await t.api.call('GET', '/v1/identity', { token: intruder })).body).toMatchObject({ status: 'verified', ageBand: 18 });
  });
});
