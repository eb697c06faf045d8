/** Scheduled: delivers queued notifications to the publisher's webhook endpoint. */
import type { Context } from 'aws-lambda';
import { runDeadline } from '#shared/api/functions';
import { clock } from '#shared/clock';
import { log, scheduledHandler } from '#shared/log';
import { sendDueNotifications, type SenderResult } from '#shared/notifications/sender';
import { webhookSenderDeps } from '#shared/services';

export const handler = scheduledHandler(async (_event?: unknown, context?: Context): Promise<SenderResult> => {
  const deadline = runDeadline('webhookSender', clock.now(), context);
  const result = await sendDueNotifications(await webhookSenderDeps(), () => clock.now() > deadline);
  log.info('webhook events sent', { ...result });
  return result;
});
