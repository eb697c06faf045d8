/**
 * Play sessions (docs/rules.md §2, docs/api.md): login decides with the play-time rules and
 * takes the leases; the heartbeat counts time with one conditional update and answers from the
 * session it returns; logout and the sweeper end sessions with their NPPA logout event. The rules
 * themselves are pure (shared/domain/sessionRules.ts); this service reads, writes and reports.
 */
import { randomBytes } from 'node:crypto';
import { beijingDate, formatBeijing } from '#shared/domain/beijingTime';
import type { Calendar } from '#shared/domain/calendar';
import { playTimeRuleDetail, type PlayPolicy } from '#shared/domain/playPolicy';
import type { PlayDecision } from '#shared/domain/playTime';
import { Problem } from '#shared/problem';
import { deviceHash } from '#shared/storage/keyedHashes';
import type { AccountRepository, BoundAccount } from '#shared/accounts/repository';
import { ageOn } from '#shared/domain/age';
import { DEFAULT_GAME_ID, type Game } from '#shared/settings';
import { requireConsent, requireIdentity } from '#shared/accounts/service';
import type { ConsentPolicy } from '#shared/domain/consent';
import { log, metric, stat } from '#shared/log';
import { evaluateLogin, nightPlaySecondsBetween } from '#shared/domain/riskRules';
import { challengeRequired, type RiskDeps } from '#shared/risk/service';
import { rulesAt, type GuardianRules } from '#shared/domain/guardianControls';
import {
  answerAt,
  countsPlayTime,
  dayPlay,
  decideWithGuardians,
  heartbeatCadence,
  heartbeatDeadline,
  identityLeaseScope,
  nextHeartbeatSeconds,
  sessionGuardians,
  SHORTEST_HEARTBEAT_SECONDS,
  silentSessionEnd,
  wardPolicy,
  type HeartbeatAnswer,
} from '#shared/domain/sessionRules';
import type { NotificationOutbox } from '#shared/notifications/outbox';
import type { TransactItem } from '#shared/storage/conditions';
import { SessionConflict, type EndReason, type Lease, type Replaced, type SessionRecord, type SessionRepository } from '#shared/sessions/repository';

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
  /** Under-14 consent (shared/domain/consent.ts): a child logs in only with it. */
  consent: ConsentPolicy;
}

/** The game's configuration, or null for a game no longer configured (its sessions end under the deployment's policy). */
export const gameOf = (deps: Pick<SessionDeps, 'games'>, gameId: string): Game | null => deps.games.find((g) => g.gameId === gameId) ?? null;

/** The deps as one game sees them: its own play policy when it has one. */
export function forGame<D extends Pick<SessionDeps, 'policy' | 'games'>>(deps: D, gameId: string): D {
  const own = gameOf(deps, gameId)?.playPolicy;
  return own ? { ...deps, policy: own } : deps;
}

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

/** A decision for a day the holiday calendar does not cover falls back to the plain Fri/Sat/Sun rule: operators are told. */
export function noteCalendarCoverage(calendar: Calendar, nowMs: number): void {
  if (calendar.dayKind(beijingDate(nowMs)).covered) return;
  metric('CalendarNotCovered');
  log.warn('holiday calendar does not cover this day: plain Fri/Sat/Sun rule applied', { day: formatBeijing(nowMs).slice(0, 10) });
}

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

const within = (seen: Record<string, number> | undefined, sinceMs: number): number => Object.values(seen ?? {}).filter((t) => t >= sinceMs).length;
const nightSecondsSince = (nightPlay: BoundAccount['nightPlay'], sinceMs: number): number =>
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

/** Who logs in, where, and under which of the ward's guardians' rules (as its account carries them). */
interface Login {
  deps: SessionDeps;
  account: BoundAccount;
  device: string;
  gameId: string;
  takeover: boolean;
  rules: GuardianRules | null;
  nowMs: number;
}

/** What a login will start and end: the session, the sessions it replaces, and what its transaction also writes. */
interface LoginPlan {
  session: SessionRecord;
  replaced: { account: Replaced | null; identity: Replaced | null };
  also: Array<[string, TransactItem]>;
  /** A minor's login checks the person's day play in its transaction: the day, and the seconds this account knew of. */
  day: { day: string; known: number } | null;
}

async function logIn(allGames: SessionDeps, accountId: string, gameId: string, request: { deviceId: string; takeover?: boolean }, nowMs: number) {
  const deps = forGame(allGames, gameId);
  const device = deviceHash(deps.pepper, request.deviceId);
  const account = await deps.accounts.recordLogin(accountId, device, nowMs, gameId);
  requireIdentity(account);
  requireConsent(account, deps.consent, nowMs);
  noteCalendarCoverage(deps.calendar, nowMs);
  const login: Login = { deps, account, device, gameId, takeover: request.takeover === true, rules: rulesAt(account.guardianship, nowMs), nowMs };
  const plan = await planLogin(login);
  const decision = await commitLogin(login, plan);
  metric(decision.minor ? 'MinorLogin' : 'AdultLogin', 1, { gameId });
  return {
    sessionId: plan.session.sessionId,
    gameId,
    ...ratingView(gameOf(deps, gameId), account.birthDate, nowMs),
    ageBand: decision.ageBand,
    minor: decision.minor,
    remainingSeconds: decision.remainingSeconds,
    endsAt: decision.endsAtMs === null ? null : formatBeijing(decision.endsAtMs),
    heartbeatIntervalSeconds: nextHeartbeatSeconds(decision, plan.session.intervalSeconds),
  };
}

