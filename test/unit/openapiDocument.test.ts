/**
 * The OpenAPI document (shared/api/openapi.ts) is good enough to generate a client from: problem
 * answers are `application/problem+json` with the codes each response can carry and their members,
 * `Retry-After` and `x-request-id` are declared, there is a server, optional request fields stay
 * optional and response objects stay open. Redocly CLI lints it with the recommended rules
 * (redocly.yaml names the two exceptions and why), and openapi-typescript's output compiles against
 * a snippet that uses it the way a studio would.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { codesOfResponse, openApiDocument } from '#shared/api/openapi';
import { routeDocs } from '#shared/api/routeDocs';
import { PROBLEMS } from '#shared/problem';
import { HEAVY_TEST_MS } from '#test/support/timeouts';

const ROOT = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

interface Schema {
  $ref?: string;
  anyOf?: Schema[];
  oneOf?: Schema[];
  discriminator?: { propertyName: string; mapping: Record<string, string> };
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: unknown;
  items?: Schema;
  type?: string | string[];
  const?: unknown;
}
interface Response {
  description: string;
  headers?: Record<string, { $ref: string }>;
  content?: Record<string, { schema: Schema }>;
}
interface Operation {
  operationId: string;
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, Response>;
}
const doc = openApiDocument() as unknown as {
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; headers: Record<string, unknown> };
};
const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
);
const resolve = (s: Schema): Schema => (s.$ref ? doc.components.schemas[s.$ref.slice('#/components/schemas/'.length)]! : s);
const refsOf = (s: Schema): string[] => (s.oneOf ?? [s]).map((v) => v.$ref!.slice('#/components/schemas/'.length));

const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the OpenAPI document', () => {
  it('names a server: the deployment that serves it', () => {
    // Relative, so it is right wherever the document is served from; no port a local gateway may not listen on.
    expect(doc.servers).toEqual([
      {
        url: '/',
        description: "The deployment that serves this document: its own origin (the API's URL deployed, the local gateway's address under `npm start`)",
      },
    ]);
  });

  it('declares x-request-id on every response, and Retry-After on every 429 and 503', () => {
    for (const { key, op } of operations) {
      for (const [status, r] of Object.entries(op.responses)) {
        expect(r.headers?.['x-request-id'], `${key} ${status}`).toEqual({ $ref: '#/components/headers/RequestId' });
        expect(r.headers?.['Retry-After'], `${key} ${status}`).toEqual(
          status === '429' || status === '503' ? { $ref: '#/components/headers/RetryAfter' } : undefined,
        );
      }
    }
    expect(doc.components.headers).toEqual({
      RequestId: { description: "Identifies the request in the gateway's logs; quote it when reporting a problem", schema: { type: 'string' } },
      RetryAfter: { description: 'Seconds to wait before sending the same request again', schema: { type: 'integer', minimum: 0 } },
    });
  });

  it('answers every error as application/problem+json, with the codes that response carries', () => {
    for (const { key, op } of operations) {
      for (const [status, r] of Object.entries(op.responses)) {
        if (status.startsWith('2')) continue;
        expect(Object.keys(r.content ?? {}), `${key} ${status}`).toEqual(
          status === '401' ? ['application/problem+json', 'application/json'] : ['application/problem+json'],
        );
        const refs = refsOf(r.content!['application/problem+json']!.schema);
        if (status === 'default') expect(refs).toEqual(['Problem']);
        // Each code's document fixes its status and code, and that status is the response's.
        else
          for (const name of refs) expect([name, resolve({ $ref: `#/components/schemas/${name}` }).properties!.status!.const]).toEqual([name, Number(status)]);
      }
    }
    expect(refsOf(doc.paths['/v1/sessions']!.post!.responses['403']!.content!['application/problem+json']!.schema)).toEqual([
      'IdentityRequiredProblem',
      'GuardianConsentRequiredProblem',
      'PlayTimeRestrictedProblem',
      'GuardianRestrictedProblem',
      'AccountBlockedProblem',
      'ForbiddenProblem',
      'UnknownGameProblem',
    ]);
    expect(refsOf(doc.paths['/v1/identity']!.post!.responses['429']!.content!['application/problem+json']!.schema)).toEqual([
      'RateLimitedProblem',
      'WriteContentionProblem',
    ]);
    expect(refsOf(doc.paths['/v1/sessions/{sessionId}/heartbeat']!.post!.responses['409']!.content!['application/problem+json']!.schema)).toEqual([
      'StaleHeartbeatProblem',
    ]);
  });

  it('tells the problems of one status apart by `code` (a guardian approval is not a face challenge)', () => {
    const schema = doc.paths['/v1/payments']!.post!.responses['428']!.content!['application/problem+json']!.schema;
    expect(refsOf(schema)).toEqual(['ChallengeRequiredProblem', 'GuardianApprovalRequiredProblem']);
    expect(schema.discriminator).toEqual({
      propertyName: 'code',
      mapping: {
        challenge_required: '#/components/schemas/ChallengeRequiredProblem',
        guardian_approval_required: '#/components/schemas/GuardianApprovalRequiredProblem',
      },
    });
    expect(doc.components.schemas.GuardianApprovalRequiredProblem!.required).toEqual(['type', 'title', 'status', 'detail', 'code', 'approvalId', 'expiresAt']);
  });

  it('declares the media types of answers that are not JSON', () => {
    const media = (path: string, status = '200') => Object.keys(doc.paths[path]!.get!.responses[status]!.content ?? {});
    expect(media('/console')).toEqual(['text/html']);
    expect(media('/console/{asset}')).toEqual(['application/json', 'text/html', 'text/javascript', 'text/css']);
    expect(media('/v1/admin/reports/annual')).toEqual(['application/json', 'text/html']);
    expect(media('/openapi.json')).toEqual(['application/json']);
  });

  it('gives each code its extension members (shared/problem.ts PROBLEM_EXTENSIONS)', () => {
    const s = doc.components.schemas;
    expect(s.PlayTimeRestrictedProblem!.required).toEqual(['type', 'title', 'status', 'detail', 'code', 'nextWindowStart', 'nextWindowEnd']);
    expect(s.PlayTimeRestrictedProblem!.properties!.code).toEqual({ type: 'string', const: 'play_time_restricted' });
    expect(s.PlayTimeRestrictedProblem!.properties!.nextWindowStart!.type).toEqual(['string', 'null']);
    expect(s.StaleHeartbeatProblem!.required).toContain('lastSeq');
    expect(s.OrderConflictProblem!.required).not.toContain('orderStatus');
    expect(Object.keys(s.ChallengeRequiredProblem!.properties!)).toEqual([
      'type',
      'title',
      'status',
      'detail',
      'code',
      'challengeId',
      'challengeKind',
      'signal',
    ]);
  });

  it('keeps optional request fields optional and request bodies closed, and leaves every response object open', () => {
    const body = (path: string, method: string) => doc.paths[path]![method]!.requestBody!.content['application/json']!.schema;
    expect(body('/v1/sessions', 'post').required).toEqual(['deviceId']);
    expect(body('/v1/challenges/{challengeId}/result', 'post').required).toEqual(['passed']);
    expect(body('/v1/payments', 'post').required).toEqual(['orderId', 'amount']);
    for (const { key, op } of operations) if (op.requestBody) expect(op.requestBody.content['application/json']!.schema.additionalProperties, key).toBe(false);
    const closed: string[] = [];
    const walk = (where: string, s: Schema | undefined): void => {
      if (!s) return;
      if (s.additionalProperties === false) closed.push(where);
      for (const [k, v] of Object.entries(s.properties ?? {})) walk(`${where}.${k}`, v);
      walk(`${where}[]`, s.items);
      [...(s.anyOf ?? []), ...(s.oneOf ?? [])].forEach((v, i) => walk(`${where}|${i}`, v));
    };
    for (const [name, s] of Object.entries(doc.components.schemas)) walk(name, s);
    expect(closed).toEqual([]);
  });

  it('declares a 4XX for every operation but the four public parameterless GETs (redocly.yaml turns that rule off only for them)', () => {
    const without = operations.filter(({ op }) => !Object.keys(op.responses).some((s) => s.startsWith('4'))).map(({ key }) => key);
    expect(without).toEqual(['GET /health', 'GET /openapi.json', 'GET /v1/games', 'GET /console']);
  });

  it('refuses a problem response that names no code, or a code of another status', () => {
    expect(codesOfResponse('X', 409, 'order_conflict: same orderId')).toEqual(['order_conflict']);
    expect(() => codesOfResponse('POST /x (x)', 403, 'Problem')).toThrow('POST /x (x) 403: a problem response must name its codes in its description');
    expect(() => codesOfResponse('POST /x (x)', 403, 'forbidden or session_not_found')).toThrow('POST /x (x) 403: session_not_found answers 404');
    // Every response of the route table that carries problems names only codes of its own status.
    for (const [id, r] of Object.entries(routeDocs))
      for (const [status, resp] of Object.entries(r.responses))
        if (Number(status) >= 400) for (const c of codesOfResponse(id, Number(status), resp.description)) expect(PROBLEMS[c].status).toBe(Number(status));
  });
});

describe('tools', () => {
  it(
    'passes `redocly lint` with the recommended rules (redocly.yaml)',
    async () => {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(doc, null, 2));
      const { stdout } = await run(
        process.execPath,
        [join(ROOT, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js'), 'lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format', 'json'],
        {
          cwd: dir,
          env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', CI: 'true' },
          timeout: HEAVY_TEST_MS,
        },
      );
      const report = JSON.parse(stdout) as {
        totals: { errors: number; warnings: number; ignored: number };
        problems: Array<{ ruleId: string; message: string }>;
      };
      expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
      expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
    },
    HEAVY_TEST_MS,
  );

  it(
    "generates types with openapi-typescript that a studio's code compiles against",
    async () => {
      writeFileSync(join(dir, 'api.ts'), astToString(await openapiTS(doc as never)));
      writeFileSync(
        join(dir, 'snippet.ts'),
        `import type { components, paths } from './api';
type Start = paths['/v1/sessions']['post']['requestBody']['content']['application/json'];
export const minimal: Start = { deviceId: 'phone-1' };
export const takeover: Start = { deviceId: 'phone-1', takeover: true };
// @ts-expect-error deviceId is required
export const missing: Start = { takeover: true };
export type Refused = paths['/v1/sessions']['post']['responses'][403]['content']['application/problem+json'];
export function nextWindow(p: Refused): string | null {
  if (p.code === 'play_time_restricted') return p.nextWindowStart;
  // @ts-expect-error no other code of this response has nextWindowStart
  const other: string | null = p.nextWindowStart;
  return other;
}
export const codes: Refused['code'][] = ['identity_required', 'play_time_restricted', 'account_blocked', 'forbidden', 'unknown_game'];
// @ts-expect-error session_not_found is not a 403 of this operation
export const notHere: Refused['code'] = 'session_not_found';
type Beat = paths['/v1/sessions/{sessionId}/heartbeat']['post'];
export const seq: Beat['requestBody']['content']['application/json'] = { seq: 1 };
export const answer: components['schemas']['HeartbeatAnswer'] = { action: 'warn', remainingSeconds: 900, endsAt: '2026-12-04T20:45:00+08:00', nextHeartbeatSeconds: 60 };
export const retryAfter: Beat['responses'][429]['headers']['Retry-After'] = 1;
export const requestId: Beat['responses'][200]['headers']['x-request-id'] = 'r-1';
export const stale: Beat['responses'][409]['content']['application/problem+json']['lastSeq'] = 7;
export const gateway: paths['/v1/limits']['get']['responses'][401]['content']['application/json'] = { message: 'Unauthorized' };
`,
      );
      const program = ts.createProgram([join(dir, 'snippet.ts')], {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        lib: ['lib.es2022.d.ts'],
        types: [],
      });
      const where = (d: ts.Diagnostic) =>
        d.file ? `${d.file.fileName.slice(dir.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1} ` : '';
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => `${where(d)}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      expect(diagnostics).toEqual([]);
    },
    HEAVY_TEST_MS,
  );
});
