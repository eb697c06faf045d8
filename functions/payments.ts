/** Payment reservations: reserve, commit, cancel (docs/api.md). */
import { paymentsRoutes } from '#shared/api/routes';
import { httpFunction } from '#shared/edge/http';
import { cancelPayment, commitPayment, reservePayment } from '#shared/spending/service';
import { spendingDeps } from '#shared/services';

export const handler = httpFunction(paymentsRoutes, {
  reservePayment: async (req) => ({ status: 201, body: await reservePayment(await spendingDeps(), req.caller, req.body, req.nowMs) }),
  commitPayment: async (req) => ({ status: 200, body: await commitPayment(await spendingDeps(), req.caller, req.params.orderId, req.nowMs) }),
  cancelPayment: async (req) => ({ status: 200, body: await cancelPayment(await spendingDeps(), req.caller, req.params.orderId, req.nowMs) }),
});
