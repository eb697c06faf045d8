/**
 * `npm start`: the gateway on this machine. Flags: `--persist DIR` keeps DynamoDB Local's data
 * (and the development signing key) between runs; `PORT` picks the port (default 3000);
 * `PUBLISHER_KEYS` a publisher JWKS file to trust (docs/publisher-keys.md).
 */
import { parseArgs } from 'node:util';
import { JavaMissing } from '#infra/local/dynamoLocal';
import { startLocalGateway } from '#infra/local/gateway';
import { DEV_STAFF_USER, STAFF_PATH } from '#infra/local/staffIdp';

const { values } = parseArgs({ options: { persist: { type: 'string' } }, strict: true });
const port = Number(process.env.PORT ?? 3000);

const gateway = await startLocalGateway({ port, ...(values.persist ? { persistDir: values.persist } : {}), schedule: true }).catch((error: unknown) => {
  const e = error as NodeJS.ErrnoException;
  if (error instanceof JavaMissing) console.error(e.message);
  else if (e.code === 'EADDRINUSE') console.error(`Port ${port} is in use: stop what holds it or choose another, e.g. PORT=3001 npm start`);
  else console.error(`The local gateway could not start: ${e.message}`);
  process.exit(1);
});

const u = gateway.url;
console.log(`listening on ${u}`);
console.log(
  `DynamoDB Local at ${gateway.dynamoEndpoint} (table ${gateway.tableName}); e.g. npm run audit -- --account acct-1 --endpoint ${gateway.dynamoEndpoint}`,
);
console.log(`
Quick start:
  curl -s ${u}/health
  TOKEN=$(curl -s -X POST ${u}/__dev/tokens -H 'content-type: application/json' -d '{"sub":"acct-1"}' | sed 's/.*"token":"\\([^"]*\\)".*/\\1/')
  curl -s ${u}/v1/identity -H "authorization: Bearer $TOKEN"
  curl -s -X POST ${u}/v1/identity -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"name":"张三","idNumber":"110101201205010017"}'
  curl -s -X PUT ${u}/__dev/clock -H 'content-type: application/json' -d '{"now":"2026-10-02T20:30:00+08:00"}'
  curl -s -X POST ${u}/v1/sessions -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"deviceId":"phone-1"}'
  curl -s ${u}/openapi.json

Operators' console: ${u}/console/ — sign in as ${process.env.STAFF_USER || DEV_STAFF_USER.login} / ${process.env.STAFF_PASSWORD ? '(STAFF_PASSWORD)' : DEV_STAFF_USER.password} at the local staff identity provider (${u}${STAFF_PATH})${
  process.env.PUBLISHER_KEYS ? `\nPublisher keys: ${process.env.PUBLISHER_KEYS} trusted, issuer ${u} (${u}/.well-known/jwks.json; docs/publisher-keys.md)` : ''
}
`);

let stopping = false;
const stop = async (reason: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${reason}: stopping (DynamoDB Local included)`);
  // Never hang on the way out; DynamoDB Local's guard also ends Java when we exit.
  setTimeout(() => process.exit(1), 10_000).unref();
  await gateway.stop();
  process.exit(0);
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(signal));
