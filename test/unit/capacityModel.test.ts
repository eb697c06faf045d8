/**
 * The capacity model (infra/capacity/model.ts, docs/capacity.md) as arithmetic with exact values:
 * the partitions a Friday's 21:00 writes, before and after issue 28's design changes; where each
 * limit is reached; the NPPA drain; the cost lines; and `npm run capacity`'s arguments.
 */
import { describe, expect, it } from 'vitest';
import { functionTable } from '#shared/api/functions';
import { capacity, cost, FRIDAY, LIMITS, moments } from '#infra/capacity/model';
import { AS_BUILT, BEFORE, MEASURED } from '#infra/capacity/measured';
import { US_EAST_1 } from '#infra/capacity/prices';
import { main } from '#infra/cli/capacity';

const at2100 = (players: number, design = AS_BUILT) => moments(players, FRIDAY, design).find((m) => m.name === '21:00 end of play')!;

describe('the design the code builds', () => {
  it(
    'is read from the code: 256 sweep shards on per-session grids, 64 queue shards a game, the reporter ' +
      '57 s a minute, figures over 16 items, person-weeks over 256 partitions',
    () => {
      expect(AS_BUILT).toEqual({
        liveShards: 256,
        outboxShards: 64,
        sweepProjection: 'ALL',
        sweepGrid: 'per-session',
        reporterDuty: 57 / 60,
        statsShards: 16,
        personWeekShards: 256,
        aggregatorConcurrency: 0,
        stageRps: 10_000,
      });
      expect(AS_BUILT.reporterDuty).toBe(functionTable.nppaReporter.schedule.plannedRunSeconds / functionTable.nppaReporter.schedule.rateSeconds);
    },
  );
});

describe('21:00, 100,000 players (45,000 minors within 5 s: 9,000 a second)', () => {
  it.each([
    // design, sweep-index shard (heartbeat's index writes + the end's removal), queue shard of the larger game (60 %)
    ['before', BEFORE, (9000 * (2 + 1)) / 8, (9000 * 0.6) / 4],
    ['as built', AS_BUILT, (9000 * (0.5 * 2 + 0.5 * 1 + 1)) / 256, (9000 * 0.6) / 64],
  ] as const)('%s: each index partition takes its share', (_name, design, live, outbox) => {
    const m = at2100(100_000, design);
    expect(m.partitions['gsi1 LIVE#<shard> (sweep index)']).toBeCloseTo(live, 6);
    expect(m.partitions['gsi1 OUTBOX#<game>#<shard> (NPPA queue)']).toBeCloseTo(outbox, 6);
    // Requests: the terminating heartbeat and the client's GET /v1/limits.
    expect(m.rps).toBe(18_000);
  });

  it('writes 14.5 units a minor to the table (the heartbeat 1, its index entry 1.5 on average, the end 12)', () => {
    expect(at2100(100_000).tableWriteUnits).toBe(9000 * (1 + 1.5 + MEASURED.operations.end.minorWriteUnits));
  });
});

