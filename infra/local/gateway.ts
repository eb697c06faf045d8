/**
 * The local gateway: DynamoDB Local, the development signing key, the same Lambda handlers the
 * stack deploys (imported in-process), the scheduled jobs, and the local-only `/__dev/*` endpoints.
 * `npm start` and the end-to-end tests both start it through `startLocalGateway`.
 */
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import type { HttpFunctionName } from '#shared/api/functions';
import { functionTable, jobList } from '#shared/api/functions';
import { clock, useClockSource, useRealClock } from '#shared/clock';
import { Problem } from '#shared/problem';
import { log } from '#shared/log';
import { createDevAuth, DEV_AUDIENCE } from '#infra/local/devAuth';
import { CONSOLE_CLIENT_ID, createStaffIdp, OPERATOR_AUDIENCE, STAFF_PATH, type StaffIdp } from '#infra/local/staffIdp';
import { PublisherKeysProblem, readPublisherKeys, type PublicJwks } from '#infra/publisherKeys';
import { ensureTable, startDynamoLocal, type DynamoLocal } from '#infra/local/dynamoLocal';
import { NppaSimulator } from '#infra/local/nppaSimulator';
import { parseSettings, PolicySettings, Settings } from '#shared/settings';
import { answerClientError, readBody, requestUrl, sendJson, sendProblem, serveRoute, type LambdaHandler } from '#infra/local/httpAdapter';
import { serveDemo } from '#infra/local/demo/serve';
import { startStatsFeed } from '#infra/local/statsFeed';

export interface LocalGatewayOptions {
  port?: number;
  persistDir?: string;
  /** Reuse a running DynamoDB Local instead of starting one (tests share one engine per run). */
  dynamoEndpoint?: string;
  tableName?: string;
  /** Run the scheduled jobs on their rate (off in tests, which use tick()). */
  schedule?: boolean;
  /**
   * How long a request may run before its function is stopped (real time). Default: the function's
   * timeout in the function table, as deployed. The tests give a hang bound instead: on a machine busy
   * with other work, a year's access log can take longer than the admin function's 10 s without
   * anything being wrong (a runaway request is caught by what it does, not by the clock).
   */
  requestTimeoutMs?: number;
  /**
   * The operators' figures (the table's change stream and its feed): on, except in the benchmark,
   * which measures the request paths and would drown DynamoDB Local's streams (infra/local/dynamoLocal.ts).
   */
  figures?: boolean;
}

export interface LocalGateway {
  url: string;
  /** The embedded national-system simulator, when the NPPA_* variables were unset. */
  simulator: NppaSimulator | undefined;
  port: number;
  dynamoEndpoint: string;
  tableName: string;
  tick(): Promise<string[]>;
  stop(): Promise<void>;
}

const TokenRequest = z
  .object({
    sub: z.string().min(1).max(128),
    scope: z.enum(['player', 'server', 'operator']).optional(),
    // Any game, configured or not, so that the refusal of an unknown one (403 unknown_game) can be tried.
    game: z.string().min(1).max(64).optional(),
    ttlSeconds: z
      .number()
      .int()
      .min(1)
      .max(86_400 * 30)
      .optional(),
  })
  .strict();
/**
 * `hold: true` stops the virtual clock at `now` until it is set again: what a test or the load test
 * asserts to the second does not depend on how fast the machine answers. Without it the clock
 * advances in real time from `now`, as before.
 */
const ClockRequest = z.object({ now: z.iso.datetime({ offset: true }), hold: z.boolean().optional() }).strict();

const NPPA_VARIABLES = ['NPPA_CHECK_URL', 'NPPA_QUERY_URL', 'NPPA_LOGINOUT_URL', 'NPPA_APP_ID', 'NPPA_BIZ_ID', 'NPPA_SECRET_KEY'] as const;

/**
 * The national system the local gateway talks to: the one named by the NPPA_* variables, or an
 * embedded simulator speaking the real protocol on the same virtual clock.
 */
