/**
 * Transactions cancelled by a conflict (two writes to one person's ledger or lease at once) are
 * re-sent by the storage client itself, a bounded number of times; a cancellation with a failed
 * condition is a domain answer and passes through untouched. Against a real DynamoDB Local table,
 * with the conflicts injected (DynamoDB Local never produces them).
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactGetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isTransactionConflict } from '#shared/storage/conflicts';
import { TRANSACTION_CONFLICT_RETRIES } from '#shared/storage/dynamo';
import { ddbCallCounter } from '#test/support/ddbCounter';
import { cancellation, injectCancellations } from '#test/support/conflicts';
import { freshTable } from '#test/support/table';

let db: DynamoDBDocumentClient;
let table: string;
let injected: ReturnType<typeof injectCancellations> | undefined;
let n = 0;

beforeAll(async () => {
  ({ db, table } = await freshTable());
});
afterEach(() => injected?.remove());

/** A two-item transaction like the ledger's: an order that must not exist yet, and a counter. */
function reserve(id: string) {
  return new TransactWriteCommand({
    TransactItems: [
      { Put: { TableName: table, Item: { pk: `ORDER#${id}`, sk: 'ORDER', amount: 100 }, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Update: {
          TableName: table,
          Key: { pk: `DAY#${id}`, sk: 'DAY' },
          UpdateExpression: 'ADD #total :a',
          ExpressionAttributeNames: { '#total': 'total' },
          ExpressionAttributeValues: { ':a': 100 },
        },
      },
    ],
  });
}
const stored = async (id: string) => ({
  order: (await db.send(new GetCommand({ TableName: table, Key: { pk: `ORDER#${id}`, sk: 'ORDER' }, ConsistentRead: true }))).Item,
  total: (await db.send(new GetCommand({ TableName: table, Key: { pk: `DAY#${id}`, sk: 'DAY' }, ConsistentRead: true }))).Item?.total,
});
const rejection = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e,
  );

describe('a transaction cancelled by conflicts', () => {
  it('is re-sent until it goes through, and counts as one call', async () => {
    expect(TRANSACTION_CONFLICT_RETRIES).toBe(3);
    for (const failures of [1, 2, 3]) {
      const id = `retried-${failures}-${n++}`;
      injected = injectCancellations(db, { failures });
      const before = ddbCallCounter.calls;
      await db.send(reserve(id));
      expect(injected.calls).toBe(failures + 1);
      expect(ddbCallCounter.calls - before).toBe(1);
      expect(await stored(id)).toEqual({ order: { pk: `ORDER#${id}`, sk: 'ORDER', amount: 100 }, total: 100 });
      injected.remove();
    }
  });

  it('gives up after 3 re-sends (4 attempts, 20–200 ms apart) with the conflict, and nothing is written', async () => {
    const id = `exhausted-${n++}`;
    injected = injectCancellations(db, { failures: Infinity });
    const started = performance.now();
    const error = await rejection(db.send(reserve(id)));
    const elapsed = performance.now() - started;
    expect(injected.calls).toBe(4);
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect((error as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual(['None', 'TransactionConflict']);
    expect(isTransactionConflict(error)).toBe(true);
    // It waited before each re-send (at least 20 ms each); how long at most is the back-off's own
    // arithmetic (test/unit/edge.test.ts, conflictBackoffMs), not a stopwatch on a busy machine.
    expect(elapsed).toBeGreaterThanOrEqual(3 * 20 - 1);
    expect(await stored(id)).toEqual({ order: undefined, total: undefined });
  });

  it('is retried for reads in a transaction too', async () => {
    const id = `read-${n++}`;
    await db.send(reserve(id));
    injected = injectCancellations(db, { failures: 2, command: 'TransactGetItemsCommand' });
    const r = await db.send(new TransactGetCommand({ TransactItems: [{ Get: { TableName: table, Key: { pk: `ORDER#${id}`, sk: 'ORDER' } } }] }));
    expect(injected.calls).toBe(3);
    expect(r.Responses?.[0]?.Item).toEqual({ pk: `ORDER#${id}`, sk: 'ORDER', amount: 100 });
  });
});

describe('a cancellation that is not only a conflict', () => {
  it('with a failed condition is sent exactly once and reaches the caller as it came', async () => {
    const id = `condition-${n++}`;
    const thrown = cancellation(['ConditionalCheckFailed', 'TransactionConflict']);
    injected = injectCancellations(db, { failures: 1, codes: ['ConditionalCheckFailed', 'TransactionConflict'] });
    const error = await rejection(db.send(reserve(id)));
    expect(injected.calls).toBe(1);
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect((error as TransactionCanceledException).CancellationReasons).toEqual(thrown.CancellationReasons);
    expect(isTransactionConflict(error)).toBe(false);
    expect(await stored(id)).toEqual({ order: undefined, total: undefined });
  });

  it('from DynamoDB Local itself (the order exists) is sent exactly once', async () => {
    const id = `real-condition-${n++}`;
    await db.send(reserve(id));
    injected = injectCancellations(db, { failures: 0 });
    const error = await rejection(db.send(reserve(id)));
    expect(injected.calls).toBe(1);
    expect((error as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual(['ConditionalCheckFailed', 'None']);
    expect((await stored(id)).total).toBe(100);
  });

  it.each([[['ValidationError']], [['TransactionConflict', 'ThrottlingError']], [['None', 'None']]])('%j is not retried', async (codes) => {
    injected = injectCancellations(db, { failures: 1, codes });
    await rejection(db.send(reserve(`other-${n++}`)));
    expect(injected.calls).toBe(1);
  });

  it('outside a transaction is never retried', async () => {
    injected = injectCancellations(db, { failures: 1, command: 'PutItemCommand' });
    await rejection(db.send(new PutCommand({ TableName: table, Item: { pk: `PUT#${n++}`, sk: 'X' } })));
    expect(injected.calls).toBe(1);
  });
});
