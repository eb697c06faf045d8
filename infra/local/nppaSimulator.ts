/**
 * A simulator of the national real-name system that speaks the real protocol (shared/nppa/protocol.ts):
 * headers, signature, AES-GCM bodies in standard base64, field rules, batch size, the 180 s rule,
 * per-second rate limits (1006, then a minute's lockout). It serves the production-style paths and
 * the official test system's paths with the official preset data. `npm start` runs it when the
 * NPPA_* variables are unset; tests use it to inject failures and to count what arrived.
 *
 * Other identities are deterministic: a valid ID number is verified with PI = base-26 birth date +
 * 32 characters derived from the number; a name containing 不符 fails; a name starting with 某二 or
 * containing 认证中 stays "in progress" until queried at least once 5 s or more after the check, and
 * is then verified — or failed when the name also contains 不符 (an in-progress check that fails).
 * Like the real system, a result is deleted 300 s after a successful query (its `ai` is free again)
 * and an in-progress result can be queried for 48 h.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parseIdNumber } from '#shared/domain/idNumber';
import { beijingDate } from '#shared/domain/beijingTime';
import { decryptBody, signRequest } from '#shared/nppa/crypto';
import { piPrefixForBirthDate } from '#infra/local/nppaPi';
import {
  AI_MAX_LENGTH,
  ERRMSG,
  loginoutRefusals,
  RATE_LIMIT_LOCKOUT_SECONDS,
  RATE_LIMITS,
  REQUEST_LIFETIME_MS,
  STANDARD_BASE64,
  type LoginoutItemFailure,
  type NppaEndpoint,
} from '#shared/nppa/protocol';

/** The official test system's loginout PIs (docs/nppa.md); the check/query presets answer with them too. */
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

export interface TestIdentity {
  ai: string;
  name: string;
  idNum: string;
}

const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八'];
/**
 * The official test system's preset check data: ai `<n>0000000000000000<i>`, name 某<n><i>, and an
 * ID number born 190<n>-01-0<1–4> with sequence 000 (i = 1–4) or 001 (i = 5–8) and its GB 11643
 * check character — the published examples (某一一 110000190101010001, 某一五 11000019010101001X,
 * 某二一 110000190201010009) follow this pattern, and the birth dates match the prefixes of the
 * preset PIs above. Group 1 is verified, 2 in progress, 3 failed (the query presets).
 */
const presetGroup = (n: 1 | 2 | 3, numbers: string[]): TestIdentity[] =>
  numbers.map((idNum, i) => ({ ai: `${n}0000000000000000${i + 1}`, name: `某${NUMERALS[n - 1]}${NUMERALS[i]}`, idNum }));
export const OFFICIAL_TEST_IDENTITIES = {
  verified: presetGroup(1, [
    '110000190101010001',
    '110000190101020007',
    '110000190101030002',
    '110000190101040008',
    '11000019010101001X',
    '110000190101020015',
    '110000190101030010',
    '110000190101040016',
  ]),
  inProgress: presetGroup(2, [
    '110000190201010009',
    '110000190201020004',
    '11000019020103000X',
    '110000190201040005',
    '110000190201010017',
    '110000190201020012',
    '110000190201030018',
    '110000190201040013',
  ]),
  failed: presetGroup(3, [
    '110000190301010006',
    '110000190301020001',
    '110000190301030007',
    '110000190301040002',
    '110000190301010014',
    '11000019030102001X',
    '110000190301030015',
    '110000190301040010',
  ]),
} as const;

/** The index of the preset whose ai, name and ID number all match, or null. */
const presetMatch = (presets: readonly TestIdentity[], c: TestIdentity): number | null => {
  const i = presets.findIndex((p) => p.ai === c.ai && p.name === c.name && p.idNum === c.idNum);
  return i < 0 ? null : i;
};

export interface SimulatorOptions {
  appId?: string;
  bizId?: string;
  /** Further games registered under the same appId (each with its own limits, as the real system). */
  otherBizIds?: string[];
  /** 32 hex characters. */
  secretKey?: string;
  now?: () => number;
  /** Requests per second per endpoint; beyond them the answer is 1006. */
  rateLimits?: { check: number; query: number; loginout: number };
  /**
   * How long an exceeded limit keeps answering 1006. Default: the real system's minute
   * (RATE_LIMIT_LOCKOUT_SECONDS); 0 refuses only the excess of that one second.
   */
  rateLimitLockoutMs?: number;
  /**
   * The clock the per-second limits and lockouts count in. Default `now`. The national system counts
   * calls in its own real seconds, so the local gateway, whose `now` is a virtual clock, passes real time.
   */
  rateNow?: () => number;
}

