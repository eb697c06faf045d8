/**
 * The client's one way to call the gateway: bearer token, JSON in and out, a timeout, problem
 * documents turned into typed errors. No runtime dependency and no global but `fetch`, the timers
 * and `AbortController` when present, so browsers, Node 20+ and mini-game runtimes (with their own
 * `fetch` and timers passed in) run it alike.
 */
import type { ProblemCode, ProblemExtensions, ProblemStatus } from '#shared/client/types';

/** What the client needs of a response; a mini-game runtime's request API is easily wrapped into it. */
export interface FetchResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}
export type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal }) => Promise<FetchResponse>;

/** Timers the client schedules with: the global ones by default, a runtime's own or a test's fake ones otherwise. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ClientOptions {
  /** The gateway's address, e.g. `https://api.example.cn` (no trailing path needed). */
  baseUrl: string;
  /** The bearer token, or a function asked before every request (so an expiring token can be renewed). */
  token: string | (() => string | Promise<string>);
  fetch?: Fetch;
  timers?: Timers;
  /** A request with no complete answer within this many ms counts as lost (default 10,000). */
  timeoutMs?: number;
}

export interface Transport {
  baseUrl: string;
  token: ClientOptions['token'];
  fetch: Fetch;
  timers: Timers;
  timeoutMs: number;
}

export function transport(o: ClientOptions): Transport {
  return {
    baseUrl: o.baseUrl.replace(/\/+$/, ''),
    token: o.token,
    // Looked up per call, not captured: a browser refuses `fetch` called on another object, and
    // tests install fake timers after the client exists.
    fetch: o.fetch ?? ((url, init) => fetch(url, init)),
    timers: o.timers ?? { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as Parameters<typeof clearTimeout>[0]) },
    timeoutMs: o.timeoutMs ?? 10_000,
  };
}

// Error members an extension member must never overwrite on the error object.
const RESERVED = new Set(['name', 'message', 'stack', 'cause', 'httpStatus', 'problem', 'retryAfterSeconds', 'requestId']);

/** The runtime class behind `PlayGuardProblem`; use that name, which narrows by `code`. */
class Problem extends Error {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ProblemCode;
  /** The status line of the answer (equal to `status` unless the answer was not a problem document). */
  readonly httpStatus: number;
  /** Seconds to wait before sending the same request again (`Retry-After`), null when not given. */
  readonly retryAfterSeconds: number | null;
  readonly requestId: string | null;
  /** The document as received. */
  readonly problem: Record<string, unknown>;

  constructor(httpStatus: number, body: Record<string, unknown>, retryAfterSeconds: number | null, requestId: string | null) {
    super(`${String(body.code)}: ${String(body.detail)}`);
    this.name = 'PlayGuardProblem';
    for (const [k, v] of Object.entries(body)) if (!RESERVED.has(k)) (this as Record<string, unknown>)[k] = v;
    this.type = String(body.type);
    this.title = String(body.title);
    this.status = Number(body.status);
    this.detail = String(body.detail);
    this.code = body.code as ProblemCode;
    this.httpStatus = httpStatus;
    this.retryAfterSeconds = retryAfterSeconds;
    this.requestId = requestId;
    this.problem = body;
  }
}

type ProblemOf<C extends ProblemCode> = Problem & { readonly code: C; readonly status: ProblemStatus<C> } & Readonly<ProblemExtensions[C]>;

/**
 * A problem document the gateway answered, as an error. Checking `code` narrows it to that code's
 * members: `if (e instanceof PlayGuardProblem && e.code === 'play_time_restricted') e.nextWindowStart`.
 */
export type PlayGuardProblem = { [C in ProblemCode]: ProblemOf<C> }[ProblemCode];
export const PlayGuardProblem = Problem as unknown as {
  new (httpStatus: number, body: Record<string, unknown>, retryAfterSeconds: number | null, requestId: string | null): PlayGuardProblem;
  prototype: PlayGuardProblem;
};

/** No answer: the request failed on the way (`network`) or took longer than `timeoutMs` (`timeout`). Safe to repeat. */
export class PlayGuardNetworkError extends Error {
  constructor(
    readonly kind: 'network' | 'timeout',
    cause?: unknown,
  ) {
    super(kind === 'timeout' ? 'no answer in time' : 'network error', { cause });
    this.name = 'PlayGuardNetworkError';
  }
}

