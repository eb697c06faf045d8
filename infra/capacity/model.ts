/**
 * The capacity model (docs/capacity.md): from figures measured through the gateway (the load test
 * and the player-hour test, infra/capacity/measured.ts) to what a Friday 20:00 does to each key,
 * index partition, function and quota at a given number of concurrent players, how long the
 * national system's ceiling takes to drain the 20:00 backlog, what breaks first, and what an hour
 * costs. Pure arithmetic: `npm run capacity -- --players N` prints it.
 *
 * The evening (the load test's, test/load/scenario.ts, scaled): a share of minors who all log in
 * within the minute after 20:00; adults, most of whom arrive between 19:58 and 20:02; minors'
 * heartbeats landing together on the marks (20:45, 20:50, 20:55: the warnings; 21:00: the end,
 * which also ends every minor's session and sends its client to GET /v1/limits). "Together" means
 * within the clients' spread: their clocks and networks (`markSpreadSeconds`).
 */
import { MEASURED, type Measured } from '#infra/capacity/measured';
import { US_EAST_1, type Prices } from '#infra/capacity/prices';

export interface Workload {
  minorShare: number;
  /** Each game's share of the players (the NPPA ceiling is per game). */
  gameShares: number[];
  minorLoginWindowSeconds: number;
  adultBurstShare: number;
  adultBurstWindowSeconds: number;
  /** Seconds within which the clients' heartbeats on one mark arrive. */
  markSpreadSeconds: number;
}

export const FRIDAY: Workload = {
  minorShare: 0.45,
  gameShares: [0.6, 0.4],
  minorLoginWindowSeconds: 60,
  adultBurstShare: 0.6,
  adultBurstWindowSeconds: 240,
  markSpreadSeconds: 5,
};

/** What of the design the model depends on (the code's own values by default: infra/capacity/measured.ts `AS_BUILT`). */
export interface Design {
  liveShards: number;
  outboxShards: number;
  /** The live-session entry's projection in the sweep index: ALL writes it on every heartbeat. */
  sweepProjection: 'ALL' | 'KEYS_ONLY';
  /** Whether each session's 10-minute sweep bucket starts at its own offset (spread) or on the wall clock's tens of minutes (all move at once). */
  sweepGrid: 'wall' | 'per-session';
  /** Share of each minute the reporter sends for (its planned run over its rate). */
  reporterDuty: number;
  /** Items the stats aggregator spreads a day's figures (and a week's distribution) over. */
  statsShards: number;
  /** Partitions a week's person-week items spread over. */
  personWeekShards: number;
  /** Aggregator invocations running at once (0: one a stream shard, about one a table partition). */
  aggregatorConcurrency: number;
  /** The API stage's throttle, requests a second (playguard:throttleRatePerSecond). */
  stageRps: number;
}

/** DynamoDB, Lambda, API Gateway and the national system's limits (docs/capacity.md cites each). */
export const LIMITS = {
  partitionWriteUnits: 1000,
  partitionReadUnits: 3000,
  /** A new on-demand table's instant throughput; later up to twice the previous peak. */
  newTableWriteUnits: 4000,
  /** Default table-level throughput quota (on-demand), raisable. */
  tableWriteUnitsQuota: 40_000,
  lambdaConcurrency: 1000,
  /** New execution environments per function every 10 s. */
  lambdaScalingPer10s: 1000,
  apiAccountRps: 10_000,
  apiAccountBurst: 5000,
  nppaEventsPerSecondPerGame: 1280,
  nppaDeadlineSeconds: 180,
};

/** A moment of the evening: request rates and what they write, per second. */
interface Moment {
  name: string;
  rps: number;
  lambdaConcurrent: number;
  tableWriteUnits: number;
  tableReadUnits: number;
  /** The hottest partition of each kind, write units a second. */
  partitions: Record<string, number>;
}

export interface Check {
  what: string;
  /** The value at this size and its limit. */
  value: number;
  limit: number;
  /** Players at which it reaches the limit. */
  breaksAt: number;
  moment: string;
  fix: string;
}

