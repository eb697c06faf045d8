/**
 * What the OpenAPI document says about each route (shared/api/routes.ts), by operation id: its
 * summary and its responses (a description, and the response body's schema from
 * shared/api/responses.ts). The type makes every route documented, and nothing else; each
 * operation's reply is typed by its documented responses (shared/edge/http.ts `Operations`, a type
 * import that puts nothing into a bundle). Only the
 * document's generator (shared/api/openapi.ts: the `meta` function and `npm run docs:api`) imports
 * this module, so no function that handles requests carries any of it.
 *
 * The document lists the operations in the order written here.
 */
import * as r from '#shared/api/responses';
import type { OperationId } from '#shared/api/routes';
import type * as z from '#shared/zod';

export interface RouteDoc {
  summary: string;
  /**
   * By status. A problem response names its codes in its description (shared/api/openapi.ts
   * `codesOfResponse`); test/unit/routeProblems.test.ts fails when the route can answer a code its
   * responses do not name. `schema` is the JSON body; `content` other media types the same status
   * may answer (an HTML page), by media type.
   */
  responses: Record<number, { description: string; schema?: z.ZodMiniType; content?: Record<string, z.ZodMiniType> }>;
}

// Routes whose operation writes in a DynamoDB transaction: a conflict that outlasts the storage
// client's retries (shared/storage/dynamo.ts) answers this, never a 500.
const contention = {
  description: 'write_contention (with Retry-After): concurrent changes to the same person; nothing changed, send the same request again',
  schema: r.ProblemDocument,
};

// Every route that takes a credential may answer unknown_game: the token's `game` claim names a game
// this deployment is not configured for (shared/edge/http.ts; a token without one is for the first
// configured game). Routes for one kind of credential answer forbidden to the other kind.
const UNKNOWN_GAME = "unknown_game (the token's `game` claim names no configured game; GET /v1/games lists them)";
// Routes that take a player or a game server refuse an operator's credential.
const refusedAccount = { description: `forbidden (an operator credential) or ${UNKNOWN_GAME}`, schema: r.ProblemDocument };
const refusedCredential = (kind: 'player' | 'server' | 'operator') => ({
  description: `forbidden (not a ${kind} credential) or ${UNKNOWN_GAME}`,
  schema: r.ProblemDocument,
});

