/** Scheduled: reports queued logins and logouts to the national system (issue 6). */
import { clock } from '#shared/clock';
import { log } from '#shared/log';
import { DrainerLease } from '#shared/reporting/drainerLease';
import { drainOutbox, type ReportRun } from '#shared/reporting/reporter';
import { reporterDeps } from '#shared/services';

/** A run stops taking new batches after 50 s; the schedule starts the next one each minute. */
const RUN_MS = 50_000;

export const handler = async (): Promise<ReportRun | { skipped: 'another reporter is running' }> => {
  const deps = await reporterDeps();
  const lease = new DrainerLease(deps.db, deps.table, 'nppaReporter');
  const start = clock.now();
  if (!(await lease.take(start, RUN_MS + 10_000))) return { skipped: 'another reporter is running' };
  try {
    const run = await drainOutbox(deps, { deadlineMs: start + RUN_MS });
    log.info('loginout reported', { ...run });
    return run;
  } finally {
    await lease.release();
  }
};
