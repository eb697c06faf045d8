/** Scheduled: releases reservations that expired uncommitted. */
import { jobFunction } from '#shared/edge/job';
import { log } from '#shared/log';
import { spendingDeps } from '#shared/services';
import { releaseExpiredReservations } from '#shared/spending/service';

export const handler = jobFunction('reservationSweeper', async ({ startMs, outOfTime }) => {
  const result = await releaseExpiredReservations(await spendingDeps(), startMs, outOfTime);
  log.info('expired reservations released', result);
  return result;
});
