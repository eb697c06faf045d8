/**
 * The write-unit arithmetic the tests, the benchmark and the load test bill with
 * (test/support/capacity.ts, applied by test/support/ddbCounter.ts) against DynamoDB Local's own
 * figures where DynamoDB Local is right — single puts, updates and deletes, with the table's two
 * indexes — across item sizes around the 1 KB steps; and where it is not: a transaction, which
 * DynamoDB Local reports as 2 units whatever it holds, is billed 2 units an item by DynamoDB.
 */
import { describe, expect, it } from 'vitest';
import { DeleteCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddbCallCounter } from '#test/support/ddbCounter';
import { freshTable } from '#test/support/table';

const { db, table } = await freshTable();

type Reported = { ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> };
const reportedUnits = (r: Reported) =>
  (Array.isArray(r.ConsumedCapacity) ? r.ConsumedCapacity : [r.ConsumedCapacity ?? {}]).reduce((s, c) => s + (c.CapacityUnits ?? 0), 0);

/** Runs one write with capacity measured: what DynamoDB Local reports, and what the counter bills. */
async function both(send: () => Promise<Reported>): Promise<{ local: number; billed: number }> {
  const before = ddbCallCounter.writeUnits;
  ddbCallCounter.measureCapacity = true;
  try {
    const r = await send();
    return { local: reportedUnits(r), billed: ddbCallCounter.writeUnits - before };
  } finally {
    ddbCallCounter.measureCapacity = false;
  }
}

const INDEXES = 'INDEXES' as const;

describe('write units of single writes: the arithmetic agrees with DynamoDB Local', () => {
  // Sizes from 0.9 to 2.2 KB in uneven steps, with numbers, booleans, maps, lists and sets, and the
  // item in or out of each index: every 1 KB step is crossed by strings, numbers and containers.
  const shapes = Array.from({ length: 27 }, (_, i) => ({
    pad: 'x'.repeat(880 + i * 53),
    n: i % 3 === 0 ? 1_796_682_655_398 + i : i % 3 === 1 ? 0.000123 * (i + 1) : -42 * 10 ** (i % 9),
    inGsi1: i % 2 === 0,
    inGsi2: i % 3 === 0,
    extra:
      i % 4 === 0
        ? { m: { a: 1, b: 'zz', c: [true, null, 7] } }
        : i % 4 === 1
          ? { s: new Set(['a', 'bb', 'ccc']) }
          : i % 4 === 2
            ? { l: ['汉字', 12.5, { k: false }] }
            : {},
  }));

  it.each(shapes.map((s, i) => [i, s] as const))('shape %i: put, update (same index key, moved index key, a projected attribute), delete', async (i, s) => {
    const key = { pk: `CAP#${i}`, sk: 'ITEM' };
    const indexed = { ...(s.inGsi1 ? { gsi1pk: 'Q#1', gsi1sk: `000${i}#a` } : {}), ...(s.inGsi2 ? { gsi2pk: 'A#1', gsi2sk: `S#${i}` } : {}) };
    const put = await both(() =>
      db.send(new PutCommand({ TableName: table, Item: { ...key, pad: s.pad, n: s.n, ...s.extra, ...indexed }, ReturnConsumedCapacity: INDEXES })),
    );
    expect(put.billed, 'put').toBe(put.local);
    const same = await both(() =>
      db.send(
        new UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: 'SET n = :n',
          ExpressionAttributeValues: { ':n': s.n },
          ReturnConsumedCapacity: INDEXES,
        }),
      ),
    );
    expect(same.billed, 'update writing the same value').toBe(same.local);
    const grow = await both(() =>
      db.send(
        new UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: 'SET pad2 = :p',
          ExpressionAttributeValues: { ':p': 'y'.repeat(120) },
          ReturnConsumedCapacity: INDEXES,
        }),
      ),
    );
    expect(grow.billed, 'update growing the item').toBe(grow.local);
    if (s.inGsi1) {
      const move = await both(() =>
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: key,
            UpdateExpression: 'SET gsi1sk = :k',
            ExpressionAttributeValues: { ':k': `000${i}#b` },
            ReturnConsumedCapacity: INDEXES,
          }),
        ),
      );
      expect(move.billed, 'update moving the index key').toBe(move.local);
      const leave = await both(() =>
        db.send(new UpdateCommand({ TableName: table, Key: key, UpdateExpression: 'REMOVE gsi1pk, gsi1sk', ReturnConsumedCapacity: INDEXES })),
      );
      expect(leave.billed, 'update leaving the index').toBe(leave.local);
    }
    const gone = await both(() => db.send(new DeleteCommand({ TableName: table, Key: key, ReturnConsumedCapacity: INDEXES })));
    expect(gone.billed, 'delete').toBe(gone.local);
  });

  it('a heartbeat-like update on an ALL-projected index entry: 2 units, 3 when its key moves; the arithmetic and DynamoDB Local agree', async () => {
    const key = { pk: 'SESSION#cap', sk: 'SESSION' };
    await db.send(new PutCommand({ TableName: table, Item: { ...key, lastSeq: 0, gsi1pk: 'LIVE#1', gsi1sk: '000001#cap' } }));
    const beat = await both(() =>
      db.send(
        new UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: 'SET lastSeq = :s, gsi1sk = :k',
          ExpressionAttributeValues: { ':s': 1, ':k': '000001#cap' },
          ReturnConsumedCapacity: INDEXES,
        }),
      ),
    );
    expect(beat).toEqual({ local: 2, billed: 2 });
    const moved = await both(() =>
      db.send(
        new UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: 'SET lastSeq = :s, gsi1sk = :k',
          ExpressionAttributeValues: { ':s': 2, ':k': '000002#cap' },
          ReturnConsumedCapacity: INDEXES,
        }),
      ),
    );
    expect(moved).toEqual({ local: 3, billed: 3 });
  });

  it('the same heartbeat on a keys-only index entry (the sweep-index experiment, docs/capacity.md): 1 unit in place, 3 when its key moves', async () => {
    // gsi2 projects keys only: the shape a keys-only sweep index would have.
    const key = { pk: 'SESSION#keys-only', sk: 'SESSION' };
    await db.send(new PutCommand({ TableName: table, Item: { ...key, lastSeq: 0, gsi2pk: 'LIVE#1', gsi2sk: '000001#keys-only' } }));
    const beat = await both(() =>
      db.send(
        new UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: 'SET lastSeq = :s, gsi2sk = :k',
          ExpressionAttributeValues: { ':s': 1, ':k': '000001#keys-only' },
          ReturnConsumedCapacity: INDEXES,
        }),
      ),
    );
    expect(beat).toEqual({ local: 1, billed: 1 });
    const moved = await both(() =>
      db.send(
        new UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: 'SET lastSeq = :s, gsi2sk = :k',
          ExpressionAttributeValues: { ':s': 2, ':k': '000002#keys-only' },
          ReturnConsumedCapacity: INDEXES,
        }),
      ),
    );
    expect(moved).toEqual({ local: 3, billed: 3 });
  });
});

