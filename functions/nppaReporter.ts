/**
 * Scheduled: reports queued logins and logouts to the national system. One copy drains at a time
 * (the drainer lease); the lease is held for the function's whole timeout, so it outlives any run,
 * and the run stops taking batches early enough (runDeadline) to release it itself.
 */
import type { Context } from 'aws-lambda';
import { leaseMsFor, runDeadline } from '#shared/api/functions';
import { clock } from '#shared/clock';
import { log } from '#shared/log';
import { DrainerLease } from '#shared/reporting/drainerLease';
import { drainOutbox, type ReportRun } from '#shared/reporting/reporter';
import { reporterDeps } from '#shared/services';

export const handler = async (_event?: unknown, context?: Context): Promise<ReportRun | { skipped: 'another reporter is running' }> => {
  const deps = await reporterDeps();
  const lease = new DrainerLease(deps.db, deps.table, 'nppaReporter');
  const start = clock.now();
  if (!(await lease.take(start, leaseMsFor('nppaReporter')))) return { skipped: 'another reporter is running' };
  try {
    const run = await drainOutbox(deps, { deadlineMs: runDeadline('nppaReporter', start, context) });
    log.info('loginout reported', { ...run });
    return run;
  } finally {
    await lease.release();
  }
};
