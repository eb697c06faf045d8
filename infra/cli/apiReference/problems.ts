/**
 * The API reference's problems: the catalogue (shared/problem.ts `PROBLEMS`), the schema of each
 * code's document, its extension members with their meanings (`PROBLEM_EXTENSIONS`, the one place
 * they are written), and the headers and details the source attaches where it raises them.
 */
import * as z from 'zod';
import { PROBLEM_EXTENSIONS, PROBLEMS, problemBody, type ProblemCode } from '#shared/problem';
import {
  anchor,
  cell,
  code,
  descriptionOf,
  isProblemSchema,
  itemObject,
  json,
  schemaBody,
  typeOf,
  type Document,
  type Schema,
} from '#infra/cli/apiReference/markdown';
import { COMPUTED, type RaisedProblem } from '#infra/cli/apiReference/raisedProblems';

const HEADER_NAMES: Record<string, string> = { 'retry-after': 'Retry-After' };

const STANDARD_MEMBERS = ['type', 'title', 'status', 'detail', 'code'];

interface DeclaredMember {
  name: string;
  type: string;
  required: boolean;
  description: string;
}

/** The extension members the catalogue declares per code (`PROBLEM_EXTENSIONS`, zod objects), as JSON Schema: each with its type and meaning. */
function declaredExtensions(): Map<string, DeclaredMember[]> {
  const out = new Map<string, DeclaredMember[]>();
  for (const [c, members] of Object.entries(PROBLEM_EXTENSIONS as unknown as Record<string, z.ZodType>)) {
    const schema = z.toJSONSchema(members, { io: 'output', unrepresentable: 'any' }) as Schema;
    const required = new Set(schema.required ?? []);
    out.set(
      c,
      Object.entries(schema.properties ?? {}).map(([name, property]) => {
        const items = itemObject(property);
        const shape = items
          ? `array of { ${Object.keys(items.properties ?? {})
              .map((k) => `${k}${items.required?.includes(k) ? '' : '?'}`)
              .join(', ')} }`
          : typeOf(property);
        return { name, type: shape, required: required.has(name), description: descriptionOf(property) };
      }),
    );
  }
  return out;
}

export function renderProblems(doc: Document, raised: Map<string, RaisedProblem>): string[] {
  const components = doc.components?.schemas ?? {};
  const lines: string[] = ['## Problems', ''];
  lines.push(
    `Every error is an RFC 9457 problem document, ${code('Content-Type: application/problem+json')}. ` +
      `${code('code')} is the stable value to program against; ${code('detail')} is Chinese, safe to show ` +
      `a player, and never contains personal data. For example, ${code('session_not_found')}:`,
    '',
    '```json',
    JSON.stringify(problemBody('session_not_found'), null, 2),
    '```',
    '',
  );
  if (components.Problem) {
    lines.push('### Problem', '', 'The members every problem document has:', '', ...schemaBody({ $ref: '#/components/schemas/Problem' }, components), '');
  }

  // The document gives each problem a response names its own schema: listed here so the responses' links land.
  const perCode = Object.keys(components).filter((name) => name !== 'Problem' && isProblemSchema(components[name]!));
  if (perCode.length) {
    lines.push(
      '### Problem documents by code',
      '',
      'The schemas the responses above name: the members of [Problem](#problem) with `code` and `status` ' +
        "fixed, plus the code's [extension members](#extension-members).",
      '',
    );
    lines.push('| Schema | Code | Status | Extension members |', '|---|---|---|---|');
    for (const name of perCode) {
      const p = components[name]!.properties!;
      const extra = Object.keys(p).filter((k) => !STANDARD_MEMBERS.includes(k));
      lines.push(
        `| <a id="${anchor(name)}"></a>${name} | ${json(p.code!.const)} | ${p.status?.const ?? '—'} | ${extra.map((k) => code(k)).join(', ') || '—'} |`,
      );
    }
    lines.push('');
  }

  lines.push('### Problem codes', '');
  lines.push(
    `Raised by: ${code('functions')} — the Lambda handlers and the code they call, deployed and under ` +
      `${code('npm start')} alike; ${code('local runner')} — only the local HTTP adapter of ` +
      `${code('npm start')} (deployed, API Gateway answers these cases itself).`,
    '',
  );
  const codes = (Object.keys(PROBLEMS) as ProblemCode[]).map((c, i) => ({ c, i })).sort((a, b) => PROBLEMS[a.c].status - PROBLEMS[b.c].status || a.i - b.i);
  lines.push('| Code | Status | Title | Detail | Raised by |', '|---|---|---|---|---|');
  for (const { c } of codes) {
    const p = PROBLEMS[c];
    const by = [...(raised.get(c)?.raisedBy ?? [])].sort().join(', ') || '—';
    lines.push(`| ${code(c)} | ${p.status} | ${cell(p.title)} | ${cell(p.detail)} | ${by} |`);
  }
  lines.push('');

  lines.push('### Extension members', '');
  lines.push('Members a problem carries besides the standard ones. They never replace a standard member.', '');
  lines.push('| Code | Member | Type | Always present | Meaning |', '|---|---|---|---|---|');
  const declared = declaredExtensions();
  for (const { c } of codes) {
    for (const m of declared.get(c) ?? []) {
      lines.push(`| ${code(c)} | ${code(m.name)} | ${cell(m.type)} | ${m.required ? 'yes' : 'no'} | ${cell(m.description) || '—'} |`);
    }
  }
  lines.push('');

  const withHeaders = codes.filter(({ c }) => raised.get(c)?.headers.size);
  if (withHeaders.length) {
    lines.push('### Response headers', '');
    lines.push('| Code | Header | Value |', '|---|---|---|');
    for (const { c } of withHeaders) {
      const headers = raised.get(c)!.headers;
      for (const name of [...headers.keys()].sort()) {
        const values = [...headers.get(name)!].sort((a, b) => (a === COMPUTED ? 1 : b === COMPUTED ? -1 : a.localeCompare(b)));
        lines.push(
          `| ${code(c)} | ${code(HEADER_NAMES[name] ?? name)} | ` +
            `${cell(values.map((v) => (v === COMPUTED ? 'computed per response (seconds)' : code(v))).join(' or '))} |`,
        );
      }
    }
    lines.push('');
  }

  const withDetails = codes.filter(({ c }) => raised.get(c)?.details.size);
  if (withDetails.length) {
    lines.push('### Details that replace the catalogue', '');
    lines.push(`Some responses carry a more specific ${code('detail')} than the table above:`, '');
    lines.push('| Code | Detail |', '|---|---|');
    for (const { c } of withDetails) {
      for (const detail of [...raised.get(c)!.details].sort()) lines.push(`| ${code(c)} | ${cell(detail)} |`);
    }
    lines.push('');
  }
  return lines;
}
