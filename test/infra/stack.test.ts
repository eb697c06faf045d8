/**
 * CDK assertions on the synthesized template. One synth per partition, shared by the tests below,
 * without bundling the functions: what is asserted here is the template (bundling every function
 * took most of a synth's minute on a busy machine; the bundles are built and run by
 * test/infra/deployedFunctions.test.ts, and by the `cdk synth` command-line test below).
 */
import { createRequire } from 'node:module';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionList, jobList } from '#shared/api/functions';
import { routeList } from '#shared/api/routes';
import { buildApp } from '#infra/app';
import { InvalidContext, readDeploymentContext } from '#infra/context';
import { OPERATOR_ALARMS, SELF_CHECK_ALARM_SECONDS, UNSENT_EVENT_AGE_ALARM_SECONDS } from '#infra/stack';
import { newKey } from '#infra/cli/keys';
import { HEAVY_TEST_MS } from '#test/support/timeouts';

const require = createRequire(import.meta.url);

const context = {
  'playguard:issuer': 'https://accounts.mingyue-games.cn',
  'playguard:audience': 'playguard-test',
  'playguard:operatorIssuer': 'https://sso.mingyue-games.cn/realms/staff',
};

function synth(region: string) {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk-'));
  const { app, stack } = buildApp(new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] }, outdir }), { account: '123456789012', region });
  const assembly = app.synth(); // throws when cdk-nag reports an unacknowledged finding
  return { template: Template.fromStack(stack), outdir, assembly };
}

