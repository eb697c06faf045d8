// Runs one deployed bundle the way Lambda does: a fresh Node.js process with only the function's
// environment, the bundle imported (Lambda's init phase, which its timeout does not count), then
// `handler(event, context)` once, with the time its timeout leaves it, counted from the call. The
// line `@@INVOKE` marks the call (the parent's timer starts there); the answer is the last stdout
// line, after its marker; everything the function logs comes before it.
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const [bundle, name, timeoutSeconds] = process.argv.slice(2);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const event = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
let answer;
try {
  const { handler } = await import(pathToFileURL(bundle).href);
  process.stdout.write('\n@@INVOKE\n');
  const deadline = Date.now() + Number(timeoutSeconds) * 1000;
  const context = {
    functionName: name,
    awsRequestId: randomUUID(),
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  answer = { ok: true, result: await handler(event, context) };
} catch (error) {
  answer = { ok: false, error: { name: error?.name, message: error?.message } };
}
process.stdout.write(`\n@@ANSWER ${JSON.stringify(answer ?? null)}\n`);
process.exit(0);
