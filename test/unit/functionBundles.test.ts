/**
 * What each Lambda bundle holds (esbuild with the stack's options, infra/gatewayFunction.ts): an HTTP
 * function carries its own routes and nothing of another function's; only `meta`, which serves
 * GET /openapi.json, carries the route documentation, the response schemas and the OpenAPI
 * generator (zod-openapi, which brings classic zod along); every other function validates with
 * zod/mini alone (shared/zod.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { LAMBDA_ESBUILD } from '#infra/gatewayFunction';
import { describe, expect, it } from 'vitest';
import * as table from '#shared/api/routes';
import { routeList, routes, type RouteSpec } from '#shared/api/routes';

const ROOT = join(import.meta.dirname, '..', '..');
const names = readdirSync(join(ROOT, 'functions'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();

type Bundle = { text: string; inputs: Metafile['outputs'][string]['inputs'] };
const bundles = new Map<string, Promise<Bundle>>();
const bundle = (name: string): Promise<Bundle> => {
  let b = bundles.get(name);
  if (!b) bundles.set(name, (b = build1(name)));
  return b;
};

async function build1(name: string): Promise<Bundle> {
  const result = await build({
    ...LAMBDA_ESBUILD,
    entryPoints: [join(ROOT, 'functions', `${name}.ts`)],
    absWorkingDir: ROOT,
    tsconfig: join(ROOT, 'tsconfig.json'),
    write: false,
    metafile: true,
    logLevel: 'error',
  });
  const [output] = Object.values(result.metafile.outputs);
  return { text: result.outputFiles[0]!.text, inputs: output!.inputs };
}

/** The modules that put bytes into the bundle. */
const present = (inputs: Metafile['outputs'][string]['inputs']) =>
  Object.entries(inputs)
    .filter(([, v]) => v.bytesInOutput > 0)
    .map(([f]) => f);

const DOCUMENTATION = ['shared/api/openapi.ts', 'shared/api/routeDocs.ts', 'shared/api/responses.ts'];

describe('the function bundles', () => {
  it('are built from route groups that name each route once, in its own function', () => {
    const groups = Object.entries(table).filter(([k]) => k.endsWith('Routes')) as Array<[string, Record<string, RouteSpec>]>;
    expect(groups.map(([k]) => k.slice(0, -'Routes'.length)).sort()).toEqual([...new Set(routeList().map(([, r]) => r.fn))].sort());
    for (const [k, group] of groups) for (const r of Object.values(group)) expect(`${k}: ${r.fn}`).toBe(`${k}: ${k.slice(0, -'Routes'.length)}`);
    // No operation id in two groups (the merged table would keep only one of them), no route twice.
    expect(groups.reduce((n, [, g]) => n + Object.keys(g).length, 0)).toBe(Object.keys(routes).length);
    expect(new Set(routeList().map(([, r]) => `${r.method} ${r.path}`)).size).toBe(Object.keys(routes).length);
  });

  it.each(names)('%s: its own routes, and the documentation only in meta', async (name) => {
    const { text, inputs } = await bundle(name);
    const files = present(inputs);
    // Nothing test-only or local-only ships: no test support, no local runner, no simulator, no
    // request counter (test/support/ddbCounter.ts hooks in from outside).
    expect(files.filter((f) => f.startsWith('test/') || f.startsWith('infra/') || f.includes('simulator'))).toEqual([]);
    // The local staff identity provider (infra/local/staffIdp.ts) and its web framework stay local.
    expect(files.filter((f) => /node_modules\/(oidc-provider|koa)\//.test(f))).toEqual([]);
    expect(text).not.toContain('ddbCallCounter');
    // What the stack's aliases replace (infra/gatewayFunction.ts LAMBDA_ALIASES) is not carried.
    expect(files.filter((f) => /node_modules\/(@aws-sdk\/credential-provider-node|mnemonist|obliterator)\//.test(f))).toEqual([]);
    // `meta` lists every route in the document it serves.
    const own = routeList()
      .filter(([, r]) => r.fn === name || name === 'meta')
      .map(([, r]) => `${r.method} ${r.path}`)
      .sort();
    // Route entries as the minifier writes them: {method:"GET",path:"/v1/…",fn:"…",…}
    const found = [...text.matchAll(/method:"(\w+)",path:"([^"]+)",fn:"(\w+)"/g)].map((m) => `${m[1]} ${m[2]}`).sort();
    expect(found).toEqual(own);
    if (name === 'meta') {
      expect(files).toEqual(expect.arrayContaining(DOCUMENTATION));
      return;
    }
    expect(files.filter((f) => DOCUMENTATION.includes(f) || f.startsWith('node_modules/zod-openapi/') || f.startsWith('node_modules/zod/v4/classic/'))).toEqual(
      [],
    );
    expect(files.some((f) => f.startsWith('node_modules/zod/v4/mini/'))).toBe(true);
    // The words of the response schemas and of the problems' extension members (shared/problem.ts).
    expect(text).not.toContain('RFC 9457 problem document');
    expect(text).not.toContain('The highest seq already counted for this session');
  });

  it("package.json's dependencies are exactly the project's packages some bundle carries (everything else is a devDependency)", async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const direct = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]);
    const carried = new Set<string>();
    for (const name of names) {
      for (const f of present((await bundle(name)).inputs)) {
        const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f);
        if (m && direct.has(m[1]!)) carried.add(m[1]!);
      }
    }
    expect(Object.keys(pkg.dependencies).sort()).toEqual([...carried].sort());
  });
});