describe('the gateway stack (cn-north-1)', () => {
  let template: Template;
  let outdir: string;
  beforeAll(() => {
    ({ template, outdir } = synth('cn-north-1'));
  }, HEAVY_TEST_MS);

  it('contains no literal arn:aws: in any template (it deploys to the aws-cn partition)', () => {
    const templates = readdirSync(outdir).filter((f) => f.endsWith('.template.json'));
    expect(templates.length).toBeGreaterThan(0);
    for (const f of templates) expect(readFileSync(join(outdir, f), 'utf8')).not.toContain('arn:aws:');
  });

  it("has two JWT authorizers: the players' issuer on player and server routes, the staff issuer on operator routes only", () => {
    const authorizers = template.findResources('AWS::ApiGatewayV2::Authorizer') as Record<string, { Properties: Record<string, any> }>;
    expect(Object.values(authorizers).map((a) => a.Properties.JwtConfiguration)).toEqual(
      expect.arrayContaining([
        { Issuer: context['playguard:issuer'], Audience: [context['playguard:audience']] },
        { Issuer: context['playguard:operatorIssuer'], Audience: ['playguard-console'] },
      ]),
    );
    expect(Object.keys(authorizers)).toHaveLength(2);
    for (const a of Object.values(authorizers))
      expect(a.Properties).toMatchObject({ AuthorizerType: 'JWT', IdentitySource: ['$request.header.Authorization'] });
    const idOf = (issuer: string) => Object.entries(authorizers).find(([, a]) => a.Properties.JwtConfiguration.Issuer === issuer)![0];
    const players = idOf(context['playguard:issuer']);
    const staff = idOf(context['playguard:operatorIssuer']);
    const apiRoutes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as Array<{
      Properties: { RouteKey: string; AuthorizerId?: { Ref: string } };
    }>;
    for (const [, r] of routeList()) {
      const created = apiRoutes.find((x) => x.Properties.RouteKey === `${r.method} ${r.path}`)!;
      expect([r.path, created.Properties.AuthorizerId?.Ref]).toEqual([r.path, r.auth === 'none' ? undefined : r.auth === 'operator' ? staff : players]);
    }
  });

  it("gives the console its sign-in settings, and no other function the staff issuer's client", () => {
    const fns = Object.entries(template.findResources('AWS::Lambda::Function')) as Array<
      [string, { Properties: { Environment: { Variables: Record<string, unknown> } } }]
    >;
    for (const [id, fn] of fns) {
      const v = fn.Properties.Environment.Variables;
      if (id.startsWith('ConsoleFunction'))
        expect(v).toMatchObject({
          OPERATOR_ISSUER: context['playguard:operatorIssuer'],
          OPERATOR_CLIENT_ID: 'playguard-console',
          OPERATOR_AUDIENCE: 'playguard-console',
        });
      else
        expect(
          Object.keys(v).filter((k) => k.startsWith('OPERATOR_') || k.startsWith('PUBLISHER_')),
          id,
        ).toEqual([]);
    }
    expect(template.findOutputs('ConsoleRedirectUri').ConsoleRedirectUri!.Description).toContain('playguard-console');
  });

  it('throttles the stage and writes JSON access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 10_000, ThrottlingBurstLimit: 5000 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"') },
    });
  });

  it('has one API route per route-table entry, public only where the contract says so', () => {
    const apiRoutes = template.findResources('AWS::ApiGatewayV2::Route');
    const keys = Object.values(apiRoutes).map((r) => (r as { Properties: { RouteKey: string; AuthorizationType: string } }).Properties);
    expect(keys.map((k) => k.RouteKey).sort()).toEqual(
      routeList()
        .map(([, r]) => `${r.method} ${r.path}`)
        .sort(),
    );
    for (const [, r] of routeList()) {
      const k = keys.find((x) => x.RouteKey === `${r.method} ${r.path}`)!;
      expect(k.AuthorizationType).toBe(r.auth === 'none' ? 'NONE' : 'JWT');
    }
  });

  it('keeps data in one on-demand table with PITR, deletion protection, a customer-managed key and TTL', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
          SSESpecification: { KMSMasterKeyId: Match.anyValue() },
        }),
      ],
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('runs every function on Node.js 22, arm64, with active tracing and retained logs', () => {
    const fns = template.findResources('AWS::Lambda::Function');
    expect(Object.keys(fns).length).toBeGreaterThan(0);
    for (const fn of Object.values(fns) as Array<{ Properties: Record<string, unknown> }>) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'INFO' },
      });
      // No source maps parsed at start (docs/design.md, Runtime).
      expect(JSON.stringify(fn.Properties.Environment ?? {})).not.toContain('enable-source-maps');
    }
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 180 });
  });

  it('grants table access only to functions that use it (meta has none)', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const metaPolicy = Object.entries(policies).find(([id]) => id.startsWith('MetaFunction'));
    const statements = metaPolicy ? JSON.stringify(metaPolicy[1]) : '';
    expect(statements).not.toContain('dynamodb:');
    expect(statements).not.toContain('secretsmanager:');
  });

  it('runs every scheduled job on its own schedule; undelivered starts and failed runs land in queues', () => {
    expect(Object.keys(template.findResources('AWS::Events::Rule'))).toHaveLength(jobList().length);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue() })],
    });
    // EventBridge's dead-letter queue only sees delivery failures: a run that throws or times out
    // reaches the JobFailures queue through the function's on-failure destination.
    const invokeConfigs = Object.values(template.findResources('AWS::Lambda::EventInvokeConfig')) as Array<{ Properties: Record<string, any> }>;
    expect(invokeConfigs).toHaveLength(jobList().length);
    for (const c of invokeConfigs)
      expect(c.Properties).toMatchObject({
        MaximumRetryAttempts: 0,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [expect.stringMatching(/^JobFailures/), 'Arn'] } } },
      });
  });

  it(
    "alarms on every function's errors and throttles, API 5xx, late reports, failed jobs and what an " + 'operator must fix, all to the KMS-encrypted topic',
    () => {
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Array<{ Properties: Record<string, any> }>;
      for (const a of alarms) expect(a.Properties.AlarmActions, a.Properties.AlarmDescription).toEqual([{ Ref: expect.stringMatching(/^Alarms[0-9A-F]{8}$/) }]);
      const byMetric = (name: string) => alarms.filter((a) => a.Properties.MetricName === name);
      expect(byMetric('Errors')).toHaveLength(functionList().length);
      expect(byMetric('Throttles')).toHaveLength(functionList().length);
      expect(byMetric('5xx')).toHaveLength(1);
      expect(byMetric('ApproximateNumberOfMessagesVisible')).toHaveLength(2);
      for (const { metricName } of OPERATOR_ALARMS) expect(byMetric(metricName)[0]?.Properties).toMatchObject({ Namespace: 'PlayGuard', Threshold: 1 });
      expect(byMetric('OldestUnsentEventAgeSeconds')[0]?.Properties).toMatchObject({
        Threshold: UNSENT_EVENT_AGE_ALARM_SECONDS,
        Statistic: 'Maximum',
        TreatMissingData: 'breaching',
      });
      // A webhook event the publisher never accepted (24 h of retries), and webhooks configured without a secret.
      expect(byMetric('WebhookDeadLetters')).toEqual([
        expect.objectContaining({
          Properties: expect.objectContaining({ Namespace: 'PlayGuard', Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' }),
        }),
      ]);
      expect(byMetric('WebhookConfigurationError')).toHaveLength(1);
      expect(byMetric('MinorSecondsOutsideWindows')[0]?.Properties).toMatchObject({
        Namespace: 'PlayGuard',
        Threshold: SELF_CHECK_ALARM_SECONDS,
        Statistic: 'Sum',
      });
      expect(Object.keys(template.findResources('AWS::CloudWatch::Dashboard'))).toHaveLength(1);
      expect(Object.keys(template.findResources('AWS::SNS::Subscription'))).toHaveLength(0);
    },
  );

  it("lets CloudWatch Logs use the data key only for this stack's own log groups", () => {
    const key = Object.values(template.findResources('AWS::KMS::Key'))[0] as { Properties: { KeyPolicy: { Statement: Array<Record<string, any>> } } };
    const logs = key.Properties.KeyPolicy.Statement.filter((st) => JSON.stringify(st.Principal).includes('logs.'));
    expect(logs).toHaveLength(1);
    expect(JSON.stringify(logs[0]!.Condition)).toContain(':log-group:/playguard/PlayGuard/*');
    for (const lg of Object.values(template.findResources('AWS::Logs::LogGroup')) as Array<{ Properties: { LogGroupName: string } }>) {
      expect(lg.Properties.LogGroupName).toMatch(/^\/playguard\/PlayGuard\//);
    }
  });

  it('makes API Gateway refuse credentials without the server (operator) scope on server-only (operator) routes', () => {
    const apiRoutes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as Array<{
      Properties: { RouteKey: string; AuthorizationScopes?: string[] };
    }>;
    for (const [, r] of routeList()) {
      const created = apiRoutes.find((x) => x.Properties.RouteKey === `${r.method} ${r.path}`)!;
      expect(created.Properties.AuthorizationScopes, r.path).toEqual(r.auth === 'server' ? ['server'] : r.auth === 'operator' ? ['operator'] : undefined);
    }
  });

  it('keeps the NPPA credentials and pepper in a KMS-encrypted secret', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: Match.anyValue(),
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'pepper' }),
    });
  });

  it("feeds the operators' figures off the players' path: the table's change stream and the figure events of the logs reach the stats aggregator", () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' } });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: Match.anyValue(),
      FunctionName: { Ref: Match.stringLikeRegexp('^StatsAggregatorFunction') },
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    template.resourceCountIs('AWS::Logs::SubscriptionFilter', 3);
    for (const source of ['Sessions', 'Payments', 'Privacy']) {
      template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
        LogGroupName: { Ref: Match.stringLikeRegexp(`^${source}FunctionLogs`) },
        FilterPattern: '{ $.stat = "*" }',
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StatsAggregatorFunction'), 'Arn'] },
      });
    }
  });

  it("serves the operators' console from a function of the stack", () => {
    for (const key of ['GET /console', 'GET /console/{asset}'])
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: key, AuthorizationType: 'NONE' });
  });
});

