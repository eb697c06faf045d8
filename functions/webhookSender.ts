/** Scheduled: delivers queued notifications to the publisher's webhook endpoint. */
import { jobFunction } from '#shared/edge/job';
import { log } from '#shared/log';
import { sendDueNotifications } from '#shared/notifications/sender';
import { webhookSenderDeps } from '#shared/services';

export const handler = jobFunction('webhookSender', async ({ outOfTime }) => {
  const result = await sendDueNotifications(await webhookSenderDeps(), outOfTime);
  log.info('webhook events sent', { ...result });
  return result;
});
