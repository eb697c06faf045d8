/**
 * Counts every DynamoDB request of every client `shared/storage/dynamo.ts` creates in this process
 * (the in-process gateway's included), so tests and the benchmark can prove the per-request budgets
 * of docs/design.md; with `measureCapacity` on, adds up what each write is billed and what each read
 * consumed. Registered when this module is first imported, which comes before any client is
 * created; nothing of it is in a Lambda bundle.
 *
 * Write units are computed, not taken from DynamoDB Local (test/support/capacity.ts: it reports a
 * transaction as 2 units whatever it holds): before a write the items it names are read (a
 * consistent BatchGetItem that is not counted), after it they are read again, and each item is
 * billed by the documented rules from its two images — twice inside a transaction, its index
 * entries once. Another write landing on the same item between those reads would be billed at
 * the other's sizes (a few bytes; only the load test's races do that). Read units are what
 * DynamoDB Local reports (`ReturnConsumedCapacity: TOTAL`), which follows the read rules.
 */
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  type BatchGetItemCommandOutput,
  TransactionCanceledException,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { onClientCreated } from '#shared/storage/dynamo';
import { itemWrite, refusedWriteUnits, unitsOf, type Image, type ItemWrite } from '#test/support/capacity';

export const ddbCallCounter = {
  calls: 0,
  byOperation: new Map<string, number>(),
  /** When on (the benchmark, the write-unit tests, the load test), capacity is measured as above. */
  measureCapacity: false,
  writeUnits: 0,
  readUnits: 0,
  /** Transactions refused by a condition (DynamoDB does not say what they are billed: not in `writeUnits`). */
  refusedTransactions: 0,
  /** Called with every item write measured (the load test's hot partitions). */
  onWrite: undefined as ((write: ItemWrite) => void) | undefined,
};

const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
  'BatchWriteItemCommand',
  'PutCommand',
  'UpdateCommand',
  'DeleteCommand',
  'TransactWriteCommand',
  'BatchWriteCommand',
]);
const READS = new Set([
  'GetItemCommand',
  'BatchGetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'TransactGetItemsCommand',
  'GetCommand',
  'BatchGetCommand',
  'TransactGetCommand',
]);
/** Marks the measuring reads, which are not the gateway's and are not counted. */
const UNCOUNTED = Symbol('uncounted');

type Consumed = { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> | undefined;
const consumedUnits = (consumed: Consumed): number =>
  (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);

/** A key or item as the command holds it: native values (the document client) or attribute values. */
type Loose = Record<string, unknown>;
const asAttributes = (v: Loose): Record<string, AttributeValue> => {
  // Every item and key here has a string `pk`: marshalled, it is `{ S: … }`.
  const marshalled = v.pk !== null && typeof v.pk === 'object';
  return marshalled ? (v as Record<string, AttributeValue>) : marshall(v, { removeUndefinedValues: true, convertClassInstanceToMap: true });
};
const keyPart = (item: Loose): Loose => ({ pk: item.pk, sk: item.sk });
const keyOf = (item: Record<string, AttributeValue>): Record<string, AttributeValue> => ({ pk: item.pk!, sk: item.sk! });
const keyString = (key: Record<string, AttributeValue>): string => `${key.pk?.S}\u0000${key.sk?.S}`;

interface Op {
  kind: ItemWrite['kind'];
  table: string;
  key: Record<string, AttributeValue>;
  transactional: boolean;
}

/** The items a write command names. */
function opsOf(input: Loose): Op[] {
  const one = (kind: Op['kind'], part: Loose, transactional: boolean): Op => ({
    kind,
    table: String(part.TableName),
    key: keyOf(asAttributes(keyPart((part.Item ?? part.Key) as Loose))),
    transactional,
  });
  if (Array.isArray(input.TransactItems)) {
    return (input.TransactItems as Loose[]).map((t) =>
      t.Put
        ? one('put', t.Put as Loose, true)
        : t.Update
          ? one('update', t.Update as Loose, true)
          : t.Delete
            ? one('delete', t.Delete as Loose, true)
            : one('check', t.ConditionCheck as Loose, true),
    );
  }
  if (input.RequestItems) {
    return Object.entries(input.RequestItems as Record<string, Loose[]>).flatMap(([table, writes]) =>
      writes.map((w) =>
        w.PutRequest
          ? one('put', { TableName: table, ...(w.PutRequest as Loose) }, false)
          : one('delete', { TableName: table, ...(w.DeleteRequest as Loose) }, false),
      ),
    );
  }
  return [one(input.Item ? 'put' : input.UpdateExpression ? 'update' : 'delete', input, false)];
}

/** The items named, as they are now (consistent reads through the same client, not counted). */
async function images(client: DynamoDBClient, ops: Op[]): Promise<Map<string, Record<string, AttributeValue>>> {
  const out = new Map<string, Record<string, AttributeValue>>();
  const byTable = new Map<string, Map<string, Record<string, AttributeValue>>>();
  for (const op of ops) (byTable.get(op.table) ?? byTable.set(op.table, new Map()).get(op.table)!).set(keyString(op.key), op.key);
  for (const [table, keys] of byTable) {
    const all = [...keys.values()];
    for (let i = 0; i < all.length; i += 100) {
      let pending: Array<Record<string, AttributeValue>> | undefined = all.slice(i, i + 100);
      while (pending?.length) {
        const command: BatchGetItemCommand = new BatchGetItemCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } });
        (command.input as unknown as Record<symbol, boolean>)[UNCOUNTED] = true;
        const r: BatchGetItemCommandOutput = await client.send(command);
        for (const item of r.Responses?.[table] ?? []) out.set(`${table}\u0000${keyString(keyOf(item))}`, item);
        pending = r.UnprocessedKeys?.[table]?.Keys;
      }
    }
  }
  return out;
}

