/**
 * Every Lambda of the gateway, with the project's defaults fixed once: Node.js 22 on arm64, ESM
 * bundled and minified by esbuild with the AWS SDK v3 clients bundled in (pinned, tree-shaken),
 * source maps, active tracing, a log group with retention, and the timeout and memory its entry in
 * the function table (shared/api/functions.ts) gives it. `bindTable` and `bindSecret` set the
 * environment and grant the least privilege in one call each.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { ApplicationLogLevel, Architecture, LoggingFormat, Runtime, SystemLogLevel, Tracing } from 'aws-cdk-lib/aws-lambda';
import { Charset, NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';
import type { FunctionSpec } from '#shared/api/functions';
import { dirname, join } from 'node:path';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Modules the bundler replaces in every function (esbuild `alias`, paths relative to the project
 * root): the SDK's default credential chain by the environment-only provider Lambda needs
 * (shared/lambdaCredentials.ts), and mnemonist's LRU cache, which the DynamoDB client builds for an
 * endpoint discovery it never uses, by a Map (shared/lambdaLruCache.ts).
 */
export const LAMBDA_ALIASES: Record<string, string> = {
  '@aws-sdk/credential-provider-node': './shared/lambdaCredentials.ts',
  'mnemonist/lru-cache': './shared/lambdaLruCache.ts',
};
const BANNER = "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

/**
 * The stack's esbuild options in esbuild's own terms, for what bundles a function outside CDK (the
 * benchmark, the bundle-content test): the bundling props below say the same. `charset: utf8` keeps
 * the Chinese texts as they are instead of \u escapes (a few KB a function).
 */
export const LAMBDA_ESBUILD = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  charset: 'utf8',
  mainFields: ['module', 'main'],
  alias: LAMBDA_ALIASES,
  banner: { js: BANNER },
} satisfies BuildOptions;

export interface GatewayFunctionProps extends Partial<NodejsFunctionProps> {
  /** functions/<name>.ts */
  name: string;
  spec: FunctionSpec;
  logRetention: RetentionDays;
  logKey?: IKey;
  /** The log group's name (the data key only encrypts log groups under the stack's own prefix). */
  logGroupName: string;
  /** Application log level: Lambda drops the function's lines below it (shared/log.ts reads it too). */
  logLevel: 'DEBUG' | 'INFO';
}

export class GatewayFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: GatewayFunctionProps) {
    const { name, spec, logRetention, logKey, logGroupName, logLevel, environment, ...rest } = props;
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      logGroupName,
      retention: logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(logKey ? { encryptionKey: logKey } : {}),
    });
    super(scope, id, {
      entry: join(PROJECT_ROOT, 'functions', `${name}.ts`),
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      description: `PlayGuard: ${spec.description}`,
      memorySize: spec.memoryMiB,
      timeout: Duration.seconds(spec.timeoutSeconds),
      tracing: Tracing.ACTIVE,
      // Lambda's JSON log format: its own lines and ours (shared/log.ts) carry the request id, and
      // the application log level filters both.
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[logLevel],
      systemLogLevelV2: SystemLogLevel.INFO,
      logGroup,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      // No NODE_OPTIONS=--enable-source-maps: it parses the map at every cold start (~10 ms measured)
      // for stack traces our logs never print (errors are logged by name and message); the maps
      // still ship beside the bundle, to read a minified stack offline.
      environment: { METRICS_NAMESPACE: 'PlayGuard', ...environment },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: [...LAMBDA_ESBUILD.mainFields],
        charset: Charset.UTF8,
        // Bundle the pinned SDK v3 clients rather than the runtime's copy (docs/design.md).
        externalModules: [],
        banner: BANNER,
        tsconfig: join(PROJECT_ROOT, 'tsconfig.json'),
        esbuildArgs: { '--alias': Object.entries(LAMBDA_ALIASES).map(([from, to]) => `${from}=${to}`) },
        // The alias targets are relative to the project root: local bundling runs there, and so does
        // the Docker fallback (where the project is mounted at /asset-input).
        workingDirectory: '/asset-input',
      },
      ...rest,
    });
  }

  bindTable(table: ITableV2, access: 'read' | 'readWrite'): this {
    this.addEnvironment('TABLE_NAME', table.tableName);
    if (access === 'read') table.grantReadData(this);
    else table.grantReadWriteData(this);
    return this;
  }

  bindSecret(secret: ISecret): this {
    this.addEnvironment('SECRET_ARN', secret.secretArn);
    secret.grantRead(this);
    return this;
  }
}
