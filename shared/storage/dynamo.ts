/**
 * The one DynamoDB client of a function, created at its first use. Locally `DYNAMODB_ENDPOINT`
 * points it at DynamoDB Local; deployed it uses the function's role. Every transaction passes
 * through `transactionConflictRetry`. The tests and the benchmark count requests and write units
 * with middleware of their own (test/support/ddbCounter.ts, through `onClientCreated`): nothing of
 * it ships.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  paginateQuery,
  paginateScan,
  QueryCommand,
  UpdateCommand,
  type BatchGetCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { whenConditionFails } from '#shared/storage/conditions';
import { conflictBackoffMs, isTransactionConflict } from '#shared/storage/conflicts';
import { ACCOUNT_INDEX, WORK_QUEUE_INDEX } from '#shared/storage/keys';
import { tableDesign } from '#shared/storage/tableDesign';

/** Called with every client this module creates, before its own middleware is added. */
type ClientHook = (client: DynamoDBClient) => void;
const clientHooks: ClientHook[] = [];
export function onClientCreated(hook: ClientHook): void {
  clientHooks.push(hook);
}

/** Name of the middleware that re-sends a transaction cancelled only by conflicts. */
export const TRANSACTION_CONFLICT_RETRY = 'transactionConflictRetry';
/** Re-sends after the first attempt; the back-off before re-send n (0-based) is 20 ms … min(200, 50·2ⁿ) ms. */
export const TRANSACTION_CONFLICT_RETRIES = 3;
const TRANSACTIONS = new Set(['TransactWriteItemsCommand', 'TransactGetItemsCommand']);

export function createDocumentClient(options: { endpoint?: string; region?: string } = {}): DynamoDBDocumentClient {
  const endpoint = options.endpoint ?? process.env.DYNAMODB_ENDPOINT;
  const client = new DynamoDBClient({
    region: options.region ?? process.env.AWS_REGION ?? 'cn-north-1',
    ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: 4,
  });
  for (const hook of clientHooks) hook(client);
  // The SDK's own retries leave a cancelled transaction alone. Added after the hooks' middleware (so
  // inside it), a re-sent call counts once, as with the SDK's retries; serialization and sending run again.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!TRANSACTIONS.has(String(context.commandName))) return next(args);
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await next(args);
        } catch (error) {
          if (attempt >= TRANSACTION_CONFLICT_RETRIES || !isTransactionConflict(error)) throw error;
          await sleep(conflictBackoffMs(attempt));
        }
      }
    },
    { step: 'initialize', name: TRANSACTION_CONFLICT_RETRY },
  );
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

let shared: DynamoDBDocumentClient | undefined;

/** The function's client (lazily created so the local runner can set the endpoint first). */
export function documentClient(): DynamoDBDocumentClient {
  return (shared ??= createDocumentClient());
}

/** An index of the table as shared/storage/tableDesign.ts describes it. */
type Index = { indexName: string; partitionKey: string; sortKey: string };

/** At most this many shards of a work queue are read at once (the sweep index has 256). */
const SHARD_READS_AT_ONCE = 32;

/** Runs `read` for every shard, at most SHARD_READS_AT_ONCE at a time; results in shard order. */
async function eachShard<R>(shards: number, read: (shard: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(shards);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(SHARD_READS_AT_ONCE, shards) }, async () => {
      for (let shard = next++; shard < shards; shard = next++) out[shard] = await read(shard);
    }),
  );
  return out;
}

const shardQuery = (table: string, prefix: string, shard: number, options: { below?: string | undefined; limit: number }, start?: Record<string, unknown>) =>
  new QueryCommand({
    TableName: table,
    IndexName: WORK_QUEUE_INDEX.indexName,
    KeyConditionExpression: options.below === undefined ? '#pk = :shard' : '#pk = :shard AND #sk < :below',
    ExpressionAttributeNames: { '#pk': WORK_QUEUE_INDEX.partitionKey, ...(options.below === undefined ? {} : { '#sk': WORK_QUEUE_INDEX.sortKey }) },
    ExpressionAttributeValues: { ':shard': `${prefix}${shard}`, ...(options.below === undefined ? {} : { ':below': options.below }) },
    Limit: options.limit,
    ...(start ? { ExclusiveStartKey: start } : {}),
  });

