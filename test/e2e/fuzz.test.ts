/**
 * Bad input through the HTTP gateway: random JSON, wrong types, huge strings,
 * unicode, missing fields, odd headers and paths. Never a 5xx, always a problem document with a
 * contract code, and no stored change unless the request was valid.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROBLEMS } from '#shared/problem';
import { deployed, useGateway, type HttpAnswer } from '#test/support/gateway';
import { person } from '#test/support/people';

const t = useGateway();
let player: string;
let server: string;
let sessionId: string;

const CODES = new Set(Object.keys(PROBLEMS));
function wellFormed(r: HttpAnswer): void {
  expect(r.status).toBeLessThan(500);
  expect(r.headers.get('x-request-id')).toBeTruthy();
  if (r.status >= 400) {
    expect(r.headers.get('content-type')).toBe('application/problem+json');
    expect(CODES.has(r.body?.code)).toBe(true);
    expect(r.body.status).toBe(r.status);
  }
}

beforeAll(async () => {
  // An adult: any instant works; the fixed one keeps the local run deterministic.
  if (!deployed) await t.api.setClock('2026-11-25T10:00:00+08:00');
  player = await t.api.token('fuzz-player');
  server = await t.api.token('fuzz-server', 'server');
  await t.api.call('POST', '/v1/identity', { token: player, body: person('1990-01-01') });
  sessionId = (await t.api.call('POST', '/v1/sessions', { token: player, body: { deviceId: 'fuzz-phone' } })).body.sessionId;
});

const weird = fc.oneof(
  fc.jsonValue(),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ minLength: 5000, maxLength: 20000 }),
  fc.constantFrom(null, 0, -1, 1e308, Number.MAX_SAFE_INTEGER + 2, '', ' ', '\u0000', '🀄'.repeat(50), '１２３', true, [], {}),
);
const bodyFor = (fields: string[]) =>
  fc.oneof(fc.jsonValue(), fc.dictionary(fc.constantFrom(...fields, 'extra', '__proto__', 'constructor'), weird, { maxKeys: 4 }));

const ROUTES: Array<{ method: string; path: () => string; fields: string[]; token: () => string }> = [
  { method: 'POST', path: () => '/v1/identity', fields: ['name', 'idNumber'], token: () => player },
  { method: 'POST', path: () => '/v1/sessions', fields: ['deviceId', 'takeover'], token: () => player },
  { method: 'POST', path: () => `/v1/sessions/${sessionId}/heartbeat`, fields: ['seq'], token: () => player },
  { method: 'POST', path: () => '/v1/payments', fields: ['orderId', 'amount', 'accountId'], token: () => player },
  { method: 'POST', path: () => '/v1/payments', fields: ['orderId', 'amount', 'accountId'], token: () => server },
  { method: 'POST', path: () => `/v1/challenges/${'b'.repeat(32)}/result`, fields: ['passed', 'method'], token: () => server },
];

describe('random bodies', () => {
  it.each(ROUTES.map((r) => [`${r.method} ${r.path().replace(/[0-9a-f]{32}/, '{id}')}`, r] as const))('%s never fails with a 5xx', async (_name, route) => {
    await fc.assert(
      fc.asyncProperty(bodyFor(route.fields), async (body) => {
        wellFormed(await t.api.call(route.method, route.path(), { token: route.token(), raw: JSON.stringify(body) ?? 'null' }));
      }),
      { numRuns: 60 },
    );
  });

  it('leaves no trace of refused identity submissions', async () => {
    const fresh = await t.api.token('fuzz-fresh');
    let accepted = false;
    await fc.assert(
      fc.asyncProperty(bodyFor(['name', 'idNumber']), async (body) => {
        const r = await t.api.call('POST', '/v1/identity', { token: fresh, raw: JSON.stringify(body) ?? 'null' });
        wellFormed(r);
        accepted ||= r.status === 200;
      }),
      { numRuns: 60 },
    );
    if (!accepted) expect((await t.api.call('GET', '/v1/identity', { token: fresh })).body).toEqual({ status: 'none' });
  });

  it('leaves the spending counters alone for refused payments', async () => {
    const before = (await t.api.call('GET', '/v1/limits', { token: player })).body.spending;
    let accepted = false;
    await fc.assert(
      fc.asyncProperty(bodyFor(['orderId', 'amount']), async (body) => {
        const r = await t.api.call('POST', '/v1/payments', { token: player, raw: JSON.stringify(body) ?? 'null' });
        wellFormed(r);
        accepted ||= r.status === 201;
      }),
      { numRuns: 60 },
    );
    if (!accepted) expect((await t.api.call('GET', '/v1/limits', { token: player })).body.spending).toEqual(before);
  });
});

describe('raw bytes, sizes, headers and paths', () => {
  it('answers malformed JSON with invalid_request', async () => {
    for (const raw of ['{', '{"name":', 'null', '[]', '"x"', '\u0000', '{"seq": 1}{']) {
      const r = await t.api.call('POST', '/v1/identity', { token: player, raw });
      wellFormed(r);
      expect(r.status).toBe(400);
    }
  });

  it('answers an oversized body with 413', async () => {
    const r = await t.api.call('POST', '/v1/identity', { token: player, raw: JSON.stringify({ name: 'x'.repeat(100_000), idNumber: '1' }) });
    wellFormed(r);
    expect(r.status).toBe(413);
  });

  it('answers a non-JSON content type with 415', async () => {
    const r = await t.api.call('POST', '/v1/identity', { token: player, raw: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    wellFormed(r);
    expect(r.status).toBe(415);
  });

  // Deployed, API Gateway answers some of these paths itself ({"message":…}, not a problem document).
  it.skipIf(deployed)('never fails on random path ids', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 300 }), fc.constantFrom('heartbeat', 'commit', 'cancel', 'result', 'delete'), async (id, kind) => {
        const e = encodeURIComponent(id);
        const [method, path, token, body] =
          kind === 'heartbeat'
            ? ['POST', `/v1/sessions/${e}/heartbeat`, player, { seq: 1 }]
            : kind === 'delete'
              ? ['DELETE', `/v1/sessions/${e}`, player, undefined]
              : kind === 'result'
                ? ['POST', `/v1/challenges/${e}/result`, server, { passed: true, method: 'face' }]
                : ['POST', `/v1/payments/${e}/${kind}`, player, undefined];
        wellFormed(await t.api.call(method, path, { token, ...(body ? { body } : {}) }));
      }),
      { numRuns: 150 },
    );
  });

  // Local adapter: a deployed API Gateway answers malformed escapes itself.
  it.skipIf(deployed)('never fails on random percent-escapes in path ids and query strings', async () => {
    const percentEscape = fc.integer({ min: 0, max: 255 }).map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`);
    const piece = fc.oneof(percentEscape, percentEscape, fc.constantFrom('%', '%z', '%zz', '%E4%B8', '%F0%9F', 'a', '-', '.', '%2F', '%2E', '%00', '%25'));
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { minLength: 1, maxLength: 60 }),
        fc.constantFrom('heartbeat', 'commit', 'cancel', 'result', 'delete', 'query'),
        async (pieces, kind) => {
          const e = pieces.join('');
          const [method, path, token, body] =
            kind === 'heartbeat'
              ? ['POST', `/v1/sessions/${e}/heartbeat`, player, { seq: 1 }]
              : kind === 'delete'
                ? ['DELETE', `/v1/sessions/${e}`, player, undefined]
                : kind === 'result'
                  ? ['POST', `/v1/challenges/${e}/result`, server, { passed: true, method: 'face' }]
                  : kind === 'query'
                    ? ['GET', `/v1/limits?${e}=${e}`, player, undefined]
                    : ['POST', `/v1/payments/${e}/${kind}`, player, undefined];
          const r = await t.api.call(method, path, { token, ...(body ? { body } : {}) });
          wellFormed(r);
          if (kind === 'query') expect(r.status).toBe(200);
        },
      ),
      { numRuns: 150 },
    );
  });

  it.skipIf(deployed)('never fails on random body bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom('/v1/identity', '/v1/payments', `/v1/challenges/${'c'.repeat(32)}/result`),
        async (bytes, path) => {
          const token = path.startsWith('/v1/challenges') ? server : player;
          const res = await fetch(t.gateway.url + path, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: bytes,
          });
          const text = await res.text();
          wellFormed({ status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined });
        },
      ),
      { numRuns: 100 },
    );
  });

  // Deployed, API Gateway's authorizer answers these itself ({"message":"Unauthorized"}).
  it.skipIf(deployed)('never fails on random Authorization headers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 500 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
        async (auth) => {
          const r = await t.api.call('GET', '/v1/limits', { headers: { authorization: auth } });
          wellFormed(r);
          expect(r.status).toBe(401);
        },
      ),
      { numRuns: 100 },
    );
  });
});
