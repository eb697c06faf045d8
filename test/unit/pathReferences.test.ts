/**
 * Every repository path a comment or a document names resolves: a file or folder under shared/,
 * functions/, infra/, test/, docs/, console/, packages/ or .ci/ written in a source file (comments
 * and strings alike) or in a Markdown page, and every relative link of a Markdown page. A comment
 * that sends the reader to a file that was moved or never existed fails here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((f) => /\.(ts|mts|mjs|js|cs|md|ya?ml|json)$|^\.ci\//.test(f) && !f.endsWith('package-lock.json') && existsSync(join(ROOT, f)));

// A path from the repository's root: a top folder, then segments; not part of a URL, an import
// alias (`#shared/…`) or a longer path (`node_modules/…/shared/…`).
const PATH = /(?<![\w#@./:-])((?:shared|functions|infra|test|docs|console|packages|\.ci)\/[\w.@/~-]*[\w/~])/g;

/** Whether `text` names a path worth checking: no placeholder or pattern in it. */
const concrete = (p: string): boolean => !/[*<>{}]|\.\.\.|\/\//.test(p) && !p.endsWith('/.');

function namedPaths(file: string, text: string): Array<{ where: string; path: string }> {
  const out: Array<{ where: string; path: string }> = [];
  text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(PATH)) {
      // A placeholder or pattern right after it (`test/e2e/<name>.test.ts`, `docs/*.md`) is no path.
      const after = line[m.index! + m[1]!.length];
      if (after && /[*<{]/.test(after)) continue;
      const path = m[1]!.replace(/\.$/, '');
      if (concrete(path)) out.push({ where: `${file}:${i + 1}`, path });
    }
    if (file.endsWith('.md')) {
      for (const m of line.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/i.test(target)) continue;
        out.push({ where: `${file}:${i + 1}`, path: normalize(join(dirname(file), target)) });
      }
    }
  });
  return out;
}

describe('paths named in comments and documents', () => {
  const named = files.flatMap((f) => namedPaths(f, readFileSync(join(ROOT, f), 'utf8')));

  it('finds them (a scan that read nothing would pass)', () => {
    expect(named.length).toBeGreaterThan(500);
    expect(named.some((n) => n.path === 'shared/api/routes.ts')).toBe(true);
  });

  it('all resolve to a file or folder of the repository', () => {
    // A folder the tests write and git ignores (test/browser/artifacts/) is named before it exists.
    const ignored = (p: string) => spawnSync('git', ['check-ignore', '-q', p], { cwd: ROOT }).status === 0;
    const missing = named.filter((n) => !existsSync(join(ROOT, n.path)) && !ignored(n.path)).map((n) => `${n.where}: ${n.path}`);
    expect(missing).toEqual([]);
  });
});
