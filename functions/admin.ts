/** GET /v1/admin/accounts/{accountId} and GET /v1/admin/access-log — compliance staff (docs/api.md). */
import { httpFunction } from '#shared/http/api';
import { readAccessLog, readAccountForOperator } from '#shared/usecases/oversight';
import { oversightDeps } from '#shared/services';

export const handler = httpFunction({
  adminReadAccount: async (req) => ({ status: 200, body: await readAccountForOperator(await oversightDeps(), req.caller.accountId, req.params.accountId, req.query, req.nowMs) }),
  adminAccessLog: async (req) => ({ status: 200, body: await readAccessLog(await oversightDeps(), req.query) }),
});
