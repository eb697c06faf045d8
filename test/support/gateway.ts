/**
 * End-to-end helpers: a local gateway on the run's DynamoDB Local with a fresh table, and a tiny
 * HTTP client that speaks to it over real HTTP.
 *
 * Two depths: with `PLAYGUARD_URL` set, `useGateway` talks to that deployment instead of starting a
 * gateway, and tokens come from `PLAYGUARD_TOKEN_COMMAND` (a shell command that prints a token for
 * `$PLAYGUARD_SUB` with `$PLAYGUARD_SCOPE`). Tests that need what only the local gateway has (the
 * virtual clock, tick, the in-process simulator or gateway, the development key, restarts) are
 * marked `it.skipIf(deployed)` / `describe.skipIf(deployed)`.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { startLocalGateway, type LocalGateway } from '#infra/local/gateway';
import { HEAVY_TEST_MS } from '#test/support/timeouts';

/** The deployment under test, or undefined for the local gateway. */
export const deployedUrl: string | undefined = process.env.PLAYGUARD_URL ? process.env.PLAYGUARD_URL.replace(/\/+$/, '') : undefined;
/** True when the suite runs against `PLAYGUARD_URL`: local-only tests skip themselves on it. */
export const deployed = deployedUrl !== undefined;

/** `keyDir` keeps the development signing key in a folder, so a test can forge tokens with it. */
export async function startTestGateway(options: { keyDir?: string } = {}): Promise<LocalGateway> {
  // A request runs until it answers (a hang bound, not the function's timeout: test/support/timeouts.ts).
  return startLocalGateway({
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: `t-${randomUUID()}`,
    requestTimeoutMs: HEAVY_TEST_MS,
    ...(options.keyDir ? { persistDir: options.keyDir } : {}),
  });
}

export interface HttpAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export type Scope = 'player' | 'server' | 'operator';
/** Where a client gets its bearer tokens; `game` is the token's `game` claim (none when undefined). */
export type TokenSource = (sub: string, scope: Scope, game?: string) => Promise<string>;

const run = promisify(execFile);
const JWT = /^[\w-]+\.[\w-]+\.[\w-]*$/;

/**
 * Tokens from `PLAYGUARD_TOKEN_COMMAND`, run by `sh -c` with `PLAYGUARD_SUB` and `PLAYGUARD_SCOPE`
 * set (and `PLAYGUARD_GAME` when a test asks for a game); its standard output, trimmed, is the
 * token. One call per (sub, scope, game) per test file.
 */
export function commandTokens(command: string): TokenSource {
  const cache = new Map<string, Promise<string>>();
  return (sub, scope, game) => {
    const key = `${scope} ${sub} ${game ?? ''}`;
    let token = cache.get(key);
    if (!token) {
      // Never a game inherited from the outer environment: a test without one means a token without one.
      const { PLAYGUARD_GAME: _inherited, ...outer } = process.env;
      const env = { ...outer, PLAYGUARD_SUB: sub, PLAYGUARD_SCOPE: scope, ...(game !== undefined ? { PLAYGUARD_GAME: game } : {}) };
      token = run('sh', ['-c', command], { env, timeout: 30_000 }).then(({ stdout, stderr }) => {
        const out = stdout.trim();
        if (!JWT.test(out))
          throw new Error(`PLAYGUARD_TOKEN_COMMAND printed no token for sub ${sub} (scope ${scope}): ${(stderr || stdout).trim().slice(0, 300)}`);
        return out;
      });
      token.catch(() => cache.delete(key));
      cache.set(key, token);
    }
    return token;
  };
}

