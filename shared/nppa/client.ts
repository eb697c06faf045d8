/**
 * The national real-name system's client: check, query, loginout (docs/nppa.md). Three URLs configured
 * separately (production hosts and schemes differ; the official test system uses per-case URLs).
 * Errors are sorted by what the caller should do: retry later (NppaUnavailable), fix the
 * configuration (NppaConfigurationError — loud, never retried), or act on the data (NppaRejected).
 * Nothing here logs, and no error text carries request data: the bodies hold names and ID numbers.
 */
import { randomBytes } from 'node:crypto';
import { encryptBody, signRequest } from '#shared/nppa/crypto';
import {
  CHECK_STATUS,
  classifyErrcode,
  RATE_LIMIT_LOCKOUT_SECONDS,
  REQUEST_LIFETIME_MS,
  type CheckRequest,
  type CheckResult,
  type LoginoutItem,
  type LoginoutItemFailure,
  type NppaEndpoint,
  type NppaEnvelope,
} from '#shared/nppa/protocol';

export type { CheckRequest, CheckResult, LoginoutItem, LoginoutItemFailure, NppaEndpoint } from '#shared/nppa/protocol';

/** Shared across every running function (the per-game QPS limits); one permit per HTTP request. */
export interface NppaLimiter {
  acquire(endpoint: NppaEndpoint): Promise<void>;
}

/** A permit for one call now, or false when this second's calls are spent (a request that must not wait). */
export interface NppaPace {
  tryAcquire(): Promise<boolean>;
}

export interface NppaConfig {
  checkUrl: string;
  queryUrl: string;
  loginoutUrl: string;
  appId: string;
  bizId: string;
  /** The current key first; during rotation the previous one second. */
  secretKeys: string[];
  /** Epoch ms; the `timestamps` header is read from it (the gateway's clock, virtual locally). */
  now: () => number;
  /**
   * Real time, which the retry deadline is measured in: a Lambda's timeout runs on it, whatever the
   * gateway's clock says (locally a virtual clock may stand still or jump). Default Date.now.
   */
  realNow?: () => number;
  fetch?: typeof fetch;
  /** Per request; docs/nppa.md: a request expires 5 s after its timestamps, so waiting longer is pointless. */
  timeoutMs?: number;
  /** First backoff between retries of transient failures, doubled each time; tests shorten it. */
  backoffMs?: number;
  /** No retry starts unless it can finish within this long after the call began (a Lambda has 15 s). */
  deadlineMs?: number;
  sleep?: (ms: number) => Promise<void>;
  limiter?: NppaLimiter;
  /**
   * The request path's pace for checks: every check request (a retry too) first takes a permit,
   * right before it is sent, without waiting; none left → NppaPaced, never retried.
   */
  checkPace?: NppaPace;
}

/** Retry later: network errors, timeouts, 5xx, garbage, 1001 system error, 1006 rate limited, 1007 expired. */
export class NppaUnavailable extends Error {
  constructor(
    readonly errcode: number | null,
    readonly retryAfterSeconds = 5,
  ) {
    super(`national system unavailable${errcode ? ` (errcode ${errcode})` : ''}`);
    this.name = 'NppaUnavailable';
  }
}

/** This second's checks are spent (`checkPace`): nothing was sent; try again later, like an outage. */
export class NppaPaced extends NppaUnavailable {
  constructor() {
    super(null, 1);
    this.name = 'NppaPaced';
  }
}

/** Our configuration or request is wrong (1002–1005, 1008–1012): alarm, never loop. */
export class NppaConfigurationError extends Error {
  constructor(readonly errcode: number) {
    super(`national system refused the request: errcode ${errcode}`);
    this.name = 'NppaConfigurationError';
  }
}

/** A data error the caller acts on (2001–2004, 3002–3010, 4001–4003). `errmsg` is the national system's text. */
export class NppaRejected extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`national system rejected the data: errcode ${errcode}`);
    this.name = 'NppaRejected';
  }
}

