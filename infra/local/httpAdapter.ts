/**
 * node:http → API Gateway HTTP API (payload v2) events, the way the deployed API builds them:
 * route matching from the route table, JWT verification as the native authorizer does it, claims
 * in `requestContext.authorizer.jwt.claims` (as strings), then the route's Lambda handler.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { HttpFunctionName } from '#shared/api/functions';
import { routeList, type RouteSpec } from '#shared/api/routes';
import { Problem, problemBody } from '#shared/problem';
import { MAX_BODY_BYTES } from '#shared/edge/http';

export type LambdaHandler = (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

interface CompiledRoute {
  route: RouteSpec;
  pattern: RegExp;
  params: string[];
}

const compiled: CompiledRoute[] = routeList().map(([, route]) => {
  const params: string[] = [];
  const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
    params.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), params };
});

export interface RouteMatch {
  route: RouteSpec;
  pathParameters: Record<string, string>;
  /** Path parameters whose percent-encoding does not decode (`%zz`, a cut UTF-8 sequence). */
  malformed: string[];
}

export function matchRoute(method: string, path: string): RouteMatch | 'method_not_allowed' | undefined {
  let pathMatched = false;
  for (const c of compiled) {
    const m = c.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (c.route.method !== method) continue;
    const pathParameters: Record<string, string> = {};
    const malformed: string[] = [];
    c.params.forEach((name, i) => {
      try {
        pathParameters[name] = decodeURIComponent(m[i + 1]!);
      } catch {
        malformed.push(name);
      }
    });
    return { route: c.route, pathParameters, malformed };
  }
  // The console's page also answers `/console/` (a route path never ends in a slash; API routes keep 404).
  if (!pathMatched && path === '/console/') return matchRoute(method, '/console');
  return pathMatched ? 'method_not_allowed' : undefined;
}

/**
 * The request target as a URL, or undefined when it cannot be one (`GET http://[`). Origin-form
 * targets are appended to a fixed origin, so `GET //` or `//host/x` stays a path, not an authority.
 */
export function requestUrl(target: string | undefined): URL | undefined {
  const raw = target ?? '/';
  try {
    return raw.startsWith('/') ? new URL(`http://127.0.0.1${raw}`) : new URL(raw, 'http://127.0.0.1');
  } catch {
    return undefined;
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A body as API Gateway hands it over: text when it is UTF-8, otherwise base64 with
 * isBase64Encoded, so the edge sees the real bytes (and refuses them) instead of U+FFFD.
 */
export function eventBody(bytes: Buffer): { body?: string; isBase64Encoded: boolean } {
  if (bytes.length === 0) return { isBase64Encoded: false };
  try {
    return { body: strictUtf8.decode(bytes), isBase64Encoded: false };
  } catch {
    return { body: bytes.toString('base64'), isBase64Encoded: true };
  }
}

/**
 * The server's `clientError`: a request node:http could not parse (a header section over
 * `maxHeaderSize`, a bad request line) still gets a problem document with an x-request-id, written
 * raw because there is no response object. Nothing is written over a response already under way.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (error.code === 'ECONNRESET' || error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const problem = new Problem(error.code === 'HPE_HEADER_OVERFLOW' ? 'request_header_fields_too_large' : 'invalid_request');
  const body = JSON.stringify(problemBody(problem.code, problem.extra));
  socket.end(
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}\r\n` +
      'content-type: application/problem+json\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      `x-request-id: ${randomUUID()}\r\n` +
      'connection: close\r\n\r\n' +
      body,
  );
}

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES * 4): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return 'too_large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function sendProblem(res: ServerResponse, problem: Problem, requestId: string): void {
  res.writeHead(problem.status, { 'content-type': 'application/problem+json', 'x-request-id': requestId, ...problem.headers });
  res.end(JSON.stringify(problemBody(problem.code, problem.extra)));
}

export function sendJson(res: ServerResponse, status: number, body: unknown, requestId: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': requestId });
  res.end(JSON.stringify(body));
}

/** API Gateway passes JWT claims as strings; arrays become "[a b]". */
function claimsAsGatewayDoes(payload: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(payload)) {
    out[k] = Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}

export interface AdapterDeps {
  handlerFor(fn: HttpFunctionName): Promise<LambdaHandler>;
  /** Verifies as the route's authorizer would deployed: `staff` on operator routes, `players` elsewhere. */
  verifyToken(token: string, authorizer: 'players' | 'staff'): Promise<Record<string, unknown>>;
  nowMs(): number;
  /** How long a function's request may run (real time), as its Lambda timeout gives it. */
  timeoutMs(fn: HttpFunctionName): number;
}

export async function serveRoute(req: IncomingMessage, res: ServerResponse, url: URL, deps: AdapterDeps): Promise<void> {
  const requestId = randomUUID();
  const method = (req.method ?? 'GET').toUpperCase();
  const match = matchRoute(method, url.pathname);
  if (match === undefined) return sendProblem(res, new Problem('not_found'), requestId);
  if (match === 'method_not_allowed') return sendProblem(res, new Problem('method_not_allowed'), requestId);
  const { route, pathParameters, malformed } = match;

  let claims: Record<string, string> | undefined;
  if (route.auth !== 'none') {
    const header = req.headers.authorization ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) return sendProblem(res, new Problem('unauthorized'), requestId);
    const authorizer = route.auth === 'operator' ? 'staff' : 'players';
    try {
      claims = claimsAsGatewayDoes(await deps.verifyToken(token, authorizer));
    } catch {
      // The contract: a players'-issuer token on an operator route is 403 `forbidden`, whatever its
      // scope (deployed, the staff authorizer refuses it first, with 401: docs/local.md, known differences).
      const players =
        authorizer === 'staff'
          ? await deps.verifyToken(token, 'players').then(
              () => true,
              () => false,
            )
          : false;
      return sendProblem(res, new Problem(players ? 'forbidden' : 'unauthorized'), requestId);
    }
  }

  // After the credential, as the edge checks path parameters after it too.
  if (malformed.length) {
    return sendProblem(
      res,
      new Problem('invalid_request', { errors: malformed.map((name) => ({ path: name, in: 'path', message: 'malformed percent-encoding' })) }),
      requestId,
    );
  }

  const body = await readBody(req);
  if (body === 'too_large') return sendProblem(res, new Problem('payload_too_large', { maxBytes: MAX_BODY_BYTES }), requestId);

  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  const now = deps.nowMs();
  const query: Record<string, string> = {};
  url.searchParams.forEach((v, k) => (query[k] = query[k] === undefined ? v : `${query[k]},${v}`));
  const routeKey = `${route.method} ${route.path}`;

  const event: APIGatewayProxyEventV2WithJWTAuthorizer = {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: url.host,
      domainPrefix: 'local',
      http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId,
      routeKey,
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
      authorizer: { principalId: claims?.sub ?? '', integrationLatency: 0, jwt: { claims: claims ?? {}, scopes: [] } },
    },
    ...eventBody(body),
  };

  // As Lambda gives it: the function's timeout, counted from the invocation (middy ends the request there).
  const deadline = Date.now() + deps.timeoutMs(route.fn);
  const context = { awsRequestId: requestId, functionName: route.fn, getRemainingTimeInMillis: () => deadline - Date.now() } as unknown as Context;
  const handler = await deps.handlerFor(route.fn);
  const result = await handler(event, context);
  res.writeHead(result.statusCode ?? 200, { 'x-request-id': requestId, ...(result.headers as Record<string, string> | undefined) });
  res.end(result.body ?? '');
}