describe('what breaks, and from how many players', () => {
  const breaksAt = (players: number, design: typeof AS_BUILT, what: RegExp) => capacity(players, design).checks.find((c) => what.test(c.what))!.breaksAt;

  it('before: the sweep index from 29,629 players, the NPPA queue from 74,074, the person-week partition and the stage throttle from 11,111', () => {
    expect(breaksAt(10_000, BEFORE, /LIVE/)).toBe(29_629);
    expect(breaksAt(10_000, BEFORE, /OUTBOX/)).toBe(74_074);
    expect(breaksAt(10_000, BEFORE, /STATSWEEK/)).toBe(11_111);
    expect(breaksAt(10_000, BEFORE, /stage throttle/)).toBe(11_111);
  });

  it('as built: no partition below a million players (5 s of spread at 21:00); the stage throttle as the account quota, from 55,555', () => {
    for (const c of capacity(1_000_000, AS_BUILT).checks.filter((c) => /partition/.test(c.what))) expect(c.breaksAt, c.what).toBeGreaterThan(1_000_000);
    expect(breaksAt(10_000, AS_BUILT, /stage throttle/)).toBe(55_555);
    expect(breaksAt(10_000, AS_BUILT, /account quota/)).toBe(55_555);
  });

  it("as built, at a million: the settings and quotas to raise (API Gateway, Lambda, DynamoDB) and the national system's ceiling remain", () => {
    const broken = capacity(1_000_000, AS_BUILT)
      .checks.filter((c) => c.value > c.limit)
      .map((c) => c.what.split(' (')[0]);
    expect(broken).toEqual([
      'DynamoDB table writes, a new on-demand table',
      'DynamoDB table write quota',
      'API Gateway stage throttle',
      'API Gateway account quota',
      'Lambda concurrent executions',
      'NPPA: oldest 20:00 login sent within 180 s',
    ]);
  });

  it("the national system's ceiling: a game's 20:00 logins drain at the reporter's share of 1,280 events a second", () => {
    const [main1] = capacity(1_000_000, AS_BUILT).nppa;
    // 60 % of 450,000 minors and of 60 % of 550,000 adults.
    expect(main1!.loginEvents).toBe(0.6 * (450_000 + 0.6 * 550_000));
    expect(main1!.drainSeconds).toBe(Math.round(main1!.loginEvents / ((LIMITS.nppaEventsPerSecondPerGame * 57) / 60)));
    expect(capacity(10_000, AS_BUILT).nppa.every((g) => g.worstDelaySeconds <= LIMITS.nppaDeadlineSeconds)).toBe(true);
  });
});

describe('cost', () => {
  it('prices each quantity a player-hour uses at the list price', () => {
    const c = cost(100_000, AS_BUILT, MEASURED, US_EAST_1);
    const line = (item: RegExp) => c.perPlayerHour.find((l) => item.test(l.item))!;
    expect(line(/^API Gateway/)).toMatchObject({ quantity: MEASURED.perPlayerHour.apiRequests, cost: MEASURED.perPlayerHour.apiRequests * 1e-6 });
    expect(line(/writes: players/).cost).toBeCloseTo(MEASURED.perPlayerHour.writeUnits * 0.625e-6, 15);
    expect(line(/Streams/).cost).toBe(0);
    expect(c.perMillionPlayerHours).toBeCloseTo(c.perPlayerHour.reduce((s, l) => s + l.cost, 0) * 1e6, 9);
  });

  it("a keys-only sweep index would spare half an index write a minor's heartbeat and read each sweep candidate back", () => {
    const all = cost(1_000_000, AS_BUILT);
    const keysOnly = cost(1_000_000, { ...AS_BUILT, sweepProjection: 'KEYS_ONLY' });
    const writes = (c: typeof all) => c.perPlayerHour.find((l) => /writes: players/.test(l.item))!.quantity;
    expect(writes(all) - writes(keysOnly)).toBeCloseTo(MEASURED.perPlayerHour.minorHeartbeats * 0.5, 9);
    const sweeps = (c: typeof all) => c.fixedPerHour.find((l) => /sweeper/.test(l.item))!.quantity;
    expect(sweeps(keysOnly)).toBeGreaterThan(sweeps(all));
  });
});

describe('npm run capacity', () => {
  it('prints the three sizes by default, and a size given', () => {
    const out = main([]);
    for (const size of ['10,000', '100,000', '1,000,000']) expect(out).toContain(`== ${size} concurrent players`);
    expect(main(['--players', '250000'])).toContain('== 250,000 concurrent players');
    expect(JSON.parse(main(['--players', '5000,20000', '--json'])).results.map((r: { players: number }) => r.players)).toEqual([5000, 20_000]);
  });

  it('starts from the design before issue 28 with --before, and takes what-ifs', () => {
    expect(JSON.parse(main(['--before', '--json', '--players', '1000'])).design).toEqual(BEFORE);
    expect(JSON.parse(main(['--json', '--players', '1000', '--live-shards', '64', '--projection', 'KEYS_ONLY'])).design).toMatchObject({
      liveShards: 64,
      sweepProjection: 'KEYS_ONLY',
    });
  });

  it('refuses what is not a size or a design', () => {
    expect(() => main(['--players', 'many'])).toThrow('--players');
    expect(() => main(['--players', '0'])).toThrow('--players');
    expect(() => main(['--projection', 'SOME'])).toThrow('--projection');
    expect(() => main(['--reporter-duty', '2'])).toThrow('--reporter-duty');
  });
});
