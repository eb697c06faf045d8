/**
 * What each capability needs, built once per container (cold start) from settings and secrets.
 * Handlers and jobs ask for these; nothing else constructs clients. Policies come parsed from
 * `settings()`; the NPPA clients follow the secret document, so a rotated key is used as soon as
 * `secrets()` re-reads it.
 */
import { clock } from '#shared/clock';
import { secrets, type Secrets } from '#shared/secrets';
import { settings, type Game } from '#shared/settings';
import { documentClient } from '#shared/storage/dynamo';
import { IdentityRepository } from '#shared/identity/repository';
import type { IdentityDeps } from '#shared/identity/service';
import { NppaClient, type NppaLimiter } from '#shared/nppa/client';
import { RATE_LIMITS } from '#shared/nppa/protocol';
import { createCalendar } from '#shared/domain/calendar';
import { SessionRepository } from '#shared/sessions/repository';
import type { SessionDeps } from '#shared/sessions/service';
import { SpendingRepository } from '#shared/spending/repository';
import type { SpendingDeps } from '#shared/spending/service';
import { RateGate } from '#shared/reporting/rateGate';
import { RiskRepository } from '#shared/risk/repository';
import type { RiskDeps } from '#shared/risk/service';
import type { ChallengeDeps } from '#shared/usecases/challenges';
import { AccountRepository } from '#shared/accounts/repository';
import { OutboxRepository } from '#shared/reporting/outbox';
import { DrainerLease } from '#shared/reporting/drainerLease';
import { AccessLogRepository } from '#shared/oversight/repository';
import type { PersonAccountsDeps } from '#shared/usecases/personAccounts';
import type { PrivacyDeps } from '#shared/usecases/privacy';
import type { OversightDeps } from '#shared/usecases/oversight';
import type { CorrectionDeps } from '#shared/usecases/correction';
import { GuardianRepository } from '#shared/guardians/repository';
import { guardianPrivacy, type GuardianDeps, type GuardianStore } from '#shared/usecases/guardians';
import { NotificationOutbox } from '#shared/notifications/outbox';
import type { SenderDeps } from '#shared/notifications/sender';
import type { OperationsDeps } from '#shared/usecases/operations';
import { StatsRepository } from '#shared/stats/repository';
import type { StatsDeps } from '#shared/stats/service';

// Parsed as the function starts: a bad setting fails the cold start (Lambda's init), never a request.
settings();

// The factories below are marked pure: building one does no work until it is called, so a bundle
// keeps only those its function uses — a function that never reads the secret (shared/api/functions.ts)
// carries no Secrets Manager client, and one that never decides play time no holiday table.
const once = <T>(make: () => Promise<T>): (() => Promise<T>) => {
  let value: Promise<T> | undefined;
  return () =>
    (value ??= make().catch((error: unknown) => {
      value = undefined;
      throw error;
    }));
};

/** A value derived from the secret document, made again when the document changes. */
const perSecrets = <T>(make: (sec: Secrets) => T): (() => Promise<T>) => {
  let made: { from: Secrets; value: T } | undefined;
  return async () => {
    const sec = await secrets();
    if (made?.from !== sec) made = { from: sec, value: make(sec) };
    return made.value;
  };
};

/**
 * A client signing with one game's bizId (the implicit single game uses the secret's). Identity
 * checks go out under the first configured game's.
 */
function makeNppaClient(sec: Secrets, game: Game, limiter?: NppaLimiter): NppaClient {
  const s = settings();
  return new NppaClient({
    ...(limiter ? { limiter } : {}),
    checkUrl: s.NPPA_CHECK_URL,
    queryUrl: s.NPPA_QUERY_URL,
    loginoutUrl: s.NPPA_LOGINOUT_URL,
    appId: sec.nppaAppId,
    bizId: game.bizId ?? sec.nppaBizId,
    secretKeys: sec.nppaPreviousSecretKey ? [sec.nppaSecretKey, sec.nppaPreviousSecretKey] : [sec.nppaSecretKey],
    now: clock.now,
  });
}

const firstGame = (): Game => settings().GAMES[0]!;

/**
 * The per-second gates every running copy shares: the national system's limits are per game, so
 * each game has its own (named by game; the identity endpoints go out under the first game).
 */