export interface CapacityResult {
  players: number;
  moments: Moment[];
  nppa: Array<{ game: number; loginEvents: number; drainSeconds: number; worstDelaySeconds: number; endEvents: number; endDrainSeconds: number }>;
  checks: Check[];
  cost: CostResult;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Index entry writes of one heartbeat of a minor on a mark: 1 (ALL) or 0 (KEYS_ONLY) in place, 2 when the entry moves bucket. */
function markIndexWrites(design: Design, movesBucket: boolean): number {
  const inPlace = design.sweepProjection === 'ALL' ? 1 : 0;
  if (design.sweepGrid === 'per-session') return 0.5 * 2 + 0.5 * inPlace; // half the sessions cross their own bucket line between marks 5 minutes apart
  return movesBucket ? 2 : inPlace;
}

export function moments(players: number, w: Workload, d: Design, m: Measured = MEASURED): Moment[] {
  const minors = players * w.minorShare;
  const adults = players - minors;
  const games = w.gameShares;
  const gMax = Math.max(...games);
  const ms = (n: number) => n / 1000;
  const op = m.operations;
  // 20:00–20:01: every minor and a share of adults log in, while the others beat.
  const minorLogins = minors / w.minorLoginWindowSeconds;
  const adultLogins = (adults * w.adultBurstShare) / w.adultBurstWindowSeconds;
  const logins = minorLogins + adultLogins;
  const background = (adults * (1 - w.adultBurstShare)) / op.heartbeat.adultIntervalSeconds;
  const burst: Moment = {
    name: '20:00 logins',
    rps: logins + background,
    lambdaConcurrent: logins * ms(op.login.lambdaMs) + background * ms(op.heartbeat.lambdaMs),
    tableWriteUnits: minorLogins * op.login.minorWriteUnits + adultLogins * op.login.adultWriteUnits + background * op.heartbeat.tableWriteUnits,
    tableReadUnits: logins * op.login.readUnits,
    partitions: {
      'gsi1 LIVE#<shard> (sweep index)': logins / d.liveShards,
      'gsi1 OUTBOX#<game>#<shard> (NPPA queue)': (logins * gMax) / d.outboxShards,
    },
  };
  // A mark: every minor's heartbeat within the spread.
  const mark = (name: string, moves: boolean): Moment => {
    const beats = minors / w.markSpreadSeconds;
    const index = markIndexWrites(d, moves);
    return {
      name,
      rps: beats + adults / op.heartbeat.adultIntervalSeconds,
      lambdaConcurrent: (beats + adults / op.heartbeat.adultIntervalSeconds) * ms(op.heartbeat.lambdaMs),
      tableWriteUnits: beats * (op.heartbeat.tableWriteUnits + index) + (adults / op.heartbeat.adultIntervalSeconds) * (op.heartbeat.tableWriteUnits + 2),
      tableReadUnits: 0,
      partitions: { 'gsi1 LIVE#<shard> (sweep index)': (beats * index) / d.liveShards },
    };
  };
  // 21:00: every minor's terminating heartbeat, the end of its session, and its client's GET /v1/limits.
  const ends = minors / w.markSpreadSeconds;
  const endIndexLive = markIndexWrites(d, true) + 1;
  const end: Moment = {
    name: '21:00 end of play',
    rps: ends * 2,
    lambdaConcurrent: ends * ms(op.heartbeat.lambdaMs + op.end.lambdaMs + op.limits.lambdaMs),
    tableWriteUnits: ends * (op.heartbeat.tableWriteUnits + markIndexWrites(d, true) + op.end.minorWriteUnits),
    tableReadUnits: ends * op.limits.readUnits,
    partitions: {
      'gsi1 LIVE#<shard> (sweep index)': (ends * endIndexLive) / d.liveShards,
      'gsi1 OUTBOX#<game>#<shard> (NPPA queue)': (ends * gMax) / d.outboxShards,
    },
  };
  // The stats aggregator at 21:00: the stream's shards (about one a table partition) each hand it a
  // batch of up to 100 records; each batch adds to the day's figures of each game (one transaction,
  // one of the day's items), and each minor's end moves its person-week item (a transactional put).
  const streamShards = Math.max(1, Math.ceil(end.tableWriteUnits / LIMITS.partitionWriteUnits));
  const batches = aggregatorBatches(ends * m.streamRecordsPerMinorEnd, d, streamShards);
  // A batch adds to each game's day in one partition of the month: all of a batch's day items in one partition.
  end.partitions[`STATS#<month>#<shard> day figures (${d.statsShards} partition${d.statsShards > 1 ? 's' : ''} a month)`] =
    (batches * 2 * w.gameShares.length) / d.statsShards;
  end.partitions[`STATSWEEK#<week> person-week items (${d.personWeekShards} partition${d.personWeekShards > 1 ? 's' : ''})`] =
    (((batches * 100) / m.streamRecordsPerMinorEnd) * 2) / d.personWeekShards;
  const steadyBeats = minors / op.heartbeat.minorIntervalSeconds + adults / op.heartbeat.adultIntervalSeconds;
  const steady: Moment = {
    name: 'steady play (20:10–20:40)',
    rps: steadyBeats,
    lambdaConcurrent: steadyBeats * ms(op.heartbeat.lambdaMs),
    tableWriteUnits: steadyBeats * (op.heartbeat.tableWriteUnits + (d.sweepProjection === 'ALL' ? 1.5 : 1)),
    tableReadUnits: 0,
    partitions: { 'gsi1 LIVE#<shard> (sweep index)': (steadyBeats * (d.sweepProjection === 'ALL' ? 1.5 : 1)) / d.liveShards },
  };
  if (d.sweepGrid === 'per-session') return [burst, mark('20:45, 20:50 and 20:55 warnings', false), end, steady];
  return [burst, mark('20:45 and 20:55 warnings', false), mark('20:50 warning (every entry crosses the 10-minute line)', true), end, steady];
}

/** Aggregator batches a second for `records` stream records a second: batches of 100, each invocation about half a second (a read and a transaction). */
function aggregatorBatches(records: number, d: Design, streamShards: number): number {
  const concurrent = d.aggregatorConcurrency > 0 ? d.aggregatorConcurrency : streamShards;
  return Math.min(records / 100, concurrent * 2);
}

/**
 * The national system's ceiling: each game's events drain at 1,280 a second at most, and at the
 * reporter's duty of that. Second by second, how long the last event of the 20:00 logins (and of
 * the 21:00 logouts) waits before it is sent; the reporter's next run may be up to a minute away.
 */
function nppaDrain(players: number, w: Workload, d: Design): CapacityResult['nppa'] {
  const rate = LIMITS.nppaEventsPerSecondPerGame * d.reporterDuty;
  const minors = players * w.minorShare;
  const adults = players - minors;
  return w.gameShares.map((share, game) => {
    // Arrivals a second from 19:58: adults' burst over its window, minors' over the minute from 20:00.
    let backlog = 0;
    let worst = 0;
    let total = 0;
    const start = 120 - w.adultBurstWindowSeconds / 2;
    for (let t = 0; t < 4 * 3600 && (t < 600 || backlog > 0); t += 1) {
      const adultsNow = t >= start && t < start + w.adultBurstWindowSeconds ? (adults * w.adultBurstShare * share) / w.adultBurstWindowSeconds : 0;
      const minorsNow = t >= 120 && t < 120 + w.minorLoginWindowSeconds ? (minors * share) / w.minorLoginWindowSeconds : 0;
      backlog += adultsNow + minorsNow;
      total += adultsNow + minorsNow;
      worst = Math.max(worst, backlog / rate);
      backlog = Math.max(0, backlog - rate);
    }
    const endEvents = minors * share;
    return {
      game,
      loginEvents: Math.round(total),
      drainSeconds: Math.round(total / rate),
      worstDelaySeconds: Math.round(worst + 60 * (1 - Math.min(1, d.reporterDuty))) + 60,
      endEvents: Math.round(endEvents),
      endDrainSeconds: Math.round(endEvents / rate),
    };
  });
}

export function capacity(players: number, design: Design, options: { workload?: Workload; measured?: Measured; prices?: Prices } = {}): CapacityResult {
  const w = options.workload ?? FRIDAY;
  const m = options.measured ?? MEASURED;
  const at = (p: number) => moments(p, w, design, m);
  const now = at(players);
  const checks: Check[] = [];
  /** The fewest players at which `exceeds(p)` holds (most figures grow linearly; the aggregator's saturates), by bisection. */
  const firstBreaking = (exceeds: (p: number) => boolean): number => {
    if (!exceeds(100_000_000)) return Infinity;
    let lo = 0;
    let hi = 100_000_000;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (exceeds(mid)) hi = mid;
      else lo = mid;
    }
    return lo;
  };
  const add = (what: string, pick: (x: Moment) => number, limit: number, fix: string) => {
    let worst = { value: 0, moment: '' };
    for (const x of now) if (pick(x) >= worst.value) worst = { value: pick(x), moment: x.name };
    checks.push({ what, value: worst.value, limit, breaksAt: firstBreaking((p) => at(p).some((x) => pick(x) > limit)), moment: worst.moment, fix });
  };
  add(
    'API Gateway stage throttle (requests a second)',
    (x) => x.rps,
    design.stageRps,
    'raise playguard:throttleRatePerSecond and playguard:throttleBurst to the peak (npm run capacity prints it)',
  );
  add(
    'API Gateway account quota (requests a second, per region)',
    (x) => x.rps,
    LIMITS.apiAccountRps,
    'ask AWS (Service Quotas L-8A5B8E43) for the peak, before the launch',
  );
  add(
    'Lambda concurrent executions (account, per region)',
    (x) => x.lambdaConcurrent,
    LIMITS.lambdaConcurrency,
    'ask AWS for concurrency above the peak (Service Quotas, Lambda "Concurrent executions")',
  );
  add(
    'DynamoDB table writes, a new on-demand table (units a second)',
    (x) => x.tableWriteUnits,
    LIMITS.newTableWriteUnits,
    'pre-warm the table (warm throughput) to the peak at least a day before; later peaks up to twice the previous one are absorbed',
  );
  add(
    'DynamoDB table write quota (units a second)',
    (x) => x.tableWriteUnits,
    LIMITS.tableWriteUnitsQuota,
    'ask AWS for a table-level throughput quota above the peak (Service Quotas, DynamoDB)',
  );
  const kinds = [...new Set(now.flatMap((x) => Object.keys(x.partitions)))];
  for (const kind of kinds)
    add(
      `DynamoDB partition ${kind} (write units a second)`,
      (x) => x.partitions[kind] ?? 0,
      LIMITS.partitionWriteUnits,
      'spread the key over more shards (infra/capacity/measured.ts AS_BUILT names the design)',
    );
  const nppa = nppaDrain(players, w, design);
  const worstDelay = Math.max(...nppa.map((g) => g.worstDelaySeconds));
  const nppaBreaks = firstBreaking((p) => Math.max(...nppaDrain(p, w, design).map((g) => g.worstDelaySeconds)) > LIMITS.nppaDeadlineSeconds);
  checks.push({
    what: 'NPPA: oldest 20:00 login sent within 180 s (per game: 10 calls × 128 events a second)',
    value: worstDelay,
    limit: LIMITS.nppaDeadlineSeconds,
    breaksAt: nppaBreaks,
    moment: '20:00 logins',
    fix: "the national system's ceiling: later events are sent with their times shifted (the FAQ's workaround, logged); more games spread it",
  });
  checks.sort((a, b) => a.breaksAt - b.breaksAt);
  return { players, moments: now, nppa, checks, cost: cost(players, design, m, options.prices ?? US_EAST_1) };
}

