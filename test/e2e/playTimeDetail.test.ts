/**
 * `play_time_restricted` names the rule in force: under the default policy (nppa-2021) the 2021
 * notice's windows. The nppa-2019 detail is asserted in budgetPolicy.test.ts, a publisher's
 * narrower windows in playTimeDetailTightened.test.ts (one play policy per gateway process).
 */
import { describe, expect, it } from 'vitest';
import { deployed, useGateway } from '#test/support/gateway';
import { person } from '#test/support/people';

delete process.env.PLAY_POLICY;
const t = useGateway();

describe.skipIf(deployed)('the default policy (nppa-2021)', () => {
  it("refuses a minor on a Wednesday with the 2021 notice's rule as the detail", async () => {
    await t.api.setClock('2026-11-25T10:00:00+08:00');
    const token = await t.api.token('detail-2021');
    expect((await t.api.call('POST', '/v1/identity', { token, body: person('2012-05-05') })).status).toBe(200);
    const r = await t.api.call('POST', '/v1/sessions', { token, body: { deviceId: 'detail-2021-phone' } });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({
      type: 'urn:playguard:problem:play_time_restricted',
      title: 'Play time restricted',
      status: 403,
      detail: '根据国家防沉迷规定，未成年人仅可在周五、周六、周日和法定节假日 20:00–21:00 进行游戏。',
      code: 'play_time_restricted',
      nextWindowStart: '2026-11-27T20:00:00+08:00',
      nextWindowEnd: '2026-11-27T21:00:00+08:00',
    });
  });
});
