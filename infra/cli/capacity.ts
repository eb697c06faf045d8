/**
 * `npm run capacity [-- --players N[,N…]] [--spread S] [--minor-share F] [--prices prices.json] [--json]`
 * prints the capacity model (infra/capacity/model.ts, docs/capacity.md) for each size: the evening's
 * peaks, the hottest partition of each kind against DynamoDB's per-partition limit, Lambda and API
 * Gateway against their quotas, each game's NPPA backlog against the 180 s deadline, what breaks
 * first, the settings to change, and the cost of an hour. Default sizes: 10,000, 100,000 and
 * 1,000,000 concurrent players.
 *
 * What-if: `--live-shards`, `--outbox-shards`, `--projection ALL|KEYS_ONLY`, `--grid wall|per-session`,
 * `--reporter-duty`, `--stats-shards`, `--person-week-shards`, `--aggregator-concurrency` replace the design
 * the code builds; `--before` starts from the design before issue 28 (infra/capacity/measured.ts BEFORE).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { capacity, FRIDAY, LIMITS, type CapacityResult, type Design } from '#infra/capacity/model';
import { AS_BUILT, BEFORE } from '#infra/capacity/measured';
import { US_EAST_1, type Prices } from '#infra/capacity/prices';

const n = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

export function render(r: CapacityResult): string {
  const out: string[] = [];
  out.push(`== ${n(r.players)} concurrent players (Friday 20:00) ==`);
  out.push('moment                                       requests/s   Lambda concurrent   table write units/s   table read units/s');
  for (const m of r.moments)
    out.push(
      `${m.name.padEnd(44)} ${n(m.rps).padStart(11)} ${n(m.lambdaConcurrent).padStart(19)} ` +
        `${n(m.tableWriteUnits).padStart(21)} ${n(m.tableReadUnits).padStart(20)}`,
    );
  out.push('');
  out.push('hottest partition of each kind (write units a second, its worst moment; limit 1,000):');
  const kinds = [...new Set(r.moments.flatMap((m) => Object.keys(m.partitions)))];
  for (const kind of kinds) {
    const worst = r.moments.reduce((a, m) => ((m.partitions[kind] ?? 0) > (a.partitions[kind] ?? 0) ? m : a));
    out.push(`  ${kind.padEnd(64)} ${n(worst.partitions[kind] ?? 0, 1).padStart(10)}  (${worst.name})`);
  }
  out.push('');
  out.push('NPPA reporting per game (ceiling 1,280 events a second; deadline 180 s):');
  for (const g of r.nppa)
    out.push(
      `  game ${g.game + 1}: 20:00 logins ${n(g.loginEvents)} events, drained in ${n(g.drainSeconds)} s, ` +
        `oldest sent after ≤ ${n(g.worstDelaySeconds)} s; 21:00 logouts ${n(g.endEvents)}, ${n(g.endDrainSeconds)} s`,
    );
  out.push('');
  const broken = r.checks.filter((c) => c.value > c.limit);
  out.push(broken.length ? 'breaks at this size, first to last (the size it breaks at):' : 'nothing breaks at this size; nearest limits:');
  for (const c of broken.length ? broken : r.checks.slice(0, 3))
    out.push(`  ${c.value > c.limit ? '✗' : '·'} ${c.what}: ${n(c.value)} at "${c.moment}" (limit ${n(c.limit)}; from ${n(c.breaksAt)} players) — ${c.fix}`);
  out.push('');
  const peak = Math.max(...r.moments.map((m) => m.rps));
  const peakWrites = Math.max(...r.moments.map((m) => m.tableWriteUnits));
  const peakLambda = Math.max(...r.moments.map((m) => m.lambdaConcurrent));
  const rps = Math.max(LIMITS.apiAccountRps, Math.ceil(peak * 1.5));
  out.push(
    `settings for this size: playguard:throttleRatePerSecond ${n(rps)} and playguard:throttleBurst ` +
      `${n(Math.max(LIMITS.apiAccountBurst, Math.ceil(peak)))} (the peak and half again); API Gateway ` +
      `account quota ≥ ${n(rps)}/s; Lambda concurrency ≥ ` +
      `${n(Math.max(LIMITS.lambdaConcurrency, Math.ceil(peakLambda * 2)))}; DynamoDB warm throughput ` +
      `(writes) ≥ ${n(Math.ceil(peakWrites * 1.2))}/s a day before, table quota ≥ ` +
      `${n(Math.max(LIMITS.tableWriteUnitsQuota, Math.ceil(peakWrites * 1.2)))}/s`,
  );
  out.push('');
  const c = r.cost;
  out.push(`cost (${c.currency}): ${n(c.perMillionPlayerHours, 2)} per million player-hours; an hour at this size ${n(c.perHour, 2)}`);
  out.push('  per player-hour:');
  for (const l of c.perPlayerHour)
    out.push(
      `    ${l.item.padEnd(78)} ${String(+l.quantity.toPrecision(4)).padStart(12)} ${l.unit.padEnd(12)} ${(l.cost * 1e6).toFixed(3).padStart(9)} per million`,
    );
  out.push('  fixed, per hour:');
  for (const l of c.fixedPerHour)
    out.push(`    ${l.item.padEnd(78)} ${String(+l.quantity.toPrecision(4)).padStart(12)} ${l.unit.padEnd(12)} ${l.cost.toFixed(4).padStart(9)}`);
  return out.join('\n');
}

export function main(argv: string[]): string {
  const { values } = parseArgs({
    args: argv,
    options: {
      players: { type: 'string', multiple: true },
      spread: { type: 'string' },
      'minor-share': { type: 'string' },
      prices: { type: 'string' },
      json: { type: 'boolean' },
      'live-shards': { type: 'string' },
      'outbox-shards': { type: 'string' },
      projection: { type: 'string' },
      grid: { type: 'string' },
      'reporter-duty': { type: 'string' },
      'stats-shards': { type: 'string' },
      'person-week-shards': { type: 'string' },
      'aggregator-concurrency': { type: 'string' },
      'stage-rps': { type: 'string' },
      before: { type: 'boolean' },
    },
  });
  const number = (name: string, v: string | undefined, fallback: number, check: (x: number) => boolean = (x) => x > 0): number => {
    if (v === undefined) return fallback;
    const x = Number(v.replaceAll('_', '').replaceAll(',', ''));
    if (!Number.isFinite(x) || !check(x)) throw new Error(`--${name}: not a valid value (${v})`);
    return x;
  };
  const sizes = (values.players ?? ['10000', '100000', '1000000'])
    .flatMap((p) => p.split(/[ ,]+/).filter(Boolean))
    .map((p) => number('players', p.replaceAll('_', ''), 0, (x) => Number.isInteger(x) && x >= 1));
  const base = values.before ? BEFORE : AS_BUILT;
  const design: Design = {
    liveShards: number('live-shards', values['live-shards'], base.liveShards, (x) => Number.isInteger(x) && x >= 1),
    outboxShards: number('outbox-shards', values['outbox-shards'], base.outboxShards, (x) => Number.isInteger(x) && x >= 1),
    sweepProjection:
      values.projection === undefined
        ? base.sweepProjection
        : values.projection === 'ALL' || values.projection === 'KEYS_ONLY'
          ? values.projection
          : (() => {
              throw new Error('--projection: ALL or KEYS_ONLY');
            })(),
    sweepGrid:
      values.grid === undefined
        ? base.sweepGrid
        : values.grid === 'wall' || values.grid === 'per-session'
          ? values.grid
          : (() => {
              throw new Error('--grid: wall or per-session');
            })(),
    reporterDuty: number('reporter-duty', values['reporter-duty'], base.reporterDuty, (x) => x > 0 && x <= 1),
    statsShards: number('stats-shards', values['stats-shards'], base.statsShards, (x) => Number.isInteger(x) && x >= 1),
    personWeekShards: number('person-week-shards', values['person-week-shards'], base.personWeekShards, (x) => Number.isInteger(x) && x >= 1),
    aggregatorConcurrency: number('aggregator-concurrency', values['aggregator-concurrency'], base.aggregatorConcurrency, (x) => Number.isInteger(x) && x >= 0),
    stageRps: number('stage-rps', values['stage-rps'], base.stageRps),
  };
  const workload = {
    ...FRIDAY,
    markSpreadSeconds: number('spread', values.spread, FRIDAY.markSpreadSeconds),
    minorShare: number('minor-share', values['minor-share'], FRIDAY.minorShare, (x) => x >= 0 && x <= 1),
  };
  const prices: Prices = values.prices ? { ...US_EAST_1, ...(JSON.parse(readFileSync(values.prices, 'utf8')) as Partial<Prices>) } : US_EAST_1;
  const results = sizes.map((p) => capacity(p, design, { workload, prices }));
  if (values.json) return JSON.stringify({ design, workload, results }, null, 2);
  return [`design: ${JSON.stringify(design)}`, `workload: ${JSON.stringify(workload)}`, '', ...results.map(render)].join('\n\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.stdout.write(`${main(process.argv.slice(2))}\n`);
  } catch (error) {
    process.stderr.write(`capacity: ${(error as Error).message}\n`);
    process.exit(2);
  }
}
