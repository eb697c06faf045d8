/** Guardians and wards (docs/api.md, docs/guardians.md): linking, confirmation, controls, approvals, activity. */
import { guardiansRoutes } from '#shared/api/routes';
import { httpFunction } from '#shared/http/api';
import { parseQuery } from '#shared/problem';
import { ActivityQuery } from '#shared/api/schemas';
import { guardianDeps, privacyDeps } from '#shared/services';
import { confirmLink, declineLink, decideApproval, eraseWardData, exportWardData, linkWard, listApprovals, listWards, myGuardians, setControls, unlinkWard, wardActivity } from '#shared/usecases/guardians';

export const handler = httpFunction(guardiansRoutes, {
  linkWard: async (req) => linkWard(await guardianDeps(), req.caller.accountId, req.body, req.nowMs),
  listWards: async (req) => ({ status: 200, body: await listWards(await guardianDeps(), req.caller.accountId, req.nowMs) }),
  setWardControls: async (req) => ({ status: 200, body: await setControls(await guardianDeps(), req.caller.accountId, req.params.wardId, req.body, req.nowMs) }),
  unlinkWard: async (req) => {
    await unlinkWard(await guardianDeps(), req.caller.accountId, req.params.wardId, req.nowMs);
    return { status: 204 };
  },
  wardActivity: async (req) => ({ status: 200, body: await wardActivity(await guardianDeps(), req.caller.accountId, req.params.wardId, parseQuery(ActivityQuery, req.query), req.nowMs) }),
  exportWardData: async (req) => ({ status: 200, body: await exportWardData(await guardianDeps(), await privacyDeps(), req.caller.accountId, req.params.wardId, req.nowMs) }),
  eraseWardData: async (req) => ({ status: 200, body: await eraseWardData(await guardianDeps(), await privacyDeps(), req.caller.accountId, req.params.wardId, req.nowMs) }),
  listApprovals: async (req) => ({ status: 200, body: await listApprovals(await guardianDeps(), req.caller.accountId, req.nowMs) }),
  decideApproval: async (req) => ({ status: 200, body: await decideApproval(await guardianDeps(), req.caller.accountId, req.params.approvalId, req.body.approved, req.nowMs) }),
  confirmGuardian: async (req) => ({ status: 200, body: await confirmLink(await guardianDeps(), req.caller.accountId, req.body.code, req.nowMs) }),
  myGuardians: async (req) => ({ status: 200, body: await myGuardians(await guardianDeps(), req.caller.accountId, req.nowMs) }),
  declineGuardian: async (req) => {
    await declineLink(await guardianDeps(), req.caller.accountId, req.params.linkId, req.nowMs);
    return { status: 204 };
  },
});
