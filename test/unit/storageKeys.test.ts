/**
 * The key catalogue (shared/storage/keys.ts) is the one module that spells a key prefix or an index
 * name: every other module of shared/ takes keys, prefixes, index names and key parsers from it (or
 * from the table's shape, shared/storage/tableDesign.ts). Read with the TypeScript scanner, so a
 * prefix in a comment is not code, and one in a template literal is.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const CATALOGUE = ['shared/storage/keys.ts', 'shared/storage/tableDesign.ts'];

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return files(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** `ACCOUNT#`, `SPEND#D#`, `STATSWEEK#`: an upper-case word ending in `#`, as every key prefix of the table is written. */
const KEY_PREFIX = /\b[A-Z][A-Z_]{2,}#/;
const INDEX_NAME = /^gsi\d$/;

/** The literals of a source text (strings and the text parts of templates) that spell a key prefix or an index name. */
function keyLiterals(source: string): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      if (KEY_PREFIX.test(node.text) || INDEX_NAME.test(node.text)) found.push(node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile('source.ts', source, ts.ScriptTarget.Latest, true));
  return found;
}

describe('the key catalogue', () => {
  it('is the only module of shared/ that spells a key prefix or an index name', () => {
    const offending = files('shared')
      .filter((f) => !CATALOGUE.includes(f))
      .flatMap((f) => keyLiterals(readFileSync(join(ROOT, f), 'utf8')).map((literal) => `${f}: ${JSON.stringify(literal)}`));
    expect(offending).toEqual([]);
  });

  it('finds one when there is one, in code but not in comments (the check can fail)', () => {
    const source = [
      "// SESSION#<id> is the session's pk",
      "const a = 'SESSION#';",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template literal, for the finder to read
      'const b = `SPEND#D#${day}`;',
      "const c = { IndexName: 'gsi1' };",
      "const d = 'a#b';",
    ].join('\n');
    expect(keyLiterals(source)).toEqual(['SESSION#', 'SPEND#D#', 'gsi1']);
  });

  it('spells them itself', () => {
    expect(keyLiterals(readFileSync(join(ROOT, 'shared/storage/keys.ts'), 'utf8')).length).toBeGreaterThan(20);
  });
});
