/**
 * docs/integration.md's error table, the page studios read when they handle an error, lists every
 * code of the catalogue (shared/problem.ts) with the catalogue's status, and no code it does not
 * have.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROBLEMS } from '#shared/problem';

const page = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'integration.md'), 'utf8');
const rows = new Map([...page.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1]!, Number(m[2])]));

describe("docs/integration.md's error table", () => {
  it('lists every code of the catalogue with its status', () => {
    expect(
      Object.entries(PROBLEMS)
        .filter(([code, p]) => rows.get(code) !== p.status)
        .map(([code, p]) => `${code} ${p.status}`),
    ).toEqual([]);
  });

  it('lists no code the catalogue does not have', () => {
    expect([...rows.keys()].filter((c) => !Object.hasOwn(PROBLEMS, c))).toEqual([]);
  });
});
