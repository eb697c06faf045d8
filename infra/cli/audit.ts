/**
 * `npm run audit -- --account <id>`: prints the risk decisions and challenge outcomes recorded for
 * an account (newest first), from a deployed table (`--table NAME`, AWS credentials and region
 * from the environment) or the local one (`--endpoint http://127.0.0.1:<port>` as printed by
 * `npm start`, table `playguard-local`). Entries hold ids, signals and numbers: no personal data.
 * Every mistake (no table named, an unreachable endpoint, no credentials) is one line on stderr
 * saying what to do, with a non-zero exit: 2 for usage, 1 when the read failed.
 */
import { parseArgs } from 'node:util';
import { AccountRepository } from '#shared/accounts/repository';
import { RiskRepository, type AuditEntry } from '#shared/risk/repository';
import { createDocumentClient } from '#shared/storage/dynamo';
import { formatBeijing } from '#shared/domain/beijingTime';

export function formatAudit(entries: AuditEntry[]): string {
  if (!entries.length) return 'no decisions recorded';
  return entries
    .map(
      (e) =>
        `${formatBeijing(e.at)}  ${e.decision.padEnd(18)} ${e.signal.padEnd(24)} ${e.context.padEnd(9)} ${e.challengeId ?? ''}  ${JSON.stringify(e.inputs)}`,
    )
    .join('\n');
}

const USAGE = 'usage: npm run audit -- --account <id> (--endpoint URL | --table NAME) [--json]';

/** One line for a failed read: what went wrong and what to do. */
function readFailure(error: unknown, where: { endpoint: string | undefined; table: string }): string {
  const e = error as { name?: string; code?: string; message?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code;
  const at = where.endpoint ? `DynamoDB at ${where.endpoint}` : 'DynamoDB in AWS';
  if (e.name === 'ResourceNotFoundException')
    return `audit: ${at} has no table "${where.table}": pass the table's name with --table (the local gateway's is playguard-local)`;
  if (e.name === 'CredentialsProviderError')
    return (
      'audit: no AWS credentials to read a deployed table: configure them (AWS_PROFILE or ' +
      'AWS_ACCESS_KEY_ID…, and AWS_REGION), or pass --endpoint for the local table'
    );
  if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNRESET', 'ETIMEDOUT'].includes(code ?? '') || e.name === 'TimeoutError') {
    return `audit: cannot reach ${at}${code ? ` (${code})` : ''}: check --endpoint (npm start prints it) or your network`;
  }
  return `audit: reading the audit trail from ${at} failed (${e.name ?? 'Error'}: ${(e.message ?? String(error)).split('\n')[0]})`;
}

/** The command: returns the exit code, writes its lines to `out`/`err` (never a stack trace). */
export async function runAudit(args: string[], env: NodeJS.ProcessEnv, out: (text: string) => void, err: (line: string) => void): Promise<number> {
  let values: { account?: string; table?: string; endpoint?: string; json?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: { account: { type: 'string' }, table: { type: 'string' }, endpoint: { type: 'string' }, json: { type: 'boolean' } },
    }));
  } catch {
    err(USAGE);
    return 2;
  }
  if (!values.account) {
    err(USAGE);
    return 2;
  }
  const endpoint = values.endpoint ?? env.DYNAMODB_ENDPOINT;
  const table = values.table ?? env.TABLE_NAME;
  // Without either, the AWS SDK would go looking for a deployed table named after the local one.
  if (!endpoint && !table) {
    err(
      'audit: say which table to read: --endpoint http://127.0.0.1:<port> for the local gateway (npm start ' +
        'prints it), or --table NAME for a deployed table (AWS credentials and region from the environment)',
    );
    return 2;
  }
  if (endpoint && !/^https?:\/\/[^\s/]+/.test(endpoint)) {
    err(`audit: --endpoint must be an http(s) address such as http://127.0.0.1:8000 (npm start prints it), not "${endpoint}"`);
    return 2;
  }
  const tableName = table ?? 'playguard-local';
  try {
    const db = createDocumentClient(endpoint ? { endpoint } : {});
    const entries = await new RiskRepository(db, tableName, { accounts: new AccountRepository(db, tableName) }).audit(values.account);
    out(values.json ? JSON.stringify(entries, null, 2) : formatAudit(entries));
    return 0;
  } catch (error) {
    err(readFailure(error, { endpoint, table: tableName }));
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runAudit(process.argv.slice(2), process.env, console.log, console.error).catch((error: unknown) => {
    console.error(`audit: ${String((error as Error).message ?? error).split('\n')[0]}`);
    return 1;
  });
}
