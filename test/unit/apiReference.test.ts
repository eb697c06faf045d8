/**
 * docs/api.md is generated (`npm run docs:api`) from the OpenAPI document, the problem catalogue and
 * the places the source raises each problem. This fails whenever the file is not what the generator
 * renders from the code as it is now, so the reference cannot drift from the API.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_REFERENCE_PATH, anchor, clean, renderApiReference } from '#infra/cli/apiReference';
import { routeList } from '#shared/api/routes';
import { PROBLEM_EXTENSIONS, PROBLEMS } from '#shared/problem';
import { HEAVY_TEST_MS } from '#test/support/timeouts';

let rendered = '';
// One TypeScript program over the source: several seconds on a 2-core machine.
beforeAll(() => {
  rendered = renderApiReference();
}, HEAVY_TEST_MS);

describe('docs/api.md', () => {
  it('is what `npm run docs:api` renders from the code now', () => {
    const onDisk = readFileSync(API_REFERENCE_PATH, 'utf8');
    expect(onDisk, 'docs/api.md is out of date with the routes, schemas or problems: run `npm run docs:api` and commit the result').toBe(rendered);
  });

  it('lists every route and every problem code', () => {
    for (const [, route] of routeList()) expect(rendered).toContain(`### ${route.method} ${route.path}\n`);
    for (const [code, p] of Object.entries(PROBLEMS)) expect(rendered).toContain(`| \`${code}\` | ${p.status} |`);
  });

  it("says what every problem's extension member means, from the catalogue (PROBLEM_EXTENSIONS)", () => {
    const section = rendered.slice(rendered.indexOf('### Extension members'), rendered.indexOf('\n### ', rendered.indexOf('### Extension members') + 1));
    const rows = section.split('\n').filter((l) => /^\| `\w+` \| `\w+` \|/.test(l));
    const declared = Object.entries(PROBLEM_EXTENSIONS).flatMap(([code, s]) => Object.keys(s.shape).map((m) => `${code}.${m}`));
    expect(
      rows
        .map((r) =>
          r
            .split(' | ')
            .slice(0, 2)
            .map((c) => c.replace(/[|` ]/g, ''))
            .join('.'),
        )
        .sort(),
    ).toEqual(declared.sort());
    expect(rows.filter((r) => r.endsWith('| — |'))).toEqual([]);
  });

  it('names no document outside the repository', () => {
    expect(rendered).not.toMatch(/(?:CONTRACT|DESIGN|RULES|NPPA|STYLE)\.md|\.\.\/shared/);
    expect(rendered).not.toMatch(/\bissue \d/i);
  });

  it('links only to headings and anchors it has', () => {
    const headings = new Set([
      ...[...rendered.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1]!)),
      ...[...rendered.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]!),
    ]);
    const links = [...rendered.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.filter((l) => !headings.has(l))).toEqual([]);
  });
});

describe('the generator', () => {
  it('puts text taken from the code on one line', () => {
    expect(clean(' Stable\n  machine-readable code ')).toBe('Stable machine-readable code');
  });

  it('makes GitHub heading anchors', () => {
    expect(anchor('POST /v1/sessions/{sessionId}/heartbeat')).toBe('post-v1sessionssessionidheartbeat');
    expect(anchor('Problem codes')).toBe('problem-codes');
  });
});