async function nationalSystem(): Promise<NppaSimulator | undefined> {
  const set = NPPA_VARIABLES.filter((v) => process.env[v]);
  if (set.length === NPPA_VARIABLES.length) return undefined;
  if (set.length > 0)
    throw new Error(
      `set all of ${NPPA_VARIABLES.join(', ')} to use another national system, or none to use the ` +
        `simulator (missing: ${NPPA_VARIABLES.filter((v) => !process.env[v]).join(', ')})`,
    );
  // The embedded national system knows every configured game's bizId (the first game reports
  // under the simulator's own when GAMES is unset). It counts its rate limits in real seconds, as
  // the national system does (and the gateway's rate gates, shared/reporting/rateGate.ts).
  const games = parseSettings(PolicySettings, process.env).GAMES;
  const simulator = new NppaSimulator({ now: clock.now, rateNow: Date.now, otherBizIds: games.flatMap((g) => (g.bizId ? [g.bizId] : [])) });
  const { url } = await simulator.start();
  Object.assign(process.env, simulator.environment(url));
  return simulator;
}

/** Configuration every function reads at start, set before the handlers are first imported. */
function configureFunctions(dynamoEndpoint: string, tableName: string): void {
  process.env.TABLE_NAME = tableName;
  process.env.DYNAMODB_ENDPOINT = dynamoEndpoint;
  process.env.AWS_REGION ??= 'cn-north-1';
  process.env.PLAYGUARD_LOCAL = '1';
  process.env.PEPPER ??= 'local-development-pepper-not-for-production';
}

/**
 * Every setting and policy is parsed with the schema the functions parse at cold start
 * (shared/settings.ts): a bad or looser-than-law value stops the start, naming the variable and field.
 */
function checkSettings(tableName: string): void {
  parseSettings(Settings, { ...process.env, TABLE_NAME: tableName });
}

/** `PUBLISHER_KEYS`: the publisher's JWKS file, checked as `cdk synth` checks playguard:publisherKeys. */
function publisherKeys(): PublicJwks | undefined {
  const file = process.env.PUBLISHER_KEYS;
  if (!file) return undefined;
  try {
    return readPublisherKeys(file);
  } catch (error) {
    if (error instanceof PublisherKeysProblem) throw new Error(`PUBLISHER_KEYS: ${error.message}`);
    throw error;
  }
}

/**
 * The identity settings the functions that serve them read (shared/api/functions.ts `serves`), as
 * the stack gives them deployed: the publisher's issuer (this gateway's own URL, as a deployment's is
 * its API's URL) and keys for `meta`, the staff issuer and the console's client for `console`.
 */
function configureIdentity(url: string, jwks: PublicJwks | undefined): void {
  if (jwks) Object.assign(process.env, { PUBLISHER_ISSUER: url, PUBLISHER_JWKS: JSON.stringify(jwks) });
  else for (const v of ['PUBLISHER_ISSUER', 'PUBLISHER_JWKS']) delete process.env[v];
  Object.assign(process.env, { OPERATOR_ISSUER: `${url}${STAFF_PATH}`, OPERATOR_CLIENT_ID: CONSOLE_CLIENT_ID, OPERATOR_AUDIENCE });
}

/** What Lambda gives a scheduled run: the time it has left under its function's timeout. */
function jobContext(name: string, timeoutSeconds: number): never {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return { functionName: name, awsRequestId: randomUUID(), getRemainingTimeInMillis: () => deadline - Date.now() } as never;
}

