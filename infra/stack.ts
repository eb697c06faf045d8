/**
 * The gateway in one account: a customer-managed KMS key, the single table, the NPPA/pepper
 * secret, an HTTP API with two native JWT authorizers (the players' issuer — the publisher's OpenID
 * provider, or the deployment itself serving the publisher's keys — and the staff issuer, for the
 * operator routes only), an optional custom domain, one function per entry of the function table
 * (shared/api/functions.ts: grants, environment, timeout, memory and schedule come from there and
 * nowhere else), alarms that notify an SNS topic, and one dashboard.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { DomainName, HttpApi, HttpMethod, HttpNoneAuthorizer, LogGroupLogDestination, SecurityPolicy } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, Dashboard, GraphWidget, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { AttributeType, Billing, ProjectionType, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LambdaDestination } from 'aws-cdk-lib/aws-logs-destinations';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { FilterPattern, LogGroup, RetentionDays, SubscriptionFilter } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { functionList, type FunctionName } from '#shared/api/functions';
import { routeList } from '#shared/api/routes';
import { tableDesign } from '#shared/storage/tableDesign';
import { settingsEnvironment, type DeploymentContext } from '#infra/context';
import { GatewayFunction } from '#infra/gatewayFunction';

export interface GatewayStackProps extends StackProps {
  deployment: DeploymentContext;
}

/** Metrics the functions emit (embedded metric format, namespace PlayGuard) that an operator must act on. */
export const OPERATOR_ALARMS: ReadonlyArray<{ metricName: string; description: string }> = [
  { metricName: 'NppaDeadLetters', description: 'The national system refused login/logout events permanently (kept as dead letters)' },
  { metricName: 'NppaConfigurationError', description: 'The national system refused our credentials, IP or signature: fix the configuration' },
  { metricName: 'CalendarNotCovered', description: 'A decision needed a day the holiday calendar does not cover: load next year\'s schedule' },
  { metricName: 'PendingIdentityExpired', description: 'A real-name check stayed in progress for 48 h and was rejected' },
  { metricName: 'NppaUnknownGame', description: 'A session of a game no longer in playguard:games ended: its login/logout events stay queued until the game is configured again' },
  { metricName: 'WebhookDeadLetters', description: 'The publisher\'s webhook endpoint did not accept an event within 24 h of retries (kept 30 days as a dead letter)' },
  { metricName: 'WebhookConfigurationError', description: 'playguard:webhookUrl is set but the secret has no webhookSecret: no notification is sent' },
];

/**
 * Login/logout events must reach the national system within 180 s of happening (its behaviour
 * interface); an oldest unsent event above 120 s means reports are about to be late.
 */
export const UNSENT_EVENT_AGE_ALARM_SECONDS = 120;

/**
 * The self-check of the operators' figures: seconds minors played outside the allowed windows
 * (docs/rules.md §2) must be 0. A terminating heartbeat that arrives late adds its delay, so the
 * alarm fires at a minute in 5 minutes, well above network delays and far below a real breach.
 */
export const SELF_CHECK_ALARM_SECONDS = 60;

