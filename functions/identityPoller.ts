/** Scheduled: finishes pending real-name checks. */
import type { Context } from 'aws-lambda';
import { runDeadline } from '#shared/api/functions';
import { clock } from '#shared/clock';
import { pollPendingIdentities } from '#shared/identity/service';
import { log, scheduledHandler } from '#shared/log';
import { pollerDeps } from '#shared/services';

export const handler = scheduledHandler(async (_event?: unknown, context?: Context): Promise<{ resolved: number; stillPending: number }> => {
  const start = clock.now();
  const deadline = runDeadline('identityPoller', start, context);
  const result = await pollPendingIdentities(await pollerDeps(), start, () => clock.now() > deadline);
  log.info('pending identities polled', result);
  return result;
});