const imageOf = (all: Map<string, Record<string, AttributeValue>>, op: Op): Image => all.get(`${op.table}\u0000${keyString(op.key)}`);

/** Batch writes DynamoDB left unprocessed (not billed). */
function unprocessed(output: Loose): Set<string> {
  const out = new Set<string>();
  for (const [table, writes] of Object.entries((output.UnprocessedItems ?? {}) as Record<string, Loose[]>)) {
    for (const w of writes) {
      const item = ((w.PutRequest as Loose | undefined)?.Item ?? (w.DeleteRequest as Loose | undefined)?.Key) as Loose;
      out.add(`${table}\u0000${keyString(keyOf(asAttributes(keyPart(item))))}`);
    }
  }
  return out;
}

function bill(write: ItemWrite): void {
  ddbCallCounter.writeUnits += unitsOf(write);
  ddbCallCounter.onWrite?.(write);
}

onClientCreated((client) =>
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Loose;
      if ((input as unknown as Record<symbol, boolean>)[UNCOUNTED]) return next(args);
      ddbCallCounter.calls += 1;
      const op = String(context.commandName ?? 'unknown');
      ddbCallCounter.byOperation.set(op, (ddbCallCounter.byOperation.get(op) ?? 0) + 1);
      if (!ddbCallCounter.measureCapacity) return next(args);
      if (READS.has(op)) {
        input.ReturnConsumedCapacity = 'TOTAL';
        const result = await next(args);
        ddbCallCounter.readUnits += consumedUnits((result.output as { ConsumedCapacity?: Consumed }).ConsumedCapacity);
        return result;
      }
      if (!WRITES.has(op)) return next(args);
      const ops = opsOf(input);
      const before = await images(client, ops);
      let result;
      try {
        result = await next(args);
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) ddbCallCounter.writeUnits += refusedWriteUnits(imageOf(before, ops[0]!));
        if (error instanceof TransactionCanceledException && (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed'))
          ddbCallCounter.refusedTransactions += 1;
        throw error;
      }
      const skipped = unprocessed(result.output as unknown as Loose);
      const done = ops.filter((o) => !skipped.has(`${o.table}\u0000${keyString(o.key)}`));
      const after = await images(client, done);
      for (const o of done)
        bill(itemWrite(o.kind, { pk: String(o.key.pk?.S), sk: String(o.key.sk?.S) }, imageOf(before, o), imageOf(after, o), o.transactional));
      return result;
    },
    { step: 'initialize', name: 'ddbCallCounter' },
  ),
);

/** Single-item updates so far (the client may name them either way). */
export const updateCalls = (): number => (ddbCallCounter.byOperation.get('UpdateItemCommand') ?? 0) + (ddbCallCounter.byOperation.get('UpdateCommand') ?? 0);