describe('deployment context', () => {
  it('takes playguard:logLevel DEBUG or INFO, and refuses a level that would drop the metric lines', () => {
    const read = (extra: Record<string, string>) => readDeploymentContext({ ...context, ...extra });
    expect(read({}).logLevel).toBe('INFO');
    expect(read({ 'playguard:logLevel': 'DEBUG' }).logLevel).toBe('DEBUG');
    expect(() => buildApp(new App({ context: { ...context, 'playguard:logLevel': 'WARN' } }))).toThrow(/playguard:logLevel/);
  });

  it('stops synth with a message naming the missing setting', () => {
    expect(() => buildApp(new App({ context: { 'playguard:audience': 'x' } }))).toThrow(/playguard:issuer or playguard:publisherKeys: one is required/);
  });

  it('refuses a play policy looser than the law at synth, naming the rule', () => {
    const loose = { ...context, 'playguard:playPolicy': JSON.stringify({ preset: 'nppa-2021', holiday: { windows: [['19:00', '21:00']] } }) };
    expect(() => buildApp(new App({ context: loose }))).toThrow(/playguard:playPolicy: .*20:00–21:00/);
  });

  it('refuses a risk policy with an unknown or out-of-range field at synth, naming it', () => {
    expect(() => buildApp(new App({ context: { ...context, 'playguard:riskPolicy': '{"maxAcountsPerDevice":0}' } }))).toThrow(
      /playguard:riskPolicy: .*maxAcountsPerDevice/,
    );
    expect(() => buildApp(new App({ context: { ...context, 'playguard:riskPolicy': '{"maxAccountsPerDevice":0}' } }))).toThrow(
      /playguard:riskPolicy: .*maxAccountsPerDevice/,
    );
    expect(() => buildApp(new App({ context: { ...context, 'playguard:riskPolicy': '{"maxAccountsPerDevice":' } }))).toThrow(
      /playguard:riskPolicy: is not valid JSON/,
    );
  });

  it('refuses a national-system address that is not a URL, and a reservation time out of range', () => {
    expect(() => buildApp(new App({ context: { ...context, 'playguard:nppaLoginoutUrl': 'api2.wlc.nppa.gov.cn' } }))).toThrow(/playguard:nppaLoginoutUrl/);
    expect(() => buildApp(new App({ context: { ...context, 'playguard:reservationTtlSeconds': 5 } }))).toThrow(/playguard:reservationTtlSeconds/);
  });

  it(
    'subscribes the alarm e-mail address when one is given',
    () => {
      const { stack } = buildApp(new App({ context: { ...context, 'aws:cdk:bundling-stacks': [], 'playguard:alarmEmail': 'oncall@mingyue-games.cn' } }), {
        account: '123456789012',
        region: 'cn-north-1',
      });
      Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@mingyue-games.cn' });
    },
    HEAVY_TEST_MS,
  );

  const GAMES = [
    { gameId: 'g-main', bizId: '1101999999', name: '主游戏', ageRating: 16 },
    { gameId: 'g-two', bizId: '1101999998' },
  ];

  it.each([
    ['a JSON string (-c on the command line)', JSON.stringify(GAMES)],
    ['an array (cdk.json)', GAMES],
  ])(
    'gives playguard:games as %s to every function, meta included, as GAMES',
    (_how, games) => {
      const { stack } = buildApp(new App({ context: { ...context, 'aws:cdk:bundling-stacks': [], 'playguard:games': games } }), {
        account: '123456789012',
        region: 'cn-north-1',
      });
      const fns = Object.entries(Template.fromStack(stack).findResources('AWS::Lambda::Function')) as Array<
        [string, { Properties: { Environment: { Variables: Record<string, unknown> } } }]
      >;
      expect(fns).toHaveLength(functionList().length);
      for (const [id, fn] of fns) expect(fn.Properties.Environment.Variables.GAMES, id).toBe(JSON.stringify(GAMES));
      // meta gets the settings, still without the table or the secret.
      const meta = fns.find(([id]) => id.startsWith('MetaFunction'))![1].Properties.Environment.Variables;
      expect(Object.keys(meta).filter((k) => k === 'TABLE_NAME' || k === 'SECRET_ARN')).toEqual([]);
    },
    HEAVY_TEST_MS,
  );

  it(
    'leaves GAMES unset when playguard:games is (the single game `default`)',
    () => {
      const { stack } = buildApp(new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } }), { account: '123456789012', region: 'cn-north-1' });
      const fns = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')) as Array<{
        Properties: { Environment: { Variables: Record<string, unknown> } };
      }>;
      for (const fn of fns) expect(fn.Properties.Environment.Variables).not.toHaveProperty('GAMES');
    },
    HEAVY_TEST_MS,
  );

  it(
    'gives playguard:webhookUrl to every function as WEBHOOK_URL (writers must know webhooks are on), and refuses one that is not HTTPS',
    () => {
      const { stack } = buildApp(
        new App({ context: { ...context, 'aws:cdk:bundling-stacks': [], 'playguard:webhookUrl': 'https://hooks.mingyue-games.cn/playguard' } }),
        { account: '123456789012', region: 'cn-north-1' },
      );
      const fns = Object.entries(Template.fromStack(stack).findResources('AWS::Lambda::Function')) as Array<
        [string, { Properties: { Environment: { Variables: Record<string, unknown> } } }]
      >;
      for (const [id, fn] of fns) expect(fn.Properties.Environment.Variables.WEBHOOK_URL, id).toBe('https://hooks.mingyue-games.cn/playguard');
      expect(() => buildApp(new App({ context: { ...context, 'playguard:webhookUrl': 'http://hooks.mingyue-games.cn/playguard' } }))).toThrow(
        /playguard:webhookUrl/,
      );
    },
    HEAVY_TEST_MS,
  );

  it("refuses a duplicate gameId, a bad bizId and a game policy looser than the deployment's at synth, naming playguard:games", () => {
    const withGames =
      (games: unknown, extra: Record<string, unknown> = {}) =>
      () =>
        buildApp(new App({ context: { ...context, ...extra, 'playguard:games': JSON.stringify(games) } }));
    expect(withGames([GAMES[0], { ...GAMES[1], gameId: 'g-main' }])).toThrow('\n  - playguard:games: invalid games: 1.gameId: "g-main" appears twice\n');
    expect(withGames([{ ...GAMES[0], bizId: '1101 999999' }])).toThrow(
      /^Invalid cdk context: 1 problem; fix it and run cdk synth again\.\n {2}- playguard:games: invalid games: 0\.bizId: /,
    );
    const halfHour = { preset: 'nppa-2021', fridayToSunday: { windows: [['20:00', '20:30']] }, holiday: { windows: [['20:00', '20:30']] } };
    expect(withGames([GAMES[0], { ...GAMES[1], playPolicy: { preset: 'nppa-2021' } }], { 'playguard:playPolicy': JSON.stringify(halfHour) })).toThrow(
      "  - playguard:games: invalid games: 1.playPolicy: play window 20:00–21:00 on holiday days is wider than the deployment's 20:00–20:30",
    );
  });

  it('refuses a spending policy looser than the law at synth', () => {
    const loose = {
      ...context,
      'playguard:spendingPolicy': JSON.stringify([
        { fromAge: 0, allowed: true, single: 100, daily: null, monthly: 100 },
        { fromAge: 18, allowed: true, single: null, daily: null, monthly: null },
      ]),
    };
    expect(() => buildApp(new App({ context: loose }))).toThrow(/playguard:spendingPolicy: .*under 8/);
  });
});

