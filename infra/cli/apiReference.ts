/**
 * `npm run docs:api`: writes docs/api.md, the API reference as built. Every line of it comes from
 * the code:
 *
 * - endpoints, credentials, parameters, request bodies, responses and body schemas from the OpenAPI
 *   document (`openApiDocument()`, itself generated from the route table and the zod schemas that
 *   validate requests);
 * - the problem codes (status, title, Chinese detail) from the catalogue `PROBLEMS` (shared/problem.ts);
 * - the extension members, headers and per-response details of each problem from the places the
 *   source raises it (`new Problem(code, extra, headers, options)` in shared/, functions/ and
 *   infra/), read with the TypeScript compiler so each member's type is the one the code passes.
 *
 * The output is deterministic (sorted wherever the sources have no order of their own), so
 * test/unit/apiReference.test.ts can fail whenever docs/api.md is not what this renders now.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import * as z from 'zod';
import { openApiDocument } from '#shared/api/openapi';
import * as catalogue from '#shared/problem';

const { PROBLEMS, problemBody } = catalogue;
type ProblemCode = catalogue.ProblemCode;

const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const API_REFERENCE_PATH = join(PROJECT_ROOT, 'docs', 'api.md');

// ---------------------------------------------------------------------------------------------
// The OpenAPI document, as far as this renderer reads it

interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  description?: string;
  example?: unknown;
  default?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
  additionalProperties?: boolean | Schema;
}

interface MediaType {
  schema?: Schema;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}

interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  security?: unknown[];
  'x-credential'?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, MediaType> };
  responses?: Record<string, { description?: string; content?: Record<string, MediaType> }>;
}

interface Document {
  openapi: string;
  info: { title: string; version: string; description?: string };
  security?: Array<Record<string, unknown>>;
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema>; securitySchemes?: Record<string, { type?: string; scheme?: string; bearerFormat?: string }> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** zod's default integer bounds: not a constraint anyone chose, so not worth a reader's time. */
const SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

/**
 * Text taken from the code is the project's own words, but a description may still mention a
 * planning document that is not part of the repository ("… (CONTRACT.md)"). Such parenthetical
 * pointers are dropped here; the test refuses any other mention of them.
 */
const EXTERNAL_DOCUMENT = /\s*\([^()]*\b(?:CONTRACT|DESIGN|RULES|NPPA|STYLE)\.md\b[^()]*\)/g;
export const clean = (text: string): string => text.replace(EXTERNAL_DOCUMENT, '').replace(/\s+/g, ' ').trim();

/** Inside a Markdown table cell: pipes escaped, no line breaks. */
const cell = (text: string): string => clean(text).replace(/\|/g, '\\|');

