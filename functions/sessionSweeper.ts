/** Scheduled: ends sessions whose client went silent (issue 4 §5). */
import { clock } from '#shared/clock';
import { log } from '#shared/log';
import { sessionDeps } from '#shared/services';
import { sweepSessions } from '#shared/sessions/service';

export const handler = async (): Promise<{ ended: number }> => {
  const result = await sweepSessions(await sessionDeps(), clock.now());
  log.info('sessions swept', result);
  return result;
};
