/**
 * Synth to run: every function of the synthesized stack, run from its own bundle in a fresh Node.js
 * process with exactly the environment the template gives it — table and secret references resolved
 * to a DynamoDB Local table and a local stand-in for Secrets Manager, the national system's addresses
 * (cdk context) pointing at the simulator — and the time its template timeout leaves it. Lambda's own
 * variables are added (region, credentials); the SDK's endpoint variables send its calls to the
 * local services. A function whose code reads anything the stack does not give it fails here.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { functionList, functionTable, leaseMsFor, RUN_MARGIN_SECONDS, type FunctionName } from '#shared/api/functions';
import { routes, type OperationId } from '#shared/api/routes';
import { NppaSimulator } from '#infra/local/nppaSimulator';
import { buildApp } from '#infra/app';
import { freshTable } from '#test/support/table';
import { consentStatus, person } from '#test/support/people';
import { NotificationOutbox } from '#shared/notifications/outbox';
import { transact } from '#shared/storage/conditions';
import { startReceiver, type Receiver } from '#test/support/webhookReceiver';
import { newKey } from '#infra/cli/keys';
import { HEAVY_TEST_MS } from '#test/support/timeouts';

const RUNNER = join(import.meta.dirname, '..', 'support', 'lambdaRunner.mjs');
const LOCAL_SECRET_ARN = 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:PlayGuardSecrets-local';
const PEPPER = 'synth-to-run-pepper-0123456789abcdef';
const WEBHOOK_SECRET = 'synth-to-run-webhook-secret-0123456789';
const WEBHOOK_URL = 'https://hooks.mingyue-games.cn/playguard';

interface Resource {
  Type: string;
  Properties: Record<string, any>;
  Metadata?: Record<string, any>;
}

interface Deployed {
  name: FunctionName;
  logicalId: string;
  bundle: string;
  environment: Record<string, unknown>;
  timeoutSeconds: number;
  memoryMiB: number;
  roleId: string;
  /** The template's LoggingConfig (Lambda turns it into AWS_LAMBDA_LOG_FORMAT / AWS_LAMBDA_LOG_LEVEL). */
  logging: { LogFormat?: string; ApplicationLogLevel?: string; SystemLogLevel?: string };
}

