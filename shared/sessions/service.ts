/**
 * Play sessions (docs/rules.md §2, docs/api.md): login decides with the play-time rules and
 * takes the leases; the heartbeat counts time with one conditional update and answers from the
 * session it returns; logout and the sweeper end sessions with their NPPA logout event.
 */
import { randomBytes } from 'node:crypto';
import { beijingDate, formatBeijing } from '#shared/domain/beijingTime';
import type { Calendar } from '#shared/domain/calendar';
import { playTimeRuleDetail, type PlayPolicy } from '#shared/domain/playPolicy';
import { decidePlay, type PlayDecision } from '#shared/domain/playTime';
import { Problem } from '#shared/problem';
import { deviceHash } from '#shared/identity/keys';
import type { AccountRecord, AccountRepository } from '#shared/accounts/repository';
import { ageOn } from '#shared/domain/age';
import { DEFAULT_GAME_ID, type Game } from '#shared/settings';
import { requireIdentity } from '#shared/accounts/service';
import { log, metric, stat } from '#shared/log';
import { evaluateLogin, nightPlaySecondsBetween } from '#shared/domain/riskRules';
import { challengeRequired, type RiskDeps } from '#shared/risk/service';
import { restrictsPlay, rulesAt, tightenPolicy, type GuardianRules } from '#shared/domain/guardianControls';
import type { NotificationOutbox } from '#shared/notifications/outbox';
import type { TransactItem } from '#shared/storage/conditions';
import { heartbeatDeadline, SessionConflict, type EndReason, type Lease, type Replaced, type SessionRecord, type SessionRepository } from '#shared/sessions/repository';

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
const SHORTEST_HEARTBEAT_SECONDS = COUNTED_HEARTBEAT_SECONDS;

/** The cadence of a session: by age and by whether its play time is counted (see above). */
export const heartbeatCadence = (minor: boolean, counted: boolean): number => (!minor ? ADULT_HEARTBEAT_SECONDS : counted ? COUNTED_HEARTBEAT_SECONDS : MINOR_HEARTBEAT_SECONDS);
/** A warning is given by a heartbeat within this many seconds after its mark (heartbeats land on the marks). */
const WARN_WINDOW_SECONDS = 60;
/** `warn` 15 and 5 minutes before the end (docs/api.md, heartbeat). */
export const WARN_AT_SECONDS = [900, 300] as const;

export interface SessionDeps {
  repo: SessionRepository;
  accounts: Pick<AccountRepository, 'recordLogin'>;
  /** The deployment's play policy; a game's own (stricter) policy replaces it for that game. */
  policy: PlayPolicy;
  games: readonly Game[];
  calendar: Calendar;
  pepper: string;
  risk: RiskDeps;
  /** Webhook events (null when the publisher has no webhook configured). */
  notifications?: Pick<NotificationOutbox, 'eventPart'> | null;
}

export interface HeartbeatAnswer {
  action: 'continue' | 'warn' | 'terminate';
  remainingSeconds: number | null;
  endsAt: string | null;
  nextHeartbeatSeconds: number;
  reason?: 'play_time_exhausted' | 'outside_allowed_hours' | 'signed_in_elsewhere' | 'session_expired' | 'account_blocked' | 'challenge_failed' | 'guardian_restricted' | 'identity_corrected' | 'identity_unbound';
}

/** Budget policies (nppa-2019) count play per person per Beijing day; window-only policies need no counter. */
export const countsPlayTime = (policy: PlayPolicy): boolean => Object.values(policy.days).some((d) => d.budgetSeconds !== null);

/** The game's configuration, or null for a game no longer configured (its sessions end under the deployment's policy). */
export const gameOf = (deps: Pick<SessionDeps, 'games'>, gameId: string): Game | null => deps.games.find((g) => g.gameId === gameId) ?? null;

/** The deps as one game sees them: its own play policy when it has one. */
export function forGame<D extends Pick<SessionDeps, 'policy' | 'games'>>(deps: D, gameId: string): D {
  const own = gameOf(deps, gameId)?.playPolicy;
  return own ? { ...deps, policy: own } : deps;
}

/**
 * Which live sessions a minor's identity lease keeps apart: per game under window-only policies
 * (the windows are the same wall-clock hours in every game), but across every game under a policy
 * that counts play time, so two games played at once cannot each spend the person's one budget.
 */
export const ALL_GAMES = '*';
export const identityLeaseScope = (policy: PlayPolicy, gameId: string): string => (countsPlayTime(policy) ? ALL_GAMES : gameId);

