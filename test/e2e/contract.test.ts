/**
 * The OpenAPI document is the truth, tried from outside: for every operation of the document the
 * gateway serves (GET /openapi.json; a route added later is covered without touching this file),
 * requests that the document says are valid — path, query and body drawn from its JSON Schemas
 * (test/support/schemaArbitrary.ts), every value checked against them with ajv — are sent over HTTP
 * with each kind of credential (player, server, operator, none). The test fails when such a request
 * is refused for its shape (400 `invalid_request`, except for a rule the document names in
 * `x-cross-field-rules`; 413; 415), or when an answer is not one the operation documents: a status it
 * does not list (`default` is for what no route answers by itself), a media type it does not list, a
 * body its schema refuses, or a missing `x-request-id`.
 *
 * Before the runs the gateway holds some state, so answers other than 404 come back: a verified adult
 * with a live session who is the confirmed guardian of a verified minor whose payments wait for the
 * guardian's approval. Ids the answers carry (sessionId, wardId, approvalId, …) are drawn for the
 * parameters and members of the same name, beside the schema's own values and its example; the
 * answers to the requests that set the state up are held to the document too. DELETEs run last, so
 * what they remove was there for the others. A few runs per operation and credential keep it within
 * seconds (CONTRACT_RUNS=200 to search longer); the requests go one at a time.
 */
import { randomUUID } from 'node:crypto';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployed, useGateway } from '#test/support/gateway';
import { person, withConsent } from '#test/support/people';
import { arbitraryOf, type JsonSchema } from '#test/support/schemaArbitrary';

const t = useGateway();

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: JsonSchema;
}
interface MediaType {
  schema?: JsonSchema;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType> }>;
  security?: unknown[];
  'x-credential'?: string;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema> };
}

type Kind = 'player' | 'server' | 'operator' | 'none';
const KINDS: Kind[] = ['player', 'server', 'operator', 'none'];
/** Runs per operation with the credential it takes, and with each other kind. */
const RUNS = { own: Number(process.env.CONTRACT_RUNS ?? 10), other: 2 };

let doc: Document;
let ajv: Ajv2020;
const tokens: Record<Exclude<Kind, 'none'>, string[]> = { player: [], server: [], operator: [] };
const setupFailures: string[] = [];
/** Values the answers carried, by member name. */
const known = new Map<string, Set<unknown>>();

function learn(value: unknown, name?: string): void {
  if (Array.isArray(value)) for (const v of value) learn(v, name);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) learn(v, k);
  else if (name && (typeof value === 'string' || typeof value === 'number')) {
    const set = known.get(name) ?? new Set();
    if (set.size < 20) known.set(name, set.add(value));
  }
}

// ajv compiles each schema once; the document's components are one schema the others refer to.
const compiled = new Map<string, ValidateFunction>();
function validator(schema: JsonSchema): ValidateFunction {
  const key = JSON.stringify(schema);
  let v = compiled.get(key);
  if (!v) compiled.set(key, (v = ajv.compile(JSON.parse(key.replaceAll('"#/components/', '"components#/components/')) as object)));
  return v;
}
const accepts = (schema: JsonSchema, value: unknown): boolean => validator(schema)(value) === true;

interface Request {
  kind: Kind;
  token: string | undefined;
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
  accept: string | undefined;
}

function requestArbitrary(op: Operation, kind: Kind): fc.Arbitrary<Request> {
  const options = { components: doc.components.schemas, known: (name: string) => [...(known.get(name) ?? [])], accepts };
  const group = (where: 'path' | 'query') => {
    const ps = (op.parameters ?? []).filter((p) => p.in === where);
    return fc.record(Object.fromEntries(ps.map((p) => [p.name, arbitraryOf(p.schema, options, p.name)])), {
      requiredKeys: ps.filter((p) => p.required || where === 'path').map((p) => p.name),
    });
  };
  const bodySchema = op.requestBody?.content['application/json']?.schema;
  const success = Object.entries(op.responses).find(([s]) => s.startsWith('2'))?.[1];
  return fc.record({
    kind: fc.constant(kind),
    token: kind === 'none' ? fc.constant(undefined) : fc.constantFrom(...tokens[kind]),
    path: group('path'),
    query: group('query'),
    body: bodySchema ? arbitraryOf(bodySchema, options) : fc.constant(undefined),
    // Where an answer comes in several media types, ask for each.
    accept: fc.constantFrom(undefined, ...Object.keys(success?.content ?? {})),
  });
}

