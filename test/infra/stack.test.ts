/**
 * CDK assertions on the synthesized template. One synth per partition (bundling every function
 * takes a few seconds), shared by the tests below.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionList, jobList } from '#shared/api/functions';
import { routeList } from '#shared/api/routes';
import { buildApp } from '#infra/app';
import { readDeploymentContext } from '#infra/context';
import { OPERATOR_ALARMS, SELF_CHECK_ALARM_SECONDS, UNSENT_EVENT_AGE_ALARM_SECONDS } from '#infra/stack';

const context = {
  'playguard:issuer': 'https://accounts.publisher.example.cn',
  'playguard:audience': 'playguard-test',
  'playguard:jwksUrl': 'https://accounts.publisher.example.cn/.well-known/jwks.json',
};

function synth(region: string) {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk-'));
  const { app, stack } = buildApp(new App({ context, outdir }), { account: '123456789012', region });
  const assembly = app.synth(); // throws when cdk-nag reports an unacknowledged finding
  return { template: Template.fromStack(stack), outdir, assembly };
}

describe('the gateway stack (cn-north-1)', () => {
  let template: Template;
  let outdir: string;
  beforeAll(() => {
    ({ template, outdir } = synth('cn-north-1'));
  }, 120_000);

  it('contains no literal arn:aws: in any template (it deploys to the aws-cn partition)', () => {
    const templates = readdirSync(outdir).filter((f) => f.endsWith('.template.json'));
    expect(templates.length).toBeGreaterThan(0);
    for (const f of templates) expect(readFileSync(join(outdir, f), 'utf8')).not.toContain('arn:aws:');
  });

  it('has a JWT authorizer with the publisher issuer and audience', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: context['playguard:issuer'], Audience: [context['playguard:audience']] },
    });
  });

  it('throttles the stage and writes JSON access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 2000, ThrottlingBurstLimit: 1000 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"') },
    });
  });

  it('has one API route per route-table entry, public only where the contract says so', () => {
    const apiRoutes = template.findResources('AWS::ApiGatewayV2::Route');
    const keys = Object.values(apiRoutes).map((r) => (r as { Properties: { RouteKey: string; AuthorizationType: string } }).Properties);
    expect(keys.map((k) => k.RouteKey).sort()).toEqual(routeList().map(([, r]) => `${r.method} ${r.path}`).sort());
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
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true, SSESpecification: { KMSMasterKeyId: Match.anyValue() } })],
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('runs every function on Node.js 22, arm64, with active tracing and retained logs', () => {
    const fns = template.findResources('AWS::Lambda::Function');
    expect(Object.keys(fns).length).toBeGreaterThan(0);
    for (const fn of Object.values(fns) as Array<{ Properties: Record<string, unknown> }>) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' }, LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'INFO' } });
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
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)', Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue() })] });
    // EventBridge's dead-letter queue only sees delivery failures: a run that throws or times out
    // reaches the JobFailures queue through the function's on-failure destination.
    const invokeConfigs = Object.values(template.findResources('AWS::Lambda::EventInvokeConfig')) as Array<{ Properties: Record<string, any> }>;
    expect(invokeConfigs).toHaveLength(jobList().length);
    for (const c of invokeConfigs) expect(c.Properties).toMatchObject({ MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [expect.stringMatching(/^JobFailures/), 'Arn'] } } } });
  });

  it('alarms on every function\'s errors and throttles, API 5xx, late reports, failed jobs and what an operator must fix, all to the KMS-encrypted topic', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Array<{ Properties: Record<string, any> }>;
    for (const a of alarms) expect(a.Properties.AlarmActions, a.Properties.AlarmDescription).toEqual([{ Ref: expect.stringMatching(/^Alarms[0-9A-F]{8}$/) }]);
    const byMetric = (name: string) => alarms.filter((a) => a.Properties.MetricName === name);
    expect(byMetric('Errors')).toHaveLength(functionList().length);
    expect(byMetric('Throttles')).toHaveLength(functionList().length);
    expect(byMetric('5xx')).toHaveLength(1);
    expect(byMetric('ApproximateNumberOfMessagesVisible')).toHaveLength(2);
    for (const { metricName } of OPERATOR_ALARMS) expect(byMetric(metricName)[0]?.Properties).toMatchObject({ Namespace: 'PlayGuard', Threshold: 1 });
    expect(byMetric('OldestUnsentEventAgeSeconds')[0]?.Properties).toMatchObject({ Threshold: UNSENT_EVENT_AGE_ALARM_SECONDS, Statistic: 'Maximum', TreatMissingData: 'breaching' });
    // A webhook event the publisher never accepted (24 h of retries), and webhooks configured without a secret.
    expect(byMetric('WebhookDeadLetters')).toEqual([expect.objectContaining({ Properties: expect.objectContaining({ Namespace: 'PlayGuard', Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' }) })]);
    expect(byMetric('WebhookConfigurationError')).toHaveLength(1);
    expect(byMetric('MinorSecondsOutsideWindows')[0]?.Properties).toMatchObject({ Namespace: 'PlayGuard', Threshold: SELF_CHECK_ALARM_SECONDS, Statistic: 'Sum' });
    expect(Object.keys(template.findResources('AWS::CloudWatch::Dashboard'))).toHaveLength(1);
    expect(Object.keys(template.findResources('AWS::SNS::Subscription'))).toHaveLength(0);
  });

  it('lets CloudWatch Logs use the data key only for this stack\'s own log groups', () => {
    const key = Object.values(template.findResources('AWS::KMS::Key'))[0] as { Properties: { KeyPolicy: { Statement: Array<Record<string, any>> } } };
    const logs = key.Properties.KeyPolicy.Statement.filter((st) => JSON.stringify(st.Principal).includes('logs.'));
    expect(logs).toHaveLength(1);
    expect(JSON.stringify(logs[0]!.Condition)).toContain(':log-group:/playguard/PlayGuard/*');
    for (const lg of Object.values(template.findResources('AWS::Logs::LogGroup')) as Array<{ Properties: { LogGroupName: string } }>) {
      expect(lg.Properties.LogGroupName).toMatch(/^\/playguard\/PlayGuard\//);
    }
  });

  it('makes API Gateway refuse credentials without the server (operator) scope on server-only (operator) routes', () => {
    const apiRoutes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as Array<{ Properties: { RouteKey: string; AuthorizationScopes?: string[] } }>;
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
    for (const key of ['GET /console', 'GET /console/{asset}']) template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: key, AuthorizationType: 'NONE' });
  });
});

describe('deployment context', () => {
  it('takes playguard:logLevel DEBUG or INFO, and refuses a level that would drop the metric lines', () => {
    const read = (extra: Record<string, string>) => readDeploymentContext((k) => ({ ...context, ...extra } as Record<string, string>)[k]);
    expect(read({}).logLevel).toBe('INFO');
    expect(read({ 'playguard:logLevel': 'DEBUG' }).logLevel).toBe('DEBUG');
    expect(() => buildApp(new App({ context: { ...context, 'playguard:logLevel': 'WARN' } }))).toThrow(/playguard:logLevel/);
  });

  it('stops synth with a message naming the missing setting', () => {
    expect(() => buildApp(new App({ context: { 'playguard:audience': 'x' } }))).toThrow(/playguard:issuer/);
  });

  it('refuses a play policy looser than the law at synth, naming the rule', () => {
    const loose = { ...context, 'playguard:playPolicy': JSON.stringify({ preset: 'nppa-2021', holiday: { windows: [['19:00', '21:00']] } }) };
    expect(() => buildApp(new App({ context: loose }))).toThrow(/playguard:playPolicy: .*20:00–21:00/);
  });

  it('refuses a risk policy with an unknown or out-of-range field at synth, naming it', () => {
    expect(() => buildApp(new App({ context: { ...context, 'playguard:riskPolicy': '{"maxAcountsPerDevice":0}' } }))).toThrow(/playguard:riskPolicy: .*maxAcountsPerDevice/);
    expect(() => buildApp(new App({ context: { ...context, 'playguard:riskPolicy': '{"maxAccountsPerDevice":0}' } }))).toThrow(/playguard:riskPolicy: .*maxAccountsPerDevice/);
    expect(() => buildApp(new App({ context: { ...context, 'playguard:riskPolicy': '{"maxAccountsPerDevice":' } }))).toThrow(/playguard:riskPolicy: is not valid JSON/);
  });

  it('refuses a national-system address that is not a URL, and a reservation time out of range', () => {
    expect(() => buildApp(new App({ context: { ...context, 'playguard:nppaLoginoutUrl': 'api2.wlc.nppa.gov.cn' } }))).toThrow(/playguard:nppaLoginoutUrl/);
    expect(() => buildApp(new App({ context: { ...context, 'playguard:reservationTtlSeconds': 5 } }))).toThrow(/playguard:reservationTtlSeconds/);
  });

  it('subscribes the alarm e-mail address when one is given', () => {
    const { stack } = buildApp(new App({ context: { ...context, 'aws:cdk:bundling-stacks': [], 'playguard:alarmEmail': 'oncall@publisher.example.cn' } }), { account: '123456789012', region: 'cn-north-1' });
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@publisher.example.cn' });
  }, 120_000);

  const GAMES = [
    { gameId: 'g-main', bizId: '1101999999', name: '主游戏', ageRating: 16 },
    { gameId: 'g-two', bizId: '1101999998' },
  ];

  it.each([
    ['a JSON string (-c on the command line)', JSON.stringify(GAMES)],
    ['an array (cdk.json)', GAMES],
  ])('gives playguard:games as %s to every function, meta included, as GAMES', (_how, games) => {
    const { stack } = buildApp(new App({ context: { ...context, 'aws:cdk:bundling-stacks': [], 'playguard:games': games } }), { account: '123456789012', region: 'cn-north-1' });
    const fns = Object.entries(Template.fromStack(stack).findResources('AWS::Lambda::Function')) as Array<[string, { Properties: { Environment: { Variables: Record<string, unknown> } } }]>;
    expect(fns).toHaveLength(functionList().length);
    for (const [id, fn] of fns) expect(fn.Properties.Environment.Variables.GAMES, id).toBe(JSON.stringify(GAMES));
    // meta gets the settings, still without the table or the secret.
    const meta = fns.find(([id]) => id.startsWith('MetaFunction'))![1].Properties.Environment.Variables;
    expect(Object.keys(meta).filter((k) => k === 'TABLE_NAME' || k === 'SECRET_ARN')).toEqual([]);
  }, 120_000);

  it('leaves GAMES unset when playguard:games is (the single game `default`)', () => {
    const { stack } = buildApp(new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } }), { account: '123456789012', region: 'cn-north-1' });
    const fns = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')) as Array<{ Properties: { Environment: { Variables: Record<string, unknown> } } }>;
    for (const fn of fns) expect(fn.Properties.Environment.Variables).not.toHaveProperty('GAMES');
  }, 120_000);

  it('gives playguard:webhookUrl to every function as WEBHOOK_URL (writers must know webhooks are on), and refuses one that is not HTTPS', () => {
    const { stack } = buildApp(new App({ context: { ...context, 'aws:cdk:bundling-stacks': [], 'playguard:webhookUrl': 'https://hooks.publisher.example.cn/playguard' } }), { account: '123456789012', region: 'cn-north-1' });
    const fns = Object.entries(Template.fromStack(stack).findResources('AWS::Lambda::Function')) as Array<[string, { Properties: { Environment: { Variables: Record<string, unknown> } } }]>;
    for (const [id, fn] of fns) expect(fn.Properties.Environment.Variables.WEBHOOK_URL, id).toBe('https://hooks.publisher.example.cn/playguard');
    expect(() => buildApp(new App({ context: { ...context, 'playguard:webhookUrl': 'http://hooks.publisher.example.cn/playguard' } }))).toThrow(/playguard:webhookUrl/);
  }, 120_000);

  it('refuses a duplicate gameId, a bad bizId and a game policy looser than the deployment\'s at synth, naming playguard:games', () => {
    const withGames = (games: unknown, extra: Record<string, unknown> = {}) => () => buildApp(new App({ context: { ...context, ...extra, 'playguard:games': JSON.stringify(games) } }));
    expect(withGames([GAMES[0], { ...GAMES[1], gameId: 'g-main' }])).toThrow('Invalid cdk context: playguard:games: invalid games: 1.gameId: "g-main" appears twice');
    expect(withGames([{ ...GAMES[0], bizId: '1101 999999' }])).toThrow(/^Invalid cdk context: playguard:games: invalid games: 0\.bizId: /);
    const halfHour = { preset: 'nppa-2021', fridayToSunday: { windows: [['20:00', '20:30']] }, holiday: { windows: [['20:00', '20:30']] } };
    expect(withGames([GAMES[0], { ...GAMES[1], playPolicy: { preset: 'nppa-2021' } }], { 'playguard:playPolicy': JSON.stringify(halfHour) })).toThrow(
      "Invalid cdk context: playguard:games: invalid games: 1.playPolicy: play window 20:00–21:00 on holiday days is wider than the deployment's 20:00–20:30",
    );
  });

  it('refuses a spending policy looser than the law at synth', () => {
    const loose = { ...context, 'playguard:spendingPolicy': JSON.stringify([{ fromAge: 0, allowed: true, single: 100, daily: null, monthly: 100 }, { fromAge: 18, allowed: true, single: null, daily: null, monthly: null }]) };
    expect(() => buildApp(new App({ context: loose }))).toThrow(/playguard:spendingPolicy: .*under 8/);
  });
});

describe('the gateway stack (commercial region)', () => {
  it('synthesizes clean under cdk-nag in us-east-1 as well', () => {
    expect(() => synth('us-east-1')).not.toThrow();
  }, 120_000);
});

describe('the CDK command line', () => {
  it('synthesizes the app with `cdk synth` (CLI and library agree on the cloud assembly)', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const out = mkdtempSync(join(tmpdir(), 'cdk-cli-'));
    const { stderr } = await promisify(execFile)('node_modules/.bin/cdk', ['synth', '--quiet', '--output', out], { timeout: 120_000 });
    expect(stderr).not.toMatch(/not compatible|ValidationFailed/);
    expect(readdirSync(out)).toContain('PlayGuard.template.json');
  }, 150_000);
});
