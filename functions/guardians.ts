/** Guardians and wards (docs/api.md, docs/guardians.md): linking, confirmation, controls, approvals, activity, under-14 consent, refund requests. */
import { guardiansRoutes } from '#shared/api/routes';
import { httpFunction } from '#shared/edge/http';
import { guardianDeps, refundDeps, wardActivityDeps, wardConsentDeps } from '#shared/services';
import {
  confirmLink,
  declineLink,
  decideApproval,
  linkWard,
  listApprovals,
  listWards,
  myGuardians,
  recordWardConsent,
  setControls,
  unlinkWard,
} from '#shared/guardians/service';
import { requestRefund } from '#shared/usecases/refunds';
import { wardActivity } from '#shared/usecases/wardRecords';

export const handler = httpFunction(guardiansRoutes, {
  linkWard: async (req) => {
    const { created, ward } = await linkWard(await guardianDeps(), req.caller.accountId, req.body, req.nowMs);
    return { status: created ? 201 : 200, body: ward };
  },
  listWards: async (req) => ({ status: 200, body: await listWards(await guardianDeps(), req.caller.accountId, req.nowMs) }),
  setWardControls: async (req) => ({
    status: 200,
    body: await setControls(await guardianDeps(), req.caller.accountId, req.params.wardId, req.body, req.nowMs),
  }),
  unlinkWard: async (req) => {
    await unlinkWard(await guardianDeps(), req.caller.accountId, req.params.wardId, req.nowMs);
    return { status: 204 };
  },
  wardActivity: async (req) => ({
    status: 200,
    body: await wardActivity(await wardActivityDeps(), req.caller.accountId, req.params.wardId, req.query, req.nowMs),
  }),
  listApprovals: async (req) => ({ status: 200, body: await listApprovals(await guardianDeps(), req.caller.accountId, req.nowMs) }),
  decideApproval: async (req) => ({
    status: 200,
    body: await decideApproval(await guardianDeps(), req.caller.accountId, req.params.approvalId, req.body.approved, req.nowMs),
  }),
  confirmGuardian: async (req) => ({ status: 200, body: await confirmLink(await guardianDeps(), req.caller.accountId, req.body.code, req.nowMs) }),
  myGuardians: async (req) => ({ status: 200, body: await myGuardians(await guardianDeps(), req.caller.accountId, req.nowMs) }),
  declineGuardian: async (req) => {
    await declineLink(await guardianDeps(), req.caller.accountId, req.params.linkId, req.nowMs);
    return { status: 204 };
  },
  recordWardConsent: async (req) => {
    const { guardians, policy } = await wardConsentDeps();
    return { status: 200, body: await recordWardConsent(guardians, policy, req.caller.accountId, req.params.wardId, req.body, req.nowMs) };
  },
  requestRefund: async (req) => ({ status: 201, body: await requestRefund(await refundDeps(), req.caller.accountId, req.params.wardId, req.body, req.nowMs) }),
});
