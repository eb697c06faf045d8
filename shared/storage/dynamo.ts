/**
 * The one DynamoDB client of a function, created at module load. Locally `DYNAMODB_ENDPOINT`
 * points it at DynamoDB Local; deployed it uses the function's role. Every call passes through
 * `ddbCallCounter` so tests and the benchmark can prove the per-request budgets of DESIGN.md.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';

export const ddbCallCounter = { calls: 0, byOperation: new Map<string, number>() };

export function createDocumentClient(options: { endpoint?: string; region?: string } = {}): DynamoDBDocumentClient {
  const endpoint = options.endpoint ?? process.env.DYNAMODB_ENDPOINT;
  const client = new DynamoDBClient({
    region: options.region ?? process.env.AWS_REGION ?? 'cn-north-1',
    ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: 4,
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      ddbCallCounter.calls += 1;
      const op = String(context.commandName ?? 'unknown');
      ddbCallCounter.byOperation.set(op, (ddbCallCounter.byOperation.get(op) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'ddbCallCounter' },
  );
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

let shared: DynamoDBDocumentClient | undefined;

/** The function's client (lazily created so the local runner can set the endpoint first). */
export function documentClient(): DynamoDBDocumentClient {
  return (shared ??= createDocumentClient());
}

export function tableName(): string {
  const name = process.env.TABLE_NAME;
  if (!name) throw new Error('TABLE_NAME is not set');
  return name;
}

/**
 * The work queues (live sessions, reservations, the NPPA outbox) spread their index partition over
 * shards `<prefix><n>`; this reads the items of every shard whose sort key is below `below` (all of
 * them when omitted), oldest first within a shard, in parallel.
 */
export async function queryShards<T>(db: DynamoDBDocumentClient, table: string, prefix: string, shards: number, options: { below?: string; limit: number }): Promise<T[]> {
  const pages = await Promise.all(
    Array.from({ length: shards }, (_, shard) =>
      db.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'gsi1',
          KeyConditionExpression: options.below === undefined ? 'gsi1pk = :shard' : 'gsi1pk = :shard AND gsi1sk < :below',
          ExpressionAttributeValues: { ':shard': `${prefix}${shard}`, ...(options.below === undefined ? {} : { ':below': options.below }) },
          Limit: options.limit,
        }),
      ),
    ),
  );
  return pages.flatMap((p) => (p.Items ?? []) as T[]);
}
