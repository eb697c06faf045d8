/**
 * What the two client packages take from the gateway's sources is generated
 * (`npm run clients:generate`, infra/cli/clientsGenerate.ts): the TypeScript package's request,
 * response and problem types, and the C# package's problem-code enum. This fails whenever a
 * generated file is not what the generator renders from the code now, so neither client can drift
 * from the OpenAPI document or the catalogue; and whenever a call a client makes names an operation
 * the document does not hold.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { clientDocument, GENERATED, renderClientFiles } from '#infra/cli/clientsGenerate';
import { PROBLEMS } from '#shared/problem';

const ROOT = join(import.meta.dirname, '..', '..');

let rendered: Record<string, string> = {};
beforeAll(async () => {
  rendered = await renderClientFiles();
}, 60_000);

describe("the clients' generated files", () => {
  it('are what `npm run clients:generate` renders from the OpenAPI document and the catalogue now', () => {
    expect(Object.keys(rendered)).toEqual(expect.arrayContaining(Object.values(GENERATED)));
    for (const [file, text] of Object.entries(rendered)) {
      expect(readFileSync(file, 'utf8'), `${file.slice(ROOT.length + 1)} is out of date: run \`npm run clients:generate\` and commit the result`).toBe(text);
    }
  });

  it('give the C# enum and the TypeScript union every code of the catalogue, with its status', () => {
    const cs = rendered[GENERATED.csharp]!;
    const ts = rendered[GENERATED.problems]!;
    for (const [code, p] of Object.entries(PROBLEMS)) {
      expect(cs).toContain(`case "${code}": return ProblemCode.`);
      expect(cs).toMatch(new RegExp(`case ProblemCode\\.\\w+: return "${code}";`));
      expect(ts).toContain(`  ${code}: ${p.status};`);
    }
  });
});

/** `METHOD /path/{param}` of every call in a client's source. */
function operationsIn(files: string[], pattern: RegExp): string[] {
  const ops = new Set<string>();
  for (const file of files) {
    for (const m of readFileSync(file, 'utf8').matchAll(pattern)) {
      const path = m[2]!.replace(/\$\{path\((\w+)\)\}/g, '{$1}').replace(/\?.*$/, '');
      ops.add(`${m[1]} ${path}`);
    }
  }
  return [...ops].sort();
}

/** `POST /v1/payments/{orderId}/commit` → `POST /v1/payments/{}/commit`: parameters compared by place, not name. */
const shape = (op: string): string => op.replace(/\{[^}]*\}/g, '{}');

describe('the operations the clients call', () => {
  const documented = new Set(
    Object.entries(clientDocument().paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
      Object.keys(item).map((m) => shape(`${m.toUpperCase()} ${path}`)),
    ),
  );

  it('are documented (TypeScript)', () => {
    const src = join(ROOT, 'packages/client/src');
    const ops = operationsIn(
      readdirSync(src)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => join(src, f)),
      /call<[^>]*>\(t, '(GET|POST|PUT|DELETE)', [`'](\/v1\/[^`']*)[`']/g,
    );
    expect(ops.length).toBeGreaterThan(25);
    expect(ops.map(shape).filter((op) => !documented.has(op))).toEqual([]);
  });

  it('are documented (C#)', () => {
    const runtime = join(ROOT, 'packages/unity/Runtime');
    const ops = new Set<string>();
    for (const f of readdirSync(runtime).filter((n) => n.endsWith('.cs'))) {
      const text = readFileSync(join(runtime, f), 'utf8');
      for (const m of text.matchAll(/(?:CallAsync|SendAsync)\("(GET|POST|PUT|DELETE)", (?="\/v1\/)/g)) {
        // The path expression runs to the call's next top-level comma or closing parenthesis.
        let depth = 0;
        let end = m.index + m[0].length;
        for (; end < text.length; end++) {
          const c = text[end];
          if (c === '(') depth++;
          else if (c === ')' && depth-- === 0) break;
          else if (c === ',' && depth === 0) break;
        }
        // "/v1/payments/" + Path(orderId) + "/commit" → /v1/payments/{}/commit
        const expression = text.slice(m.index + m[0].length, end);
        ops.add(
          `${m[1]} ${expression
            .split('+')
            .map((part) => (part.trim().startsWith('"') ? part.trim().slice(1, -1) : '{}'))
            .join('')}`,
        );
      }
    }
    expect(ops.size).toBeGreaterThanOrEqual(20);
    expect([...ops].filter((op) => !documented.has(op))).toEqual([]);
    expect([...ops]).toEqual(expect.arrayContaining(['POST /v1/sessions/{}/heartbeat', 'DELETE /v1/me/accounts/{}', 'POST /v1/payments/{}/commit']));
  });
});
