/**
 * The edge of every function that is not HTTP (shared/edge/http.ts is the other): a scheduled job
 * runs from its start until the deadline its entry in the function table gives it
 * (shared/api/functions.ts `runDeadline`), and an event consumer (the stats aggregator) takes the
 * records it is invoked with. Every line either logs carries the invocation's request id.
 */
import type { Context } from 'aws-lambda';
import { runDeadline, type JobName } from '#shared/api/functions';
import { clock } from '#shared/clock';
import { withLogContext } from '#shared/log';

/** When a scheduled run started (the gateway's clock) and whether it is past its deadline. */
export interface JobRun {
  startMs: number;
  deadlineMs: number;
  outOfTime: () => boolean;
}

/** Builds the Lambda handler of a scheduled job: its deadline from the function table, its lines carrying the invocation's id. */
export function jobFunction<R>(job: JobName, run: (r: JobRun) => Promise<R>) {
  return (_event?: unknown, invocation?: Context): Promise<R> =>
    withLogContext({ requestId: invocation?.awsRequestId }, () => {
      const startMs = clock.now();
      const deadlineMs = runDeadline(job, startMs, invocation);
      return run({ startMs, deadlineMs, outOfTime: () => clock.now() > deadlineMs });
    });
}

/** Builds the Lambda handler of a function invoked with records (a stream, a log subscription); its lines carry the invocation's id. */
export function eventFunction<E, R>(handle: (event: E) => Promise<R>) {
  return (event: E, invocation?: { awsRequestId?: string }): Promise<R> => withLogContext({ requestId: invocation?.awsRequestId }, () => handle(event));
}
