/** GET /v1/admin/accounts/{accountId} and GET /v1/admin/access-log — compliance staff (docs/api.md). */
import { httpFunction } from '#shared/http/api';
import { readAccessLog, readAccountForOperator } from '#shared/usecases/oversight';
import { operatorCorrectionDeps, oversightDeps } from '#shared/services';
import { decideCorrection, listCorrections } from '#shared/usecases/correction';

export const handler = httpFunction({
  adminReadAccount: async (req) => ({ status: 200, body: await readAccountForOperator(await oversightDeps(), req.caller.accountId, req.params.accountId, req.query, req.nowMs) }),
  adminCorrections: async (req) => ({ status: 200, body: await listCorrections(await operatorCorrectionDeps(), req.caller.accountId, req.query, req.nowMs) }),
  adminDecideCorrection: async (req) => ({ status: 200, body: await decideCorrection(await operatorCorrectionDeps(), req.caller.accountId, req.params.accountId, req.body, req.nowMs) }),
  adminAccessLog: async (req) => ({ status: 200, body: await readAccessLog(await oversightDeps(), req.query) }),
});
