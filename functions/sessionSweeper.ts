/** Scheduled: ends sessions whose client went silent. */
import { jobFunction } from '#shared/edge/job';
import { log } from '#shared/log';
import { sessionEndDeps } from '#shared/services';
import { sweepSessions } from '#shared/sessions/service';

export const handler = jobFunction('sessionSweeper', async ({ startMs, outOfTime }) => {
  const result = await sweepSessions(await sessionEndDeps(), startMs, outOfTime);
  log.info('sessions swept', result);
  return result;
});
