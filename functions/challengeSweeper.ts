/** Scheduled: challenges not answered in time count as failed (issue 7 §2). */
import { clock } from '#shared/clock';
import { log } from '#shared/log';
import { expireChallenges } from '#shared/risk/service';
import { challengeDeps } from '#shared/services';

export const handler = async (): Promise<{ expired: number }> => {
  const result = await expireChallenges(await challengeDeps(), clock.now());
  log.info('expired challenges failed', result);
  return result;
};
