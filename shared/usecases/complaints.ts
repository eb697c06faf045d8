/**
 * The operators' side of the requests register (docs/api.md "Complaints and the requests register"):
 * the list of complaints and requests, the answer to a complaint, a refund request's evidence and its
 * decision. Each writes its access-log entry first (2019 Children's PI Regulations Art. 15; 2024
 * Regulations Art. 36): no entry, no data and no change. A refusal always carries its reasons in the
 * answer the player reads (2024 Regulations Art. 34 item (3)).
 */
import { formatBeijing } from '#shared/domain/beijingTime';
import { answeredInTime, type RegisterOutcome } from '#shared/domain/complaints';
import type { RegisterEntry, RegisterRepository } from '#shared/complaints/repository';
import { metric } from '#shared/log';
import type { NotificationOutbox } from '#shared/notifications/outbox';
import type { AccessLogRepository } from '#shared/oversight/repository';
import { Problem } from '#shared/problem';
import type { TransactItem } from '#shared/storage/conditions';

export interface OperatorComplaintDeps {
  register: RegisterRepository;
  accessLog: AccessLogRepository;
  /** Webhook events (`payment.refund_decided`); null or absent when webhooks are off. */
  notifications?: Pick<NotificationOutbox, 'eventPart'> | null | undefined;
}

const instantOrNull = (ms: number | undefined): string | null => (ms === undefined ? null : formatBeijing(ms));

/** An entry as operators read it: everything it holds, and whether it is (or was answered) late. */
const operatorView = (nowMs: number) => (e: RegisterEntry) => ({
  complaintId: e.complaintId,
  kind: e.kind,
  category: e.category,
  accountId: e.accountId,
  gameId: e.gameId ?? null,
  orderId: e.orderId ?? null,
  text: e.text ?? null,
  status: e.status,
  receivedAt: formatBeijing(e.receivedAt),
  dueAt: formatBeijing(e.dueAt),
  overdue: !answeredInTime(e, nowMs),
  answeredAt: instantOrNull(e.answeredAt),
  outcome: e.outcome ?? null,
  answer: e.answer ?? null,
  answeredBy: e.answeredBy ?? null,
  erased: e.erasedAt !== undefined,
});

/**
 * GET /v1/admin/complaints?status=&from=&to=: the entries received on those Beijing days (at most
 * 367), oldest first, optionally only the open or the answered ones. Logged first: action
 * `complaints_read`, no single account (`*`), the filter and the days as `reason`.
 */
export async function listComplaints(
  deps: OperatorComplaintDeps,
  operator: string,
  query: { status?: 'open' | 'answered' | undefined; from: string; to: string },
  nowMs: number,
) {
  await deps.accessLog.record({ operator, at: nowMs, action: 'complaints_read', accountId: '*', reason: `${query.status ?? 'all'} ${query.from}/${query.to}` });
  const entries = (await deps.register.between(query.from, query.to)).filter((e) => !query.status || e.status === query.status);
  return { complaints: entries.sort((a, b) => a.receivedAt - b.receivedAt).map(operatorView(nowMs)) };
}

/** An answer refused: no such entry (404), answered already, or an entry answered through its own procedure (409). */
function refusedAnswer(entry: RegisterEntry | null, kind: string): Problem {
  if (!entry) return new Problem('not_found');
  if (entry.status !== 'open') return new Problem('already_answered');
  return new Problem(
    'already_answered',
    {},
    {},
    { detail: kind === 'refund' ? '该记录不是退款申请，请在对应入口处理。' : '该申请须在其自身的处理入口答复（身份更正在“更正申请”，退款在“退款申请”）。' },
  );
}

/**
 * POST /v1/admin/complaints/{complaintId}/answer: a complaint is answered once (409
 * already_answered), resolved or refused, with the answer the player reads. Logged first (action
 * `complaint_answer`, the entry as `subject`). Requests are answered by their own procedures (an
 * identity correction's decision, a refund's decision), not here.
 */
export async function answerComplaint(
  deps: OperatorComplaintDeps,
  operator: string,
  complaintId: string,
  body: { outcome: Exclude<RegisterOutcome, 'withdrawn'>; answer: string },
  nowMs: number,
) {
  await deps.accessLog.record({ operator, at: nowMs, action: 'complaint_answer', accountId: '*', reason: body.outcome, subject: complaintId });
  const r = await deps.register.answer(complaintId, ['complaint'], { outcome: body.outcome, answer: body.answer, at: nowMs, by: operator });
  if (!r.ok) throw refusedAnswer(r.entry, 'complaint');
  metric('ComplaintAnswered', 1, { outcome: body.outcome });
  return { complaintId, status: 'answered' as const, outcome: body.outcome, answeredAt: formatBeijing(nowMs) };
}

