/**
 * A play session's rules, as pure functions of plain values (docs/rules.md §2): how often its
 * client must be heard from, what a heartbeat answers at an instant, when a silent session is over
 * and when it counts as ended, what it adds to its person's day, and the play-time decision under
 * a ward's guardians. The sessions service (shared/sessions/service.ts) stores and reports; these
 * decide.
 */
import { beijingDate, formatBeijing } from '#shared/domain/beijingTime';
import type { Calendar } from '#shared/domain/calendar';
import { restrictsPlay, rulesAt, tightenPolicy, type GuardianControls, type GuardianRules } from '#shared/domain/guardianControls';
import type { PlayPolicy } from '#shared/domain/playPolicy';
import { decidePlay, type PlayDecision } from '#shared/domain/playTime';

/**
 * Heartbeat cadence chosen by the server, as long as enforcement allows (cost is per request):
 * - The end of play and the 15- and 5-minute warnings are known in advance: a minor's heartbeats
 *   land exactly on them whatever the cadence, so the window's end is enforced to the second.
 * - Between heartbeats only news can arrive: a takeover (signed_in_elsewhere), a guardian's ban or
 *   new controls, a block, a failed challenge, a corrected identity. It reaches the client at its
 *   next heartbeat, so the cadence is the longest delay of those.
 * Minors under window-only rules: 5 minutes. A takeover ends the old session at once on the server;
 * the old device learns it within 5 minutes and, as its heartbeats land on the window's end, can
 * never play outside the window meanwhile; a guardian's ban takes effect within 5 minutes.
 * Minors whose play time is counted (a budget policy, or a guardian's daily minutes): 1 minute, as
 * the minutes an old device plays after a takeover until its next heartbeat are not counted.
 * Adults: 10 minutes (no time limit; takeovers and blocks within 10 minutes).
 */
export const MINOR_HEARTBEAT_SECONDS = 300;
export const COUNTED_HEARTBEAT_SECONDS = 60;
export const ADULT_HEARTBEAT_SECONDS = 600;
/** The shortest cadence: the sweeper's first candidates are silent for its deadline. */
export const SHORTEST_HEARTBEAT_SECONDS = COUNTED_HEARTBEAT_SECONDS;

/** The cadence of a session: by age and by whether its play time is counted (see above). */
export const heartbeatCadence = (minor: boolean, counted: boolean): number =>
  !minor ? ADULT_HEARTBEAT_SECONDS : counted ? COUNTED_HEARTBEAT_SECONDS : MINOR_HEARTBEAT_SECONDS;
/** A warning is given by a heartbeat within this many seconds after its mark (heartbeats land on the marks). */
const WARN_WINDOW_SECONDS = 60;
/** `warn` 15 and 5 minutes before the end (docs/api.md, heartbeat). */
export const WARN_AT_SECONDS = [900, 300] as const;

/** No heartbeat for two intervals plus 30 s: the session is over. */
export const heartbeatDeadline = (lastHeartbeatAt: number, intervalSeconds: number): number => lastHeartbeatAt + (2 * intervalSeconds + 30) * 1000;

/**
 * The national system accepts a logout detected from heartbeats within ±5 minutes of the real one
 * (NPPA behaviour-reporting FAQ, docs/nppa.md). A silent client left somewhere between its last
 * heartbeat and the next one it owed: a session ends `max(0, interval − 5 min)` after its last
 * heartbeat — at it for intervals up to 5 minutes (every minor), 5 minutes after it for an adult's
 * 10 — so the reported logout is within 5 minutes of the real one either way.
 */
export const LOGOUT_TOLERANCE_SECONDS = 300;
export const silentSessionEnd = (s: { lastHeartbeatAt: number; intervalSeconds: number }): number =>
  s.lastHeartbeatAt + Math.max(0, s.intervalSeconds - LOGOUT_TOLERANCE_SECONDS) * 1000;

export interface HeartbeatAnswer {
  action: 'continue' | 'warn' | 'terminate';
  remainingSeconds: number | null;
  endsAt: string | null;
  nextHeartbeatSeconds: number;
  reason?:
    | 'play_time_exhausted'
    | 'outside_allowed_hours'
    | 'signed_in_elsewhere'
    | 'session_expired'
    | 'account_blocked'
    | 'challenge_failed'
    | 'guardian_restricted'
    | 'identity_corrected'
    | 'identity_unbound';
}

/** Budget policies (nppa-2019) count play per person per Beijing day; window-only policies need no counter. */
export const countsPlayTime = (policy: PlayPolicy): boolean => Object.values(policy.days).some((d) => d.budgetSeconds !== null);

/** The policy a ward's play is counted under (a guardian's daily minutes count play like a budget policy). */
export const wardPolicy = (policy: PlayPolicy, rules: GuardianRules | null | undefined): PlayPolicy => tightenPolicy(policy, rules);

/**
 * Which live sessions a minor's identity lease keeps apart: per game under window-only policies
 * (the windows are the same wall-clock hours in every game), but across every game under a policy
 * that counts play time, so two games played at once cannot each spend the person's one budget.
 */
export const ALL_GAMES = '*';
export const identityLeaseScope = (policy: PlayPolicy, gameId: string): string => (countsPlayTime(policy) ? ALL_GAMES : gameId);

/** What the play-time rules apply to: the policy in force and the holiday calendar. */
export interface PlayRules {
  policy: PlayPolicy;
  calendar: Calendar;
}

/** The player a decision is about: the birth date, and minor rules forced on the account until then. */
export interface PlayerOf {
  birthDate: string;
  minorRulesUntil?: number | undefined;
}

