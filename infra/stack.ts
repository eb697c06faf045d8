/**
 * The gateway in one account: a customer-managed KMS key, the single table, the NPPA/pepper
 * secret, an HTTP API with the native JWT authorizer, one function per capability route group
 * (from the route table) and one per scheduled job (from the job table).
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpNoneAuthorizer, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { jobs } from '#shared/api/jobs';
import { routeList, type FunctionName } from '#shared/api/routes';
import { tableDesign } from '#shared/storage/tableDesign';
import { policyEnvironment, type DeploymentContext } from '#infra/context';
import { GatewayFunction } from '#infra/gatewayFunction';

export interface GatewayStackProps extends StackProps {
  deployment: DeploymentContext;
}

/** Functions that need the secret (NPPA credentials, hashing pepper). */
const NEEDS_SECRET = new Set<string>(['identity', 'sessions', 'payments', 'challenges']);

export class GatewayStack extends Stack {
  constructor(scope: Construct, id: string, props: GatewayStackProps) {
    super(scope, id, props);
    const { deployment } = props;
    const retention = (Object.values(RetentionDays).find((d) => d === deployment.logRetentionDays) as RetentionDays | undefined) ?? RetentionDays.SIX_MONTHS;

    const key = new Key(this, 'DataKey', {
      description: 'PlayGuard: encrypts the table, the secret and logs (minors\' personal information, 2019 Children\'s PI Regulations Art. 13)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal(`logs.${this.region}.${this.urlSuffix}`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
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
      globalSecondaryIndexes: d.indexes.map((i) => ({
        indexName: i.indexName,
        partitionKey: { name: i.partitionKey, type: AttributeType.STRING },
        sortKey: { name: i.sortKey, type: AttributeType.STRING },
      })),
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const secret = new Secret(this, 'Secrets', {
      description: 'PlayGuard: NPPA appId/bizId/secretKey (and previousSecretKey during rotation) and the ID-number hashing pepper',
      encryptionKey: key,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ nppaAppId: '', nppaBizId: '', nppaSecretKey: '', nppaPreviousSecretKey: '' }),
        generateStringKey: 'pepper',
        passwordLength: 48,
        excludePunctuation: true,
      },
    });

    const policies = policyEnvironment(deployment);
    const functions = new Map<string, GatewayFunction>();
    const functionFor = (name: string): GatewayFunction => {
      let fn = functions.get(name);
      if (!fn) {
        const id = name.charAt(0).toUpperCase() + name.slice(1) + 'Function';
        fn = new GatewayFunction(this, id, { name, logRetention: retention, logKey: key, environment: policies });
        if (name !== 'meta') fn.bindTable(table, 'readWrite');
        if (NEEDS_SECRET.has(name)) fn.bindSecret(secret);
        functions.set(name, fn);
      }
      return fn;
    };

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention, encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN });
    const api = new HttpApi(this, 'Api', {
      description: 'PlayGuard anti-addiction gateway',
      createDefaultStage: false,
    });
    api.addStage('DefaultStage', {
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
    });
    const authorizer = new HttpJwtAuthorizer('PublisherJwt', deployment.issuer, { jwtAudience: [deployment.audience], identitySource: ['$request.header.Authorization'] });
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    for (const [operationId, route] of routeList()) {
      let integration = integrations.get(route.fn);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.fn}Integration`, functionFor(route.fn));
        integrations.set(route.fn, integration);
      }
      const created = api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer: route.auth === 'none' ? new HttpNoneAuthorizer() : authorizer,
      });
      if (route.auth === 'none') {
        created.forEach((r) => Validations.of(r).acknowledge({ id: 'AwsSolutions::AwsSolutions-APIG4', reason: `${operationId} is public by design (CONTRACT.md: no auth).` }));
      }
    }

    if (Object.keys(jobs).length > 0) {
      const deadLetters = new Queue(this, 'JobDeadLetters', { encryption: QueueEncryption.KMS, encryptionMasterKey: key, enforceSSL: true, retentionPeriod: Duration.days(14) });
      for (const [name, job] of Object.entries(jobs)) {
        const fn = functionFor(job.fn);
        new Rule(this, `${name}Schedule`, {
          description: job.description,
          schedule: Schedule.rate(Duration.seconds(Math.max(60, job.rateSeconds))),
          targets: [new LambdaFunction(fn, { deadLetterQueue: deadLetters, retryAttempts: 2 })],
        });
      }
      Validations.of(deadLetters).acknowledge(
        { id: 'AwsSolutions::AwsSolutions-SQS3', reason: 'This queue is itself the dead-letter queue of the scheduled jobs.' },
        { id: 'Serverless::Serverless-SQSRedrivePolicy', reason: 'This queue is itself the dead-letter queue of the scheduled jobs.' },
      );
    }

    Validations.of(secret).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-SMG4', reason: 'The NPPA appId/bizId/secretKey are issued by the regulator and rotated by the operator through the NPPA portal; the gateway accepts a previous key during rotation. Automatic rotation would break the integration.' },
    );
    Validations.of(this).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: 'The minimal managed policy for writing the function\'s own logs; CDK attaches it to every function.' },
      { id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]', reason: 'X-Ray PutTraceSegments/PutTelemetryRecords do not support resource-level permissions.' },
      { id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason: 'CDK\'s table grant on this stack\'s own customer-managed key (resource-scoped to that key).' },
      { id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason: 'CDK\'s table grant on this stack\'s own customer-managed key (resource-scoped to that key).' },
      { id: 'AwsSolutions::AwsSolutions-IAM5[Resource::<TableCD117FA1.Arn>/index/*]', reason: 'Queries on this table\'s own sparse index gsi1 (work queues).' },
      { id: 'AwsSolutions::AwsSolutions-L1', reason: 'Pinned to nodejs22.x: the runtime the test suite and tools run on (DESIGN.md "Runtime"); moving up is a deliberate, tested change.' },
      { id: 'Serverless::Serverless-LambdaLatestVersion', reason: 'Pinned to nodejs22.x: the runtime the test suite and tools run on (DESIGN.md "Runtime").' },
      { id: 'Serverless::Serverless-LambdaDLQ', reason: 'API functions are invoked synchronously (no async retries to dead-letter); scheduled functions have a dead-letter queue on their EventBridge target.' },
    );

    // Alarms on the functions' embedded metrics: what an operator must act on.
    const ALARMS: Array<[string, string]> = [
      ['NppaDeadLetters', 'The national system refused login/logout events permanently (kept as dead letters)'],
      ['NppaConfigurationError', 'The national system refused our credentials, IP or signature: fix the configuration'],
      ['CalendarNotCovered', 'A decision needed a day the holiday calendar does not cover: load next year\'s schedule'],
      ['PendingIdentityExpired', 'A real-name check stayed in progress for 48 h and was rejected'],
    ];
    for (const [metricName, description] of ALARMS) {
      new Alarm(this, `${metricName}Alarm`, {
        alarmDescription: description,
        metric: new Metric({ namespace: 'PlayGuard', metricName, statistic: 'Sum', period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'SecretArn', { value: secret.secretArn, description: 'Fill nppaAppId/nppaBizId/nppaSecretKey here after deploying' });
  }
}