/**
 * The game's age-appropriateness label and whether the player is below it: age in whole years on
 * today's Beijing date under the label (2024 Regulations on the Online Protection of Minors Art. 47).
 */
export function ratingView(game: Game | null, birthDate: string, nowMs: number): { ageRating: 8 | 12 | 16 | null; belowRating: boolean } {
  const ageRating = game?.ageRating ?? null;
  return { ageRating, belowRating: ageRating !== null && ageOn(birthDate, beijingDate(nowMs)) < ageRating };
}

/** A session of a game removed from the configuration still ends and is reported; operators are told. */
function noteUnknownGame(deps: Pick<SessionDeps, 'games'>, s: Pick<SessionRecord, 'gameId'>): void {
  if (gameOf(deps, s.gameId)) return;
  metric('NppaUnknownGame', 1, { gameId: s.gameId });
  log.error('a session of a game that is no longer configured ended: its events stay queued until the game is configured again', { gameId: s.gameId });
}

/**
 * What a minor's session adds to its person's day when it ends. Recorded for every minor, whatever
 * the policy: a daily budget set later the same day (a guardian's minutes, a preset) counts the
 * whole Beijing day (docs/guardians.md). The record rides on the transaction that ends the session.
 */
const dayPlay = (s: Pick<SessionRecord, 'startedAt' | 'minorAtLogin' | 'playedBeforeSeconds'>, endMs: number) => {
  if (!s.minorAtLogin) return undefined;
  const seconds = Math.max(0, Math.floor((endMs - s.startedAt) / 1000));
  // `total`: the person's day once this session is counted, as its account remembers it.
  return { day: beijingDate(s.startedAt), seconds, total: s.playedBeforeSeconds + seconds };
};

/** The play-time decision for an account at an instant (login, limits and heartbeats share it). */
export function decideForAccount(deps: Pick<SessionDeps, 'policy' | 'calendar'>, facts: { birthDate: string; minorRulesUntil?: number | undefined }, playedSecondsToday: number, nowMs: number): PlayDecision {
  const decision = decidePlay(deps.policy, deps.calendar, { birthDate: facts.birthDate, minorRulesUntilMs: facts.minorRulesUntil ?? null, playedSecondsToday }, nowMs);
  if (!decision.calendarCovered) {
    metric('CalendarNotCovered');
    log.warn('holiday calendar does not cover this day: plain Fri/Sat/Sun rule applied', { day: formatBeijing(nowMs).slice(0, 10) });
  }
  return decision;
}

/**
 * The decision under the law, the publisher's policy and the ward's guardians' rules: the play
 * policy tightened by the rules (shared/domain/guardianControls.ts). `byGuardian` when the law and
 * the policy alone would allow play now and only a guardian's control refuses it.
 */
export function decideWithGuardians(deps: Pick<SessionDeps, 'policy' | 'calendar'>, facts: { birthDate: string; minorRulesUntil?: number | undefined }, rules: GuardianRules | null | undefined, playedSecondsToday: number, nowMs: number): PlayDecision & { byGuardian: boolean } {
  const base = decideForAccount(deps, facts, playedSecondsToday, nowMs);
  if (!restrictsPlay(rules) || !base.minor) return { ...base, byGuardian: false };
  const tightened = decidePlay(tightenPolicy(deps.policy, rules), deps.calendar, { birthDate: facts.birthDate, minorRulesUntilMs: facts.minorRulesUntil ?? null, playedSecondsToday }, nowMs);
  return { ...tightened, byGuardian: base.allowedNow && !tightened.allowedNow };
}

/** The policy a ward's play is counted under (a guardian's daily minutes count play like a budget policy). */
export const wardPolicy = (policy: PlayPolicy, rules: GuardianRules | null | undefined): PlayPolicy => tightenPolicy(policy, rules);

/** A guardian's control refuses play now (docs/api.md, guardian_restricted). */
export function guardianRestrictedProblem(decision: PlayDecision): Problem {
  return new Problem('guardian_restricted', {
    nextWindowStart: decision.nextWindow ? formatBeijing(decision.nextWindow.startMs) : null,
    nextWindowEnd: decision.nextWindow?.endMs != null ? formatBeijing(decision.nextWindow.endMs) : null,
  });
}