export const isPlayGuardProblem = (e: unknown): e is PlayGuardProblem => e instanceof Problem;

/**
 * An answer that is not a problem document (deployed, API Gateway answers some refusals itself,
 * e.g. 401 `{"message":"Unauthorized"}` — README "Known difference between local and deployed")
 * becomes the catalogue's problem for its status, with the catalogue's detail
 * (test/unit/client.test.ts holds these to shared/problem.ts).
 */
export const FALLBACK: Record<number, [ProblemCode, string]> = {
  400: ['invalid_request', '请求格式不正确。'],
  401: ['unauthorized', '登录状态无效，请重新登录。'],
  403: ['forbidden', '无权执行此操作。'],
  404: ['not_found', '请求的资源不存在。'],
  413: ['payload_too_large', '请求内容过大。'],
  429: ['rate_limited', '请求过于频繁，请稍后再试。'],
  500: ['internal_error', '服务暂时出现问题，请稍后再试。'],
};

/** `Retry-After` as seconds: a number of seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterSeconds(value: string | null, nowMs = Date.now()): number | null {
  if (!value) return null;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

function problemOf(res: FetchResponse, data: unknown): PlayGuardProblem {
  const after = retryAfterSeconds(res.headers.get('retry-after'));
  const id = res.headers.get('x-request-id');
  if (data && typeof data === 'object' && typeof (data as { code?: unknown }).code === 'string') return new PlayGuardProblem(res.status, data as Record<string, unknown>, after, id);
  const [code, detail] = FALLBACK[res.status] ?? FALLBACK[500]!;
  const status = res.status in FALLBACK ? res.status : 500;
  return new PlayGuardProblem(res.status, { type: `urn:playguard:problem:${code}`, title: code, status, detail, code }, after, id);
}

export const sleep = (t: Transport, seconds: number): Promise<void> => new Promise((resolve) => t.timers.setTimeout(resolve, seconds * 1000));

/** One request, one answer: the parsed body of a 2xx, or a thrown PlayGuardProblem / PlayGuardNetworkError. */
export async function send<T>(t: Transport, method: string, path: string, body?: unknown, auth = true): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (auth) headers.authorization = `Bearer ${typeof t.token === 'function' ? await t.token() : t.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const abort = typeof AbortController === 'function' ? new AbortController() : undefined;
  let timer: unknown;
  const timedOut = new Promise<never>((_, reject) => {
    timer = t.timers.setTimeout(() => {
      abort?.abort();
      reject(new PlayGuardNetworkError('timeout'));
    }, t.timeoutMs);
  });
  // The answer counts only once its body has arrived: a response cut off mid-body is a lost one.
  const answered = (async () => {
    const res = await t.fetch(t.baseUrl + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), ...(abort ? { signal: abort.signal } : {}) });
    return { res, text: await res.text() };
  })();
  answered.catch(() => {}); // settled by the race below; a late failure after a timeout is not news
  let res: FetchResponse;
  let text: string;
  try {
    ({ res, text } = await Promise.race([answered, timedOut]));
  } catch (error) {
    throw error instanceof PlayGuardNetworkError ? error : new PlayGuardNetworkError('network', error);
  } finally {
    t.timers.clearTimeout(timer);
  }
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (res.status >= 200 && res.status < 300) return data as T;
  throw problemOf(res, data);
}

/** At most this many seconds of `Retry-After` are waited out inside a call; a longer wait is the caller's to decide. */
export const MAX_INLINE_RETRY_AFTER_SECONDS = 5;

/**
 * A call that the gateway may answer 429/503 with `Retry-After` and that is safe to repeat (every
 * write of the API is idempotent by its key, and write_contention says nothing changed): repeated up
 * to twice after the wait when the wait is short, otherwise thrown with `retryAfterSeconds`.
 */
export async function call<T>(t: Transport, method: string, path: string, body?: unknown, auth = true): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await send<T>(t, method, path, body, auth);
    } catch (error) {
      const wait = isPlayGuardProblem(error) && (error.httpStatus === 429 || error.httpStatus === 503) ? error.retryAfterSeconds : null;
      if (wait === null || wait > MAX_INLINE_RETRY_AFTER_SECONDS || attempt >= 2) throw error;
      await sleep(t, wait);
    }
  }
}
