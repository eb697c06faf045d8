/** An operator (compliance staff) credential is refused on every player and game-server route. */
import { describe, expect, it } from 'vitest';
import { routeList } from '#shared/api/routes';
import { callerFromClaims } from '#shared/http/api';
import { deployed, useGateway } from '#test/support/gateway';

const t = useGateway();

describe('operator credentials', () => {
  it('are operators, whatever other scope the token also carries', () => {
    const only = [{ gameId: 'default' }];
    expect(callerFromClaims({ sub: 'staff-1', scope: 'operator' }, only)).toEqual({ accountId: 'staff-1', kind: 'operator', gameId: 'default' });
    expect(callerFromClaims({ sub: 'staff-1', scope: '[operator server]' }, only)?.kind).toBe('operator');
    expect(callerFromClaims({ sub: 'srv', scope: 'server' }, only)?.kind).toBe('server');
  });

  // Local-only: the token comes from the development key.
  it.skipIf(deployed)('get 403 forbidden on every route that takes a player or a game server', async () => {
    const token = (await t.api.call<{ token: string }>('POST', '/__dev/tokens', { body: { sub: 'staff-1', scope: 'operator' } })).body.token;
    const routes = routeList().filter(([, r]) => r.auth !== 'none' && r.auth !== 'operator');
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const [operation, r] of routes) {
      const path = r.path.replace(/\{\w+\}/g, 'x1');
      const answer = await t.api.call(r.method, path, { token, ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { body: {} }) });
      expect([operation, answer.status, answer.body?.code]).toEqual([operation, 403, 'forbidden']);
    }
  });
});