/**
 * The work queues (live sessions, reservations, the NPPA outbox) spread their index partition over
 * shards `<prefix><n>`; this reads the items of every shard whose sort key is below `below` (all of
 * them when omitted), oldest first within a shard, at most `limit` a shard.
 */
export async function queryShards<T>(
  db: DynamoDBDocumentClient,
  table: string,
  prefix: string,
  shards: number,
  options: { below?: string; limit: number },
): Promise<T[]> {
  return (await queryShardsPage<T>(db, table, prefix, shards, options)).items;
}

/** The same, and whether any shard holds more than it gave. */
export async function queryShardsPage<T>(
  db: DynamoDBDocumentClient,
  table: string,
  prefix: string,
  shards: number,
  options: { below?: string; limit: number },
): Promise<{ items: T[]; more: boolean }> {
  const pages = await eachShard(shards, (shard) => db.send(shardQuery(table, prefix, shard, options)));
  return { items: pages.flatMap((p) => (p.Items ?? []) as T[]), more: pages.some((p) => p.LastEvaluatedKey !== undefined) };
}

/**
 * The same, page after page: each page holds up to `limit` more items of every shard that has more,
 * oldest first within a shard, until every shard is read (a sweeper reads until its time is up).
 */
export async function* shardPages<T>(
  db: DynamoDBDocumentClient,
  table: string,
  prefix: string,
  shards: number,
  options: { below?: string; limit: number },
): AsyncGenerator<T[]> {
  let open: Array<{ shard: number; start?: Record<string, unknown> }> = Array.from({ length: shards }, (_, shard) => ({ shard }));
  while (open.length) {
    const pages = await eachShard(open.length, (i) => db.send(shardQuery(table, prefix, open[i]!.shard, options, open[i]!.start)));
    const items = pages.flatMap((p) => (p.Items ?? []) as T[]);
    open = open.flatMap((o, i) => (pages[i]!.LastEvaluatedKey ? [{ shard: o.shard, start: pages[i]!.LastEvaluatedKey }] : []));
    if (items.length) yield items;
  }
}

/** One partition of the work-queue index, oldest first (newest first with `newestFirst`), at most `limit` items. */
export async function queryQueue(
  db: DynamoDBDocumentClient,
  table: string,
  queue: string,
  options: { below?: string; limit: number; newestFirst?: boolean; after?: Record<string, unknown> },
): Promise<{ items: Array<Record<string, unknown>>; next?: Record<string, unknown> }> {
  const index = WORK_QUEUE_INDEX;
  const r = await db.send(
    new QueryCommand({
      TableName: table,
      IndexName: index.indexName,
      KeyConditionExpression: options.below === undefined ? '#pk = :q' : '#pk = :q AND #sk < :below',
      ExpressionAttributeNames: { '#pk': index.partitionKey, ...(options.below === undefined ? {} : { '#sk': index.sortKey }) },
      ExpressionAttributeValues: { ':q': queue, ...(options.below === undefined ? {} : { ':below': options.below }) },
      ...(options.newestFirst ? { ScanIndexForward: false } : {}),
      Limit: options.limit,
      ...(options.after ? { ExclusiveStartKey: options.after } : {}),
    }),
  );
  return { items: (r.Items ?? []) as Array<Record<string, unknown>>, ...(r.LastEvaluatedKey ? { next: r.LastEvaluatedKey } : {}) };
}

/**
 * Every item of one partition (or of one key prefix within it), page by page: a person's ledger,
 * an account's audit entries, a day's access log. `newestFirst` reads the sort key backwards.
 */
