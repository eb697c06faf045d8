/**
 * Edge input over real HTTP (never a 500): over-long and odd path ids, malformed percent-escapes,
 * bodies that are not UTF-8, order ids that cannot travel in a path, oversized headers, and request
 * lines node:http cannot parse. Each answer is a problem document with an exact code and an
 * x-request-id; an id that is well-formed but unknown still gets the contract's answer.
 */
import { connect } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployed, useGateway, type HttpAnswer } from '#test/support/gateway';
import { person } from '#test/support/people';

const t = useGateway();
let player: string;
let server: string;

beforeAll(async () => {
  if (!deployed) await t.api.setClock('2026-11-25T10:00:00+08:00');
  player = await t.api.token('probe-player');
  server = await t.api.token('probe-server', 'server');
  expect((await t.api.call('POST', '/v1/identity', { token: player, body: person('1990-01-01') })).status).toBe(200);
});

function isProblem(r: HttpAnswer, status: number, code: string): void {
  expect(r.status).toBe(status);
  expect(r.headers.get('content-type')).toBe('application/problem+json');
  expect(r.headers.get('x-request-id')).toBeTruthy();
  expect(r.body).toMatchObject({ type: `urn:playguard:problem:${code}`, status, code });
}

const ROUTES = [
  {
    method: 'POST',
    path: (id: string) => `/v1/sessions/${id}/heartbeat`,
    name: 'sessionId',
    body: { seq: 1 },
    server: false,
    unknown: [404, 'session_not_found'],
  },
  { method: 'DELETE', path: (id: string) => `/v1/sessions/${id}`, name: 'sessionId', body: undefined, server: false, unknown: [204, undefined] },
  { method: 'POST', path: (id: string) => `/v1/payments/${id}/commit`, name: 'orderId', body: undefined, server: false, unknown: [404, 'order_not_found'] },
  { method: 'POST', path: (id: string) => `/v1/payments/${id}/cancel`, name: 'orderId', body: undefined, server: false, unknown: [404, 'order_not_found'] },
  {
    method: 'POST',
    path: (id: string) => `/v1/challenges/${id}/result`,
    name: 'challengeId',
    body: { passed: true, method: 'face' },
    server: true,
    unknown: [404, 'challenge_not_found'],
  },
] as const;
type Route = (typeof ROUTES)[number];
const send = (r: Route, id: string) => t.api.call(r.method, r.path(id), { token: r.server ? server : player, ...(r.body ? { body: r.body } : {}) });
const label = (r: Route) => `${r.method} ${r.path(`{${r.name}}`)}`;

describe('path ids', () => {
  it.each(ROUTES.map((r) => [label(r), r] as const))('%s: a 700-character id is 400 invalid_request naming the parameter, not the value', async (_l, r) => {
    const a = await send(r, 'a'.repeat(700));
    isProblem(a, 400, 'invalid_request');
    expect(a.body.errors).toEqual([{ path: r.name, in: 'path', message: 'Too big: expected string to have <=128 characters' }]);
    expect(JSON.stringify(a.body)).not.toContain('aaaa');
  });

  it.each(ROUTES.map((r) => [label(r), r] as const))('%s: a control character is 400 invalid_request', async (_l, r) => {
    const a = await send(r, 'a%01b');
    isProblem(a, 400, 'invalid_request');
    expect(a.body.errors).toEqual([{ path: r.name, in: 'path', message: expect.any(String) }]);
  });

  it.each(ROUTES.map((r) => [label(r), r] as const))('%s: a well-formed unknown id keeps the contract answer', async (_l, r) => {
    const a = await send(r, r.name === 'orderId' ? 'no-such-order.1' : 'f'.repeat(32));
    expect(a.status).toBe(r.unknown[0]);
    if (r.unknown[1]) isProblem(a, r.unknown[0], r.unknown[1]);
    expect(a.headers.get('x-request-id')).toBeTruthy();
  });
});

describe.skipIf(deployed)('percent-escapes (local adapter)', () => {
  it.each(ROUTES.flatMap((r) => ['%E4%B8', '%zz', 'ab%', '%E4%B8%AD%E4'].map((e) => [label(r), e, r] as const)))(
    '%s with %s is 400 invalid_request',
    async (_l, malformed, r) => {
      const a = await send(r, malformed);
      isProblem(a, 400, 'invalid_request');
      expect(a.body.errors).toEqual([{ path: r.name, in: 'path', message: 'malformed percent-encoding' }]);
    },
  );

  it('checks the credential first, as the edge does', async () => {
    const a = await t.api.call('POST', '/v1/payments/%zz/commit');
    isProblem(a, 401, 'unauthorized');
  });

  it('decodes good escapes: an order id with "/" and "%" is found or not, never refused', async () => {
    const orderId = 'ord/er%1';
    expect((await t.api.call('POST', '/v1/payments', { token: player, body: { orderId, amount: 100 } })).status).toBe(201);
    const a = await t.api.call('POST', `/v1/payments/${encodeURIComponent(orderId)}/commit`, { token: player });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ orderId, status: 'committed' });
  });

  it('shrugs off bad escapes in query strings', async () => {
    for (const q of ['?a=%zz', '?%E4%B8=1', '?a=%&b=%%', '?x=%E4%B8%AD%E4']) {
      const limits = await t.api.call('GET', `/v1/limits${q}`, { token: player });
      expect(limits.status).toBe(200);
      expect(limits.body.minor).toBe(false);
      expect((await t.api.call('GET', `/health${q}`)).body).toEqual({ status: 'ok' });
    }
  });
});

