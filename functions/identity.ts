/** POST /v1/identity and GET /v1/identity (docs/api.md). */
import { identityRoutes } from '#shared/api/routes';
import { httpFunction } from '#shared/http/api';
import { readIdentity, submitIdentity } from '#shared/identity/service';
import { correctionDeps, identityDeps, personAccountsDeps } from '#shared/services';
import { requestCorrection } from '#shared/usecases/correction';
import { listPersonAccounts, unbindLaterAccount } from '#shared/usecases/personAccounts';

export const handler = httpFunction(identityRoutes, {
  submitIdentity: async (req) => ({ status: 200, body: await submitIdentity(await identityDeps(), req.caller.accountId, req.body, req.nowMs) }),
  correctIdentity: async (req) => requestCorrection(await correctionDeps(), req.caller.accountId, req.body, req.nowMs),
  readIdentity: async (req) => ({ status: 200, body: await readIdentity(await identityDeps(), req.caller.accountId, req.nowMs) }),
  listMyAccounts: async (req) => ({ status: 200, body: await listPersonAccounts(await personAccountsDeps(), req.caller.accountId) }),
  unbindMyAccount: async (req) => {
    await unbindLaterAccount(await personAccountsDeps(), req.caller.accountId, req.params.accountId, req.nowMs);
    return { status: 204 };
  },
});
