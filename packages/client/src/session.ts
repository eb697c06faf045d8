/**
 * A live play session and its heartbeat loop. The server chooses when to hear from the client next
 * (`heartbeatIntervalSeconds`, then each answer's `nextHeartbeatSeconds`: at most 5 minutes for
 * minors, landing on the 15- and 5-minute warnings and the end — docs/rules.md); the client only
 * keeps that rhythm, counts `seq`, and survives what a phone's network does to it.
 */
import { call, isPlayGuardProblem, isPlayGuardThrottled, send, type PlayGuardError, type PlayGuardProblem, type Transport } from './http.js';
import type { EndReason, HeartbeatAnswer, Limits, ProblemCode, SessionStarted } from './types.js';

export interface TerminateEvent {
  /** The server's reason, or the code of the problem that ended the session (e.g. `session_not_found`, `unauthorized`). */
  reason: EndReason | ProblemCode;
  /** The next window in which this player may play, when the server names one (GET /v1/limits after the end of play). */
  nextWindowStart: string | null;
  nextWindowEnd: string | null;
  /** The problem that ended the session, when one did. */
  problem?: PlayGuardProblem;
}

export interface SessionEvents {
  /** Every heartbeat answer, with the `seq` it answered. */
  heartbeat: HeartbeatAnswer & { seq: number };
  /** The server's warning before the end of play (15 and 5 minutes before it under the default rules). */
  warn: HeartbeatAnswer & { seq: number };
  /** Play is over: stop the game and tell the player (the loop has stopped). */
  terminate: TerminateEvent;
  /** A heartbeat got no usable answer and will be sent again (same `seq`) in `retryInSeconds`. */
  error: { error: PlayGuardError; seq: number; retryInSeconds: number };
}

export type SessionState = 'playing' | 'terminated' | 'ended';

/**
 * Backoff for a heartbeat that got no answer: 1, 2, 4, 8, 16, then every 30 s — well inside the
 * silence after which the server ends a minor's session (docs/rules.md).
 */
export const retryDelaySeconds = (failures: number): number => Math.min(30, 2 ** Math.max(0, failures - 1));

// The next window is worth asking for only when the clock ended play (not a takeover or a block).
const CLOCK_REASONS: ReadonlyArray<string> = ['outside_allowed_hours', 'play_time_exhausted'];

interface VisibilitySource {
  visibilityState?: string;
  addEventListener?(type: string, listener: () => void): void;
  removeEventListener?(type: string, listener: () => void): void;
}

export class PlayGuardSession {
  readonly sessionId: string;
  /** The login's answer: age band, limits, the game's age rating (`ageRating`, `belowRating`). */
  readonly started: SessionStarted;
  /** The last `seq` sent; the next heartbeat sends `seq + 1`, or `seq` again when its answer was lost. */
  seq = 0;
  state: SessionState = 'playing';
  remainingSeconds: number | null;
  endsAt: string | null;

  /** True between `pause()` and `resume()`: no heartbeat is scheduled. */
  paused = false;

  private awaiting = false;
  private failures = 0;
  private timer: unknown;
  private inFlight: Promise<void> | undefined;
  private readonly listeners: { [K in keyof SessionEvents]?: Array<(e: SessionEvents[K]) => void> } = {};
  private readonly doc: VisibilitySource | undefined;
  private readonly onVisibility = (): void => {
    // A background tab's timers are throttled (to once a minute in Chromium): hear the server at
    // once when the player is back rather than on the slowed timer.
    if (this.doc?.visibilityState === 'visible') void this.beat();
  };

  constructor(
    private readonly t: Transport,
    started: SessionStarted,
  ) {
    this.sessionId = started.sessionId;
    this.started = started;
    this.remainingSeconds = started.remainingSeconds;
    this.endsAt = started.endsAt;
    const doc = typeof document === 'object' && document !== null ? (document as unknown as VisibilitySource) : undefined;
    // Mini-game adapters provide a `document` that may not dispatch events: only a real one is listened to.
    this.doc = doc && typeof doc.addEventListener === 'function' ? doc : undefined;
    if (this.doc) this.doc.addEventListener!('visibilitychange', this.onVisibility);
    this.schedule(started.heartbeatIntervalSeconds);
  }

  on<K extends keyof SessionEvents>(event: K, listener: (e: SessionEvents[K]) => void): () => void {
    const list = (this.listeners[event] ??= []) as Array<(e: SessionEvents[K]) => void>;
    list.push(listener);
    return () => void list.splice(list.indexOf(listener) >>> 0, 1);
  }

