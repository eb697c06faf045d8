/** Scheduled: challenges not answered in time count as failed. */
import type { Context } from 'aws-lambda';
import { runDeadline } from '#shared/api/functions';
import { clock } from '#shared/clock';
import { log, scheduledHandler } from '#shared/log';
import { expireChallenges } from '#shared/usecases/challenges';
import { challengeDeps } from '#shared/services';

export const handler = scheduledHandler(async (_event?: unknown, context?: Context): Promise<{ expired: number }> => {
  const start = clock.now();
  const deadline = runDeadline('challengeSweeper', start, context);
  const result = await expireChallenges(await challengeDeps(), start, () => clock.now() > deadline);
  log.info('expired challenges failed', result);
  return result;
});
