/**
 * `tapCompat(pg, options)`: PlayGuard behind the shape of TapSDK v4's compliance module
 * (`TapTapCompliance`), for a studio that keeps its switch on the callback codes while it moves.
 * docs/integration.md maps each call and code; where TapSDK's behaviour is not documented (the
 * remaining time of an adult, the payment check's result type), what is done here says so.
 */
import { isPlayGuardProblem, type PlayGuardError } from './http.js';
import type { PlayGuardSession, TerminateEvent } from './session.js';
import type { IdentitySubmission, IdentitySubmitted, PaymentReserved, PaymentState } from './types.js';

/** TapSDK v4's compliance callback codes (`StartUpResult` in its Unity package). */
export const TAP_CODES = {
  LOGIN_SUCCESS: 500,
  EXITED: 1000,
  SWITCH_ACCOUNT: 1001,
  PERIOD_RESTRICT: 1030,
  DURATION_LIMIT: 1050,
  AGE_LIMIT: 1100,
  INVALID_CLIENT_OR_NETWORK_ERROR: 1200,
  REAL_NAME_STOP: 9002,
} as const;

export interface TapComplianceExtra {
  /** PlayGuard's own reason: an end reason or a problem code (`outside_allowed_hours`, `play_time_restricted`, `signed_in_elsewhere`, …). */
  reason?: string;
  /** Safe to show the player (Chinese), when PlayGuard gave one. */
  description?: string;
  /** The next window in which the player may play, for 1030. */
  nextWindowStart?: string | null;
  nextWindowEnd?: string | null;
  /** The error behind a 1000 or 1200, when there was one. */
  error?: PlayGuardError | unknown;
}
export type TapComplianceCallback = (code: number, extra: TapComplianceExtra) => void;

/** TapSDK's payment check result: `status` true when the payment may go ahead. */
export interface TapCheckPayResult {
  status: boolean;
  title: string;
  description: string;
  /** The reservation PlayGuard holds for it (pass it to `submitPayment`). */
  orderId: string;
}

export interface TapCompatOptions {
  /** This install's device id (hashed by the gateway before storage). */
  deviceId: string;
  /**
   * Shows the real-name form and resolves with the submission's answer, or null when the player
   * closes it (then 9002 REAL_NAME_STOP), e.g. `(submit) => prompts.realNameForm(submit)`. Without it
   * a player with no real name gets 9002 at once.
   */
  realName?: (submit: (who: IdentitySubmission) => Promise<IdentitySubmitted>) => Promise<IdentitySubmitted | null>;
  /**
   * TapSDK's 可玩年龄限制: refuse with 1100 AGE_LIMIT a player below the game's age rating. Off by
   * default: PlayGuard shows the label (2024 Regulations Art. 47) but does not refuse.
   */
  ageLimit?: boolean;
  /**
   * The code for a day's play time used up. 1030, as TapSDK 4.10 sends (it deprecated 1050
   * DURATION_LIMIT in favour of PERIOD_RESTRICT); 1050 for a switch written against older versions.
   */
  durationLimitCode?: 1030 | 1050;
  /** Start the session even when another device holds one (that one ends with 1000). Default true: TapSDK has no such question. */
  takeover?: boolean;
  /** Order ids for `checkPaymentLimit` without one (default: a random one). */
  orderId?: () => string;
}

/** What `tapCompat` needs of the player client (`createPlayGuard(…)`). */
export interface TapCompatClient {
  identity: {
    status(): Promise<{ status: string; ageBand?: number }>;
    submit(who: IdentitySubmission): Promise<IdentitySubmitted>;
  };
  limits(): Promise<{ ageBand: number | null; belowRating?: boolean; ageRating?: number | null; playTime: { remainingSeconds: number | null } }>;
  startSession(request: { deviceId: string; takeover?: boolean }): Promise<PlayGuardSession>;
  payments: {
    reserve(order: { orderId: string; amount: number }): Promise<PaymentReserved>;
    commit(orderId: string): Promise<PaymentState>;
  };
}

export interface TapCompat {
  /** `TapTapCompliance.RegisterComplianceCallback`: one callback, called with each code. */
  registerComplianceCallback(callback: TapComplianceCallback): void;
  /** `TapTapCompliance.Startup`: real name if needed, then the session; resolves with the code it reported. */
  startup(): Promise<number>;
  /** `TapTapCompliance.Exit`: ends the session (1000 EXITED). */
  exit(): Promise<void>;
  /** `TapTapCompliance.GetRemainingTime`: seconds of play left; -1 when no limit applies (an adult). */
  getRemainingTime(): Promise<number>;
  /** `TapTapCompliance.GetAgeRange`: -1 without a real name, else 0, 8, 16 or 18 (TapSDK's CHILD, TEEN, YOUNG, ADULT). */
  getAgeRange(): Promise<number>;
  /** `TapTapCompliance.CheckPaymentLimit`: reserves `amount` fen against the limits (a refusal is `status: false`). */
  checkPaymentLimit(amount: number, orderId?: string): Promise<TapCheckPayResult>;
  /** `TapTapCompliance.SubmitPayment`: commits the reservation `checkPaymentLimit` made for this amount (or `orderId`). */
  submitPayment(amount: number, orderId?: string): Promise<void>;
  /** The live session, for its `warn` and `heartbeat` events and `pause()` / `resume()`. */
  readonly session: PlayGuardSession | undefined;
}

