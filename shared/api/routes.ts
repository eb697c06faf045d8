/**
 * The one route table. The CDK stack makes an HTTP API route and a Lambda integration from each
 * entry; the local runner serves exactly these; the OpenAPI document lists exactly these. A route
 * cannot exist in one and not the others.
 */
import type * as z from '#shared/zod';
import * as s from '#shared/api/schemas';

/** One Lambda function per capability (functions/<name>.ts). */
export type FunctionName = 'meta' | 'identity' | 'sessions' | 'payments' | 'challenges' | 'privacy' | 'admin' | 'guardians' | 'console';

/**
 * none: public; player/server/operator: that kind of credential only; account: a player or a game
 * server (docs/api.md "Authentication").
 */
export type Auth = 'none' | 'player' | 'server' | 'account' | 'operator';

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  fn: FunctionName;
  auth: Auth;
  summary: string;
  body?: z.ZodMiniType;
  /** One schema per `{name}` in `path`: checked at the edge before the operation runs. */
  params?: z.ZodMiniObject;
  /** The query parameters: declared in the OpenAPI document and checked at the edge (400 `in: "query"`). */
  query?: z.ZodMiniObject;
  responses: Record<number, { description: string; schema?: z.ZodMiniType }>;
}

const route = <const R extends RouteSpec>(r: R): R => r;

// Routes whose operation writes in a DynamoDB transaction: a conflict that outlasts the storage
// client's retries (shared/storage/dynamo.ts) answers this, never a 500.
const contention = { description: 'write_contention (with Retry-After): concurrent changes to the same person; nothing changed, send the same request again', schema: s.Problem };

// Every route that takes a credential may answer unknown_game: the token's `game` claim names a game
// this deployment is not configured for (shared/http/api.ts; a token without one is for the first
// configured game). Routes for one kind of credential answer forbidden to the other kind.
const UNKNOWN_GAME = "unknown_game (the token's `game` claim names no configured game; GET /v1/games lists them)";
const unknownGame = { description: UNKNOWN_GAME, schema: s.Problem };
const refusedCredential = (kind: 'player' | 'server' | 'operator') => ({ description: `forbidden (not a ${kind} credential) or ${UNKNOWN_GAME}`, schema: s.Problem });

