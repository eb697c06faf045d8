/**
 * End-to-end helpers: a local gateway on the run's DynamoDB Local with a fresh table, and a tiny
 * HTTP client that speaks to it over real HTTP.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { startLocalGateway, type LocalGateway } from '#infra/local/gateway';

/** `keyDir` keeps the development signing key in a folder, so a test can forge tokens with it. */
export async function startTestGateway(options: { keyDir?: string } = {}): Promise<LocalGateway> {
  return startLocalGateway({ dynamoEndpoint: inject('dynamoEndpoint'), tableName: `t-${randomUUID()}`, ...(options.keyDir ? { persistDir: options.keyDir } : {}) });
}

export interface HttpAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export function client(baseUrl: string) {
  const call = async <T = any>(method: string, path: string, options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<HttpAnswer<T>> => {
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
  return {
    call,
    // Long-lived: tests move the virtual clock by days.
    token: async (sub: string, scope: 'player' | 'server' = 'player'): Promise<string> => (await call<{ token: string }>('POST', '/__dev/tokens', { body: { sub, scope, ttlSeconds: 30 * 86_400 } })).body.token,
    setClock: async (iso: string) => call('PUT', '/__dev/clock', { body: { now: iso } }),
    tick: async () => call<{ ran: string[] }>('POST', '/__dev/tick'),
  };
}

/**
 * One gateway per test file: started before the file's own hooks, stopped after. The returned
 * object is filled in once the gateway is up (read `t.api` inside tests and hooks).
 */
export function useGateway(options: { keyDir?: string } = {}): { gateway: LocalGateway; api: ReturnType<typeof client> } {
  const t = {} as { gateway: LocalGateway; api: ReturnType<typeof client> };
  beforeAll(async () => {
    t.gateway = await startTestGateway(options);
    t.api = client(t.gateway.url);
  });
  afterAll(async () => t.gateway?.stop());
  return t;
}