describe('the gateway stack (commercial region)', () => {
  it(
    'synthesizes clean under cdk-nag in us-east-1 as well',
    () => {
      expect(() => synth('us-east-1')).not.toThrow();
    },
    HEAVY_TEST_MS,
  );
});

describe('the CDK command line', () => {
  it(
    'synthesizes the app with `cdk synth` (CLI and library agree on the cloud assembly)',
    async () => {
      const { execFile } = await import('node:child_process');
      const { promisify } = await import('node:util');
      const out = mkdtempSync(join(tmpdir(), 'cdk-cli-'));
      const contextArgs = Object.entries(context).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
      const { stderr } = await promisify(execFile)('node_modules/.bin/cdk', ['synth', '--quiet', '--output', out, ...contextArgs], { timeout: HEAVY_TEST_MS });
      expect(stderr).not.toMatch(/not compatible|ValidationFailed/);
      expect(readdirSync(out)).toContain('PlayGuard.template.json');
    },
    HEAVY_TEST_MS,
  );

  it(
    'stops `cdk synth` with cdk.json as shipped, listing what to set',
    async () => {
      const { execFile } = await import('node:child_process');
      const { promisify } = await import('node:util');
      const out = mkdtempSync(join(tmpdir(), 'cdk-cli-'));
      const failed = await promisify(execFile)('node_modules/.bin/cdk', ['synth', '--quiet', '--output', out], { timeout: HEAVY_TEST_MS }).then(
        () => null,
        (e: { stderr: string; code: number }) => e,
      );
      expect(failed?.code).not.toBe(0);
      expect(failed?.stderr).toContain('Invalid cdk context: 2 problems');
      expect(failed?.stderr).toContain('playguard:operatorIssuer: required');
    },
    HEAVY_TEST_MS,
  );
});