/** A fresh `ai` (check attempt id): 32 random hex characters, unique per attempt. */
export const newAttemptId = (): string => randomBytes(16).toString('hex');

const MAX_TRANSIENT_RETRIES = 2;
const KEY_ERRORS = new Set([1011, 1012]);
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Raised inside `call` for 3001 so loginout can return the failed items. */
class PartialFailure extends Error {
  constructor(readonly results: LoginoutItemFailure[]) {
    super('partial failure');
  }
}

export class NppaClient {
  private readonly fetcher: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly config: NppaConfig) {
    this.fetcher = config.fetch ?? fetch;
    this.sleep = config.sleep ?? defaultSleep;
  }

  /** Real-name check. Rejects with NppaRejected 2001 (ID format), 2004 (ai in use), …. */
  async check(input: CheckRequest): Promise<CheckResult> {
    // Fixed key order: the plaintext carries exactly the three fields of the specification.
    const plaintext = JSON.stringify({ ai: input.ai, name: input.name, idNum: input.idNum });
    return resultOf(await this.call('check', 'POST', this.config.checkUrl, {}, plaintext));
  }

  /** Result of an earlier check by its `ai`. Rejects with NppaRejected 2003 when there is no record. */
  async query(ai: string): Promise<CheckResult> {
    return resultOf(await this.call('query', 'GET', this.config.queryUrl, { ai }, null));
  }

  /** Resolves with the items the national system refused (3001 partial failure), or none. */
  async loginout(collections: LoginoutItem[]): Promise<{ failed: LoginoutItemFailure[] }> {
    try {
      await this.call('loginout', 'POST', this.config.loginoutUrl, {}, JSON.stringify({ collections }));
      return { failed: [] };
    } catch (error) {
      if (error instanceof PartialFailure) return { failed: error.results };
      throw error;
    }
  }

  private async call(
    endpoint: NppaEndpoint,
    method: 'GET' | 'POST',
    baseUrl: string,
    query: Record<string, string>,
    plaintext: string | null,
  ): Promise<NppaEnvelope> {
    const [current, previous] = this.config.secretKeys.filter(isSecretKey);
    // A missing or malformed key would only earn 1012 from the national system: say so before sending.
    if (!current || !isSecretKey(this.config.secretKeys[0])) throw new NppaConfigurationError(1012);
    const realNow = this.config.realNow ?? Date.now;
    const startedAt = realNow();
    const timeoutMs = this.config.timeoutMs ?? REQUEST_LIFETIME_MS;
    const deadlineMs = this.config.deadlineMs ?? 8000;
    let key = current;
    let triedPrevious = false;
    let retriedExpired = false;
    let transientRetries = 0;
    for (;;) {
      try {
        return await this.once(endpoint, method, baseUrl, query, plaintext, key);
      } catch (error) {
        // Two keys during rotation: a signature refusal with the current key tries the previous one once.
        if (error instanceof NppaConfigurationError && KEY_ERRORS.has(error.errcode) && previous && !triedPrevious) {
          key = previous;
          triedPrevious = true;
          continue;
        }
        if (!(error instanceof NppaUnavailable) || error instanceof NppaPaced) throw error;
        // 1006 locks us out for a minute: the caller waits it out, never a request path.
        if (error.errcode === 1006) throw error;
        // 1007: our timestamp was stale (clock skew or a slow hop); one retry signs a fresh one.
        if (error.errcode === 1007) {
          if (retriedExpired) throw error;
          retriedExpired = true;
          continue;
        }
        if (transientRetries >= MAX_TRANSIENT_RETRIES) throw error;
        const backoff = (this.config.backoffMs ?? 200) * 2 ** transientRetries;
        if (realNow() - startedAt + backoff + timeoutMs > deadlineMs) throw error;
        transientRetries += 1;
        await this.sleep(backoff);
      }
    }
  }

  private async once(
    endpoint: NppaEndpoint,
    method: 'GET' | 'POST',
    baseUrl: string,
    query: Record<string, string>,
    plaintext: string | null,
    secretKey: string,
  ): Promise<NppaEnvelope> {
    const url = new URL(baseUrl);
    // `set`, not `append`: each parameter (notably `ai`) appears exactly once.
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const signedQuery: Record<string, string> = {};
    url.searchParams.forEach((v, k) => (signedQuery[k] = v));
    // A GET has no body and signs an empty one (never an encrypted empty body).
    const body = plaintext === null ? '' : JSON.stringify({ data: encryptBody(plaintext, secretKey) });
    await this.config.limiter?.acquire(endpoint);
    // Last before sending: a permit taken earlier would let the time in between make the call late for its second.
    if (endpoint === 'check' && this.config.checkPace && !(await this.config.checkPace.tryAcquire())) throw new NppaPaced();
    const system = { appId: this.config.appId, bizId: this.config.bizId, timestamps: String(this.config.now()) };
    const sign = signRequest({ secretKey, headers: system, query: signedQuery, body });
    let response: Response;
    let envelope: unknown;
    try {
      response = await this.fetcher(url, {
        method,
        headers: { ...(method === 'POST' ? { 'Content-Type': 'application/json; charset=utf-8' } : {}), ...system, sign },
        ...(method === 'POST' ? { body } : {}),
        signal: AbortSignal.timeout(this.config.timeoutMs ?? REQUEST_LIFETIME_MS),
      });
      if (response.status >= 500) throw new NppaUnavailable(null);
      envelope = await response.json();
    } catch (error) {
      // Network error, timeout, 5xx, or a body that is not JSON: all "try again later".
      if (error instanceof NppaUnavailable) throw error;
      throw new NppaUnavailable(null);
    }
    if (!isEnvelope(envelope)) throw new NppaUnavailable(null);
    const code = envelope.errcode;
    switch (classifyErrcode(code)) {
      case 'ok':
        return envelope;
      case 'retry':
      case 'expired':
      case 'unknown':
        throw new NppaUnavailable(code);
      case 'rate_limited':
        throw new NppaUnavailable(code, RATE_LIMIT_LOCKOUT_SECONDS);
      case 'configuration':
        throw new NppaConfigurationError(code);
      case 'partial': {
        const results = dataOf(envelope)?.results;
        // A 3001 that does not say which items failed cannot be settled item by item: send it again later.
        if (!Array.isArray(results) || results.length === 0) throw new NppaUnavailable(code);
        throw new PartialFailure(results.map((r) => ({ no: Number(r.no), errcode: Number(r.errcode), errmsg: String(r.errmsg ?? '') })));
      }
      case 'data':
        throw new NppaRejected(code, typeof envelope.errmsg === 'string' ? envelope.errmsg : '');
    }
  }
}

const isSecretKey = (key: string | undefined): key is string => typeof key === 'string' && /^[0-9a-fA-F]{32}$/.test(key);

function isEnvelope(value: unknown): value is NppaEnvelope {
  return typeof value === 'object' && value !== null && typeof (value as { errcode?: unknown }).errcode === 'number';
}

/** The object `data` of an answer; a loginout success may carry `"data": ""` (the specification's example), null, or none. */
const dataOf = (envelope: NppaEnvelope) => (typeof envelope.data === 'object' && envelope.data !== null ? envelope.data : undefined);

/** check/query answer → result; anything outside the specification means the answer is unusable. */
function resultOf(envelope: NppaEnvelope): CheckResult {
  const result = dataOf(envelope)?.result;
  if (result?.status === CHECK_STATUS.verified && typeof result.pi === 'string' && result.pi.length === 38) return { status: 'verified', pi: result.pi };
  if (result?.status === CHECK_STATUS.pending) return { status: 'pending' };
  if (result?.status === CHECK_STATUS.failed) return { status: 'failed' };
  throw new NppaUnavailable(null);
}