export class GatewayStack extends Stack {
  constructor(scope: Construct, id: string, props: GatewayStackProps) {
    super(scope, id, props);
    const { deployment } = props;
    const retention = (Object.values(RetentionDays).find((d) => d === deployment.logRetentionDays) as RetentionDays | undefined) ?? RetentionDays.SIX_MONTHS;
    const logPrefix = `/playguard/${this.stackName}`;
    const settings = settingsEnvironment(deployment);

    const key = new Key(this, 'DataKey', {
      description: 'PlayGuard: encrypts the table, the secret, queues, the alarm topic and logs (minors\' personal information, 2019 Children\'s PI Regulations Art. 13)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs may use the key only for this stack's own log groups.
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal(`logs.${this.region}.${this.urlSuffix}`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:${logPrefix}/*` } },
      }),
    );
    // CloudWatch alarms publish to the encrypted topic.
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );

    const d = tableDesign;
    const table = new TableV2(this, 'Table', {
      partitionKey: { name: d.partitionKey, type: AttributeType.STRING },
      sortKey: { name: d.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: TableEncryptionV2.customerManagedKey(key),
      timeToLiveAttribute: d.timeToLiveAttribute,
      // The change stream the stats aggregator counts the operators' figures from (off every player's path).
      dynamoStream: d.streamViewType === 'NEW_AND_OLD_IMAGES' ? StreamViewType.NEW_AND_OLD_IMAGES : StreamViewType.NEW_IMAGE,
      globalSecondaryIndexes: d.indexes.map((i) => ({
        indexName: i.indexName,
        partitionKey: { name: i.partitionKey, type: AttributeType.STRING },
        sortKey: { name: i.sortKey, type: AttributeType.STRING },
        projectionType: i.projection === 'KEYS_ONLY' ? ProjectionType.KEYS_ONLY : ProjectionType.ALL,
      })),
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const secret = new Secret(this, 'Secrets', {
      description: 'PlayGuard: NPPA appId/bizId/secretKey (and previousSecretKey during rotation), the ID-number hashing pepper and the webhook signing secret',
      encryptionKey: key,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ nppaAppId: '', nppaBizId: '', nppaSecretKey: '', nppaPreviousSecretKey: '', webhookSecret: '' }),
        generateStringKey: 'pepper',
        passwordLength: 48,
        excludePunctuation: true,
      },
    });

    const alarmTopic = new Topic(this, 'Alarms', { displayName: 'PlayGuard alarms', masterKey: key, enforceSSL: true });
    if (deployment.alarmEmail) {
      alarmTopic.addSubscription(new EmailSubscription(deployment.alarmEmail));
      Validations.of(alarmTopic).acknowledge({ id: 'Serverless::Serverless-SNSRedrivePolicy', reason: 'An alarm whose e-mail cannot be delivered stays in ALARM state on the dashboard and in CloudWatch; a dead-letter queue of undelivered e-mails would itself need someone to watch it.' });
    }
    const notify = new SnsAction(alarmTopic);
    const alarm = (id: string, description: string, metric: IMetric, threshold: number, missing = TreatMissingData.NOT_BREACHING, periods = 1) =>
      new Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: periods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: missing,
      }).addAlarmAction(notify);

    // Failed scheduled runs (after the function ran and threw or timed out) land here.
    const jobFailures = new Queue(this, 'JobFailures', { encryption: QueueEncryption.KMS, encryptionMasterKey: key, enforceSSL: true, retentionPeriod: Duration.days(14) });
    // Events EventBridge could not deliver to a job's function land here.
    const undeliveredJobs = new Queue(this, 'UndeliveredJobs', { encryption: QueueEncryption.KMS, encryptionMasterKey: key, enforceSSL: true, retentionPeriod: Duration.days(14) });

    const functions = new Map<FunctionName, GatewayFunction>();
    for (const [name, spec] of functionList()) {
      const id = name.charAt(0).toUpperCase() + name.slice(1) + 'Function';
      const fn = new GatewayFunction(this, id, {
        name,
        spec,
        logRetention: retention,
        logKey: key,
        logGroupName: `${logPrefix}/functions/${name}`,
        logLevel: deployment.logLevel,
        // Every function, meta included: the HTTP edge resolves each token's game from GAMES, and
        // meta lists the games (shared/settings.ts games()). The table and the secret are bound below.
        environment: settings,
      });
      if (spec.table !== 'none') fn.bindTable(table, spec.table);
      if (spec.secret) fn.bindSecret(secret);
      functions.set(name, fn);
      alarm(`${id}ErrorsAlarm`, `${name}: invocations failed`, fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), 1);
      alarm(`${id}ThrottlesAlarm`, `${name}: invocations throttled (account concurrency)`, fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }), 1);
      if (spec.schedule) {
        fn.configureAsyncInvoke({ onFailure: new SqsDestination(jobFailures), retryAttempts: 0, maxEventAge: Duration.seconds(Math.max(60, spec.schedule.rateSeconds)) });
        new Rule(this, `${name}Schedule`, {
          description: spec.schedule.description,
          schedule: Schedule.rate(Duration.seconds(Math.max(60, spec.schedule.rateSeconds))),
          targets: [new LambdaFunction(fn, { deadLetterQueue: undeliveredJobs, retryAttempts: 2 })],
        });
      }
    }
    const functionNamed = (name: FunctionName): GatewayFunction => functions.get(name)!;

    // The operators' figures: the table's change stream and the figure events (`$.stat`) of the
    // player-facing functions' logs feed the stats aggregator; a player's call never waits for it.
    for (const [name, spec] of functionList()) {
      if (!spec.consumes) continue;
      const aggregator = functionNamed(name);
      aggregator.addEventSource(
        new DynamoEventSource(table, {
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: 100,
          maxBatchingWindow: Duration.seconds(5),
          bisectBatchOnError: true,
          retryAttempts: 10,
          // Records that still fail are kept for an operator (the JobFailures alarm fires).
          onFailure: new SqsDlq(jobFailures),
        }),
      );
      for (const source of spec.consumes.figureEventsOf) {
        const sourceFn = functionNamed(source as FunctionName);
        new SubscriptionFilter(this, `${source}FigureEvents`, { logGroup: sourceFn.logGroup, destination: new LambdaDestination(aggregator), filterPattern: FilterPattern.exists('$.stat') });
      }
    }

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { logGroupName: `${logPrefix}/api-access`, retention, encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN });
    // A custom domain (regional; in the China regions it needs the account's ICP licence): clients,
    // the console and — with publisher keys — the issuer use it.
    const domain = deployment.domainName
      ? new DomainName(this, 'ApiDomain', { domainName: deployment.domainName, certificate: Certificate.fromCertificateArn(this, 'ApiCertificate', deployment.certificateArn!), securityPolicy: SecurityPolicy.TLS_1_2 })
      : undefined;
    const api = new HttpApi(this, 'Api', {
      description: 'PlayGuard anti-addiction gateway',
      createDefaultStage: false,
    });
    const stage = api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: deployment.throttleRatePerSecond, burstLimit: deployment.throttleBurst },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latency: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            requestTime: '$context.requestTime',
          }),
        ),
      },
      ...(domain ? { domainMapping: { domainName: domain } } : {}),
    });
    const baseUrl = domain ? `https://${deployment.domainName}` : api.apiEndpoint;
    // Players' and game servers' tokens: the publisher's OpenID provider, or with publisher keys the
    // deployment itself (its well-known routes serve the keys; API Gateway fetches them from there).
    const playersIssuer = deployment.players.issuer === 'api' ? baseUrl : deployment.players.issuer;
    const authorizer = new HttpJwtAuthorizer('PublisherJwt', playersIssuer, { jwtAudience: [deployment.audience], identitySource: ['$request.header.Authorization'] });
    // Operators' tokens come from the staff issuer only: a player whose token says `scope: operator`
    // is refused on the operator routes before any function runs.
    const staffAuthorizer = new HttpJwtAuthorizer('StaffJwt', deployment.operatorIssuer, { jwtAudience: [deployment.operatorAudience], identitySource: ['$request.header.Authorization'] });
    // What the functions that serve identity settings are given (shared/api/functions.ts `serves`).
    const served = {
      publisherKeys: deployment.players.kind === 'publisherKeys' ? { PUBLISHER_ISSUER: playersIssuer, PUBLISHER_JWKS: JSON.stringify(deployment.players.jwks) } : {},
      operatorSignIn: { OPERATOR_ISSUER: deployment.operatorIssuer, OPERATOR_CLIENT_ID: deployment.operatorClientId, OPERATOR_AUDIENCE: deployment.operatorAudience },
    };
    for (const [name, spec] of functionList()) {
      if (spec.serves) for (const [k, v] of Object.entries(served[spec.serves])) functionNamed(name).addEnvironment(k, v);
    }
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    for (const [operationId, route] of routeList()) {
      let integration = integrations.get(route.fn);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.fn}Integration`, functionNamed(route.fn));
        integrations.set(route.fn, integration);
      }
      const created = api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer: route.auth === 'none' ? new HttpNoneAuthorizer() : route.auth === 'operator' ? staffAuthorizer : authorizer,
        // Server-only and operator routes: API Gateway refuses a credential without the `server`
        // (`operator`) scope before any function runs.
        ...(route.auth === 'server' ? { authorizationScopes: ['server'] } : route.auth === 'operator' ? { authorizationScopes: ['operator'] } : {}),
      });
      if (route.auth === 'none') {
        created.forEach((r) => Validations.of(r).acknowledge({ id: 'AwsSolutions::AwsSolutions-APIG4', reason: `${operationId} is public by design (the contract: no auth).` }));
      }
    }

    alarm('Api5xxAlarm', 'The API answered 5xx (the gateway never answers 5xx to a client mistake)', stage.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }), 5);
    alarm('UnsentEventAgeAlarm', `The oldest unsent login/logout event is over ${UNSENT_EVENT_AGE_ALARM_SECONDS} s old: reports to the national system are late (or the reporter is not running)`,
      new Metric({ namespace: 'PlayGuard', metricName: 'OldestUnsentEventAgeSeconds', statistic: 'Maximum', period: Duration.minutes(1) }), UNSENT_EVENT_AGE_ALARM_SECONDS, TreatMissingData.BREACHING, 3);
    alarm('SelfCheckAlarm', `Minors played outside the allowed windows (the figures' self-check, ${SELF_CHECK_ALARM_SECONDS} s or more in 5 minutes): find the sessions in the console's account view`,
      new Metric({ namespace: 'PlayGuard', metricName: 'MinorSecondsOutsideWindows', statistic: 'Sum', period: Duration.minutes(5) }), SELF_CHECK_ALARM_SECONDS);
    alarm('JobFailuresAlarm', 'A scheduled run failed (its event is kept in the JobFailures queue)', jobFailures.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }), 1);
    alarm('UndeliveredJobsAlarm', 'EventBridge could not start a scheduled run', undeliveredJobs.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }), 1);
    for (const { metricName, description } of OPERATOR_ALARMS) {
      alarm(`${metricName}Alarm`, description, new Metric({ namespace: 'PlayGuard', metricName, statistic: 'Sum', period: Duration.minutes(5) }), 1);
    }

    const pg = (metricName: string, statistic = 'Sum') => new Metric({ namespace: 'PlayGuard', metricName, statistic, period: Duration.minutes(1) });
    const fns = [...functions.values()];
    new Dashboard(this, 'Dashboard', {
      dashboardName: `${this.stackName}-operations`,
      widgets: [
        [
          new GraphWidget({ title: 'API requests and errors', left: [stage.metricCount({ statistic: 'Sum' }), stage.metricClientError({ statistic: 'Sum' }), stage.metricServerError({ statistic: 'Sum' })], width: 12 }),
          new GraphWidget({ title: 'API latency (p50, p99)', left: [stage.metricLatency({ statistic: 'p50' }), stage.metricLatency({ statistic: 'p99' })], width: 12 }),
        ],
        [
          new GraphWidget({ title: 'Function errors', left: fns.map((f) => f.metricErrors({ statistic: 'Sum' })), width: 12 }),
          new GraphWidget({ title: 'Function duration (p99)', left: fns.map((f) => f.metricDuration({ statistic: 'p99' })), width: 12 }),
        ],
        [
          new GraphWidget({ title: 'National system reporting', left: [pg('NppaEventsSent'), pg('NppaDeadLetters'), pg('NppaReportTransientError')], right: [pg('OldestUnsentEventAgeSeconds', 'Maximum')], width: 12 }),
          new GraphWidget({ title: 'Players', left: [pg('IdentityVerified'), pg('IdentityPending'), pg('MinorLogin'), pg('SessionsSwept'), pg('ReservationsReleased')], width: 12 }),
        ],
      ],
    });

    Validations.of(jobFailures).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-SQS3', reason: 'This queue is itself the on-failure destination of the scheduled functions.' },
      { id: 'Serverless::Serverless-SQSRedrivePolicy', reason: 'This queue is itself the on-failure destination of the scheduled functions.' },
    );
    Validations.of(undeliveredJobs).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-SQS3', reason: 'This queue is itself the dead-letter queue of the schedules\' EventBridge targets.' },
      { id: 'Serverless::Serverless-SQSRedrivePolicy', reason: 'This queue is itself the dead-letter queue of the schedules\' EventBridge targets.' },
    );
    Validations.of(secret).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-SMG4', reason: 'The NPPA appId/bizId/secretKey are issued by the regulator and rotated by the operator through the NPPA portal; the gateway accepts a previous key during rotation. Automatic rotation would break the integration.' },
    );
    Validations.of(this).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: 'The minimal managed policy for writing the function\'s own logs; CDK attaches it to every function.' },
      { id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]', reason: 'X-Ray PutTraceSegments/PutTelemetryRecords do not support resource-level permissions.' },
      { id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason: 'CDK\'s table and queue grants on this stack\'s own customer-managed key (resource-scoped to that key).' },
      { id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason: 'CDK\'s table grant on this stack\'s own customer-managed key (resource-scoped to that key).' },
      { id: 'AwsSolutions::AwsSolutions-IAM5[Resource::<TableCD117FA1.Arn>/index/*]', reason: 'Queries on this table\'s own sparse index gsi1 (work queues).' },
      { id: 'AwsSolutions::AwsSolutions-L1', reason: 'Pinned to nodejs22.x: the runtime the test suite and tools run on; moving up is a deliberate, tested change.' },
      { id: 'Serverless::Serverless-LambdaLatestVersion', reason: 'Pinned to nodejs22.x: the runtime the test suite and tools run on.' },
      { id: 'Serverless::Serverless-LambdaDLQ', reason: 'API functions are invoked synchronously (no asynchronous retries to catch); scheduled functions send failed runs to the JobFailures queue through an on-failure destination, which the JobFailuresAlarm watches.' },
    );

    new CfnOutput(this, 'ApiUrl', { value: baseUrl, description: 'What game clients and servers call' });
    if (domain) {
      new CfnOutput(this, 'ApiDomainTarget', { value: domain.regionalDomainName, description: `Point a CNAME record for ${deployment.domainName} at this name` });
      new CfnOutput(this, 'ApiDefaultEndpoint', { value: api.apiEndpoint });
    }
    if (deployment.players.kind === 'publisherKeys') new CfnOutput(this, 'PlayerTokenIssuer', { value: playersIssuer, description: 'The iss of player and server tokens signed with your publisher keys' });
    new CfnOutput(this, 'ConsoleUrl', { value: `${baseUrl}/console`, description: 'The operators\' console' });
    new CfnOutput(this, 'ConsoleRedirectUri', {
      value: `${baseUrl}/console`,
      description: `Register this redirect URI for the public client ${deployment.operatorClientId} (authorization code + PKCE) at ${deployment.operatorIssuer}, and allow the console's origin (CORS)`,
    });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'SecretArn', { value: secret.secretArn, description: 'Fill nppaAppId/nppaBizId/nppaSecretKey (and webhookSecret when playguard:webhookUrl is set) here after deploying' });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn, description: 'Subscribe the on-call address here (or pass -c playguard:alarmEmail=…)' });
  }
}
