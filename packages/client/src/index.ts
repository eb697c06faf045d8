/**
 * `@playguard/client`: PlayGuard's client for games (`createPlayGuard`) and game servers
 * (`createPlayGuardServer`). Zero runtime dependencies; ES modules and CommonJS; browsers, Node.js
 * 18+, WeChat and Douyin mini-games, Cocos Creator 3. The standard prompts (plain DOM) are
 * `@playguard/client/prompts`; `tapCompat` speaks TapSDK v4's compliance callback codes.
 */
import { call, transport, type ClientOptions } from './http.js';
import { PlayGuardSession } from './session.js';
import type {
  Activity,
  ApprovalDecided,
  ApprovalDecision,
  Approvals,
  ChallengeResult,
  ChallengeState,
  ComplaintReceived,
  ComplaintSubmission,
  ControlsPatch,
  Erasure,
  Games,
  GuardianConsent,
  GuardianControls,
  IdentityCorrected,
  IdentityCorrection,
  IdentitySubmission,
  IdentitySubmitted,
  IdentityView,
  LinkConfirmed,
  Limits,
  MyAccounts,
  MyComplaints,
  MyData,
  MyGuardians,
  PaymentReservation,
  PaymentReserved,
  PaymentState,
  RefundRequest,
  RefundRequested,
  SessionStart,
  SessionStarted,
  WardConsent,
  WardData,
  WardLink,
  WardRequest,
  Wards,
} from './types.js';

export {
  FALLBACK,
  isPlayGuardNetworkError,
  isPlayGuardProblem,
  isPlayGuardThrottled,
  MAX_INLINE_RETRY_AFTER_SECONDS,
  PlayGuardNetworkError,
  PlayGuardProblem,
  PlayGuardThrottledError,
  retryAfterSeconds,
  type ClientOptions,
  type Fetch,
  type FetchInit,
  type FetchResponse,
  type PlayGuardError,
  type Timers,
} from './http.js';
export { miniGameFetch, xhrFetch, type MiniGameRequestApi } from './adapters.js';
export { PlayGuardSession, retryDelaySeconds, type SessionEvents, type SessionState, type TerminateEvent } from './session.js';
export {
  tapCompat,
  TAP_CODES,
  type TapCompat,
  type TapCompatOptions,
  type TapComplianceCallback,
  type TapComplianceExtra,
  type TapCheckPayResult,
} from './tapCompat.js';
export type * from './types.js';

const path = encodeURIComponent;

/** @deprecated `IdentitySubmission` carries `guardianConsent` itself now. */
export type IdentitySubmissionWithConsent = IdentitySubmission;