const code = (value: string): string => {
  const ticks = value.includes('`') ? '``' : '`';
  const pad = value.startsWith('`') || value.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${value}${pad}${ticks}`;
};

const json = (value: unknown): string => code(JSON.stringify(value));

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
export const anchor = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

const refName = (ref: string): string => ref.slice(ref.lastIndexOf('/') + 1);
const schemaLink = (name: string): string => `[${name}](#${anchor(name)})`;

function typeOf(schema: Schema | undefined): string {
  if (!schema) return 'any';
  if (schema.$ref) return schemaLink(refName(schema.$ref));
  if (schema.const !== undefined) return json(schema.const);
  if (schema.enum) return schema.enum.map((v) => json(v)).join(' | ');
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return variants.map((v) => typeOf(v)).join(' | ');
  if (schema.allOf) return schema.allOf.map((v) => typeOf(v)).join(' & ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  return types.map((t) => (t === 'array' ? `array of ${typeOf(schema.items)}` : t)).join(' | ') || 'any';
}

/** The constraints of a schema and of the variants it is made of (e.g. an integer-or-null). */
function constraintsOf(schema: Schema | undefined): string[] {
  if (!schema) return [];
  const out: string[] = [];
  const { minLength, maxLength, minimum, maximum } = schema;
  if (minLength !== undefined && maxLength !== undefined) out.push(`${minLength}–${maxLength} characters`);
  else if (maxLength !== undefined) out.push(`at most ${maxLength} characters`);
  else if (minLength !== undefined) out.push(`at least ${minLength} characters`);
  const lower = minimum !== undefined && Math.abs(minimum) < SAFE_INTEGER ? minimum : undefined;
  const upper = maximum !== undefined && Math.abs(maximum) < SAFE_INTEGER ? maximum : undefined;
  if (lower !== undefined && upper !== undefined) out.push(`${lower} … ${upper}`);
  else if (lower !== undefined) out.push(`≥ ${lower}`);
  else if (upper !== undefined) out.push(`≤ ${upper}`);
  if (schema.pattern) out.push(`pattern ${code(schema.pattern)}`);
  if (schema.format) out.push(`format ${schema.format}`);
  if (schema.default !== undefined) out.push(`default ${json(schema.default)}`);
  if (schema.example !== undefined) out.push(`e.g. ${json(schema.example)}`);
  for (const v of schema.anyOf ?? schema.oneOf ?? []) if (!v.$ref) out.push(...constraintsOf(v));
  return [...new Set(out)];
}

/** A description on the schema itself or, for an `x or null`, on its non-null variant. */
function descriptionOf(schema: Schema | undefined): string {
  if (!schema) return '';
  if (schema.description) return schema.description;
  const described = (schema.anyOf ?? schema.oneOf ?? []).map((v) => v.description).filter((d): d is string => !!d);
  return [...new Set(described)].join(' ');
}

interface FieldRow {
  name: string;
  type: string;
  required: boolean;
  constraints: string[];
  description: string;
}

/** The object schema an array holds, when it holds objects with fields. */
const itemObject = (schema: Schema): Schema | undefined => (schema.type === 'array' && schema.items?.properties ? schema.items : undefined);

/** The fields of an object schema, nested objects flattened as `parent.child`, arrays of objects as `list[].child`. */
function fieldRows(schema: Schema, prefix = ''): FieldRow[] {
  const rows: FieldRow[] = [];
  const required = new Set(schema.required ?? []);
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const nested = property.properties ? property : undefined;
    const items = itemObject(property);
    rows.push({
      name: `${prefix}${name}`,
      type: nested ? 'object' : items ? 'array of object' : typeOf(property),
      required: required.has(name),
      constraints: constraintsOf(property),
      description: descriptionOf(property),
    });
    if (nested) rows.push(...fieldRows(nested, `${prefix}${name}.`));
    if (items) rows.push(...fieldRows(items, `${prefix}${name}[].`));
  }
  return rows;
}

function fieldTable(rows: FieldRow[]): string[] {
  if (!rows.length) return ['No fields.'];
  return [
    '| Field | Type | Required | Constraints | Description |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${code(r.name)} | ${cell(r.type)} | ${r.required ? 'yes' : 'no'} | ${cell(r.constraints.join('; ')) || '—'} | ${cell(r.description) || '—'} |`),
  ];
}

/** A schema's fields, or one table per variant when it is one of several shapes. */
function schemaBody(schema: Schema, components: Record<string, Schema>): string[] {
  const resolved = schema.$ref ? components[refName(schema.$ref)] : schema;
  if (!resolved) return [`${typeOf(schema)} (not in the document's components)`];
  const variants = resolved.anyOf ?? resolved.oneOf;
  if (variants && variants.every((v) => v.properties)) {
    return variants.flatMap((v, i) => [`One of ${variants.length} shapes — shape ${i + 1}:`, '', ...fieldTable(fieldRows(v)), '']).slice(0, -1);
  }
  if (resolved.properties) return fieldTable(fieldRows(resolved));
  return [`${typeOf(resolved)}.`];
}

/** How each kind of credential the route table names reads to a client (the operations' `x-credential`). */
const CREDENTIALS: Record<string, string> = {
  none: 'none (public)',
  player: 'player credential',
  server: 'server credential',
  account: 'player or server credential',
  operator: "operator credential (the staff issuer's token with scope operator)",
};

const credentialOf = (op: Operation): string => (op.security && op.security.length === 0 ? 'none' : (op['x-credential'] ?? 'bearer'));

const sortStatuses = (statuses: string[]): string[] =>
  [...statuses].sort((a, b) => (a === 'default' ? 1 : b === 'default' ? -1 : Number(a) - Number(b) || a.localeCompare(b)));

function bodyOf(content: Record<string, MediaType> | undefined): string {
  if (!content) return '—';
  return Object.entries(content)
    .map(([type, media]) => `${code(type)}${media.schema ? ` ${typeOf(media.schema)}` : ''}`)
    .join('<br>');
}

/** A problem document of one code: it has the standard members, with `code` fixed. */
const isProblemSchema = (schema: Schema): boolean => {
  const p = schema.properties ?? {};
  return !!(p.type && p.title && p.status && p.detail && p.code?.const !== undefined);
};

function renderSchema(name: string, components: Record<string, Schema>, level: string): string[] {
  const schema = components[name]!;
  return [`${level} ${name}`, '', ...(schema.description ? [clean(schema.description), ''] : []), ...schemaBody({ $ref: `#/components/schemas/${name}` }, components), ''];
}

interface Endpoint {
  method: string;
  path: string;
  op: Operation;
}

function endpointsOf(doc: Document): Endpoint[] {
  const out: Endpoint[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (op) out.push({ method: method.toUpperCase(), path, op });
    }
  }
  return out;
}

const endpointHeading = (e: Endpoint): string => `${e.method} ${e.path}`;

function renderEndpoint(e: Endpoint, components: Record<string, Schema>): string[] {
  const { op } = e;
  const lines: string[] = [`### ${endpointHeading(e)}`, ''];
  if (op.summary) lines.push(`${clean(op.summary)}.`, '');
  if (op.description) lines.push(clean(op.description), '');
  lines.push(`- Operation id: ${code(op.operationId ?? '—')}`);
  const credential = credentialOf(op);
  lines.push(`- Auth: ${code(credential)} — ${CREDENTIALS[credential] ?? 'see the OpenAPI document'}`, '');

  const parameters = op.parameters ?? [];
  for (const where of [...new Set(parameters.map((p) => p.in))].sort()) {
    lines.push(`${where.charAt(0).toUpperCase()}${where.slice(1)} parameters:`, '');
    lines.push('| Name | Type | Required | Constraints | Description |', '|---|---|---|---|---|');
    for (const p of parameters.filter((q) => q.in === where)) {
      lines.push(`| ${code(p.name)} | ${cell(typeOf(p.schema))} | ${p.required ? 'yes' : 'no'} | ${cell(constraintsOf(p.schema).join('; ')) || '—'} | ${cell(p.description ?? descriptionOf(p.schema)) || '—'} |`);
    }
    lines.push('');
  }

  const body = op.requestBody;
  if (body) {
    for (const [type, media] of Object.entries(body.content ?? {})) {
      const name = media.schema?.$ref ? ` (${schemaLink(refName(media.schema.$ref))})` : '';
      lines.push(`Request body${name}, ${code(type)}, ${body.required ? 'required' : 'optional'}:`, '');
      if (media.schema) {
        lines.push(...schemaBody(media.schema, components));
        const resolved = media.schema.$ref ? components[refName(media.schema.$ref)] : media.schema;
        if (resolved?.additionalProperties === false) lines.push('', `Fields not listed here are refused (400 ${code('invalid_request')}).`);
      }
      lines.push('');
    }
  }

  const responses = op.responses ?? {};
  lines.push('Responses:', '', '| Status | Description | Body |', '|---|---|---|');
  for (const status of sortStatuses(Object.keys(responses))) {
    const r = responses[status]!;
    lines.push(`| ${status} | ${cell(r.description ?? '') || '—'} | ${cell(bodyOf(r.content))} |`);
  }
  lines.push('');
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Where the source raises each problem, read with the TypeScript compiler

export interface RaisedProblem {
  /** Extension member → the types the code passes, rendered. */
  members: Map<string, Set<string>>;
  /** Response header → literal values (or `computed`). */
  headers: Map<string, Set<string>>;
  /** Per-response details that replace the catalogue's. */
  details: Set<string>;
  /** Where it is raised: `functions` (shared/, functions/) or `local runner` (infra/local/). */
  raisedBy: Set<string>;
}

const COMPUTED = 'computed';

function placeOf(relativePath: string): string {
  if (relativePath.startsWith('shared/') || relativePath.startsWith('functions/')) return 'functions';
  if (relativePath.startsWith('infra/local/')) return 'local runner';
  return relativePath.slice(0, relativePath.lastIndexOf('/'));
}

/** A type as a set of readable parts: literal values, `string`, `number`, `{ a, b }[]`, … */
function typeParts(checker: ts.TypeChecker, type: ts.Type): string[] {
  const parts = new Set<string>();
  const add = (t: ts.Type): void => {
    if (t.isUnion()) return t.types.forEach(add);
    if (t.isStringLiteral()) return void parts.add(JSON.stringify(t.value));
    if (t.isNumberLiteral()) return void parts.add(String(t.value));
    if (t.flags & ts.TypeFlags.BooleanLike) return void parts.add('boolean');
    if (t.flags & ts.TypeFlags.Null) return void parts.add('null');
    if (t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) return;
    if (t.flags & ts.TypeFlags.StringLike) return void parts.add('string');
    if (t.flags & ts.TypeFlags.NumberLike) return void parts.add('number');
    if (checker.isArrayType(t)) {
      const [element] = checker.getTypeArguments(t as ts.TypeReference);
      const inner = element ? typeParts(checker, element) : ['unknown'];
      return void parts.add(`${inner.length > 1 ? `(${inner.join(' | ')})` : inner[0]}[]`);
    }
    if (t.flags & ts.TypeFlags.Object) {
      const names = checker.getPropertiesOfType(t).map((p) => p.getName()).sort();
      return void parts.add(`{ ${names.join(', ')} }`);
    }
    parts.add(checker.typeToString(t, undefined, ts.TypeFormatFlags.NoTruncation));
  };
  add(type);
  return [...parts];
}

/** Literal values first (sorted), then other types (sorted), `null` last. */
function joinParts(parts: Iterable<string>): string {
  const all = [...new Set(parts)];
  const rank = (p: string): number => (p === 'null' ? 2 : /^["\d-]/.test(p) ? 0 : 1);
  return all.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).join(' | ');
}

const propertyName = (name: ts.PropertyName): string | undefined =>
  ts.isIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name) ? name.text : undefined;

/** The codes a `new Problem(…)` call raises: a string literal, or a conditional between literals. */
function codesOf(node: ts.Expression): string[] {
  if (ts.isStringLiteralLike(node)) return [node.text];
  if (ts.isParenthesizedExpression(node)) return codesOf(node.expression);
  if (ts.isConditionalExpression(node)) return [...codesOf(node.whenTrue), ...codesOf(node.whenFalse)];
  return [];
}

/** Finds every `new Problem(…)` of the project's source (not the tests) and what it attaches. */
export function raisedProblems(): Map<string, RaisedProblem> {
  const config = ts.getParsedCommandLineOfConfigFile(join(PROJECT_ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!config) throw new Error('tsconfig.json could not be read');
  const inSource = (file: string): boolean => /^(shared|functions|infra)\//.test(relative(PROJECT_ROOT, file).split('\\').join('/'));
  const roots = config.fileNames.filter(inSource).sort();
  const program = ts.createProgram(roots, config.options);
  const checker = program.getTypeChecker();
  // The class `Problem` of the module that also exports the catalogue, wherever that module lives.
  const isProblemClass = (expression: ts.Expression): boolean => {
    let symbol = checker.getSymbolAtLocation(expression);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    return !!symbol?.declarations?.some((d) => {
      if (!ts.isClassDeclaration(d) || d.name?.text !== 'Problem') return false;
      const module = checker.getSymbolAtLocation(d.getSourceFile());
      return !!module && checker.getExportsOfModule(module).some((e) => e.getName() === 'PROBLEMS');
    });
  };

  const found = new Map<string, RaisedProblem>();
  const entry = (c: string): RaisedProblem => {
    let e = found.get(c);
    if (!e) found.set(c, (e = { members: new Map(), headers: new Map(), details: new Set(), raisedBy: new Set() }));
    return e;
  };
  const add = (map: Map<string, Set<string>>, key: string, values: Iterable<string>): void => {
    const set = map.get(key) ?? new Set<string>();
    for (const v of values) set.add(v);
    map.set(key, set);
  };

  for (const sourceFile of program.getSourceFiles()) {
    if (sourceFile.isDeclarationFile || !roots.includes(sourceFile.fileName)) continue;
    const place = placeOf(relative(PROJECT_ROOT, sourceFile.fileName).split('\\').join('/'));
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && isProblemClass(node.expression)) {
        const [codeArgument, extra, headers, options] = node.arguments ?? [];
        for (const c of codeArgument ? codesOf(codeArgument) : []) {
          const e = entry(c);
          e.raisedBy.add(place);
          if (extra && ts.isObjectLiteralExpression(extra)) {
            for (const p of extra.properties) {
              // Spread members (`...x`) have no name of their own and are left out.
              const value = ts.isPropertyAssignment(p) ? p.initializer : ts.isShorthandPropertyAssignment(p) ? p.name : undefined;
              const name = value && (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) ? propertyName(p.name) : undefined;
              if (value && name) add(e.members, name, typeParts(checker, checker.getTypeAtLocation(value)));
            }
          }
          if (headers && ts.isObjectLiteralExpression(headers)) {
            for (const p of headers.properties) {
              if (!ts.isPropertyAssignment(p)) continue;
              const name = propertyName(p.name);
              if (name) add(e.headers, name.toLowerCase(), [ts.isStringLiteralLike(p.initializer) ? p.initializer.text : COMPUTED]);
            }
          }
          if (options && ts.isObjectLiteralExpression(options)) {
            for (const p of options.properties) {
              if (ts.isPropertyAssignment(p) && propertyName(p.name) === 'detail') e.details.add(ts.isStringLiteralLike(p.initializer) ? p.initializer.text : `${COMPUTED}: ${code(p.initializer.getText())}`);
            }
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }
  return found;
}

/** What an extension member means, by name (the types and values come from the code). */
const MEMBER_MEANINGS: Record<string, string> = {
  errors: `What was wrong: ${code('path')} names the field (empty for the whole body), ${code('message')} says why, and ${code('in')} is ${code('"path"')} for a path parameter. The submitted value is never echoed.`,
  maxBytes: 'The largest body accepted, in bytes.',
  reason: `Which check failed; ${code('national_system')} when the national system refused the number's format.`,
  nextWindowStart: `Start of the next allowed play window (Beijing offset), or ${code('null')} when none is known.`,
  nextWindowEnd: `End of that window, or ${code('null')} when play becomes unlimited then (the player turns 18) or none is known.`,
  challengeId: `The challenge to answer with ${code('POST /v1/challenges/{challengeId}/result')}.`,
  challengeKind: 'What the publisher must check.',
  signal: 'The risk signal that fired.',
  lastSeq: `The highest ${code('seq')} already counted for this session.`,
  limit: 'Which limit the payment would break.',
  limitAmount: 'That limit, in fen.',
  remainingAmount: 'What may still be spent under it, in fen.',
  orderStatus: 'The state the order is really in.',
};

const HEADER_NAMES: Record<string, string> = { 'retry-after': 'Retry-After' };

const STANDARD_MEMBERS = ['type', 'title', 'status', 'detail', 'code'];

interface DeclaredMember {
  name: string;
  type: string;
  required: boolean;
  description: string;
}

/**
 * The extension members the catalogue declares per code (`PROBLEM_EXTENSIONS`, zod objects), as JSON
 * Schema; null when the catalogue declares none, and the source scan stands in.
 */
function declaredExtensions(): Map<string, DeclaredMember[]> | null {
  const declared = (catalogue as unknown as { PROBLEM_EXTENSIONS?: Record<string, z.ZodType> }).PROBLEM_EXTENSIONS;
  if (!declared) return null;
  const out = new Map<string, DeclaredMember[]>();
  for (const [c, members] of Object.entries(declared)) {
    const schema = z.toJSONSchema(members, { io: 'output', unrepresentable: 'any' }) as Schema;
    const required = new Set(schema.required ?? []);
    out.set(
      c,
      Object.entries(schema.properties ?? {}).map(([name, property]) => {
        const items = itemObject(property);
        const shape = items ? `array of { ${Object.keys(items.properties ?? {}).map((k) => `${k}${items.required?.includes(k) ? '' : '?'}`).join(', ')} }` : typeOf(property);
        return { name, type: shape, required: required.has(name), description: descriptionOf(property) };
      }),
    );
  }
  return out;
}

function renderProblems(doc: Document, raised: Map<string, RaisedProblem>): string[] {
  const components = doc.components?.schemas ?? {};
  const lines: string[] = ['## Problems', ''];
  lines.push(
    `Every error is an RFC 9457 problem document, ${code('Content-Type: application/problem+json')}. ${code('code')} is the stable value to program against; ${code('detail')} is Chinese, safe to show a player, and never contains personal data. For example, ${code('session_not_found')}:`,
    '',
    '```json',
    JSON.stringify(problemBody('session_not_found'), null, 2),
    '```',
    '',
  );
  if (components.Problem) {
    lines.push('### Problem', '', 'The members every problem document has:', '', ...schemaBody({ $ref: '#/components/schemas/Problem' }, components), '');
  }

  // The document gives each problem a response names its own schema: listed here so the responses' links land.
  const perCode = Object.keys(components).filter((name) => name !== 'Problem' && isProblemSchema(components[name]!));
  if (perCode.length) {
    lines.push('### Problem documents by code', '', 'The schemas the responses above name: the members of [Problem](#problem) with `code` and `status` fixed, plus the code\'s [extension members](#extension-members).', '');
    lines.push('| Schema | Code | Status | Extension members |', '|---|---|---|---|');
    for (const name of perCode) {
      const p = components[name]!.properties!;
      const extra = Object.keys(p).filter((k) => !STANDARD_MEMBERS.includes(k));
      lines.push(`| <a id="${anchor(name)}"></a>${name} | ${json(p.code!.const)} | ${p.status?.const ?? '—'} | ${extra.map((k) => code(k)).join(', ') || '—'} |`);
    }
    lines.push('');
  }

  lines.push('### Problem codes', '');
  lines.push(
    `Raised by: ${code('functions')} — the Lambda handlers and the code they call, deployed and under ${code('npm start')} alike; ${code('local runner')} — only the local HTTP adapter of ${code('npm start')} (deployed, API Gateway answers these cases itself).`,
    '',
  );
  const codes = (Object.keys(PROBLEMS) as ProblemCode[]).map((c, i) => ({ c, i })).sort((a, b) => PROBLEMS[a.c].status - PROBLEMS[b.c].status || a.i - b.i);
  lines.push('| Code | Status | Title | Detail | Raised by |', '|---|---|---|---|---|');
  for (const { c } of codes) {
    const p = PROBLEMS[c];
    const by = [...(raised.get(c)?.raisedBy ?? [])].sort().join(', ') || '—';
    lines.push(`| ${code(c)} | ${p.status} | ${cell(p.title)} | ${cell(p.detail)} | ${by} |`);
  }
  lines.push('');

  lines.push('### Extension members', '');
  lines.push('Members a problem carries besides the standard ones. They never replace a standard member.', '');
  const declared = declaredExtensions();
  if (declared) {
    lines.push('| Code | Member | Type | Always present | Meaning |', '|---|---|---|---|---|');
    for (const { c } of codes) {
      for (const m of declared.get(c) ?? []) {
        lines.push(`| ${code(c)} | ${code(m.name)} | ${cell(m.type)} | ${m.required ? 'yes' : 'no'} | ${cell(m.description || MEMBER_MEANINGS[m.name] || '—')} |`);
      }
    }
  } else {
    // No declared catalogue of members: what the source attaches where it raises each code.
    lines.push('| Code | Member | Type or values | Meaning |', '|---|---|---|---|');
    for (const { c } of codes) {
      const members = raised.get(c)?.members;
      for (const name of [...(members?.keys() ?? [])].sort()) {
        lines.push(`| ${code(c)} | ${code(name)} | ${cell(joinParts(members!.get(name)!).split(' | ').map((p) => code(p)).join(' | '))} | ${cell(MEMBER_MEANINGS[name] ?? '—')} |`);
      }
    }
  }
  lines.push('');

  const withHeaders = codes.filter(({ c }) => raised.get(c)?.headers.size);
  if (withHeaders.length) {
    lines.push('### Response headers', '');
    lines.push('| Code | Header | Value |', '|---|---|---|');
    for (const { c } of withHeaders) {
      const headers = raised.get(c)!.headers;
      for (const name of [...headers.keys()].sort()) {
        const values = [...headers.get(name)!].sort((a, b) => (a === COMPUTED ? 1 : b === COMPUTED ? -1 : a.localeCompare(b)));
        lines.push(`| ${code(c)} | ${code(HEADER_NAMES[name] ?? name)} | ${cell(values.map((v) => (v === COMPUTED ? 'computed per response (seconds)' : code(v))).join(' or '))} |`);
      }
    }
    lines.push('');
  }

  const withDetails = codes.filter(({ c }) => raised.get(c)?.details.size);
  if (withDetails.length) {
    lines.push('### Details that replace the catalogue', '');
    lines.push(`Some responses carry a more specific ${code('detail')} than the table above:`, '');
    lines.push('| Code | Detail |', '|---|---|');
    for (const { c } of withDetails) {
      for (const detail of [...raised.get(c)!.details].sort()) lines.push(`| ${code(c)} | ${cell(detail)} |`);
    }
    lines.push('');
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------

/** docs/api.md as the code stands now. */
export function renderApiReference(): string {
  const doc = openApiDocument() as unknown as Document;
  const components = doc.components?.schemas ?? {};
  const endpoints = endpointsOf(doc);
  const lines: string[] = [
    '# API reference',
    '',
    `<!-- Generated by \`npm run docs:api\` (infra/cli/apiReference.ts) from the OpenAPI document, the problem catalogue and the source. Do not edit: test/unit/apiReference.test.ts fails when this file differs from what the generator renders. -->`,
    '',
    `${clean(doc.info.title)}, API version ${doc.info.version} (OpenAPI ${doc.openapi}). The same document is served at ${code('GET /openapi.json')}.`,
    '',
  ];
  if (doc.info.description) lines.push(clean(doc.info.description), '');
  lines.push(
    'Conventions: JSON in UTF-8; money is an integer number of fen (1/100 CNY); durations are integer seconds; instants are ISO 8601 with the Beijing offset (`+08:00`).',
    '',
  );

  lines.push('## Authentication', '');
  for (const [name, scheme] of Object.entries(doc.components?.securitySchemes ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`Security scheme ${code(name)}: ${scheme.type ?? ''}${scheme.scheme ? ` ${scheme.scheme}` : ''}${scheme.bearerFormat ? ` (${scheme.bearerFormat})` : ''} — ${code('Authorization: Bearer <token>')}.`, '');
  }
  lines.push(
    `Each operation names the credential it takes (${code('x-credential')} in the OpenAPI document). Player and server credentials come from the players' issuer — the publisher's OpenID provider (${code('playguard:issuer')}), or the deployment itself, which serves the publisher's public keys at ${code('/.well-known/jwks.json')} (${code('playguard:publisherKeys')}, docs/publisher-keys.md): a credential whose ${code('scope')} claim includes ${code('server')} is a game server's, any other a player's, and ${code('sub')} is the game account id. Operator credentials come from the staff issuer only (${code('playguard:operatorIssuer')}, audience ${code('playguard-console')} by default) with ${code('scope')} ${code('operator')}: the console gets them by signing in there (authorization code + PKCE). A missing or invalid token, or one from an issuer the route does not trust, is answered 401 ${code('unauthorized')}; the wrong kind of credential 403 ${code('forbidden')} (a players'-issuer token on an operator route too; deployed, API Gateway's staff authorizer answers that one 401 itself).`,
    '',
    '| Credential | Meaning |',
    '|---|---|',
    ...Object.keys(CREDENTIALS)
      .filter((k) => endpoints.some((e) => credentialOf(e.op) === k))
      .map((k) => `| ${code(k)} | ${CREDENTIALS[k]} |`),
    '',
  );

  lines.push('## Endpoints', '');
  lines.push('| Method | Path | Auth | Summary |', '|---|---|---|---|');
  for (const e of endpoints) lines.push(`| ${e.method} | [${code(e.path)}](#${anchor(endpointHeading(e))}) | ${code(credentialOf(e.op))} | ${cell(e.op.summary ?? '')} |`);
  lines.push(
    '',
    `Every response carries ${code('x-request-id')}. A ${code('default')} response is any other problem document (see [Problems](#problems)). The local gateway (${code('npm start')}) also serves development endpoints under ${code('/__dev/')} (tokens, virtual clock, scheduled jobs); they are not part of this document and are never deployed (see the README).`,
    '',
  );
  for (const e of endpoints) lines.push(...renderEndpoint(e, components));

  // Response bodies: every component schema no request body uses, problem documents apart.
  const requestSchemas = new Set(
    endpoints.flatMap((e) => Object.values(e.op.requestBody?.content ?? {}).map((m) => (m.schema?.$ref ? refName(m.schema.$ref) : ''))),
  );
  const responseSchemas = Object.keys(components).filter((name) => !requestSchemas.has(name) && name !== 'Problem' && !isProblemSchema(components[name]!));
  if (responseSchemas.length) {
    lines.push('## Response bodies', '');
    for (const name of responseSchemas) lines.push(...renderSchema(name, components, '###'));
  }

  // Request bodies are shown with their endpoints; their component names are anchors too.
  const requestNames = [...requestSchemas].filter((n) => n && components[n]).sort();
  if (requestNames.length) {
    lines.push('## Request bodies', '');
    lines.push('Shown with their endpoints above:', '');
    for (const name of requestNames) {
      const users = endpoints.filter((e) => Object.values(e.op.requestBody?.content ?? {}).some((m) => m.schema?.$ref && refName(m.schema.$ref) === name));
      lines.push(`### ${name}`, '', `Used by ${users.map((e) => `[${endpointHeading(e)}](#${anchor(endpointHeading(e))})`).join(', ')}.`, '');
    }
  }

  lines.push(...renderProblems(doc, raisedProblems()));
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync(dirname(API_REFERENCE_PATH), { recursive: true });
  writeFileSync(API_REFERENCE_PATH, renderApiReference());
  console.log(`wrote ${relative(process.cwd(), API_REFERENCE_PATH) || API_REFERENCE_PATH}`);
}