/** A refund request by id, or 404 (an unknown id, or an entry of another kind). */
async function refundRequest(
  deps: Pick<OperatorComplaintDeps, 'register'>,
  requestId: string,
): Promise<RegisterEntry & { refund: NonNullable<RegisterEntry['refund']> }> {
  const entry = await deps.register.get(requestId);
  if (entry?.kind !== 'refund' || !entry.refund) throw new Problem('not_found');
  return { ...entry, refund: entry.refund };
}

/**
 * GET /v1/admin/refund-requests/{requestId}?reason=: the request, its order and the evidence sealed
 * when the payment was committed — the ward's age band and identity status then, the session in
 * progress, the device count, that day's risk signals and face checks. Logged first (action
 * `refund_request_read`, the request as `subject`, the operator's `reason`).
 */
export async function readRefundRequest(deps: OperatorComplaintDeps, operator: string, requestId: string, reason: string, nowMs: number) {
  await deps.accessLog.record({ operator, at: nowMs, action: 'refund_request_read', accountId: '*', reason, subject: requestId });
  const e = await refundRequest(deps, requestId);
  const ev = e.refund.evidence;
  return {
    requestId: e.complaintId,
    status: e.status,
    guardianAccountId: e.accountId,
    wardId: e.refund.wardId,
    reason: e.text ?? null,
    receivedAt: formatBeijing(e.receivedAt),
    dueAt: formatBeijing(e.dueAt),
    order: {
      orderId: e.orderId ?? null,
      gameId: e.refund.order.gameId,
      amount: e.refund.order.amount,
      status: e.refund.order.status,
      reservedAt: formatBeijing(e.refund.order.reservedAt),
      committedAt: instantOrNull(e.refund.order.committedAt ?? undefined),
    },
    evidence: ev
      ? {
          capturedAt: formatBeijing(ev.capturedAt),
          ageBand: ev.ageBand,
          minorRules: ev.minorRules,
          identityStatus: ev.identityStatus,
          session: { inProgress: ev.session.inProgress, sessionId: ev.session.sessionId, loggedInAt: instantOrNull(ev.session.loggedInAt ?? undefined) },
          devices: ev.devices,
          riskSignals: ev.riskSignals.map((s) => ({ signal: s.signal, outcome: s.outcome, at: formatBeijing(s.at) })),
          flaggedAt: instantOrNull(ev.flaggedAt ?? undefined),
        }
      : null,
    decision:
      e.status === 'answered'
        ? {
            approved: e.refund.approved ?? e.outcome === 'resolved',
            note: e.answer ?? null,
            decidedAt: instantOrNull(e.answeredAt),
            outcome: e.outcome ?? null,
          }
        : null,
  };
}

/**
 * POST /v1/admin/refund-requests/{requestId}/decision: approved or refused, once, with the note the
 * guardian reads (a refusal's reasons); the publisher is told in the same transaction
 * (`payment.refund_decided`: ids and the amount, never the note), and its payment channel refunds.
 * Logged first (action `refund_decision`).
 */
export async function decideRefund(deps: OperatorComplaintDeps, operator: string, requestId: string, body: { approved: boolean; note: string }, nowMs: number) {
  await deps.accessLog.record({
    operator,
    at: nowMs,
    action: 'refund_decision',
    accountId: '*',
    reason: body.approved ? 'approved' : 'refused',
    subject: requestId,
  });
  const e = await refundRequest(deps, requestId);
  if (e.status !== 'open') throw new Problem('already_answered');
  const also: Array<[string, TransactItem]> = deps.notifications
    ? [
        [
          'notification',
          deps.notifications.eventPart({
            type: 'payment.refund_decided',
            occurredAtMs: nowMs,
            id: `refund-decided-${requestId}`,
            data: {
              requestId,
              orderId: e.orderId ?? null,
              gameId: e.refund.order.gameId,
              amount: e.refund.order.amount,
              approved: body.approved,
              decidedAt: formatBeijing(nowMs),
            },
          }),
        ],
      ]
    : [];
  const r = await deps.register.answer(
    requestId,
    ['refund'],
    { outcome: body.approved ? 'resolved' : 'refused', answer: body.note, at: nowMs, by: operator, approved: body.approved },
    also,
  );
  if (!r.ok) throw refusedAnswer(r.entry, 'refund');
  metric(body.approved ? 'RefundApproved' : 'RefundRefused', 1);
  return { requestId, status: 'answered' as const, approved: body.approved, decidedAt: formatBeijing(nowMs) };
}