export interface CostLine {
  item: string;
  quantity: number;
  unit: string;
  price: number;
  cost: number;
}

export interface CostResult {
  currency: string;
  /** Per player-hour: what each billed item is used for one player-hour. */
  perPlayerHour: CostLine[];
  /** Per hour whatever the players: the scheduled jobs, alarms, the dashboard, metrics, the key, the secret. */
  fixedPerHour: CostLine[];
  perMillionPlayerHours: number;
  perHour: number;
}

const HOURS_A_MONTH = 730;

export function cost(players: number, design: Design, m: Measured = MEASURED, p: Prices = US_EAST_1): CostResult {
  const h = m.perPlayerHour;
  const line = (item: string, quantity: number, unit: string, price: number): CostLine => ({ item, quantity, unit, price, cost: quantity * price });
  const invocations = h.apiRequests + h.streamRecords / 100;
  const logBytes = h.logBytes + h.apiRequests * (m.lambdaPlatformLogBytes + m.apiAccessLogBytes) + (h.streamRecords / 100) * m.lambdaPlatformLogBytes;
  const gbSeconds =
    (h.apiRequests * m.lambdaMsPerRequest * m.lambdaMemoryMb) / 1000 / 1024 + ((h.streamRecords / 100) * m.aggregatorMsPerBatch * 512) / 1000 / 1024;
  // A keys-only sweep index would spare the in-place index write of a minor's heartbeat (half of
  // them on the per-session grid; adults' always move) and read each sweep candidate back instead.
  const keysOnly = design.sweepProjection === 'KEYS_ONLY';
  const spared = keysOnly ? h.minorHeartbeats * (design.sweepGrid === 'per-session' ? 0.5 : 0.5) : 0;
  const perPlayerHour = [
    line('API Gateway HTTP API requests', h.apiRequests, 'requests', p.httpApiRequest),
    line('Lambda requests (API functions, stats aggregator)', invocations, 'invocations', p.lambdaRequest),
    line('Lambda compute', gbSeconds, 'GB-s', p.lambdaGbSecond),
    line("DynamoDB writes: players' requests", h.writeUnits - spared, 'write units', p.dynamoWriteUnit),
    line('DynamoDB writes: reporter and sweepers', h.jobsWriteUnits, 'write units', p.dynamoWriteUnit),
    line('DynamoDB writes: stats aggregator', h.aggregatorWriteUnits, 'write units', p.dynamoWriteUnit),
    line('DynamoDB reads (players and jobs)', h.readUnits + h.jobsReadUnits, 'read units', p.dynamoReadUnit),
    line('DynamoDB Streams reads by the aggregator (Lambda triggers: free)', h.streamRecords, 'records', 0),
    line('DynamoDB storage (sessions 7 days, events 30 days)', m.storedByteHoursPerPlayerHour / 1e9 / HOURS_A_MONTH, 'GB-months', p.dynamoGbMonth),
    line('DynamoDB point-in-time recovery', m.storedByteHoursPerPlayerHour / 1e9 / HOURS_A_MONTH, 'GB-months', p.dynamoPitrGbMonth),
    line('CloudWatch Logs ingestion (our lines, Lambda platform lines, API access log)', logBytes / 1e9, 'GB', p.logsIngestedGb),
    line('CloudWatch Logs storage (kept 6 months, compressed ~5×)', ((logBytes / 5) * 6) / 1e9, 'GB-months', p.logsStoredGbMonth),
    line('X-Ray traces (default sampling: ~5 % of requests)', h.apiRequests * m.xraySampledShare, 'traces', p.xrayTrace),
    line('Data transfer out (answers and TLS)', (h.apiRequests * m.bytesOutPerRequest) / 1e9, 'GB', p.transferOutGb),
  ];
  // Scheduled jobs: six functions every minute; the reporter sends while there is backlog (events per hour over its rate).
  // Events an hour, the largest game's share sent at up to 1,280 a second: that long the reporter works (at least a second a run).
  const reporterSeconds = Math.min(3600 * design.reporterDuty, Math.max(60, (players * h.nppaEvents * 0.6) / LIMITS.nppaEventsPerSecondPerGame));
  const jobs = m.scheduledJobs;
  const fixedPerHour = [
    line('Lambda requests (scheduled jobs: 6 × 60 an hour)', jobs * 60, 'invocations', p.lambdaRequest),
    line(
      'Lambda compute (scheduled jobs; the reporter while it sends)',
      ((jobs - 1) * 60 * m.idleJobSeconds * 512) / 1024 + (reporterSeconds * 1024) / 1024,
      'GB-s',
      p.lambdaGbSecond,
    ),
    line('EventBridge scheduled events', jobs * 60, 'events', p.eventBridgeEvent),
    line('CloudWatch custom metrics (EMF series)', m.metricSeries / HOURS_A_MONTH, 'metric-months', p.metricMonth),
    line('CloudWatch alarms', m.alarms / HOURS_A_MONTH, 'alarm-months', p.alarmMonth),
    line('CloudWatch dashboard', 1 / HOURS_A_MONTH, 'dashboard-months', p.dashboardMonth),
    line('KMS key (table, secret, logs, queues, topic)', 1 / HOURS_A_MONTH, 'key-months', p.kmsKeyMonth),
    line('KMS requests (DynamoDB table key per caller every 5 min, secret reads, log groups)', m.kmsRequestsPerHour, 'requests', p.kmsRequest),
    line('Secrets Manager secret', 1 / HOURS_A_MONTH, 'secret-months', p.secretMonth),
    line('Secrets Manager reads (each warm container every 5 minutes)', Math.max(6, players / 5000) * 12, 'calls', p.secretCall),
    line(
      `DynamoDB reads: the sweeper's candidates (a page of up to 25 a shard a minute${keysOnly ? ', each read back from a keys-only index' : ''})`,
      60 * Math.min(players, design.liveShards * 25) * (keysOnly ? 1 + 900 / 8192 : 900 / 8192),
      'read units',
      p.dynamoReadUnit,
    ),
  ];
  const perPlayer = sum(perPlayerHour.map((l) => l.cost));
  return {
    currency: p.currency,
    perPlayerHour,
    fixedPerHour,
    perMillionPlayerHours: perPlayer * 1e6,
    perHour: perPlayer * players + sum(fixedPerHour.map((l) => l.cost)),
  };
}
