/**
 * Unit prices the cost model multiplies its quantities by (docs/capacity.md, *Cost*). us-east-1
 * on-demand list prices in USD, from each service's public price page. The China regions bill in
 * CNY at their own list prices, published on amazonaws.cn; the one China price this repository could
 * check offline is DynamoDB's on-demand write request (¥11.1538 per million write request units on
 * https://www.amazonaws.cn/en/dynamodb/pricing/, as stored; undated): the others are left for the
 * operator, who passes them with `npm run capacity -- --prices prices.json` (same keys, any currency).
 */
export interface Prices {
  currency: string;
  /** HTTP API, per request (first 300 million a month). */
  httpApiRequest: number;
  /** Lambda, per request and per GB-second (arm64). */
  lambdaRequest: number;
  lambdaGbSecond: number;
  /** DynamoDB on-demand: per write request unit, per read request unit, per GB-month stored, per GB-month of point-in-time recovery. */
  dynamoWriteUnit: number;
  dynamoReadUnit: number;
  dynamoGbMonth: number;
  dynamoPitrGbMonth: number;
  /** CloudWatch Logs: per GB ingested, per GB-month archived. */
  logsIngestedGb: number;
  logsStoredGbMonth: number;
  /** CloudWatch: per custom metric (series) a month, per standard alarm a month, per dashboard a month. */
  metricMonth: number;
  alarmMonth: number;
  dashboardMonth: number;
  /** X-Ray: per trace recorded. */
  xrayTrace: number;
  /** KMS: per customer-managed key a month, per request. */
  kmsKeyMonth: number;
  kmsRequest: number;
  /** Secrets Manager: per secret a month, per API call. */
  secretMonth: number;
  secretCall: number;
  /** EventBridge: per scheduled event delivered (an upper bound: rules on the default bus). */
  eventBridgeEvent: number;
  /** Data transfer out to the internet, per GB. */
  transferOutGb: number;
}

export const US_EAST_1: Prices = {
  currency: 'USD',
  httpApiRequest: 1.0 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecond: 0.0000133334,
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  dynamoGbMonth: 0.25,
  dynamoPitrGbMonth: 0.2,
  logsIngestedGb: 0.5,
  logsStoredGbMonth: 0.03,
  metricMonth: 0.3,
  alarmMonth: 0.1,
  dashboardMonth: 3,
  xrayTrace: 5 / 1e6,
  kmsKeyMonth: 1,
  kmsRequest: 0.03 / 1e4,
  secretMonth: 0.4,
  secretCall: 0.05 / 1e4,
  eventBridgeEvent: 1 / 1e6,
  transferOutGb: 0.09,
};

/** What is known of the China regions' prices offline (CNY); the rest must be supplied (`--prices`). */
export const CHINA_KNOWN: Partial<Prices> = {
  currency: 'CNY',
  dynamoWriteUnit: 11.1538 / 1e6,
};
