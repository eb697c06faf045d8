/**
 * The one table of what each Lambda function needs. The CDK stack loops over it and nothing else
 * decides a function's grants, environment, timeout, memory or schedule; the local runner runs the
 * scheduled ones on the same rate (and on `POST /__dev/tick`); the synth-to-run test
 * (test/infra/deployedFunctions.test.ts) runs every bundle with exactly what the template gives it.
 *
 * - `table`: `read` grants read-only data access, `readWrite` read and write, `none` no access and
 *   no TABLE_NAME.
 * - `secret`: the function reads the secret document (NPPA credentials, the ID-number pepper, the
 *   webhook secret) and gets SECRET_ARN and read access to it; nothing else does.
 * - `consumes`: the function counts the operators' figures from the table's change stream (an event
 *   source mapping, NEW_AND_OLD_IMAGES) and from the figure events (`$.stat`) in the logs of the
 *   functions named (a subscription filter on each log group); locally the runner feeds it both.
 * - `serves`: the function also gets the deployment's identity settings it serves — `publisherKeys`:
 *   the publisher's issuer and public keys (PUBLISHER_ISSUER, PUBLISHER_JWKS) for the well-known
 *   endpoints; `operatorSignIn`: the staff issuer, the console's client id and the operators' audience
 *   (OPERATOR_ISSUER, OPERATOR_CLIENT_ID, OPERATOR_AUDIENCE) for the console's sign-in.
 * - `schedule.plannedRunSeconds`: the longest a scheduled run plans to work before it stops taking
 *   new work; it must end well inside `timeoutSeconds` (`RUN_MARGIN_SECONDS` is left for the last
 *   piece of work and for releasing leases).
 */

export type TableAccess = 'none' | 'read' | 'readWrite';

export interface Schedule {
  rateSeconds: number;
  plannedRunSeconds: number;
  description: string;
}

export interface FunctionSpec {
  description: string;
  table: TableAccess;
  secret: boolean;
  timeoutSeconds: number;
  memoryMiB: number;
  /** Present for scheduled jobs (functions/<name>.ts with a handler that takes no meaningful event). */
  schedule?: Schedule;
  consumes?: { tableStream: true; figureEventsOf: readonly string[] };
  serves?: 'publisherKeys' | 'operatorSignIn';
}

/**
 * What a scheduled run keeps in hand after its planned work: one NPPA call that may take up to its
 * client deadline (8 s, shared/nppa/client.ts), settling what it sent, and releasing its lease.
 */
export const RUN_MARGIN_SECONDS = 20;

/**
 * A job's drainer lease is held for its function's whole timeout plus this margin (clock skew between
 * containers), so it outlives any run; the run itself ends early enough (runDeadline) to release it.
 */
const LEASE_MARGIN_SECONDS = 10;
export const leaseMsFor = (job: JobName): number => (functionTable[job].timeoutSeconds + LEASE_MARGIN_SECONDS) * 1000;

const fn = <const F extends FunctionSpec>(f: F): F => f;