export async function queryPartition(
  db: DynamoDBDocumentClient,
  table: string,
  pk: string,
  options: { skPrefix?: string; limit?: number; newestFirst?: boolean; consistent?: boolean; index?: Index } = {},
): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  const pages = paginateQuery(
    { client: db, ...(options.limit ? { pageSize: options.limit } : {}) },
    {
      TableName: table,
      ...(options.index ? { IndexName: options.index.indexName } : {}),
      KeyConditionExpression: options.skPrefix === undefined ? '#pk = :pk' : '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: {
        '#pk': options.index?.partitionKey ?? tableDesign.partitionKey,
        ...(options.skPrefix === undefined ? {} : { '#sk': options.index?.sortKey ?? tableDesign.sortKey }),
      },
      ExpressionAttributeValues: { ':pk': pk, ...(options.skPrefix === undefined ? {} : { ':prefix': options.skPrefix }) },
      ScanIndexForward: !options.newestFirst,
      ...(options.consistent ? { ConsistentRead: true } : {}),
    },
  );
  for await (const page of pages) {
    out.push(...((page.Items ?? []) as Array<Record<string, unknown>>));
    if (options.limit && out.length >= options.limit) return out.slice(0, options.limit);
  }
  return out;
}

/** Every item of one partition whose sort key lies between `from` and `to` (inclusive), page by page. */
export async function queryBetween(db: DynamoDBDocumentClient, table: string, pk: string, from: string, to: string): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  const pages = paginateQuery(
    { client: db },
    {
      TableName: table,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': tableDesign.partitionKey, '#sk': tableDesign.sortKey },
      ExpressionAttributeValues: { ':pk': pk, ':from': from, ':to': to },
    },
  );
  for await (const page of pages) out.push(...((page.Items ?? []) as Array<Record<string, unknown>>));
  return out;
}

/**
 * The items of `keys` (consistent reads unless `consistent: false`, 100 a request, unprocessed keys
 * retried); absent ones are left out, order kept. `attributes` reads only those (the keys always).
 */
export async function batchGet(
  db: DynamoDBDocumentClient,
  table: string,
  keys: ReadonlyArray<{ pk: string; sk: string }>,
  options: { consistent?: boolean; attributes?: readonly string[] } = {},
): Promise<Array<Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  const projection = options.attributes
    ? {
        ProjectionExpression: ['pk', 'sk', ...options.attributes].map((_, i) => `#a${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(['pk', 'sk', ...options.attributes].map((a, i) => [`#a${i}`, a])),
      }
    : {};
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Array<Record<string, unknown>> = keys.slice(i, i + 100).map((k) => ({ pk: k.pk, sk: k.sk }));
    for (let attempt = 0; pending.length; attempt += 1) {
      const r: BatchGetCommandOutput = await db.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: options.consistent !== false, ...projection } } }),
      );
      for (const item of r.Responses?.[table] ?? []) found.set(`${item.pk}\u0000${item.sk}`, item);
      pending = r.UnprocessedKeys?.[table]?.Keys ?? [];
      if (pending.length) await sleep(25 * 2 ** Math.min(attempt, 5));
    }
  }
  return keys.flatMap((k) => {
    const item = found.get(`${k.pk}\u0000${k.sk}`);
    return item ? [item] : [];
  });
}

/**
 * Items whose `pk` starts with `prefix` and that carry no per-account index entry yet (a one-off
 * backfill: a whole-table scan, page by page).
 */
export async function* scanWithout(db: DynamoDBDocumentClient, table: string, prefix: string): AsyncGenerator<Record<string, unknown>> {
  const index = ACCOUNT_INDEX;
  const pages = paginateScan(
    { client: db },
    {
      TableName: table,
      FilterExpression: 'begins_with(#pk, :prefix) AND attribute_not_exists(#ipk)',
      ExpressionAttributeNames: { '#pk': tableDesign.partitionKey, '#ipk': index.partitionKey },
      ExpressionAttributeValues: { ':prefix': prefix },
      ConsistentRead: true,
    },
  );
  for await (const page of pages) for (const item of page.Items ?? []) yield item;
}

/** Adds index attributes to an item that has none yet; false when it has them already or is gone. */
export async function indexOnce(
  db: DynamoDBDocumentClient,
  table: string,
  key: { pk: string; sk: string },
  index: { gsi2pk: string; gsi2sk: string },
): Promise<boolean> {
  const r = await whenConditionFails(
    db.send(
      new UpdateCommand({
        TableName: table,
        Key: key,
        UpdateExpression: 'SET gsi2pk = :p, gsi2sk = :s',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(gsi2pk)',
        ExpressionAttributeValues: { ':p': index.gsi2pk, ':s': index.gsi2sk },
      }),
    ),
  );
  return r.ok;
}
