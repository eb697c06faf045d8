/**
 * `npm run clients:generate`: writes what the two client packages take from the gateway's own
 * sources, so neither holds a second copy that could drift:
 *
 * - packages/client/src/generated/api.ts — the request and response types of every operation a
 *   game or game server calls, by openapi-typescript from the OpenAPI document (shared/api/openapi.ts;
 *   operators' and the console's routes left out), with a problem-document component for every code
 *   of the catalogue (a code no route lists yet still gets its extension members);
 * - packages/client/src/generated/problems.ts — the codes and their statuses from the catalogue
 *   (shared/problem.ts `PROBLEMS`, the source the OpenAPI document's problems are built from), and the
 *   details the client falls back on for an answer that is not a problem document;
 * - packages/unity/Runtime/ProblemCode.g.cs — the same codes as a C# enum with their wire names and
 *   statuses, and the same fallback details;
 * - the .meta file Unity needs beside every file and folder of packages/unity it imports (an
 *   installed package is read-only, so Unity cannot write them): GUIDs derived from the path, so they
 *   stay the same from run to run.
 *
 * test/unit/clientsGenerated.test.ts fails when any of them is not what this renders now.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import * as z from 'zod';
import { openApiDocument, problemComponentName, problemSchema } from '#shared/api/openapi';
import { PROBLEMS, type ProblemCode } from '#shared/problem';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const GENERATED = {
  api: join(ROOT, 'packages/client/src/generated/api.ts'),
  problems: join(ROOT, 'packages/client/src/generated/problems.ts'),
  csharp: join(ROOT, 'packages/unity/Runtime/ProblemCode.g.cs'),
};

/** Routes a game client or game server calls: everything but the operators', the console and the document itself. */
export const isClientPath = (path: string): boolean => path.startsWith('/v1/') && !path.startsWith('/v1/admin/');

/**
 * The statuses an answer that is not a problem document is read as (API Gateway answers some refusals
 * itself); a 429 or 503 without one is the clients' own throttled error, any other status is read as 500.
 */
export const FALLBACK_STATUSES = [400, 401, 403, 404, 413, 500] as const;
const FALLBACK_CODES: Record<(typeof FALLBACK_STATUSES)[number], ProblemCode> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  500: 'internal_error',
};

/** One status's line of the client's FALLBACK table: `  400: ["invalid_request", "<detail>"],`. */
const fallbackEntry = (s: (typeof FALLBACK_STATUSES)[number]): string =>
  `  ${s}: [${JSON.stringify(FALLBACK_CODES[s])}, ${JSON.stringify(PROBLEMS[FALLBACK_CODES[s]].detail)}],`;

/** The catalogue's codes: code → status and title. */
const allCodes = (): Array<[string, { status: number; title: string }]> => Object.entries(PROBLEMS);

type Json = Record<string, unknown>;

/** The document with only the client's paths and the components they reach, plus every code's problem component. */
export function clientDocument(): Json {
  const doc = structuredClone(openApiDocument()) as unknown as Json & {
    paths: Record<string, unknown>;
    components: { schemas: Record<string, unknown> } & Json;
  };
  doc.paths = Object.fromEntries(Object.entries(doc.paths).filter(([path]) => isClientPath(path)));
  const schemas = doc.components.schemas;
  for (const code of Object.keys(PROBLEMS) as ProblemCode[]) {
    const name = problemComponentName(code);
    if (!schemas[name]) {
      // The schema is registered under its component name: zod answers a reference to its definition.
      const json = z.toJSONSchema(problemSchema(code) as never, { target: 'draft-2020-12', io: 'output', unrepresentable: 'any' }) as {
        $defs: Record<string, unknown>;
      };
      schemas[name] = json.$defs[name];
    }
  }
  // Keep the components the kept paths reach, and every problem component.
  const keep = new Set<string>(Object.keys(schemas).filter((n) => n.endsWith('Problem')));
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
        const name = v.slice('#/components/schemas/'.length);
        if (!keep.has(name)) {
          keep.add(name);
          visit(schemas[name]);
        }
      } else visit(v);
    }
  };
  visit(doc.paths);
  for (const name of [...keep]) visit(schemas[name]);
  doc.components.schemas = Object.fromEntries(
    Object.entries(schemas)
      .filter(([n]) => keep.has(n))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  return doc;
}

const HEADER = (what: string) =>
  `// GENERATED by \`npm run clients:generate\` (infra/cli/clientsGenerate.ts) from ${what}.\n// Do ` +
  `not edit: test/unit/clientsGenerated.test.ts fails when this is not what the generator renders.\n`;

async function renderApi(): Promise<string> {
  const body = astToString(await openapiTS(clientDocument() as never, { alphabetize: false }));
  return `${HEADER("the gateway's OpenAPI document (its game and game-server operations)")}/* eslint-disable */\n${body}`;
}

function renderProblems(): string {
  const codes = allCodes();
  const lines = [
    HEADER("the problem catalogue (shared/problem.ts), the source of the OpenAPI document's problems"),
    '/** Every stable `code` a problem document of the gateway may carry. */',
    `export type ProblemCode =\n${codes.map(([c]) => `  | '${c}'`).join('\n')};`,
    '',
    '/** The HTTP status of each code. */',
    `export interface ProblemStatuses {\n${codes.map(([c, p]) => `  ${c}: ${p.status};`).join('\n')}\n}`,
    '',
    "/** The code and the catalogue's detail an answer of this status is read as when it is not a problem document. */",
    `export const FALLBACK: Record<number, [ProblemCode, string]> = ` + `{\n${FALLBACK_STATUSES.map(fallbackEntry).join('\n')}\n};`,
    '',
  ];
  return lines.join('\n');
}

