/**
 * Where a change that the publisher is told about (docs/api.md, Notifications) puts its event: a
 * part of the change's own transaction, so the event exists exactly when the change does and is
 * sent later by the webhook sender, never on the player's request path.
 */
import type { TransactItem } from '#shared/storage/conditions';

export type NotificationType = 'guardian.approval_requested' | 'guardian.ward_session_started' | 'guardian.ward_payment_committed' | 'risk.challenge_issued';

export interface NotificationSink {
  eventPart(e: { type: NotificationType; occurredAtMs: number; data: Record<string, string | number | boolean | null | object>; id?: string }): TransactItem;
}
