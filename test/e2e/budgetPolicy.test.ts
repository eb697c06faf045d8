/**
 * The nppa-2019 preset (1.5 h a day, counted per person per Beijing day across accounts and
 * sessions) through the HTTP gateway.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ddbCallCounter } from '#test/support/ddbCounter';
import { deployed, useGateway } from '#test/support/gateway';
import { person } from '#test/support/people';

// Read by the functions when the gateway starts (each test file runs in its own process).
process.env.PLAY_POLICY = JSON.stringify({ preset: 'nppa-2019' });
const t = useGateway();
const NPPA_2019_DETAIL = '根据国家防沉迷规定，每日 22:00 至次日 08:00 未成年人不可进行游戏；法定节假日每日累计不超过 3 小时，其他时间每日累计不超过 1.5 小时。';

// Local-only: the policy is the in-process gateway's, and the tests move the virtual clock.
describe.skipIf(deployed)('nppa-2019: 90 minutes a day per person', () => {
  it("counts play across the same minor's accounts and sessions, and ends play when the day's budget is spent", async () => {
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
    expect(again.body).toMatchObject({
      code: 'play_time_restricted',
      nextWindowStart: '2026-11-26T08:00:00+08:00',
      nextWindowEnd: '2026-11-26T22:00:00+08:00',
    });
    // The detail names the rule in force, the 2019 notice's, not the 2021 windows.
    expect(again.body.detail).toBe(NPPA_2019_DETAIL);
    expect((await t.api.call('GET', '/v1/limits', { token: b })).body.playTime).toMatchObject({ allowedNow: false, remainingSeconds: 0 });
  });

  it('logs a minor in with 3 DynamoDB requests under a budget (the account remembers the day; the transaction checks it)', async () => {
    await t.api.setClock('2026-11-26T09:00:00+08:00');
    const token = await t.api.token(`budget-count-${randomUUID().slice(0, 8)}`);
    expect((await t.api.call('POST', '/v1/identity', { token, body: person('2011-02-02') })).status).toBe(200);
    let before = ddbCallCounter.calls;
    const first = await t.api.call('POST', '/v1/sessions', { token, body: { deviceId: 'count-phone' } });
    expect(ddbCallCounter.calls - before).toBe(3);
    await t.api.setClock('2026-11-26T09:20:00+08:00');
    expect((await t.api.call('DELETE', `/v1/sessions/${first.body.sessionId}`, { token })).status).toBe(204);
    before = ddbCallCounter.calls;
    const second = await t.api.call('POST', '/v1/sessions', { token, body: { deviceId: 'count-phone' } });
    expect(ddbCallCounter.calls - before).toBe(3);
    expect(Math.abs(second.body.remainingSeconds - 4200)).toBeLessThanOrEqual(2);
  });

  it('a takeover counts the session it ends toward the day', async () => {
    await t.api.setClock('2026-11-27T09:00:00+08:00');
    const token = await t.api.token(`budget-take-${randomUUID().slice(0, 8)}`);
    expect((await t.api.call('POST', '/v1/identity', { token, body: person('2011-03-03') })).status).toBe(200);
    const first = await t.api.call('POST', '/v1/sessions', { token, body: { deviceId: 'take-1' } });
    expect(first.status).toBe(201);
    // Still beating (a session silent past its deadline would count only to its last heartbeat, as the sweeper does).
    await t.api.setClock('2026-11-27T09:29:30+08:00');
    expect((await t.api.call('POST', `/v1/sessions/${first.body.sessionId}/heartbeat`, { token, body: { seq: 1 } })).status).toBe(200);
    await t.api.setClock('2026-11-27T09:30:00+08:00');
    const taken = await t.api.call('POST', '/v1/sessions', { token, body: { deviceId: 'take-2', takeover: true } });
    expect(taken.status).toBe(201);
    expect(Math.abs(taken.body.remainingSeconds - 3600)).toBeLessThanOrEqual(2);
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
