/**
 * The edge of every HTTP function: "middleware first, handler last" (middy). It finds the route
 * by the event's routeKey among the function's own routes (its group of shared/api/routes.ts),
 * checks the kind of credential, parses the path parameters, the query string and the body with the
 * route's zod schemas (once: operations receive the parsed values), calls the operation, and turns
 * every failure into an RFC 9457 problem document with the contract's code. Operations stay free of
 * HTTP details.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type * as z from '#shared/zod';
import type { routeDocs } from '#shared/api/routeDocs';
import { routeKey, type RouteSpec, type Routes } from '#shared/api/routes';
import { clock } from '#shared/clock';
import { Problem, problemBody } from '#shared/problem';
import { configuredGame, type Caller } from '#shared/caller';
import { log, withLogContext } from '#shared/log';
import { games } from '#shared/settings';
import { isTransactionConflict } from '#shared/storage/conflicts';

export const MAX_BODY_BYTES = 16 * 1024;

type BodyOf<R> = R extends { body: infer B extends z.ZodMiniType } ? z.output<B> : undefined;
type ParamsOf<R> = R extends { params: infer P extends z.ZodMiniType } ? z.output<P> : Record<string, never>;
type QueryOf<R> = R extends { query: infer Q extends z.ZodMiniType } ? z.output<Q> : Record<string, never>;
type CallerOf<R> = R extends { auth: 'none' } ? null : Caller;

export interface Request<R extends RouteSpec = RouteSpec, K extends string = string> {
  operation: K;
  body: BodyOf<R>;
  params: ParamsOf<R>;
  query: QueryOf<R>;
  /** Request headers, names in lower case (API Gateway v2 passes them so). */
  headers: Record<string, string>;
  caller: CallerOf<R>;
  requestId: string;
  nowMs: number;
}

export interface Reply {
  status: number;
  body?: unknown;
  /** A body sent as it is (an HTML page, a console file), with its content-type in `headers`. */
  raw?: { body: string; base64?: boolean };
  headers?: Record<string, string>;
}

type Responses<K extends keyof typeof routeDocs> = (typeof routeDocs)[K]['responses'];
/** The success statuses documented for an operation. */
type SuccessOf<K extends keyof typeof routeDocs> = keyof Responses<K> & (200 | 201 | 202 | 204);
/**
 * What the response documented for status `S` accepts: its schema's input; 204 none; any body when it is
 * documented without a schema (the OpenAPI document).
 */
type DocumentedBody<R, S> = S extends keyof R
  ? S extends 204
    ? undefined
    : R[S] extends { schema: infer B extends z.ZodMiniType }
      ? z.input<B>
      : unknown
  : never;
/**
 * The replies an operation may give: one of its documented success statuses with a body its
 * documented response schema accepts (shared/api/routeDocs.ts), or a body sent as it is (an HTML
 * page, a console file) with its content-type.
 */
export type ReplyFor<K> = K extends keyof typeof routeDocs
  ?
      | { status: SuccessOf<K>; body?: DocumentedBody<Responses<K>, SuccessOf<K>>; raw?: undefined; headers?: Record<string, string> }
      | { status: SuccessOf<K>; raw: { body: string; base64?: boolean }; body?: undefined; headers?: Record<string, string> }
  : Reply;

/** One operation per route of the table, by operation id, answering as the route is documented. */
export type Operations<T extends Routes> = { [K in keyof T & string]: (req: Request<T[K], K>) => Promise<ReplyFor<K>> };

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
type Result = Exclude<APIGatewayProxyResultV2, string>;

interface Credential {
  accountId: string;
  kind: Caller['kind'];
  /** The `game` claim as passed, undefined when the token has none. */
  game: string | undefined;
}

/** Claims as API Gateway's JWT authorizer passes them (strings, arrays flattened). */
function credentialOf(claims: Record<string, unknown> | undefined): Credential | null {
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub.length < 1 || sub.length > 128) return null;
  // `scp` is how some providers name it; API Gateway's authorizationScopes read either.
  const scope = claims?.scope ?? claims?.scp;
  const scopes = typeof scope === 'string' ? scope.replace(/^\[|\]$/g, '').split(/[\s,]+/) : Array.isArray(scope) ? scope.map(String) : [];
  // API Gateway hands every claim over as a string; anything else (a direct invocation) is compared as one.
  const game = claims?.game;
  // An operator (compliance staff) credential is never also a player's or a game server's.
  const kind = scopes.includes('operator') ? 'operator' : scopes.includes('server') ? 'server' : 'player';
  return { accountId: sub, kind, game: game === undefined || game === null ? undefined : String(game) };
}

/**
 * The caller a token's claims describe, or null when they name no valid account (401). Its game
 * is the `game` claim, or the first configured game when there is none; a `game` naming no
 * configured game throws 403 `unknown_game`.
 */
export function callerFromClaims(claims: Record<string, unknown> | undefined, configured: ReadonlyArray<{ gameId: string }> = games()): Caller | null {
  const credential = credentialOf(claims);
  if (!credential) return null;
  return { accountId: credential.accountId, kind: credential.kind, gameId: configuredGame(credential.game, configured) };
}