/** Synthesized without bundling the functions (what these tests read does not need the bundles). */
const quick = (extra: Record<string, unknown>, region = 'cn-north-1') => {
  const { app, stack } = buildApp(new App({ context: { ...extra, 'aws:cdk:bundling-stacks': [] } }), { account: '123456789012', region });
  return { app, stack, template: Template.fromStack(stack) };
};
const STAFF = { 'playguard:operatorIssuer': 'https://sso.mingyue-games.cn/realms/staff' };

describe("publisher keys: the deployment is the players' issuer", () => {
  let dir: string;
  let jwksFile: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pg-keys-'));
    jwksFile = newKey(dir, 'pg-test-1').jwksFile;
  });
  const envOf = (template: Template, prefix: string) =>
    (
      Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith(prefix))![1] as {
        Properties: { Environment: { Variables: Record<string, any> } };
      }
    ).Properties.Environment.Variables;

  it.each(['cn-north-1', 'cn-northwest-1'])("trusts the API's own URL as the issuer and serves the public keys from meta (%s)", (region) => {
    const { template } = quick({ ...STAFF, 'playguard:publisherKeys': jwksFile }, region);
    // CloudFormation's ApiEndpoint: https://<api-id>.execute-api.<region>.amazonaws.com(.cn)
    const apiUrl = { 'Fn::GetAtt': [expect.stringMatching(/^Api[0-9A-F]{8}$/), 'ApiEndpoint'] };
    const issuers = Object.values(template.findResources('AWS::ApiGatewayV2::Authorizer')).map(
      (a) => (a as { Properties: { JwtConfiguration: unknown } }).Properties.JwtConfiguration,
    );
    expect(issuers).toContainEqual({ Issuer: apiUrl, Audience: ['playguard'] });
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Issuer: STAFF['playguard:operatorIssuer'], Audience: ['playguard-console'] },
    });
    const meta = envOf(template, 'MetaFunction');
    expect(meta.PUBLISHER_ISSUER).toEqual(apiUrl);
    const served = JSON.parse(meta.PUBLISHER_JWKS);
    const file = JSON.parse(readFileSync(jwksFile, 'utf8'));
    expect(served).toEqual({ keys: [{ kty: 'RSA', kid: 'pg-test-1', use: 'sig', alg: 'RS256', n: file.keys[0].n, e: 'AQAB' }] });
    for (const key of ['GET /.well-known/openid-configuration', 'GET /.well-known/jwks.json'])
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: key, AuthorizationType: 'NONE' });
    expect(template.findOutputs('PlayerTokenIssuer').PlayerTokenIssuer!.Value).toEqual(apiUrl);
  });

  it('trusts https://<domainName> with a custom domain, mapped to the stage with its certificate', () => {
    const certificate = 'arn:aws-cn:acm:cn-northwest-1:123456789012:certificate/0f6c1a52-5b2e-4d8e-9a57-3f0e2c7b9d11';
    const { template } = quick(
      { ...STAFF, 'playguard:publisherKeys': jwksFile, 'playguard:domainName': 'playguard.mingyue-games.cn', 'playguard:certificateArn': certificate },
      'cn-northwest-1',
    );
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Issuer: 'https://playguard.mingyue-games.cn', Audience: ['playguard'] },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'playguard.mingyue-games.cn',
      DomainNameConfigurations: [Match.objectLike({ CertificateArn: certificate, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' })],
    });
    template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    expect(envOf(template, 'MetaFunction').PUBLISHER_ISSUER).toBe('https://playguard.mingyue-games.cn');
    const outputs = template.findOutputs('*');
    expect(outputs.ApiUrl!.Value).toBe('https://playguard.mingyue-games.cn');
    expect(outputs.ConsoleRedirectUri!.Value).toBe('https://playguard.mingyue-games.cn/console');
    expect(outputs.ApiDomainTarget!.Value).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ApiDomain/), 'RegionalDomainName'] });
  });

  it('passes cdk-nag with publisher keys and a custom domain (cn-northwest-1)', () => {
    const certificate = 'arn:aws-cn:acm:cn-northwest-1:123456789012:certificate/0f6c1a52-5b2e-4d8e-9a57-3f0e2c7b9d11';
    const { app } = quick(
      { ...STAFF, 'playguard:publisherKeys': jwksFile, 'playguard:domainName': 'playguard.mingyue-games.cn', 'playguard:certificateArn': certificate },
      'cn-northwest-1',
    );
    expect(() => app.synth()).not.toThrow();
  });
});