export async function startLocalGateway(options: LocalGatewayOptions = {}): Promise<LocalGateway> {
  const tableName = options.tableName ?? 'playguard-local';
  checkSettings(tableName);
  const jwks = publisherKeys();
  let dynamo: DynamoLocal | undefined;
  const dynamoEndpoint = options.dynamoEndpoint ?? (dynamo = await startDynamoLocal(options.persistDir ? { persistDir: options.persistDir } : {})).endpoint;
  let simulator: NppaSimulator | undefined;
  try {
    await ensureTable(dynamoEndpoint, tableName, { stream: options.figures !== false });
    configureFunctions(dynamoEndpoint, tableName);
    simulator = await nationalSystem();
  } catch (error) {
    await dynamo?.stop();
    throw error;
  }

  const auth = await createDevAuth(options.persistDir);
  const handlers = new Map<string, Promise<LambdaHandler>>();
  const handlerFor = (fn: string): Promise<LambdaHandler> => {
    let h = handlers.get(fn);
    if (!h) {
      h = import(`../../functions/${fn}.ts`).then((m: { handler: LambdaHandler }) => m.handler);
      handlers.set(fn, h);
    }
    return h;
  };

  // The operators' figures: the table's change stream and the figure events of the logs, fed to the
  // stats aggregator as AWS feeds it deployed (infra/local/statsFeed.ts).
  const statsFeed =
    options.figures === false
      ? null
      : startStatsFeed({ endpoint: dynamoEndpoint, tableName, handler: () => handlerFor('statsAggregator') as Promise<(event: unknown) => Promise<unknown>> });

  const tick = async (): Promise<string[]> => {
    const ran: string[] = [];
    for (const [name, job] of jobList()) {
      try {
        await (await handlerFor(name))({} as never, jobContext(name, job.timeoutSeconds));
        ran.push(name);
      } catch (error) {
        log.error('scheduled job failed', { job: name, error });
      }
    }
    // Last, so that what the jobs changed is counted too.
    try {
      if (statsFeed) {
        await statsFeed.drain();
        ran.push('statsAggregator');
      }
    } catch (error) {
      log.error('stats aggregator failed', { error });
    }
    return ran;
  };

  const devEndpoints = async (method: string, path: string, body: unknown, requestId: string, res: import('node:http').ServerResponse): Promise<boolean> => {
    if (path === '/__dev/tokens' && method === 'POST') {
      const parsed = TokenRequest.safeParse(body);
      if (!parsed.success) throw new Problem('invalid_request', { errors: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
      // Tokens live on the real clock, as the publisher's account service and API Gateway do: moving
      // the virtual clock (even by days) never invalidates them.
      sendJson(res, 200, { token: await auth.issue(parsed.data, Date.now()) }, requestId);
      return true;
    }
    if (path === '/__dev/clock' && method === 'PUT') {
      const parsed = ClockRequest.safeParse(body);
      if (!parsed.success)
        throw new Problem('invalid_request', {
          errors: parsed.error.issues.map((i) => ({
            path: i.path.join('.'),
            message: i.path[0] === 'now' ? 'an ISO 8601 instant with an offset is required' : i.message,
          })),
        });
      const at = Date.parse(parsed.data.now);
      const offset = at - Date.now();
      useClockSource(parsed.data.hold ? () => at : () => Date.now() + offset);
      sendJson(res, 200, { now: new Date(clock.now()).toISOString() }, requestId);
      return true;
    }
    if (path === '/__dev/clock' && method === 'DELETE') {
      useRealClock();
      sendJson(res, 200, { now: new Date(clock.now()).toISOString() }, requestId);
      return true;
    }
    if (path === '/__dev/tick' && method === 'POST') {
      sendJson(res, 200, { ran: await tick() }, requestId);
      return true;
    }
    if (path === '/__dev/jwks.json' && method === 'GET') {
      sendJson(res, 200, auth.jwks, requestId);
      return true;
    }
    return false;
  };

  const server: Server = createServer((req, res) => {
    // A target that is no URL (`GET http://[`) used to throw here, outside any handler.
    const url = requestUrl(req.url);
    if (!url)
      return sendProblem(res, new Problem('invalid_request', { errors: [{ path: '', message: 'the request target is not a valid URL' }] }), randomUUID());
    void (async () => {
      // The demo game (local only, like /__dev/): infra/local/demo/.
      if (url.pathname === '/demo' || url.pathname.startsWith('/demo/')) return serveDemo(url.pathname, res);
      // The local staff identity provider (local only): loaded on its first request.
      if (url.pathname === STAFF_PATH || url.pathname.startsWith(`${STAFF_PATH}/`)) return (await staffIdp()).handle(req, res);
      if (url.pathname.startsWith('/__dev/')) {
        const requestId = randomUUID();
        try {
          const raw = await readBody(req);
          if (raw === 'too_large') throw new Problem('payload_too_large');
          let body: unknown = {};
          if (raw.length) {
            try {
              body = JSON.parse(raw.toString('utf8'));
            } catch {
              throw new Problem('invalid_request', { errors: [{ path: '', message: 'body is not valid JSON' }] });
            }
          }
          if (!(await devEndpoints((req.method ?? 'GET').toUpperCase(), url.pathname, body, requestId, res))) throw new Problem('not_found');
        } catch (error) {
          if (error instanceof Problem) return sendProblem(res, error, requestId);
          log.error('dev endpoint failed', { error });
          return sendProblem(res, new Problem('internal_error'), requestId);
        }
        return;
      }
      await serveRoute(req, res, url, {
        handlerFor: (fn: HttpFunctionName) => handlerFor(fn),
        verifyToken: async (token, authorizer) => (await auth.verify(token, Date.now(), authorizer)) as Record<string, unknown>,
        nowMs: () => clock.now(),
        timeoutMs: (fn: HttpFunctionName) => options.requestTimeoutMs ?? functionTable[fn].timeoutSeconds * 1000,
      });
    })().catch((error: unknown) => {
      log.error('local adapter failed', { error });
      if (!res.headersSent) sendProblem(res, new Problem('internal_error'), randomUUID());
    });
  });

  // Requests the parser refuses (headers over maxHeaderSize, a bad request line) get a problem
  // document too, instead of node:http's bare status line.
  server.on('clientError', answerClientError);

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  }).catch(async (error: unknown) => {
    await simulator?.stop();
    await dynamo?.stop();
    throw error;
  });

  const gatewayUrl = `http://127.0.0.1:${port}`;
  configureIdentity(gatewayUrl, jwks);
  if (jwks) auth.trust('players', { issuer: gatewayUrl, audience: process.env.PUBLISHER_AUDIENCE || DEV_AUDIENCE, jwks });
  // The local staff identity provider signs with the development key.
  auth.trust('staff', { issuer: `${gatewayUrl}${STAFF_PATH}`, audience: OPERATOR_AUDIENCE, jwks: auth.jwks });
  let idp: Promise<StaffIdp> | undefined;
  const staffIdp = (): Promise<StaffIdp> => (idp ??= createStaffIdp(gatewayUrl, auth.privateJwk));

  const timers = options.schedule
    ? jobList().map(([name, job]) =>
        setInterval(() => {
          void handlerFor(name)
            .then((h) => h({} as never, jobContext(name, job.timeoutSeconds)))
            .catch((error: unknown) => log.error('scheduled job failed', { job: name, error }));
        }, job.schedule.rateSeconds * 1000),
      )
    : [];
  // Under `npm start`, load the console's and the operators' functions now, in the background, so
  // that the console's first screen does not wait for them to be compiled (tests load them lazily).
  if (options.schedule) for (const fn of ['console', 'admin', 'statsAggregator']) void handlerFor(fn).catch(() => undefined);
  // Deployed, the stream reaches the aggregator within about a second; locally every 2 s.
  if (options.schedule && statsFeed)
    timers.push(setInterval(() => void statsFeed.drain().catch((error: unknown) => log.error('stats aggregator failed', { error })), 2000));

  return {
    url: gatewayUrl,
    simulator,
    port,
    dynamoEndpoint,
    tableName,
    tick,
    stop: async () => {
      timers.forEach(clearInterval);
      statsFeed?.stop();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await simulator?.stop();
      await dynamo?.stop();
    },
  };
}
