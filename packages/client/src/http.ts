/**
 * The client's one way to call the gateway: bearer token, JSON in and out, a timeout, and every
 * answer that is not a success turned into one of three errors: a `PlayGuardProblem` (a problem
 * document, or a refusal of the gateway's front door read as its status's code), a
 * `PlayGuardThrottledError` (429 or 503 with no problem document: the front door is shedding load)
 * or a `PlayGuardNetworkError` (no answer). No runtime dependency; the only globals it reaches for
 * are a way to make requests (adapters.ts), the timers and `AbortController` when present.
 */
import { defaultFetch, type Fetch } from './adapters.js';
import { FALLBACK } from './generated/problems.js';
import type { ProblemCode, ProblemExtensions, ProblemStatus } from './types.js';

export type { Fetch, FetchInit, FetchResponse } from './adapters.js';

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
  /**
   * How requests are made. Default: the global `fetch`, else `XMLHttpRequest` (Cocos Creator's
   * native and mini-game builds), else `wx.request` / `tt.request` (WeChat and Douyin mini-games).
   */
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
    fetch: o.fetch || defaultFetch,
    // Looked up per call, not captured: tests install fake timers after the client exists.
    timers: o.timers || { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as number) },
    timeoutMs: o.timeoutMs == null ? 10000 : o.timeoutMs,
  };
}

// Marks the package's errors across copies of it (an app that loads both its ES module and its
// CommonJS build has two classes of each; `isPlayGuardProblem` answers for both).
const BRAND = typeof Symbol === 'function' ? Symbol.for('playguard.client.error') : '__playguardError';

// Error members an extension member must never overwrite on the error object.
const RESERVED = ['name', 'message', 'stack', 'cause', 'httpStatus', 'problem', 'retryAfterSeconds', 'requestId'];

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
    // ES2015 classes extending Error keep their prototype; set it anyway for transpiled copies.
    Object.setPrototypeOf(this, Problem.prototype);
    this.name = 'PlayGuardProblem';
    for (const k of Object.keys(body)) if (RESERVED.indexOf(k) < 0) (this as unknown as Record<string, unknown>)[k] = body[k];
    this.type = String(body.type);
    this.title = String(body.title);
    this.status = Number(body.status);
    this.detail = String(body.detail);
    this.code = body.code as ProblemCode;
    this.httpStatus = httpStatus;
    this.retryAfterSeconds = retryAfterSeconds;
    this.requestId = requestId;
    this.problem = body;
    (this as unknown as Record<PropertyKey, unknown>)[BRAND] = 'problem';
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
  readonly kind: 'network' | 'timeout';
  readonly cause: unknown;
  constructor(kind: 'network' | 'timeout', cause?: unknown) {
    super(kind === 'timeout' ? 'no answer in time' : 'network error');
    Object.setPrototypeOf(this, PlayGuardNetworkError.prototype);
    this.name = 'PlayGuardNetworkError';
    this.kind = kind;
    this.cause = cause;
    (this as unknown as Record<PropertyKey, unknown>)[BRAND] = 'network';
  }
}

/**
 * The gateway's front door is shedding load: a 429 or 503 that carries no problem document (API
 * Gateway's throttling, a load balancer). Nothing was done; the same request may be sent again after
 * `retryAfter` seconds (null when the answer named no wait: back off). Not `rate_limited`, which
 * is the gateway refusing too many failed real-name submissions.
 */
export class PlayGuardThrottledError extends Error {
  readonly kind = 'throttled' as const;
  readonly httpStatus: number;
  /** Seconds to wait before sending the same request again (`Retry-After`), null when not given. */
  readonly retryAfter: number | null;
  readonly requestId: string | null;
  constructor(httpStatus: number, retryAfter: number | null, requestId: string | null) {
    super(`throttled (${httpStatus})`);
    Object.setPrototypeOf(this, PlayGuardThrottledError.prototype);
    this.name = 'PlayGuardThrottledError';
    this.httpStatus = httpStatus;
    this.retryAfter = retryAfter;
    this.requestId = requestId;
    (this as unknown as Record<PropertyKey, unknown>)[BRAND] = 'throttled';
  }
}

/** Any error a call of this client throws. */
export type PlayGuardError = PlayGuardProblem | PlayGuardNetworkError | PlayGuardThrottledError;

