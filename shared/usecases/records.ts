/**
 * How stored records are shown to the people entitled to see them (the player's export and an
 * operator's account view): Beijing-time instants, no storage keys, hashes or internal ids.
 */
import { formatBeijing } from '#shared/domain/beijingTime';
import type { AuditEntry } from '#shared/risk/repository';
import type { SessionRecord } from '#shared/sessions/repository';
import type { Order } from '#shared/spending/repository';

/** An optional instant, formatted (null when absent). */
export const instantOrNull = (ms: number | undefined): string | null => (ms === undefined ? null : formatBeijing(ms));

export const sessionView = (s: SessionRecord) => ({
  sessionId: s.sessionId,
  gameId: s.gameId,
  state: s.state,
  startedAt: formatBeijing(s.startedAt),
  endedAt: instantOrNull(s.endedAt),
  endReason: s.endReason ?? null,
});

export const paymentView = (o: Order & { committedAt?: number }) => ({
  orderId: o.orderId,
  gameId: o.gameId,
  amount: o.amount,
  status: o.status,
  reservedAt: formatBeijing(o.reservedAt),
  committedAt: instantOrNull(o.committedAt),
});

export const auditView = (e: AuditEntry) => ({
  at: formatBeijing(e.at),
  decision: e.decision,
  signal: e.signal,
  context: e.context,
  inputs: e.inputs,
  challengeId: e.challengeId ?? null,
});
