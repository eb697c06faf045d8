/** Scheduled: counts the open complaints and requests past their due date (metric ComplaintsOverdue, alarmed). */
import { jobFunction } from '#shared/edge/job';
import { log } from '#shared/log';
import { watchOverdue } from '#shared/complaints/service';
import { complaintDeps } from '#shared/services';

export const handler = jobFunction('complaintWatcher', async ({ startMs, outOfTime }) => {
  const result = await watchOverdue(await complaintDeps(), startMs, outOfTime);
  log.info('overdue complaints counted', result);
  return result;
});