export function client(baseUrl: string, options: { tokens?: TokenSource } = {}) {
  const call = async <T = any>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<HttpAnswer<T>> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(baseUrl + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  };
  // Long-lived: tests move the virtual clock by days.
  const devTokens: TokenSource = async (sub, scope, game) =>
    (await call<{ token: string }>('POST', '/__dev/tokens', { body: { sub, scope, ...(game !== undefined ? { game } : {}), ttlSeconds: 30 * 86_400 } })).body
      .token;
  const tokens = options.tokens ?? devTokens;
  // A deployment has no /__dev endpoints: say which test forgot its local-only mark.
  const localOnly = (what: string) => {
    if (deployed && baseUrl === deployedUrl) throw new Error(`${what} needs the local gateway: mark this test it.skipIf(deployed)`);
  };
  /** The instant the clock is held at (undefined while it runs). */
  let held: number | undefined;
  return {
    call,
    token: async (sub: string, scope: Scope = 'player', game?: string): Promise<string> => tokens(sub, scope, game),
    /** POST /v1/sessions: a login with this player's token (a device of its own unless named). */
    login: <T = any>(token: string, deviceId = `device-${token.slice(-12)}`, takeover?: boolean) =>
      call<T>('POST', '/v1/sessions', { token, body: { deviceId, ...(takeover === undefined ? {} : { takeover }) } }),
    /** POST /v1/payments: a reservation with this credential (a fresh order unless named). */
    reserve: <T = any>(token: string, amount: number, orderId: string = randomUUID(), more: { accountId?: string; gameId?: string } = {}) =>
      call<T>('POST', '/v1/payments', { token, body: { orderId, amount, ...more } }),
    /**
     * Holds the virtual clock at `iso` until the next call: what a test asserts to the second never
     * depends on how fast a busy machine answers. `{ running: true }` lets it advance in real time.
     */
    setClock: async (iso: string, options: { running?: boolean } = {}) => {
      localOnly('setClock');
      held = options.running ? undefined : Date.parse(iso);
      return call('PUT', '/__dev/clock', { body: { now: iso, ...(options.running ? {} : { hold: true }) } });
    },
    /** Moves the held clock on by `seconds` (from the instant last set; from now when it runs). */
    advanceClock: async (seconds: number) => {
      localOnly('advanceClock');
      held = (held ?? Date.now()) + seconds * 1000;
      return call('PUT', '/__dev/clock', { body: { now: new Date(held).toISOString(), hold: true } });
    },
    tick: async () => {
      localOnly('tick');
      return call<{ ran: string[] }>('POST', '/__dev/tick');
    },
  };
}

/**
 * A 401 as the contract's `unauthorized` problem document. A deployed stage may answer with API
 * Gateway's own authorizer refusal instead, `{"message":"Unauthorized"}` (docs/local.md: known differences).
 */
export function expectUnauthorized(r: HttpAnswer): void {
  expect(r.status).toBe(401);
  if (deployed && r.body?.message === 'Unauthorized' && r.body?.code === undefined) return;
  expect(r.headers.get('content-type')).toBe('application/problem+json');
  expect(r.body.code).toBe('unauthorized');
}

/**
 * One gateway per test file: started before the file's own hooks, stopped after. The returned
 * object is filled in once the gateway is up (read `t.api` inside tests and hooks). With
 * `PLAYGUARD_URL` set, `t.api` talks to that deployment and `t.gateway` stays unset (only
 * local-only tests may read it).
 *
 * `env` sets environment variables of the local gateway (e.g. WEBHOOK_URL of a receiver the file
 * started in an earlier `beforeAll`), read when it starts; each test file runs in its own process.
 */
export function useGateway(options: { keyDir?: string; env?: () => Record<string, string> } = {}): { gateway: LocalGateway; api: ReturnType<typeof client> } {
  const t = {} as { gateway: LocalGateway; api: ReturnType<typeof client> };
  beforeAll(async () => {
    if (options.env && !deployedUrl) Object.assign(process.env, options.env());
    if (deployedUrl) {
      const command = process.env.PLAYGUARD_TOKEN_COMMAND;
      if (!command)
        throw new Error(
          'PLAYGUARD_URL is set but PLAYGUARD_TOKEN_COMMAND is not: set it to a shell command that prints a token for $PLAYGUARD_SUB and $PLAYGUARD_SCOPE',
        );
      t.api = client(deployedUrl, { tokens: commandTokens(command) });
      return;
    }
    t.gateway = await startTestGateway(options);
    t.api = client(t.gateway.url);
  });
  afterAll(async () => t.gateway?.stop());
  return t;
}