export const routeDocs = {
  health: {
    summary: 'Liveness',
    responses: { 200: { description: 'Up', schema: r.Health } },
  },
  openapi: {
    summary: 'This document',
    responses: { 200: { description: 'OpenAPI 3.1 document', schema: r.OpenApiDocument } },
  },
  listGames: {
    summary: 'The games this deployment serves',
    responses: { 200: { description: 'Every configured game, in configured order', schema: r.Games } },
  },
  openidConfiguration: {
    summary:
      "The publisher-keys issuer's OpenID configuration (deployed with playguard:publisherKeys): where API " +
      "Gateway's authorizer finds the keys player and server tokens are signed with",
    responses: {
      200: { description: 'issuer and jwks_uri', schema: r.OpenIdConfiguration },
      404: { description: 'not_found (this deployment trusts another issuer: playguard:issuer)', schema: r.ProblemDocument },
    },
  },
  publisherJwks: {
    summary: "The publisher's public signing keys (RS256, each with its kid), as `npm run keys` wrote them",
    responses: {
      200: { description: 'JWKS', schema: r.PublisherJwks },
      404: { description: 'not_found (this deployment trusts another issuer: playguard:issuer)', schema: r.ProblemDocument },
    },
  },
  submitIdentity: {
    summary:
      'Submit real-name information; for a child under 14 (policy `consent: "attested"`) with the ' +
      "guardian's consent to the privacy policy (`guardianConsent`). Submitting the same identity again " +
      'records a consent given since (or to a new policy version)',
    responses: {
      200: { description: 'Verified, or pending (the national system answered "in progress"; the gateway finishes it later)', schema: r.IdentitySubmitted },
      400: {
        description:
          'invalid_request (`errors` names each field; guardianConsent.policyVersion when it is not the current privacy policy version for a child under 14)',
        schema: r.ProblemDocument,
      },
      403: refusedCredential('player'),
      409: { description: 'identity_already_bound', schema: r.ProblemDocument },
      422: { description: 'invalid_id_number or identity_rejected', schema: r.ProblemDocument },
      429: { description: 'rate_limited or write_contention (with Retry-After)', schema: r.ProblemDocument },
      503: { description: 'upstream_unavailable (with Retry-After)', schema: r.ProblemDocument },
    },
  },
  readIdentity: {
    summary: "The account's real-name status",
    responses: { 200: { description: 'Status and, when known, the age band for today', schema: r.IdentityView }, 403: refusedCredential('player') },
  },
  listMyAccounts: {
    summary: "Every account bound to this account's identity (its person), the earliest binding first",
    responses: {
      200: { description: 'The accounts, with when each was bound, its last login and games', schema: r.PersonAccounts },
      403: {
        description: `identity_required (this account has no verified identity), forbidden (not a player credential) or ${UNKNOWN_GAME}`,
        schema: r.ProblemDocument,
      },
    },
  },
  unbindMyAccount: {
    summary:
      'Unbind an account bound to the same identity after this one (its identity becomes none; a live ' +
      'session of it ends and is reported; an audit entry is kept)',
    responses: {
      204: { description: 'Unbound' },
      403: {
        description:
          `forbidden (that account was bound before this one, or is this one), identity_required (this account ` +
          `has no verified identity), or ${UNKNOWN_GAME}`,
        schema: r.ProblemDocument,
      },
      404: { description: 'not_found (no account of that id is bound to this identity)', schema: r.ProblemDocument },
      429: contention,
    },
  },
  startSession: {
    summary: 'Log in to play',
    responses: {
      201: { description: 'Session started; null remaining/endsAt means no limit applies', schema: r.SessionStarted },
      403: {
        description:
          `identity_required, guardian_consent_required (a child under 14 without its guardian's consent to ` +
          `the current privacy policy: with policyVersion and consent), play_time_restricted (with ` +
          `nextWindowStart/nextWindowEnd), guardian_restricted (a guardian's controls refuse play now; with ` +
          `nextWindowStart/nextWindowEnd), account_blocked, forbidden (not a player credential) or ${UNKNOWN_GAME}`,
        schema: r.ProblemDocument,
      },
      409: { description: 'session_active_elsewhere (retry with takeover: true to end the other session)', schema: r.ProblemDocument },
      428: { description: 'challenge_required (with challengeId, challengeKind)', schema: r.ProblemDocument },
      429: contention,
    },
  },
  heartbeat: {
    summary: 'Heartbeat during play',
    responses: {
      200: { description: 'What the client must do, and when to call next', schema: r.HeartbeatAnswer },
      403: refusedCredential('player'),
      404: { description: 'session_not_found', schema: r.ProblemDocument },
      409: { description: 'stale_heartbeat (seq lower than the last one seen)', schema: r.ProblemDocument },
      429: contention,
    },
  },
  endSession: {
    summary: 'Log out (idempotent)',
    responses: { 204: { description: 'Logged out' }, 403: refusedCredential('player'), 429: contention },
  },
  readLimits: {
    summary: "The player's play-time and spending limits now",
    responses: {
      200: { description: 'Agrees with what a login or a reservation at this instant would decide', schema: r.Limits },
      403: {
        description: `identity_required (no verified or pending identity), account_blocked, forbidden (not a player credential) or ${UNKNOWN_GAME}`,
        schema: r.ProblemDocument,
      },
    },
  },
  reservePayment: {
    summary: 'Reserve a payment before charging',
    responses: {
      201: { description: 'Reserved: counts against the limits until committed, cancelled or expired', schema: r.PaymentReserved },
      400: {
        description: 'invalid_request: a field is wrong, or accountId is missing with a server credential (`errors` names each)',
        schema: r.ProblemDocument,
      },
      403: {
        description:
          'spending_limit_exceeded (with source, limit, limitAmount, remainingAmount; a daily cap always ' +
          'applies to minors), identity_required, guardian_consent_required (a child under 14 without its ' +
          "guardian's consent: with policyVersion and consent), account_blocked, guardian_declined (a " +
          'guardian declined this order), forbidden (an operator credential; or accountId other than sub, or ' +
          "gameId other than the token's game, with a player credential) or unknown_game (the token's `game` " +
          "or the body's gameId is not configured)",
        schema: r.ProblemDocument,
      },
      409: {
        description: 'order_conflict: same orderId with a different amount or account, or replayed after the order was cancelled or expired (with orderStatus)',
        schema: r.ProblemDocument,
      },
      428: {
        description:
          'challenge_required (a face check first: with challengeId, challengeKind, signal) or ' +
          "guardian_approval_required (the ward's guardian must approve this order first: with approvalId, " +
          'expiresAt; the same order retried answers the same approval until it is decided or expires)',
        schema: r.ProblemDocument,
      },
      429: contention,
    },
  },
  commitPayment: {
    summary: 'Make a reservation permanent (idempotent)',
    responses: {
      200: { description: 'Committed', schema: r.PaymentState },
      403: refusedAccount,
      404: { description: 'order_not_found', schema: r.ProblemDocument },
      409: { description: 'order_expired (the reservation had been released)', schema: r.ProblemDocument },
      429: contention,
    },
  },
  cancelPayment: {
    summary: 'Release a reservation (idempotent)',
    responses: {
      200: { description: 'Cancelled', schema: r.PaymentState },
      403: refusedAccount,
      404: { description: 'order_not_found', schema: r.ProblemDocument },
      409: { description: 'order_conflict (the order was already committed)', schema: r.ProblemDocument },
      429: contention,
    },
  },
  challengeResult: {
    summary: "The publisher's verdict on a challenge (face check)",
    responses: {
      200: { description: 'Recorded; a failed or expired challenge puts the account under minor rules', schema: r.ChallengeState },
      403: refusedCredential('server'),
      404: { description: 'challenge_not_found', schema: r.ProblemDocument },
      429: contention,
    },
  },
  readMyData: {
    summary: 'Everything the gateway holds about this account and its person (export)',
    responses: {
      200: { description: "This account's data only: no other account's data, no keys, hashes or PI", schema: r.MyData },
      403: refusedCredential('player'),
      429: contention,
    },
  },
  eraseMe: {
    summary: 'Erase this account (idempotent)',
    responses: {
      200: {
        description:
          'Erased: a live session ended (its logout is reported); what the law still needs is listed in ' +
          'retained, with until and why. Repeating it changes nothing',
        schema: r.Erasure,
      },
      403: refusedCredential('player'),
      429: contention,
    },
  },
  fileComplaint: {
    summary:
      'File a complaint (2024 Regulations Art. 7): answered by its due date, 15 days later unless the ' +
      'publisher promises fewer. The text is personal data, erased with the account',
    responses: {
      201: { description: 'Received: open until an operator answers (GET /v1/me/complaints shows the answer)', schema: r.ComplaintReceived },
      400: { description: 'invalid_request (an unknown category, a text empty or over 2,000 characters, a malformed orderId)', schema: r.ProblemDocument },
      403: refusedCredential('player'),
      429: contention,
    },
  },
  myComplaints: {
    summary:
      "This account's complaints and its personal-information requests (exports, erasures, corrections: " +
      'they enter the register by themselves with their outcome), with the answers; a refusal always carries its reasons',
    responses: { 200: { description: 'Newest first, at most 200', schema: r.MyComplaints }, 403: refusedCredential('player') },
  },
  adminReadAccount: {
    summary:
      'An account for compliance staff: status, age band, risk flags, recent sessions, payments, audit ' +
      'entries. Query `reason` (1–200 characters) is required; the access is logged before anything is returned',
    responses: {
      200: { description: 'The account (the access-log entry was written first)', schema: r.AdminAccount },
      400: { description: 'invalid_request (reason missing, empty or over 200 characters)', schema: r.ProblemDocument },
      403: refusedCredential('operator'),
      404: { description: 'not_found (nothing is stored about this account; the access is still logged)', schema: r.ProblemDocument },
    },
  },
  adminAccessLog: {
    summary:
      'Operator access log between two Beijing days: query `from` and `to` (YYYY-MM-DD, 2000-01-01 … ' +
      '2099-12-31, inclusive, at most 367 days). Reading it is itself written to the log first (action ' +
      '`access_log_read`, account `*`, reason the days read as `from/to`)',
    responses: {
      200: {
        description: "Entries oldest first, this read's own among them when the range holds today; they cannot be changed or deleted and are kept three years",
        schema: r.AccessLog,
      },
      400: {
        description: 'invalid_request (from/to missing or malformed, not a calendar day or outside 2000-01-01 … 2099-12-31, from after to, or over 367 days)',
        schema: r.ProblemDocument,
      },
      403: refusedCredential('operator'),
    },
  },
  correctIdentity: {
    summary:
      'Correct a wrongly bound identity: checked with the national system again; a stricter (younger) ' +
      'identity applies at once, a looser one waits for an operator',
    responses: {
      200: {
        description: 'corrected (live sessions ended with reason identity_corrected; the next login is under the new age) or unchanged',
        schema: r.IdentityCorrected,
      },
      202: {
        description: 'awaiting_operator: the new identity is older; the account stays under the current (stricter) one until an operator applies it',
        schema: r.IdentityCorrected,
      },
      403: { description: `identity_required (no verified identity to correct), forbidden or ${UNKNOWN_GAME}`, schema: r.ProblemDocument },
      422: { description: 'invalid_id_number or identity_rejected', schema: r.ProblemDocument },
      429: contention,
      503: { description: 'upstream_unavailable (with Retry-After)', schema: r.ProblemDocument },
    },
  },
  adminCorrections: {
    summary: 'Looser identity corrections waiting for an operator. Query `reason` (1–200 characters) is required; the access is logged first',
    responses: {
      200: { description: 'Oldest first', schema: r.Corrections },
      400: { description: 'invalid_request (reason missing or too long)', schema: r.ProblemDocument },
      403: refusedCredential('operator'),
    },
  },
  adminDecideCorrection: {
    summary: "Apply or refuse an account's waiting identity correction, with a reason (logged before anything changes)",
    responses: {
      200: { description: 'Applied (live sessions ended; the next login is under the new age) or refused', schema: r.CorrectionDecided },
      403: refusedCredential('operator'),
      404: { description: 'not_found (no correction waiting for this account; the access is still logged)', schema: r.ProblemDocument },
      429: contention,
    },
  },
  linkWard: {
    summary: 'Guardian: ask to link a minor the gateway has verified (by name and ID number)',
    responses: {
      200: { description: 'Asked before: the same wardId (a fresh code while still pending)', schema: r.WardLink },
      201: { description: 'Link pending until the ward confirms the code from one of its accounts; a pending link can only tighten', schema: r.WardLink },
      403: {
        description: `guardian_not_eligible (only a verified adult can be a guardian), forbidden (not a player credential) or ${UNKNOWN_GAME}`,
        schema: r.ProblemDocument,
      },
      404: {
        description: 'ward_not_found: no verified minor has that name and number (the same answer for a wrong name and an unknown number)',
        schema: r.ProblemDocument,
      },
      422: { description: 'invalid_id_number', schema: r.ProblemDocument },
      429: {
        description: 'rate_limited (5 failed look-ups in a Beijing day; Retry-After until the next Beijing day) or write_contention',
        schema: r.ProblemDocument,
      },
    },
  },
  listWards: {
    summary: "Guardian: the guardian's wards and this guardian's controls",
    responses: {
      200: { description: 'Wards, oldest link first', schema: r.Wards },
      403: { description: 'guardian_not_eligible, forbidden or unknown_game', schema: r.ProblemDocument },
    },
  },
  setWardControls: {
    summary: "Guardian: change this guardian's controls (what applies is the strictest of the law, the publisher's policy and every guardian's)",
    responses: {
      200: { description: "This guardian's controls; they apply from the next request on (a live session's next heartbeat)", schema: r.GuardianControls },
      403: { description: 'guardian_not_eligible, forbidden or unknown_game', schema: r.ProblemDocument },
      404: { description: "ward_not_found (unknown wardId, or another guardian's)", schema: r.ProblemDocument },
      429: contention,
    },
  },
  unlinkWard: {
    summary: "Guardian: end this guardian's link and controls",
    responses: {
      204: { description: 'Ended' },
      403: { description: 'guardian_not_eligible, forbidden or unknown_game', schema: r.ProblemDocument },
      404: { description: 'ward_not_found', schema: r.ProblemDocument },
      429: contention,
    },
  },
  wardActivity: {
    summary:
      "Guardian: the ward's sessions and payments between two Beijing days (query `from`, `to`: " +
      'YYYY-MM-DD, 2000-01-01 … 2099-12-31, both included, at most 92 days); confirmed links only',
    responses: {
      200: {
        description: 'Sessions started and payments reserved in the range, oldest first, with totals (played seconds; committed fen)',
        schema: r.Activity,
      },
      400: {
        description: 'invalid_request (from/to missing or malformed, not a calendar day or outside 2000-01-01 … 2099-12-31, from after to, or over 92 days)',
        schema: r.ProblemDocument,
      },
      403: { description: 'link_not_confirmed, guardian_not_eligible, forbidden or unknown_game', schema: r.ProblemDocument },
      404: { description: 'ward_not_found', schema: r.ProblemDocument },
    },
  },
  exportWardData: {
    summary: "Guardian: everything the gateway holds about the ward, over all of the ward's accounts (confirmed links only)",
    responses: {
      200: {
        description: 'The export of GET /v1/me/data over every account of the ward (records together, `accounts` lists each account)',
        schema: r.WardData,
      },
      403: { description: 'link_not_confirmed, guardian_not_eligible, forbidden or unknown_game', schema: r.ProblemDocument },
      404: { description: 'ward_not_found', schema: r.ProblemDocument },
      429: contention,
    },
  },
  eraseWardData: {
    summary: 'Guardian: erase every account of the ward (confirmed links only); the person and every guardian link go with the last',
    responses: {
      200: { description: 'Erased, as DELETE /v1/me for each account: what the law still needs is listed in retained', schema: r.Erasure },
      403: { description: 'link_not_confirmed, guardian_not_eligible, forbidden or unknown_game', schema: r.ProblemDocument },
      404: { description: 'ward_not_found', schema: r.ProblemDocument },
      429: contention,
    },
  },
  listApprovals: {
    summary: "Guardian: payments of the guardian's wards waiting for (or decided by) this guardian",
    responses: {
      200: { description: 'Newest first; kept a day after they expire', schema: r.Approvals },
      403: { description: 'guardian_not_eligible, forbidden or unknown_game', schema: r.ProblemDocument },
    },
  },
  decideApproval: {
    summary: 'Guardian: approve or decline a payment (once; a decision cannot be changed)',
    responses: {
      200: { description: 'Decided (the same decision again answers the same)', schema: r.ApprovalDecided },
      403: { description: 'guardian_not_eligible, forbidden or unknown_game', schema: r.ProblemDocument },
      404: { description: 'approval_not_found', schema: r.ProblemDocument },
      409: { description: 'approval_decided (decided otherwise, or expired: with approvalStatus)', schema: r.ProblemDocument },
    },
  },
  confirmGuardian: {
    summary: "Ward: confirm a guardian's link with its code, from an account bound to the ward's identity before the guardian asked",
    responses: {
      200: { description: 'Confirmed', schema: r.LinkConfirmed },
      403: {
        description:
          `confirmation_not_allowed (this account was bound to the identity after the guardian first asked), ` +
          `forbidden (not a player credential) or ${UNKNOWN_GAME}`,
        schema: r.ProblemDocument,
      },
      404: { description: 'link_not_found (wrong or expired code, or no verified identity)', schema: r.ProblemDocument },
      429: {
        description:
          'rate_limited (5 wrong codes this Beijing day for this person, from any of its accounts; Retry-After until the next day) or write_contention',
        schema: r.ProblemDocument,
      },
    },
  },
  myGuardians: {
    summary: "Ward: the guardian links of this account's person",
    responses: {
      200: { description: 'Links (no guardian identity); a pending link whose code expired is listed as expired', schema: r.MyGuardians },
      403: refusedCredential('player'),
    },
  },
  declineGuardian: {
    summary: 'Ward: decline a pending (or expired) guardian link; its controls stop applying at once',
    responses: {
      204: { description: 'Declined' },
      403: {
        description: `link_confirmed (only its guardian ends a confirmed link), forbidden (not a player credential) or ${UNKNOWN_GAME}`,
        schema: r.ProblemDocument,
      },
      404: { description: 'link_not_found (no such link of this person, or no verified identity)', schema: r.ProblemDocument },
      429: contention,
    },
  },
  recordWardConsent: {
    summary:
      "Guardian: consent, for the ward under 14, to the privacy policy version in force (2019 Children's " +
      'PI Regulations Arts. 9–10; under policy `consent: "guardian"` the only way it is recorded). It ' +
      "goes onto every account of the ward; login and payments need it until the policy's version changes. Confirmed links only",
    responses: {
      200: { description: 'Recorded (the latest consent is the one kept)', schema: r.WardConsent },
      400: { description: 'invalid_request (policyVersion is not the current privacy policy version)', schema: r.ProblemDocument },
      403: { description: 'link_not_confirmed, guardian_not_eligible, forbidden or unknown_game', schema: r.ProblemDocument },
      404: { description: "ward_not_found (unknown wardId, or another guardian's)", schema: r.ProblemDocument },
      429: contention,
    },
  },
  requestRefund: {
    summary:
      "Guardian: ask the publisher's staff to help refund one of the ward's committed payments (confirmed " +
      "links only). It enters the requests register, due like a complaint, with the payment's evidence " +
      'sealed at its commit; the decision is the answer (GET /v1/me/complaints) and the publisher hears of it (payment.refund_decided)',
    responses: {
      201: { description: 'Received', schema: r.RefundRequested },
      400: { description: 'invalid_request (reason empty or over 2,000 characters, a malformed orderId)', schema: r.ProblemDocument },
      403: { description: 'link_not_confirmed, guardian_not_eligible, forbidden or unknown_game', schema: r.ProblemDocument },
      404: {
        description:
          "ward_not_found (unknown wardId, or another guardian's) or order_not_found (no such order of the ward: another person's is not found either)",
        schema: r.ProblemDocument,
      },
      409: { description: 'refund_already_requested (with requestId: one request per order)', schema: r.ProblemDocument },
      422: {
        description: 'refund_not_eligible (with reason: not_committed, the payment never completed; adult_order, it was made under an adult identity)',
        schema: r.ProblemDocument,
      },
      429: contention,
    },
  },
  adminComplaints: {
    summary:
      'The requests register between two Beijing days of receipt: query `from` and `to` (YYYY-MM-DD, ' +
      '2000-01-01 … 2099-12-31, inclusive, at most 367 days) and optionally `status` (open, answered). ' +
      'Complaints with their texts, personal-information requests and refund requests. Logged first ' +
      '(action `complaints_read`, account `*`, the filter and days as reason)',
    responses: {
      200: { description: 'Entries oldest first, each with its due date and whether it is (or was answered) late', schema: r.Complaints },
      400: {
        description:
          'invalid_request (from/to missing or malformed, not a calendar day or outside 2000-01-01 … ' +
          '2099-12-31, from after to, over 367 days; status other than open or answered)',
        schema: r.ProblemDocument,
      },
      403: refusedCredential('operator'),
    },
  },
  adminAnswerComplaint: {
    summary:
      'Answer a complaint, once: resolved or refused, with the answer the player reads (a refusal always ' +
      'with its reasons). Logged first (action `complaint_answer`, the complaint as subject). Requests are ' +
      "answered by their own decisions (an identity correction's, a refund's)",
    responses: {
      200: { description: 'Answered', schema: r.ComplaintAnswered },
      403: refusedCredential('operator'),
      404: { description: 'not_found (no such complaint)', schema: r.ProblemDocument },
      409: { description: 'already_answered (answered before, or a request answered by its own decision)', schema: r.ProblemDocument },
      429: contention,
    },
  },
  adminRefundRequest: {
    summary:
      "A guardian's refund request with its evidence, sealed when the payment was committed: the order, " +
      "the ward's age band and identity status then, the session in progress, the device count, that day's " +
      'risk signals and face checks. Query `reason` (1–200 characters) is required; the access is logged ' +
      'first (action `refund_request_read`, the request as subject)',
    responses: {
      200: { description: 'The request, its order, the evidence and the decision (null while open)', schema: r.RefundRequestView },
      400: { description: 'invalid_request (reason missing or too long)', schema: r.ProblemDocument },
      403: refusedCredential('operator'),
      404: { description: 'not_found (no such refund request; the access is still logged)', schema: r.ProblemDocument },
    },
  },
  adminDecideRefund: {
    summary:
      "Decide a refund request, once: approved or refused, with the note the guardian reads (a refusal's " +
      'reasons). The publisher is told in the same write (webhook payment.refund_decided: ids, amount, ' +
      'approved; never the note) and refunds through its payment channel. Logged first (action `refund_decision`)',
    responses: {
      200: { description: 'Decided', schema: r.RefundDecided },
      403: refusedCredential('operator'),
      404: { description: 'not_found (no such refund request)', schema: r.ProblemDocument },
      409: { description: 'already_answered (decided before)', schema: r.ProblemDocument },
      429: contention,
    },
  },
  adminStats: {
    summary:
      "Operators' figures per Beijing day and game: query `from`, `to` (YYYY-MM-DD, 2000-01-01 … " +
      "2099-12-31, inclusive, at most 367 days) and optionally `gameId`. Derived from the table's change " +
      "stream and the refusal log events, off every player's path; no personal data",
    responses: {
      200: { description: "The days with any activity, and the week distribution of minors' play", schema: r.Stats },
      400: {
        description:
          'invalid_request (from/to missing or malformed, not a calendar day or outside 2000-01-01 … ' +
          '2099-12-31, from after to, or over 367 days; gameId empty or over 64 characters)',
        schema: r.ProblemDocument,
      },
      403: refusedCredential('operator'),
    },
  },
  adminAnnualReport: {
    summary:
      'The annual anti-addiction report (2024 Regulations Art. 42): query `year` (2000–2099) and ' +
      'optionally `gameId`. JSON, or with `Accept: text/html` a self-contained printable page (inline SVG ' +
      'charts, Chinese headings, counts under 10 shown as "<10")',
    responses: {
      200: {
        description: 'The report (application/json, or text/html when the Accept header asks for it)',
        schema: r.AnnualReport,
        content: { 'text/html': r.HtmlPage },
      },
      400: {
        description: 'invalid_request (year missing, not four digits or outside 2000–2099; gameId empty or over 64 characters)',
        schema: r.ProblemDocument,
      },
      403: refusedCredential('operator'),
    },
  },
  adminDeadLetters: {
    summary: 'Login/logout events the national system refused for good, newest first (at most 200), with the errcode and what it means',
    responses: { 200: { description: 'Dead letters', schema: r.DeadLetters }, 403: refusedCredential('operator') },
  },
  adminRetryDeadLetter: {
    summary: "Put a dead letter back in its game's queue: the reporter sends it again (its time shifted when old, as for any backlog)",
    responses: {
      200: { description: 'Queued again', schema: r.DeadLetterRetried },
      403: refusedCredential('operator'),
      404: { description: 'not_found (no dead letter has this id, or it was already retried)', schema: r.ProblemDocument },
    },
  },
  adminCalendar: {
    summary: 'Holiday-calendar coverage: the years loaded, the days among the next 60 it does not cover, and how to load a year',
    responses: { 200: { description: 'Coverage', schema: r.CalendarCoverage }, 403: refusedCredential('operator') },
  },
  consoleIndex: {
    summary:
      "The operators' web console (a single page; operators sign in at the staff issuer, authorization " +
      'code + PKCE, and the page keeps the access token in the tab only). Also answers `/console/` and `/console/index.html`',
    responses: { 200: { description: 'The page', content: { 'text/html': r.HtmlPage } } },
  },
  consoleAsset: {
    summary:
      "A file of the operators' web console (app.js, app.css, index.html), or its sign-in settings " +
      "(config.json: the staff issuer, the console's client id, the audience and scope it asks for)",
    responses: {
      200: {
        description: 'The file, as its media type; config.json as JSON',
        schema: r.ConsoleConfig,
        content: { 'text/html': r.HtmlPage, 'text/javascript': r.TextFile, 'text/css': r.TextFile },
      },
      404: { description: 'not_found (no such file)', schema: r.ProblemDocument },
    },
  },
} satisfies { [K in OperationId]: RouteDoc };
