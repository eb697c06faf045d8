/**
 * The load test's report: what was asked and how fast it was answered, what it cost in DynamoDB
 * requests, units and log bytes per player-hour, where the writes landed (the hottest partitions of
 * the table and of its indexes, by units a virtual second), the reporter's backlog minute by minute,
 * and the invariants. The capacity model (docs/capacity.md, `npm run capacity`) starts from these
 * per-player-hour figures and key shares.
 */
import type { Checked } from '#test/load/invariants';
import type { Recorded } from '#test/load/driver';

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** A partition key's family: the key with its own id dropped (SESSION#<id> → SESSION#*), shards and games kept. */
export function familyOf(key: string): string {
  const [index, pk] = key.includes(':') && !key.startsWith('IDENTITY#') ? (key.split(/:(.*)/s) as [string, string]) : ['', key];
  const family = pk
    .replace(/^(SESSION|ORDER|ACCOUNT|DEVICE|CHALLENGE|AUDIT|WEBHOOK|STATSSEEN|GUARDIAN)#.*$/, '$1#*')
    .replace(/^OUTBOX#[0-9a-f]{32}$/, 'OUTBOX#*')
    .replace(/^IDENTITY#.*$/, 'IDENTITY#*')
    .replace(/^STATSWEEK#.*$/, 'STATSWEEK#*')
    .replace(/^RATE#(.*)$/, 'RATE#$1');
  return index ? `${index}:${family}` : family;
}

function hot(perSecond: Map<string, number>) {
  const peak = new Map<string, number>();
  const total = new Map<string, number>();
  const seconds = new Map<string, Set<number>>();
  for (const [k, units] of perSecond) {
    const bar = k.indexOf('|');
    const second = Number(k.slice(0, bar));
    const key = k.slice(bar + 1);
    peak.set(key, Math.max(peak.get(key) ?? 0, units));
    total.set(key, (total.get(key) ?? 0) + units);
    (seconds.get(key) ?? seconds.set(key, new Set()).get(key)!).add(second);
  }
  const all = [...total.values()].reduce((a, b) => a + b, 0);
  const keys = [...peak.entries()]
    .sort((a, b) => b[1] - a[1] || (total.get(b[0]) ?? 0) - (total.get(a[0]) ?? 0))
    .slice(0, 12)
    .map(([key, p]) => ({ key, peakUnitsPerSecond: p, units: total.get(key)!, shareOfUnits: round((total.get(key)! / all) * 100, 2) }));
  // Families: how the units of one kind of key spread (peak of any one key of the family in a second).
  const fam = new Map<string, { keys: Set<string>; units: number; peak: number }>();
  for (const [key, units] of total) {
    const f = familyOf(key);
    const e = fam.get(f) ?? fam.set(f, { keys: new Set(), units: 0, peak: 0 }).get(f)!;
    e.keys.add(key);
    e.units += units;
    e.peak = Math.max(e.peak, peak.get(key)!);
  }
  const families = [...fam.entries()]
    .sort((a, b) => b[1].units - a[1].units)
    .map(([family, e]) => ({ family, keys: e.keys.size, units: e.units, shareOfUnits: round((e.units / all) * 100, 2), peakUnitsPerSecondOfOneKey: e.peak }));
  return { units: all, keys, families };
}

export function buildReport(r: Recorded, c: Checked) {
  const f = c.facts;
  const requests = [...r.routes.values()].reduce((n, x) => n + x.ms.length, 0);
  const routes = Object.fromEntries(
    [...r.routes.entries()].map(([route, x]) => {
      const sorted = [...x.ms].sort((a, b) => a - b);
      return [
        route,
        {
          count: x.ms.length,
          perPlayerHour: round(x.ms.length / f.playerHours, 3),
          p50Ms: round(percentile(sorted, 50), 1),
          p99Ms: round(percentile(sorted, 99), 1),
          statuses: Object.fromEntries(x.statuses),
        },
      ];
    }),
  );
  const perHour = (n: number) => round(n / f.playerHours, 3);
  const d = r.dynamo;
  return {
    command: `npm run load -- --players ${r.options.players} --seed ${r.options.seed}`,
    players: r.options.players,
    accounts: r.evening.players.length + r.evening.races.length,
    evening: '2026-11-27 (Friday) 19:55–21:05 Beijing time, settled to 21:30',
    realSeconds: round(r.realMs.total / 1000, 1),
    sessions: f.sessions,
    playerHours: round(f.playerHours, 2),
    minorPlayerHours: round(f.minorPlayerHours, 2),
    adultPlayerHours: round(f.adultPlayerHours, 2),
    requests: {
      total: requests,
      perPlayerHour: perHour(requests),
      perSecond: round(requests / ((r.realMs.requests + r.realMs.setup) / 1000), 0),
      serverErrors: r.serverErrors.length,
      writeContentionRetries: r.contention,
      byRoute: routes,
      refusedLogins: Object.fromEntries(r.refusedLogins),
      payments: r.payments,
    },
    dynamo: {
      note: "write units computed from each item by DynamoDB's rules (test/support/capacity.ts); read units as DynamoDB Local reports them",
      players: { requests: d.requests.calls, writeUnits: d.requests.writeUnits, readUnits: round(d.requests.readUnits, 1) },
      jobs: { requests: d.jobs.calls, writeUnits: d.jobs.writeUnits, readUnits: round(d.jobs.readUnits, 1), aggregatorWriteUnits: r.aggregatorUnits },
      setup: { requests: d.setup.calls, writeUnits: d.setup.writeUnits },
      perPlayerHour: {
        requests: perHour(d.requests.calls),
        writeUnits: perHour(d.requests.writeUnits),
        readUnits: perHour(d.requests.readUnits),
        jobsRequests: perHour(d.jobs.calls),
        jobsWriteUnits: perHour(d.jobs.writeUnits - r.aggregatorUnits),
        jobsReadUnits: perHour(d.jobs.readUnits),
        aggregatorWriteUnits: perHour(r.aggregatorUnits),
        streamRecords: perHour(d.requests.itemChanges + d.jobs.itemChanges),
      },
    },
    logs: {
      note:
        'bytes our code wrote (JSON lines and metric lines); Lambda adds its own platform lines per ' +
        'invocation and API Gateway an access-log line per request (the cost model counts those)',
      players: { bytes: r.logBytes.requests, lines: r.logLines.requests },
      jobs: { bytes: r.logBytes.jobs, lines: r.logLines.jobs },
      perPlayerHour: { bytes: perHour(r.logBytes.requests), lines: perHour(r.logLines.requests), jobsBytes: perHour(r.logBytes.jobs) },
    },
    metrics: { series: r.metricSeries.size, names: [...new Set([...r.metricSeries].map((s) => s.split('|')[0]))].sort() },
    hottest: {
      note:
        "players' requests by virtual second (the load test holds the clock at each second: a mark's " +
        'heartbeats all land in one); the scheduled jobs by virtual minute (they run at one instant a minute)',
      table: hot(r.perSecond.table),
      indexes: hot(r.perSecond.index),
      jobsPerMinute: hot(r.perMinuteOfJobs),
    },
    reporting: {
      events: f.events,
      calls: r.loginoutCalls,
      eventsPerCall: round(f.events / Math.max(1, r.loginoutCalls), 1),
      delaySeconds: f.reportDelaySeconds,
      sweptLogouts: f.sweptLogouts,
      backlog: r.backlog.filter((b, i) => i === 0 || Object.values(b.queued).some((n) => n > 0) || Object.values(r.backlog[i - 1]!.queued).some((n) => n > 0)),
    },
    figures: f.figures,
    invariants: c.invariants,
    ok: c.invariants.every((i) => i.ok),
  };
}

export type LoadReport = ReturnType<typeof buildReport>;

/** A few lines for a person (stderr); the JSON is the report. */
export function summary(report: LoadReport): string {
  const lines = [
    `load: ${report.players} players, ${report.sessions} sessions, ${report.playerHours} player-hours, ${report.realSeconds} s`,
    `requests: ${report.requests.total} (${report.requests.perSecond}/s, ${report.requests.perPlayerHour} a player-hour), 5xx ${report.requests.serverErrors}`,
    ...Object.entries(report.requests.byRoute).map(
      ([route, x]) =>
        `  ${route.padEnd(10)} ${String(x.count).padStart(7)}  p50 ${String(x.p50Ms).padStart(7)} ms  p99 ` +
        `${String(x.p99Ms).padStart(7)} ms  ${JSON.stringify(x.statuses)}`,
    ),
    `DynamoDB a player-hour: ${report.dynamo.perPlayerHour.requests} requests, ` +
      `${report.dynamo.perPlayerHour.writeUnits} write units, ${report.dynamo.perPlayerHour.readUnits} ` +
      `read units; jobs ${report.dynamo.perPlayerHour.jobsWriteUnits} write units, stats aggregator ` +
      `${report.dynamo.perPlayerHour.aggregatorWriteUnits}; ${report.dynamo.perPlayerHour.streamRecords} stream records`,
    `logs a player-hour: ${report.logs.perPlayerHour.bytes} bytes (${report.logs.perPlayerHour.lines} ` +
      `lines); jobs ${report.logs.perPlayerHour.jobsBytes} bytes`,
    `hottest index partitions (units in one virtual second): ${report.hottest.indexes.keys
      .slice(0, 5)
      .map((k) => `${k.key} ${k.peakUnitsPerSecond}`)
      .join(', ')}`,
    `hottest table partitions: ${report.hottest.table.keys
      .slice(0, 5)
      .map((k) => `${k.key} ${k.peakUnitsPerSecond}`)
      .join(', ')}`,
    `hottest partitions of the jobs (units in one virtual minute): ${report.hottest.jobsPerMinute.keys
      .slice(0, 5)
      .map((k) => `${k.key} ${k.peakUnitsPerSecond}`)
      .join(', ')}`,
    `reporting: ${report.reporting.events} events in ${report.reporting.calls} calls; longest delay ` +
      `${report.reporting.delaySeconds.max} s; peak backlog ` +
      `${Math.max(0, ...report.reporting.backlog.map((b) => Object.values(b.queued).reduce((a, n) => a + n, 0)))}`,
    ...report.invariants.map((i) => `${i.ok ? 'ok  ' : 'FAIL'} ${i.name}: ${i.detail}`),
  ];
  return lines.join('\n');
}
