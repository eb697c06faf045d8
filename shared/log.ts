/**
 * Structured JSON logs, one object a line, in Lambda's own JSON log format: `timestamp`, `level`
 * (upper case), `requestId` (the invocation's, and `apiRequestId` for an HTTP request — the
 * `x-request-id` a client quotes), `message`, then the fields. Deployed, the stack sets the format
 * and the application log level (infra/gatewayFunction.ts); Lambda drops lines below that level,
 * and this module does not even build them (`AWS_LAMBDA_LOG_LEVEL`; `LOG_LEVEL` locally). Fields
 * that could carry personal data are dropped by name, whatever the caller passes: a name, an ID
 * number, a PI or a token must never reach a log (docs/design.md).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const FORBIDDEN = new Set(['name', 'idnumber', 'idnum', 'pi', 'token', 'authorization', 'secretkey', 'pepper']);

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<string, number> = { trace: 5, debug: 10, info: 20, warn: 30, error: 40, fatal: 50 };
const threshold = ORDER[(process.env.AWS_LAMBDA_LOG_LEVEL ?? process.env.LOG_LEVEL ?? 'info').toLowerCase()] ?? ORDER.info!;

/** The invocation a line belongs to (per request locally, where one process serves many at once). */
interface LogContext {
  requestId?: string | undefined;
  apiRequestId?: string | undefined;
}
const context = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with every line it logs carrying these request ids. */
export const withLogContext = <T>(ids: LogContext, fn: () => T): T => context.run(ids, fn);

export type LogFields = Record<string, unknown>;

function scrub(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (FORBIDDEN.has(key.toLowerCase())) continue;
    out[key] = value instanceof Error ? { name: value.name, message: value.message } : value;
  }
  return out;
}

let sink: (line: string) => void = (line) => process.stdout.write(line + '\n');
let taps: Array<(line: string) => void> = [];

/**
 * Listens to every line as it is written, whatever the sink: the local runner reads figure events
 * here as CloudWatch Logs' subscription filter does deployed (infra/stack/functions.ts).
 */
export function tapLog(listener: (line: string) => void): () => void {
  taps = [...taps, listener];
  return () => void (taps = taps.filter((t) => t !== listener));
}

const emit = (line: string): void => {
  sink(line);
  for (const tap of taps) tap(line);
};

/** Tests capture log lines to prove no personal data appears in them. */
export function useLogSink(next: (line: string) => void): void {
  sink = next;
}

function write(level: Level, message: string, fields: LogFields = {}): void {
  if (ORDER[level]! < threshold) return;
  emit(JSON.stringify({ timestamp: new Date().toISOString(), level: level.toUpperCase(), ...context.getStore(), message, ...scrub(fields) }));
}

export const log = {
  debug: (message: string, fields?: LogFields) => write('debug', message, fields),
  info: (message: string, fields?: LogFields) => write('info', message, fields),
  warn: (message: string, fields?: LogFields) => write('warn', message, fields),
  error: (message: string, fields?: LogFields) => write('error', message, fields),
};

/**
 * A CloudWatch metric in Embedded Metric Format: one log line that CloudWatch turns into a
 * metric without an API call (no PutMetricData round trip on the request path).
 */
export function metric(name: string, value = 1, dimensions: Record<string, string> = {}, unit: 'Count' | 'Seconds' = 'Count'): void {
  const namespace = process.env.METRICS_NAMESPACE ?? 'PlayGuard';
  emit(
    JSON.stringify({
      _aws: {
        Timestamp: Date.now(),
        // The aggregate (no dimension) always, so alarms on the plain metric see every game's value.
        CloudWatchMetrics: [
          { Namespace: namespace, Dimensions: Object.keys(dimensions).length ? [[], Object.keys(dimensions)] : [[]], Metrics: [{ Name: name, Unit: unit }] },
        ],
      },
      ...context.getStore(),
      ...dimensions,
      [name]: value,
    }),
  );
}

/**
 * Figure events: what an operator's figures count that no stored item records — a refused login or
 * payment writes nothing, and an export only reads. One log line, no request: deployed, a
 * subscription filter on `$.stat` hands these lines to the stats aggregator (infra/stack/functions.ts);
 * locally the runner taps them (infra/local/gateway.ts). Never personal data: a game, a code, a time.
 */
export type StatEvent =
  | { stat: 'loginRefused'; gameId: string; code: string; at: number }
  | { stat: 'paymentRefused'; gameId: string; limit: string; at: number }
  | { stat: 'piExport'; gameId: string; at: number };

export function stat(event: StatEvent): void {
  emit(JSON.stringify({ timestamp: new Date().toISOString(), level: 'INFO', ...context.getStore(), message: 'figure event', ...event }));
}