// Real time, not the gateway's clock: the national system counts calls in real seconds.
const gate = (name: string, perSecond: number) => new RateGate(documentClient(), settings().TABLE_NAME, name, perSecond, Date.now);
const checkGates = /* @__PURE__ */ once(async () => ({ check: gate('nppa-check', RATE_LIMITS.check), query: gate('nppa-query', RATE_LIMITS.query), loginout: gate('nppa-loginout', RATE_LIMITS.loginout) }));
const loginoutGate = (gameId: string) => gate(gameId === firstGame().gameId ? 'nppa-loginout' : `nppa-loginout#${gameId}`, RATE_LIMITS.loginout);

/**
 * The request path's client (identity submit): no limiter round trip (its budget is 2 DynamoDB
 * requests); past 100 QPS the national system answers 1006 and the submission is accepted as
 * pending and re-checked by the poller, whose client below waits its turn at a shared gate.
 */
export const nppaClient = /* @__PURE__ */ perSecrets((sec) => makeNppaClient(sec, firstGame()));

const pollerNppaClient = /* @__PURE__ */ perSecrets((sec) =>
  makeNppaClient(sec, firstGame(), { acquire: async (endpoint) => void (await (await checkGates())[endpoint].acquire()) }),
);

/** Each game's reporting: its client and its loginout gate. */
const gameReporting = /* @__PURE__ */ perSecrets((sec) => settings().GAMES.map((game) => ({ gameId: game.gameId, nppa: makeNppaClient(sec, game), gate: loginoutGate(game.gameId) })));

const identityRepository = /* @__PURE__ */ once(async () => new IdentityRepository(documentClient(), settings().TABLE_NAME));
const accountRepository = /* @__PURE__ */ once(async () => new AccountRepository(documentClient(), settings().TABLE_NAME));

/**
 * The request path's checks take their slot of the national system's 100 a second from the same
 * shared gate the poller waits at, without waiting: over the rate, a submission is pending and the
 * poller checks it (docs/nppa.md: exceeding the rate locks the caller out for a minute).
 */
export const identityDeps = async (): Promise<IdentityDeps> => ({
  repo: await identityRepository(),
  accounts: await accountRepository(),
  nppa: await nppaClient(),
  pepper: (await secrets()).pepper,
  checkPace: (await checkGates()).check,
  notifications: await notifications(),
});

export const pollerDeps = async (): Promise<IdentityDeps> => ({ ...(await identityDeps()), nppa: await pollerNppaClient() });

const calendar = /* @__PURE__ */ once(async () => createCalendar(settings().CALENDAR_OVERRIDE));

/**
 * The webhook outbox when webhooks are on (WEBHOOK_URL set), else null: then no event is queued at
 * all. Transactions that cause a notification add `eventPart(…)` when this is not null.
 */
export const notifications = /* @__PURE__ */ once(async (): Promise<NotificationOutbox | null> => {
  const s = settings();
  return s.WEBHOOK_URL ? new NotificationOutbox(documentClient(), s.TABLE_NAME) : null;
});

export const riskDeps = /* @__PURE__ */ once(async (): Promise<RiskDeps> => {
  const s = settings();
  return { repo: new RiskRepository(documentClient(), s.TABLE_NAME), policy: s.RISK_POLICY, notifications: await notifications() };
});

export const sessionDeps = async (): Promise<SessionDeps> => {
  const s = settings();
  return {
    repo: await sessionRepository(),
    accounts: await accountRepository(),
    policy: s.PLAY_POLICY,
    games: s.GAMES,
    calendar: await calendar(),
    pepper: (await secrets()).pepper,
    risk: await riskDeps(),
    notifications: await notifications(),
  };
};

/** The session sweeper needs no secret: it ends sessions by their stored facts. */
export const sessionSweeperDeps = async (): Promise<Pick<SessionDeps, 'repo' | 'policy' | 'games'>> => ({ repo: await sessionRepository(), policy: settings().PLAY_POLICY, games: settings().GAMES });

const sessionRepository = /* @__PURE__ */ once(async () => new SessionRepository(documentClient(), settings().TABLE_NAME));

export const challengeDeps = async (): Promise<ChallengeDeps> => ({
  ...(await riskDeps()),
  sessions: await sessionRepository(),
  accounts: await accountRepository(),
});

export const spendingDeps = /* @__PURE__ */ once(async (): Promise<SpendingDeps> => {
  const s = settings();
  return {
    repo: new SpendingRepository(documentClient(), s.TABLE_NAME),
    accounts: await accountRepository(),
    policy: s.SPENDING_POLICY,
    reservationTtlSeconds: s.RESERVATION_TTL_SECONDS,
    risk: await riskDeps(),
    guardians: await guardianRepository(),
    notifications: await notifications(),
  };
});

