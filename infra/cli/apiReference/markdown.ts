/**
 * The API reference's Markdown, as far as it renders the OpenAPI document: the document's shapes as
 * this renderer reads them, and a schema's type, constraints, description and fields as table rows.
 */
// The OpenAPI document, as far as this renderer reads it

export interface Schema {
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

export interface MediaType {
  schema?: Schema;
}

export interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}

export interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  security?: unknown[];
  'x-credential'?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, MediaType> };
  responses?: Record<string, { description?: string; content?: Record<string, MediaType> }>;
}

export interface Document {
  openapi: string;
  info: { title: string; version: string; description?: string };
  security?: Array<Record<string, unknown>>;
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema>; securitySchemes?: Record<string, { type?: string; scheme?: string; bearerFormat?: string }> };
}

export const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** zod's default integer bounds: not a constraint anyone chose, so not worth a reader's time. */
const SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

/** Text taken from the code, on one line. */
export const clean = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** Inside a Markdown table cell: pipes escaped, no line breaks. */
export const cell = (text: string): string => clean(text).replace(/\|/g, '\\|');

export const code = (value: string): string => {
  const ticks = value.includes('`') ? '``' : '`';
  const pad = value.startsWith('`') || value.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${value}${pad}${ticks}`;
};

export const json = (value: unknown): string => code(JSON.stringify(value));

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
export const anchor = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

export const refName = (ref: string): string => ref.slice(ref.lastIndexOf('/') + 1);
export const schemaLink = (name: string): string => `[${name}](#${anchor(name)})`;

export function typeOf(schema: Schema | undefined): string {
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
export function constraintsOf(schema: Schema | undefined): string[] {
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
export function descriptionOf(schema: Schema | undefined): string {
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
export const itemObject = (schema: Schema): Schema | undefined => (schema.type === 'array' && schema.items?.properties ? schema.items : undefined);

/** The fields of an object schema, nested objects flattened as `parent.child`, arrays of objects as `list[].child`. */
export function fieldRows(schema: Schema, prefix = ''): FieldRow[] {
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

export function fieldTable(rows: FieldRow[]): string[] {
  if (!rows.length) return ['No fields.'];
  return [
    '| Field | Type | Required | Constraints | Description |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) => `| ${code(r.name)} | ${cell(r.type)} | ${r.required ? 'yes' : 'no'} | ${cell(r.constraints.join('; ')) || '—'} | ${cell(r.description) || '—'} |`,
    ),
  ];
}

/** A schema's fields, or one table per variant when it is one of several shapes. */
export function schemaBody(schema: Schema, components: Record<string, Schema>): string[] {
  const resolved = schema.$ref ? components[refName(schema.$ref)] : schema;
  if (!resolved) return [`${typeOf(schema)} (not in the document's components)`];
  const variants = resolved.anyOf ?? resolved.oneOf;
  if (variants?.every((v) => v.properties)) {
    return variants.flatMap((v, i) => [`One of ${variants.length} shapes — shape ${i + 1}:`, '', ...fieldTable(fieldRows(v)), '']).slice(0, -1);
  }
  if (resolved.properties) return fieldTable(fieldRows(resolved));
  return [`${typeOf(resolved)}.`];
}

/** A problem document of one code: it has the standard members, with `code` fixed. */
export const isProblemSchema = (schema: Schema): boolean => {
  const p = schema.properties ?? {};
  return !!(p.type && p.title && p.status && p.detail && p.code?.const !== undefined);
};

export function renderSchema(name: string, components: Record<string, Schema>, level: string): string[] {
  const schema = components[name]!;
  return [
    `${level} ${name}`,
    '',
    ...(schema.description ? [clean(schema.description), ''] : []),
    ...schemaBody({ $ref: `#/components/schemas/${name}` }, components),
    '',
  ];
}
