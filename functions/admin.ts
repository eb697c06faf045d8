/**
 * Compliance staff (docs/api.md "Operators"): account view and access log, figures, the annual report, dead
 * letters, calendar coverage, complaints and refund requests.
 */
import { adminRoutes } from '#shared/api/routes';
import { httpFunction, type ReplyFor } from '#shared/edge/http';
import { readAccessLog, readAccountForOperator } from '#shared/usecases/oversight';
import { decideCorrection, listCorrections } from '#shared/usecases/correction';
import { calendarCoverage, listDeadLetters, readAnnualReport, retryDeadLetter, readStats } from '#shared/usecases/operatorReports';
import { answerComplaint, decideRefund, listComplaints, readRefundRequest } from '#shared/usecases/complaints';
import { operatorComplaintDeps, operatorReportsDeps, operatorCorrectionDeps, oversightDeps } from '#shared/services';

const wantsHtml = (accept: string | undefined): boolean => /\btext\/html\b/i.test(accept ?? '');

export const handler = httpFunction(adminRoutes, {
  adminReadAccount: async (req) => ({
    status: 200,
    body: await readAccountForOperator(await oversightDeps(), req.caller.accountId, req.params.accountId, req.query.reason, req.nowMs),
  }),
  adminCorrections: async (req) => ({
    status: 200,
    body: await listCorrections(await operatorCorrectionDeps(), req.caller.accountId, req.query.reason, req.nowMs),
  }),
  adminDecideCorrection: async (req) => ({
    status: 200,
    body: await decideCorrection(await operatorCorrectionDeps(), req.caller.accountId, req.params.accountId, req.body, req.nowMs),
  }),
  adminAccessLog: async (req) => ({ status: 200, body: await readAccessLog(await oversightDeps(), req.caller.accountId, req.query, req.nowMs) }),
  adminStats: async (req) => ({ status: 200, body: await readStats(await operatorReportsDeps(), req.query) }),
  adminAnnualReport: async (req): Promise<ReplyFor<'adminAnnualReport'>> => {
    const report = await readAnnualReport(await operatorReportsDeps(), req.query, req.nowMs, wantsHtml(req.headers.accept));
    if ('html' in report)
      return { status: 200, raw: { body: report.html }, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', vary: 'accept' } };
    return { status: 200, body: report.json, headers: { vary: 'accept' } };
  },
  adminDeadLetters: async () => ({ status: 200, body: await listDeadLetters(await operatorReportsDeps()) }),
  adminRetryDeadLetter: async (req) => ({ status: 200, body: await retryDeadLetter(await operatorReportsDeps(), req.params.id) }),
  adminCalendar: async (req) => ({ status: 200, body: calendarCoverage(await operatorReportsDeps(), req.nowMs) }),
  adminComplaints: async (req) => ({ status: 200, body: await listComplaints(await operatorComplaintDeps(), req.caller.accountId, req.query, req.nowMs) }),
  adminAnswerComplaint: async (req) => ({
    status: 200,
    body: await answerComplaint(await operatorComplaintDeps(), req.caller.accountId, req.params.complaintId, req.body, req.nowMs),
  }),
  adminRefundRequest: async (req) => ({
    status: 200,
    body: await readRefundRequest(await operatorComplaintDeps(), req.caller.accountId, req.params.requestId, req.query.reason, req.nowMs),
  }),
  adminDecideRefund: async (req) => ({
    status: 200,
    body: await decideRefund(await operatorComplaintDeps(), req.caller.accountId, req.params.requestId, req.body, req.nowMs),
  }),
});
