/**
 * Plays a Friday evening (test/load/scenario.ts) against a local gateway over real HTTP, on the
 * gateway's virtual clock held at each step (`PUT /__dev/clock` with `hold`): every request due in
 * one virtual second goes at once (bounded concurrency), then the clock moves to the next second
 * that has work; at every virtual minute the scheduled jobs run (`POST /__dev/tick`: the sweepers,
 * the poller, the NPPA reporter against the embedded simulator, then the stats aggregator over the
 * change stream). So a real second may hold a virtual minute's burst, and the 21:00 heartbeats all
 * arrive at 21:00:00 exactly, however slow this machine is.
 *
 * What it records as it goes: each request's route, status and real latency; every DynamoDB request
 * and what each write is billed (test/support/ddbCounter.ts), by phase (the players' requests, the
 * scheduled jobs) and by virtual second and key (the hottest partitions, table and indexes); every
 * log line's bytes; the reporter's backlog per game after each minute; when each NPPA event was
 * queued and when the simulator received it. The invariants are checked afterwards
 * (test/load/invariants.ts).
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { clock } from '#shared/clock';
import { tapLog, useLogSink } from '#shared/log';
import { OUTBOX_SHARDS, outboxQueuePrefix } from '#shared/storage/keys';
import { startLocalGateway, type LocalGateway } from '#infra/local/gateway';
import { ddbCallCounter } from '#test/support/ddbCounter';
import { unitsOf, type ItemWrite } from '#test/support/capacity';
import { idNumberFor } from '#test/support/people';
import { END, GAMES, SETTLE, START, plan, type Evening, type Player } from '#test/load/scenario';

export type Phase = 'setup' | 'requests' | 'jobs';

export interface LoadOptions {
  players: number;
  seed?: number;
  /** Requests in flight at once within a step. */
  concurrency?: number;
  /** An already running DynamoDB Local (the test suite's); otherwise one is started. */
  dynamoEndpoint?: string;
  /** A request's time limit (default: its function's timeout, as deployed; the test suite's run gives a hang bound). */
  requestTimeoutMs?: number;
  progress?: (line: string) => void;
}

export interface Answer {
  status: number;
  body: Record<string, any>;
}

interface Client {
  player: Player;
  device: string;
  sessionId?: string;
  seq: number;
  /** The client believes its session is live (it was not told otherwise and did not stop). */
  live: boolean;
  endedBy?: string;
}

export interface Recorded {
  options: Required<Omit<LoadOptions, 'dynamoEndpoint' | 'progress' | 'requestTimeoutMs'>>;
  evening: Evening;
  gateway: LocalGateway;
  db: DynamoDBDocumentClient;
  realMs: { total: number; requests: number; jobs: number; setup: number };
  /** Per route: latencies (ms) and statuses. */
  routes: Map<string, { ms: number[]; statuses: Map<number, number> }>;
  /** Server errors (5xx) with what was asked. */
  serverErrors: Array<{ route: string; status: number; body: unknown }>;
  /** DynamoDB requests, write and read units per phase. */
  dynamo: Record<Phase, { calls: number; writeUnits: number; readUnits: number; itemChanges: number }>;
  /** Bytes our code logged per phase (each line and its newline). */
  logBytes: Record<Phase, number>;
  logLines: Record<Phase, number>;
  /** Players' requests, per virtual second: units written per table partition and per index partition. */
  perSecond: { table: Map<string, number>; index: Map<string, number> };
  /** The scheduled jobs (the aggregator included), per virtual minute: units per partition of the table or an index. */
  perMinuteOfJobs: Map<string, number>;
  /** Units written by the stats aggregator (its keys: STATS*). */
  aggregatorUnits: number;
  /** When each NPPA event was queued (virtual ms), by `si#bt`. */
  queuedAt: Map<string, number>;
  /** When the simulator received each event (virtual ms: the tick that sent it), by `si#bt#bizId`, and how often. */
  received: Map<string, { at: number; times: number }>;
  backlog: Array<{ at: string; queued: Record<string, number>; oldestSeconds: Record<string, number | null> }>;
  /** Sessions the clients started (201), and how each client saw its end. */
  sessions: Map<string, { accountId: string; gameId: string; minor: boolean; endedBy?: string }>;
  /** Logins refused, by code. */
  refusedLogins: Map<string, number>;
  payments: { reserved: number; refused: number; committed: number; raced: number };
  contention: number;
  ticks: number;
  loginoutCalls: number;
  /** Distinct CloudWatch metric series the gateway emitted (name and dimension values). */
  metricSeries: Set<string>;
}

