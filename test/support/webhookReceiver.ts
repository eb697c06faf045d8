/**
 * A publisher's webhook receiver, as docs/webhooks.md tells one to build it: it verifies each request
 * with that page's own snippet (loaded from docs/webhooks.md, so the documented code is what runs),
 * de-duplicates on `id`, and answers with what the test asks for.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';

export type Verify = (secret: string, header: string | undefined, rawBody: string, toleranceSeconds?: number, nowSeconds?: number) => boolean;

/** docs/webhooks.md's verification snippet, as a function. */
export function documentedVerify(): Verify {
  const readme = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'webhooks.md'), 'utf8');
  const code = /<!-- webhook-verify:start -->\n```js\n([\s\S]*?)\n```\n<!-- webhook-verify:end -->/.exec(readme)?.[1];
  if (!code) throw new Error('docs/webhooks.md: the webhook-verify snippet is missing');
  // The snippet's one import is node:crypto's; the rest runs as written.
  const importLine = "import { createHmac, timingSafeEqual } from 'node:crypto';";
  if (!code.startsWith(importLine)) throw new Error('docs/webhooks.md: the webhook-verify snippet should start by importing node:crypto');
  const body = code.slice(importLine.length).replace('export function verify', 'function verify');
  return new Function('createHmac', 'timingSafeEqual', `${body}\nreturn verify;`)(createHmac, timingSafeEqual) as Verify;
}

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  rawBody: string;
  verified: boolean;
  /** The parsed event (only when verified). */
  event?: { id: string; type: string; occurredAt: string; data: Record<string, unknown> };
  duplicate: boolean;
  status: number;
}

export async function startReceiver(secret: string) {
  const verify = documentedVerify();
  const requests: ReceivedRequest[] = [];
  /** Events acted on: each id once. */
  const events = new Map<string, NonNullable<ReceivedRequest['event']>>();
  /** Status codes to answer next, in order (then 200). */
  const answers: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const verified = req.method === 'POST' && verify(secret, req.headers['playguard-signature'] as string | undefined, rawBody);
      const status = verified ? (answers.shift() ?? 200) : 401;
      const event = verified ? (JSON.parse(rawBody) as ReceivedRequest['event']) : undefined;
      const duplicate = event !== undefined && events.has(event.id);
      if (event && status >= 200 && status < 300 && !duplicate) events.set(event.id, event);
      requests.push({ headers: req.headers, rawBody, verified, ...(event ? { event } : {}), duplicate, status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hooks/playguard`,
    requests,
    events,
    answerNext: (...statuses: number[]) => answers.push(...statuses),
    /** Forgets the requests seen and the answers planned (the de-duplication memory stays). */
    reset: () => {
      requests.length = 0;
      answers.length = 0;
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
