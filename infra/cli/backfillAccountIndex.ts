/**
 * `npm run backfill:account-index -- (--endpoint URL | --table NAME)`: gives sessions and orders
 * stored before the per-account index (`gsi2`, docs/data.md) existed their index entry, so export,
 * erasure and the operator view find them. Run once after upgrading; running it again changes
 * nothing. A whole-table scan: run it off-peak on a large table.
 */
import { parseArgs } from 'node:util';
import { AccountRepository } from '#shared/accounts/repository';
import { OutboxRepository } from '#shared/reporting/outbox';
import { SessionRepository } from '#shared/sessions/repository';
import { SpendingRepository } from '#shared/spending/repository';
import { createDocumentClient } from '#shared/storage/dynamo';

const USAGE = 'usage: npm run backfill:account-index -- (--endpoint URL | --table NAME)';

export async function runBackfill(args: string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
  let values: { table?: string; endpoint?: string };
  try {
    ({ values } = parseArgs({ args, options: { table: { type: 'string' }, endpoint: { type: 'string' } } }));
  } catch {
    err(USAGE);
    return 2;
  }
  if (!values.table && !values.endpoint) {
    err(USAGE);
    return 2;
  }
  const table = values.table ?? 'playguard-local';
  const db = createDocumentClient(values.endpoint ? { endpoint: values.endpoint, region: 'local' } : {});
  try {
    const sessions = await new SessionRepository(db, table, {
      accounts: new AccountRepository(db, table),
      outbox: new OutboxRepository(db, table),
    }).backfillAccountIndex();
    const orders = await new SpendingRepository(db, table).backfillAccountIndex();
    out(`indexed ${sessions} sessions and ${orders} orders`);
    return 0;
  } catch (error) {
    err(`backfill: ${(error as Error).name}: ${String((error as Error).message).split('\n')[0]}`);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runBackfill(
    process.argv.slice(2),
    (l) => console.log(l),
    (l) => console.error(l),
  );
}
