/** The API reference's endpoints: each operation of the OpenAPI document with its credential, parameters, body and responses. */
import {
  cell,
  clean,
  code,
  constraintsOf,
  descriptionOf,
  METHODS,
  refName,
  schemaBody,
  schemaLink,
  typeOf,
  type Document,
  type MediaType,
  type Operation,
  type Schema,
} from '#infra/cli/apiReference/markdown';

/** How each kind of credential the route table names reads to a client (the operations' `x-credential`). */
export const CREDENTIALS: Record<string, string> = {
  none: 'none (public)',
  player: 'player credential',
  server: 'server credential',
  account: 'player or server credential',
  operator: "operator credential (the staff issuer's token with scope operator)",
};

export const credentialOf = (op: Operation): string => (op.security && op.security.length === 0 ? 'none' : (op['x-credential'] ?? 'bearer'));

const sortStatuses = (statuses: string[]): string[] =>
  [...statuses].sort((a, b) => (a === 'default' ? 1 : b === 'default' ? -1 : Number(a) - Number(b) || a.localeCompare(b)));

function bodyOf(content: Record<string, MediaType> | undefined): string {
  if (!content) return '—';
  return Object.entries(content)
    .map(([type, media]) => `${code(type)}${media.schema ? ` ${typeOf(media.schema)}` : ''}`)
    .join('<br>');
}

export interface Endpoint {
  method: string;
  path: string;
  op: Operation;
}

export function endpointsOf(doc: Document): Endpoint[] {
  const out: Endpoint[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (op) out.push({ method: method.toUpperCase(), path, op });
    }
  }
  return out;
}

export const endpointHeading = (e: Endpoint): string => `${e.method} ${e.path}`;

export function renderEndpoint(e: Endpoint, components: Record<string, Schema>): string[] {
  const { op } = e;
  const lines: string[] = [`### ${endpointHeading(e)}`, ''];
  if (op.summary) lines.push(`${clean(op.summary)}.`, '');
  if (op.description) lines.push(clean(op.description), '');
  lines.push(`- Operation id: ${code(op.operationId ?? '—')}`);
  const credential = credentialOf(op);
  lines.push(`- Auth: ${code(credential)} — ${CREDENTIALS[credential] ?? 'see the OpenAPI document'}`, '');

  const parameters = op.parameters ?? [];
  for (const where of [...new Set(parameters.map((p) => p.in))].sort()) {
    lines.push(`${where.charAt(0).toUpperCase()}${where.slice(1)} parameters:`, '');
    lines.push('| Name | Type | Required | Constraints | Description |', '|---|---|---|---|---|');
    for (const p of parameters.filter((q) => q.in === where)) {
      lines.push(
        `| ${code(p.name)} | ${cell(typeOf(p.schema))} | ${p.required ? 'yes' : 'no'} | ` +
          `${cell(constraintsOf(p.schema).join('; ')) || '—'} | ` +
          `${cell(p.description ?? descriptionOf(p.schema)) || '—'} |`,
      );
    }
    lines.push('');
  }

  const body = op.requestBody;
  if (body) {
    for (const [type, media] of Object.entries(body.content ?? {})) {
      const name = media.schema?.$ref ? ` (${schemaLink(refName(media.schema.$ref))})` : '';
      lines.push(`Request body${name}, ${code(type)}, ${body.required ? 'required' : 'optional'}:`, '');
      if (media.schema) {
        lines.push(...schemaBody(media.schema, components));
        const resolved = media.schema.$ref ? components[refName(media.schema.$ref)] : media.schema;
        if (resolved?.additionalProperties === false) lines.push('', `Fields not listed here are refused (400 ${code('invalid_request')}).`);
      }
      lines.push('');
    }
  }

  const responses = op.responses ?? {};
  lines.push('Responses:', '', '| Status | Description | Body |', '|---|---|---|');
  for (const status of sortStatuses(Object.keys(responses))) {
    const r = responses[status]!;
    lines.push(`| ${status} | ${cell(r.description ?? '') || '—'} | ${cell(bodyOf(r.content))} |`);
  }
  lines.push('');
  return lines;
}
