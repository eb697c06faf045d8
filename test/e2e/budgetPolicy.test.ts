/**
 * The nppa-2019 preset (1.5 h a day, counted per person per Beijing day across accounts and
 * sessions) through the HTTP gateway.
 */
import { describe, expect, it } from 'vitest';
import { deployed, useGateway } from '#test/support/gateway';
import { person } from '#test/support/people';

// Read by the functions when the gateway starts (each test file runs in its own process).
process.env.PLAY_POLICY = JSON.stringify({ preset: 'nppa-2019' });
const t = useGateway();
const NPPA_2019_DETAIL = '根据国家防沉迷规定，每日 22:00 至次日 08:00 未成年人不可进行游戏；法定节假日每日累计不超过 3 小时，其他时间每日累计不超过 1.5 小时。';

// Local-only: the policy is the in-process gateway's, and the tests move the virtual clock.
describe.skipIf(deployed)('nppa-2019: 90 minutes a day per person', () => {
  it('counts play across the same minor\'s accounts and sessions, and ends play when the day\'s budget is spent', async () => {
    await t.api.setClock('2026-11-25T10:00:00+08:00');
    const who = person('2012-04-04');
    const a = await t.api.token('budget-a');
    const b = await t.api.token('budget-b');
    for (const token of [a, b]) expect((await t.api.call('POST', '/v1/identity', { token, body: who })).status).toBe(200);

    const first = await t.api.call('POST', '/v1/sessions', { token: a, body: { deviceId: 'budget-phone-a' } });
    expect(first.body).toMatchObject({ minor: true, remainingSeconds: 5400, endsAt: '2026-11-25T11:30:00+08:00' });
    await t.api.setClock('2026-11-25T11:00:00+08:00');
    expect((await t.api.call('DELETE', `/v1/sessions/${first.body.sessionId}`, { token: a })).status).toBe(204);

    await t.api.setClock('2026-11-25T11:10:00+08:00');
    const second = await t.api.call('POST', '/v1/sessions', { token: b, body: { deviceId: 'budget-phone-b' } });
    expect(second.status).toBe(201);
    // 90 min − the first session's 60 min (the virtual clock runs in real time: ± a second or two).
    expect(Math.abs(second.body.remainingSeconds - 1800)).toBeLessThanOrEqual(2);

    await t.api.setClock('2026-11-25T11:40:05+08:00');
    const beat = await t.api.call('POST', `/v1/sessions/${second.body.sessionId}/heartbeat`, { token: b, body: { seq: 1 } });
    expect(beat.body).toMatchObject({ action: 'terminate', reason: 'play_time_exhausted' });

    const again = await t.api.call('POST', '/v1/sessions', { token: a, body: { deviceId: 'budget-phone-a' } });
    expect(again.status).toBe(403);
    expect(again.body).toMatchObject({ code: 'play_time_restricted', nextWindowStart: '2026-11-26T08:00:00+08:00', nextWindowEnd: '2026-11-26T22:00:00+08:00' });
    // The detail names the rule in force, the 2019 notice's, not the 2021 windows.
    expect(again.body.detail).toBe(NPPA_2019_DETAIL);
    expect((await t.api.call('GET', '/v1/limits', { token: b })).body.playTime).toMatchObject({ allowedNow: false, remainingSeconds: 0 });
  });

  it('refuses a minor during the 22:00–08:00 curfew', async () => {
    await t.api.setClock('2026-11-25T22:30:00+08:00');
    const token = await t.api.token('budget-night');
    await t.api.call('POST', '/v1/identity', { token, body: person('2011-01-01') });
    const r = await t.api.call('POST', '/v1/sessions', { token, body: { deviceId: 'budget-night-phone' } });
    expect(r.body).toMatchObject({ code: 'play_time_restricted', nextWindowStart: '2026-11-26T08:00:00+08:00' });
    expect(r.body.detail).toBe(NPPA_2019_DETAIL);
  });
});
