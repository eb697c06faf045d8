/**
 * The gateway in one account, from four parts (infra/stack/): its data (a customer-managed KMS
 * key, the single table, the NPPA/pepper secret), its functions (one per entry of the function
 * table, shared/api/functions.ts, with the jobs' schedules and the figures' feeds), its HTTP API
 * (two native JWT authorizers, an optional custom domain, the route table's routes) and what
 * watches it all (alarms that notify an SNS topic, one dashboard). Each part adds its resources to
 * the stack itself, under the ids they have always had: their logical ids, a deployed table's above
 * all, never change with the code's shape.
 */
import { CfnOutput, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { settingsEnvironment, type DeploymentContext } from '#infra/context';
import { GatewayApi } from '#infra/stack/api';
import { GatewayData } from '#infra/stack/data';
import { GatewayFunctions } from '#infra/stack/functions';
import { GatewayAlarms } from '#infra/stack/observability';

export { OPERATOR_ALARMS, SELF_CHECK_ALARM_SECONDS, UNSENT_EVENT_AGE_ALARM_SECONDS } from '#infra/stack/observability';

export interface GatewayStackProps extends StackProps {
  deployment: DeploymentContext;
}

export class GatewayStack extends Stack {
  constructor(scope: Construct, id: string, props: GatewayStackProps) {
    super(scope, id, props);
    const { deployment } = props;
    const logRetention = (Object.values(RetentionDays).find((d) => d === deployment.logRetentionDays) as RetentionDays | undefined) ?? RetentionDays.SIX_MONTHS;
    const logPrefix = `/playguard/${this.stackName}`;

    const data = new GatewayData(this, logPrefix);
    const alarms = new GatewayAlarms(this, data.key, deployment.alarmEmail);
    const functions = new GatewayFunctions(this, { data, alarms, deployment, environment: settingsEnvironment(deployment), logRetention, logPrefix });
    const http = new GatewayApi(this, { deployment, functions, key: data.key, logRetention, logPrefix });
    alarms.watchGateway({
      stage: http.stage,
      functions: [...functions.all.values()],
      jobFailures: functions.jobFailures,
      undeliveredJobs: functions.undeliveredJobs,
    });

    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: "The minimal managed policy for writing the function's own logs; CDK attaches it to every function.",
      },
      { id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]', reason: 'X-Ray PutTraceSegments/PutTelemetryRecords do not support resource-level permissions.' },
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason: "CDK's table and queue grants on this stack's own customer-managed key (resource-scoped to that key).",
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
        reason: "CDK's table grant on this stack's own customer-managed key (resource-scoped to that key).",
      },
      { id: 'AwsSolutions::AwsSolutions-IAM5[Resource::<TableCD117FA1.Arn>/index/*]', reason: "Queries on this table's own sparse index gsi1 (work queues)." },
      {
        id: 'AwsSolutions::AwsSolutions-L1',
        reason: 'Pinned to nodejs22.x: the runtime the test suite and tools run on; moving up is a deliberate, tested change.',
      },
      { id: 'Serverless::Serverless-LambdaLatestVersion', reason: 'Pinned to nodejs22.x: the runtime the test suite and tools run on.' },
      {
        id: 'Serverless::Serverless-LambdaDLQ',
        reason:
          'API functions are invoked synchronously (no asynchronous retries to catch); scheduled functions ' +
          'send failed runs to the JobFailures queue through an on-failure destination, which the JobFailuresAlarm watches.',
      },
    );

    const { baseUrl, domain } = http;
    new CfnOutput(this, 'ApiUrl', { value: baseUrl, description: 'What game clients and servers call' });
    if (domain) {
      new CfnOutput(this, 'ApiDomainTarget', {
        value: domain.regionalDomainName,
        description: `Point a CNAME record for ${deployment.domainName} at this name`,
      });
      new CfnOutput(this, 'ApiDefaultEndpoint', { value: http.api.apiEndpoint });
    }
    if (deployment.players.kind === 'publisherKeys')
      new CfnOutput(this, 'PlayerTokenIssuer', {
        value: http.playersIssuer,
        description: 'The iss of player and server tokens signed with your publisher keys',
      });
    new CfnOutput(this, 'ConsoleUrl', { value: `${baseUrl}/console`, description: "The operators' console" });
    new CfnOutput(this, 'ConsoleRedirectUri', {
      value: `${baseUrl}/console`,
      description:
        `Register this redirect URI for the public client ${deployment.operatorClientId} (authorization code ` +
        `+ PKCE) at ${deployment.operatorIssuer}, and allow the console's origin (CORS)`,
    });
    new CfnOutput(this, 'TableName', { value: data.table.tableName });
    new CfnOutput(this, 'SecretArn', {
      value: data.secret.secretArn,
      description: 'Fill nppaAppId/nppaBizId/nppaSecretKey (and webhookSecret when playguard:webhookUrl is set) here after deploying',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: alarms.topic.topicArn,
      description: 'Subscribe the on-call address here (or pass -c playguard:alarmEmail=…)',
    });
  }
}
