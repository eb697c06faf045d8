/**
 * One Lambda per entry of the function table (shared/api/functions.ts: grants, environment,
 * timeout, memory and schedule come from there and nowhere else), each watched by its alarms; the
 * schedules of the jobs and the two queues their failed and undelivered runs land in; and the feeds
 * of the stats aggregator (the table's change stream, the figure events of the player-facing
 * functions' logs). Created in the stack's own scope, with the ids they have always had.
 */
import { Duration, Validations, type Stack } from 'aws-cdk-lib';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { FilterPattern, SubscriptionFilter, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { LambdaDestination } from 'aws-cdk-lib/aws-logs-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { functionList, type FunctionName } from '#shared/api/functions';
import type { DeploymentContext } from '#infra/context';
import { GatewayFunction } from '#infra/gatewayFunction';
import type { GatewayData } from '#infra/stack/data';
import type { GatewayAlarms } from '#infra/stack/observability';

export class GatewayFunctions {
  readonly all = new Map<FunctionName, GatewayFunction>();
  /** Failed scheduled runs (after the function ran and threw or timed out) land here. */
  readonly jobFailures: Queue;
  /** Events EventBridge could not deliver to a job's function land here. */
  readonly undeliveredJobs: Queue;

  constructor(
    stack: Stack,
    parts: {
      data: GatewayData;
      alarms: GatewayAlarms;
      deployment: DeploymentContext;
      environment: Record<string, string>;
      logRetention: RetentionDays;
      logPrefix: string;
    },
  ) {
    const { data, alarms, deployment } = parts;
    this.jobFailures = new Queue(stack, 'JobFailures', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: data.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.undeliveredJobs = new Queue(stack, 'UndeliveredJobs', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: data.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    for (const [name, spec] of functionList()) {
      const id = name.charAt(0).toUpperCase() + name.slice(1) + 'Function';
      const fn = new GatewayFunction(stack, id, {
        name,
        spec,
        logRetention: parts.logRetention,
        logKey: data.key,
        logGroupName: `${parts.logPrefix}/functions/${name}`,
        logLevel: deployment.logLevel,
        // Every function, meta included: the HTTP edge resolves each token's game from GAMES, and
        // meta lists the games (shared/settings.ts games()). The table and the secret are bound below.
        environment: parts.environment,
      });
      if (spec.table !== 'none') fn.bindTable(data.table, spec.table);
      if (spec.secret) fn.bindSecret(data.secret);
      this.all.set(name, fn);
      alarms.watchFunction(id, name, fn);
      if (spec.schedule) {
        fn.configureAsyncInvoke({
          onFailure: new SqsDestination(this.jobFailures),
          retryAttempts: 0,
          maxEventAge: Duration.seconds(Math.max(60, spec.schedule.rateSeconds)),
        });
        new Rule(stack, `${name}Schedule`, {
          description: spec.schedule.description,
          schedule: Schedule.rate(Duration.seconds(Math.max(60, spec.schedule.rateSeconds))),
          targets: [new LambdaFunction(fn, { deadLetterQueue: this.undeliveredJobs, retryAttempts: 2 })],
        });
      }
    }

    // The operators' figures: the table's change stream and the figure events (`$.stat`) of the
    // player-facing functions' logs feed the stats aggregator; a player's call never waits for it.
    for (const [name, spec] of functionList()) {
      if (!spec.consumes) continue;
      const aggregator = this.named(name);
      aggregator.addEventSource(
        new DynamoEventSource(data.table, {
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: 100,
          maxBatchingWindow: Duration.seconds(5),
          bisectBatchOnError: true,
          retryAttempts: 10,
          // Records that still fail are kept for an operator (the JobFailures alarm fires).
          onFailure: new SqsDlq(this.jobFailures),
        }),
      );
      for (const source of spec.consumes.figureEventsOf) {
        const sourceFn = this.named(source as FunctionName);
        new SubscriptionFilter(stack, `${source}FigureEvents`, {
          logGroup: sourceFn.logGroup,
          destination: new LambdaDestination(aggregator),
          filterPattern: FilterPattern.exists('$.stat'),
        });
      }
    }

    Validations.of(this.jobFailures).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-SQS3', reason: 'This queue is itself the on-failure destination of the scheduled functions.' },
      { id: 'Serverless::Serverless-SQSRedrivePolicy', reason: 'This queue is itself the on-failure destination of the scheduled functions.' },
    );
    Validations.of(this.undeliveredJobs).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-SQS3', reason: "This queue is itself the dead-letter queue of the schedules' EventBridge targets." },
      { id: 'Serverless::Serverless-SQSRedrivePolicy', reason: "This queue is itself the dead-letter queue of the schedules' EventBridge targets." },
    );
  }

  named(name: FunctionName): GatewayFunction {
    return this.all.get(name)!;
  }
}
