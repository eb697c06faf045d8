/** `GET /openapi.json`: generated from the route table and the schemas that validate requests. */
import { createDocument, type ZodOpenApiPathsObject } from 'zod-openapi';
import { routeList } from '#shared/api/routes';
import { Problem } from '#shared/api/schemas';

const problemResponse = { description: 'Problem', content: { 'application/problem+json': { schema: Problem } } };

export function openApiDocument(): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const [operationId, r] of routeList()) {
    // Path parameters come from the schemas the edge validates them with; a route without one
    // (none today) would still list its `{name}`s as plain strings.
    const params = r.params ? [] : [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1]!, in: 'path' as const, required: true, schema: { type: 'string' as const } }));
    const responses: Record<string, unknown> = {};
    for (const [status, resp] of Object.entries(r.responses)) {
      responses[status] = resp.schema ? { description: resp.description, content: { 'application/json': { schema: resp.schema } } } : { description: resp.description };
    }
    if (r.auth !== 'none') {
      responses['401'] = problemResponse;
      // A route's own 403 (which codes it answers) is kept; the generic one only fills a gap.
      if (r.auth !== 'account') responses['403'] ??= problemResponse;
    }
    if (r.body || r.params) responses['400'] = problemResponse;
    responses.default = problemResponse;
    const pathItem = (paths[r.path] ??= {}) as Record<string, unknown>;
    pathItem[r.method.toLowerCase()] = {
      operationId,
      summary: r.summary,
      ...(r.auth === 'none' ? { security: [] } : { 'x-credential': r.auth }),
      ...(r.params ? { requestParams: { path: r.params } } : {}),
      ...(params.length ? { parameters: params } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: r.body } } } } : {}),
      responses,
    };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'PlayGuard anti-addiction identity gateway',
      version: '1.0.0',
      description:
        'Real-name identity (NPPA), minors\' play time and spending limits, account-sharing checks. Errors are RFC 9457 problem documents with a stable `code`. Every response carries `x-request-id`.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    security: [{ bearer: [] }],
    paths,
  });
}