export const routes = {
  health: route({
    method: 'GET', path: '/health', fn: 'meta', auth: 'none', summary: 'Liveness',
    responses: { 200: { description: 'Up', schema: s.Health } },
  }),
  openapi: route({
    method: 'GET', path: '/openapi.json', fn: 'meta', auth: 'none', summary: 'This document',
    responses: { 200: { description: 'OpenAPI 3.1 document' } },
  }),
  listGames: route({
    method: 'GET', path: '/v1/games', fn: 'meta', auth: 'none', summary: 'The games this deployment serves',
    responses: { 200: { description: 'Every configured game, in configured order', schema: s.Games } },
  }),
  submitIdentity: route({
    method: 'POST', path: '/v1/identity', fn: 'identity', auth: 'player', summary: 'Submit real-name information',
    body: s.IdentitySubmission,
    responses: {
      200: { description: 'Verified, or pending (the national system answered "in progress"; the gateway finishes it later)', schema: s.IdentitySubmitted },
      403: refusedCredential('player'),
      409: { description: 'identity_already_bound', schema: s.Problem },
      422: { description: 'invalid_id_number or identity_rejected', schema: s.Problem },
      429: { description: 'rate_limited or write_contention (with Retry-After)', schema: s.Problem },
      503: { description: 'upstream_unavailable (with Retry-After)', schema: s.Problem },
    },
  }),
  readIdentity: route({
    method: 'GET', path: '/v1/identity', fn: 'identity', auth: 'player', summary: "The account's real-name status",
    responses: { 200: { description: 'Status and, when known, the age band for today', schema: s.IdentityView }, 403: refusedCredential('player') },
  }),
  startSession: route({
    method: 'POST', path: '/v1/sessions', fn: 'sessions', auth: 'player', summary: 'Log in to play',
    body: s.SessionStart,
    responses: {
      201: { description: 'Session started; null remaining/endsAt means no limit applies', schema: s.SessionStarted },
      403: { description: `identity_required, play_time_restricted (with nextWindowStart/nextWindowEnd), account_blocked, forbidden (not a player credential) or ${UNKNOWN_GAME}`, schema: s.Problem },
      409: { description: 'session_active_elsewhere (retry with takeover: true to end the other session)', schema: s.Problem },
      428: { description: 'challenge_required (with challengeId, challengeKind)', schema: s.Problem },
      429: contention,
    },
  }),
  heartbeat: route({
    method: 'POST', path: '/v1/sessions/{sessionId}/heartbeat', fn: 'sessions', auth: 'player', summary: 'Heartbeat during play',
    params: s.SessionPath,
    body: s.Heartbeat,
    responses: {
      200: { description: 'What the client must do, and when to call next', schema: s.HeartbeatAnswer },
      403: refusedCredential('player'),
      404: { description: 'session_not_found', schema: s.Problem },
      409: { description: 'stale_heartbeat (seq lower than the last one seen)', schema: s.Problem },
      429: contention,
    },
  }),
  endSession: route({
    method: 'DELETE', path: '/v1/sessions/{sessionId}', fn: 'sessions', auth: 'player', summary: 'Log out (idempotent)',
    params: s.SessionPath,
    responses: { 204: { description: 'Logged out' }, 403: refusedCredential('player'), 429: contention },
  }),
  readLimits: route({
    method: 'GET', path: '/v1/limits', fn: 'sessions', auth: 'player', summary: "The player's play-time and spending limits now",
    responses: { 200: { description: 'Agrees with what a login or a reservation at this instant would decide', schema: s.Limits }, 403: refusedCredential('player') },
  }),
  reservePayment: route({
    method: 'POST', path: '/v1/payments', fn: 'payments', auth: 'account', summary: 'Reserve a payment before charging',
    body: s.PaymentReservation,
    responses: {
      201: { description: 'Reserved: counts against the limits until committed, cancelled or expired', schema: s.PaymentReserved },
      403: {
        description: 'spending_limit_exceeded (with limit, limitAmount, remainingAmount), identity_required, forbidden (accountId other than sub, or gameId other than the token\'s game, with a player credential) or unknown_game (the token\'s `game` or the body\'s gameId is not configured)',
        schema: s.Problem,
      },
      409: { description: 'order_conflict: same orderId with a different amount or account, or replayed after the order was cancelled or expired (with orderStatus)', schema: s.Problem },
      428: { description: 'challenge_required (with challengeId, challengeKind)', schema: s.Problem },
      429: contention,
    },
  }),
  commitPayment: route({
    method: 'POST', path: '/v1/payments/{orderId}/commit', fn: 'payments', auth: 'account', summary: 'Make a reservation permanent (idempotent)',
    params: s.OrderPath,
    responses: {
      200: { description: 'Committed', schema: s.PaymentState },
      403: unknownGame,
      404: { description: 'order_not_found', schema: s.Problem },
      409: { description: 'order_expired (the reservation had been released)', schema: s.Problem },
    },
  }),
  cancelPayment: route({
    method: 'POST', path: '/v1/payments/{orderId}/cancel', fn: 'payments', auth: 'account', summary: 'Release a reservation (idempotent)',
    params: s.OrderPath,
    responses: {
      200: { description: 'Cancelled', schema: s.PaymentState },
      403: unknownGame,
      404: { description: 'order_not_found', schema: s.Problem },
      409: { description: 'order_conflict (the order was already committed)', schema: s.Problem },
      429: contention,
    },
  }),
  challengeResult: route({
    method: 'POST', path: '/v1/challenges/{challengeId}/result', fn: 'challenges', auth: 'server', summary: "The publisher's verdict on a challenge (face check)",
    params: s.ChallengePath,
    body: s.ChallengeResult,
    responses: {
      200: { description: 'Recorded; a failed or expired challenge puts the account under minor rules', schema: s.ChallengeState },
      403: refusedCredential('server'),
      404: { description: 'challenge_not_found', schema: s.Problem },
      429: contention,
    },
  }),
  readMyData: route({
    method: 'GET', path: '/v1/me/data', fn: 'privacy', auth: 'player', summary: 'Everything the gateway holds about this account and its person (export)',
    responses: { 200: { description: 'This account\'s data only: no other account\'s data, no keys, hashes or PI', schema: s.MyData }, 403: refusedCredential('player') },
  }),
  eraseMe: route({
    method: 'DELETE', path: '/v1/me', fn: 'privacy', auth: 'player', summary: 'Erase this account (idempotent)',
    responses: {
      200: { description: 'Erased: a live session ended (its logout is reported); what the law still needs is listed in retained, with until and why. Repeating it changes nothing', schema: s.Erasure },
      403: refusedCredential('player'),
      429: contention,
    },
  }),
  adminReadAccount: route({
    method: 'GET', path: '/v1/admin/accounts/{accountId}', fn: 'admin', auth: 'operator',
    summary: 'An account for compliance staff: status, age band, risk flags, recent sessions, payments, audit entries. Query `reason` (1–200 characters) is required; the access is logged before anything is returned',
    params: s.AdminAccountPath,
    query: s.AdminAccountQuery,
    responses: {
      200: { description: 'The account (the access-log entry was written first)', schema: s.AdminAccount },
      400: { description: 'invalid_request (reason missing, empty or over 200 characters)', schema: s.Problem },
      403: refusedCredential('operator'),
      404: { description: 'not_found (nothing is stored about this account; the access is still logged)', schema: s.Problem },
    },
  }),
  adminAccessLog: route({
    method: 'GET', path: '/v1/admin/access-log', fn: 'admin', auth: 'operator',
    summary: 'Operator access log between two Beijing days: query `from` and `to` (YYYY-MM-DD, inclusive, at most 367 days)',
    query: s.AccessLogQuery,
    responses: {
      200: { description: 'Entries oldest first; they cannot be changed or deleted and are kept three years', schema: s.AccessLog },
      400: { description: 'invalid_request (from/to missing or malformed, from after to, or over 367 days)', schema: s.Problem },
      403: refusedCredential('operator'),
    },
  }),
  correctIdentity: route({
    method: 'POST', path: '/v1/identity/correction', fn: 'identity', auth: 'player',
    summary: 'Correct a wrongly bound identity: checked with the national system again; a stricter (younger) identity applies at once, a looser one waits for an operator',
    body: s.IdentitySubmission,
    responses: {
      200: { description: 'corrected (live sessions ended with reason identity_corrected; the next login is under the new age) or unchanged', schema: s.IdentityCorrected },
      202: { description: 'awaiting_operator: the new identity is older; the account stays under the current (stricter) one until an operator applies it', schema: s.IdentityCorrected },
      403: { description: `identity_required (no verified identity to correct), forbidden or ${UNKNOWN_GAME}`, schema: s.Problem },
      422: { description: 'invalid_id_number or identity_rejected', schema: s.Problem },
      429: contention,
      503: { description: 'upstream_unavailable (with Retry-After)', schema: s.Problem },
    },
  }),
  adminCorrections: route({
    method: 'GET', path: '/v1/admin/corrections', fn: 'admin', auth: 'operator',
    summary: 'Looser identity corrections waiting for an operator. Query `reason` (1–200 characters) is required; the access is logged first',
    query: s.AdminAccountQuery,
    responses: { 200: { description: 'Oldest first', schema: s.Corrections }, 400: { description: 'invalid_request (reason missing or too long)', schema: s.Problem }, 403: refusedCredential('operator') },
  }),
  adminDecideCorrection: route({
    method: 'POST', path: '/v1/admin/accounts/{accountId}/identity-correction', fn: 'admin', auth: 'operator',
    summary: "Apply or refuse an account's waiting identity correction, with a reason (logged before anything changes)",
    params: s.AdminAccountPath,
    body: s.CorrectionDecision,
    responses: {
      200: { description: 'Applied (live sessions ended; the next login is under the new age) or refused', schema: s.CorrectionDecided },
      403: refusedCredential('operator'),
      404: { description: 'not_found (no correction waiting for this account; the access is still logged)', schema: s.Problem },
      429: contention,
    },
  }),
  linkWard: route({
    method: 'POST', path: '/v1/guardian/wards', fn: 'guardians', auth: 'player', summary: 'Guardian: ask to link a minor the gateway has verified (by name and ID number)',
    body: s.WardRequest,
    responses: {
      200: { description: 'Asked before: the same wardId (a fresh code while still pending)', schema: s.WardLink },
      201: { description: 'Link pending until the ward confirms the code from one of its accounts; a pending link can only tighten', schema: s.WardLink },
      403: { description: `guardian_not_eligible (only a verified adult can be a guardian), forbidden (not a player credential) or ${UNKNOWN_GAME}`, schema: s.Problem },
      404: { description: 'ward_not_found: no verified minor has that name and number (the same answer for a wrong name and an unknown number)', schema: s.Problem },
      422: { description: 'invalid_id_number', schema: s.Problem },
      429: { description: 'rate_limited (5 failed look-ups in a Beijing day; Retry-After until the next Beijing day) or write_contention', schema: s.Problem },
    },
  }),
  listWards: route({
    method: 'GET', path: '/v1/guardian/wards', fn: 'guardians', auth: 'player', summary: "Guardian: the guardian's wards and this guardian's controls",
    responses: { 200: { description: 'Wards, oldest link first', schema: s.Wards }, 403: { description: 'guardian_not_eligible, forbidden or unknown_game', schema: s.Problem } },
  }),
  setWardControls: route({
    method: 'PUT', path: '/v1/guardian/wards/{wardId}/controls', fn: 'guardians', auth: 'player', summary: "Guardian: change this guardian's controls (what applies is the strictest of the law, the publisher's policy and every guardian's)",
    params: s.WardPath,
    body: s.ControlsPatch,
    responses: {
      200: { description: "This guardian's controls; they apply from the next request on (a live session's next heartbeat)", schema: s.GuardianControls },
      403: { description: 'guardian_not_eligible, forbidden or unknown_game', schema: s.Problem },
      404: { description: "ward_not_found (unknown wardId, or another guardian's)", schema: s.Problem },
      429: contention,
    },
  }),
  unlinkWard: route({
    method: 'DELETE', path: '/v1/guardian/wards/{wardId}', fn: 'guardians', auth: 'player', summary: "Guardian: end this guardian's link and controls",
    params: s.WardPath,
    responses: { 204: { description: 'Ended' }, 403: { description: 'guardian_not_eligible, forbidden or unknown_game', schema: s.Problem }, 404: { description: 'ward_not_found', schema: s.Problem }, 429: contention },
  }),
  wardActivity: route({
    method: 'GET', path: '/v1/guardian/wards/{wardId}/activity', fn: 'guardians', auth: 'player',
    summary: "Guardian: the ward's sessions and payments between two Beijing days (query `from`, `to`: YYYY-MM-DD, both included, at most 92 days); confirmed links only",
    params: s.WardPath,
    query: s.ActivityQuery,
    responses: {
      200: { description: 'Sessions started and payments reserved in the range, oldest first, with totals (played seconds; committed fen)', schema: s.Activity },
      400: { description: 'invalid_request (from/to missing or malformed, from after to, or over 92 days)', schema: s.Problem },
      403: { description: 'link_not_confirmed, guardian_not_eligible, forbidden or unknown_game', schema: s.Problem },
      404: { description: 'ward_not_found', schema: s.Problem },
    },
  }),
  exportWardData: route({
    method: 'GET', path: '/v1/guardian/wards/{wardId}/data', fn: 'guardians', auth: 'player', summary: "Guardian: everything the gateway holds about the ward, over all of the ward's accounts (confirmed links only)",
    params: s.WardPath,
    responses: {
      200: { description: 'The export of GET /v1/me/data over every account of the ward (records together, `accounts` lists each account)', schema: s.WardData },
      403: { description: 'link_not_confirmed, guardian_not_eligible, forbidden or unknown_game', schema: s.Problem },
      404: { description: 'ward_not_found', schema: s.Problem },
    },
  }),
  eraseWardData: route({
    method: 'DELETE', path: '/v1/guardian/wards/{wardId}/data', fn: 'guardians', auth: 'player', summary: "Guardian: erase every account of the ward (confirmed links only); the person and every guardian link go with the last",
    params: s.WardPath,
    responses: {
      200: { description: 'Erased, as DELETE /v1/me for each account: what the law still needs is listed in retained', schema: s.Erasure },
      403: { description: 'link_not_confirmed, guardian_not_eligible, forbidden or unknown_game', schema: s.Problem },
      404: { description: 'ward_not_found', schema: s.Problem },
      429: contention,
    },
  }),
  listApprovals: route({
    method: 'GET', path: '/v1/guardian/approvals', fn: 'guardians', auth: 'player', summary: "Guardian: payments of the guardian's wards waiting for (or decided by) this guardian",
    responses: { 200: { description: 'Newest first; kept a day after they expire', schema: s.Approvals }, 403: { description: 'guardian_not_eligible, forbidden or unknown_game', schema: s.Problem } },
  }),
  decideApproval: route({
    method: 'POST', path: '/v1/guardian/approvals/{approvalId}', fn: 'guardians', auth: 'player', summary: 'Guardian: approve or decline a payment (once; a decision cannot be changed)',
    params: s.ApprovalPath,
    body: s.ApprovalDecision,
    responses: {
      200: { description: 'Decided (the same decision again answers the same)', schema: s.ApprovalDecided },
      403: { description: 'guardian_not_eligible, forbidden or unknown_game', schema: s.Problem },
      404: { description: 'approval_not_found', schema: s.Problem },
      409: { description: 'approval_decided (decided otherwise, or expired: with approvalStatus)', schema: s.Problem },
    },
  }),
  confirmGuardian: route({
    method: 'POST', path: '/v1/me/guardians/confirm', fn: 'guardians', auth: 'player', summary: "Ward: confirm a guardian's link with its code (from any of the ward's accounts)",
    body: s.ConfirmLink,
    responses: {
      200: { description: 'Confirmed', schema: s.LinkConfirmed },
      403: refusedCredential('player'),
      404: { description: 'link_not_found (wrong or expired code)', schema: s.Problem },
      429: contention,
    },
  }),
  myGuardians: route({
    method: 'GET', path: '/v1/me/guardians', fn: 'guardians', auth: 'player', summary: "Ward: the guardian links of this account's person",
    responses: { 200: { description: 'Links (no guardian identity)', schema: s.MyGuardians }, 403: refusedCredential('player') },
  }),
  adminStats: route({
    method: 'GET', path: '/v1/admin/stats', fn: 'admin', auth: 'operator',
    summary: "Operators' figures per Beijing day and game: query `from`, `to` (YYYY-MM-DD, inclusive, at most 367 days) and optionally `gameId`. Derived from the table's change stream and the refusal log events, off every player's path; no personal data",
    responses: {
      200: { description: 'The days with any activity, and the week distribution of minors\' play', schema: s.Stats },
      400: { description: 'invalid_request (from/to missing or malformed, from after to, or over 367 days)', schema: s.Problem },
      403: refusedCredential('operator'),
    },
  }),
  adminAnnualReport: route({
    method: 'GET', path: '/v1/admin/reports/annual', fn: 'admin', auth: 'operator',
    summary: 'The annual anti-addiction report (2024 Regulations Art. 42): query `year` and optionally `gameId`. JSON, or with `Accept: text/html` a self-contained printable page (inline SVG charts, Chinese headings, counts under 10 shown as "<10")',
    responses: {
      200: { description: 'The report (application/json, or text/html when the Accept header asks for it)', schema: s.AnnualReport },
      400: { description: 'invalid_request (year missing or malformed)', schema: s.Problem },
      403: refusedCredential('operator'),
    },
  }),
  adminDeadLetters: route({
    method: 'GET', path: '/v1/admin/dead-letters', fn: 'admin', auth: 'operator',
    summary: 'Login/logout events the national system refused for good, newest first (at most 200), with the errcode and what it means',
    responses: { 200: { description: 'Dead letters', schema: s.DeadLetters }, 403: refusedCredential('operator') },
  }),
  adminRetryDeadLetter: route({
    method: 'POST', path: '/v1/admin/dead-letters/{id}/retry', fn: 'admin', auth: 'operator',
    summary: "Put a dead letter back in its game's queue: the reporter sends it again (its time shifted when old, as for any backlog)",
    params: s.DeadLetterPath,
    responses: {
      200: { description: 'Queued again', schema: s.DeadLetterRetried },
      403: refusedCredential('operator'),
      404: { description: 'not_found (no dead letter has this id, or it was already retried)', schema: s.Problem },
    },
  }),
  adminCalendar: route({
    method: 'GET', path: '/v1/admin/calendar', fn: 'admin', auth: 'operator',
    summary: 'Holiday-calendar coverage: the years loaded, the days among the next 60 it does not cover, and how to load a year',
    responses: { 200: { description: 'Coverage', schema: s.CalendarCoverage }, 403: refusedCredential('operator') },
  }),
  consoleIndex: route({
    method: 'GET', path: '/console', fn: 'console', auth: 'none',
    summary: 'The operators\' web console (a single page; signing in takes an operator token, which the page keeps in the tab only). Also answers `/console/` and `/console/index.html`',
    responses: { 200: { description: 'text/html' } },
  }),
  consoleAsset: route({
    method: 'GET', path: '/console/{asset}', fn: 'console', auth: 'none',
    summary: "A file of the operators' web console (app.js, app.css, index.html)",
    params: s.ConsolePath,
    responses: { 200: { description: 'The file' }, 404: { description: 'not_found', schema: s.Problem } },
  }),
} as const satisfies Record<string, RouteSpec>;

export type OperationId = keyof typeof routes;
export type RouteOf<K extends OperationId> = (typeof routes)[K];

export const routeKey = (r: RouteSpec): string => `${r.method} ${r.path}`;

export const routeList = (): Array<[OperationId, RouteSpec]> => Object.entries(routes) as Array<[OperationId, RouteSpec]>;

export function findRoute(key: string): [OperationId, RouteSpec] | undefined {
  return routeList().find(([, r]) => routeKey(r) === key);
}
