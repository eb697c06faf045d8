/**
 * Operator credentials come from the staff issuer only (contract, Version 2: *Operators*). The
 * operator routes take a staff-issuer token with scope `operator`; a players'-issuer token is
 * refused there with 403 `forbidden` whatever its scope (deployed, the staff authorizer refuses it
 * first with 401); a staff-issuer token is refused on every player and game-server route (the
 * players' authorizer does not trust its issuer), and an operator-scoped token from the players'
 * issuer gets 403 there too.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { routeList } from '#shared/api/routes';
import { callerFromClaims } from '#shared/edge/http';
import { DEV_AUDIENCE, DEV_ISSUER, DEV_STAFF_AUDIENCE, DEV_STAFF_ISSUER } from '#infra/local/devAuth';
import { deployed, useGateway } from '#test/support/gateway';

const keyDir = mkdtempSync(join(tmpdir(), 'keys-'));
const t = useGateway({ keyDir });

/** A token signed with the development key, from `iss` for `aud`. */
async function signed(iss: string, aud: string, claims: Record<string, unknown>): Promise<string> {
  const key = JSON.parse(readFileSync(join(keyDir, 'dev-signing-key.json'), 'utf8')) as JWK;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: 'staff-1', iat: now, exp: now + 600, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid!, typ: 'JWT' })
    .setIssuer(iss)
    .setAudience(aud)
    .sign((await importJWK(key, 'RS256')) as CryptoKey);
}

const pathOf = (path: string) => path.replace(/\{\w+\}/g, 'x1').replace(/^\/v1\/admin\/accounts\/x1$/, '/v1/admin/accounts/x1?reason=check');
const bodyFor = (method: string) => (method === 'GET' || method === 'DELETE' ? {} : { body: {} });
const playerRoutes = () => routeList().filter(([, r]) => r.auth !== 'none' && r.auth !== 'operator');
const operatorRoutes = () => routeList().filter(([, r]) => r.auth === 'operator');

describe('operator credentials', () => {
  it('are operators, whatever other scope the token also carries (`scope`, or `scp` as some providers name it)', () => {
    const only = [{ gameId: 'default' }];
    expect(callerFromClaims({ sub: 'staff-1', scope: 'operator' }, only)).toEqual({ accountId: 'staff-1', kind: 'operator', gameId: 'default' });
    expect(callerFromClaims({ sub: 'staff-1', scope: '[operator server]' }, only)?.kind).toBe('operator');
    expect(callerFromClaims({ sub: 'staff-1', scope: 'openid operator' }, only)?.kind).toBe('operator');
    expect(callerFromClaims({ sub: 'staff-1', scp: 'operator' }, only)?.kind).toBe('operator');
    expect(callerFromClaims({ sub: 'srv', scope: 'server' }, only)?.kind).toBe('server');
  });

  // Local-only: the tokens come from the development key.
  it.skipIf(deployed)('from the staff issuer (POST /__dev/tokens with scope operator) open the operator routes', async () => {
    const token = await t.api.token('staff-1', 'operator');
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(claims).toMatchObject({ iss: DEV_STAFF_ISSUER, aud: DEV_STAFF_AUDIENCE, scope: 'operator' });
    for (const [operation, r] of operatorRoutes()) {
      const answer = await t.api.call(r.method, pathOf(r.path), { token, ...bodyFor(r.method) });
      expect([operation, answer.status]).not.toEqual([operation, 401]);
      expect([operation, answer.status]).not.toEqual([operation, 403]);
    }
  });

  it.skipIf(deployed)("from the staff issuer get 401 on every player and game-server route (the players' authorizer does not trust it)", async () => {
    const token = await t.api.token('staff-1', 'operator');
    const routes = playerRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const [operation, r] of routes) {
      const answer = await t.api.call(r.method, pathOf(r.path), { token, ...bodyFor(r.method) });
      expect([operation, answer.status, answer.body?.code]).toEqual([operation, 401, 'unauthorized']);
    }
  });

  it.skipIf(deployed)("from the players' issuer with scope operator get 403 forbidden on every route that takes a credential", async () => {
    const token = await signed(DEV_ISSUER, DEV_AUDIENCE, { scope: 'operator' });
    for (const [operation, r] of [...operatorRoutes(), ...playerRoutes()]) {
      const answer = await t.api.call(r.method, pathOf(r.path), { token, ...bodyFor(r.method) });
      expect([operation, answer.status, answer.body?.code]).toEqual([operation, 403, 'forbidden']);
    }
  });

  it.skipIf(deployed)('from the staff issuer without scope operator get 403 on the operator routes (deployed: authorizationScopes)', async () => {
    const token = await signed(DEV_STAFF_ISSUER, DEV_STAFF_AUDIENCE, { scope: 'openid profile' });
    const r = await t.api.call('GET', '/v1/admin/dead-letters', { token });
    expect([r.status, r.body?.code]).toEqual([403, 'forbidden']);
    const wrongAudience = await signed(DEV_STAFF_ISSUER, 'playguard', { scope: 'operator' });
    expect((await t.api.call('GET', '/v1/admin/dead-letters', { token: wrongAudience })).status).toBe(401);
  });
});