const guardianRepository = /* @__PURE__ */ once(async () => new GuardianRepository(documentClient(), settings().TABLE_NAME));

/** Guardians without the secret: links, controls and their copies (export and erasure use it). */
const guardianStore = async (): Promise<GuardianStore> => ({
  guardians: await guardianRepository(),
  accounts: await accountRepository(),
  identities: await identityRepository(),
  sessions: await sessionRepository(),
  spending: await spendingRepository(),
  notifications: await notifications(),
});

/** Guardians: the pepper finds a ward by ID number and makes the guardian's opaque ward ids. */
export const guardianDeps = async (): Promise<GuardianDeps> => ({ ...(await guardianStore()), pepper: (await secrets()).pepper });

/**
 * The webhook sender: the outbox, the endpoint and the secret (read even while webhooks are off,
 * so a missing grant shows before the first event does).
 */
export const webhookSenderDeps = async (): Promise<SenderDeps> => {
  const s = settings();
  const secret = (await secrets()).webhookSecret;
  return { outbox: new NotificationOutbox(documentClient(), s.TABLE_NAME), url: s.WEBHOOK_URL, secret, now: clock.now };
};

export const reporterDeps = async () => {
  const table = settings().TABLE_NAME;
  return {
    outbox: new OutboxRepository(documentClient(), table),
    identities: await identityRepository(),
    games: await gameReporting(),
    lease: new DrainerLease(documentClient(), table, 'nppaReporter'),
    now: clock.now,
  };
};

const spendingRepository = /* @__PURE__ */ once(async () => new SpendingRepository(documentClient(), settings().TABLE_NAME));

/** Export and erasure: every capability's repository; no secret (hashes are read, never computed). */
export const privacyDeps = async (): Promise<PrivacyDeps> => {
  const table = settings().TABLE_NAME;
  return {
    accounts: await accountRepository(),
    identities: await identityRepository(),
    sessions: await sessionSweeperDeps(),
    spending: await spendingRepository(),
    risk: (await riskDeps()).repo,
    outbox: new OutboxRepository(documentClient(), table),
    guardians: guardianPrivacy(await guardianStore()),
    guardianAttempts: await guardianRepository(),
    stats: await statsRepository(),
  };
};

/** The person's accounts (GET/DELETE /v1/me/accounts): no secret; ending a live session needs the sessions' policy. */
export const personAccountsDeps = async (): Promise<PersonAccountsDeps> => ({
  accounts: await accountRepository(),
  identities: await identityRepository(),
  risk: (await riskDeps()).repo,
  sessions: await sessionSweeperDeps(),
});

export const oversightDeps = async (): Promise<OversightDeps> => ({
  ...(await privacyDeps()),
  accessLog: new AccessLogRepository(documentClient(), settings().TABLE_NAME),
});

/** A player's identity correction: the national system and the pepper (the identity function). */
export const correctionDeps = async (): Promise<CorrectionDeps> => ({ identity: await identityDeps(), sessions: await sessionSweeperDeps() });

/** An operator's decision on a correction: the stored facts only (no secret), logged first. */
export const operatorCorrectionDeps = async (): Promise<CorrectionDeps & { accessLog: AccessLogRepository }> => ({
  identity: { repo: await identityRepository(), accounts: await accountRepository() },
  sessions: await sessionSweeperDeps(),
  accessLog: new AccessLogRepository(documentClient(), settings().TABLE_NAME),
});

const statsRepository = /* @__PURE__ */ once(async () => new StatsRepository(documentClient(), settings().TABLE_NAME));

/** The stats aggregator: the figures' repository and what the figures need to know (policies, calendar). */
export const statsDeps = async (): Promise<StatsDeps> => {
  const s = settings();
  const cal = await calendar();
  return {
    repo: await statsRepository(),
    context: { policyFor: (gameId) => s.GAMES.find((g) => g.gameId === gameId)?.playPolicy ?? s.PLAY_POLICY, calendar: cal, firstGame: firstGame().gameId },
    now: clock.now,
  };
};

/** Operators' figures, report, dead letters and calendar coverage: no secret, no personal data. */
export const operationsDeps = async (): Promise<OperationsDeps> => ({
  stats: await statsRepository(),
  outbox: new OutboxRepository(documentClient(), settings().TABLE_NAME),
  calendar: await calendar(),
  games: settings().GAMES,
});