const branded = (e: unknown, kind: string): boolean => typeof e === 'object' && e !== null && (e as Record<PropertyKey, unknown>)[BRAND] === kind;
export const isPlayGuardProblem = (e: unknown): e is PlayGuardProblem => branded(e, 'problem');
export const isPlayGuardNetworkError = (e: unknown): e is PlayGuardNetworkError => branded(e, 'network');
export const isPlayGuardThrottled = (e: unknown): e is PlayGuardThrottledError => branded(e, 'throttled');

export { FALLBACK };

/** `Retry-After` as seconds: a number of seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterSeconds(value: string | null, nowMs = Date.now()): number | null {
  if (!value) return null;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

function failureOf(status: number, header: (name: string) => string | null, data: unknown): PlayGuardProblem | PlayGuardThrottledError {
  const after = retryAfterSeconds(header('retry-after'));
  const id = header('x-request-id');
  if (data && typeof data === 'object' && typeof (data as { code?: unknown }).code === 'string')
    return new PlayGuardProblem(status, data as Record<string, unknown>, after, id);
  if (status === 429 || status === 503) return new PlayGuardThrottledError(status, after, id);
  const known = FALLBACK[status];
  const [code, detail] = known || FALLBACK[500]!;
  return new PlayGuardProblem(status, { type: `urn:playguard:problem:${code}`, title: code, status: known ? status : 500, detail, code }, after, id);
}

export const sleep = (t: Transport, seconds: number): Promise<void> => new Promise((resolve) => t.timers.setTimeout(resolve, seconds * 1000));

/** One request, one answer: the parsed body of a 2xx, or a thrown PlayGuardProblem / PlayGuardThrottledError / PlayGuardNetworkError. */
export async function send<T>(t: Transport, method: string, path: string, body?: unknown, auth = true): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (auth) headers.authorization = `Bearer ${typeof t.token === 'function' ? await t.token() : t.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const abort = typeof AbortController === 'function' ? new AbortController() : undefined;
  let timer: unknown;
  const timedOut = new Promise<never>((_, reject) => {
    timer = t.timers.setTimeout(() => {
      if (abort) abort.abort();
      reject(new PlayGuardNetworkError('timeout'));
    }, t.timeoutMs);
  });
  // The answer counts only once its body has arrived: a response cut off mid-body is a lost one.
  const answered = (async () => {
    const init: Parameters<Fetch>[1] = { method, headers };
    if (body !== undefined) init.body = JSON.stringify(body);
    if (abort) init.signal = abort.signal;
    const res = await t.fetch(t.baseUrl + path, init);
    return { res, text: await res.text() };
  })();
  answered.catch(() => {}); // settled by the race below; a late failure after a timeout is not news
  let answer: { res: Awaited<ReturnType<Fetch>>; text: string };
  try {
    answer = await Promise.race([answered, timedOut]);
  } catch (error) {
    throw isPlayGuardNetworkError(error) ? error : new PlayGuardNetworkError('network', error);
  } finally {
    t.timers.clearTimeout(timer);
  }
  const { res, text } = answer;
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (res.status >= 200 && res.status < 300) return data as T;
  throw failureOf(res.status, (name) => res.headers.get(name), data);
}

/** At most this many seconds of `Retry-After` are waited out inside a call; a longer wait is the caller's to decide. */
export const MAX_INLINE_RETRY_AFTER_SECONDS = 5;

/** How long to wait before repeating after this error inside a call, or null to throw it. */
export function inlineWait(error: unknown, attempt: number): number | null {
  if (attempt >= 2) return null;
  let wait: number | null = null;
  if (isPlayGuardThrottled(error)) wait = error.retryAfter === null ? attempt + 1 : error.retryAfter;
  else if (isPlayGuardProblem(error) && (error.httpStatus === 429 || error.httpStatus === 503)) wait = error.retryAfterSeconds;
  return wait !== null && wait <= MAX_INLINE_RETRY_AFTER_SECONDS ? wait : null;
}

/**
 * A call that is safe to repeat (every write of the API is idempotent by its key; write_contention
 * and throttling say nothing changed): repeated up to twice when the gateway answers 429/503 with a
 * short `Retry-After`, or its front door throttles (after 1 s, then 2 s, when it names no wait);
 * otherwise thrown, with the wait in `retryAfterSeconds` / `retryAfter`.
 */
export async function call<T>(t: Transport, method: string, path: string, body?: unknown, auth = true): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await send<T>(t, method, path, body, auth);
    } catch (error) {
      const wait = inlineWait(error, attempt);
      if (wait === null) throw error;
      await sleep(t, wait);
    }
  }
}