  /**
   * Heartbeat now instead of at the scheduled time (the game resumed, or a runtime without
   * `document` came back to the foreground). A heartbeat already on its way is joined, never doubled.
   */
  beat(): Promise<void> {
    if (this.state !== 'playing') return Promise.resolve();
    if (!this.inFlight) {
      const done = () => {
        this.inFlight = undefined;
      };
      this.inFlight = this.send().then(done, (e) => {
        done();
        throw e;
      });
    }
    return this.inFlight;
  }

  /**
   * The game went to the background (`wx.onHide`, Cocos `Game.EVENT_HIDE`, an app losing focus): no
   * heartbeat is sent until `resume()`. Nothing is told to the server: if the pause outlasts the
   * silence it allows, the session ends there and the next heartbeat hears so (`terminate`).
   */
  pause(): void {
    if (this.state !== 'playing') return;
    this.paused = true;
    this.t.timers.clearTimeout(this.timer);
  }

  /** The game is back in the foreground: heartbeat at once, then keep the server's rhythm again. */
  resume(): Promise<void> {
    this.paused = false;
    return this.beat();
  }

  /** Log out: the loop stops and the server ends the session (idempotent; DELETE /v1/sessions/{id}). */
  async end(): Promise<void> {
    const wasPlaying = this.state === 'playing';
    this.stop('ended');
    if (wasPlaying) await call(this.t, 'DELETE', `/v1/sessions/${encodeURIComponent(this.sessionId)}`);
  }

  /** Stops the loop without telling the server (a newer session of this client replaced this one there). */
  stop(state: Exclude<SessionState, 'playing'> = 'ended'): void {
    if (this.state !== 'playing') return;
    this.state = state;
    this.t.timers.clearTimeout(this.timer);
    if (this.doc) this.doc.removeEventListener!('visibilitychange', this.onVisibility);
  }

  private emit<K extends keyof SessionEvents>(event: K, value: SessionEvents[K]): void {
    for (const listener of (this.listeners[event] || []).slice()) listener(value);
  }

  private schedule(seconds: number): void {
    this.t.timers.clearTimeout(this.timer);
    if (this.state === 'playing' && !this.paused) this.timer = this.t.timers.setTimeout(() => void this.beat(), seconds * 1000);
  }

  private async send(): Promise<void> {
    this.t.timers.clearTimeout(this.timer);
    // A heartbeat whose answer was lost is sent again with the same seq: the server answers a
    // repeated seq as it did the first time and counts its time once (docs/design.md "Requests per call").
    if (!this.awaiting) this.seq += 1;
    this.awaiting = true;
    const seq = this.seq;
    let answer: HeartbeatAnswer;
    try {
      answer = await send<HeartbeatAnswer>(this.t, 'POST', `/v1/sessions/${encodeURIComponent(this.sessionId)}/heartbeat`, { seq });
    } catch (error) {
      if (this.state === 'playing') await this.failed(error as PlayGuardError, seq);
      return;
    }
    if (this.state !== 'playing') return;
    this.awaiting = false;
    this.failures = 0;
    this.remainingSeconds = answer.remainingSeconds;
    this.endsAt = answer.endsAt;
    this.emit('heartbeat', { ...answer, seq });
    if (answer.action === 'terminate') return this.terminate(answer.reason || 'session_expired');
    if (answer.action === 'warn') this.emit('warn', { ...answer, seq });
    this.schedule(answer.nextHeartbeatSeconds);
  }

  private async failed(error: PlayGuardError, seq: number): Promise<void> {
    if (isPlayGuardProblem(error)) {
      if (error.code === 'stale_heartbeat') {
        // The server has counted a later seq than ours: continue after it.
        this.seq = error.lastSeq;
        this.awaiting = false;
      } else if (error.httpStatus !== 429 && error.httpStatus < 500) {
        return this.terminate(error.code, error);
      }
    }
    this.failures += 1;
    const after = isPlayGuardProblem(error) ? error.retryAfterSeconds : isPlayGuardThrottled(error) ? error.retryAfter : null;
    const wait = after !== null ? Math.max(1, after) : retryDelaySeconds(this.failures);
    this.emit('error', { error, seq, retryInSeconds: wait });
    this.schedule(wait);
  }

  private async terminate(reason: TerminateEvent['reason'], problem?: PlayGuardProblem): Promise<void> {
    this.stop('terminated');
    const event: TerminateEvent = { reason, nextWindowStart: null, nextWindowEnd: null, ...(problem ? { problem } : {}) };
    if (CLOCK_REASONS.indexOf(reason) >= 0) {
      try {
        const { playTime } = await call<Limits>(this.t, 'GET', '/v1/limits');
        event.nextWindowStart = playTime.nextWindowStart;
        event.nextWindowEnd = playTime.nextWindowEnd;
      } catch {
        // The end of play stands without the next window; the prompt then names none.
      }
    }
    this.emit('terminate', event);
  }
}
