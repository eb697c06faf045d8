/**
 * The load test (`npm run load`) at smoke size inside `npm test`: the same Friday evening with 24
 * players, through the local gateway over real HTTP on its held clock, on the suite's DynamoDB
 * Local. Every invariant must hold, and the report must carry its figures; the full size (2,000
 * players, ~4 minutes here) is run by hand (docs/capacity.md).
 */
import { describe, expect, inject, it } from 'vitest';
import { drive, type Recorded } from '#test/load/driver';
import { checkInvariants } from '#test/load/invariants';
import { buildReport } from '#test/load/report';
import { HEAVY_TEST_MS } from '#test/support/timeouts';

describe('npm run load, at smoke size', () => {
  it(
    'plays a Friday evening for 24 players with every invariant holding',
    async () => {
      let recorded: Recorded | undefined;
      try {
        recorded = await drive({ players: 24, dynamoEndpoint: inject('dynamoEndpoint'), requestTimeoutMs: HEAVY_TEST_MS });
        const report = buildReport(recorded, await checkInvariants(recorded));
        expect(report.invariants.map((i) => [i.name, i.ok, i.detail]).filter(([, ok]) => !ok)).toEqual([]);
        expect(report.invariants.map((i) => i.name)).toEqual([
          'every login and logout reported exactly once, under its game',
          'each reported within 180 s of being queued',
          'no minor second outside the allowed windows',
          'no spending limit exceeded',
          'no 5xx answered',
          'no lost session',
        ]);
        expect(report.ok).toBe(true);
        // It did what the evening holds: minors refused before 20:00, ended at 21:00, payments refused past their limits.
        expect(report.requests.byRoute.login?.statuses).toMatchObject({ 201: expect.any(Number) });
        expect(report.requests.byRoute.heartbeat?.count).toBeGreaterThan(report.sessions);
        expect(report.reporting.events).toBe(2 * report.sessions);
        expect(report.dynamo.perPlayerHour.writeUnits).toBeGreaterThan(0);
        expect(report.hottest.indexes.keys.length).toBeGreaterThan(0);
        expect(report.metrics.series).toBeGreaterThan(0);
      } finally {
        await recorded?.gateway.stop();
      }
    },
    HEAVY_TEST_MS,
  );
});