/** The player's client: one per signed-in player (the token's `sub` is the game account). */
export function createPlayGuard(options: ClientOptions) {
  const t = transport(options);
  let current: PlayGuardSession | undefined;
  return {
    identity: {
      /**
       * Real-name submission (POST /v1/identity): verified, or pending while the national system answers
       * later. For a child under 14 send the guardian's consent too (`guardianConsent`); the answer's
       * `guardianConsent` says whether it is needed and given. Submitting the same identity again with it
       * records a consent given since (or to a new privacy policy version).
       */
      submit: (who: IdentitySubmission) => call<IdentitySubmitted>(t, 'POST', '/v1/identity', who),
      status: () => call<IdentityView>(t, 'GET', '/v1/identity'),
      /** Ask to correct a verified identity (POST /v1/identity/correction); staff decide. */
      correct: (who: IdentityCorrection) => call<IdentityCorrected>(t, 'POST', '/v1/identity/correction', who),
    },
    /** The publisher's games with their age-appropriateness labels (no credential needed). */
    games: () => call<Games>(t, 'GET', '/v1/games', undefined, false),
    /** Play time and spending limits now (GET /v1/limits). */
    limits: () => call<Limits>(t, 'GET', '/v1/limits'),
    /**
     * Log in to play (POST /v1/sessions) and start the heartbeat loop. Throws the problem when play is
     * refused (`play_time_restricted` with the next window, `session_active_elsewhere`: ask the player,
     * then call again with `takeover: true`). A new session of this client stops the previous one's
     * loop: the server has replaced it, and one session never has two loops.
     */
    async startSession(request: SessionStart): Promise<PlayGuardSession> {
      const started = await call<SessionStarted>(t, 'POST', '/v1/sessions', request);
      if (current) current.stop();
      return (current = new PlayGuardSession(t, started));
    },
    /** A payment made from the game itself (a player credential reserves for its own account). Prefer the game server's. */
    payments: {
      reserve: (order: PaymentReservation) => call<PaymentReserved>(t, 'POST', '/v1/payments', order),
      commit: (orderId: string) => call<PaymentState>(t, 'POST', `/v1/payments/${path(orderId)}/commit`),
      cancel: (orderId: string) => call<PaymentState>(t, 'POST', `/v1/payments/${path(orderId)}/cancel`),
    },
    me: {
      /** Everything the gateway keeps about this account and its person (GET /v1/me/data). */
      data: () => call<MyData>(t, 'GET', '/v1/me/data'),
      /** Erase it (DELETE /v1/me): what the law still needs is listed in `retained`, with until when. */
      erase: () => call<Erasure>(t, 'DELETE', '/v1/me'),
      /** Every account bound to this player's identity (GET /v1/me/accounts). */
      accounts: () => call<MyAccounts>(t, 'GET', '/v1/me/accounts'),
      /** Unbind an account bound after this one (DELETE /v1/me/accounts/{accountId}). */
      unbindAccount: (accountId: string) => call<void>(t, 'DELETE', `/v1/me/accounts/${path(accountId)}`),
      /** This player's guardians (GET /v1/me/guardians): link ids and status, never who they are. */
      guardians: () => call<MyGuardians>(t, 'GET', '/v1/me/guardians'),
      /** Confirm a guardian's link with its code (POST /v1/me/guardians/confirm). */
      confirmGuardian: (code: string) => call<LinkConfirmed>(t, 'POST', '/v1/me/guardians/confirm', { code }),
      /** Decline a pending guardian link (DELETE /v1/me/guardians/{linkId}); a confirmed one only its guardian ends. */
      declineGuardian: (linkId: string) => call<void>(t, 'DELETE', `/v1/me/guardians/${path(linkId)}`),
      /** This player's complaints and their answers (GET /v1/me/complaints). */
      complaints: () => call<MyComplaints>(t, 'GET', '/v1/me/complaints'),
    },
    complaints: {
      /** File a complaint or request (POST /v1/complaints); it is answered by the due date. */
      submit: (complaint: ComplaintSubmission) => call<ComplaintReceived>(t, 'POST', '/v1/complaints', complaint),
    },
    /** For a parent's app: the calls a guardian (a verified adult) makes about its wards. */
    guardian: {
      link: (ward: WardRequest) => call<WardLink>(t, 'POST', '/v1/guardian/wards', ward),
      wards: () => call<Wards>(t, 'GET', '/v1/guardian/wards'),
      setControls: (wardId: string, controls: ControlsPatch) => call<GuardianControls>(t, 'PUT', `/v1/guardian/wards/${path(wardId)}/controls`, controls),
      unlink: (wardId: string) => call<void>(t, 'DELETE', `/v1/guardian/wards/${path(wardId)}`),
      /** Sessions and payments between two Beijing days (YYYY-MM-DD, both included, at most 92 days). */
      activity: (wardId: string, from: string, to: string) =>
        call<Activity>(t, 'GET', `/v1/guardian/wards/${path(wardId)}/activity?from=${path(from)}&to=${path(to)}`),
      data: (wardId: string) => call<WardData>(t, 'GET', `/v1/guardian/wards/${path(wardId)}/data`),
      eraseData: (wardId: string) => call<Erasure>(t, 'DELETE', `/v1/guardian/wards/${path(wardId)}/data`),
      approvals: () => call<Approvals>(t, 'GET', '/v1/guardian/approvals'),
      decide: (approvalId: string, decision: ApprovalDecision) => call<ApprovalDecided>(t, 'POST', `/v1/guardian/approvals/${path(approvalId)}`, decision),
      /** Record the under-14 consent for a ward (policy `consent: "guardian"`). */
      consent: (wardId: string, consent: GuardianConsent) => call<WardConsent>(t, 'POST', `/v1/guardian/wards/${path(wardId)}/consent`, consent),
      /** Ask the publisher's staff to help refund a ward's payment. */
      requestRefund: (wardId: string, request: RefundRequest) =>
        call<RefundRequested>(t, 'POST', `/v1/guardian/wards/${path(wardId)}/refund-requests`, request),
    },
  };
}
export type PlayGuard = ReturnType<typeof createPlayGuard>;

/** The game server's client: a `server`-scope token; it names the account on each payment. */
export function createPlayGuardServer(options: ClientOptions) {
  const t = transport(options);
  return {
    payments: {
      /** Reserve before charging (POST /v1/payments); the same orderId again answers the order's state. */
      reserve: (order: PaymentReservation & { accountId: string }) => call<PaymentReserved>(t, 'POST', '/v1/payments', order),
      commit: (orderId: string) => call<PaymentState>(t, 'POST', `/v1/payments/${path(orderId)}/commit`),
      cancel: (orderId: string) => call<PaymentState>(t, 'POST', `/v1/payments/${path(orderId)}/cancel`),
    },
    challenges: {
      /** The publisher's verdict on a `challenge_required` (face check) for that challenge id. */
      result: (challengeId: string, verdict: ChallengeResult) => call<ChallengeState>(t, 'POST', `/v1/challenges/${path(challengeId)}/result`, verdict),
    },
  };
}
export type PlayGuardServer = ReturnType<typeof createPlayGuardServer>;
