/**
 * What a player-hour costs in DynamoDB write units and HTTP requests, measured through the gateway
 * on DynamoDB Local (test/support/playerHour.ts): the inputs of the README's cost model, held here so
 * a change that adds a write or an index copy on the hot path fails a test, not only the bill.
 */
import { describe, expect, it } from 'vitest';
import { deployed, useGateway } from '#test/support/gateway';
import { playOneHour } from '#test/support/playerHour';

const t = useGateway();

describe.skipIf(deployed)('a player-hour in write units', () => {
  it("a minor's one-hour window (Friday 20:00–21:00): heartbeats every 5 minutes, on the 15- and 5-minute warnings and the end", async () => {
    const hour = await playOneHour(t.api, 'wu-minor', '2012-05-01', '2026-10-02T20:00:00+08:00');
    expect(hour.heartbeatsAt).toEqual([300, 600, 900, 1200, 1500, 1800, 2100, 2400, 2700, 3000, 3300, 3600]);
    expect(hour.lastAction).toBe('terminate');
    expect(hour.httpRequests).toBe(14);
    expect(hour.units).toMatchObject({ login: 14, logout: 0 });
    console.log(JSON.stringify(hour.units));
  });

  it("an adult's hour: heartbeats every 10 minutes", async () => {
    const hour = await playOneHour(t.api, 'wu-adult', '1980-01-01', '2026-10-02T10:00:00+08:00');
    expect(hour.heartbeatsAt).toEqual([600, 1200, 1800, 2400, 3000, 3600]);
    expect(hour.httpRequests).toBe(8);
    expect(hour.units).toMatchObject({ login: 14 });
    console.log(JSON.stringify(hour.units));
  });
});
