/**
 * Refund help for a ward's payment (Ministry of Culture and Tourism 2021 opinion, item 8: minors'
 * payments identified from electronic evidence and handled quickly, with compensation;
 * docs/guardians.md "Refund help"), across capabilities: a confirmed guardian asks about one of the
 * ward's committed payments; the request enters the requests register (due like a complaint) with the
 * payment's evidence, sealed when it was committed (shared/domain/paymentEvidence.ts), so it outlives
 * the session records; operators read the evidence and decide (shared/usecases/complaints.ts), and
 * the publisher, whose payment channel refunds, is told (`payment.refund_decided`).
 */
import { formatBeijing } from '#shared/domain/beijingTime';
import { dueAt } from '#shared/domain/complaints';
import { newEntryId, type ComplaintDeps } from '#shared/complaints/service';
import { confirmedWard, type GuardianStore } from '#shared/guardians/service';
import { metric } from '#shared/log';
import { Problem } from '#shared/problem';
import type { SpendingRepository } from '#shared/spending/repository';

export interface RefundDeps {
  guardians: GuardianStore;
  spending: Pick<SpendingRepository, 'get' | 'refundRequestedPart'>;
  complaints: ComplaintDeps;
}

/**
 * POST /v1/guardian/wards/{wardId}/refund-requests: a confirmed guardian (403 link_not_confirmed;
 * another guardian's ward 404 ward_not_found) asks about a committed payment of the ward — an order
 * of the ward's person or of one of its accounts (another's: 404 order_not_found), made under a
 * minor's limits (an adult's: 422 refund_not_eligible) — once per order (409 refund_already_requested).
 */
export async function requestRefund(deps: RefundDeps, guardianId: string, wardId: string, request: { orderId: string; reason: string }, nowMs: number) {
  const { ward, accounts } = await confirmedWard(deps.guardians, guardianId, wardId, nowMs);
  const order = await deps.spending.get(request.orderId);
  // Another person's order is not found, whether or not it exists (as for any order of another account).
  if (!order || (order.identityHash !== ward.identityHash && !accounts.includes(order.accountId))) throw new Problem('order_not_found');
  if (order.status !== 'committed')
    throw new Problem('refund_not_eligible', { reason: 'not_committed' }, {}, { detail: '该订单未完成支付，没有需要退还的款项。' });
  // Paid under an adult's identity (an account bound to an adult then, corrected to the child since):
  // not a minor's payment as the records stand; the guardian may still complain (POST /v1/complaints).
  if (order.ageBand === 18)
    throw new Problem(
      'refund_not_eligible',
      { reason: 'adult_order' },
      {},
      { detail: '该订单支付时按成年人身份处理，不属于未成年人消费退款协助的范围；如有异议，请通过“投诉与反馈”提交。' },
    );
  if (order.refundRequestId) throw new Problem('refund_already_requested', { requestId: order.refundRequestId });

  const requestId = newEntryId(nowMs);
  const filed = await deps.complaints.repo.file(
    {
      complaintId: requestId,
      accountId: guardianId,
      kind: 'refund',
      category: 'payment',
      gameId: order.gameId,
      orderId: order.orderId,
      text: request.reason,
      receivedAt: nowMs,
      dueAt: dueAt(nowMs, deps.complaints.complaintDays),
      status: 'open',
      refund: {
        wardId,
        order: { amount: order.amount, gameId: order.gameId, status: order.status, reservedAt: order.reservedAt, committedAt: order.committedAt ?? null },
        evidence: order.evidence ?? null,
      },
    },
    // The order names its request in the same transaction, once: a second request for it is refused.
    { also: [['order', deps.spending.refundRequestedPart(order.orderId, requestId)]] },
  );
  if (!filed.filed) {
    const now = await deps.spending.get(order.orderId);
    if (now?.refundRequestId) throw new Problem('refund_already_requested', { requestId: now.refundRequestId });
    throw new Problem('write_contention', {}, { 'retry-after': '1' });
  }
  metric('RefundRequested', 1);
  return { requestId, status: 'open' as const, receivedAt: formatBeijing(nowMs), dueAt: formatBeijing(dueAt(nowMs, deps.complaints.complaintDays)) };
}
