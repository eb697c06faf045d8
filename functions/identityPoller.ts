/** Scheduled: finishes pending real-name checks. */
import { jobFunction } from '#shared/edge/job';
import { pollPendingIdentities } from '#shared/identity/service';
import { log } from '#shared/log';
import { pollerDeps } from '#shared/services';

export const handler = jobFunction('identityPoller', async ({ startMs, outOfTime }) => {
  const result = await pollPendingIdentities(await pollerDeps(), startMs, outOfTime);
  log.info('pending identities polled', result);
  return result;
});