describe('write units of transactions: 2 an item (a condition check too), index entries once', () => {
  it('DynamoDB Local reports 2 for one to four updates and for an update with a condition check; each item is billed 2', async () => {
    for (const n of [1, 2, 3, 4]) {
      const r = await both(() =>
        db.send(
          new TransactWriteCommand({
            TransactItems: Array.from({ length: n }, (_, k) => ({
              Update: { TableName: table, Key: { pk: `TX#${n}#${k}`, sk: 'X' }, UpdateExpression: 'ADD c :one', ExpressionAttributeValues: { ':one': 1 } },
            })),
            ReturnConsumedCapacity: INDEXES,
          }),
        ),
      );
      expect(r, `${n} updates`).toEqual({ local: 2, billed: 2 * n });
    }
    await db.send(new PutCommand({ TableName: table, Item: { pk: 'TX#check', sk: 'X', c: 1 } }));
    const checked = await both(() =>
      db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: { TableName: table, Key: { pk: 'TX#checked', sk: 'X' }, UpdateExpression: 'ADD c :one', ExpressionAttributeValues: { ':one': 1 } } },
            {
              ConditionCheck: { TableName: table, Key: { pk: 'TX#check', sk: 'X' }, ConditionExpression: 'c = :one', ExpressionAttributeValues: { ':one': 1 } },
            },
          ],
          ReturnConsumedCapacity: INDEXES,
        }),
      ),
    );
    expect(checked).toEqual({ local: 2, billed: 4 });
  });

  it(
    "a login's shape: a put into both indexes, an update, a put into the work-queue index: 2 × 3 for the " +
      'items + 3 index entries (DynamoDB Local: 12, its index entries doubled and its table part 2 × 3)',
    async () => {
      const r = await both(() =>
        db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: { pk: 'SESSION#tx', sk: 'SESSION', state: 'live', gsi1pk: 'LIVE#3', gsi1sk: '000#tx', gsi2pk: 'ACCOUNT#a', gsi2sk: 'SESSION#1#tx' },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Update: {
                  TableName: table,
                  Key: { pk: 'ACCOUNT#a', sk: 'ACCOUNT' },
                  UpdateExpression: 'SET #l = :l',
                  ExpressionAttributeNames: { '#l': 'lease:default' },
                  ExpressionAttributeValues: { ':l': { sessionId: 'tx' } },
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: { pk: 'OUTBOX#tx', sk: 'LOGIN', gsi1pk: 'OUTBOX#default#1', gsi1sk: '000#tx#1' },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
            ReturnConsumedCapacity: INDEXES,
          }),
        ),
      );
      expect(r).toEqual({ local: 12, billed: 2 * 3 + 3 });
    },
  );

  it('a refused single write is billed the existing item (1 when there is none); a refused transaction is counted apart', async () => {
    await db.send(new PutCommand({ TableName: table, Item: { pk: 'REFUSED#1', sk: 'X', pad: 'z'.repeat(1500) } }));
    const before = ddbCallCounter.writeUnits;
    const transactionsBefore = ddbCallCounter.refusedTransactions;
    ddbCallCounter.measureCapacity = true;
    try {
      await expect(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: 'REFUSED#1', sk: 'X' },
            UpdateExpression: 'SET a = :a',
            ConditionExpression: 'attribute_not_exists(pk)',
            ExpressionAttributeValues: { ':a': 1 },
          }),
        ),
      ).rejects.toThrow();
      expect(ddbCallCounter.writeUnits - before).toBe(2);
      await expect(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: 'REFUSED#none', sk: 'X' },
            UpdateExpression: 'SET a = :a',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':a': 1 },
          }),
        ),
      ).rejects.toThrow();
      expect(ddbCallCounter.writeUnits - before).toBe(3);
      await expect(
        db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: table,
                  Key: { pk: 'REFUSED#1', sk: 'X' },
                  UpdateExpression: 'SET a = :a',
                  ConditionExpression: 'attribute_not_exists(pk)',
                  ExpressionAttributeValues: { ':a': 1 },
                },
              },
            ],
          }),
        ),
      ).rejects.toThrow();
      expect(ddbCallCounter.writeUnits - before).toBe(3);
      expect(ddbCallCounter.refusedTransactions - transactionsBefore).toBe(1);
    } finally {
      ddbCallCounter.measureCapacity = false;
    }
  });
});