/** The refusal, whose detail names the rule in force (the preset, or the publisher's stricter windows). */
export function restrictedProblem(decision: PlayDecision, policy: PlayPolicy): Problem {
  return new Problem(
    'play_time_restricted',
    {
      nextWindowStart: decision.nextWindow ? formatBeijing(decision.nextWindow.startMs) : null,
      nextWindowEnd: decision.nextWindow?.endMs != null ? formatBeijing(decision.nextWindow.endMs) : null,
    },
    {},
    { detail: playTimeRuleDetail(policy) },
  );
}

/**
 * When to hear from the client next: at most the session's cadence, landing exactly on the warning
 * marks and never past the end of play; the adult cadence when no limit applies.
 */
export function nextHeartbeatSeconds(decision: PlayDecision, cadenceSeconds: number): number {
  if (!decision.minor || decision.remainingSeconds === null) return Math.min(cadenceSeconds, ADULT_HEARTBEAT_SECONDS);
  const remaining = decision.remainingSeconds;
  const nextMark = [...WARN_AT_SECONDS, 0].find((mark) => mark < remaining) ?? 0;
  return Math.max(1, Math.min(cadenceSeconds, remaining - nextMark));
}

function heartbeatAction(remaining: number | null): 'continue' | 'warn' {
  if (remaining === null) return 'continue';
  return WARN_AT_SECONDS.some((mark) => remaining <= mark && remaining > mark - WARN_WINDOW_SECONDS) ? 'warn' : 'continue';
}

const playedSoFar = (s: SessionRecord, atMs: number): number => s.playedBeforeSeconds + Math.max(0, Math.floor((atMs - s.startedAt) / 1000));

/** The answer to a heartbeat of a live session at `atMs` — a pure function, so a repeat gets the same answer. */
export function answerAt(deps: Pick<SessionDeps, 'policy' | 'calendar'>, s: SessionRecord, atMs: number): HeartbeatAnswer {
  const rules = rulesAt(s.guardian, atMs);
  const d = decideWithGuardians(deps, s, rules, playedSoFar(s, atMs), atMs);
  if (!d.allowedNow) return { action: 'terminate', remainingSeconds: 0, endsAt: null, nextHeartbeatSeconds: s.intervalSeconds, reason: d.byGuardian ? 'guardian_restricted' : (d.reason ?? 'outside_allowed_hours') };
  // Never longer than the cadence the session started with (its sweeper deadline counts on it);
  // shorter when a guardian's daily minutes now count its play.
  const cadence = Math.min(s.intervalSeconds, heartbeatCadence(d.minor, countsPlayTime(wardPolicy(deps.policy, rules))));
  return {
    action: heartbeatAction(d.remainingSeconds),
    remainingSeconds: d.remainingSeconds,
    endsAt: d.endsAtMs === null ? null : formatBeijing(d.endsAtMs),
    nextHeartbeatSeconds: nextHeartbeatSeconds(d, cadence),
  };
}

const END_REASON_ANSWER: Record<EndReason, NonNullable<HeartbeatAnswer['reason']>> = {
  logout: 'session_expired',
  session_expired: 'session_expired',
  signed_in_elsewhere: 'signed_in_elsewhere',
  play_time_exhausted: 'play_time_exhausted',
  outside_allowed_hours: 'outside_allowed_hours',
  challenge_failed: 'challenge_failed',
  account_blocked: 'account_blocked',
  guardian_restricted: 'guardian_restricted',
  identity_corrected: 'identity_corrected',
  identity_unbound: 'identity_unbound',
};

/** The copy of the ward's guardian links a session carries (the heartbeat decides from it). */
export function sessionGuardians(copy: NonNullable<AccountRecord['guardianship']>): NonNullable<SessionRecord['guardian']> {
  return {
    rev: copy.rev,
    ...(copy.rules !== undefined ? { rules: copy.rules } : {}),
    guardians: copy.guardians.map(({ confirmed, until, controls }) => ({ confirmed, ...(until !== undefined ? { until } : {}), ...(controls ? { controls } : {}) })),
    watched: copy.guardians.some((g) => g.confirmed),
  };
}

const within = (seen: Record<string, number> | undefined, sinceMs: number): number => Object.values(seen ?? {}).filter((t) => t >= sinceMs).length;
const nightSecondsSince = (nightPlay: AccountRecord['nightPlay'], sinceMs: number): number =>
  Object.values(nightPlay ?? {}).reduce((sum, e) => (e.at >= sinceMs ? sum + e.s : sum), 0);

/**
 * Login (docs/api.md, POST /v1/sessions). Common path, three DynamoDB requests: the account read
 * that also records the device, the device's sightings, and the transaction that starts the
 * session, also under a play budget (the account remembers the person's day; the transaction checks
 * it). Taking over a live session costs one more read (the session), and a minor's session on
 * another account one more (the identity lease).
 */