/** A request the document accepts: every parameter and the body valid against their schemas. */
function documentAccepts(op: Operation, r: Request): string[] {
  const wrong: string[] = [];
  for (const p of op.parameters ?? []) {
    const value = (p.in === 'path' ? r.path : r.query)[p.name];
    if (value === undefined ? p.required || p.in === 'path' : !accepts(p.schema, value)) wrong.push(`${p.in} ${p.name}`);
  }
  const schema = op.requestBody?.content['application/json']?.schema;
  if (schema && !accepts(schema, r.body)) wrong.push('body');
  return wrong;
}

function crossFieldRules(op: Operation): Set<string> {
  const rules = new Set<string>();
  const walk = (s: unknown): void => {
    if (Array.isArray(s)) s.forEach(walk);
    else if (s && typeof s === 'object') {
      const ref = (s as JsonSchema).$ref;
      if (ref) walk(doc.components.schemas[ref.replace('#/components/schemas/', '')]);
      for (const [k, v] of Object.entries(s)) {
        if (k === 'x-cross-field-rules') for (const m of v as string[]) rules.add(m);
        else if (k !== '$ref') walk(v);
      }
    }
  };
  walk(op.parameters);
  walk(op.requestBody);
  return rules;
}

interface Answer {
  status: number;
  contentType: string;
  requestId: string | null;
  text: string;
}

