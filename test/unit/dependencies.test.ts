/**
 * The dependency direction, checked on every `npm test` (docs/design.md "Layout"):
 *
 *   domain, storage, NPPA protocol, edge helpers   (layer 0: no capability code)
 *     ← capability repositories                    (layer 1: one owner per stored item)
 *     ← capability services                        (layer 2)
 *     ← cross-capability use cases                 (layer 3: shared/usecases/)
 *     ← the composition root                       (layer 4: shared/services.ts)
 *     ← functions                                  (layer 5: Lambda entry points)
 *
 * No file imports a higher layer, no capability imports another in a circle, no file imports
 * itself through others, and shared/ never imports infra/, functions/, console/ or test/. shared/
 * is exactly the code the functions run: every file under it is part of some function's imports.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return files(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The project files a file imports (`#shared/<name>` → `shared/<name>.ts`); packages and node: modules are left out. */
function importsOf(file: string): string[] {
  const source = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = [...source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|(?:^|\n)\s*import\s+'([^']+)'|import\('([^']+)'\)/g)].map(
    (m) => m[1] ?? m[2] ?? m[3]!,
  );
  return specifiers.flatMap((s) => {
    const alias = /^#(shared|infra|functions|test|console)\/(.+)$/.exec(s);
    if (alias) return [`${alias[1]}/${alias[2]}.ts`];
    if (s.startsWith('.')) return [relative(ROOT, join(ROOT, file, '..', s)).replace(/(\.ts)?$/, '.ts')];
    return [];
  });
}

const all = [...files('shared'), ...files('functions')];

/**
 * Under shared/ yet imported by no function, for their reason: the modules esbuild puts in place of
 * the SDK's default credential chain and of mnemonist's LRU cache (infra/gatewayFunction.ts `alias`).
 */
const NOT_IMPORTED = ['shared/lambdaCredentials.ts', 'shared/lambdaLruCache.ts'];
const graph = new Map(all.map((f) => [f, importsOf(f)]));

function layerOf(file: string): number {
  if (file.startsWith('functions/')) return 5;
  if (file === 'shared/services.ts') return 4;
  if (file.startsWith('shared/usecases/')) return 3;
  if (/^shared\/[^/]+\/service\.ts$/.test(file) || file === 'shared/reporting/reporter.ts' || file === 'shared/notifications/sender.ts') return 2;
  if (
    /^shared\/[^/]+\/repository\.ts$/.test(file) ||
    /^shared\/reporting\/(outbox|rateGate|drainerLease)\.ts$/.test(file) ||
    file === 'shared/notifications/outbox.ts'
  )
    return 1;
  return 0;
}

/** The capability a file belongs to (its folder under shared/), for the capability-level graph. */
const capabilityOf = (file: string): string | null => {
  const m = /^shared\/(accounts|identity|sessions|spending|risk|guardians|reporting|notifications|oversight|stats|complaints)\//.exec(file);
  return m ? m[1]! : null;
};

function cycles(edges: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return found;
}

describe('dependency direction', () => {
  it('finds the files it checks', () => {
    expect(graph.size).toBeGreaterThan(40);
    expect(graph.get('shared/services.ts')).toContain('shared/settings.ts');
  });

  it('shared/ never imports infra/, functions/, console/ or test/', () => {
    const offending = [...graph]
      .filter(([f]) => f.startsWith('shared/'))
      .flatMap(([f, deps]) => deps.filter((d) => !d.startsWith('shared/')).map((d) => `${f} → ${d}`));
    expect(offending).toEqual([]);
  });

  it("functions/ import shared/ and, for the console function, the console's built page only", () => {
    const offending = [...graph]
      .filter(([f]) => f.startsWith('functions/'))
      .flatMap(([f, deps]) => deps.filter((d) => !d.startsWith('shared/') && d !== 'console/assets.ts').map((d) => `${f} → ${d}`));
    expect(offending).toEqual([]);
  });

  it('every file under shared/ is run by some function (tools, tests and the local runner keep their own code elsewhere)', () => {
    const reached = new Set<string>();
    const todo = files('functions');
    while (todo.length) {
      const f = todo.pop()!;
      if (reached.has(f)) continue;
      reached.add(f);
      todo.push(...(graph.get(f) ?? importsOf(f)));
    }
    const notRun = files('shared').filter((f) => !reached.has(f) && !NOT_IMPORTED.some((p) => f.startsWith(p)));
    expect(notRun).toEqual([]);
  });

  it('no file imports a higher layer', () => {
    const offending = [...graph].flatMap(([f, deps]) =>
      deps.filter((d) => layerOf(d) > layerOf(f)).map((d) => `${f} (layer ${layerOf(f)}) → ${d} (layer ${layerOf(d)})`),
    );
    expect(offending).toEqual([]);
  });

  it('no import cycle between files', () => {
    expect(cycles(graph).map((c) => c.join(' → '))).toEqual([]);
  });

  it('no capability imports another in a circle', () => {
    const edges = new Map<string, string[]>();
    for (const [f, deps] of graph) {
      const from = capabilityOf(f);
      if (!from) continue;
      const to = deps.map(capabilityOf).filter((c): c is string => c !== null && c !== from);
      edges.set(from, [...new Set([...(edges.get(from) ?? []), ...to])]);
    }
    expect(cycles(edges).map((c) => c.join(' → '))).toEqual([]);
  });

  it('detects a cycle when there is one (the check can fail)', () => {
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b', 'c', 'a']]);
  });
});
