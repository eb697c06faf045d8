/** Scheduled: finishes pending real-name checks (issue 3 §6). */
import { clock } from '#shared/clock';
import { pollPendingIdentities } from '#shared/identity/service';
import { log } from '#shared/log';
import { pollerDeps } from '#shared/services';

export const handler = async (): Promise<{ resolved: number; stillPending: number }> => {
  const result = await pollPendingIdentities(await pollerDeps(), clock.now());
  log.info('pending identities polled', result);
  return result;
};