const pascal = (code: string): string =>
  code
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
const csString = (s: string): string => JSON.stringify(s); // a JSON string of BMP text is a valid C# literal

function renderCSharp(): string {
  const codes = allCodes().map(([c]) => c);
  const info = Object.fromEntries(allCodes());
  const out = [
    HEADER("the problem catalogue (shared/problem.ts), the source of the OpenAPI document's problems"),
    'namespace PlayGuard',
    '{',
    '    /// <summary>Every stable <c>code</c> a problem document of the gateway may carry; <see ' +
      'cref="Unknown"/> for one this version does not know.</summary>',
    '    public enum ProblemCode',
    '    {',
    '        /// <summary>A code newer than this package (its wire name is in <c>PlayGuardProblemException.CodeName</c>).</summary>',
    '        Unknown = 0,',
    ...codes.map((c) => `        /// <summary>${info[c]!.status} ${info[c]!.title}</summary>\n        ${pascal(c)},`),
    '    }',
    '',
    '    /// <summary>Wire names and statuses of <see cref="ProblemCode"/>.</summary>',
    '    public static class ProblemCodes',
    '    {',
    '        /// <summary>The code of a wire name; <see cref="ProblemCode.Unknown"/> for one this version does not know.</summary>',
    '        public static ProblemCode Parse(string code)',
    '        {',
    '            switch (code)',
    '            {',
    ...codes.map((c) => `                case ${csString(c)}: return ProblemCode.${pascal(c)};`),
    '                default: return ProblemCode.Unknown;',
    '            }',
    '        }',
    '',
    '        /// <summary>The wire name of a code (null for <see cref="ProblemCode.Unknown"/>).</summary>',
    '        public static string WireName(ProblemCode code)',
    '        {',
    '            switch (code)',
    '            {',
    ...codes.map((c) => `                case ProblemCode.${pascal(c)}: return ${csString(c)};`),
    '                default: return null;',
    '            }',
    '        }',
    '',
    '        /// <summary>The HTTP status the catalogue gives a code (0 for <see cref="ProblemCode.Unknown"/>).</summary>',
    '        public static int Status(ProblemCode code)',
    '        {',
    '            switch (code)',
    '            {',
    ...codes.map((c) => `                case ProblemCode.${pascal(c)}: return ${info[c]!.status};`),
    '                default: return 0;',
    '            }',
    '        }',
    '',
    '        /// <summary>The code an answer of this status is read as when it is not a problem document (500 for any status not listed).</summary>',
    '        public static ProblemCode FallbackCode(int status)',
    '        {',
    '            switch (status)',
    '            {',
    ...FALLBACK_STATUSES.filter((s) => s !== 500).map((s) => `                case ${s}: return ProblemCode.${pascal(FALLBACK_CODES[s])};`),
    `                default: return ProblemCode.${pascal(FALLBACK_CODES[500])};`,
    '            }',
    '        }',
    '',
    "        /// <summary>The catalogue's detail for the fallback codes (safe to show a player).</summary>",
    '        public static string FallbackDetail(ProblemCode code)',
    '        {',
    '            switch (code)',
    '            {',
    ...FALLBACK_STATUSES.map((s) => `                case ProblemCode.${pascal(FALLBACK_CODES[s])}: return ${csString(PROBLEMS[FALLBACK_CODES[s]].detail)};`),
    `                default: return ${csString(PROBLEMS.internal_error.detail)};`,
    '            }',
    '        }',
    '    }',
    '}',
    '',
  ];
  return out.join('\n');
}

const UNITY = join(ROOT, 'packages/unity');

function importer(path: string, folder: boolean): string {
  if (folder) return 'folderAsset: yes\nDefaultImporter';
  if (path.endsWith('.cs')) return 'MonoImporter';
  if (path.endsWith('.asmdef')) return 'AssemblyDefinitionImporter';
  if (path === 'package.json') return 'PackageManifestImporter';
  if (/\.(md|json|txt)$/.test(path)) return 'TextScriptImporter';
  return 'DefaultImporter';
}

/** A .meta for every file and folder Unity imports from packages/unity (not Samples~, Tests~, or the metas themselves). */
function unityMetas(): Record<string, string> {
  const metas: Record<string, string> = {};
  const files = readdirSync(UNITY, { recursive: true, encoding: 'utf8' })
    .filter((f) => !f.endsWith('.meta') && !/(^|\/)(Samples~|Tests~)(\/|$)/.test(f) && !/(^|\/)\./.test(f))
    .sort();
  for (const f of files) {
    const folder = statSync(join(UNITY, f)).isDirectory();
    const guid = createHash('md5').update(`playguard:${f}`).digest('hex');
    const kind = importer(f, folder);
    const mono = kind === 'MonoImporter' ? '  serializedVersion: 2\n  defaultReferences: []\n  executionOrder: 0\n  icon: {instanceID: 0}\n' : '';
    metas[join(UNITY, `${f}.meta`)] =
      `fileFormatVersion: 2\nguid: ${guid}\n${kind}:\n  externalObjects: {}\n${mono}  userData: \n  assetBundleName: \n  assetBundleVariant: \n`;
  }
  return metas;
}

/** Every generated file, by absolute path, as the generator renders it now. */
export async function renderClientFiles(): Promise<Record<string, string>> {
  return { [GENERATED.api]: await renderApi(), [GENERATED.problems]: renderProblems(), [GENERATED.csharp]: renderCSharp(), ...unityMetas() };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [file, text] of Object.entries(await renderClientFiles())) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    console.log(`wrote ${relative(process.cwd(), file)}`);
  }
}
