/** Scheduled: challenges not answered in time count as failed. */
import { jobFunction } from '#shared/edge/job';
import { log } from '#shared/log';
import { expireChallenges } from '#shared/usecases/challenges';
import { challengeDeps } from '#shared/services';

export const handler = jobFunction('challengeSweeper', async ({ startMs, outOfTime }) => {
  const result = await expireChallenges(await challengeDeps(), startMs, outOfTime);
  log.info('expired challenges failed', result);
  return result;
});
