/**
 * `GET /openapi.json`: generated from the route table, the schemas that validate requests and the
 * route documentation (shared/api/routeDocs.ts, with the response schemas and the words of
 * shared/api/responses.ts), good enough to generate a client from (test/unit/openapiDocument.test.ts
 * lints it with Redocly's recommended rules and compiles openapi-typescript's output against it).
 * Only the `meta` function and `npm run docs:api` import it.
 */
import { createDocument, type ZodOpenApiPathsObject } from 'zod-openapi';
import { ProblemDocument } from '#shared/api/responses';
import { routeDocs, type RouteDoc } from '#shared/api/routeDocs';
import { routes, type OperationId, type RouteSpec } from '#shared/api/routes';
import { MAX_BODY_BYTES } from '#shared/edge/http';
import { PROBLEM_EXTENSIONS, PROBLEMS, type ProblemCode } from '#shared/problem';
import * as z from '#shared/zod';

const PROBLEM_JSON = 'application/problem+json';

/** `play_time_restricted` → `PlayTimeRestrictedProblem`, the component of that code's document. */
export const problemComponentName = (code: ProblemCode): string =>
  `${code
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('')}Problem`;

// One schema object per code for the life of the process: zod's registry refuses a second schema
// under an id it already holds, and register() files each one there.
const byCode = new Map<ProblemCode, z.ZodMiniType>();

/** One code's problem document: the standard members, `status` and `code` fixed, and the code's extension members (shared/problem.ts). */
export function problemSchema(code: ProblemCode): z.ZodMiniType {
  let schema = byCode.get(code);
  if (!schema) {
    const extension = (PROBLEM_EXTENSIONS as Partial<Record<ProblemCode, z.ZodMiniObject>>)[code];
    const { status, title, detail } = PROBLEMS[code];
    schema = z
      .extend(ProblemDocument, { status: z.literal(status), code: z.literal(code), ...extension?.shape })
      .register(z.globalRegistry, { id: problemComponentName(code), description: `${title}: ${detail}` });
    byCode.set(code, schema);
  }
  return schema;
}

/**
 * The codes a problem response of the route table names in its description ("identity_required,
 * play_time_restricted (with …) or unknown_game"): every word that is a code of the catalogue. A
 * response that names none, or a code of another status, stops the document from being built.
 */
export function codesOfResponse(where: string, status: number, description: string): ProblemCode[] {
  const codes = [...new Set(description.match(/\b[a-z][a-z_]*[a-z]\b/g) ?? [])].filter((w): w is ProblemCode => Object.hasOwn(PROBLEMS, w));
  if (!codes.length) throw new Error(`${where} ${status}: a problem response must name its codes in its description`);
  for (const code of codes) if (PROBLEMS[code].status !== status) throw new Error(`${where} ${status}: ${code} answers ${PROBLEMS[code].status}`);
  return codes;
}

// Deployed, API Gateway's JWT authorizer refuses a token itself with this body (docs/local.md "Known
// differences between local and deployed"); the local runner answers the unauthorized problem.
const GatewayMessage = z
  .object({ message: z.string() })
  .register(z.globalRegistry, { id: 'GatewayMessage', description: 'API Gateway\'s own answer, e.g. {"message":"Unauthorized"} from its JWT authorizer' });

const requestId = { 'x-request-id': { $ref: '#/components/headers/RequestId' } };
// 429 and 503 answers say when to send the same request again (RFC 9110 §10.2.3); API Gateway's
// own throttling answers 429 without it.
const withRetryAfter = (status: string) => (status === '429' || status === '503' ? { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } } : {});

function problemResponse(description: string, codes: ProblemCode[] | null, status: string): Record<string, unknown> {
  const schemas = codes ? codes.map(problemSchema) : [ProblemDocument];
  // Several codes: one of their documents, told apart by `code` (a generated client narrows on it).
  const schema = schemas.length === 1 ? schemas[0] : z.discriminatedUnion('code', schemas as unknown as [z.ZodMiniObject, ...z.ZodMiniObject[]]);
  const content: Record<string, unknown> = { [PROBLEM_JSON]: { schema } };
  if (status === '401') content['application/json'] = { schema: GatewayMessage };
  return { description, headers: { ...requestId, ...withRetryAfter(status) }, content };
}

