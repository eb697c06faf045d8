/** Scheduled: releases reservations that expired uncommitted (issue 5 §3). */
import { clock } from '#shared/clock';
import { log } from '#shared/log';
import { spendingDeps } from '#shared/services';
import { releaseExpiredReservations } from '#shared/spending/service';

export const handler = async (): Promise<{ released: number }> => {
  const result = await releaseExpiredReservations(await spendingDeps(), clock.now());
  log.info('expired reservations released', result);
  return result;
};