export interface ReceivedEvent {
  /** The game it was reported under (the request's bizId header). */
  bizId?: string;
  no: number;
  si: string;
  bt: number;
  ot: number;
  ct: number;
  pi?: string;
  di?: string;
}

type Endpoint = NppaEndpoint;
export type DownMode = 'no' | 'error' | 'hang';

interface CheckRecord {
  status: 0 | 1 | 2;
  /** What an in-progress check becomes once it is done. */
  eventual?: 0 | 2;
  pi?: string;
  checkedAt: number;
  /** Set by the first query that finds a final result: the record goes 300 s later. */
  deleteAt?: number;
}

const RESULT_RETENTION_AFTER_QUERY_MS = 300_000;
const PENDING_QUERYABLE_MS = 48 * 3600_000;
const PENDING_UNTIL_QUERIED_AFTER_MS = 5000;

const reply = (res: ServerResponse, errcode: number, errmsg = ERRMSG[errcode] ?? 'error', data?: unknown, status = 200) => {
  res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
  res.end(JSON.stringify({ errcode, errmsg, ...(data === undefined ? {} : { data }) }));
};

const presetIndex = (ai: string, leading: '1' | '2' | '3'): number | null => {
  const m = new RegExp(`^${leading}0000000000000000([1-8])$`).exec(ai);
  return m ? Number(m[1]) - 1 : null;
};

export class NppaSimulator {
  readonly appId: string;
  readonly bizId: string;
  private readonly bizIds: Set<string>;
  readonly secretKey: string;
  private readonly now: () => number;
  private readonly rateNow: () => number;
  private readonly limits: Record<Endpoint, number>;
  private readonly lockoutMs: number;
  private server: Server | undefined;
  private readonly checks = new Map<string, CheckRecord>();
  private readonly windows = new Map<string, { second: number; count: number }>();
  /** Lockouts per endpoint, [from, until): a virtual clock moved back before `from` is not locked out. */
  private readonly lockouts = new Map<string, { from: number; until: number }>();
  /** Every loginout item accepted, in arrival order. */
  readonly receivedLoginouts: ReceivedEvent[] = [];
  /** Requests that reached the protocol checks, per endpoint (not those answered while down or garbage). */
  readonly calls: Record<Endpoint, number> = { check: 0, query: 0, loginout: 0 };
  /** Rate-limit rejections (1006) answered, per endpoint. */
  readonly rateLimited: Record<Endpoint, number> = { check: 0, query: 0, loginout: 0 };
  private injected: Array<{ errcode: number; endpoint?: Endpoint }> = [];
  private down: DownMode = 'no';
  private garbage = false;
  private failItem: ((item: ReceivedEvent) => number | null) | null = null;

  constructor(options: SimulatorOptions = {}) {
    this.appId = options.appId ?? 'sim-app';
    this.bizId = options.bizId ?? 'sim-biz';
    this.bizIds = new Set([this.bizId, ...(options.otherBizIds ?? [])]);
    this.secretKey = options.secretKey ?? '0123456789abcdef0123456789abcdef';
    this.now = options.now ?? Date.now;
    this.rateNow = options.rateNow ?? this.now;
    this.limits = options.rateLimits ?? { ...RATE_LIMITS };
    this.lockoutMs = options.rateLimitLockoutMs ?? RATE_LIMIT_LOCKOUT_SECONDS * 1000;
  }