function authorize(route: RouteSpec, event: Event): Caller | null {
  if (route.auth === 'none') return null;
  const credential = credentialOf(event.requestContext.authorizer?.jwt?.claims as Record<string, unknown> | undefined);
  if (!credential) throw new Problem('unauthorized');
  // The kind first: deployed, API Gateway refuses a player on a server-only route before any
  // function runs (infra/stack/api.ts authorizationScopes), whatever its game.
  // `account` routes take a player or a game server, never an operator; `operator` routes only an
  // operator (deployed, also API Gateway's authorizationScopes ['operator']).
  const accepted = route.auth === 'account' ? credential.kind !== 'operator' : route.auth === credential.kind;
  if (!accepted) throw new Problem('forbidden');
  return { accountId: credential.accountId, kind: credential.kind, gameId: configuredGame(credential.game, games()) };
}

// Paths and messages only: never echo the submitted values, which may be personal data.
const issuesOf = (error: z.core.$ZodError, extra: Record<string, string> = {}) =>
  error.issues.slice(0, 10).map((i) => ({ path: i.path.join('.'), ...extra, message: i.message }));

/** Path parameters are checked before the operation, so no odd or over-long id reaches storage. */
function parseParams(route: RouteSpec, event: Event): Record<string, unknown> {
  if (!route.params) return {};
  const parsed = route.params.safeParse(event.pathParameters ?? {});
  if (!parsed.success) throw new Problem('invalid_request', { errors: issuesOf(parsed.error, { in: 'path' }) });
  return parsed.data;
}

/** The query string as the route declares it (400 naming each bad parameter, `in: "query"`); no declaration, no parameters. */
function parseQuery(route: RouteSpec, event: Event): Record<string, unknown> {
  if (!route.query) return {};
  const parsed = route.query.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw new Problem('invalid_request', { errors: issuesOf(parsed.error, { in: 'query' }) });
  return parsed.data;
}

// fatal: bytes that are not UTF-8 are refused, not silently replaced with U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseBody(route: RouteSpec, event: Event): unknown {
  if (!route.body) return undefined;
  const bytes = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
  if (bytes.length > MAX_BODY_BYTES) throw new Problem('payload_too_large', { maxBytes: MAX_BODY_BYTES });
  const contentType = event.headers?.['content-type'] ?? '';
  if (bytes.length > 0 && contentType !== '' && !/^application\/(.+\+)?json\b/i.test(contentType)) throw new Problem('unsupported_media_type');
  let raw: string;
  try {
    raw = utf8.decode(bytes);
  } catch {
    throw new Problem('invalid_request', { errors: [{ path: '', message: 'body is not valid UTF-8' }] });
  }
  let json: unknown;
  try {
    json = raw === '' ? {} : JSON.parse(raw);
  } catch {
    throw new Problem('invalid_request', { errors: [{ path: '', message: 'body is not valid JSON' }] });
  }
  const parsed = route.body.safeParse(json);
  if (!parsed.success) throw new Problem('invalid_request', { errors: issuesOf(parsed.error) });
  return parsed.data;
}

function problemResult(problem: Problem, requestId: string): Result {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', 'x-request-id': requestId, ...problem.headers },
    body: JSON.stringify(problemBody(problem.code, problem.extra)),
  };
}

function reply(r: Reply, requestId: string): Result {
  const headers: Record<string, string> = { 'x-request-id': requestId, ...r.headers };
  if (r.raw) return { statusCode: r.status, headers, body: r.raw.body, isBase64Encoded: r.raw.base64 === true };
  if (r.body === undefined) return { statusCode: r.status, headers };
  return { statusCode: r.status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(r.body) };
}

/** Builds the Lambda handler of one function from its routes (shared/api/routes.ts) and an operation for each. */
export function httpFunction<const T extends Routes>(table: T, operations: Operations<T>) {
  const byKey = new Map(Object.entries(table).map(([name, route]) => [routeKey(route), [name, route] as const]));
  const handler = middy<Event, Result, Error, Context>()
    .use({
      onError: async (request) => {
        const requestId = request.event.requestContext?.requestId ?? 'unknown';
        const error = request.error;
        if (error instanceof Problem) {
          if (error.status >= 500) log.error('request failed', { code: error.code });
          request.response = problemResult(error, requestId);
          return;
        }
        if (isTransactionConflict(error)) {
          // Still colliding after the storage client's retries: nothing was written, so the
          // (idempotent) request can simply be sent again.
          log.warn('transaction conflict persisted');
          request.response = problemResult(new Problem('write_contention', {}, { 'retry-after': '1' }), requestId);
          return;
        }
        log.error('unhandled error', { error: error?.name ?? 'Error', errorMessage: error?.message });
        request.response = problemResult(new Problem('internal_error'), requestId);
      },
    })
    .handler(async (event) => {
      const requestId = event.requestContext.requestId;
      const found = byKey.get(event.routeKey);
      if (!found) throw new Problem('not_found');
      const [name, route] = found;
      const operation = operations[name as keyof T & string];
      const caller = authorize(route, event);
      const params = parseParams(route, event);
      const query = parseQuery(route, event);
      const body = parseBody(route, event);
      const req = {
        operation: name,
        body,
        params,
        query,
        headers: Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v ?? '')])),
        caller,
        requestId,
        nowMs: clock.now(),
      };
      return reply(await (operation as unknown as (r: typeof req) => Promise<Reply>)(req), requestId);
    });
  // Every line logged while answering carries the invocation's id and the API request id.
  return (event: Event, invocation: Context): Promise<Result> =>
    withLogContext({ requestId: invocation?.awsRequestId, apiRequestId: event.requestContext?.requestId }, () => handler(event, invocation));
}
