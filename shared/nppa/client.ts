/**
 * The national real-name system's client: check, query, loginout (NPPA.md). Three URLs configured
 * separately (production hosts and schemes differ; the official test system uses per-case URLs).
 * Errors are sorted by what the caller should do: retry later (NppaUnavailable), fix the
 * configuration (NppaConfigurationError — loud, never retried), or act on the data (NppaRejected).
 * Nothing here logs: the request bodies carry names and ID numbers.
 */
import { randomBytes } from 'node:crypto';
import { encryptBody, signRequest } from '#shared/nppa/crypto';

export interface NppaConfig {
  checkUrl: string;
  queryUrl: string;
  loginoutUrl: string;
  appId: string;
  bizId: string;
  /** The current key first; during rotation the previous one second. */
  secretKeys: string[];
  now: () => number;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Backoff between retries of transient failures; tests shorten it. */
  backoffMs?: number;
  /** No retry starts after this much time has passed since the call began (a Lambda has 15 s). */
  deadlineMs?: number;
  limiter?: { acquire(endpoint: 'check' | 'query' | 'loginout'): Promise<void> };
}

export type CheckResult = { status: 'verified'; pi: string } | { status: 'pending' } | { status: 'failed' };

export interface LoginoutItem {
  no: number;
  si: string;
  bt: 0 | 1;
  ot: number;
  ct: 0 | 2;
  di?: string;
  pi?: string;
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

/** Our configuration or request is wrong (1002–1005, 1008–1012): alarm, never loop. */
export class NppaConfigurationError extends Error {
  constructor(readonly errcode: number) {
    super(`national system refused the request: errcode ${errcode}`);
    this.name = 'NppaConfigurationError';
  }
}

/** A data error the caller acts on (2001–2004, 3002–3010, 4001–4003). */
export class NppaRejected extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`national system rejected the data: errcode ${errcode}`);
    this.name = 'NppaRejected';
  }
}

const CONFIGURATION_ERRORS = new Set([1002, 1003, 1004, 1005, 1008, 1009, 1010, 1011, 1012]);
const KEY_ERRORS = new Set([1011, 1012]);

/** A fresh `ai` (check attempt id): 32 characters, unique per attempt. */
export const newAttemptId = (): string => randomBytes(16).toString('hex');

interface Envelope {
  errcode: number;
  errmsg: string;
  data?: { result?: { status?: number; pi?: string }; results?: Array<{ no: number; errcode: number; errmsg: string }> };
}

export class NppaClient {
  private readonly fetcher: typeof fetch;

  constructor(private readonly config: NppaConfig) {
    this.fetcher = config.fetch ?? fetch;
  }

  async check(input: { ai: string; name: string; idNum: string }): Promise<CheckResult> {
    await this.config.limiter?.acquire('check');
    return this.resultOf(await this.call('POST', this.config.checkUrl, {}, JSON.stringify(input)));
  }

  async query(ai: string): Promise<CheckResult> {
    await this.config.limiter?.acquire('query');
    return this.resultOf(await this.call('GET', this.config.queryUrl, { ai }, null));
  }

  /** Resolves with the items the national system refused (3001 partial failure), or none. */
  async loginout(collections: LoginoutItem[]): Promise<{ failed: Array<{ no: number; errcode: number; errmsg: string }> }> {
    await this.config.limiter?.acquire('loginout');
    try {
      await this.call('POST', this.config.loginoutUrl, {}, JSON.stringify({ collections }));
      return { failed: [] };
    } catch (error) {
      if (error instanceof PartialFailure) return { failed: error.results };
      throw error;
    }
  }

  private resultOf(envelope: Envelope): CheckResult {
    const result = envelope.data?.result;
    if (result?.status === 0 && result.pi) return { status: 'verified', pi: result.pi };
    if (result?.status === 1) return { status: 'pending' };
    if (result?.status === 2) return { status: 'failed' };
    throw new NppaUnavailable(null);
  }

  private async call(method: 'GET' | 'POST', baseUrl: string, query: Record<string, string>, plaintext: string | null): Promise<Envelope> {
    const [current, previous] = this.config.secretKeys;
    if (!current) throw new NppaConfigurationError(1008);
    let attempt = 0;
    const startedAt = Date.now();
    const deadline = this.config.deadlineMs ?? 8000;
    let key = current;
    let triedPrevious = false;
    for (;;) {
      try {
        return await this.once(method, baseUrl, query, plaintext, key);
      } catch (error) {
        // Two keys during rotation: a signature refusal with the current key tries the previous one once.
        if (error instanceof NppaConfigurationError && KEY_ERRORS.has(error.errcode) && previous && !triedPrevious) {
          key = previous;
          triedPrevious = true;
          continue;
        }
        const retryable = error instanceof NppaUnavailable && error.errcode !== 1006;
        if (!retryable || attempt >= 2 || Date.now() - startedAt + (this.config.timeoutMs ?? 5000) > deadline) throw error;
        attempt += 1;
        await new Promise((r) => setTimeout(r, (this.config.backoffMs ?? 200) * 2 ** (attempt - 1)));
      }
    }
  }

  private async once(method: 'GET' | 'POST', baseUrl: string, query: Record<string, string>, plaintext: string | null, secretKey: string): Promise<Envelope> {
    const url = new URL(baseUrl);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const body = plaintext === null ? '' : JSON.stringify({ data: encryptBody(plaintext, secretKey) });
    const system = { appId: this.config.appId, bizId: this.config.bizId, timestamps: String(this.config.now()) };
    const sign = signRequest({ secretKey, headers: system, query, body });
    let response: Response;
    try {
      response = await this.fetcher(url, {
        method,
        headers: { ...(method === 'POST' ? { 'Content-Type': 'application/json; charset=utf-8' } : {}), ...system, sign },
        ...(method === 'POST' ? { body } : {}),
        signal: AbortSignal.timeout(this.config.timeoutMs ?? 5000),
      });
    } catch {
      throw new NppaUnavailable(null);
    }
    if (response.status >= 500) throw new NppaUnavailable(null);
    let envelope: Envelope;
    try {
      envelope = (await response.json()) as Envelope;
    } catch {
      throw new NppaUnavailable(null);
    }
    if (typeof envelope?.errcode !== 'number') throw new NppaUnavailable(null);
    const code = envelope.errcode;
    if (code === 0) return envelope;
    if (code === 1001 || code === 1007) throw new NppaUnavailable(code);
    if (code === 1006) throw new NppaUnavailable(code, 60);
    if (CONFIGURATION_ERRORS.has(code)) throw new NppaConfigurationError(code);
    if (code === 3001) throw new PartialFailure(envelope.data?.results ?? []);
    throw new NppaRejected(code, String(envelope.errmsg ?? ''));
  }
}

class PartialFailure extends Error {
  constructor(readonly results: Array<{ no: number; errcode: number; errmsg: string }>) {
    super('partial failure');
  }
}
