/**
 * `npm run bench [-- --json out.json]`: the gateway's speed and cost figures on this machine
 *. Starts DynamoDB Local, the NPPA simulator and the local gateway itself, then measures:
 * the raw UpdateItem baseline; identity submit, login, heartbeat and payment reserve over HTTP with
 * 50 concurrent clients (p50, p99, rps, DynamoDB requests per operation, ratio to the baseline); each
 * function's production bundle and its cold initialisation, beside the floor (a bundle that only sends one
 * UpdateItem through a DynamoDBClient) and a hello-world; whole fresh-process cold starts; the NPPA
 * reporter's throughput; the cost per million player-hours (test/bench/cost.ts, the model of docs/capacity.md).
 * Not part of `npm test`: speed targets live here, not in timed unit tests.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { jobList } from '#shared/api/functions';
import { routeList } from '#shared/api/routes';
import { useLogSink } from '#shared/log';
import { identityKey } from '#shared/storage/keys';
import { NppaClient } from '#shared/nppa/client';
import { NppaSimulator } from '#infra/local/nppaSimulator';
import { piPrefixForBirthDate } from '#infra/local/nppaPi';
import { AccountRepository } from '#shared/accounts/repository';
import { IdentityRepository } from '#shared/identity/repository';
import { OutboxRepository } from '#shared/reporting/outbox';
import { RateGate } from '#shared/reporting/rateGate';
import { drainOutbox } from '#shared/reporting/reporter';
import { createDocumentClient } from '#shared/storage/dynamo';
import { ddbCallCounter } from '#test/support/ddbCounter';
import { startDynamoLocal, ensureTable } from '#infra/local/dynamoLocal';
import { startLocalGateway } from '#infra/local/gateway';
import { LAMBDA_ESBUILD } from '#infra/gatewayFunction';
import { idNumberFor } from '#test/support/people';
import { clientBundleSizes } from '#test/support/clientBundle';
import { hourCost, perMillionHours } from '#test/bench/cost';
import { client as gatewayClient } from '#test/support/gateway';
import { playOneHour } from '#test/support/playerHour';

const { values } = parseArgs({ options: { json: { type: 'string' }, requests: { type: 'string' } } });
const CONCURRENCY = 50;
const N = Number(values.requests ?? 1500);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

interface Load {
  p50Ms: number;
  p99Ms: number;
  rps: number;
  ddbCalls: number;
  overRaw?: number;
  errors: number;
}

/** Runs `op(i)` for i in 0..n-1 with `concurrency` workers; each op's latency is measured. */
async function load(n: number, concurrency: number, op: (i: number) => Promise<boolean>): Promise<Omit<Load, 'ddbCalls'> & { calls: number }> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const before = ddbCallCounter.calls;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) {
        const t = performance.now();
        if (!(await op(i))) errors += 1;
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    rps: round(n / elapsed, 0),
    errors,
    calls: ddbCallCounter.calls - before,
  };
}

/** Progress on stderr: a long run says where it is. */
const phase = (name: string) => process.stderr.write(`bench: ${name}\n`);

