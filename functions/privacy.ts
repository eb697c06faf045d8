/** GET /v1/me/data and DELETE /v1/me — a player's export and erasure — and the player's complaints (docs/api.md). */
import { privacyRoutes } from '#shared/api/routes';
import { httpFunction } from '#shared/edge/http';
import { fileComplaint, myComplaints } from '#shared/complaints/service';
import { eraseAccount, exportMyData } from '#shared/usecases/privacy';
import { complaintDeps, privacyDeps } from '#shared/services';
import { eraseWardData, exportWardData } from '#shared/usecases/wardRecords';

export const handler = httpFunction(privacyRoutes, {
  readMyData: async (req) => ({ status: 200, body: await exportMyData(await privacyDeps(), req.caller.accountId, req.nowMs, req.caller.gameId) }),
  eraseMe: async (req) => ({ status: 200, body: await eraseAccount(await privacyDeps(), req.caller.accountId, req.nowMs) }),
  fileComplaint: async (req) => ({ status: 201, body: await fileComplaint(await complaintDeps(), req.caller, req.body, req.nowMs) }),
  myComplaints: async (req) => ({ status: 200, body: await myComplaints(await complaintDeps(), req.caller.accountId) }),
  exportWardData: async (req) => ({ status: 200, body: await exportWardData(await privacyDeps(), req.caller.accountId, req.params.wardId, req.nowMs) }),
  eraseWardData: async (req) => ({ status: 200, body: await eraseWardData(await privacyDeps(), req.caller.accountId, req.params.wardId, req.nowMs) }),
});
