/**
 * The capacity model's inputs (infra/capacity/model.ts): what was measured through the gateway,
 * and the design as the code builds it.
 *
 * - Per operation: test/e2e/writeUnits.test.ts (write units of a login, a heartbeat, the end of a
 *   minor's play and an adult's logout, exact, by DynamoDB's billing rules).
 * - Per player-hour: `npm run load` (2,000 players, the Friday evening of test/load/scenario.ts;
 *   its report's `dynamo.perPlayerHour`, `logs.perPlayerHour`, `requests.perPlayerHour`,
 *   `metrics.series`). Re-measure after a change on the hot paths and update these.
 * - Lambda durations are not measured here (DynamoDB Local on a shared 2-core machine says nothing of
 *   Lambda next to DynamoDB): assumed from ~4–6 ms a DynamoDB round trip in-region plus the
 *   handler's own few milliseconds, and stated as assumptions in docs/capacity.md.
 */
import { functionTable } from '#shared/api/functions';
import { LIVE_SHARDS, OUTBOX_SHARDS, PERSON_WEEK_SHARDS, STATS_SHARDS } from '#shared/storage/keys';
import { tableDesign } from '#shared/storage/tableDesign';
import type { Design } from '#infra/capacity/model';

export interface Measured {
  operations: {
    login: { minorWriteUnits: number; adultWriteUnits: number; readUnits: number; lambdaMs: number };
    heartbeat: { tableWriteUnits: number; minorIntervalSeconds: number; adultIntervalSeconds: number; lambdaMs: number };
    /** A minor's end of play, besides the heartbeat that ends it (a transaction of five items and two index changes). */
    end: { minorWriteUnits: number; lambdaMs: number };
    /** GET /v1/limits, which the client library calls after a clock-based end. */
    limits: { readUnits: number; lambdaMs: number };
  };
  perPlayerHour: {
    apiRequests: number;
    writeUnits: number;
    readUnits: number;
    jobsWriteUnits: number;
    jobsReadUnits: number;
    aggregatorWriteUnits: number;
    streamRecords: number;
    /** Bytes our code logs (JSON lines, metric lines), players' requests and jobs. */
    logBytes: number;
    nppaEvents: number;
    /** Minors' heartbeats (the ones a keys-only sweep index would spare half the index writes of). */
    minorHeartbeats: number;
  };
  /** Stream records one minor's end of play makes (the heartbeat, the session, the lease, the account, the day play, the event). */
  streamRecordsPerMinorEnd: number;
  lambdaMsPerRequest: number;
  lambdaMemoryMb: number;
  aggregatorMsPerBatch: number;
  /** Lambda's own JSON lines a invocation (platform.start, platform.report and their like), bytes. */
  lambdaPlatformLogBytes: number;
  /** One API Gateway access-log line (the stage's JSON format), bytes. */
  apiAccessLogBytes: number;
  /** An answer and its share of the TLS connection, bytes out. */
  bytesOutPerRequest: number;
  /** Share of requests X-Ray records with its default sampling (1 a second and 5 %). */
  xraySampledShare: number;
  /** Bytes kept times hours kept, per player-hour (sessions 7 days, two events 30 days). */
  storedByteHoursPerPlayerHour: number;
  scheduledJobs: number;
  idleJobSeconds: number;
  metricSeries: number;
  alarms: number;
  kmsRequestsPerHour: number;
}

export const MEASURED: Measured = {
  operations: {
    login: { minorWriteUnits: 15, adultWriteUnits: 11, readUnits: 0, lambdaMs: 30 },
    heartbeat: { tableWriteUnits: 1, minorIntervalSeconds: 300, adultIntervalSeconds: 600, lambdaMs: 12 },
    end: { minorWriteUnits: 12, lambdaMs: 15 },
    limits: { readUnits: 2, lambdaMs: 15 },
  },
  // npm run load (2,000 players, seed 20261127), 2026-12-07, the code as of issue 28: 2,051 sessions,
  // 1,812.55 player-hours (814.1 of minors), 23,506 requests, 4,102 events (report: /tmp is not kept;
  // re-run it to check these).
  perPlayerHour: {
    apiRequests: 12.97,
    writeUnits: 52.68,
    readUnits: 1.98,
    jobsWriteUnits: 2.47,
    jobsReadUnits: 9.84,
    aggregatorWriteUnits: 11.65,
    streamRecords: 28.02,
    logBytes: 462 + 120,
    nppaEvents: 4102 / 1812.55,
    // 12 an hour for each minor's 814.1 player-hours, of 1,812.55.
    minorHeartbeats: (12 * 814.1) / 1812.55,
  },
  streamRecordsPerMinorEnd: 6,
  lambdaMsPerRequest: 20,
  lambdaMemoryMb: 512,
  aggregatorMsPerBatch: 400,
  lambdaPlatformLogBytes: 900,
  apiAccessLogBytes: 260,
  bytesOutPerRequest: 700,
  xraySampledShare: 0.05,
  // A session item (~0.9 KB, 7 days after its end) and two events (~0.4 KB each, 30 days after settling), per session of ~0.9 h.
  storedByteHoursPerPlayerHour: (900 * 7 * 24 + 2 * 400 * 30 * 24) / 0.9,
  scheduledJobs: 6,
  idleJobSeconds: 1,
  // The series a calm evening emits (the load test's report, `metrics.series`); alarms watch others only emitted on trouble.
  metricSeries: 18,
  alarms: 2 * 16 + 5 + 7,
  kmsRequestsPerHour: 16 * 12 + 200,
};

/** The design as the code builds it (the shards and projection of shared/storage, the reporter's run of shared/api/functions.ts). */
export const AS_BUILT: Design = {
  liveShards: LIVE_SHARDS,
  outboxShards: OUTBOX_SHARDS,
  sweepProjection: tableDesign.indexes.find((i) => i.indexName === 'gsi1')!.projection === 'ALL' ? 'ALL' : 'KEYS_ONLY',
  // Each session's own grid (shared/storage/keys.ts liveSessionIndex).
  sweepGrid: 'per-session',
  reporterDuty: functionTable.nppaReporter.schedule.plannedRunSeconds / functionTable.nppaReporter.schedule.rateSeconds,
  statsShards: STATS_SHARDS,
  personWeekShards: PERSON_WEEK_SHARDS,
  aggregatorConcurrency: 0,
  // infra/context.ts: playguard:throttleRatePerSecond's default.
  stageRps: 10_000,
};

/** The design before issue 28's changes (`npm run capacity -- --before`): what the model showed breaking. */
export const BEFORE: Design = {
  liveShards: 8,
  outboxShards: 4,
  sweepProjection: 'ALL',
  sweepGrid: 'wall',
  reporterDuty: 50 / 60,
  statsShards: 1,
  personWeekShards: 1,
  aggregatorConcurrency: 0,
  stageRps: 2000,
};
