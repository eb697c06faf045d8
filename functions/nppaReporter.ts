/** Scheduled: reports queued logins and logouts to the national system (shared/reporting/reporter.ts). */
import { leaseMsFor } from '#shared/api/functions';
import { jobFunction } from '#shared/edge/job';
import { log } from '#shared/log';
import { reportLoginouts } from '#shared/reporting/reporter';
import { reporterDeps } from '#shared/services';

export const handler = jobFunction('nppaReporter', async ({ deadlineMs }) => {
  const run = await reportLoginouts(await reporterDeps(), { deadlineMs, leaseMs: leaseMsFor('nppaReporter') });
  if (!('skipped' in run)) log.info('loginout reported', { ...run });
  return run;
});
