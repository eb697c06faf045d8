import { randomBytes } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '#shared/api/openapi';
import { routeList, routes } from '#shared/api/routes';
import { PaymentReservation } from '#shared/api/schemas';
import { callerFromClaims, httpFunction } from '#shared/edge/http';
import { Problem, PROBLEMS, problemBody } from '#shared/problem';
import { conflictBackoffMs, isTransactionConflict } from '#shared/storage/conflicts';

describe('credentials as API Gateway passes their claims', () => {
  it.each([
    // GAMES is unset here: the one game `default` (shared/settings.ts DEFAULT_GAMES).
    [{ sub: 'acct-1' }, { accountId: 'acct-1', kind: 'player', gameId: 'default' }],
    [
      { sub: 'acct-1', scope: 'player' },
      { accountId: 'acct-1', kind: 'player', gameId: 'default' },
    ],
    [
      { sub: 'gs-1', scope: 'server' },
      { accountId: 'gs-1', kind: 'server', gameId: 'default' },
    ],
    [
      { sub: 'gs-1', scope: 'openid server' },
      { accountId: 'gs-1', kind: 'server', gameId: 'default' },
    ],
    [
      { sub: 'gs-1', scope: '[openid server]' },
      { accountId: 'gs-1', kind: 'server', gameId: 'default' },
    ],
    [
      { sub: 'gs-1', scope: ['server'] },
      { accountId: 'gs-1', kind: 'server', gameId: 'default' },
    ],
    [
      { sub: 'x', scope: 'servers' },
      { accountId: 'x', kind: 'player', gameId: 'default' },
    ],
    [
      { sub: 'x', game: 'default' },
      { accountId: 'x', kind: 'player', gameId: 'default' },
    ],
  ])('%j → %j', (claims, caller) => expect(callerFromClaims(claims)).toEqual(caller));

  it.each([[{}], [{ sub: '' }], [{ sub: 'a'.repeat(129) }], [{ sub: 42 }], [undefined]])('refuses %j', (claims) => {
    expect(callerFromClaims(claims as Record<string, unknown> | undefined)).toBeNull();
  });

  const configured = [{ gameId: 'g-main' }, { gameId: 'g-two' }];

  it('takes the game from the `game` claim, and the first configured game when there is none', () => {
    expect(callerFromClaims({ sub: 'p-1', game: 'g-two' }, configured)).toEqual({ accountId: 'p-1', kind: 'player', gameId: 'g-two' });
    expect(callerFromClaims({ sub: 'gs-1', scope: 'server', game: 'g-main' }, configured)).toEqual({ accountId: 'gs-1', kind: 'server', gameId: 'g-main' });
    expect(callerFromClaims({ sub: 'p-1' }, configured)).toEqual({ accountId: 'p-1', kind: 'player', gameId: 'g-main' });
  });

  it.each(['g-three', 'G-MAIN', '', 'default', '[g-main g-two]'])('refuses the game %j when it is not configured with 403 unknown_game', (game) => {
    const attempt = () => callerFromClaims({ sub: 'p-1', game }, configured);
    expect(attempt).toThrow(Problem);
    expect(attempt).toThrow(expect.objectContaining({ code: 'unknown_game', status: 403 }));
  });
});

describe('problem documents', () => {
  it('carry the contract code and never let an extension replace a standard member', () => {
    expect(problemBody('order_conflict', { status: 'committed', code: 'other', orderStatus: 'committed' })).toEqual({
      type: 'urn:playguard:problem:order_conflict',
      title: 'Order conflict',
      status: 409,
      detail: '订单号已被用于其他金额或账号。',
      code: 'order_conflict',
      orderStatus: 'committed',
    });
  });
});

// ---- Path parameters, body bytes and transaction conflicts at the Lambda edge ----------------

