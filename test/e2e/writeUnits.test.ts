/**
 * What a player-hour costs in DynamoDB write units and HTTP requests, measured through the gateway
 * on DynamoDB Local (test/support/playerHour.ts): the inputs of the cost model of docs/capacity.md, held here so
 * a change that adds a write or an index copy on the hot path fails a test, not only the bill. Units
 * are billed by DynamoDB's rules from each item's images (test/support/capacity.ts): a
 * transaction's items 2 each, a condition check included, index entries 1 each.
 */
import { describe, expect, it } from 'vitest';
import { deployed, useGateway } from '#test/support/gateway';
import { playOneHour } from '#test/support/playerHour';
import { liveSessionIndex } from '#shared/storage/keys';

const t = useGateway();

describe.skipIf(deployed)('a player-hour in write units', () => {
  it("a minor's one-hour window (Friday 20:00–21:00): heartbeats every 5 minutes, on the 15- and 5-minute warnings and the end", async () => {
    const hour = await playOneHour(t.api, 'wu-minor', '2012-05-01', '2026-10-02T20:00:00+08:00');
    expect(hour.heartbeatsAt).toEqual([300, 600, 900, 1200, 1500, 1800, 2100, 2400, 2700, 3000, 3300, 3600]);
    expect(hour.lastAction).toBe('terminate');
    expect(hour.httpRequests).toBe(14);
    // Login: the account (1) and the device (1) updates, then one transaction of five items — the
    // session, the account's lease, the login event, the identity lease, the day play's check —
    // 2 each, and three index entries (the session in gsi1 and gsi2, the event in gsi1).
    // Heartbeats: the session (1) and its gsi1 entry (1), or 2 more when the entry moves to the next
    // 10-minute bucket; the last one also ends the session: a transaction of five items (the
    // session, the logout event, the account's lease and day play, the identity lease, the person's
    // day play) and two index changes (the session leaves gsi1, the event enters it).
    // Which heartbeats move it depends on the session: each session's 10-minute grid is offset by a
    // fraction taken from its id (shared/storage/keys.ts), so the 2s and 3s alternate in one order
    // or the other, the last heartbeat's included (its beat, then the end's 12); the total is the
    // same either way.
    const moves = (at: number) =>
      liveSessionIndex(hour.sessionId, hour.startMs + at * 1000, 600_000).gsi1sk !==
      liveSessionIndex(hour.sessionId, hour.startMs + (at - 300) * 1000, 600_000).gsi1sk;
    const heartbeats = hour.heartbeatsAt.map((at, i) => (i === hour.heartbeatsAt.length - 1 ? 2 + 12 + (moves(at) ? 1 : 0) : moves(at) ? 3 : 2));
    expect(heartbeats.slice(0, -1).join()).toMatch(/^(2,3,)+2$|^(3,2,)+3$/);
    expect(hour.units).toEqual({ login: 15, heartbeats, logout: 0, total: 57 });
    // One read: the logout after the end reads the session (already ended: nothing written). The
    // login's account and device are updates that return the item, not reads.
    expect(hour.readUnits).toBe(1);
  });

  it("an adult's hour: heartbeats every 10 minutes", async () => {
    const hour = await playOneHour(t.api, 'wu-adult', '1980-01-01', '2026-10-02T10:00:00+08:00');
    expect(hour.heartbeatsAt).toEqual([600, 1200, 1800, 2400, 3000, 3600]);
    expect(hour.httpRequests).toBe(8);
    // Login: 2 + a transaction of three items (2 × 3) + three index entries; every heartbeat moves
    // the gsi1 entry (the interval equals the bucket); logout: three items (2 × 3) + two index changes.
    expect(hour.units).toEqual({ login: 11, heartbeats: [3, 3, 3, 3, 3, 3], logout: 8, total: 37 });
    // The logout reads the session (one strongly consistent read of an item under 4 KB).
    expect(hour.readUnits).toBe(1);
  });
});