/** A min-heap of events by virtual time. */
class Agenda {
  private readonly heap: Array<{ at: number; n: number; run: (step: number) => Promise<void> }> = [];
  private n = 0;
  get size(): number {
    return this.heap.length;
  }
  peek(): number | undefined {
    return this.heap[0]?.at;
  }
  push(at: number, run: (step: number) => Promise<void>): void {
    const h = this.heap;
    h.push({ at, n: this.n++, run });
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (this.less(h[i]!, h[p]!)) [h[i], h[p]] = [h[p]!, h[i]!];
      else break;
      i = p;
    }
  }
  pop(): { at: number; run: (step: number) => Promise<void> } {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
  private less(a: { at: number; n: number }, b: { at: number; n: number }): boolean {
    return a.at < b.at || (a.at === b.at && a.n < b.n);
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
const hhmm = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(11, 16);

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

export async function drive(options: LoadOptions): Promise<Recorded> {
  const opts = { players: options.players, seed: options.seed ?? 20261127, concurrency: options.concurrency ?? 64 };
  const progress = options.progress ?? (() => {});
  const evening = plan(opts.players, opts.seed);
  // Two games, each reported under its own bizId (the embedded simulator knows both).
  process.env.GAMES = JSON.stringify(GAMES);
  useLogSink(() => {});
  let phase: Phase = 'setup';
  const logBytes: Recorded['logBytes'] = { setup: 0, requests: 0, jobs: 0 };
  const logLines: Recorded['logLines'] = { setup: 0, requests: 0, jobs: 0 };
  // CloudWatch metric series (embedded metric format lines): name and dimension values, each one billed a month.
  const metricSeries = new Set<string>();
  const untap = tapLog((line) => {
    logBytes[phase] += Buffer.byteLength(line) + 1;
    logLines[phase] += 1;
    if (line.startsWith('{"_aws"')) {
      const emf = JSON.parse(line) as { _aws: { CloudWatchMetrics: Array<{ Dimensions: string[][]; Metrics: Array<{ Name: string }> }> } } & Record<
        string,
        unknown
      >;
      for (const m of emf._aws.CloudWatchMetrics)
        for (const dims of m.Dimensions)
          for (const metric of m.Metrics) metricSeries.add(`${metric.Name}|${dims.map((d) => `${d}=${String(emf[d])}`).join(',')}`);
    }
  });
  const gateway = await startLocalGateway({
    ...(options.dynamoEndpoint ? { dynamoEndpoint: options.dynamoEndpoint } : {}),
    ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    tableName: `load-${opts.seed}-${randomUUID().slice(0, 8)}`,
  });
  // The harness's own reads (the backlog, the invariants) are not the gateway's: a client of its own, not counted.
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: gateway.dynamoEndpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  );

  const recorded: Recorded = {
    options: opts,
    evening,
    gateway,
    db,
    realMs: { total: 0, requests: 0, jobs: 0, setup: 0 },
    routes: new Map(),
    serverErrors: [],
    dynamo: {
      setup: { calls: 0, writeUnits: 0, readUnits: 0, itemChanges: 0 },
      requests: { calls: 0, writeUnits: 0, readUnits: 0, itemChanges: 0 },
      jobs: { calls: 0, writeUnits: 0, readUnits: 0, itemChanges: 0 },
    },
    logBytes,
    logLines,
    perSecond: { table: new Map(), index: new Map() },
    perMinuteOfJobs: new Map(),
    aggregatorUnits: 0,
    queuedAt: new Map(),
    received: new Map(),
    backlog: [],
    sessions: new Map(),
    refusedLogins: new Map(),
    payments: { reserved: 0, refused: 0, committed: 0, raced: 0 },
    contention: 0,
    ticks: 0,
    loginoutCalls: 0,
    metricSeries,
  };

  // Every write the gateway makes, billed and placed in its virtual second.
  ddbCallCounter.measureCapacity = true;
  ddbCallCounter.onWrite = (w: ItemWrite) => {
    const second = Math.floor(clock.now() / 1000);
    const add = (map: Map<string, number>, key: string, units: number) => map.set(`${second}|${key}`, (map.get(`${second}|${key}`) ?? 0) + units);
    // Players' requests by their virtual second. The jobs run at one held instant a minute (a minute's
    // work at once), so theirs are counted by the minute. The setup is not the evening's.
    if (phase === 'requests') {
      add(recorded.perSecond.table, w.pk, w.tableUnits);
      for (const i of w.indexes) add(recorded.perSecond.index, `${i.index}:${i.pk}`, i.units);
    } else if (phase === 'jobs') {
      const minute = Math.floor(second / 60);
      recorded.perMinuteOfJobs.set(`${minute}|${w.pk}`, (recorded.perMinuteOfJobs.get(`${minute}|${w.pk}`) ?? 0) + w.tableUnits);
      for (const i of w.indexes)
        recorded.perMinuteOfJobs.set(`${minute}|${i.index}:${i.pk}`, (recorded.perMinuteOfJobs.get(`${minute}|${i.index}:${i.pk}`) ?? 0) + i.units);
    }
    if (w.kind !== 'check') recorded.dynamo[phase].itemChanges += 1;
    if (w.pk.startsWith('STATS')) recorded.aggregatorUnits += unitsOf(w);
    if (w.pk.startsWith('OUTBOX#') && w.kind === 'put' && !recorded.queuedAt.has(`${w.pk.slice(7)}#${w.sk === 'LOGIN' ? 1 : 0}`))
      recorded.queuedAt.set(`${w.pk.slice(7)}#${w.sk === 'LOGIN' ? 1 : 0}`, clock.now());
  };
  const snapshot = () => ({ calls: ddbCallCounter.calls, writeUnits: ddbCallCounter.writeUnits, readUnits: ddbCallCounter.readUnits });
  let mark = snapshot();
  let markReal = performance.now();
  const enter = (next: Phase) => {
    const now = snapshot();
    const d = recorded.dynamo[phase];
    d.calls += now.calls - mark.calls;
    d.writeUnits += now.writeUnits - mark.writeUnits;
    d.readUnits += now.readUnits - mark.readUnits;
    const real = performance.now();
    recorded.realMs[phase] += real - markReal;
    mark = now;
    markReal = real;
    phase = next;
  };

  const base = gateway.url;
  const http = async (route: string, method: string, path: string, token?: string, body?: unknown): Promise<Answer> => {
    const started = performance.now();
    const res = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    let parsed: Record<string, any> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, any>) : {};
    } catch {
      parsed = { text };
    }
    if (!route.startsWith('__')) {
      const r = recorded.routes.get(route) ?? recorded.routes.set(route, { ms: [], statuses: new Map() }).get(route)!;
      r.ms.push(ms);
      r.statuses.set(res.status, (r.statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) recorded.serverErrors.push({ route, status: res.status, body: parsed });
    }
    return { status: res.status, body: parsed };
  };
  /** A request that met another of the same person's (429 write_contention) goes again, as a client would. */
  const call = async (route: string, method: string, path: string, token?: string, body?: unknown): Promise<Answer> => {
    for (let attempt = 0; ; attempt += 1) {
      const r = await http(route, method, path, token, body);
      if (r.status !== 429 || r.body.code !== 'write_contention' || attempt >= 3) return r;
      recorded.contention += 1;
    }
  };
  const setClock = (ms: number) => http('__clock', 'PUT', '/__dev/clock', undefined, { now: iso(ms), hold: true });

  try {
    const startedReal = performance.now();
    // Setup, before the evening: a token and a verified identity for every account (paced under
    // the national system's 100 checks a second, which the gateway's own pace respects anyway).
    await setClock(START - 3_600_000);
    const tokens = new Map<string, string>();
    const accounts = evening.players.flatMap((p) => [{ id: p.id, p }, ...(p.sibling ? [{ id: p.sibling, p }] : [])]);
    progress(`setup: ${accounts.length} accounts (${evening.players.length} players), tokens and identities`);
    await pool(accounts, 32, async ({ id, p }) => {
      tokens.set(id, (await http('__token', 'POST', '/__dev/tokens', undefined, { sub: id, game: p.gameId, ttlSeconds: 86_400 })).body.token as string);
    });
    for (let i = 0; i < accounts.length; i += 80) {
      const second = performance.now();
      await Promise.all(
        accounts.slice(i, i + 80).map(async ({ id, p }) => {
          const r = await call('identity', 'POST', '/v1/identity', tokens.get(id), {
            name: '张三',
            idNumber: idNumberFor(p.birthDate, (p.personIndex % 999) + 1, String(110101 + Math.floor(p.personIndex / 999))),
          });
          if (r.status !== 200) throw new Error(`identity of ${id}: ${r.status} ${JSON.stringify(r.body)}`);
        }),
      );
      const spent = performance.now() - second;
      if (spent < 1000) await new Promise((r) => setTimeout(r, 1000 - spent));
    }
    // Checks that went pending (the national system's pace) are finished by the poller.
    await setClock(START - 60_000);
    await gateway.tick();
    enter('requests');

    const agenda = new Agenda();
    const clients = new Map<string, Client[]>();
    const active = (p: Player): Client | undefined => clients.get(p.id)?.at(-1);
    const silent = (p: Player, at: number) => p.silentAt !== undefined && at >= p.silentAt;

    const beat = (c: Client, at: number) =>
      agenda.push(at, async (step) => {
        if (!c.live || !c.sessionId || silent(c.player, step)) return;
        c.seq += 1;
        const r = await call('heartbeat', 'POST', `/v1/sessions/${c.sessionId}/heartbeat`, tokens.get(c.player.id), { seq: c.seq });
        if (r.status !== 200) {
          c.live = false;
          c.endedBy = `heartbeat ${r.status} ${r.body.code}`;
          recorded.sessions.get(c.sessionId)!.endedBy = c.endedBy;
          return;
        }
        if (r.body.action === 'terminate') {
          c.live = false;
          c.endedBy = r.body.reason;
          recorded.sessions.get(c.sessionId)!.endedBy = r.body.reason;
          // The player client asks when it may play again after a clock-based end (packages/client/src/session.ts).
          if (r.body.reason === 'outside_allowed_hours' || r.body.reason === 'play_time_exhausted')
            await call('limits', 'GET', '/v1/limits', tokens.get(c.player.id));
          return;
        }
        beat(c, step + Number(r.body.nextHeartbeatSeconds) * 1000);
      });

    const logIn = async (p: Player, step: number, takeover: boolean) => {
      const c: Client = { player: p, device: `${p.id}-${takeover ? 'tablet' : 'phone'}`, seq: 0, live: false };
      const r = await call('login', 'POST', '/v1/sessions', tokens.get(p.id), { deviceId: c.device, ...(takeover ? { takeover: true } : {}) });
      if (r.status !== 201) {
        recorded.refusedLogins.set(String(r.body.code ?? r.status), (recorded.refusedLogins.get(String(r.body.code ?? r.status)) ?? 0) + 1);
        // A minor too early tries again in the 20:00 burst.
        if (r.body.code === 'play_time_restricted' && step < Date.parse('2026-11-27T20:00:00+08:00'))
          agenda.push(Date.parse('2026-11-27T20:00:00+08:00') + Math.floor((p.personIndex * 7919) % 60_000), (s) => logIn(p, s, false));
        return;
      }
      c.sessionId = r.body.sessionId as string;
      c.live = true;
      recorded.sessions.set(c.sessionId, { accountId: p.id, gameId: p.gameId, minor: r.body.minor === true });
      clients.set(p.id, [...(clients.get(p.id) ?? []), c]);
      beat(c, step + Number(r.body.heartbeatIntervalSeconds) * 1000);
    };

    const logOut = async (p: Player, step: number) => {
      const c = active(p);
      if (!c?.live || !c.sessionId || silent(p, step)) return;
      c.live = false;
      c.endedBy = 'logout';
      recorded.sessions.get(c.sessionId)!.endedBy = 'logout';
      const r = await call('logout', 'DELETE', `/v1/sessions/${c.sessionId}`, tokens.get(p.id));
      if (r.status !== 204) throw new Error(`logout ${r.status} ${JSON.stringify(r.body)}`);
    };

    const pay = async (account: string, amount: number) => {
      const orderId = `load-${randomUUID()}`;
      const r = await call('reserve', 'POST', '/v1/payments', tokens.get(account), { orderId, amount });
      if (r.status === 201) {
        recorded.payments.reserved += 1;
        const c = await call('commit', 'POST', `/v1/payments/${orderId}/commit`, tokens.get(account));
        if (c.status === 200) recorded.payments.committed += 1;
      } else recorded.payments.refused += 1;
    };

    for (const p of evening.players) {
      agenda.push(p.loginAt, (s) => logIn(p, s, false));
      if (p.takeoverAt) agenda.push(p.takeoverAt, async (s) => (active(p)?.live && !silent(p, s) ? logIn(p, s, true) : undefined));
      if (p.logoutAt) agenda.push(p.logoutAt, (s) => logOut(p, s));
      agenda.push(END, (s) => logOut(p, s));
      for (const payment of p.payments) agenda.push(payment.at, () => pay(p.id, payment.amount));
    }
    for (const race of evening.races) {
      agenda.push(race.at, async () => {
        recorded.payments.raced += race.accounts.length * race.each;
        await Promise.all(race.accounts.flatMap((account) => Array.from({ length: race.each }, () => pay(account, race.amount))));
      });
    }

    // The jobs of each virtual minute, and the backlog they leave.
    const queued = async (): Promise<{ queued: Record<string, number>; oldestSeconds: Record<string, number | null> }> => {
      const out = { queued: {} as Record<string, number>, oldestSeconds: {} as Record<string, number | null> };
      for (const g of GAMES) {
        let count = 0;
        let oldest: number | null = null;
        for (let shard = 0; shard < OUTBOX_SHARDS; shard += 1) {
          const r = await db.send(
            new QueryCommand({
              TableName: gateway.tableName,
              IndexName: 'gsi1',
              KeyConditionExpression: 'gsi1pk = :p',
              ExpressionAttributeValues: { ':p': `${outboxQueuePrefix(g.gameId)}${shard}` },
            }),
          );
          count += r.Items?.length ?? 0;
          for (const i of r.Items ?? []) oldest = oldest === null ? Number(i.atMs) : Math.min(oldest, Number(i.atMs));
        }
        out.queued[g.gameId] = count;
        out.oldestSeconds[g.gameId] = oldest === null ? null : Math.round((clock.now() - oldest) / 1000);
      }
      return out;
    };
    const sim = gateway.simulator!;
    let seen = 0;
    const tick = async (minute: number) => {
      enter('jobs');
      await setClock(minute);
      const before = sim.calls.loginout;
      await gateway.tick();
      recorded.ticks += 1;
      recorded.loginoutCalls += sim.calls.loginout - before;
      for (; seen < sim.receivedLoginouts.length; seen += 1) {
        const e = sim.receivedLoginouts[seen]!;
        const key = `${e.si}#${e.bt}#${e.bizId}`;
        const had = recorded.received.get(key);
        recorded.received.set(key, { at: minute, times: (had?.times ?? 0) + 1 });
      }
      const b = await queued();
      recorded.backlog.push({ at: hhmm(minute), ...b });
      enter('requests');
    };

    progress(`evening: ${hhmm(START)}–${hhmm(END)} Beijing time, ${evening.players.length} players, ${evening.races.length} payment races`);
    let nextMinute = START;
    let requestsSoFar = 0;
    const countRequests = () => [...recorded.routes.values()].reduce((s, r) => s + r.ms.length, 0);
    while (agenda.size) {
      const due = agenda.peek()!;
      const step = Math.floor(due / 1000) * 1000;
      while (nextMinute <= step) {
        await tick(nextMinute);
        const total = countRequests();
        if (Math.floor(nextMinute / 60_000) % 5 === 0) {
          const live = [...clients.values()].filter((cs) => cs.some((c) => c.live)).length;
          progress(
            `${hhmm(nextMinute)}  requests ${total} (+${total - requestsSoFar})  live ${live}  backlog ` +
              `${JSON.stringify(recorded.backlog.at(-1)!.queued)}  ` +
              `${Math.round((performance.now() - startedReal) / 1000)} s`,
          );
          requestsSoFar = total;
        }
        nextMinute += 60_000;
      }
      await setClock(step);
      const batch: Array<(step: number) => Promise<void>> = [];
      while (agenda.size && agenda.peek()! < step + 1000) batch.push(agenda.pop().run);
      await pool(batch, opts.concurrency, (run) => run(step));
    }
    // The clock runs on, minute by minute, until silent sessions are swept and everything is reported.
    for (; nextMinute <= SETTLE; nextMinute += 60_000) await tick(nextMinute);
    for (let extra = 0; extra < 10 && Object.values(recorded.backlog.at(-1)!.queued).some((n) => n > 0); extra += 1, nextMinute += 60_000)
      await tick(nextMinute);
    progress(`settled at ${hhmm(nextMinute - 60_000)}: backlog ${JSON.stringify(recorded.backlog.at(-1)!.queued)}`);
    enter('jobs');
    recorded.realMs.total = performance.now() - startedReal;
  } finally {
    ddbCallCounter.measureCapacity = false;
    ddbCallCounter.onWrite = undefined;
    untap();
  }
  return recorded;
}