const CLOCK = ['outside_allowed_hours', 'play_time_restricted', 'guardian_restricted'];
const NETWORK = ['unauthorized', 'unknown_game', 'internal_error', 'upstream_unavailable', 'forbidden', 'rate_limited', 'write_contention'];

const randomId = (): string => `tap-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

export function tapCompat(pg: TapCompatClient, options: TapCompatOptions): TapCompat {
  const callbacks: TapComplianceCallback[] = [];
  const reserved: Array<{ orderId: string; amount: number }> = [];
  let session: PlayGuardSession | undefined;
  let exiting = false;

  const emit = (code: number, extra: TapComplianceExtra = {}): number => {
    for (const cb of callbacks.slice()) cb(code, extra);
    return code;
  };
  /** The code for a refusal or an end of play. */
  const codeOf = (reason: string): number => {
    if (reason === 'play_time_exhausted') return options.durationLimitCode || TAP_CODES.PERIOD_RESTRICT;
    if (CLOCK.indexOf(reason) >= 0) return TAP_CODES.PERIOD_RESTRICT;
    if (NETWORK.indexOf(reason) >= 0) return TAP_CODES.INVALID_CLIENT_OR_NETWORK_ERROR;
    return TAP_CODES.EXITED;
  };
  const failure = (error: unknown): number => {
    if (!isPlayGuardProblem(error)) return emit(TAP_CODES.INVALID_CLIENT_OR_NETWORK_ERROR, { error });
    if (error.code === 'identity_required') return emit(TAP_CODES.REAL_NAME_STOP, { reason: error.code, description: error.detail, error });
    const extra: TapComplianceExtra = { reason: error.code, description: error.detail, error };
    if (error.code === 'play_time_restricted' || error.code === 'guardian_restricted') {
      extra.nextWindowStart = error.nextWindowStart;
      extra.nextWindowEnd = error.nextWindowEnd;
    }
    return emit(codeOf(error.code), extra);
  };
  const ended = (e: TerminateEvent): void => {
    session = undefined;
    if (exiting) return;
    emit(codeOf(e.reason), {
      reason: e.reason,
      description: e.problem ? e.problem.detail : undefined,
      nextWindowStart: e.nextWindowStart,
      nextWindowEnd: e.nextWindowEnd,
      error: e.problem,
    });
  };

  return {
    registerComplianceCallback(callback) {
      callbacks.push(callback);
    },
    async startup() {
      exiting = false;
      try {
        const identity = await pg.identity.status();
        if (identity.status === 'none' || identity.status === 'rejected') {
          const answer = options.realName ? await options.realName((who) => pg.identity.submit(who)) : null;
          if (!answer) return emit(TAP_CODES.REAL_NAME_STOP);
        }
        if (options.ageLimit) {
          const limits = await pg.limits();
          if (limits.belowRating) return emit(TAP_CODES.AGE_LIMIT, { reason: 'below_age_rating' });
        }
        const started = await pg.startSession({ deviceId: options.deviceId, takeover: options.takeover !== false });
        session = started;
        started.on('terminate', ended);
        return emit(TAP_CODES.LOGIN_SUCCESS);
      } catch (error) {
        return failure(error);
      }
    },
    async exit() {
      exiting = true;
      const live = session;
      session = undefined;
      try {
        if (live) await live.end();
      } finally {
        emit(TAP_CODES.EXITED, { reason: 'exit' });
      }
    },
    async getRemainingTime() {
      const left = session ? session.remainingSeconds : (await pg.limits()).playTime.remainingSeconds;
      return left === null ? -1 : left;
    },
    async getAgeRange() {
      const identity = await pg.identity.status();
      return identity.status === 'verified' || identity.status === 'pending' ? (identity.ageBand === undefined ? -1 : identity.ageBand) : -1;
    },
    async checkPaymentLimit(amount, orderId) {
      const id = orderId || (options.orderId || randomId)();
      try {
        await pg.payments.reserve({ orderId: id, amount });
        reserved.push({ orderId: id, amount });
        return { status: true, title: '', description: '', orderId: id };
      } catch (error) {
        if (
          isPlayGuardProblem(error) &&
          (error.code === 'spending_limit_exceeded' ||
            error.code === 'guardian_declined' ||
            error.code === 'identity_required' ||
            error.code === 'guardian_consent_required')
        ) {
          return { status: false, title: error.title, description: error.detail, orderId: id };
        }
        throw error;
      }
    },
    async submitPayment(amount, orderId) {
      const at = reserved.findIndex((r) => (orderId ? r.orderId === orderId : r.amount === amount));
      const id = orderId || (at >= 0 ? reserved[at]!.orderId : undefined);
      if (!id) throw new Error(`no reservation of ${amount} fen: call checkPaymentLimit first`);
      await pg.payments.commit(id);
      if (at >= 0) reserved.splice(at, 1);
    },
    get session() {
      return session;
    },
  };
}
