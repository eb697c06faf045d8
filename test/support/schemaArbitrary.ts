/**
 * fast-check arbitraries from the JSON Schemas of an OpenAPI 3.1 document: values the schema
 * accepts, for test/e2e/contract.test.ts to send. Written here because no well-kept library does it
 * (json-schema-fast-check is one unmaintained release on fast-check 1 and faker 4; json-schema-faker
 * draws from its own random source, so fast-check could neither replay nor shrink its values), and
 * the document uses a small part of JSON Schema. A keyword this file does not know throws, so a
 * schema it cannot honour fails the test instead of yielding values the schema refuses; the contract
 * test also checks every value against the schema with ajv before sending it.
 *
 * Strings are drawn from all of Unicode (lone surrogates aside: no JSON text a client sends can hold
 * one unescaped), with white space, dots and URL delimiters made likely; lengths are counted in code
 * points, as JSON Schema counts them.
 */
import fc from 'fast-check';

export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema | false;
  prefixItems?: JsonSchema[];
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  example?: unknown;
  default?: unknown;
  [keyword: string]: unknown;
}

/** Keywords that only describe (or that the generator reads below). */
const KNOWN = new Set([
  '$ref',
  'type',
  'const',
  'enum',
  'anyOf',
  'oneOf',
  'allOf',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'prefixItems',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'example',
  'examples',
  'default',
  'description',
  'title',
  'discriminator',
  'deprecated',
  'readOnly',
  '$schema',
  'id',
]);

export interface ArbitraryOptions {
  /** Resolves `#/components/schemas/X`. */
  components: Record<string, JsonSchema>;
  /** Values seen for a name (a path parameter, a query parameter or a body member of that name): drawn as often as the schema's own. */
  known?: (name: string) => readonly unknown[];
  /** Whether `schema` accepts `value` (a known value is drawn only where it fits). */
  accepts?: (schema: JsonSchema, value: unknown) => boolean;
}

/** No lone surrogate (String.prototype.isWellFormed, which the project's ES2023 library does not declare). */
const wellFormed = (s: string): boolean => !/\p{Surrogate}/u.test(s);

const char = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      ' ',
      '\t',
      '\n',
      '\u3000',
      '\u00a0',
      '.',
      '/',
      '%',
      '?',
      '#',
      '&',
      '=',
      '+',
      '\\',
      '"',
      '\u0000',
      '\u007f',
      '张',
      '三',
      '𠮷',
      '😀',
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter(wellFormed) },
);
const codePoints = (s: string): number => [...s].length;

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? Math.max(min, 40);
  const patterns = [schema.pattern, ...(schema.allOf ?? []).map((s) => s.pattern)]
    .filter((p): p is string => typeof p === 'string')
    .map((p) => new RegExp(p, 'u'));
  for (const s of schema.allOf ?? [])
    if (Object.keys(s).some((k) => k !== 'pattern')) throw new Error(`allOf of a string may only add patterns: ${JSON.stringify(s)}`);
  // An anchored pattern says what the whole string is made of: drawn from it. Unanchored ones (`\S`:
  // not blank) only ask for something somewhere: drawn from any characters, and kept when they match.
  const whole = patterns.find((p) => p.source.startsWith('^') && p.source.endsWith('$'));
  // Short strings mostly, and strings at the longest the schema allows (where counting differs first).
  const lengths = fc.oneof(
    { weight: 3, arbitrary: fc.constant([min, Math.min(max, min + 20)] as const) },
    { weight: 1, arbitrary: fc.constant([Math.max(min, max - 4), max] as const) },
  );
  const chars = lengths.chain(([from, to]) => fc.array(char, { minLength: from, maxLength: to })).map((cs) => cs.join(''));
  const base = whole ? fc.stringMatching(whole, { size: 'small' }) : chars;
  return base.filter((s) => wellFormed(s) && codePoints(s) >= min && codePoints(s) <= max && patterns.every((p) => p.test(s)));
}

export function arbitraryOf(schema: JsonSchema, options: ArbitraryOptions, name?: string): fc.Arbitrary<unknown> {
  if (schema.$ref) {
    const id = schema.$ref.replace('#/components/schemas/', '');
    const target = options.components[id];
    if (!target) throw new Error(`unknown schema ${schema.$ref}`);
    return arbitraryOf(target, options, name);
  }
  const unknown = Object.keys(schema).filter((k) => !KNOWN.has(k) && !k.startsWith('x-'));
  if (unknown.length) throw new Error(`schema keywords the generator does not know: ${unknown.join(', ')} (${JSON.stringify(schema)})`);

  let own: fc.Arbitrary<unknown>;
  if ('const' in schema) own = fc.constant(schema.const);
  else if (schema.enum) own = fc.constantFrom(...schema.enum);
  else if (schema.anyOf || schema.oneOf) own = fc.oneof(...(schema.anyOf ?? schema.oneOf)!.map((s) => arbitraryOf(s, options, name)));
  else if (Array.isArray(schema.type)) own = fc.oneof(...schema.type.map((type) => arbitraryOf({ ...schema, type }, options, name)));
  else {
    switch (schema.type) {
      case 'string':
        own = stringArbitrary(schema);
        break;
      case 'integer': {
        const min = Math.max(schema.minimum ?? -(2 ** 31), Number.MIN_SAFE_INTEGER);
        const max = Math.min(schema.maximum ?? 2 ** 31, Number.MAX_SAFE_INTEGER);
        // The whole range, and as often the values just above the minimum (an amount a minor may pay, a small seq).
        own = fc.oneof(fc.integer({ min, max }), fc.integer({ min, max: Math.min(max, min + 10_000) }));
        break;
      }
      case 'number':
        own = fc.double({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9, noNaN: true, noDefaultInfinity: true });
        break;
      case 'boolean':
        own = fc.boolean();
        break;
      case 'null':
        own = fc.constant(null);
        break;
      case 'array':
        if (schema.prefixItems) {
          if (schema.items !== false) throw new Error('prefixItems with more items: not supported');
          own = fc.tuple(...schema.prefixItems.map((s) => arbitraryOf(s, options)));
        } else {
          if (!schema.items) throw new Error('an array without items');
          own = fc.array(arbitraryOf(schema.items, options), {
            minLength: schema.minItems ?? 0,
            maxLength: Math.min(schema.maxItems ?? 4, (schema.minItems ?? 0) + 4),
          });
        }
        break;
      case 'object': {
        const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, arbitraryOf(s, options, k)]));
        own = fc.record(properties, { requiredKeys: (schema.required ?? []).filter((k) => k in properties) });
        break;
      }
      default:
        throw new Error(`schema without a type the generator knows: ${JSON.stringify(schema)}`);
    }
  }
  const alternatives: Array<fc.WeightedArbitrary<unknown>> = [{ weight: 3, arbitrary: own }];
  // The document's own example is a value it promises to accept: sent as often as any other.
  if ('example' in schema) alternatives.push({ weight: 1, arbitrary: fc.constant(schema.example) });
  const known = name ? (options.known?.(name) ?? []).filter((v) => options.accepts?.(schema, v) ?? true) : [];
  if (known.length) alternatives.push({ weight: 3, arbitrary: fc.constantFrom(...known) });
  return alternatives.length === 1 ? own : fc.oneof(...alternatives);
}