/** A stand-in for Secrets Manager's GetSecretValue (AWS JSON 1.1), serving one secret. */
async function startSecretsManager(arn: string, document: Record<string, string>): Promise<{ url: string; reads: () => number; server: Server }> {
  let reads = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { SecretId?: string };
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue' || body.SecretId !== arn) {
        res.writeHead(400).end(JSON.stringify({ __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." }));
        return;
      }
      reads += 1;
      res.writeHead(200).end(
        JSON.stringify({
          ARN: arn,
          Name: 'PlayGuardSecrets',
          VersionId: 'v1',
          VersionStages: ['AWSCURRENT'],
          SecretString: JSON.stringify(document),
          CreatedDate: 1_700_000_000,
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, reads: () => reads, server };
}

/** The API's default endpoint, as CloudFormation resolves its ApiEndpoint attribute. */
const API_ENDPOINT = 'https://a1b2c3d4e5.execute-api.cn-north-1.amazonaws.com.cn';
const keyDir = mkdtempSync(join(tmpdir(), 'pg-keys-'));
const publisherKey = newKey(keyDir, 'pg-deployed');

const context = {
  // Publisher keys: the deployment is the players' issuer (its own URL), meta serves the keys.
  'playguard:publisherKeys': publisherKey.jwksFile,
  'playguard:operatorIssuer': 'https://sso.mingyue-games.cn/realms/staff',
  'playguard:webhookUrl': WEBHOOK_URL,
  // Asset paths in resource metadata, as the cdk CLI asks for them.
  'aws:cdk:enable-asset-metadata': true,
};

describe('every deployed function, run with exactly what the template gives it', () => {
  let template: { Resources: Record<string, Resource> };
  let outdir: string;
  let deployed: Map<FunctionName, Deployed>;
  let tableLogicalId: string;
  let secretLogicalId: string;
  let table: string;
  let db: Awaited<ReturnType<typeof freshTable>>['db'];
  let receiver: Receiver;
  let simulator: NppaSimulator;
  let secretsManager: Awaited<ReturnType<typeof startSecretsManager>>;
  const dynamoEndpoint = inject('dynamoEndpoint');
  const secretReads = new Map<FunctionName, number>();

  beforeAll(async () => {
    ({ table, db } = await freshTable());
    receiver = await startReceiver(WEBHOOK_SECRET);
    simulator = new NppaSimulator();
    const { url } = await simulator.start();
    const nppa = simulator.environment(url);
    secretsManager = await startSecretsManager(LOCAL_SECRET_ARN, {
      pepper: PEPPER,
      nppaAppId: simulator.appId,
      nppaBizId: simulator.bizId,
      nppaSecretKey: simulator.secretKey,
      nppaPreviousSecretKey: '',
      webhookSecret: WEBHOOK_SECRET,
    });
    outdir = mkdtempSync(join(tmpdir(), 'cdk-run-'));
    const app = new App({
      outdir,
      context: {
        ...context,
        'playguard:nppaCheckUrl': nppa.NPPA_CHECK_URL,
        'playguard:nppaQueryUrl': nppa.NPPA_QUERY_URL,
        'playguard:nppaLoginoutUrl': nppa.NPPA_LOGINOUT_URL,
      },
    });
    const { stack } = buildApp(app, { account: '123456789012', region: 'cn-north-1' });
    app.synth();
    template = JSON.parse(readFileSync(join(outdir, `${stack.artifactId}.template.json`), 'utf8'));
    const resources = Object.entries(template.Resources);
    tableLogicalId = resources.find(([, r]) => r.Type === 'AWS::DynamoDB::GlobalTable')![0];
    secretLogicalId = resources.find(([, r]) => r.Type === 'AWS::SecretsManager::Secret')![0];
    deployed = new Map();
    for (const [logicalId, r] of resources) {
      if (r.Type !== 'AWS::Lambda::Function') continue;
      const name = functionList().find(([n]) => new RegExp(`^${n.charAt(0).toUpperCase()}${n.slice(1)}Function[0-9A-F]{8}$`).test(logicalId))?.[0];
      if (!name) throw new Error(`a function the table does not know: ${logicalId}`);
      expect(r.Properties.Handler).toBe('index.handler');
      deployed.set(name, {
        name,
        logicalId,
        bundle: join(outdir, r.Metadata!['aws:asset:path'], 'index.mjs'),
        environment: r.Properties.Environment?.Variables ?? {},
        timeoutSeconds: r.Properties.Timeout,
        memoryMiB: r.Properties.MemorySize,
        roleId: r.Properties.Role['Fn::GetAtt'][0],
        logging: r.Properties.LoggingConfig ?? {},
      });
    }
  }, HEAVY_TEST_MS);

  afterAll(async () => {
    await simulator?.stop();
    await receiver?.stop();
    await new Promise<void>((r) => (secretsManager ? secretsManager.server.close(() => r()) : r()));
  });

  /** The template's environment with its references resolved to the local stand-ins; anything else is a failure. */
  function environmentOf(fn: Deployed): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(fn.environment)) {
      if (typeof v === 'string') env[k] = v;
      else if ((v as { Ref?: string }).Ref === tableLogicalId) env[k] = table;
      else if ((v as { Ref?: string }).Ref === secretLogicalId) env[k] = LOCAL_SECRET_ARN;
      else if (
        (v as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt']?.[1] === 'ApiEndpoint' &&
        template.Resources[(v as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!]?.Type === 'AWS::ApiGatewayV2::Api'
      )
        env[k] = API_ENDPOINT;
      else throw new Error(`${fn.name}: ${k} is ${JSON.stringify(v)}, which no local stand-in resolves`);
    }
    return env;
  }

  /** Runs a bundle once; `without` drops variables to show what their absence does. */
  async function invoke(
    name: FunctionName,
    event: unknown,
    options: { without?: string[]; overrides?: Record<string, string> } = {},
  ): Promise<{ ok: boolean; result?: any; error?: { name: string; message: string }; output: string }> {
    const fn = deployed.get(name)!;
    const env = environmentOf(fn);
    for (const k of options.without ?? []) delete env[k];
    Object.assign(env, options.overrides);
    const lambda = {
      AWS_REGION: 'cn-north-1',
      AWS_DEFAULT_REGION: 'cn-north-1',
      AWS_ACCESS_KEY_ID: 'ASIALOCALTEST',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_SESSION_TOKEN: 'local',
      AWS_LAMBDA_FUNCTION_NAME: `PlayGuard-${fn.logicalId}`,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMiB),
      // What Lambda sets from the function's LoggingConfig.
      ...(fn.logging.LogFormat ? { AWS_LAMBDA_LOG_FORMAT: fn.logging.LogFormat } : {}),
      ...(fn.logging.ApplicationLogLevel ? { AWS_LAMBDA_LOG_LEVEL: fn.logging.ApplicationLogLevel } : {}),
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      TZ: ':UTC',
      AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
    };
    const readsBefore = secretsManager.reads();
    const child = spawn(process.execPath, [RUNNER, fn.bundle, name, String(fn.timeoutSeconds)], {
      env: { ...env, ...lambda },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    // Lambda ends an invocation at its timeout, counted from the call (the init phase before it is
    // not counted): so does this, from the runner's @@INVOKE line.
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      if (!timer && output.includes('\n@@INVOKE\n')) timer = setTimeout(() => child.kill('SIGKILL'), fn.timeoutSeconds * 1000);
    });
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.stdin.end(JSON.stringify(event));
    await new Promise<void>((r) => child.on('close', () => r()));
    clearTimeout(timer);
    secretReads.set(name, (secretReads.get(name) ?? 0) + secretsManager.reads() - readsBefore);
    const line = output.split('\n').find((l) => l.startsWith('@@ANSWER '));
    if (!line) return { ok: false, error: { name: 'Timeout', message: `no answer within ${fn.timeoutSeconds} s` }, output };
    return { ...JSON.parse(line.slice('@@ANSWER '.length)), output };
  }

  /** An HTTP API (payload v2) event for a route, with the claims the JWT authorizer passes. */
  function httpEvent(
    operation: OperationId,
    options: { claims?: Record<string, string>; body?: unknown; pathParameters?: Record<string, string>; query?: Record<string, string> } = {},
  ): APIGatewayProxyEventV2WithJWTAuthorizer {
    const route = routes[operation];
    const path = route.path.replace(/\{(\w+)\}/g, (_m, p: string) => options.pathParameters?.[p] ?? '');
    const requestId = randomUUID();
    return {
      version: '2.0',
      routeKey: `${route.method} ${route.path}`,
      rawPath: path,
      rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
      ...(options.query ? { queryStringParameters: options.query } : {}),
      headers: { 'content-type': 'application/json' },
      ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      isBase64Encoded: false,
      requestContext: {
        accountId: '123456789012',
        apiId: 'api',
        domainName: 'api.example.cn',
        domainPrefix: 'api',
        http: { method: route.method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.1', userAgent: 'test' },
        requestId,
        routeKey: `${route.method} ${route.path}`,
        stage: '$default',
        time: new Date().toISOString(),
        timeEpoch: Date.now(),
        authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: options.claims ?? {}, scopes: [] } },
      },
    };
  }

  it('has exactly one function per entry of the function table, with its timeout and memory', () => {
    expect([...deployed.keys()].sort()).toEqual(
      functionList()
        .map(([n]) => n)
        .sort(),
    );
    for (const [name, spec] of functionList()) {
      expect(deployed.get(name)).toMatchObject({ timeoutSeconds: spec.timeoutSeconds, memoryMiB: spec.memoryMiB });
    }
  });

  it('gives the table and the secret exactly to the functions the table says, read-only where it says read', () => {
    const policies = Object.values(template.Resources).filter((r) => r.Type === 'AWS::IAM::Policy');
    for (const fn of deployed.values()) {
      const spec = functionTable[fn.name];
      const statements = policies
        .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === fn.roleId))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[] }>);
      const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
      const env = Object.keys(fn.environment);
      expect(actions.includes('secretsmanager:GetSecretValue'), `${fn.name} secret grant`).toBe(spec.secret);
      expect(env.includes('SECRET_ARN'), `${fn.name} SECRET_ARN`).toBe(spec.secret);
      expect(
        actions.some((a) => a.startsWith('dynamodb:')),
        `${fn.name} table grant`,
      ).toBe(spec.table !== 'none');
      expect(env.includes('TABLE_NAME'), `${fn.name} TABLE_NAME`).toBe(spec.table !== 'none');
      const writes = actions.filter((a) => /^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)$/.test(a));
      expect(writes.length > 0, `${fn.name} write grant`).toBe(spec.table === 'readWrite');
    }
  });

  it('gives every scheduled run time to finish inside its timeout, and the reporter lease outlives the run', () => {
    for (const fn of deployed.values()) {
      const schedule = (functionTable[fn.name] as { schedule?: { plannedRunSeconds: number } }).schedule;
      if (!schedule) continue;
      expect(schedule.plannedRunSeconds + RUN_MARGIN_SECONDS, fn.name).toBeLessThanOrEqual(fn.timeoutSeconds);
    }
    expect(leaseMsFor('nppaReporter')).toBeGreaterThan(deployed.get('nppaReporter')!.timeoutSeconds * 1000);
  });

  it('meta answers /health without a table or a secret', async () => {
    const answer = await invoke('meta', httpEvent('health'));
    expect(answer.result).toMatchObject({ statusCode: 200, body: JSON.stringify({ status: 'ok' }) });
  });

  it("meta serves the publisher's OpenID configuration and public keys: what the players' authorizer trusts", async () => {
    const configuration = await invoke('meta', httpEvent('openidConfiguration'));
    expect(configuration.result.statusCode).toBe(200);
    expect(JSON.parse(configuration.result.body)).toMatchObject({
      issuer: API_ENDPOINT,
      jwks_uri: `${API_ENDPOINT}/.well-known/jwks.json`,
      id_token_signing_alg_values_supported: ['RS256'],
    });
    const jwks = await invoke('meta', httpEvent('publisherJwks'));
    const file = JSON.parse(readFileSync(publisherKey.jwksFile, 'utf8')) as { keys: Array<{ n: string }> };
    expect(JSON.parse(jwks.result.body)).toEqual({ keys: [{ kty: 'RSA', kid: 'pg-deployed', use: 'sig', alg: 'RS256', n: file.keys[0]!.n, e: 'AQAB' }] });
    const authorizer = Object.values(template.Resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Authorizer' && r.Properties.Name === 'PublisherJwt')!;
    expect(authorizer.Properties.JwtConfiguration.Issuer['Fn::GetAtt'][1]).toBe('ApiEndpoint');
  });

  it('the console tells the page where operators sign in, and lets it talk to the staff issuer only', async () => {
    const signIn = await invoke('console', httpEvent('consoleAsset', { pathParameters: { asset: 'config.json' } }));
    expect(JSON.parse(signIn.result.body)).toEqual({
      issuer: 'https://sso.mingyue-games.cn/realms/staff',
      clientId: 'playguard-console',
      audience: 'playguard-console',
      scope: 'openid profile operator',
    });
    const page = await invoke('console', httpEvent('consoleIndex'));
    expect(page.result.headers['content-security-policy']).toContain("connect-src 'self' https://sso.mingyue-games.cn;");
  });

  const adult = person('1990-03-01');
  const accountId = `deployed-${randomUUID().slice(0, 8)}`;
  let sessionId = '';

  it("identity verifies a player through the national system with the secret's credentials", async () => {
    const answer = await invoke('identity', httpEvent('submitIdentity', { claims: { sub: accountId, scope: 'player' }, body: adult }));
    expect(answer.ok, answer.output).toBe(true);
    expect(answer.result.statusCode).toBe(200);
    expect(JSON.parse(answer.result.body)).toEqual({ status: 'verified', ageBand: 18, minor: false, guardianConsent: consentStatus(false, false) });
    expect(simulator.calls.check).toBe(1);
  });

  it('sessions logs the player in and out', async () => {
    const started = await invoke('sessions', httpEvent('startSession', { claims: { sub: accountId, scope: 'player' }, body: { deviceId: 'phone-deployed' } }));
    expect(started.result.statusCode, started.output).toBe(201);
    sessionId = JSON.parse(started.result.body).sessionId;
    const ended = await invoke('sessions', httpEvent('endSession', { claims: { sub: accountId, scope: 'player' }, pathParameters: { sessionId } }));
    expect(ended.result.statusCode, ended.output).toBe(204);
  });

  it('payments reserves a payment', async () => {
    const answer = await invoke(
      'payments',
      httpEvent('reservePayment', { claims: { sub: accountId, scope: 'player' }, body: { orderId: `o-${randomUUID()}`, amount: 600 } }),
    );
    expect(answer.result.statusCode, answer.output).toBe(201);
    expect(JSON.parse(answer.result.body)).toMatchObject({ status: 'reserved' });
  });

  it("challenges answers a game server's verdict on an unknown challenge with the contract's 404", async () => {
    const answer = await invoke(
      'challenges',
      httpEvent('challengeResult', {
        claims: { sub: 'game-server', scope: 'server' },
        body: { passed: true, method: 'face' },
        pathParameters: { challengeId: 'c-unknown' },
      }),
    );
    expect(answer.result.statusCode, answer.output).toBe(404);
    expect(JSON.parse(answer.result.body)).toMatchObject({ code: 'challenge_not_found' });
  });

  it(
    'the NPPA reporter reports the login and the logout to the national system',
    async () => {
      const answer = await invoke('nppaReporter', { source: 'aws.events', 'detail-type': 'Scheduled Event' });
      expect(answer.ok, answer.output).toBe(true);
      expect(answer.result).toMatchObject({ calls: 1, sent: 2, deadLetters: 0 });
      expect(simulator.receivedLoginouts.map((e) => e.bt)).toEqual([1, 0]);
    },
    HEAVY_TEST_MS,
  );

  it('guardians looks a ward up by ID number with the pepper from the secret', async () => {
    const minor = person('2013-04-04');
    const answer = await invoke('guardians', httpEvent('linkWard', { claims: { sub: accountId, scope: 'player' }, body: minor }));
    expect(answer.result.statusCode, answer.output).toBe(404);
    expect(JSON.parse(answer.result.body).code).toBe('ward_not_found');
    const wards = await invoke('guardians', httpEvent('listWards', { claims: { sub: accountId, scope: 'player' } }));
    expect(JSON.parse(wards.result.body)).toEqual({ wards: [] });
  });

  it("admin logs an operator's read of the account, then answers it", async () => {
    const operator = { sub: 'staff-deployed', scope: 'operator' };
    const answer = await invoke(
      'admin',
      httpEvent('adminReadAccount', { claims: operator, pathParameters: { accountId }, query: { reason: 'synth-to-run check' } }),
    );
    expect(answer.result.statusCode, answer.output).toBe(200);
    expect(JSON.parse(answer.result.body)).toMatchObject({ accountId, status: 'verified', payments: [{ amount: 600, status: 'reserved' }] });
    const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const log = await invoke('admin', httpEvent('adminAccessLog', { claims: operator, query: { from: day, to: day } }));
    expect(log.result.statusCode, log.output).toBe(200);
    // Reading the log is written to it first, with the deployed function's own grant.
    expect(JSON.parse(log.result.body).entries).toMatchObject([
      { operator: 'staff-deployed', action: 'readAccount', accountId, reason: 'synth-to-run check' },
      { operator: 'staff-deployed', action: 'access_log_read', accountId: '*', reason: `${day}/${day}` },
    ]);
    // A range to year 9999 is refused by the bundle's edge, not walked until the template's timeout.
    for (const [operation, query] of [
      ['adminAccessLog', { from: '9999-12-31', to: '9999-12-31' }],
      ['adminStats', { from: '9999-12-31', to: '9999-12-31' }],
      ['adminAnnualReport', { year: '9999' }],
    ] as const) {
      const refused = await invoke('admin', httpEvent(operation, { claims: operator, query }));
      expect(refused.result.statusCode, refused.output).toBe(400);
    }
  });

  it("privacy exports the player's data and erases the account", async () => {
    const player = { sub: accountId, scope: 'player' };
    const exported = await invoke('privacy', httpEvent('readMyData', { claims: player }));
    expect(exported.result.statusCode, exported.output).toBe(200);
    expect(JSON.parse(exported.result.body)).toMatchObject({
      identity: { status: 'verified' },
      sessions: [{ sessionId, state: 'ended' }],
      payments: [{ amount: 600 }],
      devices: { count: 1 },
    });
    const erased = await invoke('privacy', httpEvent('eraseMe', { claims: player }));
    expect(erased.result.statusCode, erased.output).toBe(200);
    expect(JSON.parse(erased.result.body).erased).toEqual(expect.arrayContaining(['account', 'identity', 'sessions', 'payments']));
  });

  it.each(['sessionSweeper', 'reservationSweeper', 'challengeSweeper', 'identityPoller', 'webhookSender'] as const)(
    '%s completes a run',
    async (name) => {
      const answer = await invoke(name, { source: 'aws.events', 'detail-type': 'Scheduled Event' });
      expect(answer.ok, answer.output).toBe(true);
      expect(answer.output).not.toMatch(/"level":"ERROR"/i);
      // Lambda's JSON log format at the stack's level, and every line of ours carries the invocation's id.
      expect(deployed.get(name)!.logging).toEqual({ LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'INFO', LogGroup: expect.any(Object) });
      const lines = answer.output
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line, JSON.stringify(line)).toMatchObject({ requestId: expect.stringMatching(/.+/) });
      expect(Object.values(answer.result as Record<string, unknown>).every((v) => typeof v === 'number')).toBe(true);
    },
    HEAVY_TEST_MS,
  );

  it(
    "the webhook sender delivers a queued event to playguard:webhookUrl, signed with the secret's webhookSecret",
    async () => {
      const sender = deployed.get('webhookSender')!;
      expect(sender.environment.WEBHOOK_URL).toBe(WEBHOOK_URL);
      // The writers know webhooks are on from the same variable.
      for (const name of ['sessions', 'payments', 'challenges'] as const) expect(deployed.get(name)!.environment.WEBHOOK_URL, name).toBe(WEBHOOK_URL);
      const outbox = new NotificationOutbox(db, table);
      await transact(db, [
        [
          'event',
          outbox.eventPart({ id: 'evt-synth-to-run', type: 'risk.challenge_issued', occurredAtMs: Date.now() - 1000, data: { challengeId: 'c-synth' } }),
        ],
      ]);
      // The template's address is the publisher's (not reachable here): only it is replaced, by the local receiver's.
      const answer = await invoke('webhookSender', { source: 'aws.events', 'detail-type': 'Scheduled Event' }, { overrides: { WEBHOOK_URL: receiver.url } });
      expect(answer.ok, answer.output).toBe(true);
      expect(answer.result).toEqual({ delivered: 1, retried: 0, deadLettered: 0, errors: 0 });
      expect(receiver.requests.map((r) => [r.verified, r.event?.id])).toEqual([[true, 'evt-synth-to-run']]);
      expect(answer.output).not.toContain(WEBHOOK_SECRET);
    },
    HEAVY_TEST_MS,
  );

  it(
    "the stats aggregator counts a change-stream batch and a log subscription's figure events, and admin answers the figures",
    async () => {
      const startedAt = Date.parse('2026-12-04T20:10:00+08:00');
      const key = { pk: { S: 'SESSION#deployed-stats' }, sk: { S: 'SESSION' } };
      const image = {
        ...key,
        gameId: { S: 'default' },
        minorAtLogin: { BOOL: false },
        startedAt: { N: String(startedAt) },
        state: { S: 'live' },
        devices: { M: {} },
      };
      const streamEvent = {
        Records: [
          {
            eventID: `ev-${randomUUID()}`,
            eventName: 'INSERT',
            eventSource: 'aws:dynamodb',
            dynamodb: { Keys: key, NewImage: image, ApproximateCreationDateTime: startedAt / 1000, StreamViewType: 'NEW_AND_OLD_IMAGES' },
          },
        ],
      };
      const counted = await invoke('statsAggregator', streamEvent);
      expect(counted.ok, counted.output).toBe(true);
      expect(counted.result).toEqual({ counted: 1, repeated: 0 });
      expect((await invoke('statsAggregator', streamEvent)).result).toEqual({ counted: 0, repeated: 1 });
      const line = JSON.stringify({
        level: 'info',
        message: 'figure event',
        stat: 'loginRefused',
        gameId: 'default',
        code: 'play_time_restricted',
        at: startedAt,
      });
      const data = gzipSync(
        JSON.stringify({
          messageType: 'DATA_MESSAGE',
          logGroup: '/playguard/x/functions/sessions',
          logEvents: [{ id: `log-${randomUUID()}`, timestamp: startedAt, message: line }],
        }),
      ).toString('base64');
      const logs = await invoke('statsAggregator', { awslogs: { data } });
      expect(logs.result, logs.output).toEqual({ counted: 1, repeated: 0 });
      const stats = await invoke(
        'admin',
        httpEvent('adminStats', { claims: { sub: 'staff-deployed', scope: 'operator' }, query: { from: '2026-12-04', to: '2026-12-04' } }),
      );
      expect(stats.result.statusCode, stats.output).toBe(200);
      expect(JSON.parse(stats.result.body).days).toMatchObject([
        { date: '2026-12-04', gameId: 'default', logins: { minor: 0, adult: 1 }, refusedLogins: { play_time_restricted: 1 } },
      ]);
      const dead = await invoke('admin', httpEvent('adminDeadLetters', { claims: { sub: 'staff-deployed', scope: 'operator' } }));
      expect(dead.result.statusCode, dead.output).toBe(200);
    },
    HEAVY_TEST_MS,
  );

  it('the console serves its page and files without a table or a secret', async () => {
    const page = await invoke('console', httpEvent('consoleIndex'));
    expect(page.result.statusCode, page.output).toBe(200);
    expect(page.result.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.result.body).toContain('PlayGuard 合规控制台');
    const script = await invoke('console', httpEvent('consoleAsset', { pathParameters: { asset: 'app.js' } }));
    expect(script.result.statusCode, script.output).toBe(200);
    expect((await invoke('console', httpEvent('consoleAsset', { pathParameters: { asset: 'nothing.js' } }))).result.statusCode).toBe(404);
    expect((await invoke('console', httpEvent('consoleAsset', { pathParameters: { asset: 'constructor' } }))).result.statusCode).toBe(404);
  });

  it('reads the secret from Secrets Manager in every function granted it, and only there (least privilege)', () => {
    for (const [name, spec] of functionList()) expect(secretReads.get(name)! > 0, name).toBe(spec.secret);
  });

  it(
    'fails a function that is not given what its code reads (so the runs above prove the wiring)',
    async () => {
      const withoutSecret = await invoke('identityPoller', {}, { without: ['SECRET_ARN'] });
      expect(withoutSecret).toMatchObject({ ok: false, error: { message: 'secrets could not be loaded: ZodError' } });
      const withoutTable = await invoke('reservationSweeper', {}, { without: ['TABLE_NAME'] });
      expect(withoutTable.ok).toBe(false);
      expect(withoutTable.error?.message).toMatch(/TABLE_NAME/);
    },
    HEAVY_TEST_MS,
  );

  it(
    'fails the cold start, not a request, on a bad setting, naming it',
    async () => {
      const answer = await invoke('sessions', httpEvent('readLimits', { claims: { sub: accountId, scope: 'player' } }), {
        overrides: { RISK_POLICY: '{"maxAcountsPerDevice":0}' },
      });
      expect(answer).toMatchObject({
        ok: false,
        error: { name: 'InvalidSettings', message: 'invalid configuration: RISK_POLICY: invalid risk policy: Unrecognized key: "maxAcountsPerDevice"' },
      });
    },
    HEAVY_TEST_MS,
  );
});
