/**
 * What tells an operator the gateway needs them: one KMS-encrypted SNS topic every alarm notifies,
 * the alarms, and one dashboard (`<stack>-operations`). Created in the stack's own scope, with the
 * ids they have always had.
 */
import { Duration, Validations, type Stack } from 'aws-cdk-lib';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, Dashboard, GraphWidget, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';

/** Metrics the functions emit (embedded metric format, namespace PlayGuard) that an operator must act on. */
export const OPERATOR_ALARMS: ReadonlyArray<{ metricName: string; description: string }> = [
  { metricName: 'NppaDeadLetters', description: 'The national system refused login/logout events permanently (kept as dead letters)' },
  { metricName: 'NppaConfigurationError', description: 'The national system refused our credentials, IP or signature: fix the configuration' },
  { metricName: 'CalendarNotCovered', description: "A decision needed a day the holiday calendar does not cover: load next year's schedule" },
  { metricName: 'PendingIdentityExpired', description: 'A real-name check stayed in progress for 48 h and was rejected' },
  {
    metricName: 'NppaUnknownGame',
    description: 'A session of a game no longer in playguard:games ended: its login/logout events stay queued until the game is configured again',
  },
  {
    metricName: 'WebhookDeadLetters',
    description: "The publisher's webhook endpoint did not accept an event within 24 h of retries (kept 30 days as a dead letter)",
  },
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

export class GatewayAlarms {
  readonly topic: Topic;
  private readonly notify: SnsAction;

  constructor(
    private readonly stack: Stack,
    key: IKey,
    alarmEmail: string | undefined,
  ) {
    this.topic = new Topic(stack, 'Alarms', { displayName: 'PlayGuard alarms', masterKey: key, enforceSSL: true });
    if (alarmEmail) {
      this.topic.addSubscription(new EmailSubscription(alarmEmail));
      Validations.of(this.topic).acknowledge({
        id: 'Serverless::Serverless-SNSRedrivePolicy',
        reason:
          'An alarm whose e-mail cannot be delivered stays in ALARM state on the dashboard and in CloudWatch; ' +
          'a dead-letter queue of undelivered e-mails would itself need someone to watch it.',
      });
    }
    this.notify = new SnsAction(this.topic);
  }

  /** An alarm at `threshold` or more, notifying the topic. */
  alarm(id: string, description: string, metric: IMetric, threshold: number, missing = TreatMissingData.NOT_BREACHING, periods = 1): void {
    new Alarm(this.stack, id, {
      alarmDescription: description,
      metric,
      threshold,
      evaluationPeriods: periods,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: missing,
    }).addAlarmAction(this.notify);
  }

  /** A function's failed and throttled invocations. */
  watchFunction(id: string, name: string, fn: IFunction): void {
    this.alarm(`${id}ErrorsAlarm`, `${name}: invocations failed`, fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), 1);
    this.alarm(
      `${id}ThrottlesAlarm`,
      `${name}: invocations throttled (account concurrency)`,
      fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
      1,
    );
  }

  /**
   * The gateway as a whole: API 5xx, late reports, the figures' self-check, failed and undelivered
   * scheduled runs, the metrics an operator must act on, and the dashboard.
   */
  watchGateway(parts: { stage: HttpStage; functions: readonly IFunction[]; jobFailures: Queue; undeliveredJobs: Queue }): void {
    const { stage, jobFailures, undeliveredJobs } = parts;
    this.alarm(
      'Api5xxAlarm',
      'The API answered 5xx (the gateway never answers 5xx to a client mistake)',
      stage.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      5,
    );
    this.alarm(
      'UnsentEventAgeAlarm',
      `The oldest unsent login/logout event is over ${UNSENT_EVENT_AGE_ALARM_SECONDS} s old: reports to ` +
        `the national system are late (or the reporter is not running)`,
      new Metric({ namespace: 'PlayGuard', metricName: 'OldestUnsentEventAgeSeconds', statistic: 'Maximum', period: Duration.minutes(1) }),
      UNSENT_EVENT_AGE_ALARM_SECONDS,
      TreatMissingData.BREACHING,
      3,
    );
    this.alarm(
      'SelfCheckAlarm',
      `Minors played outside the allowed windows (the figures' self-check, ${SELF_CHECK_ALARM_SECONDS} s ` +
        `or more in 5 minutes): find the sessions in the console's account view`,
      new Metric({ namespace: 'PlayGuard', metricName: 'MinorSecondsOutsideWindows', statistic: 'Sum', period: Duration.minutes(5) }),
      SELF_CHECK_ALARM_SECONDS,
    );
    // The complaint watcher counts open complaints and requests past their due date every 15 minutes
    // (2024 Regulations Art. 7: complaints handled promptly); one is enough to act on.
    this.alarm(
      'ComplaintsOverdueAlarm',
      'Complaints or requests are past their due date (15 days, or playguard:complaintDays): answer them in the console (投诉与申请)',
      new Metric({ namespace: 'PlayGuard', metricName: 'ComplaintsOverdue', statistic: 'Maximum', period: Duration.hours(1) }),
      1,
      TreatMissingData.MISSING,
    );
    this.alarm(
      'JobFailuresAlarm',
      'A scheduled run failed (its event is kept in the JobFailures queue)',
      jobFailures.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      1,
    );
    this.alarm(
      'UndeliveredJobsAlarm',
      'EventBridge could not start a scheduled run',
      undeliveredJobs.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      1,
    );
    for (const { metricName, description } of OPERATOR_ALARMS) {
      this.alarm(`${metricName}Alarm`, description, new Metric({ namespace: 'PlayGuard', metricName, statistic: 'Sum', period: Duration.minutes(5) }), 1);
    }

    const pg = (metricName: string, statistic = 'Sum') => new Metric({ namespace: 'PlayGuard', metricName, statistic, period: Duration.minutes(1) });
    const fns = parts.functions;
    new Dashboard(this.stack, 'Dashboard', {
      dashboardName: `${this.stack.stackName}-operations`,
      widgets: [
        [
          new GraphWidget({
            title: 'API requests and errors',
            left: [stage.metricCount({ statistic: 'Sum' }), stage.metricClientError({ statistic: 'Sum' }), stage.metricServerError({ statistic: 'Sum' })],
            width: 12,
          }),
          new GraphWidget({
            title: 'API latency (p50, p99)',
            left: [stage.metricLatency({ statistic: 'p50' }), stage.metricLatency({ statistic: 'p99' })],
            width: 12,
          }),
        ],
        [
          new GraphWidget({ title: 'Function errors', left: fns.map((f) => f.metricErrors({ statistic: 'Sum' })), width: 12 }),
          new GraphWidget({ title: 'Function duration (p99)', left: fns.map((f) => f.metricDuration({ statistic: 'p99' })), width: 12 }),
        ],
        [
          new GraphWidget({
            title: 'National system reporting',
            left: [pg('NppaEventsSent'), pg('NppaDeadLetters'), pg('NppaReportTransientError')],
            right: [pg('OldestUnsentEventAgeSeconds', 'Maximum')],
            width: 12,
          }),
          new GraphWidget({
            title: 'Players',
            left: [pg('IdentityVerified'), pg('IdentityPending'), pg('MinorLogin'), pg('SessionsSwept'), pg('ReservationsReleased')],
            width: 12,
          }),
        ],
      ],
    });
  }
}