export const functionTable = {
  meta: fn({
    description: "Health, the OpenAPI document, the games and the publisher's keys",
    table: 'none',
    secret: false,
    timeoutSeconds: 5,
    memoryMiB: 256,
    serves: 'publisherKeys',
  }),
  identity: fn({ description: 'Real-name submission and status', table: 'readWrite', secret: true, timeoutSeconds: 15, memoryMiB: 512 }),
  sessions: fn({ description: 'Log in, heartbeats, log out, limits', table: 'readWrite', secret: true, timeoutSeconds: 10, memoryMiB: 512 }),
  payments: fn({ description: 'Payment reservations', table: 'readWrite', secret: false, timeoutSeconds: 10, memoryMiB: 512 }),
  challenges: fn({ description: 'Face-check results from the game server', table: 'readWrite', secret: false, timeoutSeconds: 10, memoryMiB: 512 }),
  privacy: fn({
    description: "A player's export and erasure of their data, a guardian's of a ward's, and complaints",
    table: 'readWrite',
    secret: false,
    timeoutSeconds: 30,
    memoryMiB: 512,
  }),
  guardians: fn({
    description: 'Guardians: linking (the pepper finds a ward by ID number), controls, approvals, activity',
    table: 'readWrite',
    secret: true,
    timeoutSeconds: 15,
    memoryMiB: 512,
  }),
  admin: fn({
    description:
      'Compliance staff: account view and access log (every read logged first), figures, annual report, dead letters, complaints and refund requests',
    table: 'readWrite',
    secret: false,
    timeoutSeconds: 10,
    memoryMiB: 512,
  }),
  console: fn({
    description: "The operators' web console (static files and its sign-in settings)",
    table: 'none',
    secret: false,
    timeoutSeconds: 5,
    memoryMiB: 256,
    serves: 'operatorSignIn',
  }),
  statsAggregator: fn({
    description: "Counts the operators' figures from the table's change stream and the figure events of the logs",
    table: 'readWrite',
    secret: false,
    timeoutSeconds: 60,
    memoryMiB: 512,
    consumes: { tableStream: true, figureEventsOf: ['sessions', 'payments', 'privacy'] },
  }),
  sessionSweeper: fn({
    description: 'Ends silent sessions',
    table: 'readWrite',
    secret: false,
    timeoutSeconds: 60,
    memoryMiB: 512,
    schedule: {
      rateSeconds: 60,
      plannedRunSeconds: 30,
      description: 'Ends sessions with no heartbeat for two intervals plus 30 s, logging them out at their last heartbeat',
    },
  }),
  reservationSweeper: fn({
    description: 'Releases expired payment reservations',
    table: 'readWrite',
    secret: false,
    timeoutSeconds: 60,
    memoryMiB: 512,
    schedule: { rateSeconds: 60, plannedRunSeconds: 30, description: 'Releases payment reservations that were not committed in time' },
  }),
  nppaReporter: fn({
    description: 'Reports logins and logouts to the national system',
    table: 'readWrite',
    secret: true,
    timeoutSeconds: 90,
    memoryMiB: 1024,
    // 57 s of every 60: the national system takes 1,280 events a second per game at most, and a
    // 20:00 backlog drains at the reporter's share of that (docs/capacity.md). A run normally lets
    // its lease go within a second of its planned end (its last call and settling), before the next
    // one starts; when a slow call makes it later, the next run finds the lease held and skips.
    schedule: {
      rateSeconds: 60,
      plannedRunSeconds: 57,
      description: 'Reports queued logins and logouts to the national system (batches of 128, at most 10 calls a second)',
    },
  }),
  challengeSweeper: fn({
    description: 'Fails unanswered challenges',
    table: 'readWrite',
    secret: false,
    timeoutSeconds: 60,
    memoryMiB: 512,
    schedule: { rateSeconds: 60, plannedRunSeconds: 30, description: 'Fails challenges not answered within their time (the account then follows minor rules)' },
  }),
  identityPoller: fn({
    description: 'Finishes pending real-name checks',
    table: 'readWrite',
    secret: true,
    timeoutSeconds: 60,
    memoryMiB: 512,
    schedule: { rateSeconds: 60, plannedRunSeconds: 30, description: 'Finishes pending real-name checks through the NPPA query interface; rejects after 48 h' },
  }),
  complaintWatcher: fn({
    description: 'Counts overdue complaints and requests',
    table: 'read',
    secret: false,
    timeoutSeconds: 60,
    memoryMiB: 512,
    schedule: {
      rateSeconds: 900,
      plannedRunSeconds: 30,
      description: 'Counts open complaints and requests past their due date (metric ComplaintsOverdue, alarmed)',
    },
  }),
  webhookSender: fn({
    description: 'Delivers notifications to the publisher',
    table: 'readWrite',
    secret: true,
    timeoutSeconds: 60,
    memoryMiB: 512,
    schedule: {
      rateSeconds: 60,
      plannedRunSeconds: 30,
      description: 'Delivers queued webhook events to the publisher, signed; retries with back-off for 24 h, then dead-letters',
    },
  }),
} as const satisfies Record<string, FunctionSpec>;

/** functions/<name>.ts */
export type FunctionName = keyof typeof functionTable;

export const functionList = (): Array<[FunctionName, FunctionSpec]> => Object.entries(functionTable) as Array<[FunctionName, FunctionSpec]>;

/** The scheduled functions (shared/edge/job.ts `jobFunction`). */
export type JobName = { [K in FunctionName]: (typeof functionTable)[K] extends { schedule: Schedule } ? K : never }[FunctionName];

/** The functions behind the HTTP API: neither scheduled nor consuming events (each serves its group of shared/api/routes.ts). */
export type HttpFunctionName = {
  [K in FunctionName]: (typeof functionTable)[K] extends { schedule: Schedule } | { consumes: object } ? never : K;
}[FunctionName];

/** The scheduled functions, each with its schedule. */
export const jobList = (): Array<[JobName, FunctionSpec & { schedule: Schedule }]> =>
  functionList().filter((e): e is [JobName, FunctionSpec & { schedule: Schedule }] => e[1].schedule !== undefined);

/**
 * When a scheduled run stops taking new work: its planned run, or earlier when Lambda gives it less
 * time than that (leaving RUN_MARGIN_SECONDS for the work in hand and for releasing leases).
 * `startMs` and the answer are on the gateway's clock; the remaining time is Lambda's.
 */
export function runDeadline(job: JobName, startMs: number, context?: { getRemainingTimeInMillis?: () => number }): number {
  const spec: FunctionSpec = functionTable[job];
  const planned = spec.schedule!.plannedRunSeconds * 1000;
  const remaining = context?.getRemainingTimeInMillis?.() ?? spec.timeoutSeconds * 1000;
  return startMs + Math.max(0, Math.min(planned, remaining - RUN_MARGIN_SECONDS * 1000));
}
