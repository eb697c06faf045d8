/**
 * A simulator of the national real-name system that speaks the real protocol (NPPA.md): headers,
 * signature, AES-GCM bodies, field rules, batch size, the 180 s rule, per-second rate limits
 * (1006). It serves the production-style paths and the official test system's paths with the
 * official preset data. `npm start` runs it when the NPPA_* variables are unset; tests use it to
 * inject failures and to count what arrived.
 *
 * Other identities are deterministic: a valid ID number is verified with PI = base-26 birth date +
 * 32 characters derived from the number; a name containing 不符 fails; a name starting with 某二 or
 * containing 认证中 stays "in progress" until queried at least once 5 s or more after the check.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parseIdNumber } from '#shared/domain/idNumber';
import { beijingDate } from '#shared/domain/beijingTime';
import { decryptBody, signRequest } from '#shared/nppa/crypto';
import { piPrefixForBirthDate } from '#shared/nppa/pi';

export const OFFICIAL_TEST_PIS = [
  '1fffbjzos82bs9cnyj1dna7d6d29zg4esnh99u',
  '1fffbkmd9ebtwi7u7f4oswm9li6twjydqs7qjv',
  '1fffblf892i0p1zh6wlec2quukxtw29v4yismp',
  '1fffbmr55j92gttv5wxspm0mgvw8x3p0n7cy0j',
  '1fffbjqfba5y6uwr55cdak6faokhm4s02qkyue',
  '1fffbkrwndszes1sngfx3v6pdqh87fi4zhz9ur',
  '1fffbl6st3fbp199i8zh5ggcp84fgo3rj7pn1y',
  '1fffbmzwmr1k3y8bri2linqbhnvmu510u5jj6z',
];

export interface SimulatorOptions {
  appId?: string;
  bizId?: string;
  secretKey?: string;
  now?: () => number;
  rateLimits?: { check: number; query: number; loginout: number };
}

export interface ReceivedEvent {
  no: number;
  si: string;
  bt: number;
  ot: number;
  ct: number;
  pi?: string;
  di?: string;
}

type Endpoint = 'check' | 'query' | 'loginout';

interface CheckRecord {
  status: 0 | 1 | 2;
  pi?: string;
  checkedAt: number;
}

const reply = (res: ServerResponse, errcode: number, errmsg: string, data?: unknown, status = 200) => {
  res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
  res.end(JSON.stringify({ errcode, errmsg, ...(data === undefined ? {} : { data }) }));
};

export class NppaSimulator {
  readonly appId: string;
  readonly bizId: string;
  readonly secretKey: string;
  private readonly now: () => number;
  private readonly limits: Record<Endpoint, number>;
  private server: Server | undefined;
  private readonly checks = new Map<string, CheckRecord>();
  private readonly windows = new Map<Endpoint, { second: number; count: number }>();
  /** Every loginout item accepted, in arrival order. */
  readonly receivedLoginouts: ReceivedEvent[] = [];
  readonly calls: Record<Endpoint, number> = { check: 0, query: 0, loginout: 0 };
  /** Rate-limit rejections (1006) answered, per endpoint. */
  readonly rateLimited: Record<Endpoint, number> = { check: 0, query: 0, loginout: 0 };
  private injected: Array<{ errcode: number; endpoint?: Endpoint }> = [];
  private down: 'no' | 'error' | 'hang' = 'no';
  private garbage = false;
  private failItem: ((item: ReceivedEvent) => number | null) | null = null;

  constructor(options: SimulatorOptions = {}) {
    this.appId = options.appId ?? 'sim-app';
    this.bizId = options.bizId ?? 'sim-biz';
    this.secretKey = options.secretKey ?? '0123456789abcdef0123456789abcdef';
    this.now = options.now ?? Date.now;
    this.limits = options.rateLimits ?? { check: 100, query: 300, loginout: 10 };
  }

  async start(port = 0): Promise<{ url: string }> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    const address = this.server.address();
    return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}` };
  }

  /** The NPPA_* variables that point a gateway at this simulator (served at `url`). */
  environment(url: string): Record<'NPPA_CHECK_URL' | 'NPPA_QUERY_URL' | 'NPPA_LOGINOUT_URL' | 'NPPA_APP_ID' | 'NPPA_BIZ_ID' | 'NPPA_SECRET_KEY', string> {
    return {
      NPPA_CHECK_URL: `${url}/idcard/authentication/check`,
      NPPA_QUERY_URL: `${url}/idcard/authentication/query`,
      NPPA_LOGINOUT_URL: `${url}/behavior/collection/loginout`,
      NPPA_APP_ID: this.appId,
      NPPA_BIZ_ID: this.bizId,
      NPPA_SECRET_KEY: this.secretKey,
    };
  }

  /** The client settings for this simulator's production-style paths. */
  clientSettings(url: string) {
    const env = this.environment(url);
    return { checkUrl: env.NPPA_CHECK_URL, queryUrl: env.NPPA_QUERY_URL, loginoutUrl: env.NPPA_LOGINOUT_URL, appId: this.appId, bizId: this.bizId, secretKeys: [this.secretKey] };
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
  }

  /** The next call (to `endpoint`, or any) answers this errcode. */
  failNext(errcode: number, endpoint?: Endpoint): void {
    this.injected.push({ errcode, ...(endpoint ? { endpoint } : {}) });
  }

  setDown(mode: 'no' | 'error' | 'hang'): void {
    this.down = mode;
  }

  setGarbage(on: boolean): void {
    this.garbage = on;
  }

  /** Make loginout items fail with an item-level errcode (3001 partial failure). */
  failItems(rule: ((item: ReceivedEvent) => number | null) | null): void {
    this.failItem = rule;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://sim');
    const route = this.route(url.pathname);
    if (!route) return reply(res, 1002, 'resource not found', undefined, 404);
    if (this.down === 'hang') return; // never answers: the client's timeout must fire
    if (this.down === 'error') {
      res.writeHead(502);
      res.end('bad gateway');
      return;
    }
    if (this.garbage) {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>maintenance</html>');
      return;
    }
    const { endpoint, testCode } = route;
    this.calls[endpoint] += 1;
    const expectedMethod = endpoint === 'query' ? 'GET' : 'POST';
    if (req.method !== expectedMethod) return reply(res, 1003, 'wrong method');

    const h = (name: string) => req.headers[name.toLowerCase()] as string | undefined;
    const appId = h('appId');
    const bizId = h('bizId');
    const timestamps = h('timestamps');
    const sign = h('sign');
    if (!appId || !bizId || !timestamps || !sign) return reply(res, 1004, 'core header missing');
    if (appId !== this.appId) return reply(res, 1008, 'caller identity invalid');
    if (bizId !== this.bizId) return reply(res, 1011, 'caller verification failed');
    const ts = Number(timestamps);
    if (!Number.isFinite(ts) || Math.abs(this.now() - ts) > 5000) return reply(res, 1007, 'request expired');

    const query: Record<string, string> = {};
    url.searchParams.forEach((v, k) => (query[k] = v));
    const expected = signRequest({ secretKey: this.secretKey, headers: { appId, bizId, timestamps }, query, body: endpoint === 'query' ? '' : body });
    if (expected !== sign) return reply(res, 1012, 'message verification failed');

    const injected = this.injected.findIndex((f) => !f.endpoint || f.endpoint === endpoint);
    if (injected >= 0) {
      const [{ errcode }] = this.injected.splice(injected, 1) as [{ errcode: number }];
      return reply(res, errcode, 'injected');
    }
    if (!this.withinRate(endpoint)) {
      this.rateLimited[endpoint] += 1;
      return reply(res, 1006, 'rate limited');
    }

    let plaintext: Record<string, unknown> = {};
    if (endpoint !== 'query') {
      try {
        const envelope = JSON.parse(body) as { data?: unknown };
        if (typeof envelope.data !== 'string') throw new Error('no data');
        plaintext = JSON.parse(decryptBody(envelope.data, this.secretKey)) as Record<string, unknown>;
      } catch {
        return reply(res, 1012, 'message verification failed');
      }
    }
    if (endpoint === 'check') return this.check(res, plaintext, testCode);
    if (endpoint === 'query') return this.query(res, query.ai ?? '', testCode);
    return this.loginout(res, plaintext, ts);
  }

  private route(path: string): { endpoint: Endpoint; testCode?: string } | undefined {
    if (path === '/idcard/authentication/check') return { endpoint: 'check' };
    if (path === '/idcard/authentication/query') return { endpoint: 'query' };
    if (path === '/behavior/collection/loginout') return { endpoint: 'loginout' };
    const m = /^\/test\/(authentication\/check|authentication\/query|collection\/loginout)\/([^/]+)$/.exec(path);
    if (!m) return undefined;
    const endpoint = m[1] === 'authentication/check' ? 'check' : m[1] === 'authentication/query' ? 'query' : 'loginout';
    return { endpoint, testCode: m[2]! };
  }

  private withinRate(endpoint: Endpoint): boolean {
    const second = Math.floor(this.now() / 1000);
    const w = this.windows.get(endpoint);
    if (!w || w.second !== second) {
      this.windows.set(endpoint, { second, count: 1 });
      return true;
    }
    w.count += 1;
    return w.count <= this.limits[endpoint];
  }

  private check(res: ServerResponse, body: Record<string, unknown>, testCode?: string): void {
    const { ai, name, idNum } = body as { ai?: unknown; name?: unknown; idNum?: unknown };
    if (typeof ai !== 'string' || ai.length === 0 || ai.length > 32) return reply(res, 4003, 'invalid parameter: ai');
    if (typeof name !== 'string' || name.length === 0) return reply(res, 4003, 'invalid parameter: name');
    if (typeof idNum !== 'string' || !/^\d{17}[\dX]$/.test(idNum)) return reply(res, 2001, 'id number format invalid');
    if (testCode !== undefined) {
      // Official test system: preset ai values decide the answer.
      if (/^10000000000000000[1-8]$/.test(ai)) return reply(res, 0, 'OK', { result: { status: 0, pi: OFFICIAL_TEST_PIS[Number(ai.slice(-1)) - 1] } });
      if (/^20000000000000000[1-8]$/.test(ai)) return reply(res, 0, 'OK', { result: { status: 1 } });
      return reply(res, 0, 'OK', { result: { status: 2 } });
    }
    if (this.checks.has(ai)) return reply(res, 2004, 'ai already in use');
    const parsed = parseIdNumber(idNum, beijingDate(this.now()));
    if (!parsed.ok) return reply(res, 2001, 'id number format invalid');
    let status: 0 | 1 | 2 = 0;
    if (name.includes('不符')) status = 2;
    else if (name.startsWith('某二') || name.includes('认证中')) status = 1;
    const pi = piPrefixForBirthDate(parsed.birthDate) + createHash('sha256').update(`pi:${parsed.idNumber}`).digest('hex').slice(0, 32);
    this.checks.set(ai, { status, ...(status === 2 ? {} : { pi }), checkedAt: this.now() });
    reply(res, 0, 'OK', { result: status === 0 ? { status, pi } : { status } });
  }

  private query(res: ServerResponse, ai: string, testCode?: string): void {
    if (testCode !== undefined) {
      if (/^10000000000000000[1-8]$/.test(ai)) return reply(res, 0, 'OK', { result: { status: 0, pi: OFFICIAL_TEST_PIS[Number(ai.slice(-1)) - 1] } });
      if (/^20000000000000000[1-8]$/.test(ai)) return reply(res, 0, 'OK', { result: { status: 1 } });
      if (/^30000000000000000[1-8]$/.test(ai)) return reply(res, 0, 'OK', { result: { status: 2 } });
      return reply(res, 2003, 'no record for this ai');
    }
    const record = this.checks.get(ai);
    if (!record) return reply(res, 2003, 'no record for this ai');
    if (record.status === 1) {
      // "In progress" until it is queried 5 s or more after the check: that query finds it done.
      if (this.now() - record.checkedAt < 5000) return reply(res, 0, 'OK', { result: { status: 1 } });
      record.status = 0;
    }
    reply(res, 0, 'OK', { result: record.status === 0 ? { status: 0, pi: record.pi } : { status: record.status } });
  }

  private loginout(res: ServerResponse, body: Record<string, unknown>, timestamps: number): void {
    const collections = (body as { collections?: unknown }).collections;
    if (!Array.isArray(collections) || collections.length === 0) return reply(res, 3002, 'empty');
    if (collections.length > 128) return reply(res, 3003, 'too many items');
    const items = collections as ReceivedEvent[];
    const tsSeconds = timestamps / 1000;
    const ots = items.map((i) => Number(i.ot));
    const timeOk = ots.every(Number.isInteger) && Math.min(...ots) > tsSeconds - 180 && Math.max(...ots) < tsSeconds;
    const results: Array<{ no: number; errcode: number; errmsg: string }> = [];
    items.forEach((item, index) => {
      const fail = (errcode: number, errmsg: string) => results.push({ no: Number(item.no), errcode, errmsg });
      if (item.no !== index + 1) return fail(3004, 'bad no');
      if (!timeOk) return fail(3005, 'bad time');
      if (item.ct !== 0 && item.ct !== 2) return fail(3006, 'bad ct');
      if (item.bt !== 0 && item.bt !== 1) return fail(3007, 'bad bt');
      if (typeof item.si !== 'string' || item.si.length === 0 || item.si.length > 32) return fail(3004, 'bad si');
      if (item.ct === 0 && !item.pi) return fail(3008, 'pi missing');
      if (item.ct === 0 && !/^[0-9a-p]{6}[0-9a-z]{32}$/.test(item.pi!)) return fail(3010, 'pi invalid');
      if (item.ct === 2 && !item.di) return fail(3009, 'di missing');
      const injected = this.failItem?.(item);
      if (injected) return fail(injected, 'injected');
      this.receivedLoginouts.push({ ...item });
    });
    if (results.length) return reply(res, 3001, 'partial failure', { results });
    reply(res, 0, 'OK');
  }
}