export async function startSession(allGames: SessionDeps, accountId: string, gameId: string, request: { deviceId: string; takeover?: boolean }, nowMs: number) {
  try {
    return await logIn(allGames, accountId, gameId, request, nowMs);
  } catch (error) {
    // A refused login writes nothing: the operators' figures count it from this log line, which
    // costs no request (shared/log.ts `stat`).
    if (error instanceof Problem && error.status < 500) stat({ stat: 'loginRefused', gameId, code: error.code, at: nowMs });
    throw error;
  }
}

async function logIn(allGames: SessionDeps, accountId: string, gameId: string, request: { deviceId: string; takeover?: boolean }, nowMs: number) {
  const deps = forGame(allGames, gameId);
  const device = deviceHash(deps.pepper, request.deviceId);
  const account = await deps.accounts.recordLogin(accountId, device, nowMs, gameId);
  requireIdentity(account);
  const guardianship = account.guardianship;
  const rules = rulesAt(guardianship, nowMs);
  // A guardian's daily minutes count the ward's play like a budget policy does.
  const counted = wardPolicy(deps.policy, rules);
  // What the person has played today, as this account's last session left it (no read): the
  // session's transaction checks it against the person's day play and tells the real figure when
  // another account of the person has played since (docs/design.md, requests per call). Known for
  // every minor, so a daily budget set during the session counts the whole day.
  const today = beijingDate(nowMs);
  let known = account.playDay?.day === today ? account.playDay.seconds : 0;
  const decide = (played: number) => {
    const d = decideWithGuardians(deps, account, rules, played, nowMs);
    if (!d.allowedNow) throw d.byGuardian ? guardianRestrictedProblem(d) : restrictedProblem(d, deps.policy);
    return d;
  };
  let decision = decide(known);

  const windowStart = nowMs - deps.risk.policy.deviceWindowSeconds * 1000;
  const deviceAccounts = await deps.risk.repo.sightDevice(device, accountId, nowMs, deps.risk.policy.deviceWindowSeconds);
  const risk = evaluateLogin(
    deps.risk.policy,
    {
      adult: !decision.minor,
      distinctAccountsOnDevice: within(deviceAccounts, windowStart),
      distinctDevicesForAccount: within(account.devices, windowStart),
      nightPlaySecondsLast24h: nightSecondsSince(account.nightPlay, nowMs - 86_400_000),
      // The binding marks accounts added past the identity's limit; that is all the rule needs of the rank.
      accountRankForIdentity: account.beyondAccountLimit === true ? deps.risk.policy.maxAccountsPerIdentity + 1 : 1,
      suppressedSignals: account.suppressed ?? {},
      minorRulesUntilMs: account.minorRulesUntil ?? null,
    },
    nowMs,
  );
  if (risk.outcome === 'challenge') throw await challengeRequired(deps.risk, account, risk, 'login', nowMs, gameId);

  const replaceable = async (held: Lease): Promise<Replaced & { identityLeased: boolean; identityLeaseScope?: string | undefined }> => {
    const sameDevice = held.deviceHash === device && held.accountId === accountId;
    const session = await deps.repo.get(held.sessionId);
    const live = session?.state === 'live';
    const silent = !session || nowMs > heartbeatDeadline(session.lastHeartbeatAt, session.intervalSeconds);
    if (live && !silent && !request.takeover && !sameDevice) throw new Problem('session_active_elsewhere');
    // A live session past its deadline ends as the sweeper would end it (within ±5 minutes of its real end).
    const endAt = session && live && silent ? silentSessionEnd(session) : nowMs;
    const play = session && live ? dayPlay(session, endAt) : undefined;
    return {
      lease: held,
      live,
      ...(session && live && silent ? { silent: { endedAt: endAt, lastHeartbeatAt: session.lastHeartbeatAt } } : {}),
      identityLeased: live && session.identityLeased,
      identityLeaseScope: session?.identityLeaseScope,
      nightSeconds: session && live ? nightPlaySecondsBetween(session.startedAt, endAt) : 0,
      ...(play && session ? { play: { identityHash: session.identityHash, ...play } } : {}),
    };
  };
  const held = account.leases[gameId];
  const replacedAccount = held ? await replaceable({ ...held, accountId, gameId }) : null;
  // The account's own session holds the person's lease in the scope this login takes, unless the
  // scope changed since (a guardian's daily minutes count play across games): then it is just ended.
  const scope = decision.minor ? identityLeaseScope(counted, gameId) : undefined;
  let replacedIdentity: Replaced | null = decision.minor && replacedAccount?.identityLeased && (replacedAccount.identityLeaseScope ?? DEFAULT_GAME_ID) === scope ? replacedAccount : null;

  const sessionId = randomBytes(16).toString('hex');
  const intervalSeconds = heartbeatCadence(decision.minor, countsPlayTime(counted));
  const session: SessionRecord = {
    sessionId,
    accountId,
    identityHash: account.identityHash,
    deviceHash: device,
    birthDate: account.birthDate,
    ...(account.minorRulesUntil ? { minorRulesUntil: account.minorRulesUntil } : {}),
    playedBeforeSeconds: known,
    startedAt: nowMs,
    lastHeartbeatAt: nowMs,
    lastSeq: 0,
    intervalSeconds,
    state: 'live',
    minorAtLogin: decision.minor,
    identityLeased: decision.minor,
    ...(scope ? { identityLeaseScope: scope } : {}),
    gameId,
    ...(guardianship ? { guardian: sessionGuardians(guardianship) } : {}),
  };
  // The ward's confirmed guardians hear of the login (docs/api.md, Notifications), in the same transaction.
  const watchers = (guardianship?.guardians ?? []).filter((g) => g.confirmed).map((g) => ({ guardianId: g.guardianId, wardId: g.wardId }));
  const also: Array<[string, TransactItem]> =
    deps.notifications && watchers.length
      ? [['notification', deps.notifications.eventPart({ type: 'guardian.ward_session_started', occurredAtMs: nowMs, id: `session-started-${sessionId}`, data: { guardians: watchers, sessionId, gameId, startedAt: formatBeijing(nowMs) } })]]
      : [];
  // The sessions this login ends count toward today's play too (they are added in its transaction).
  const playedBefore = () => {
    const ended = new Map<string, Replaced>();
    for (const r of [replacedAccount, replacedIdentity]) if (r?.live && r.play?.day === today) ended.set(r.lease.sessionId, r);
    return known + [...ended.values()].reduce((sum, r) => sum + (r.play?.seconds ?? 0), 0);
  };
  // Every minor's login checks the person's day play in its transaction (no extra request).
  const counting = decision.minor;
  for (let identityRetries = 0, dayRetries = 0; ; ) {
    if (counting) {
      session.playedBeforeSeconds = playedBefore();
      decision = decide(session.playedBeforeSeconds);
    }
    try {
      await deps.repo.start(session, { account: replacedAccount, identity: replacedIdentity }, also, counting ? { day: today, known } : undefined);
      break;
    } catch (error) {
      if (!(error instanceof SessionConflict)) throw error;
      // A guardian changed the rules while this login decided: nothing started; the retry decides anew.
      if (error.reason === 'guardian') throw new Problem('write_contention', {}, { 'retry-after': '1' });
      // Another account of the person played since this account's last session: decide with the real figure.
      if (error.reason === 'dayPlay') {
        if ((dayRetries += 1) > 2) throw new Problem('write_contention', {}, { 'retry-after': '1' });
        known = error.playedSeconds;
        continue;
      }
      // This minor plays on another of their accounts: take over or refuse, as for the account.
      const other = error.reason === 'identity' && (identityRetries += 1) === 1 && session.identityLeaseScope ? await deps.repo.identityLease(account.identityHash, session.identityLeaseScope) : null;
      if (!other) throw new Problem('session_active_elsewhere');
      replacedIdentity = await replaceable(other);
    }
  }
  metric(decision.minor ? 'MinorLogin' : 'AdultLogin', 1, { gameId });
  return {
    sessionId,
    gameId,
    ...ratingView(gameOf(deps, gameId), account.birthDate, nowMs),
    ageBand: decision.ageBand,
    minor: decision.minor,
    remainingSeconds: decision.remainingSeconds,
    endsAt: decision.endsAtMs === null ? null : formatBeijing(decision.endsAtMs),
    heartbeatIntervalSeconds: nextHeartbeatSeconds(decision, intervalSeconds),
  };
}

