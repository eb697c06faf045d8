/** GET /v1/me/data and DELETE /v1/me — a player's export and erasure (docs/api.md). */
import { privacyRoutes } from '#shared/api/routes';
import { httpFunction } from '#shared/edge/http';
import { eraseAccount, exportData } from '#shared/usecases/privacy';
import { privacyDeps } from '#shared/services';

export const handler = httpFunction(privacyRoutes, {
  readMyData: async (req) => ({ status: 200, body: await exportData(await privacyDeps(), req.caller.accountId, req.nowMs, req.caller.gameId) }),
  eraseMe: async (req) => ({ status: 200, body: await eraseAccount(await privacyDeps(), req.caller.accountId, req.nowMs) }),
});
