/** Scheduled: releases reservations that expired uncommitted. */
import type { Context } from 'aws-lambda';
import { runDeadline } from '#shared/api/functions';
import { clock } from '#shared/clock';
import { log, scheduledHandler } from '#shared/log';
import { spendingDeps } from '#shared/services';
import { releaseExpiredReservations } from '#shared/spending/service';

export const handler = scheduledHandler(async (_event?: unknown, context?: Context): Promise<{ released: number }> => {
  const start = clock.now();
  const deadline = runDeadline('reservationSweeper', start, context);
  const result = await releaseExpiredReservations(await spendingDeps(), start, () => clock.now() > deadline);
  log.info('expired reservations released', result);
  return result;
});
