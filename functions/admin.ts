/** Compliance staff (docs/api.md "Operators"): account view and access log, figures, the annual report, dead letters, calendar coverage. */
import { adminRoutes } from '#shared/api/routes';
import { httpFunction, type Reply } from '#shared/http/api';
import { readAccessLog, readAccountForOperator } from '#shared/usecases/oversight';
import { decideCorrection, listCorrections } from '#shared/usecases/correction';
import { calendarCoverage, listDeadLetters, readAnnualReport, retryDeadLetter, readStats } from '#shared/usecases/operations';
import { operationsDeps, operatorCorrectionDeps, oversightDeps } from '#shared/services';

const wantsHtml = (accept: string | undefined): boolean => /\btext\/html\b/i.test(accept ?? '');

export const handler = httpFunction(adminRoutes, {
  adminReadAccount: async (req) => ({ status: 200, body: await readAccountForOperator(await oversightDeps(), req.caller.accountId, req.params.accountId, req.query, req.nowMs) }),
  adminCorrections: async (req) => ({ status: 200, body: await listCorrections(await operatorCorrectionDeps(), req.caller.accountId, req.query, req.nowMs) }),
  adminDecideCorrection: async (req) => ({ status: 200, body: await decideCorrection(await operatorCorrectionDeps(), req.caller.accountId, req.params.accountId, req.body, req.nowMs) }),
  adminAccessLog: async (req) => ({ status: 200, body: await readAccessLog(await oversightDeps(), req.caller.accountId, req.query, req.nowMs) }),
  adminStats: async (req) => ({ status: 200, body: await readStats(await operationsDeps(), req.query) }),
  adminAnnualReport: async (req): Promise<Reply> => {
    const report = await readAnnualReport(await operationsDeps(), req.query, req.nowMs, wantsHtml(req.headers.accept));
    return 'html' in report
      ? { status: 200, raw: { body: report.html }, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', vary: 'accept' } }
      : { status: 200, body: report.json, headers: { vary: 'accept' } };
  },
  adminDeadLetters: async () => ({ status: 200, body: await listDeadLetters(await operationsDeps()) }),
  adminRetryDeadLetter: async (req) => ({ status: 200, body: await retryDeadLetter(await operationsDeps(), req.params.id) }),
  adminCalendar: async (req) => ({ status: 200, body: calendarCoverage(await operationsDeps(), req.nowMs) }),
});
