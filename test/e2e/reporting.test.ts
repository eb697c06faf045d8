/** Logins and logouts through the gateway reach the national system (simulator) exactly once. */
import { describe, expect, it } from 'vitest';
import { deployed, useGateway } from '#test/support/gateway';
import { person } from '#test/support/people';

const t = useGateway();

// Local-only: reads the embedded simulator and runs the reporter with tick.
describe.skipIf(deployed)('NPPA loginout reporting', () => {
  it('reports a login and its logout with the same si, bt 1 then 0, ct 0 and the PI, once', async () => {
    await t.api.setClock('2026-10-02T20:10:00+08:00');
    const token = await t.api.token('report-minor');
    await t.api.call('POST', '/v1/identity', { token, body: person('2012-02-02') });
    const s = await t.api.call('POST', '/v1/sessions', { token, body: { deviceId: 'report-phone' } });
    await t.api.setClock('2026-10-02T20:40:00+08:00');
    await t.api.call('DELETE', `/v1/sessions/${s.body.sessionId}`, { token });
    expect((await t.api.tick()).body.ran).toContain('nppaReporter');
    await t.api.tick();
    const mine = t.gateway.simulator!.receivedLoginouts.filter((e) => e.si === s.body.sessionId);
    expect(mine.map((e) => [e.bt, e.ct])).toEqual([
      [1, 0],
      [0, 0],
    ]);
    expect(mine[0]!.pi).toMatch(/^[0-9a-p]{6}[0-9a-z]{32}$/);
    expect(mine[0]!.pi).toBe(mine[1]!.pi);
    // The login happened 30 min before this report: shifted into the 180 s window, still before the logout.
    expect(mine[0]!.ot).toBeLessThan(mine[1]!.ot);
    expect(Math.abs(mine[1]!.ot - Math.floor(Date.parse('2026-10-02T20:40:00+08:00') / 1000))).toBeLessThanOrEqual(1);
  });

  it("holds a pending identity's events until the poller finds its PI", async () => {
    await t.api.setClock('2026-10-03T20:00:00+08:00');
    const token = await t.api.token('report-pending');
    expect((await t.api.call('POST', '/v1/identity', { token, body: person('2011-03-03', '某二待定') })).body.status).toBe('pending');
    const s = await t.api.call('POST', '/v1/sessions', { token, body: { deviceId: 'pending-phone' } });
    expect(s.status).toBe(201);
    await t.api.tick();
    expect(t.gateway.simulator!.receivedLoginouts.filter((e) => e.si === s.body.sessionId)).toHaveLength(0);
    await t.api.setClock('2026-10-03T20:00:10+08:00');
    await t.api.tick(); // the poller verifies the identity …
    await t.api.tick(); // … and the reporter sends its login
    expect(t.gateway.simulator!.receivedLoginouts.filter((e) => e.si === s.body.sessionId).map((e) => e.bt)).toEqual([1]);
  });
});