async function main(): Promise<void> {
  useLogSink(() => {});
  const started = Date.now();
  const dynamo = await startDynamoLocal();
  const gateway = await startLocalGateway({ dynamoEndpoint: dynamo.endpoint, tableName: 'bench', figures: false });
  const base = gateway.url;
  const results: Record<string, unknown> = {};
  try {
    // 1. Raw UpdateItem baseline, same client stack as the functions.
    phase('1. Raw UpdateItem baseline, same client stack as the functions.');
    const db = createDocumentClient({ endpoint: dynamo.endpoint, region: 'local' });
    const raw = await load(N, CONCURRENCY, async (i) => {
      await db.send(
        new UpdateCommand({
          TableName: 'bench',
          Key: { pk: `RAW#${i % 100}`, sk: 'RAW' },
          UpdateExpression: 'ADD n :one',
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
      return true;
    });
    results.rawUpdateItem = { p50Ms: raw.p50Ms, p99Ms: raw.p99Ms };
    const withRatio = (r: Awaited<ReturnType<typeof load>>, ops: number): Load => ({
      p50Ms: r.p50Ms,
      p99Ms: r.p99Ms,
      rps: r.rps,
      ddbCalls: round(r.calls / ops),
      overRaw: round(r.p50Ms / raw.p50Ms),
      errors: r.errors,
    });

    const http = async (method: string, path: string, token: string | undefined, body?: unknown) => {
      const res = await fetch(base + path, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined };
    };
    // Adults (no play window) on a Wednesday, so every login and heartbeat goes the common path.
    await http('PUT', '/__dev/clock', undefined, { now: '2026-11-25T10:00:00+08:00' });
    const accounts = Array.from({ length: N }, (_, i) => `bench-${i}-${randomBytes(3).toString('hex')}`);
    const tokens = await Promise.all(
      accounts.map(async (sub) => (await http('POST', '/__dev/tokens', undefined, { sub, ttlSeconds: 86_400 })).body!.token as string),
    );

    // 2. Identity submit (one NPPA check each; the simulator enforces the real 100 QPS limit).
    phase('2. Identity submit (one NPPA check each; the simulator enforces');
    const nppaBefore = gateway.simulator!.calls.check;
    const identity = await load(
      N,
      CONCURRENCY,
      async (i) =>
        (
          await http('POST', '/v1/identity', tokens[i], {
            name: '张三',
            idNumber: idNumberFor('1990-01-01', (i % 999) + 1, String(110101 + Math.floor(i / 999))),
          })
        ).status === 200,
    );
    results.identity = { ...withRatio(identity, N), nppaCalls: round((gateway.simulator!.calls.check - nppaBefore) / N) };

    // 3. Login: a fresh account on its own device (the common path).
    phase('3. Login: a fresh account on its own device (the common path).');
    const sessions: string[] = [];
    const login = await load(N, CONCURRENCY, async (i) => {
      const r = await http('POST', '/v1/sessions', tokens[i], { deviceId: `device-${i}` });
      sessions[i] = r.body?.sessionId as string;
      return r.status === 201;
    });
    results.login = withRatio(login, N);

    // 4. Heartbeats on those sessions.
    phase('4. Heartbeats on those sessions.');
    const seq = new Map<number, number>();
    const heartbeat = await load(N * 2, CONCURRENCY, async (k) => {
      const i = k % N;
      const s = (seq.get(i) ?? 0) + 1;
      seq.set(i, s);
      return (await http('POST', `/v1/sessions/${sessions[i]}/heartbeat`, tokens[i], { seq: s })).status === 200;
    });
    results.heartbeat = withRatio(heartbeat, N * 2);

    // 5. Payment reserve.
    phase('5. Payment reserve.');
    const reserve = await load(
      N,
      CONCURRENCY,
      async (i) => (await http('POST', '/v1/payments', tokens[i], { orderId: randomUUID(), amount: 600 })).status === 201,
    );
    results.reserve = withRatio(reserve, N);

    // 5b. One player-hour each, as a client plays it (server-chosen heartbeats, virtual clock): the
    // cost model's HTTP requests and write units (test/support/playerHour.ts).
    phase("5b. A minor's window hour and an adult's hour, in requests and write units.");
    const api = gatewayClient(base);
    const minorHour = await playOneHour(api, `bench-hour-minor-${randomBytes(3).toString('hex')}`, '2012-05-01', '2026-10-02T20:00:00+08:00');
    const adultHour = await playOneHour(api, `bench-hour-adult-${randomBytes(3).toString('hex')}`, '1980-01-01', '2026-10-02T10:00:00+08:00');
    results.playerHour = {
      minor: {
        heartbeats: minorHour.heartbeatsAt.length,
        httpRequests: minorHour.httpRequests,
        writeUnits: minorHour.units.total,
        readUnits: minorHour.readUnits,
      },
      adult: {
        heartbeats: adultHour.heartbeatsAt.length,
        httpRequests: adultHour.httpRequests,
        writeUnits: adultHour.units.total,
        readUnits: adultHour.readUnits,
      },
    };

    // 6. Bundles and cold initialisation.
    phase('6. Bundles and cold initialisation.');
    const out = mkdtempSync(join(tmpdir(), 'bundles-'));
    const names = [...new Set([...routeList().map(([, r]) => r.fn), ...jobList().map(([name]) => name)])];
    writeFileSync(join(out, 'hello.ts'), 'export const handler = async () => ({ statusCode: 200, body: "hello" });');
    // The floor while the SDK is bundled (docs/design.md, Runtime): one DynamoDBClient, one UpdateItem.
    writeFileSync(
      join(out, 'ddbOnly.ts'),
      [
        "import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';",
        'const client = new DynamoDBClient({});',
        "export const handler = async () => client.send(new UpdateItemCommand({ TableName: process.env.TABLE_NAME, Key: { pk: { S: 'x' }, sk: { S: 'x' } }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } } }));",
      ].join('\n'),
    );
    const bundles: Record<string, number> = {};
    const files: Record<string, string> = {};
    for (const name of ['hello', 'ddbOnly', ...names]) {
      const outfile = join(out, `${name}.mjs`);
      const probe = name === 'hello' || name === 'ddbOnly';
      // The stack's options (infra/gatewayFunction.ts); the floor is the SDK as it comes (default options, no aliases).
      await build({
        ...LAMBDA_ESBUILD,
        ...(probe ? { alias: {} } : {}),
        entryPoints: [probe ? join(out, `${name}.ts`) : `functions/${name}.ts`],
        tsconfig: 'tsconfig.json',
        outfile,
        logLevel: 'error',
        nodePaths: [join(process.cwd(), 'node_modules')],
      });
      files[name] = outfile;
      if (name !== 'hello' && name !== 'ddbOnly') bundles[name] = statSync(outfile).size;
    }
    results.bundles = bundles;
    results.bundleFloor = { ddbOnlyBytes: statSync(files.ddbOnly!).size };
    // The player client as a game ships it (test/support/clientBundle.ts: esbuild, minified, ESM, browser).
    const { client, withPrompts } = await clientBundleSizes();
    results.client = { bytes: client.bytes, gzipBytes: client.gzipBytes, withPrompts: { bytes: withPrompts.bytes, gzipBytes: withPrompts.gzipBytes } };
    const coldInit = (file: string): number => {
      const times: number[] = [];
      for (let k = 0; k < 5; k += 1) {
        const ms = execFileSync(
          process.execPath,
          ['--input-type=module', '-e', `const t=performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now()-t)`],
          { env: { PATH: process.env.PATH ?? '', TABLE_NAME: 'bench-cold-init', AWS_REGION: 'cn-north-1' } },
        ).toString();
        times.push(Number(ms));
      }
      return round(times.sort((a, b) => a - b)[2]!);
    };
    const cold: Record<string, number> = { baselineMs: coldInit(files.hello!) };
    for (const name of names) cold[name] = coldInit(files[name]!);
    results.coldInit = cold;
    // Whole fresh process as a cold start pays it: spawn node, import the bundle, exit (median of 7).
    const coldStart = (file: string): number => {
      const times: number[] = [];
      for (let k = 0; k < 7; k += 1) {
        const t = performance.now();
        execFileSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(file)})`], {
          env: { PATH: process.env.PATH ?? '', TABLE_NAME: 'bench-cold-init', AWS_REGION: 'cn-north-1' },
        });
        times.push(performance.now() - t);
      }
      return round(times.sort((a, b) => a - b)[3]!, 1);
    };
    const start: Record<string, number> = { helloMs: coldStart(files.hello!), ddbOnlyMs: coldStart(files.ddbOnly!) };
    for (const name of names) start[name] = coldStart(files[name]!);
    results.coldStart = start;

    // 7. The NPPA reporter against a simulator at the real 10 calls/s, with a 12,800-event backlog.
    phase('7. The NPPA reporter against a simulator at the real 10 calls/s');
    await ensureTable(dynamo.endpoint, 'bench-reporter', { stream: false });
    const sim = new NppaSimulator();
    const { url } = await sim.start();
    const people: Array<{ hash: string }> = [];
    for (let p = 0; p < 50; p += 1) {
      const hash = randomBytes(16).toString('hex');
      await db.send(
        new PutCommand({
          TableName: 'bench-reporter',
          Item: { ...identityKey(hash), status: 'verified', birthDate: '2010-01-01', pi: piPrefixForBirthDate('2010-01-01') + hash },
        }),
      );
      people.push({ hash });
    }
    const EVENTS = 12_800;
    const now = Date.now() - 60_000;
    const events = Array.from({ length: EVENTS }, (_, i) =>
      new OutboxRepository(db, 'bench-reporter').eventPart({
        gameId: 'default',
        si: randomBytes(16).toString('hex'),
        bt: (i % 2) as 0 | 1,
        atMs: now + i,
        identityHash: people[i % 50]!.hash,
        accountId: 'a',
      }),
    );
    for (let i = 0; i < events.length; i += 100) await db.send(new TransactWriteCommand({ TransactItems: events.slice(i, i + 100) }));
    const nppa = new NppaClient({ ...sim.clientSettings(url), now: Date.now });
    const t0 = performance.now();
    // The reporter's write units per event (marking sent, its gate), for the cost model.
    const unitsBefore = ddbCallCounter.writeUnits;
    ddbCallCounter.measureCapacity = true;
    const run = await drainOutbox({
      outbox: new OutboxRepository(db, 'bench-reporter'),
      identities: new IdentityRepository(db, 'bench-reporter', { accounts: new AccountRepository(db, 'bench-reporter') }),
      accounts: new AccountRepository(db, 'bench-reporter'),
      games: [{ gameId: 'default', nppa, gate: new RateGate(db, 'bench-reporter', 'loginout', 10, Date.now) }],
      now: Date.now,
    });
    const seconds = (performance.now() - t0) / 1000;
    ddbCallCounter.measureCapacity = false;
    const reportingUnitsPerEvent = round((ddbCallCounter.writeUnits - unitsBefore) / run.sent);
    results.reporter = {
      eventsPerSecond: round(run.sent / seconds, 0),
      batchFill: round(run.sent / run.calls / 128),
      calls: run.calls,
      sent: run.sent,
      rateLimited: sim.rateLimited.loginout,
    };

    // 8. Two games at once, 12,800 events each: each game's own bizId and 10 calls/s, drained side by side.
    phase('8. Two games at once, 12,800 events each: each games own bizId');
    const two = new NppaSimulator({ bizId: 'bench-one', otherBizIds: ['bench-two'] });
    const twoUrl = (await two.start()).url;
    const outbox = new OutboxRepository(db, 'bench-reporter');
    const gameIds = ['bench-one', 'bench-two'];
    for (const gameId of gameIds) {
      const gameEvents = Array.from({ length: EVENTS }, (_, i) =>
        outbox.eventPart({
          gameId,
          si: randomBytes(16).toString('hex'),
          bt: (i % 2) as 0 | 1,
          atMs: now + i,
          identityHash: people[i % 50]!.hash,
          accountId: 'a',
        }),
      );
      for (let i = 0; i < gameEvents.length; i += 100) await db.send(new TransactWriteCommand({ TransactItems: gameEvents.slice(i, i + 100) }));
    }
    const t1 = performance.now();
    const twoRun = await drainOutbox({
      outbox,
      identities: new IdentityRepository(db, 'bench-reporter', { accounts: new AccountRepository(db, 'bench-reporter') }),
      accounts: new AccountRepository(db, 'bench-reporter'),
      games: gameIds.map((gameId) => ({
        gameId,
        nppa: new NppaClient({ ...two.clientSettings(twoUrl), bizId: gameId, now: Date.now }),
        gate: new RateGate(db, 'bench-reporter', `loginout-${gameId}`, 10, Date.now),
      })),
      now: Date.now,
    });
    const twoSeconds = (performance.now() - t1) / 1000;
    results.reporterTwoGames = {
      ...Object.fromEntries(gameIds.map((g) => [g, round(twoRun.byGame[g]!.sent / twoSeconds, 0)])),
      rateLimited: two.rateLimited.loginout,
    };
    await two.stop();
    await sim.stop();
    const minorCost = hourCost(
      {
        httpRequests: minorHour.httpRequests,
        writeUnits: minorHour.units.total,
        readUnits: minorHour.readUnits,
        minorHeartbeats: minorHour.heartbeatsAt.length,
      },
      reportingUnitsPerEvent,
    );
    const adultCost = hourCost(
      { httpRequests: adultHour.httpRequests, writeUnits: adultHour.units.total, readUnits: adultHour.readUnits, minorHeartbeats: 0 },
      reportingUnitsPerEvent,
    );
    results.cost = {
      minorPerMillionHours: perMillionHours(minorCost.usd),
      adultPerMillionHours: perMillionHours(adultCost.usd),
      // API Gateway, Lambda requests and write units only (the model before issue 28, with today's write units).
      narrow: { minorPerMillionHours: perMillionHours(minorCost.narrowUsd), adultPerMillionHours: perMillionHours(adultCost.narrowUsd) },
      reportingUnitsPerEvent,
      minorLines: Object.fromEntries(minorCost.lines.map((l) => [l.item, Math.round(l.cost * 1e6 * 1000) / 1000])),
    };
    results.seconds = round((Date.now() - started) / 1000, 0);
  } finally {
    await gateway.stop();
    await dynamo.stop();
  }

  const r = results as Record<string, Record<string, number>>;
  const row = (name: string, x: Record<string, number>) =>
    `${name.padEnd(10)} p50 ${String(x.p50Ms).padStart(7)} ms  p99 ${String(x.p99Ms).padStart(7)} ms  ${String(x.rps).padStart(6)} rps  ddb ${String(x.ddbCalls).padStart(4)}/op  ×raw ${String(x.overRaw).padStart(5)}  errors ${x.errors}`;
  console.log(`raw UpdateItem p50 ${r.rawUpdateItem!.p50Ms} ms  p99 ${r.rawUpdateItem!.p99Ms} ms`);
  for (const name of ['identity', 'login', 'heartbeat', 'reserve']) console.log(row(name, r[name]!));
  const floorBytes = r.bundleFloor!.ddbOnlyBytes!;
  console.log(`bundles (bytes; × the DynamoDB-only floor of ${floorBytes}, target ≤ 1.15):`);
  for (const [name, bytes] of Object.entries(r.bundles!)) console.log(`  ${name.padEnd(20)} ${String(bytes).padStart(8)}  ×${round(bytes / floorBytes)}`);
  console.log('client (bytes, gzip bytes; with the prompts):', JSON.stringify(r.client));
  console.log('cold init (ms, import only, median of 5):', JSON.stringify(r.coldInit));
  const cs = r.coldStart!;
  console.log(`cold start (ms, whole fresh process, median of 7; hello-world ${cs.helloMs}, DynamoDB-only ${cs.ddbOnlyMs}; × DynamoDB-only, target ≤ 1.2):`);
  for (const [name, ms] of Object.entries(cs))
    if (name !== 'helloMs' && name !== 'ddbOnlyMs') console.log(`  ${name.padEnd(20)} ${String(ms).padStart(7)}  ×${round(ms / cs.ddbOnlyMs!)}`);
  const c = r.cost!;
  console.log('player-hour (heartbeats, HTTP requests, write units of the session):', JSON.stringify(r.playerHour));
  const narrow = (r.cost as unknown as { narrow: Record<string, number> }).narrow;
  console.log(
    `cost (US$ per million player-hours, everything billed, docs/capacity.md cost model; reporting ${c.reportingUnitsPerEvent} write units an event): minor ${c.minorPerMillionHours}, adult ${c.adultPerMillionHours}; API, Lambda requests and write units alone: minor ${narrow.minorPerMillionHours}, adult ${narrow.adultPerMillionHours}`,
  );
  console.log('reporter:', JSON.stringify(r.reporter));
  console.log('reporter, two games (events/s per game):', JSON.stringify(r.reporterTwoGames));
  if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2));
}

await main();
