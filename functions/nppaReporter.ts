/** Scheduled: reports queued logins and logouts to the national system (shared/reporting/reporter.ts). */
import type { Context } from 'aws-lambda';
import { leaseMsFor, runDeadline } from '#shared/api/functions';
import { clock } from '#shared/clock';
import { log, scheduledHandler } from '#shared/log';
import { reportLoginouts, type ReportRun } from '#shared/reporting/reporter';
import { reporterDeps } from '#shared/services';

export const handler = scheduledHandler(async (_event?: unknown, context?: Context): Promise<ReportRun | { skipped: 'another reporter is running' }> => {
  const start = clock.now();
  const run = await reportLoginouts(await reporterDeps(), { deadlineMs: runDeadline('nppaReporter', start, context), leaseMs: leaseMsFor('nppaReporter') });
  if (!('skipped' in run)) log.info('loginout reported', { ...run });
  return run;
});
