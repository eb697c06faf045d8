/**
 * `play_time_restricted` under a publisher's stricter policy says the windows actually allowed
 * (nppa-2021 narrowed to 20:00–20:30), not the law's wider ones.
 */
import { describe, expect, it } from 'vitest';
import { deployed, useGateway } from '#test/support/gateway';
import { person } from '#test/support/people';

// Read by the functions when the gateway starts (each test file runs in its own process).
process.env.PLAY_POLICY = JSON.stringify({
  preset: 'nppa-2021',
  fridayToSunday: { windows: [['20:00', '20:30']] },
  holiday: { windows: [['20:00', '20:30']] },
});
const t = useGateway();

describe.skipIf(deployed)('nppa-2021 narrowed to 20:00–20:30 by the publisher', () => {
  it('lets a minor play at 20:10 on a Friday and refuses at 20:45, naming the narrowed window', async () => {
    await t.api.setClock('2026-11-27T20:10:00+08:00');
    const token = await t.api.token('detail-tight');
    expect((await t.api.call('POST', '/v1/identity', { token, body: person('2012-06-06') })).status).toBe(200);
    const allowed = await t.api.call('POST', '/v1/sessions', { token, body: { deviceId: 'detail-tight-phone' } });
    expect(allowed.status).toBe(201);
    expect(allowed.body.endsAt).toBe('2026-11-27T20:30:00+08:00');
    await t.api.call('DELETE', `/v1/sessions/${allowed.body.sessionId}`, { token });

    await t.api.setClock('2026-11-27T20:45:00+08:00');
    const r = await t.api.call('POST', '/v1/sessions', { token, body: { deviceId: 'detail-tight-phone' } });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({
      type: 'urn:playguard:problem:play_time_restricted',
      title: 'Play time restricted',
      status: 403,
      detail: '根据国家防沉迷规定及本游戏的防沉迷设置，未成年人仅可在周五、周六、周日和法定节假日 20:00–20:30 进行游戏。',
      code: 'play_time_restricted',
      nextWindowStart: '2026-11-28T20:00:00+08:00',
      nextWindowEnd: '2026-11-28T20:30:00+08:00',
    });
  });
});