async function send(method: string, template: string, r: Request): Promise<Answer> {
  const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(String(r.path[name])));
  const query = new URLSearchParams(Object.entries(r.query).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const headers: Record<string, string> = {};
  if (r.token) headers.authorization = `Bearer ${r.token}`;
  if (r.accept) headers.accept = r.accept;
  if (r.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${t.gateway.url}${path}${query ? `?${query}` : ''}`, {
    method,
    headers,
    ...(r.body !== undefined ? { body: JSON.stringify(r.body) } : {}),
  });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', requestId: res.headers.get('x-request-id'), text: await res.text() };
}

/** What is wrong with an answer to a request the document accepts (empty: nothing). */
function mismatches(op: Operation, answer: Answer): string[] {
  const wrong: string[] = [];
  if (!answer.requestId) wrong.push('no x-request-id');
  const response = op.responses[String(answer.status)];
  if (!response) return [...wrong, `status ${answer.status} is not documented (${answer.text.slice(0, 300)})`];
  const content = response.content ?? {};
  if (!Object.keys(content).length) return answer.text === '' ? wrong : [...wrong, `a body where none is documented: ${answer.text.slice(0, 200)}`];
  const media = answer.contentType.split(';')[0]!.trim().toLowerCase();
  const declared = content[media];
  if (!declared) return [...wrong, `media type ${JSON.stringify(media)} is not documented for ${answer.status} (${Object.keys(content).join(', ')})`];
  let body: unknown = answer.text;
  if (media === 'application/json' || media.endsWith('+json')) {
    try {
      body = JSON.parse(answer.text);
    } catch {
      return [...wrong, `${media} that is not JSON: ${answer.text.slice(0, 200)}`];
    }
  }
  if (declared.schema) {
    const validate = validator(declared.schema);
    if (!validate(body))
      wrong.push(`${answer.status} ${media} body does not match its schema: ${ajv.errorsText(validate.errors)} — ${answer.text.slice(0, 300)}`);
  }
  return wrong;
}

/** A refusal for the request's shape, which a request the document accepts must never get. */
function refusedForShape(op: Operation, answer: Answer): string | null {
  if (answer.status === 413 || answer.status === 415) return `${answer.status}: ${answer.text.slice(0, 300)}`;
  if (answer.status !== 400) return null;
  const rules = crossFieldRules(op);
  const errors = (JSON.parse(answer.text) as { errors?: Array<{ message: string }> }).errors ?? [];
  return errors.length && errors.every((e) => rules.has(e.message)) ? null : `400 ${answer.text.slice(0, 400)}`;
}

beforeAll(async () => {
  // The local gateway's virtual clock and development tokens set the state up.
  if (deployed) return;
  // A Wednesday morning: a minor may not play now, an adult may.
  await t.api.setClock('2026-11-25T10:00:00+08:00');
  doc = (await t.api.call<Document>('GET', '/openapi.json')).body;
  // Draft 2020-12, the dialect of OpenAPI 3.1. Not strict: the document carries OpenAPI's own
  // keywords (example, discriminator) and extensions beside JSON Schema's.
  ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ $id: 'components', components: doc.components });

  const [guardian, ward] = [`c-guardian-${randomUUID()}`, `c-ward-${randomUUID()}`];
  tokens.player = [await t.api.token(guardian), await t.api.token(ward)];
  tokens.server = [await t.api.token(`c-server-${randomUUID()}`, 'server')];
  tokens.operator = [await t.api.token(`c-operator-${randomUUID()}`, 'operator')];
  const [g, w] = tokens.player as [string, string];
  const minor = person('2014-03-01', '李四');
  // Each answer is held to the document too, so the states it reaches (a guardian's approval) are checked every run.
  const step = async (token: string, method: string, path: string, body?: unknown) => {
    const r: Request = { kind: 'player', token, path: {}, query: {}, body, accept: undefined };
    const [template, op] = operationAt(method, path);
    const answer = await send(method, path, r);
    const wrong = mismatches(op, answer);
    if (wrong.length) setupFailures.push(`${method} ${template}: ${wrong.join('; ')}`);
    if (answer.contentType.includes('json')) learn(JSON.parse(answer.text));
  };
  await step(g, 'POST', '/v1/identity', person('1988-06-01', '王五'));
  // Twelve years old: the guardian's consent comes with the real name (the attested mode).
  await step(w, 'POST', '/v1/identity', withConsent(minor));
  await step(g, 'POST', '/v1/guardian/wards', minor);
  const [wardId] = known.get('wardId') ?? [];
  const [confirmCode] = known.get('confirmCode') ?? [];
  await step(w, 'POST', '/v1/me/guardians/confirm', { code: confirmCode });
  await step(g, 'PUT', `/v1/guardian/wards/${String(wardId)}/controls`, { paymentApproval: true });
  await step(w, 'POST', '/v1/payments', { orderId: `c-${randomUUID()}`, amount: 600 });
  await step(g, 'POST', '/v1/sessions', { deviceId: 'contract-phone' });
  await step(g, 'POST', '/v1/payments', { orderId: `c-${randomUUID()}`, amount: 1200 });
  await step(w, 'GET', '/v1/me/guardians');
  await step(g, 'GET', '/v1/me/accounts');
  await step(g, 'GET', '/v1/guardian/approvals');
});

describe.skipIf(deployed)('every operation of the served document, with requests it says are valid', () => {
  it('is served, and names every operation once', () => {
    const ids = operations().map(([, , op]) => op.operationId);
    expect(ids.length).toBeGreaterThan(40);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('answered the requests that set the state up as documented: a guardian approval, a session, a confirmed link', () => {
    expect(setupFailures).toEqual([]);
    expect(known.get('approvalId')?.size, "the ward's payment asked its guardian").toBe(1);
    expect(known.get('sessionId')?.size).toBe(1);
    expect(known.get('linkId')?.size).toBe(1);
  });

  // Read when the tests run: the list comes from the served document, fetched in beforeAll.
  it.each(KINDS)(
    'answers only as documented, with a %s credential',
    async (kind) => {
      const failures: string[] = [];
      for (const [method, path, op] of operations()) {
        const own = op.security?.length === 0 ? 'none' : op['x-credential'];
        const takes = own === kind || (own === 'account' && (kind === 'player' || kind === 'server'));
        await fc
          .assert(
            fc.asyncProperty(requestArbitrary(op, kind), async (r) => {
              expect(documentAccepts(op, r), 'the generator made a request the document refuses').toEqual([]);
              const answer = await send(method.toUpperCase(), path, r);
              if (answer.contentType.includes('json') && answer.status < 300) learn(JSON.parse(answer.text));
              const wrong = [...mismatches(op, answer)];
              const shape = refusedForShape(op, answer);
              if (shape) wrong.push(`refused for its shape: ${shape}`);
              if (wrong.length) {
                failures.push(
                  `${method.toUpperCase()} ${path} (${kind}) ` +
                    `${JSON.stringify({ path: r.path, query: r.query, body: r.body, accept: r.accept })}: ${wrong.join('; ')}`,
                );
                return false;
              }
              return true;
            }),
            { numRuns: takes || own === 'none' ? RUNS.own : RUNS.other, endOnFailure: true },
          )
          .catch(() => undefined);
      }
      expect(failures).toEqual([]);
    },
    240_000,
  );
});

/** The operation a concrete path and method are served by. */
function operationAt(method: string, path: string): [string, Operation] {
  for (const [m, template, op] of operations()) {
    const pattern = new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`);
    if (m === method.toLowerCase() && pattern.test(path)) return [template, op];
  }
  throw new Error(`no operation of the document serves ${method} ${path}`);
}

/** The document's operations, DELETEs last. */
function operations(): Array<[string, string, Operation]> {
  const all = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => [method, path, op] as [string, string, Operation]),
  );
  return [...all.filter(([m]) => m !== 'delete'), ...all.filter(([m]) => m === 'delete')];
}
