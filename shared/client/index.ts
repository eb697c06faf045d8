/**
 * PlayGuard's client for games (`createPlayGuard`) and game servers (`createPlayGuardServer`),
 * published as the package's `./client` export. Zero runtime dependencies, ESM; pass `fetch` and
 * `timers` where the runtime has none of its own (mini-games). docs/integration.md shows the calls
 * in order; docs/api.md is the API they make.
 */
import { call, transport, type ClientOptions } from '#shared/client/http';
import { PlayGuardSession } from '#shared/client/session';
import type {
  ChallengeResult,
  ChallengeState,
  Games,
  IdentitySubmission,
  IdentitySubmitted,
  IdentityView,
  Limits,
  PaymentReservation,
  PaymentReserved,
  PaymentState,
  SessionStart,
  SessionStarted,
  MyData,
  Erasure,
} from '#shared/client/types';

export { PlayGuardNetworkError, PlayGuardProblem, isPlayGuardProblem, retryAfterSeconds, type ClientOptions, type Fetch, type FetchResponse, type Timers } from '#shared/client/http';
export { PlayGuardSession, retryDelaySeconds, type SessionEvents, type SessionState, type TerminateEvent } from '#shared/client/session';
export type * from '#shared/client/types';

const path = encodeURIComponent;

/** The player's client: one per signed-in player (the token's `sub` is the game account). */
export function createPlayGuard(options: ClientOptions) {
  const t = transport(options);
  let current: PlayGuardSession | undefined;
  return {
    identity: {
      /** Real-name submission (POST /v1/identity): verified, or pending while the national system answers later. */
      submit: (who: IdentitySubmission) => call<IdentitySubmitted>(t, 'POST', '/v1/identity', who),
      status: () => call<IdentityView>(t, 'GET', '/v1/identity'),
    },
    games: () => call<Games>(t, 'GET', '/v1/games', undefined, false),
    limits: () => call<Limits>(t, 'GET', '/v1/limits'),
    me: {
      /** Everything the gateway keeps about this account and its person (GET /v1/me/data). */
      data: () => call<MyData>(t, 'GET', '/v1/me/data'),
      /** Erase it (DELETE /v1/me): what the law still needs is listed in `retained`, with until when. */
      erase: () => call<Erasure>(t, 'DELETE', '/v1/me'),
    },
    /**
     * Log in to play (POST /v1/sessions) and start the heartbeat loop. Throws the problem when play is
     * refused (`play_time_restricted` with the next window, `session_active_elsewhere`: ask the player,
     * then call again with `takeover: true`). A new session of this client stops the previous one's
     * loop: the server has replaced it, and one session never has two loops.
     */
    async startSession(request: SessionStart): Promise<PlayGuardSession> {
      const started = await call<SessionStarted>(t, 'POST', '/v1/sessions', request);
      current?.stop();
      return (current = new PlayGuardSession(t, started));
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