/** The play-time decision with this much played today; a refusal throws (a guardian's or the rules'). */
function decideLogin(login: Login, playedToday: number): PlayDecision {
  const d = decideWithGuardians(login.deps, login.account, login.rules, playedToday, login.nowMs);
  if (!d.allowedNow) throw d.byGuardian ? guardianRestrictedProblem(d) : restrictedProblem(d, login.deps.policy);
  return d;
}

/**
 * Deciding: whether the account may play now (with the person's day as this account's last session
 * left it: no read), the risk signals (the device's sightings: one request), the sessions it takes
 * over, and the session it will start.
 */
async function planLogin(login: Login): Promise<LoginPlan> {
  const { deps, account, device, gameId, nowMs } = login;
  // A guardian's daily minutes count the ward's play like a budget policy does.
  const counted = wardPolicy(deps.policy, login.rules);
  // What the person has played today, as this account's last session left it (no read): the
  // session's transaction checks it against the person's day play and tells the real figure when
  // another account of the person has played since (docs/design.md, requests per call). Known for
  // every minor, so a daily budget set during the session counts the whole day.
  const today = beijingDate(nowMs);
  const known = account.playDay?.day === today ? account.playDay.seconds : 0;
  const decision = decideLogin(login, known);

  const windowStart = nowMs - deps.risk.policy.deviceWindowSeconds * 1000;
  const deviceAccounts = await deps.risk.repo.sightDevice(device, account.accountId, nowMs, deps.risk.policy.deviceWindowSeconds);
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

  const held = account.leases[gameId];
  const replacedAccount = held ? await replaceable(login, { ...held, accountId: account.accountId, gameId }) : null;
  // The account's own session holds the person's lease in the scope this login takes, unless the
  // scope changed since (a guardian's daily minutes count play across games): then it is just ended.
  const scope = decision.minor ? identityLeaseScope(counted, gameId) : undefined;
  const replacedIdentity =
    decision.minor && replacedAccount?.identityLeased && (replacedAccount.identityLeaseScope ?? DEFAULT_GAME_ID) === scope ? replacedAccount : null;

  const sessionId = randomBytes(16).toString('hex');
  const guardianship = account.guardianship;
  const session: SessionRecord = {
    sessionId,
    accountId: account.accountId,
    identityHash: account.identityHash,
    deviceHash: device,
    birthDate: account.birthDate,
    ...(account.minorRulesUntil ? { minorRulesUntil: account.minorRulesUntil } : {}),
    playedBeforeSeconds: known,
    startedAt: nowMs,
    lastHeartbeatAt: nowMs,
    lastSeq: 0,
    intervalSeconds: heartbeatCadence(decision.minor, countsPlayTime(counted)),
    state: 'live',
    minorAtLogin: decision.minor,
    identityLeased: decision.minor,
    ...(scope ? { identityLeaseScope: scope } : {}),
    gameId,
    ...(account.identityStatus === 'pending' ? { accountPending: true } : {}),
    ...(guardianship ? { guardian: sessionGuardians(guardianship) } : {}),
  };
  // The ward's confirmed guardians hear of the login (docs/api.md, Notifications), in the same transaction.
  const watchers = (guardianship?.guardians ?? []).filter((g) => g.confirmed).map((g) => ({ guardianId: g.guardianId, wardId: g.wardId }));
  const also: Array<[string, TransactItem]> =
    deps.notifications && watchers.length
      ? [
          [
            'notification',
            deps.notifications.eventPart({
              type: 'guardian.ward_session_started',
              occurredAtMs: nowMs,
              id: `session-started-${sessionId}`,
              data: { guardians: watchers, sessionId, gameId, startedAt: formatBeijing(nowMs) },
            }),
          ],
        ]
      : [];
  // Every minor's login checks the person's day play in its transaction (no extra request).
  return { session, replaced: { account: replacedAccount, identity: replacedIdentity }, also, day: decision.minor ? { day: today, known } : null };
}

/**
 * Committing: the transaction that starts the session, takes the leases and ends what it replaces.
 * Sent again, deciding anew, when the person played more today than this account knew (another
 * account of the person played since: at most twice) or when a minor plays on another of their
 * accounts (that session is taken over or refuses the login, once). A guardian's change meanwhile
 * refuses it (429 write_contention): nothing started. Returns the decision the session started under.
 */
