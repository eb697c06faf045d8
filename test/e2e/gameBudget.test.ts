/**
 * Several games under a policy that counts play time (the nppa-2019 preset: 1.5 h a day per
 * person): a minor has one live session across every game, so two games played at once cannot
 * each spend the same budget.
 */
import { describe, expect, it } from 'vitest';
import { deployed, useGateway } from '#test/support/gateway';
import { person } from '#test/support/people';

process.env.PLAY_POLICY = JSON.stringify({ preset: 'nppa-2019' });
process.env.GAMES = JSON.stringify([
  { gameId: 'g-a', bizId: '1101999101' },
  { gameId: 'g-b', bizId: '1101999102' },
]);
const t = useGateway();
const token = async (sub: string, game: string) =>
  (await t.api.call<{ token: string }>('POST', '/__dev/tokens', { body: { sub, game, ttlSeconds: 30 * 86_400 } })).body.token;

describe.skipIf(deployed)('a budget policy across games', () => {
  it("refuses a minor's second game while the first is live, and lets takeover end the first", async () => {
    await t.api.setClock('2026-11-25T10:00:00+08:00');
    const who = person('2012-06-06');
    const a = await token('budget-games', 'g-a');
    const b = await token('budget-games', 'g-b');
    for (const tk of [a, b]) expect((await t.api.call('POST', '/v1/identity', { token: tk, body: who })).status).toBe(200);
    const first = await t.api.call('POST', '/v1/sessions', { token: a, body: { deviceId: 'budget-games-phone' } });
    expect(first.status).toBe(201);
    const second = await t.api.call('POST', '/v1/sessions', { token: b, body: { deviceId: 'budget-games-pad' } });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'session_active_elsewhere' });
    const taken = await t.api.call('POST', '/v1/sessions', { token: b, body: { deviceId: 'budget-games-pad', takeover: true } });
    expect(taken.status).toBe(201);
    expect((await t.api.call('POST', `/v1/sessions/${first.body.sessionId}/heartbeat`, { token: a, body: { seq: 1 } })).body).toMatchObject({
      action: 'terminate',
      reason: 'signed_in_elsewhere',
    });
    // The first game's account lease was released with it: logging in there again takes over cleanly.
    expect((await t.api.call('POST', '/v1/sessions', { token: a, body: { deviceId: 'budget-games-phone', takeover: true } })).status).toBe(201);
  });
});
