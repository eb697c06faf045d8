/**
 * `npm run audit -- --account <id>`: prints the risk decisions and challenge outcomes recorded for
 * an account (newest first), from a deployed table (`--table NAME`, AWS credentials and region
 * from the environment) or the local one (`--endpoint http://127.0.0.1:<port>` as printed by
 * `npm start`, table `playguard-local`). Entries hold ids, signals and numbers: no personal data.
 */
import { parseArgs } from 'node:util';
import { RiskRepository, type AuditEntry } from '#shared/risk/repository';
import { createDocumentClient } from '#shared/storage/dynamo';
import { formatBeijing } from '#shared/domain/beijingTime';

export function formatAudit(entries: AuditEntry[]): string {
  if (!entries.length) return 'no decisions recorded';
  return entries
    .map((e) => `${formatBeijing(e.at)}  ${e.decision.padEnd(18)} ${e.signal.padEnd(24)} ${e.context.padEnd(9)} ${e.challengeId ?? ''}  ${JSON.stringify(e.inputs)}`)
    .join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { account: { type: 'string' }, table: { type: 'string' }, endpoint: { type: 'string' }, json: { type: 'boolean' } } });
  if (!values.account) {
    console.error('usage: npm run audit -- --account <id> [--table NAME] [--endpoint URL] [--json]');
    process.exit(2);
  }
  const endpoint = values.endpoint ?? process.env.DYNAMODB_ENDPOINT;
  const table = values.table ?? process.env.TABLE_NAME ?? 'playguard-local';
  const db = createDocumentClient(endpoint ? { endpoint } : {});
  const entries = await new RiskRepository(db, table).audit(values.account);
  console.log(values.json ? JSON.stringify(entries, null, 2) : formatAudit(entries));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
