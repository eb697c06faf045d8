/**
 * What feeds the stats aggregator locally, as AWS feeds it deployed (infra/stack/functions.ts):
 *
 * - the table's change stream: DynamoDB Local serves the DynamoDB Streams API at its own endpoint;
 *   this reads every shard from where it left off (TRIM_HORIZON the first time) and hands the
 *   records to functions/statsAggregator.ts in the shape of Lambda's event source mapping;
 * - the figure events (shared/log.ts `stat`): the gateway's log lines are tapped, as CloudWatch
 *   Logs' subscription filter on `$.stat` does, and handed over with an id each.
 *
 * `drain()` runs once (on `POST /__dev/tick`, and on a timer under `npm start`). A record handed
 * over twice (a restart with --persist re-reads the stream) is not counted twice: the aggregator's
 * counted-change items see to that.
 */
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tapLog } from '#shared/log';
import { statEventOf } from '#shared/stats/service';

type Handler = (event: unknown) => Promise<unknown>;

export interface StatsFeed {
  drain(): Promise<void>;
  stop(): void;
}

export function startStatsFeed(options: { endpoint: string; tableName: string; handler: () => Promise<Handler> }): StatsFeed {
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const ddb = new DynamoDBClient({ endpoint: options.endpoint, region: 'local', credentials });
  const streams = new DynamoDBStreamsClient({ endpoint: options.endpoint, region: 'local', credentials });
  /** Per shard: the iterator to read next, or null once the shard is closed and read to its end. */
  const iterators = new Map<string, string | null>();
  let pendingLines: Array<{ id: string; message: string }> = [];
  const untap = tapLog((line) => {
    if (line.includes('"stat"') && statEventOf(line)) pendingLines.push({ id: randomUUID(), message: line });
  });
  let running: Promise<void> | null = null;

  /** Where each shard was read up to: a record is handed over before its shard moves past it. */
  const lastSequence = new Map<string, string>();
  const iteratorFor = async (arn: string, id: string): Promise<string | null> => {
    const after = lastSequence.get(id);
    const r = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: arn,
        ShardId: id,
        ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return r.ShardIterator ?? null;
  };

  const drainStream = async (handler: Handler) => {
    const arn = (await ddb.send(new DescribeTableCommand({ TableName: options.tableName }))).Table?.LatestStreamArn;
    if (!arn) return;
    const shards: Array<{ ShardId?: string | undefined }> = [];
    let after: string | undefined;
    do {
      const d = (await streams.send(new DescribeStreamCommand({ StreamArn: arn, ...(after ? { ExclusiveStartShardId: after } : {}) }))).StreamDescription;
      shards.push(...(d?.Shards ?? []));
      after = d?.LastEvaluatedShardId;
    } while (after);
    for (const shard of shards) {
      const id = shard.ShardId!;
      if (iterators.get(id) === null) continue;
      let iterator = iterators.get(id) ?? (await iteratorFor(arn, id));
      while (iterator) {
        let page: { Records?: _Record[] | undefined; NextShardIterator?: string | undefined };
        try {
          page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
        } catch (error) {
          // An iterator unused for 15 minutes expires: start again after the last record handed over.
          if ((error as Error).name !== 'ExpiredIteratorException') throw error;
          iterator = await iteratorFor(arn, id);
          continue;
        }
        const records = page.Records ?? [];
        if (records.length) {
          await handler({ Records: records.map((r) => ({ ...r, eventSource: 'aws:dynamodb' })) });
          lastSequence.set(id, records.at(-1)!.dynamodb!.SequenceNumber!);
        }
        iterator = page.NextShardIterator ?? null;
        iterators.set(id, iterator);
        if (!records.length) break;
      }
    }
  };

  const drainOnce = async () => {
    const handler = await options.handler();
    await drainStream(handler);
    const lines = pendingLines;
    pendingLines = [];
    if (lines.length) {
      try {
        // As CloudWatch Logs delivers a subscription: gzipped JSON, base64.
        const data = gzipSync(
          JSON.stringify({ messageType: 'DATA_MESSAGE', logGroup: 'local', logEvents: lines.map((l) => ({ ...l, timestamp: Date.now() })) }),
        ).toString('base64');
        await handler({ awslogs: { data } });
      } catch (error) {
        pendingLines = [...lines, ...pendingLines];
        throw error;
      }
    }
  };

  return {
    // One drain at a time; a caller arriving meanwhile waits for it and then drains again.
    drain: async () => {
      while (running) await running.catch(() => undefined);
      running = drainOnce().finally(() => (running = null));
      return running;
    },
    stop: () => {
      untap();
      ddb.destroy();
      streams.destroy();
    },
  };
}
