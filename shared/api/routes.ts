/**
 * The route table: each function's routes, with what the edge needs to serve them (method, path,
 * the kind of credential, and the schemas it validates the path, the query and the body with). The
 * CDK stack makes an HTTP API route and a Lambda integration from each entry; the local runner
 * serves exactly these; the OpenAPI document lists exactly these, with what shared/api/routeDocs.ts
 * says about each (its type makes every route documented). A route cannot exist in one and not the
 * others.
 *
 * A function's handler is built from its own group (`httpFunction(sessionsRoutes, {…})`,
 * shared/edge/http.ts). The groups are plain objects and `routes` is marked pure, so esbuild keeps
 * only the group a function imports, with the schemas it names: no function carries another's routes,
 * and none the documentation or the OpenAPI generator (only `meta` imports those, for
 * GET /openapi.json).
 */
import type { HttpFunctionName } from '#shared/api/functions';
import * as s from '#shared/api/schemas';
import type * as z from '#shared/zod';

/**
 * none: public; player/server/operator: that kind of credential only; account: a player or a game
 * server (docs/api.md "Authentication").
 */
export type Auth = 'none' | 'player' | 'server' | 'account' | 'operator';

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** The function that serves it (shared/api/functions.ts). */
  fn: HttpFunctionName;
  auth: Auth;
  body?: z.ZodMiniType;
  /** One schema per `{name}` in `path`: checked at the edge before the operation runs. */
  params?: z.ZodMiniObject;
  /** The query parameters: declared in the OpenAPI document, parsed at the edge (400 `in: "query"`); the operation receives them parsed. */
  query?: z.ZodMiniObject;
}

/** One function's routes, by operation id. */
export type Routes<F extends HttpFunctionName = HttpFunctionName> = Record<string, RouteSpec & { fn: F }>;

export const metaRoutes = {
  health: { method: 'GET', path: '/health', fn: 'meta', auth: 'none' },
  openapi: { method: 'GET', path: '/openapi.json', fn: 'meta', auth: 'none' },
  listGames: { method: 'GET', path: '/v1/games', fn: 'meta', auth: 'none' },
  // The publisher's keys (contract: "Publisher keys"): what API Gateway's authorizer reads to trust them.
  openidConfiguration: { method: 'GET', path: '/.well-known/openid-configuration', fn: 'meta', auth: 'none' },
  publisherJwks: { method: 'GET', path: '/.well-known/jwks.json', fn: 'meta', auth: 'none' },
} as const satisfies Routes<'meta'>;

export const identityRoutes = {
  submitIdentity: { method: 'POST', path: '/v1/identity', fn: 'identity', auth: 'player', body: s.IdentitySubmit },
  readIdentity: { method: 'GET', path: '/v1/identity', fn: 'identity', auth: 'player' },
  correctIdentity: { method: 'POST', path: '/v1/identity/correction', fn: 'identity', auth: 'player', body: s.IdentitySubmission },
  listMyAccounts: { method: 'GET', path: '/v1/me/accounts', fn: 'identity', auth: 'player' },
  unbindMyAccount: { method: 'DELETE', path: '/v1/me/accounts/{accountId}', fn: 'identity', auth: 'player', params: s.PersonAccountPath },
} as const satisfies Routes<'identity'>;

export const sessionsRoutes = {
  startSession: { method: 'POST', path: '/v1/sessions', fn: 'sessions', auth: 'player', body: s.SessionStart },
  heartbeat: { method: 'POST', path: '/v1/sessions/{sessionId}/heartbeat', fn: 'sessions', auth: 'player', params: s.SessionPath, body: s.Heartbeat },
  endSession: { method: 'DELETE', path: '/v1/sessions/{sessionId}', fn: 'sessions', auth: 'player', params: s.SessionPath },
  readLimits: { method: 'GET', path: '/v1/limits', fn: 'sessions', auth: 'player' },
} as const satisfies Routes<'sessions'>;

export const paymentsRoutes = {
  reservePayment: { method: 'POST', path: '/v1/payments', fn: 'payments', auth: 'account', body: s.PaymentReservation },
  commitPayment: { method: 'POST', path: '/v1/payments/{orderId}/commit', fn: 'payments', auth: 'account', params: s.OrderPath },
  cancelPayment: { method: 'POST', path: '/v1/payments/{orderId}/cancel', fn: 'payments', auth: 'account', params: s.OrderPath },
} as const satisfies Routes<'payments'>;

export const challengesRoutes = {
  challengeResult: {
    method: 'POST',
    path: '/v1/challenges/{challengeId}/result',
    fn: 'challenges',
    auth: 'server',
    params: s.ChallengePath,
    body: s.ChallengeResult,
  },
} as const satisfies Routes<'challenges'>;

export const privacyRoutes = {
  readMyData: { method: 'GET', path: '/v1/me/data', fn: 'privacy', auth: 'player' },
  eraseMe: { method: 'DELETE', path: '/v1/me', fn: 'privacy', auth: 'player' },
  // Complaints and the requests register (docs/api.md)
  fileComplaint: { method: 'POST', path: '/v1/complaints', fn: 'privacy', auth: 'player', body: s.ComplaintSubmission },
  myComplaints: { method: 'GET', path: '/v1/me/complaints', fn: 'privacy', auth: 'player' },
  // A guardian's export and erasure of a ward's data (docs/guardians.md)
  exportWardData: { method: 'GET', path: '/v1/guardian/wards/{wardId}/data', fn: 'privacy', auth: 'player', params: s.WardPath },
  eraseWardData: { method: 'DELETE', path: '/v1/guardian/wards/{wardId}/data', fn: 'privacy', auth: 'player', params: s.WardPath },
} as const satisfies Routes<'privacy'>;