export async function heartbeat(deps: SessionDeps, accountId: string, sessionId: string, seq: number, nowMs: number): Promise<HeartbeatAnswer> {
  const outcome = await deps.repo.heartbeat(sessionId, accountId, seq, nowMs);
  switch (outcome.kind) {
    case 'not_found':
      throw new Problem('session_not_found');
    case 'stale':
      throw new Problem('stale_heartbeat', { lastSeq: outcome.session.lastSeq });
    case 'ended':
      return { action: 'terminate', remainingSeconds: 0, endsAt: null, nextHeartbeatSeconds: outcome.session.intervalSeconds, reason: END_REASON_ANSWER[outcome.session.endReason ?? 'session_expired'] };
    case 'repeated':
      return answerAt(forGame(deps, outcome.session.gameId), outcome.session, outcome.session.lastHeartbeatAt);
    case 'counted': {
      const game = forGame(deps, outcome.session.gameId);
      const answer = answerAt(game, outcome.session, nowMs);
      if (answer.action === 'terminate') {
        // The end of play: the session ends now, with its logout event (once per session).
        noteUnknownGame(deps, outcome.session);
        const play = dayPlay(outcome.session, nowMs);
        const reason = answer.reason === 'play_time_exhausted' || answer.reason === 'guardian_restricted' ? answer.reason : 'outside_allowed_hours';
        await deps.repo.end(outcome.session, reason, nowMs, play ? { play } : {});
      }
      return answer;
    }
  }
}

