/**
 * Every problem a route can answer is declared on it: the TypeScript compiler's scan of what each
 * operation can reach (infra/cli/apiReference/routeProblems.ts), plus the edge's checks for what the
 * route declares, against the codes the OpenAPI document lists on that route's responses (`default`
 * aside, which is for what no route answers by itself). And no route lists a code it cannot answer.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { EDGE_CHECKS, scanRoutes, type RouteScan } from '#infra/cli/apiReference/routeProblems';
import { openApiDocument } from '#shared/api/openapi';
import { routeList, routes, type RouteSpec } from '#shared/api/routes';
import { PROBLEMS } from '#shared/problem';

interface Schema {
  $ref?: string;
  oneOf?: Schema[];
  anyOf?: Schema[];
  properties?: Record<string, { const?: unknown }>;
}
const doc = openApiDocument() as unknown as {
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>;
  components: { schemas: Record<string, Schema> };
};

/** The codes an operation's responses name, `default` aside. */
function documented(operationId: string): Set<string> {
  const op = Object.values(doc.paths)
    .flatMap((item) => Object.values(item))
    .find((o) => o.operationId === operationId)!;
  const codes = new Set<string>();
  for (const [status, response] of Object.entries(op.responses)) {
    const schema = response.content?.['application/problem+json']?.schema;
    if (status === 'default' || !schema) continue;
    for (const s of schema.oneOf ?? schema.anyOf ?? [schema]) {
      const code = doc.components.schemas[s.$ref!.split('/').pop()!]!.properties!.code!.const;
      codes.add(String(code));
    }
  }
  return codes;
}

let scan: RouteScan;
/** What a route can answer: its operation's codes and those of the edge's checks it passes through. */
function answerable(operationId: string, route: RouteSpec): Map<string, Set<string>> {
  const out = new Map(scan.operations.get(operationId));
  const shape = { auth: route.auth, params: !!route.params, query: !!route.query, body: !!route.body };
  for (const [check, applies] of Object.entries(EDGE_CHECKS)) {
    if (!applies(shape)) continue;
    for (const [code, where] of scan.edge.get(check as keyof typeof EDGE_CHECKS)!) out.set(code, new Set([...(out.get(code) ?? []), ...where]));
  }
  return out;
}

// One TypeScript program over the source: several seconds on a 2-core machine.
beforeAll(() => {
  scan = scanRoutes();
}, 120_000);

describe('the scan of what each route can answer', () => {
  it('reads the operation of every route, and every raise it reaches names its code', () => {
    expect([...scan.operations.keys()].sort()).toEqual(Object.keys(routes).sort());
    expect(scan.unread).toEqual([]);
    for (const codes of scan.operations.values()) for (const code of codes.keys()) expect(Object.hasOwn(PROBLEMS, code), code).toBe(true);
  });

  it('follows calls through functions, services and repositories (a scan that found nothing would pass everything)', () => {
    const codes = (id: string) => [...answerable(id, routes[id as keyof typeof routes]).keys()].sort();
    // The login decides in the sessions service, asks the risk service and writes a transaction.
    expect(codes('startSession')).toEqual(
      [
        'account_blocked',
        'challenge_required',
        'forbidden',
        'guardian_consent_required',
        'guardian_restricted',
        'identity_required',
        'invalid_request',
        'play_time_restricted',
        'session_active_elsewhere',
        'unauthorized',
        'unknown_game',
        'write_contention',
        'payload_too_large',
        'unsupported_media_type',
      ].sort(),
    );
    expect(codes('health')).toEqual([]);
    expect(scan.edge.get('authorize')!.has('unknown_game')).toBe(true);
  });
});

describe('the OpenAPI document', () => {
  it.each(routeList())('%s lists every code the route can answer', (operationId, route) => {
    const listed = documented(operationId);
    const missing = [...answerable(operationId, route)]
      .filter(([code]) => !listed.has(code))
      .map(([code, where]) => `${code} (${[...where].sort().join(', ')})`);
    expect(missing, `${route.method} ${route.path}: add these to its responses in shared/api/routeDocs.ts`).toEqual([]);
  });

  it.each(routeList())('%s lists no code the route cannot answer', (operationId, route) => {
    const can = answerable(operationId, route);
    expect(
      [...documented(operationId)].filter((code) => !can.has(code)),
      `${route.method} ${route.path}`,
    ).toEqual([]);
  });
});
