/**
 * Two games in one deployment, through the HTTP gateway: live sessions are per game, play time and
 * spending per person across games, and every login and logout reaches the national system under
 * its own game's bizId, whatever happens to the other game's reports.
 */
import { describe, expect, it } from 'vitest';
import { deployed, useGateway } from '#test/support/gateway';
import { person, withConsent } from '#test/support/people';

// Read by the functions when the gateway starts (each test file runs in its own process).
process.env.GAMES = JSON.stringify([
  { gameId: 'g-main', bizId: '1101999001', name: '主游戏', ageRating: 16 },
  { gameId: 'g-side', bizId: '1101999002', name: '副游戏', ageRating: 8 },
]);
const t = useGateway();

const token = async (sub: string, game: string) =>
  (await t.api.call<{ token: string }>('POST', '/__dev/tokens', { body: { sub, game, ttlSeconds: 30 * 86_400 } })).body.token;
// A child under 14 with its guardian's consent, which the client attests at the real-name step.
const verify = async (sub: string, who: { name: string; idNumber: string }) => {
  for (const game of ['g-main', 'g-side'])
    expect((await t.api.call('POST', '/v1/identity', { token: await token(sub, game), body: withConsent(who) })).status).toBe(200);
};

// Local-only: the games are the in-process gateway's, and the tests read its embedded simulator.
describe.skipIf(deployed)('two games in one deployment', () => {
  it("keeps one live session per account per game, and reports each game's events under its own bizId", async () => {
    await t.api.setClock('2026-11-30T10:00:00+08:00');
    await verify('games-adult', person('1990-05-05'));
    const main = await token('games-adult', 'g-main');
    const side = await token('games-adult', 'g-side');
    const a = await t.api.call('POST', '/v1/sessions', { token: main, body: { deviceId: 'games-phone' } });
    const b = await t.api.call('POST', '/v1/sessions', { token: side, body: { deviceId: 'games-pad' } });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body).toMatchObject({ gameId: 'g-main', ageRating: 16, belowRating: false, minor: false });
    expect(b.body).toMatchObject({ gameId: 'g-side', ageRating: 8, belowRating: false });
    // A second device in the same game is refused as before; the other game's session is untouched.
    expect((await t.api.call('POST', '/v1/sessions', { token: main, body: { deviceId: 'games-laptop' } })).body).toMatchObject({
      code: 'session_active_elsewhere',
    });
    expect((await t.api.call('POST', `/v1/sessions/${b.body.sessionId}/heartbeat`, { token: side, body: { seq: 1 } })).body).toMatchObject({
      action: 'continue',
    });

    await t.api.setClock('2026-11-30T10:30:00+08:00');
    expect((await t.api.call('DELETE', `/v1/sessions/${a.body.sessionId}`, { token: main })).status).toBe(204);
    expect((await t.api.call('DELETE', `/v1/sessions/${b.body.sessionId}`, { token: side })).status).toBe(204);
    await t.api.tick();
    const received = (si: string) => t.gateway.simulator!.receivedLoginouts.filter((e) => e.si === si).map((e) => [e.bt, e.bizId]);
    expect(received(a.body.sessionId)).toEqual([
      [1, '1101999001'],
      [0, '1101999001'],
    ]);
    expect(received(b.body.sessionId)).toEqual([
      [1, '1101999002'],
      [0, '1101999002'],
    ]);
  });

  it('gives a minor playing both games at 20:30 on a Friday the same wall-clock window, ending at 21:00 in each', async () => {
    await t.api.setClock('2026-12-04T20:30:00+08:00');
    await verify('games-minor', person('2013-01-10'));
    const a = await t.api.call('POST', '/v1/sessions', { token: await token('games-minor', 'g-main'), body: { deviceId: 'minor-phone' } });
    const b = await t.api.call('POST', '/v1/sessions', { token: await token('games-minor', 'g-side'), body: { deviceId: 'minor-phone' } });
    expect([a.status, b.status]).toEqual([201, 201]);
    for (const s of [a.body, b.body]) expect(s).toMatchObject({ minor: true, endsAt: '2026-12-04T21:00:00+08:00' });
    // Age-appropriateness labels: 13 is below g-main's 16 and not below g-side's 8.
    expect(a.body).toMatchObject({ ageRating: 16, belowRating: true });
    expect(b.body).toMatchObject({ ageRating: 8, belowRating: false });
    const limits = await t.api.call('GET', '/v1/limits', { token: await token('games-minor', 'g-main') });
    expect(limits.body).toMatchObject({ ageRating: 16, belowRating: true, playTime: { allowedNow: true } });
  });

  it('holds a 13-year-old to one daily and one monthly spending limit across both games', async () => {
    await t.api.setClock('2026-12-05T10:00:00+08:00');
    await verify('games-spender', person('2013-02-02'));
    const pay = async (game: string, orderId: string, amount: number) =>
      t.api.call('POST', '/v1/payments', { token: await token('games-spender', game), body: { orderId, amount } });
    expect((await pay('g-main', 'games-o-1', 3000)).status).toBe(201);
    // 8–15: 50 CNY a day per person (the band's single cap: 2024 Regulations Art. 44), whichever game the money goes to.
    expect((await pay('g-side', 'games-o-1b', 2001)).body).toMatchObject({
      code: 'spending_limit_exceeded',
      limit: 'daily',
      limitAmount: 5000,
      remainingAmount: 2000,
    });
    expect((await pay('g-side', 'games-o-1c', 2000)).status).toBe(201);
    const days = [
      ['2026-12-06', 'games-o-2', 'g-main'],
      ['2026-12-07', 'games-o-3', 'g-side'],
      ['2026-12-08', 'games-o-4', 'g-side'],
    ] as const;
    for (const [day, orderId, game] of days) {
      await t.api.setClock(`${day}T10:00:00+08:00`);
      expect((await pay(game, orderId, 5000)).status).toBe(201);
    }
    // 8–15: 200 CNY a month per person, whichever game the money goes to.
    await t.api.setClock('2026-12-09T10:00:00+08:00');
    const over = await pay('g-side', 'games-o-5', 100);
    expect(over.status).toBe(403);
    expect(over.body).toMatchObject({ code: 'spending_limit_exceeded', limit: 'monthly', limitAmount: 20000, remainingAmount: 0 });
  });

  it("keeps reporting one game while the national system refuses the other's events for good", async () => {
    await t.api.setClock('2026-12-06T10:00:00+08:00');
    await verify('games-dead', person('1988-08-08'));
    const sim = t.gateway.simulator!;
    sim.failItems((e) => (e.bizId === '1101999001' ? 3004 : null));
    try {
      const a = await t.api.call('POST', '/v1/sessions', { token: await token('games-dead', 'g-main'), body: { deviceId: 'dead-phone' } });
      const b = await t.api.call('POST', '/v1/sessions', { token: await token('games-dead', 'g-side'), body: { deviceId: 'dead-pad' } });
      await t.api.tick();
      expect(sim.receivedLoginouts.filter((e) => e.si === a.body.sessionId)).toEqual([]);
      expect(sim.receivedLoginouts.filter((e) => e.si === b.body.sessionId).map((e) => [e.bt, e.bizId])).toEqual([[1, '1101999002']]);
    } finally {
      sim.failItems(null);
    }
  });
});