export async function endSession(deps: Pick<SessionDeps, 'repo' | 'policy' | 'games'>, accountId: string, sessionId: string, nowMs: number, reason: EndReason = 'logout'): Promise<void> {
  const session = await deps.repo.get(sessionId);
  if (!session || session.accountId !== accountId || session.state !== 'live') return;
  noteUnknownGame(deps, session);
  const play = dayPlay(session, nowMs);
  await deps.repo.end(session, reason, nowMs, { nightSeconds: nightPlaySecondsBetween(session.startedAt, nowMs), ...(play ? { play } : {}) });
}

/**
 * The national system accepts a logout detected from heartbeats within ±5 minutes of the real one
 * (NPPA behaviour-reporting FAQ, docs/nppa.md). A silent client left somewhere between its last
 * heartbeat and the next one it owed: a session ends `max(0, interval − 5 min)` after its last
 * heartbeat — at it for intervals up to 5 minutes (every minor), 5 minutes after it for an adult's
 * 10 — so the reported logout is within 5 minutes of the real one either way.
 */
export const LOGOUT_TOLERANCE_SECONDS = 300;
export const silentSessionEnd = (s: Pick<SessionRecord, 'lastHeartbeatAt' | 'intervalSeconds'>): number => s.lastHeartbeatAt + Math.max(0, s.intervalSeconds - LOGOUT_TOLERANCE_SECONDS) * 1000;

/** Sessions the sweeper ends at once (each is one transaction). */
const SWEEP_PARALLEL = 32;

/**
 * Sweeper: sessions silent for two intervals plus 30 s end as of `silentSessionEnd`, SWEEP_PARALLEL
 * at a time, page after page of candidates (the longest silent first in each shard) until two pages
 * in a row hold none past its deadline, or the run's time is up. A silent minor's entry may sit behind
 * adults not yet due in its shard (adults wait longer); past two pages of them it is ended by a later
 * run, at the latest when they are due — its logout is dated from its own last heartbeat either way.
 */
export async function sweepSessions(deps: Pick<SessionDeps, 'repo' | 'policy' | 'games'>, nowMs: number, outOfTime: () => boolean = () => false, perShard?: number): Promise<{ ended: number }> {
  const shortest = heartbeatDeadline(0, SHORTEST_HEARTBEAT_SECONDS);
  let ended = 0;
  let idle = 0;
  for await (const page of deps.repo.liveSessionsSilentSince(nowMs - shortest, perShard)) {
    const due = page.filter((s) => nowMs > heartbeatDeadline(s.lastHeartbeatAt, s.intervalSeconds));
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(SWEEP_PARALLEL, due.length) }, async () => {
        for (let s = due[next++]; s && !outOfTime(); s = due[next++]) {
          noteUnknownGame(deps, s);
          const endAt = silentSessionEnd(s);
          const play = dayPlay(s, endAt);
          if (await deps.repo.end(s, 'session_expired', endAt, { lastHeartbeatAt: s.lastHeartbeatAt, nightSeconds: nightPlaySecondsBetween(s.startedAt, endAt), ...(play ? { play } : {}) })) ended += 1;
        }
      }),
    );
    idle = due.length === 0 ? idle + 1 : 0;
    if (idle === 2 || outOfTime()) break;
  }
  if (ended) metric('SessionsSwept', ended);
  return { ended };
}
