/**
 * Counts every DynamoDB request of every client `shared/storage/dynamo.ts` creates in this process
 * (the in-process gateway's included), so tests and the benchmark can prove the per-request budgets
 * of docs/design.md; with `measureCapacity` on, adds up the write units DynamoDB reports. Registered
 * when this module is first imported, which comes before any client is created; nothing of it is in
 * a Lambda bundle.
 */
import { onClientCreated } from '#shared/storage/dynamo';

export const ddbCallCounter = {
  calls: 0,
  byOperation: new Map<string, number>(),
  /**
   * When on (the benchmark and the write-unit tests), every write asks DynamoDB for its consumed
   * capacity, table and indexes (`ReturnConsumedCapacity: INDEXES`), and `writeUnits` adds it up.
   */
  measureCapacity: false,
  writeUnits: 0,
};

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'TransactWriteItemsCommand', 'BatchWriteItemCommand', 'PutCommand', 'UpdateCommand', 'DeleteCommand', 'TransactWriteCommand', 'BatchWriteCommand']);
type Consumed = { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> | undefined;
const unitsOf = (consumed: Consumed): number => (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);

onClientCreated((client) =>
  client.middlewareStack.add(
    (next, context) => async (args) => {
      ddbCallCounter.calls += 1;
      const op = String(context.commandName ?? 'unknown');
      ddbCallCounter.byOperation.set(op, (ddbCallCounter.byOperation.get(op) ?? 0) + 1);
      if (!ddbCallCounter.measureCapacity || !WRITES.has(op)) return next(args);
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'INDEXES';
      // A refused condition is not counted (DynamoDB Local reports nothing on an error).
      const result = await next(args);
      ddbCallCounter.writeUnits += unitsOf((result.output as { ConsumedCapacity?: Consumed }).ConsumedCapacity);
      return result;
    },
    { step: 'initialize', name: 'ddbCallCounter' },
  ),
);

/** Single-item updates so far (the client may name them either way). */
export const updateCalls = (): number => (ddbCallCounter.byOperation.get('UpdateItemCommand') ?? 0) + (ddbCallCounter.byOperation.get('UpdateCommand') ?? 0);