/**
 * The decision under the law, the publisher's policy and the ward's guardians' rules: the play
 * policy tightened by the rules (shared/domain/guardianControls.ts). `byGuardian` when the law and
 * the policy alone would allow play now and only a guardian's control refuses it.
 */
export function decideWithGuardians(
  play: PlayRules,
  player: PlayerOf,
  rules: GuardianRules | null | undefined,
  playedSecondsToday: number,
  nowMs: number,
): PlayDecision & { byGuardian: boolean } {
  const facts = { birthDate: player.birthDate, minorRulesUntilMs: player.minorRulesUntil ?? null, playedSecondsToday };
  const base = decidePlay(play.policy, play.calendar, facts, nowMs);
  if (!restrictsPlay(rules) || !base.minor) return { ...base, byGuardian: false };
  const tightened = decidePlay(tightenPolicy(play.policy, rules), play.calendar, facts, nowMs);
  return { ...tightened, byGuardian: base.allowedNow && !tightened.allowedNow };
}

/**
 * When to hear from the client next: at most the session's cadence, landing exactly on the warning
 * marks and never past the end of play; the adult cadence when no limit applies.
 */
export function nextHeartbeatSeconds(decision: Pick<PlayDecision, 'minor' | 'remainingSeconds'>, cadenceSeconds: number): number {
  if (!decision.minor || decision.remainingSeconds === null) return Math.min(cadenceSeconds, ADULT_HEARTBEAT_SECONDS);
  const remaining = decision.remainingSeconds;
  const nextMark = [...WARN_AT_SECONDS, 0].find((mark) => mark < remaining) ?? 0;
  return Math.max(1, Math.min(cadenceSeconds, remaining - nextMark));
}

function heartbeatAction(remaining: number | null): 'continue' | 'warn' {
  if (remaining === null) return 'continue';
  return WARN_AT_SECONDS.some((mark) => remaining <= mark && remaining > mark - WARN_WINDOW_SECONDS) ? 'warn' : 'continue';
}

/** The ward's guardian links as a session carries them (copied at login, replaced when a guardian changes them). */
export interface SessionGuardians {
  rev: number;
  rules?: GuardianRules | null | undefined;
  guardians?: Array<{ confirmed: boolean; until?: number | undefined; controls?: GuardianControls | undefined }> | undefined;
  watched: boolean;
}

/** The copy of a ward's guardian links an account carries (shared/guardians/repository.ts `copyOf`), as much as a session needs of it. */
export interface GuardianshipOnAccount {
  rev: number;
  rules?: GuardianRules | null | undefined;
  guardians: ReadonlyArray<{ confirmed: boolean; until?: number | undefined; controls?: GuardianControls | undefined }>;
}

/** The copy of the ward's guardian links a session carries (the heartbeat decides from it). */
export function sessionGuardians(copy: GuardianshipOnAccount): SessionGuardians {
  return {
    rev: copy.rev,
    ...(copy.rules !== undefined ? { rules: copy.rules } : {}),
    guardians: copy.guardians.map(({ confirmed, until, controls }) => ({
      confirmed,
      ...(until !== undefined ? { until } : {}),
      ...(controls ? { controls } : {}),
    })),
    watched: copy.guardians.some((g) => g.confirmed),
  };
}

/** What a live session's heartbeat is answered from. */
export interface LiveSession extends PlayerOf {
  startedAt: number;
  /** Seconds its person had already played today when it started. */
  playedBeforeSeconds: number;
  intervalSeconds: number;
  guardian?: Pick<SessionGuardians, 'rules' | 'guardians'> | undefined;
}

const playedSoFar = (s: LiveSession, atMs: number): number => s.playedBeforeSeconds + Math.max(0, Math.floor((atMs - s.startedAt) / 1000));

/** The answer to a heartbeat of a live session at `atMs` — a pure function, so a repeat gets the same answer. */
export function answerAt(play: PlayRules, s: LiveSession, atMs: number): HeartbeatAnswer {
  const rules = rulesAt(s.guardian, atMs);
  const d = decideWithGuardians(play, s, rules, playedSoFar(s, atMs), atMs);
  if (!d.allowedNow)
    return {
      action: 'terminate',
      remainingSeconds: 0,
      endsAt: null,
      nextHeartbeatSeconds: s.intervalSeconds,
      reason: d.byGuardian ? 'guardian_restricted' : (d.reason ?? 'outside_allowed_hours'),
    };
  // Never longer than the cadence the session started with (its sweeper deadline counts on it);
  // shorter when a guardian's daily minutes now count its play.
  const cadence = Math.min(s.intervalSeconds, heartbeatCadence(d.minor, countsPlayTime(wardPolicy(play.policy, rules))));
  return {
    action: heartbeatAction(d.remainingSeconds),
    remainingSeconds: d.remainingSeconds,
    endsAt: d.endsAtMs === null ? null : formatBeijing(d.endsAtMs),
    nextHeartbeatSeconds: nextHeartbeatSeconds(d, cadence),
  };
}

/**
 * What a minor's session adds to its person's day when it ends. Recorded for every minor, whatever
 * the policy: a daily budget set later the same day (a guardian's minutes, a preset) counts the
 * whole Beijing day (docs/guardians.md). `total`: the person's day once this session is counted, as
 * its account remembers it.
 */
export const dayPlay = (
  s: { startedAt: number; minorAtLogin: boolean; playedBeforeSeconds: number },
  endMs: number,
): { day: string; seconds: number; total: number } | undefined => {
  if (!s.minorAtLogin) return undefined;
  const seconds = Math.max(0, Math.floor((endMs - s.startedAt) / 1000));
  return { day: beijingDate(s.startedAt), seconds, total: s.playedBeforeSeconds + seconds };
};