export const guardiansRoutes = {
  linkWard: { method: 'POST', path: '/v1/guardian/wards', fn: 'guardians', auth: 'player', body: s.WardRequest },
  listWards: { method: 'GET', path: '/v1/guardian/wards', fn: 'guardians', auth: 'player' },
  setWardControls: { method: 'PUT', path: '/v1/guardian/wards/{wardId}/controls', fn: 'guardians', auth: 'player', params: s.WardPath, body: s.ControlsPatch },
  unlinkWard: { method: 'DELETE', path: '/v1/guardian/wards/{wardId}', fn: 'guardians', auth: 'player', params: s.WardPath },
  wardActivity: { method: 'GET', path: '/v1/guardian/wards/{wardId}/activity', fn: 'guardians', auth: 'player', params: s.WardPath, query: s.ActivityQuery },
  listApprovals: { method: 'GET', path: '/v1/guardian/approvals', fn: 'guardians', auth: 'player' },
  decideApproval: {
    method: 'POST',
    path: '/v1/guardian/approvals/{approvalId}',
    fn: 'guardians',
    auth: 'player',
    params: s.ApprovalPath,
    body: s.ApprovalDecision,
  },
  confirmGuardian: { method: 'POST', path: '/v1/me/guardians/confirm', fn: 'guardians', auth: 'player', body: s.ConfirmLink },
  myGuardians: { method: 'GET', path: '/v1/me/guardians', fn: 'guardians', auth: 'player' },
  declineGuardian: { method: 'DELETE', path: '/v1/me/guardians/{linkId}', fn: 'guardians', auth: 'player', params: s.LinkPath },
  recordWardConsent: {
    method: 'POST',
    path: '/v1/guardian/wards/{wardId}/consent',
    fn: 'guardians',
    auth: 'player',
    params: s.WardPath,
    body: s.GuardianConsent,
  },
  requestRefund: {
    method: 'POST',
    path: '/v1/guardian/wards/{wardId}/refund-requests',
    fn: 'guardians',
    auth: 'player',
    params: s.WardPath,
    body: s.RefundRequest,
  },
} as const satisfies Routes<'guardians'>;

export const adminRoutes = {
  adminReadAccount: {
    method: 'GET',
    path: '/v1/admin/accounts/{accountId}',
    fn: 'admin',
    auth: 'operator',
    params: s.AdminAccountPath,
    query: s.AdminAccountQuery,
  },
  adminAccessLog: { method: 'GET', path: '/v1/admin/access-log', fn: 'admin', auth: 'operator', query: s.AccessLogQuery },
  adminCorrections: { method: 'GET', path: '/v1/admin/corrections', fn: 'admin', auth: 'operator', query: s.AdminAccountQuery },
  adminDecideCorrection: {
    method: 'POST',
    path: '/v1/admin/accounts/{accountId}/identity-correction',
    fn: 'admin',
    auth: 'operator',
    params: s.AdminAccountPath,
    body: s.CorrectionDecision,
  },
  adminStats: { method: 'GET', path: '/v1/admin/stats', fn: 'admin', auth: 'operator', query: s.StatsQuery },
  adminAnnualReport: { method: 'GET', path: '/v1/admin/reports/annual', fn: 'admin', auth: 'operator', query: s.AnnualReportQuery },
  adminDeadLetters: { method: 'GET', path: '/v1/admin/dead-letters', fn: 'admin', auth: 'operator' },
  adminRetryDeadLetter: { method: 'POST', path: '/v1/admin/dead-letters/{id}/retry', fn: 'admin', auth: 'operator', params: s.DeadLetterPath },
  adminCalendar: { method: 'GET', path: '/v1/admin/calendar', fn: 'admin', auth: 'operator' },
  adminComplaints: { method: 'GET', path: '/v1/admin/complaints', fn: 'admin', auth: 'operator', query: s.ComplaintsQuery },
  adminAnswerComplaint: {
    method: 'POST',
    path: '/v1/admin/complaints/{complaintId}/answer',
    fn: 'admin',
    auth: 'operator',
    params: s.ComplaintPath,
    body: s.ComplaintAnswer,
  },
  adminRefundRequest: {
    method: 'GET',
    path: '/v1/admin/refund-requests/{requestId}',
    fn: 'admin',
    auth: 'operator',
    params: s.RefundPath,
    query: s.AdminAccountQuery,
  },
  adminDecideRefund: {
    method: 'POST',
    path: '/v1/admin/refund-requests/{requestId}/decision',
    fn: 'admin',
    auth: 'operator',
    params: s.RefundPath,
    body: s.RefundDecision,
  },
} as const satisfies Routes<'admin'>;

export const consoleRoutes = {
  consoleIndex: { method: 'GET', path: '/console', fn: 'console', auth: 'none' },
  consoleAsset: { method: 'GET', path: '/console/{asset}', fn: 'console', auth: 'none', params: s.ConsolePath },
} as const satisfies Routes<'console'>;

/** Every route, by operation id (an operation id names one route: test/unit/functionBundles.test.ts). */
export const routes = /* @__PURE__ */ (() => ({
  ...metaRoutes,
  ...identityRoutes,
  ...sessionsRoutes,
  ...paymentsRoutes,
  ...challengesRoutes,
  ...privacyRoutes,
  ...guardiansRoutes,
  ...adminRoutes,
  ...consoleRoutes,
}))();

export type OperationId = keyof typeof routes;

export const routeKey = (r: RouteSpec): string => `${r.method} ${r.path}`;

export const routeList = (): Array<[OperationId, RouteSpec]> => Object.entries(routes) as Array<[OperationId, RouteSpec]>;
