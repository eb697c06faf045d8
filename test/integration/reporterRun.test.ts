/**
 * The reporter function's run: it stops taking batches at its deadline (its planned run, or less
 * when Lambda leaves it less time), holds the drainer lease longer than any run can last, and
 * releases it itself on every path, the out-of-time path included.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { functionTable, leaseMsFor, RUN_MARGIN_SECONDS, runDeadline } from '#shared/api/functions';
import { DrainerLease } from '#shared/reporting/drainerLease';
import { documentClient } from '#shared/storage/dynamo';
import { useGateway } from '#test/support/gateway';
import { person } from '#test/support/people';

const t = useGateway();
const LEASE_MS = leaseMsFor('nppaReporter');
/** Imported once the gateway has set the function's environment (it parses its settings as it loads). */
const handler = async (event: unknown, ctx: never) => (await import('#functions/nppaReporter')).handler(event, ctx);
const context = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs }) as never;
const leaseItem = async () =>
  (await documentClient().send(new GetCommand({ TableName: t.gateway.tableName, Key: { pk: 'LEASE#nppaReporter', sk: 'LEASE' } }))).Item;

describe('run deadlines', () => {
  it('is the planned run when Lambda leaves enough time, and earlier when it does not', () => {
    const planned = functionTable.nppaReporter.schedule.plannedRunSeconds * 1000;
    expect(runDeadline('nppaReporter', 1000, context(90_000))).toBe(1000 + planned);
    expect(runDeadline('nppaReporter', 1000, context(30_000))).toBe(1000 + 30_000 - RUN_MARGIN_SECONDS * 1000);
    expect(runDeadline('nppaReporter', 1000, context(5_000))).toBe(1000);
    expect(runDeadline('nppaReporter', 1000)).toBe(1000 + planned);
  });

  it('holds the reporter lease past the function timeout', () => {
    expect(LEASE_MS).toBe((functionTable.nppaReporter.timeoutSeconds + 10) * 1000);
    expect(LEASE_MS).toBeGreaterThan(functionTable.nppaReporter.timeoutSeconds * 1000);
  });
});

describe('the reporter function', () => {
  it('takes no batch when out of time, releases its lease, and reports on the next run', async () => {
    const token = await t.api.token('reporter-run-adult');
    await t.api.call('POST', '/v1/identity', { token, body: person('1990-01-01') });
    expect((await t.api.call('POST', '/v1/sessions', { token, body: { deviceId: 'reporter-run-phone' } })).status).toBe(201);

    const outOfTime = await handler(undefined, context(RUN_MARGIN_SECONDS * 1000));
    expect(outOfTime).toMatchObject({ calls: 0, sent: 0 });
    expect(await leaseItem()).toBeUndefined();

    const run = await handler(undefined, context(functionTable.nppaReporter.timeoutSeconds * 1000));
    expect(run).toMatchObject({ calls: 1, sent: 1 });
    expect(await leaseItem()).toBeUndefined();
  });

  it('skips while another copy holds the lease, and never waits for it', async () => {
    const other = new DrainerLease(documentClient(), t.gateway.tableName, 'nppaReporter');
    expect(await other.take(Date.now(), LEASE_MS)).toBe(true);
    expect(await handler(undefined, context(90_000))).toEqual({ skipped: 'another reporter is running' });
    await other.release();
    expect(await handler(undefined, context(90_000))).toMatchObject({ calls: 0 });
  });
});