const lambdaContext = { awsRequestId: 'req-1', functionName: 'test', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

function event(
  routeKey: string,
  options: { pathParameters?: Record<string, string>; body?: string; isBase64Encoded?: boolean; scope?: string; game?: string } = {},
): APIGatewayProxyEventV2WithJWTAuthorizer {
  return {
    version: '2.0',
    routeKey,
    rawPath: '/',
    rawQueryString: '',
    headers: options.body !== undefined ? { 'content-type': 'application/json' } : {},
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
    isBase64Encoded: options.isBase64Encoded ?? false,
    requestContext: {
      requestId: 'req-1',
      routeKey,
      authorizer: {
        principalId: 'p',
        integrationLatency: 0,
        jwt: {
          claims: { sub: 'acct-1', ...(options.scope ? { scope: options.scope } : {}), ...(options.game !== undefined ? { game: options.game } : {}) },
          scopes: [],
        },
      },
    },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

type Answer = { statusCode: number; headers: Record<string, string>; body: string };
const answer = (r: unknown) => {
  const a = r as Answer;
  return { status: a.statusCode, headers: a.headers, body: a.body ? JSON.parse(a.body) : undefined };
};

/** Operations that record whether they ran and with which params. */
function recorder() {
  const seen: Array<Record<string, unknown>> = [];
  const { heartbeat, endSession, commitPayment, cancelPayment, challengeResult, reservePayment } = routes;
  const handler = httpFunction(
    { heartbeat, endSession, commitPayment, cancelPayment, challengeResult, reservePayment },
    {
      heartbeat: async (req) => (seen.push(req.params), { status: 200, raw: { body: '{}' } }),
      endSession: async (req) => (seen.push(req.params), { status: 204 }),
      commitPayment: async (req) => (seen.push(req.params), { status: 200, raw: { body: '{}' } }),
      cancelPayment: async (req) => (seen.push(req.params), { status: 200, raw: { body: '{}' } }),
      challengeResult: async (req) => (seen.push(req.params), { status: 200, raw: { body: '{}' } }),
      reservePayment: async (req) => (seen.push({ body: req.body }), { status: 201, raw: { body: '{}' } }),
    },
  );
  return { seen, invoke: async (e: APIGatewayProxyEventV2WithJWTAuthorizer) => answer(await handler(e, lambdaContext)) };
}

describe('replies', () => {
  it('are typed by the responses each route documents (tsc checks the lines marked @ts-expect-error)', () => {
    const beat = { remainingSeconds: null, endsAt: null, nextHeartbeatSeconds: 60 };
    const handlers = [
      // @ts-expect-error GET /health documents { status: 'ok' }
      httpFunction({ health: routes.health }, { health: async () => ({ status: 200, body: { status: 1 } }) }),
      // @ts-expect-error DELETE /v1/sessions/{sessionId} answers 204, without a body
      httpFunction({ endSession: routes.endSession }, { endSession: async () => ({ status: 200 }) }),
      // @ts-expect-error a heartbeat's action is continue, warn or terminate
      httpFunction({ heartbeat: routes.heartbeat }, { heartbeat: async () => ({ status: 200, body: { action: 'go', ...beat } }) }),
      httpFunction({ heartbeat: routes.heartbeat }, { heartbeat: async () => ({ status: 200, body: { action: 'continue', ...beat } }) }),
    ];
    expect(handlers.every((h) => typeof h === 'function')).toBe(true);
  });
});

const PARAM_ROUTES = [
  { routeKey: 'POST /v1/sessions/{sessionId}/heartbeat', name: 'sessionId', body: '{"seq":1}', scope: undefined },
  { routeKey: 'DELETE /v1/sessions/{sessionId}', name: 'sessionId', body: undefined, scope: undefined },
  { routeKey: 'POST /v1/payments/{orderId}/commit', name: 'orderId', body: undefined, scope: undefined },
  { routeKey: 'POST /v1/payments/{orderId}/cancel', name: 'orderId', body: undefined, scope: undefined },
  { routeKey: 'POST /v1/challenges/{challengeId}/result', name: 'challengeId', body: '{"passed":true}', scope: 'server' },
] as const;

describe('path parameters at the edge', () => {
  it('every {name} in a path has exactly one schema in the route table', () => {
    for (const [, r] of routeList()) {
      const names = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(Object.keys(r.params?.shape ?? {}).sort()).toEqual(names);
    }
  });

  it.each(PARAM_ROUTES)('$routeKey refuses a 700-character id with 400 before the operation runs', async (r) => {
    const { seen, invoke } = recorder();
    const a = await invoke(
      event(r.routeKey, { pathParameters: { [r.name]: 'a'.repeat(700) }, ...(r.body ? { body: r.body } : {}), ...(r.scope ? { scope: r.scope } : {}) }),
    );
    expect(a.status).toBe(400);
    expect(a.headers['content-type']).toBe('application/problem+json');
    expect(a.headers['x-request-id']).toBe('req-1');
    expect(a.body.code).toBe('invalid_request');
    expect(a.body.errors).toEqual([{ path: r.name, in: 'path', message: 'Too big: expected string to have <=128 characters' }]);
    expect(JSON.stringify(a.body)).not.toContain('a'.repeat(129));
    expect(seen).toEqual([]);
  });

  it.each([
    ['sessionId', 'POST /v1/sessions/{sessionId}/heartbeat', ['', '.', '..', 'a/b', 'a b', 'a\u0001b', 'é', 'x'.repeat(129), '%E4%B8']],
    ['orderId', 'POST /v1/payments/{orderId}/commit', ['', '.', '..', 'a b', 'a\u0001b', 'a\u007fb', '订单', 'x'.repeat(129)]],
    ['challengeId', 'POST /v1/challenges/{challengeId}/result', ['', '.', '..', 'a/b', '\u0000', 'x'.repeat(129)]],
  ] as const)('%s: refuses malformed values, never echoing them', async (name, routeKey, values) => {
    const { seen, invoke } = recorder();
    for (const value of values) {
      const body = routeKey.endsWith('heartbeat') ? '{"seq":1}' : routeKey.endsWith('result') ? '{"passed":true}' : undefined;
      const a = await invoke(
        event(routeKey, { pathParameters: { [name]: value }, ...(body ? { body } : {}), ...(routeKey.includes('challenges') ? { scope: 'server' } : {}) }),
      );
      expect(a.status, JSON.stringify(value)).toBe(400);
      expect(a.body.code).toBe('invalid_request');
      expect(a.body.errors[0]).toMatchObject({ path: name, in: 'path' });
      if (value.length > 2) expect(a.body.errors[0].message).not.toContain(value);
    }
    expect(seen).toEqual([]);
  });

  it('passes well-formed ids, including every id the gateway issues, through unchanged', async () => {
    const { seen, invoke } = recorder();
    const issued = randomBytes(16).toString('hex'); // as shared/sessions/service.ts and shared/risk/service.ts make them
    for (const id of [issued, 'A-b_c.d:e', 'x'.repeat(128), '...']) {
      expect((await invoke(event('POST /v1/sessions/{sessionId}/heartbeat', { pathParameters: { sessionId: id }, body: '{"seq":1}' }))).status).toBe(200);
    }
    for (const id of ['order-1', 'a/b?c#d%e', '~!@$^&*()', 'x'.repeat(128), '.a', 'a..']) {
      expect((await invoke(event('POST /v1/payments/{orderId}/commit', { pathParameters: { orderId: id } }))).status).toBe(200);
    }
    expect(seen).toEqual([
      ...[issued, 'A-b_c.d:e', 'x'.repeat(128), '...'].map((sessionId) => ({ sessionId })),
      ...['order-1', 'a/b?c#d%e', '~!@$^&*()', 'x'.repeat(128), '.a', 'a..'].map((orderId) => ({ orderId })),
    ]);
  });

  it('refuses a token whose game is not configured with 403 unknown_game before the operation runs', async () => {
    const { seen, invoke } = recorder();
    const a = await invoke(event('POST /v1/payments/{orderId}/commit', { pathParameters: { orderId: 'o-1' }, game: 'g-elsewhere' }));
    expect(a.status).toBe(403);
    expect(a.headers['content-type']).toBe('application/problem+json');
    expect(a.body).toEqual({
      type: 'urn:playguard:problem:unknown_game',
      title: 'Unknown game',
      status: 403,
      detail: '该游戏未在本服务中登记。',
      code: 'unknown_game',
    });
    expect(seen).toEqual([]);
    // The configured game (here the single game `default`) passes, with its id on the caller.
    const callers: unknown[] = [];
    const handler = httpFunction(
      { commitPayment: routes.commitPayment },
      { commitPayment: async (req) => (callers.push(req.caller), { status: 200, raw: { body: '{}' } }) },
    );
    expect(
      answer(await handler(event('POST /v1/payments/{orderId}/commit', { pathParameters: { orderId: 'o-1' }, game: 'default' }), lambdaContext)).status,
    ).toBe(200);
    expect(answer(await handler(event('POST /v1/payments/{orderId}/commit', { pathParameters: { orderId: 'o-1' } }), lambdaContext)).status).toBe(200);
    expect(callers).toEqual([
      { accountId: 'acct-1', kind: 'player', gameId: 'default' },
      { accountId: 'acct-1', kind: 'player', gameId: 'default' },
    ]);
  });

  it("answers a player on a server route 403 forbidden even when its game is unknown (as API Gateway's scope check does, deployed)", async () => {
    const { invoke } = recorder();
    const a = await invoke(
      event('POST /v1/challenges/{challengeId}/result', { pathParameters: { challengeId: 'c-1' }, body: '{"passed":true}', game: 'g-elsewhere' }),
    );
    expect(a.status).toBe(403);
    expect(a.body.code).toBe('forbidden');
  });

  it('checks the credential first: a player on a server route gets 403 whatever the id', async () => {
    const { invoke } = recorder();
    const a = await invoke(event('POST /v1/challenges/{challengeId}/result', { pathParameters: { challengeId: 'x'.repeat(700) }, body: '{"passed":true}' }));
    expect(a.status).toBe(403);
    expect(a.body.code).toBe('forbidden');
  });
});

describe('order ids in the reservation body', () => {
  it.each(['.', '..', 'a\u0001b', 'a b', '', 'x'.repeat(129)])('refuses %j', (orderId) => {
    expect(PaymentReservation.safeParse({ orderId, amount: 100 }).success).toBe(false);
  });
  it.each(['order-1', '.a', 'a.b', '...', 'x'.repeat(128)])('accepts %j', (orderId) => {
    expect(PaymentReservation.safeParse({ orderId, amount: 100 }).success).toBe(true);
  });
  it('answers "." with invalid_request naming the field', async () => {
    const { seen, invoke } = recorder();
    const a = await invoke(event('POST /v1/payments', { body: '{"orderId":"..","amount":100}' }));
    expect(a.status).toBe(400);
    expect(a.body.errors).toEqual([{ path: 'orderId', message: '"." and ".." are not valid ids' }]);
    expect(seen).toEqual([]);
  });
});

describe('body bytes', () => {
  it('refuses a body that is not UTF-8 with invalid_request', async () => {
    const { seen, invoke } = recorder();
    const bytes = Buffer.concat([Buffer.from('{"orderId":"o-'), Buffer.from([0xe4, 0xb8]), Buffer.from('","amount":100}')]);
    const a = await invoke(event('POST /v1/payments', { body: bytes.toString('base64'), isBase64Encoded: true }));
    expect(a.status).toBe(400);
    expect(a.headers['content-type']).toBe('application/problem+json');
    expect(a.body.code).toBe('invalid_request');
    expect(a.body.errors).toEqual([{ path: '', message: 'body is not valid UTF-8' }]);
    expect(seen).toEqual([]);
  });

  it('still reads UTF-8 bodies, as text or base64', async () => {
    const { seen, invoke } = recorder();
    const text = '{"orderId":"o-1","amount":100}';
    expect((await invoke(event('POST /v1/payments', { body: text }))).status).toBe(201);
    expect((await invoke(event('POST /v1/payments', { body: Buffer.from(text).toString('base64'), isBase64Encoded: true }))).status).toBe(201);
    expect(seen).toEqual([{ body: { orderId: 'o-1', amount: 100 } }, { body: { orderId: 'o-1', amount: 100 } }]);
  });

  it('measures the size limit in bytes', async () => {
    const { invoke } = recorder();
    const a = await invoke(event('POST /v1/payments', { body: JSON.stringify({ orderId: 'o', amount: 1, pad: '中'.repeat(6000) }) }));
    expect(a.status).toBe(413);
    expect(a.body.code).toBe('payload_too_large');
  });
});

describe('transaction conflicts at the edge', () => {
  const cancelled = (codes: string[]) =>
    new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });
  const failing = (error: Error) =>
    httpFunction(
      { reservePayment: routes.reservePayment },
      {
        reservePayment: async () => {
          throw error;
        },
      },
    );
  const reserve = event('POST /v1/payments', { body: '{"orderId":"o-1","amount":100}' });

  it('answers a conflict that outlasted the retries with 429 write_contention and Retry-After: 1', async () => {
    const a = answer(await failing(cancelled(['None', 'TransactionConflict']))(reserve, lambdaContext));
    expect(a.status).toBe(429);
    expect(a.headers).toEqual({ 'content-type': 'application/problem+json', 'x-request-id': 'req-1', 'retry-after': '1' });
    expect(a.body).toEqual({
      type: 'urn:playguard:problem:write_contention',
      title: 'Write contention',
      status: 429,
      detail: PROBLEMS.write_contention.detail,
      code: 'write_contention',
    });
  });

  it("leaves any other cancellation an internal error (a failed condition is the repositories' business)", async () => {
    for (const codes of [['ConditionalCheckFailed', 'TransactionConflict'], ['ValidationError'], []]) {
      expect(answer(await failing(cancelled(codes))(reserve, lambdaContext)).status).toBe(500);
    }
  });

  it('tells conflicts apart', () => {
    expect(isTransactionConflict(cancelled(['TransactionConflict']))).toBe(true);
    expect(isTransactionConflict(cancelled(['None', 'TransactionConflict', 'None']))).toBe(true);
    expect(isTransactionConflict(cancelled(['None', 'None']))).toBe(false);
    expect(isTransactionConflict(cancelled(['TransactionConflict', 'ConditionalCheckFailed']))).toBe(false);
    expect(isTransactionConflict(cancelled(['TransactionConflict', 'ThrottlingError']))).toBe(false);
    expect(isTransactionConflict(Object.assign(new Error('x'), { CancellationReasons: [{ Code: 'TransactionConflict' }] }))).toBe(false);
    expect(isTransactionConflict(undefined)).toBe(false);
  });

  it('backs off 20 ms … 50/100/200 ms on the 1st/2nd/3rd re-send', () => {
    expect([0, 1, 2, 3].map((n) => conflictBackoffMs(n, () => 0))).toEqual([20, 20, 20, 20]);
    expect([0, 1, 2, 3].map((n) => conflictBackoffMs(n, () => 0.999999))).toEqual([49, 99, 199, 199]);
  });
});

describe('the OpenAPI document', () => {
  const doc = openApiDocument() as unknown as {
    paths: Record<string, Record<string, { parameters?: unknown[]; responses: Record<string, { description?: string }> }>>;
  };

  it('describes path parameters with the schemas the edge checks them with', () => {
    expect(doc.paths['/v1/sessions/{sessionId}/heartbeat']!.post!.parameters).toEqual([
      expect.objectContaining({
        in: 'path',
        name: 'sessionId',
        required: true,
        schema: expect.objectContaining({
          type: 'string',
          minLength: 1,
          maxLength: 128,
          allOf: [{ pattern: '^[A-Za-z0-9._:-]+$' }, { pattern: '[^.]|^\\.{3}' }],
        }),
      }),
    ]);
    expect(doc.paths['/v1/payments/{orderId}/cancel']!.post!.parameters).toEqual([
      expect.objectContaining({
        in: 'path',
        name: 'orderId',
        required: true,
        schema: expect.objectContaining({
          type: 'string',
          minLength: 1,
          maxLength: 128,
          allOf: [{ pattern: '^[\\x21-\\x7e]+$' }, { pattern: '[^.]|^\\.{3}' }],
        }),
      }),
    ]);
    expect(doc.paths['/v1/challenges/{challengeId}/result']!.post!.parameters).toHaveLength(1);
    expect(Object.keys(doc.paths['/v1/sessions/{sessionId}']!.delete!.responses)).toContain('400');
  });

  it('lists GET /v1/games as public, answering the configured games', () => {
    const games = (
      doc.paths['/v1/games'] as unknown as Record<
        string,
        { security?: unknown[]; responses: Record<string, { description?: string; content?: Record<string, { schema: unknown }> }> }
      >
    ).get!;
    expect(games.security).toEqual([]);
    expect(games.responses['200']!.description).toBe('Every configured game, in configured order');
    expect(games.responses['200']!.content!['application/json']!.schema).toEqual({ $ref: '#/components/schemas/Games' });
    expect(Object.keys(games.responses).sort()).toEqual(['200', 'default']);
  });

  it("documents unknown_game under 403 on every route that takes a credential, keeping each route's own 403 codes", () => {
    for (const [, r] of routeList()) {
      const responses = doc.paths[r.path]![r.method.toLowerCase()]!.responses;
      if (r.auth === 'none') expect(responses['403'], r.path).toBeUndefined();
      else expect(responses['403']!.description, `${r.method} ${r.path}`).toContain('unknown_game');
    }
    expect(doc.paths['/v1/sessions']!.post!.responses['403']!.description).toBe(
      "identity_required, guardian_consent_required (a child under 14 without its guardian's consent to " +
        'the current privacy policy: with policyVersion and consent), play_time_restricted (with ' +
        "nextWindowStart/nextWindowEnd), guardian_restricted (a guardian's controls refuse play now; with " +
        'nextWindowStart/nextWindowEnd), account_blocked, forbidden (not a player credential) or ' +
        "unknown_game (the token's `game` claim names no configured game; GET /v1/games lists them)",
    );
    expect(doc.paths['/v1/challenges/{challengeId}/result']!.post!.responses['403']!.description).toBe(
      "forbidden (not a server credential) or unknown_game (the token's `game` claim names no configured game; GET /v1/games lists them)",
    );
    expect(doc.paths['/v1/payments']!.post!.responses['403']!.description).toContain(
      "forbidden (an operator credential; or accountId other than sub, or gameId other than the token's game, with a player credential)",
    );
  });

  it('lists write_contention where a transaction can meet it', () => {
    for (const [path, method] of [
      ['/v1/payments', 'post'],
      ['/v1/sessions', 'post'],
      ['/v1/identity', 'post'],
      ['/v1/payments/{orderId}/cancel', 'post'],
    ] as const) {
      expect(doc.paths[path]![method]!.responses['429']!.description).toContain('write_contention');
    }
  });
});