async function commitLogin(login: Login, plan: LoginPlan): Promise<PlayDecision> {
  const { deps, account } = login;
  const { session, replaced } = plan;
  let known = plan.day?.known ?? 0;
  // The sessions this login ends count toward today's play too (they are added in its transaction).
  const playedBefore = () => {
    const ended = new Map<string, Replaced>();
    for (const r of [replaced.account, replaced.identity]) if (r?.live && r.play?.day === plan.day?.day) ended.set(r.lease.sessionId, r);
    return known + [...ended.values()].reduce((sum, r) => sum + (r.play?.seconds ?? 0), 0);
  };
  for (let identityRetries = 0, dayRetries = 0; ; ) {
    if (plan.day) session.playedBeforeSeconds = playedBefore();
    const decision = decideLogin(login, session.playedBeforeSeconds);
    try {
      await deps.repo.start(session, replaced, plan.also, plan.day ? { day: plan.day.day, known } : undefined);
      return decision;
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
      const other =
        error.reason === 'identity' && (identityRetries += 1) === 1 && session.identityLeaseScope
          ? await deps.repo.identityLease(account.identityHash, session.identityLeaseScope)
          : null;
      if (!other) throw new Problem('session_active_elsewhere');
      replaced.identity = await replaceable(login, other);
    }
  }
}

/**
 * A lease this login would take over: the session it names is read (one request), and refuses the
 * login while it is live, heard from and on another device, unless the player asked to take over.
 * A live session past its deadline ends as the sweeper would end it (within ±5 minutes of its real end).
 */
async function replaceable(login: Login, held: Lease): Promise<Replaced & { identityLeased: boolean; identityLeaseScope?: string | undefined }> {
  const { deps, account, device, nowMs } = login;
  const sameDevice = held.deviceHash === device && held.accountId === account.accountId;
  const session = await deps.repo.get(held.sessionId);
  const live = session?.state === 'live';
  const silent = !session || nowMs > heartbeatDeadline(session.lastHeartbeatAt, session.intervalSeconds);
  if (live && !silent && !login.takeover && !sameDevice) throw new Problem('session_active_elsewhere');
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
    ...(session?.accountPending ? { accountPending: true } : {}),
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
      return {
        action: 'terminate',
        remainingSeconds: 0,
        endsAt: null,
        nextHeartbeatSeconds: outcome.session.intervalSeconds,
        reason: END_REASON_ANSWER[outcome.session.endReason ?? 'session_expired'],
      };
    case 'repeated':
      noteCalendarCoverage(deps.calendar, outcome.session.lastHeartbeatAt);
      return answerAt(forGame(deps, outcome.session.gameId), outcome.session, outcome.session.lastHeartbeatAt);
    case 'counted': {
      noteCalendarCoverage(deps.calendar, nowMs);
      const answer = answerAt(forGame(deps, outcome.session.gameId), outcome.session, nowMs);
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

export async function endSession(
  deps: Pick<SessionDeps, 'repo' | 'policy' | 'games'>,
  accountId: string,
  sessionId: string,
  nowMs: number,
  reason: EndReason = 'logout',
): Promise<void> {
  const session = await deps.repo.get(sessionId);
  if (!session || session.accountId !== accountId || session.state !== 'live') return;
  noteUnknownGame(deps, session);
  const play = dayPlay(session, nowMs);
  await deps.repo.end(session, reason, nowMs, { nightSeconds: nightPlaySecondsBetween(session.startedAt, nowMs), ...(play ? { play } : {}) });
}

/** Sessions the sweeper ends at once (each is one transaction). */
const SWEEP_PARALLEL = 32;

/**
 * Sweeper: sessions silent for two intervals plus 30 s end as of `silentSessionEnd`, SWEEP_PARALLEL
 * at a time, page after page of candidates (the longest silent first in each shard) until two pages
 * in a row hold none past its deadline, or the run's time is up. A silent minor's entry may sit behind
 * adults not yet due in its shard (adults wait longer); past two pages of them it is ended by a later
 * run, at the latest when they are due — its logout is dated from its own last heartbeat either way.
 */
export async function sweepSessions(
  deps: Pick<SessionDeps, 'repo' | 'policy' | 'games'>,
  nowMs: number,
  outOfTime: () => boolean = () => false,
  perShard?: number,
): Promise<{ ended: number }> {
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
          if (
            await deps.repo.end(s, 'session_expired', endAt, {
              lastHeartbeatAt: s.lastHeartbeatAt,
              nightSeconds: nightPlaySecondsBetween(s.startedAt, endAt),
              ...(play ? { play } : {}),
            })
          )
            ended += 1;
        }
      }),
    );
    idle = due.length === 0 ? idle + 1 : 0;
    if (idle === 2 || outOfTime()) break;
  }
  if (ended) metric('SessionsSwept', ended);
  return { ended };
}
