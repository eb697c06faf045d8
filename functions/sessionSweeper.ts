/** Scheduled: ends sessions whose client went silent. */
import type { Context } from 'aws-lambda';
import { runDeadline } from '#shared/api/functions';
import { clock } from '#shared/clock';
import { log, scheduledHandler } from '#shared/log';
import { sessionSweeperDeps } from '#shared/services';
import { sweepSessions } from '#shared/sessions/service';

export const handler = scheduledHandler(async (_event?: unknown, context?: Context): Promise<{ ended: number }> => {
  const start = clock.now();
  const deadline = runDeadline('sessionSweeper', start, context);
  const result = await sweepSessions(await sessionSweeperDeps(), start, () => clock.now() > deadline);
  log.info('sessions swept', result);
  return result;
});