describe('order ids that cannot be addressed in a path', () => {
  it.each(['.', '..', 'a\u0001b', 'a\u007fb', 'a b'])('refuses %j in a reservation with 400 invalid_request on orderId', async (orderId) => {
    const a = await t.api.call('POST', '/v1/payments', { token: player, body: { orderId, amount: 100 } });
    isProblem(a, 400, 'invalid_request');
    expect(a.body.errors).toEqual([{ path: 'orderId', message: expect.any(String) }]);
  });

  it.skipIf(deployed)('`.` and `..` as path segments are normalized away, never reaching an operation', async () => {
    for (const path of ['/v1/payments/./commit', '/v1/payments/../commit', '/v1/payments/%2E%2E/cancel', '/v1/payments/%2e/commit']) {
      const a = await raw(`POST ${path} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${player}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
      expect(a.status, path).toBe(404);
      expect(a.headers['content-type']).toBe('application/problem+json');
      expect(a.body.code).toBe('not_found');
      expect(a.headers['x-request-id']).toBeTruthy();
    }
  });
});

describe.skipIf(deployed)('bytes the local server must not choke on', () => {
  const post = (path: string, body: Uint8Array, token = player) =>
    fetch(t.gateway.url + path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });

  it.each([
    ['a cut UTF-8 sequence', Buffer.concat([Buffer.from('{"orderId":"utf-'), Buffer.from([0xe4, 0xb8]), Buffer.from('","amount":100}')])],
    ['a lone continuation byte', Buffer.from([0x7b, 0x80, 0x7d])],
    ['Latin-1', Buffer.from('{"orderId":"caf\xe9","amount":100}', 'latin1')],
  ])('a body with %s is 400 invalid_request, and nothing is reserved', async (_name, bytes) => {
    const before = (await t.api.call('GET', '/v1/limits', { token: player })).body;
    const res = await post('/v1/payments', new Uint8Array(bytes));
    const a = { status: res.status, headers: res.headers, body: await res.json() } as HttpAnswer;
    isProblem(a, 400, 'invalid_request');
    expect(a.body.errors).toEqual([{ path: '', message: 'body is not valid UTF-8' }]);
    expect((await t.api.call('GET', '/v1/limits', { token: player })).body).toEqual(before);
  });

  it('a UTF-8 body with Chinese text is still read', async () => {
    const res = await post('/v1/identity', new TextEncoder().encode(JSON.stringify(person('1990-01-01', '李四'))), await t.api.token('probe-utf8'));
    expect(res.status).toBe(200);
  });

  it('a 20 KB header is 431 request_header_fields_too_large as a problem document, and the server carries on', async () => {
    const a = await t.api.call('GET', '/v1/limits', { token: player, headers: { 'x-pad': 'a'.repeat(20 * 1024) } });
    isProblem(a, 431, 'request_header_fields_too_large');
    expect(a.body).toEqual({
      type: 'urn:playguard:problem:request_header_fields_too_large',
      title: 'Request header fields too large',
      status: 431,
      detail: '请求头过大。',
      code: 'request_header_fields_too_large',
    });
    expect((await t.api.call('GET', '/health')).status).toBe(200);
  });

  it('a 20 KB header on a connection that already served a request gets the same answer', async () => {
    const ok = 'GET /health HTTP/1.1\r\nhost: x\r\n\r\n';
    const big = `GET /health HTTP/1.1\r\nhost: x\r\nx-pad: ${'a'.repeat(20 * 1024)}\r\n\r\n`;
    const text = await rawText(ok, big);
    expect(text.startsWith('HTTP/1.1 200 OK')).toBe(true);
    const second = text.slice(text.indexOf('HTTP/1.1 431'));
    expect(parse(second).status).toBe(431);
    expect(parse(second).body.code).toBe('request_header_fields_too_large');
  });

  it.each([
    ['a request line that is not HTTP', 'HELLO\r\n\r\n', 400, 'invalid_request'],
    ['a header without a colon', 'GET /health HTTP/1.1\r\nhost x\r\n\r\n', 400, 'invalid_request'],
    ['a target that is not a URL', 'GET http://[ HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', 400, 'invalid_request'],
    ['a path starting with //', 'GET // HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', 404, 'not_found'],
  ])('%s gets a problem document', async (_name, request, status, code) => {
    const a = await raw(request);
    expect(a.status).toBe(status);
    expect(a.headers['content-type']).toBe('application/problem+json');
    expect(a.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.body).toMatchObject({ status, code });
    expect((await t.api.call('GET', '/health')).status).toBe(200);
  });
});

/** Sends bytes as they are (no URL normalization, no header checks) and returns the raw reply. */
function rawText(...requests: string[]): Promise<string> {
  const { port } = new URL(t.gateway.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    const pending = [...requests];
    socket.on('connect', () => socket.write(pending.shift()!));
    socket.on('data', (d) => {
      chunks.push(d);
      // The next request once the previous answer is in (pipelining is not what is tested).
      if (pending.length) socket.write(pending.shift()!);
    });
    // latin1: one character per byte, so chunk sizes can be counted; parse() decodes the body.
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
    // No idle timer: the answer is waited for (a gateway that never answers fails at the test's timeout).
  });
}

function parse(text: string): { status: number; headers: Record<string, string>; body: any } {
  const [head = '', ...rest] = text.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  let body = rest.join('\r\n\r\n');
  if (headers['transfer-encoding'] === 'chunked') {
    let out = '';
    for (let at = 0; ; ) {
      const eol = body.indexOf('\r\n', at);
      const size = parseInt(body.slice(at, eol), 16);
      if (!size) break;
      out += body.slice(eol + 2, eol + 2 + size);
      at = eol + 2 + size + 2;
    }
    body = out;
  }
  body = Buffer.from(body, 'latin1').toString('utf8');
  return { status: Number(statusLine.split(' ')[1]), headers, body: body ? JSON.parse(body) : undefined };
}

async function raw(request: string) {
  return parse(await rawText(request));
}