describe('the context, checked as a whole', () => {
  let keys: string;
  let privateKeyJwks: string;
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'pg-keys-'));
    keys = newKey(dir, 'pg-ctx').jwksFile;
    // A JWKS holding the private key, as a publisher might export it by mistake.
    const { createPrivateKey } = require('node:crypto') as typeof import('node:crypto');
    const pem = readFileSync(join(dir, 'pg-ctx.private.pem'), 'utf8');
    privateKeyJwks = join(dir, 'private-jwks.json');
    writeFileSync(privateKeyJwks, JSON.stringify({ keys: [{ ...createPrivateKey(pem).export({ format: 'jwk' }), kid: 'oops' }] }));
  });
  const problemsOf = (ctx: Record<string, unknown>): string[] => {
    try {
      readDeploymentContext(ctx);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidContext);
      return (error as InvalidContext).problems;
    }
    return [];
  };
  const base = { ...context };

  it('accepts the fixture and fills the defaults', () => {
    expect(readDeploymentContext(base)).toMatchObject({
      audience: 'playguard-test',
      operatorAudience: 'playguard-console',
      operatorClientId: 'playguard-console',
      stackName: 'PlayGuard',
      players: { kind: 'issuer', issuer: 'https://accounts.mingyue-games.cn' },
    });
  });

  // Each bad value alone: the one problem, naming its key.
  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'a misspelt key, with the key it resembles',
      { 'playguard:alarmMail': 'oncall@mingyue-games.cn' },
      /^playguard:alarmMail is not a setting PlayGuard knows \(did you mean playguard:alarmEmail\?\)$/,
    ],
    ['an unknown key', { 'playguard:colour': 'blue' }, /^playguard:colour is not a setting PlayGuard knows$/],
    [
      'the retired jwksUrl',
      { 'playguard:jwksUrl': 'https://accounts.mingyue-games.cn/jwks' },
      /^playguard:jwksUrl is no longer used: .*openid-configuration.*remove it$/,
    ],
    ['an http issuer', { 'playguard:issuer': 'http://accounts.mingyue-games.cn' }, /^playguard:issuer: http:\/\/accounts\.mingyue-games\.cn is not HTTPS/],
    [
      'an http example issuer, both ways wrong',
      { 'playguard:issuer': 'http://accounts.example-publisher.cn' },
      /^playguard:issuer: http:\/\/accounts\.example-publisher\.cn is not HTTPS .*; accounts\.example-publisher\.cn is an example or placeholder address/,
    ],
    [
      'an example issuer',
      { 'playguard:issuer': 'https://accounts.example-publisher.cn' },
      /^playguard:issuer: accounts\.example-publisher\.cn is an example or placeholder address \("example-publisher"\)/,
    ],
    ['a placeholder issuer', { 'playguard:issuer': 'https://accounts.your-company.cn' }, /^playguard:issuer: .*placeholder/],
    ['an issuer on a reserved name', { 'playguard:issuer': 'https://idp.test' }, /^playguard:issuer: idp\.test is a name reserved for testing/],
    ['an issuer at an IP address', { 'playguard:issuer': 'https://10.0.0.8/realms/a' }, /^playguard:issuer: 10\.0\.0\.8 is an IP address/],
    ['an issuer that is no URL', { 'playguard:issuer': 'accounts.mingyue-games.cn' }, /^playguard:issuer: "accounts\.mingyue-games\.cn" is not a URL/],
    ['an issuer with a query', { 'playguard:issuer': 'https://accounts.mingyue-games.cn/?x=1' }, /^playguard:issuer: .*no query/],
    ['no audience with an issuer', { 'playguard:audience': undefined }, /^playguard:audience: required with playguard:issuer/],
    ['no staff issuer', { 'playguard:operatorIssuer': undefined }, /^playguard:operatorIssuer: required: the issuer URL of your staff identity provider/],
    ['an http staff issuer', { 'playguard:operatorIssuer': 'http://sso.mingyue-games.cn' }, /^playguard:operatorIssuer: .* is not HTTPS/],
    ['an example staff issuer', { 'playguard:operatorIssuer': 'https://sso.example.com' }, /^playguard:operatorIssuer: sso\.example\.com is an example/],
    [
      "the players' issuer as the staff issuer",
      { 'playguard:operatorIssuer': 'https://accounts.mingyue-games.cn/' },
      /^playguard:operatorIssuer: must not be the players' issuer/,
    ],
    ['both issuer and publisher keys', { 'playguard:publisherKeys': 'keys.json' }, /^playguard:issuer and playguard:publisherKeys: set one, not both/],
    [
      'neither issuer nor publisher keys',
      { 'playguard:issuer': undefined, 'playguard:audience': undefined },
      /^playguard:issuer or playguard:publisherKeys: one is required\. .*npm run keys -- new/,
    ],
    [
      'a domain without its certificate',
      { 'playguard:domainName': 'playguard.mingyue-games.cn' },
      /^playguard:domainName and playguard:certificateArn: set both or neither/,
    ],
    [
      'a domain with a scheme',
      { 'playguard:domainName': 'https://playguard.mingyue-games.cn', 'playguard:certificateArn': 'arn:aws-cn:acm:cn-north-1:123456789012:certificate/abc' },
      /^playguard:domainName: "https:\/\/playguard\.mingyue-games\.cn" is not a domain name/,
    ],
    [
      'a certificate that is no ACM ARN',
      { 'playguard:domainName': 'playguard.mingyue-games.cn', 'playguard:certificateArn': 'my-cert' },
      /^playguard:certificateArn: an ACM certificate ARN/,
    ],
    ['a bad stack name', { 'playguard:stackName': '1st stack' }, /^playguard:stackName: a CloudFormation stack name/],
    ['a throttle that is no number', { 'playguard:throttleRatePerSecond': 'fast' }, /^playguard:throttleRatePerSecond: /],
    [
      'a log retention CloudWatch does not offer',
      { 'playguard:logRetentionDays': 100 },
      /^playguard:logRetentionDays: one of CloudWatch Logs' retention periods/,
    ],
    ['an alarm address at an example domain', { 'playguard:alarmEmail': 'oncall@example.com' }, /^playguard:alarmEmail: an example or placeholder address/],
    ['an alarm address that is none', { 'playguard:alarmEmail': 'oncall' }, /^playguard:alarmEmail: /],
    ['a webhook at an example host', { 'playguard:webhookUrl': 'https://hooks.your-company.cn/playguard' }, /^playguard:webhookUrl: .*placeholder/],
    [
      'a bad game age rating',
      { 'playguard:games': [{ gameId: 'g-main', bizId: '1101999999', ageRating: 10 }] },
      /^playguard:games: invalid games: 0\.ageRating/,
    ],
    ['an unreadable calendar override', { 'playguard:calendarOverrideFile': '/nonexistent/calendar.json' }, /^playguard:calendarOverrideFile: cannot read/],
  ])('reports %s', (_what, change, expected) => {
    const problems = problemsOf({ ...base, ...change });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });

  it.each<[string, (keys: string, privateKeyJwks: string) => string | object, RegExp]>([
    ['a file that cannot be read', () => '/nonexistent/jwks.json', /cannot read \/nonexistent\/jwks\.json$/],
    ['a private key', (_k, p) => p, /key "oops" is a private key: deploy only the public JWKS/],
    ['a symmetric key', () => ({ keys: [{ kty: 'oct', kid: 'h', k: 'c2VjcmV0' }] }), /key "h": kty must be RSA/],
    ['a key without kid', (k) => ({ keys: [{ ...JSON.parse(readFileSync(k, 'utf8')).keys[0], kid: undefined }] }), /key 0: kid must be/],
    [
      'a 1024-bit key',
      () => {
        const { generateKeyPairSync } = require('node:crypto') as typeof import('node:crypto');
        return { keys: [{ ...generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }), kid: 'small' }] };
      },
      /key "small": 1024-bit modulus; at least 2048 bits/,
    ],
    ['an ES256 alg', (k) => ({ keys: [{ ...JSON.parse(readFileSync(k, 'utf8')).keys[0], alg: 'ES256' }] }), /alg must be RS256/],
    ['no key', () => ({ keys: [] }), /has no key$/],
  ])('refuses publisher keys with %s', (_what, make, expected) => {
    let file = make(keys, privateKeyJwks);
    if (typeof file !== 'string') {
      const path = join(mkdtempSync(join(tmpdir(), 'pg-jwks-')), 'jwks.json');
      writeFileSync(path, JSON.stringify(file));
      file = path;
    }
    const problems = problemsOf({ ...STAFF, 'playguard:publisherKeys': file });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^playguard:publisherKeys: /);
    expect(problems[0]).toMatch(expected);
  });

  it('reports every problem at once, in one message naming each key', () => {
    const bad = {
      'playguard:issuer': 'http://accounts.example-publisher.cn',
      'playguard:alarmMail': 'oncall@mingyue-games.cn',
      'playguard:jwksUrl': 'https://accounts.example-publisher.cn/.well-known/jwks.json',
      'playguard:games': JSON.stringify([{ gameId: 'g-main', bizId: '1101999999', ageRating: 10 }]),
      'playguard:logLevel': 'WARN',
      'playguard:domainName': 'playguard.mingyue-games.cn',
    };
    let message = '';
    try {
      buildApp(new App({ context: bad }));
    } catch (error) {
      message = (error as Error).message;
    }
    const lines = message.split('\n').filter((l) => l.startsWith('  - '));
    expect(message).toMatch(/^Invalid cdk context: 8 problems; fix them all and run cdk synth again\./);
    expect(lines.map((l) => /^ {2}- (playguard:\w+)/.exec(l)![1]).sort()).toEqual([
      'playguard:alarmMail',
      'playguard:audience',
      'playguard:domainName',
      'playguard:games',
      'playguard:issuer',
      'playguard:jwksUrl',
      'playguard:logLevel',
      'playguard:operatorIssuer',
    ]);
  });

  it('refuses cdk.json as shipped: nothing deploys by accident', () => {
    const shipped = (JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
    expect(Object.keys(shipped).filter((k) => k.startsWith('playguard:'))).toEqual([]);
    expect(problemsOf(shipped)).toEqual([
      expect.stringMatching(/^playguard:operatorIssuer: required/),
      expect.stringMatching(/^playguard:issuer or playguard:publisherKeys: one is required/),
    ]);
  });
});