  async start(port = 0): Promise<{ url: string }> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const address = server.address();
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
    return {
      checkUrl: env.NPPA_CHECK_URL,
      queryUrl: env.NPPA_QUERY_URL,
      loginoutUrl: env.NPPA_LOGINOUT_URL,
      appId: this.appId,
      bizId: this.bizId,
      secretKeys: [this.secretKey],
    };
  }

  /** The client settings for the official test system's paths with one test code. */
  testSystemSettings(url: string, code: string) {
    return {
      checkUrl: `${url}/test/authentication/check/${code}`,
      queryUrl: `${url}/test/authentication/query/${code}`,
      loginoutUrl: `${url}/test/collection/loginout/${code}`,
      appId: this.appId,
      bizId: this.bizId,
      secretKeys: [this.secretKey],
    };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }

  /** The next authentic call (to `endpoint`, or any) answers this errcode; queue several for several calls. */
  failNext(failure: number | { errcode: number; endpoint?: Endpoint }, endpoint?: Endpoint): void {
    const f = typeof failure === 'number' ? { errcode: failure, ...(endpoint ? { endpoint } : {}) } : failure;
    this.injected.push(f);
  }

  /** 'error' (or true) answers 502 to everything; 'hang' never answers; 'no' (or false) is normal. */
  setDown(mode: DownMode | boolean): void {
    this.down = mode === true ? 'error' : mode === false ? 'no' : mode;
  }

  /** Answer an HTML page instead of JSON. */
  setGarbage(on: boolean): void {
    this.garbage = on;
  }

  /** Make loginout items fail with an item-level errcode (3001 partial failure); null clears it. */
  failItems(rule: ((item: ReceivedEvent) => number | null) | null): void {
    this.failItem = rule;
  }

  /** Forget results, counters, injected failures and received events. */
  reset(): void {
    this.checks.clear();
    this.windows.clear();
    this.lockouts.clear();
    this.receivedLoginouts.length = 0;
    for (const e of ['check', 'query', 'loginout'] as const) {
      this.calls[e] = 0;
      this.rateLimited[e] = 0;
    }
    this.injected = [];
    this.down = 'no';
    this.garbage = false;
    this.failItem = null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The national system counts a call in the second it arrives in, not when its body has been read.
    const arrivedAt = this.rateNow();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://sim');
    const route = this.route(url.pathname);
    if (!route) return reply(res, 1002, undefined, undefined, 404);
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
    if (req.method !== expectedMethod) return reply(res, 1003);

    const h = (name: string) => req.headers[name.toLowerCase()] as string | undefined;
    const appId = h('appId');
    const bizId = h('bizId');
    const timestamps = h('timestamps');
    const sign = h('sign');
    if (!appId || !bizId || !timestamps || !sign) return reply(res, 1004);
    if (appId !== this.appId) return reply(res, 1008);
    if (!this.bizIds.has(bizId)) return reply(res, 1011);
    const ts = Number(timestamps);
    // Expired after 5 s; a timestamp that far in the future is a skewed clock, refused alike.
    if (!/^\d+$/.test(timestamps) || Math.abs(this.now() - ts) > REQUEST_LIFETIME_MS) return reply(res, 1007);

    const query: Record<string, string> = {};
    url.searchParams.forEach((v, k) => (query[k] = v));
    const expected = signRequest({ secretKey: this.secretKey, headers: { appId, bizId, timestamps }, query, body: endpoint === 'query' ? '' : body });
    if (expected !== sign) return reply(res, 1012);

    const injected = this.injected.findIndex((f) => !f.endpoint || f.endpoint === endpoint);
    if (injected >= 0) {
      const [{ errcode }] = this.injected.splice(injected, 1) as [{ errcode: number }];
      return reply(res, errcode, 'injected');
    }
    if (!this.withinRate(endpoint, bizId, arrivedAt)) {
      this.rateLimited[endpoint] += 1;
      return reply(res, 1006);
    }

    let plaintext: Record<string, unknown> = {};
    if (endpoint !== 'query') {
      try {
        const envelope = JSON.parse(body) as { data?: unknown };
        if (typeof envelope.data !== 'string') throw new Error('no data');
        // Node's base64 decoder also takes base64url and missing padding; the national system does not.
        if (!STANDARD_BASE64.test(envelope.data)) throw new Error('not standard base64');
        const parsed: unknown = JSON.parse(decryptBody(envelope.data, this.secretKey));
        if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
        plaintext = parsed as Record<string, unknown>;
      } catch {
        return reply(res, 1012);
      }
    }
    if (endpoint === 'check') return this.check(res, plaintext, testCode);
    if (endpoint === 'query') return this.query(res, query.ai ?? '', testCode);
    return this.loginout(res, plaintext, ts, bizId, testCode);
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

  /** The limits hold per game (bizId) and endpoint. */
  private withinRate(endpoint: Endpoint, bizId: string, now: number): boolean {
    const gate = `${endpoint}#${bizId}`;
    const lockout = this.lockouts.get(gate);
    if (lockout && lockout.from <= now && now < lockout.until) return false;
    const second = Math.floor(now / 1000);
    const w = this.windows.get(gate);
    if (!w || w.second !== second) {
      this.windows.set(gate, { second, count: 1 });
      return true;
    }
    w.count += 1;
    if (w.count <= this.limits[endpoint]) return true;
    if (this.lockoutMs > 0) this.lockouts.set(gate, { from: now, until: now + this.lockoutMs });
    return false;
  }

  /** The record for `ai`, unless the national system would have deleted it by now. */
  private record(ai: string): CheckRecord | undefined {
    const record = this.checks.get(ai);
    if (!record) return undefined;
    const now = this.now();
    const gone = (record.deleteAt !== undefined && now >= record.deleteAt) || (record.status === 1 && now - record.checkedAt > PENDING_QUERYABLE_MS);
    if (gone) this.checks.delete(ai);
    return gone ? undefined : record;
  }

  private check(res: ServerResponse, body: Record<string, unknown>, testCode?: string): void {
    const { ai, name, idNum } = body as { ai?: unknown; name?: unknown; idNum?: unknown };
    if (typeof ai !== 'string' || ai.length === 0 || ai.length > AI_MAX_LENGTH) return reply(res, 4003, 'invalid parameter: ai');
    if (typeof name !== 'string' || name.length === 0 || name.length > 32) return reply(res, 4003, 'invalid parameter: name');
    if (typeof idNum !== 'string' || !/^\d{17}[\dX]$/.test(idNum)) return reply(res, 2001);
    const parsed = parseIdNumber(idNum, beijingDate(this.now()));
    if (testCode !== undefined) {
      if (!parsed.ok) return reply(res, 2001);
      // Official test system: a preset answers only when its ai, name and ID number all match.
      const verified = presetMatch(OFFICIAL_TEST_IDENTITIES.verified, { ai, name, idNum });
      if (verified !== null) return reply(res, 0, 'OK', { result: { status: 0, pi: OFFICIAL_TEST_PIS[verified] } });
      if (presetMatch(OFFICIAL_TEST_IDENTITIES.inProgress, { ai, name, idNum }) !== null) return reply(res, 0, 'OK', { result: { status: 1 } });
      return reply(res, 0, 'OK', { result: { status: 2 } });
    }
    if (this.record(ai)) return reply(res, 2004);
    if (!parsed.ok) return reply(res, 2001);
    let status: 0 | 1 | 2 = 0;
    const inProgress = name.startsWith('某二') || name.includes('认证中');
    if (inProgress) status = 1;
    else if (name.includes('不符')) status = 2;
    const pi = piPrefixForBirthDate(parsed.birthDate) + createHash('sha256').update(`pi:${parsed.idNumber}`).digest('hex').slice(0, 32);
    const eventual = inProgress && name.includes('不符') ? 2 : 0;
    this.checks.set(ai, { status, ...(status === 2 || eventual === 2 ? {} : { pi }), ...(inProgress ? { eventual } : {}), checkedAt: this.now() });
    reply(res, 0, 'OK', { result: status === 0 ? { status, pi } : { status } });
  }

  private query(res: ServerResponse, ai: string, testCode?: string): void {
    if (testCode !== undefined) {
      const verified = presetIndex(ai, '1');
      if (verified !== null) return reply(res, 0, 'OK', { result: { status: 0, pi: OFFICIAL_TEST_PIS[verified] } });
      if (presetIndex(ai, '2') !== null) return reply(res, 0, 'OK', { result: { status: 1 } });
      if (presetIndex(ai, '3') !== null) return reply(res, 0, 'OK', { result: { status: 2 } });
      return reply(res, 2003);
    }
    const record = this.record(ai);
    if (!record) return reply(res, 2003);
    const now = this.now();
    if (record.status === 1) {
      // "In progress" until it is queried 5 s or more after the check: that query finds it done.
      if (now - record.checkedAt < PENDING_UNTIL_QUERIED_AFTER_MS) return reply(res, 0, 'OK', { result: { status: 1 } });
      record.status = record.eventual ?? 0;
    }
    record.deleteAt ??= now + RESULT_RETENTION_AFTER_QUERY_MS;
    reply(res, 0, 'OK', { result: record.status === 0 ? { status: 0, pi: record.pi } : { status: record.status } });
  }

  private loginout(res: ServerResponse, body: Record<string, unknown>, timestamps: number, bizId: string, testCode?: string): void {
    const refusals = loginoutRefusals(body.collections, timestamps);
    if ('batch' in refusals) return reply(res, refusals.batch);
    const items = body.collections as ReceivedEvent[];
    const results: LoginoutItemFailure[] = [];
    items.forEach((item, index) => {
      const refused = refusals.items[index];
      if (refused) return results.push(refused);
      // The test system knows only its preset PIs.
      if (testCode !== undefined && item.ct === 0 && !OFFICIAL_TEST_PIS.includes(item.pi!))
        return results.push({ no: item.no, errcode: 3010, errmsg: ERRMSG[3010]! });
      const injected = this.failItem?.({ ...item, bizId });
      if (injected) return results.push({ no: item.no, errcode: injected, errmsg: 'injected' });
      this.receivedLoginouts.push({ ...item, bizId });
    });
    if (results.length) return reply(res, 3001, undefined, { results });
    // The specification's example of a successful report: `"data": ""`.
    reply(res, 0, 'OK', '');
  }
}