function responsesOf(operationId: string, r: RouteSpec, doc: RouteDoc): Record<string, unknown> {
  const where = `${r.method} ${r.path} (${operationId})`;
  const responses: Record<string, unknown> = {};
  for (const [status, resp] of Object.entries(doc.responses)) {
    if (resp.schema === ProblemDocument)
      responses[status] = problemResponse(resp.description, codesOfResponse(where, Number(status), resp.description), status);
    else {
      // JSON by default; a response that also (or only) answers another media type lists it in `content`.
      const content = {
        ...(resp.schema ? { 'application/json': { schema: resp.schema } } : {}),
        ...Object.fromEntries(Object.entries(resp.content ?? {}).map(([type, schema]) => [type, { schema }])),
      };
      responses[status] = { description: resp.description, headers: requestId, ...(Object.keys(content).length ? { content } : {}) };
    }
  }
  if (r.auth !== 'none') {
    responses['401'] = problemResponse('unauthorized: no token, or one the authorizer refuses', ['unauthorized'], '401');
    // A route's own 403 (which codes it answers) is kept; the generic one only fills a gap.
    if (r.auth !== 'account') responses['403'] ??= problemResponse('forbidden: not this kind of credential', ['forbidden'], '403');
  }
  if (r.body || r.params || r.query)
    responses['400'] ??= problemResponse('invalid_request: `errors` names each field that is wrong', ['invalid_request'], '400');
  if (r.body) {
    responses['413'] ??= problemResponse(`payload_too_large: a body over ${MAX_BODY_BYTES} bytes (with maxBytes)`, ['payload_too_large'], '413');
    responses['415'] ??= problemResponse('unsupported_media_type: a body whose Content-Type is not JSON', ['unsupported_media_type'], '415');
  }
  responses.default = problemResponse(
    'Any other problem document: internal_error (500); for a path or method that names no route, ' +
      'not_found or method_not_allowed (a path segment `.` or `..` is removed before routing, which is why ' +
      "no id may be one); API Gateway's own refusals (throttling, request size)",
    null,
    'default',
  );
  return responses;
}

export function openApiDocument(): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  // In the order of the route documentation.
  for (const [operationId, doc] of Object.entries(routeDocs) as Array<[OperationId, RouteDoc]>) {
    const r: RouteSpec = routes[operationId];
    // Path parameters come from the schemas the edge validates them with; a route without one
    // (none today) would still list its `{name}`s as plain strings.
    const params = r.params
      ? []
      : [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1]!, in: 'path' as const, required: true, schema: { type: 'string' as const } }));
    const pathItem = (paths[r.path] ??= {}) as Record<string, unknown>;
    pathItem[r.method.toLowerCase()] = {
      operationId,
      summary: doc.summary,
      ...(r.auth === 'none' ? { security: [] } : { 'x-credential': r.auth }),
      ...(r.params || r.query ? { requestParams: { ...(r.params ? { path: r.params } : {}), ...(r.query ? { query: r.query } : {}) } } : {}),
      ...(params.length ? { parameters: params } : {}),
      // Inline (a request schema has no component id): openapi-typescript makes a member with a
      // `default` required everywhere but inside a request body, and `takeover` must stay optional.
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: r.body } } } } : {}),
      responses: responsesOf(operationId, r, doc),
    };
  }
  return createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'PlayGuard anti-addiction identity gateway',
        version: '1.0.0',
        description:
          "Real-name identity (NPPA), minors' play time and spending limits, account-sharing checks. Errors " +
          'are RFC 9457 problem documents with a stable `code`. Every response carries `x-request-id`.',
      },
      // Relative: each deployment serves this document itself (GET /openapi.json), so its own origin is the server.
      servers: [
        {
          url: '/',
          description: "The deployment that serves this document: its own origin (the API's URL deployed, the local gateway's address under `npm start`)",
        },
      ],
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        headers: {
          RequestId: { description: "Identifies the request in the gateway's logs; quote it when reporting a problem", schema: { type: 'string' } },
          RetryAfter: { description: 'Seconds to wait before sending the same request again', schema: { type: 'integer', minimum: 0 } },
        },
      },
      security: [{ bearer: [] }],
      paths,
    },
    {
      // Responses stay open to new members (the contract may add fields), so no generated client may
      // refuse one; request bodies keep `additionalProperties: false`, as the edge refuses unknown fields.
      override: ({ jsonSchema, io }) => {
        if (io === 'output' && jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
      },
    },
  );
}
