/**
 * What each capability needs, built once per container (cold start) from settings and secrets.
 * Handlers and jobs ask for these; nothing else constructs clients or repositories. Policies come
 * parsed from `settings()`; the NPPA clients follow the secret document, so a rotated key is used as
 * soon as `secrets()` re-reads it.
 *
 * In order: the clients, the table's repositories (each built once, given the owners it composes
 * transactions with), then what each capability's service and each use case is given.
 */
import { clock } from '#shared/clock';
import { secrets, type Secrets } from '#shared/secrets';
import { settings, type Game } from '#shared/settings';
import { createCalendar } from '#shared/domain/calendar';
import { documentClient } from '#shared/storage/dynamo';
import { NppaClient, type NppaLimiter, type NppaPace } from '#shared/nppa/client';
import { RATE_LIMITS } from '#shared/nppa/protocol';
import { AccountRepository } from '#shared/accounts/repository';
import { OutboxRepository } from '#shared/reporting/outbox';
import { IdentityRepository } from '#shared/identity/repository';
import { SessionRepository } from '#shared/sessions/repository';
import { SpendingRepository } from '#shared/spending/repository';
import { RiskRepository } from '#shared/risk/repository';
import { GuardianRepository } from '#shared/guardians/repository';
import { NotificationOutbox } from '#shared/notifications/outbox';
import { AccessLogRepository } from '#shared/oversight/repository';
import { StatsRepository } from '#shared/stats/repository';
import { RegisterRepository } from '#shared/complaints/repository';
import { RateGate } from '#shared/reporting/rateGate';
import { DrainerLease } from '#shared/reporting/drainerLease';
import type { IdentityDeps } from '#shared/identity/service';
import type { SessionDeps } from '#shared/sessions/service';
import type { SpendingDeps } from '#shared/spending/service';
import type { RiskDeps } from '#shared/risk/service';
import type { GuardianDeps, GuardianStore } from '#shared/guardians/service';
import type { SenderDeps } from '#shared/notifications/sender';
import type { ReporterDeps } from '#shared/reporting/reporter';
import type { StatsDeps } from '#shared/stats/service';
import type { ComplaintDeps } from '#shared/complaints/service';
import type { ConsentPolicy } from '#shared/domain/consent';
import type { ChallengeDeps } from '#shared/usecases/challenges';
import type { CorrectionDeps } from '#shared/usecases/correction';
import type { OperatorComplaintDeps } from '#shared/usecases/complaints';
import type { RefundDeps } from '#shared/usecases/refunds';
import type { OperatorReportsDeps } from '#shared/usecases/operatorReports';
import type { OversightDeps } from '#shared/usecases/oversight';
import type { PersonAccountsDeps } from '#shared/usecases/personAccounts';
import type { PrivacyDeps } from '#shared/usecases/privacy';
import type { WardActivityDeps } from '#shared/usecases/wardRecords';

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

const table = (): string => settings().TABLE_NAME;
const firstGame = (): Game => settings().GAMES[0]!;
const calendar = /* @__PURE__ */ once(async () => createCalendar(settings().CALENDAR_OVERRIDE));

// ---------------------------------------------------------------------------------------------
// The national system: a client per game's bizId, and the per-second gates every running copy shares

/**
 * A client signing with one game's bizId (the implicit single game uses the secret's). Identity
 * checks go out under the first configured game's.
 */
function makeNppaClient(sec: Secrets, game: Game, limiter?: NppaLimiter, checkPace?: NppaPace): NppaClient {
  const s = settings();
  return new NppaClient({
    ...(limiter ? { limiter } : {}),
    ...(checkPace ? { checkPace } : {}),
    checkUrl: s.NPPA_CHECK_URL,
    queryUrl: s.NPPA_QUERY_URL,
    loginoutUrl: s.NPPA_LOGINOUT_URL,
    appId: sec.nppaAppId,
    bizId: game.bizId ?? sec.nppaBizId,
    secretKeys: sec.nppaPreviousSecretKey ? [sec.nppaSecretKey, sec.nppaPreviousSecretKey] : [sec.nppaSecretKey],
    now: clock.now,
  });
}

/**
 * The per-second gates every running copy shares: the national system's limits are per game, so
 * each game has its own (named by game; the identity endpoints go out under the first game).
 */
// Real time, not the gateway's clock: the national system counts calls in real seconds.
/**
 * The check gate grants half the national system's 100 a second. A check granted in one second may
 * reach the national system in the next (a slow hop, a reconnect, a busy host), beside that second's
 * own: each second's grants plus the late ones of the second before stay within the limit as long as
 * a check arrives within a second of its grant, so no burst of submissions causes a 1006 and its
 * minute of lockout. The request path and the poller take from the same gate.
 */
export const CHECKS_PER_SECOND = RATE_LIMITS.check / 2;
const gate = (name: string, perSecond: number) => new RateGate(documentClient(), table(), name, perSecond, Date.now);
const checkGates = /* @__PURE__ */ once(async () => ({
  check: gate('nppa-check', CHECKS_PER_SECOND),
  query: gate('nppa-query', RATE_LIMITS.query),
  loginout: gate('nppa-loginout', RATE_LIMITS.loginout),
}));
const loginoutGate = (gameId: string) => gate(gameId === firstGame().gameId ? 'nppa-loginout' : `nppa-loginout#${gameId}`, RATE_LIMITS.loginout);

/**
 * The request path's client (identity submit): each check takes its slot of the second from the
 * shared check gate right before it is sent, without waiting; none left, the submission is accepted
 * as pending and the poller, whose client below waits its turn at the same gate, checks it.
 */
const nppaClient = /* @__PURE__ */ perSecrets(async (sec) => makeNppaClient(sec, firstGame(), undefined, (await checkGates()).check));

const pollerNppaClient = /* @__PURE__ */ perSecrets((sec) =>
  makeNppaClient(sec, firstGame(), { acquire: async (endpoint) => void (await (await checkGates())[endpoint].acquire()) }),
);

/** Each game's reporting: its client and its loginout gate. */
const gameReporting = /* @__PURE__ */ perSecrets((sec) =>
  settings().GAMES.map((game) => ({ gameId: game.gameId, nppa: makeNppaClient(sec, game), gate: loginoutGate(game.gameId) })),
);

// ---------------------------------------------------------------------------------------------
// The table's repositories, each built once

const accountRepository = /* @__PURE__ */ once(async () => new AccountRepository(documentClient(), table()));
const outboxRepository = /* @__PURE__ */ once(async () => new OutboxRepository(documentClient(), table()));
const identityRepository = /* @__PURE__ */ once(
  async () => new IdentityRepository(documentClient(), table(), { accounts: await accountRepository() }, settings().RISK_POLICY.maxAccountsPerIdentity),
);
const sessionRepository = /* @__PURE__ */ once(
  async () => new SessionRepository(documentClient(), table(), { accounts: await accountRepository(), outbox: await outboxRepository() }),
);
const spendingRepository = /* @__PURE__ */ once(async () => new SpendingRepository(documentClient(), table()));
const riskRepository = /* @__PURE__ */ once(async () => new RiskRepository(documentClient(), table(), { accounts: await accountRepository() }));
const guardianRepository = /* @__PURE__ */ once(async () => new GuardianRepository(documentClient(), table()));
const notificationOutbox = /* @__PURE__ */ once(async () => new NotificationOutbox(documentClient(), table()));
const accessLogRepository = /* @__PURE__ */ once(async () => new AccessLogRepository(documentClient(), table()));
const statsRepository = /* @__PURE__ */ once(async () => new StatsRepository(documentClient(), table()));
const registerRepository = /* @__PURE__ */ once(async () => new RegisterRepository(documentClient(), table()));

/**
 * The webhook outbox when webhooks are on (WEBHOOK_URL set), else null: then no event is queued at
 * all. Transactions that cause a notification add `eventPart(…)` when this is not null.
 */
const notifications = /* @__PURE__ */ once(async (): Promise<NotificationOutbox | null> => (settings().WEBHOOK_URL ? notificationOutbox() : null));

// ---------------------------------------------------------------------------------------------
// The capabilities

/** Under-14 consent: who records it and the privacy policy version it names (shared/domain/consent.ts). */
export const consentPolicy = (): ConsentPolicy => ({ mode: settings().CONSENT, policyVersion: settings().PRIVACY_POLICY_VERSION });

/** The requests register: complaints and requests, due COMPLAINT_DAYS after they were received. */
export const complaintDeps = async (): Promise<ComplaintDeps> => ({
  repo: await registerRepository(),
  complaintDays: settings().COMPLAINT_DAYS,
  games: settings().GAMES,
});

/** Identity submission; its client paces its checks (nppaClient above). */
export const identityDeps = async (): Promise<IdentityDeps> => ({
  repo: await identityRepository(),
  accounts: await accountRepository(),
  nppa: await nppaClient(),
  pepper: (await secrets()).pepper,
  notifications: await notifications(),
  consent: consentPolicy(),
});

/** The pending-identity poller: the identity capability with the client that waits its turn at the shared gates. */
export const pollerDeps = async (): Promise<IdentityDeps> => ({ ...(await identityDeps()), nppa: await pollerNppaClient() });

export const riskDeps = /* @__PURE__ */ once(
  async (): Promise<RiskDeps> => ({ repo: await riskRepository(), policy: settings().RISK_POLICY, notifications: await notifications() }),
);

export const sessionDeps = async (): Promise<SessionDeps> => ({
  repo: await sessionRepository(),
  accounts: await accountRepository(),
  policy: settings().PLAY_POLICY,
  games: settings().GAMES,
  calendar: await calendar(),
  pepper: (await secrets()).pepper,
  risk: await riskDeps(),
  notifications: await notifications(),
  consent: consentPolicy(),
});

/**
 * Ending sessions by their stored facts — the sweeper, and the use cases that end a player's live
 * sessions (erasure, correction, unbinding): no secret, no calendar.
 */
export const sessionEndDeps = async (): Promise<Pick<SessionDeps, 'repo' | 'policy' | 'games'>> => ({
  repo: await sessionRepository(),
  policy: settings().PLAY_POLICY,
  games: settings().GAMES,
});

export const spendingDeps = /* @__PURE__ */ once(
  async (): Promise<SpendingDeps> => ({
    repo: await spendingRepository(),
    accounts: await accountRepository(),
    policy: settings().SPENDING_POLICY,
    reservationTtlSeconds: settings().RESERVATION_TTL_SECONDS,
    risk: await riskDeps(),
    guardians: await guardianRepository(),
    notifications: await notifications(),
    consent: consentPolicy(),
  }),
);

/** Guardians without the secret: links, controls and their copies (the export and the erasure use it). */
const guardianStore = async (): Promise<GuardianStore> => ({
  repo: await guardianRepository(),
  accounts: await accountRepository(),
  identities: await identityRepository(),
  sessions: await sessionRepository(),
  notifications: await notifications(),
});

/** Guardians: the pepper finds a ward by ID number and makes the guardian's opaque ward ids. */
export const guardianDeps = async (): Promise<GuardianDeps> => ({ ...(await guardianStore()), pepper: (await secrets()).pepper });

/**
 * The webhook sender: the outbox, the endpoint and the secret (read even while webhooks are off,
 * so a missing grant shows before the first event does).
 */
export const webhookSenderDeps = async (): Promise<SenderDeps> => ({
  outbox: await notificationOutbox(),
  url: settings().WEBHOOK_URL,
  secret: (await secrets()).webhookSecret,
  now: clock.now,
});

/** The NPPA reporter: the outbox, each game's client and gate, and the lease that lets one copy drain at a time. */
export const reporterDeps = async (): Promise<ReporterDeps & { lease: DrainerLease }> => ({
  outbox: await outboxRepository(),
  identities: await identityRepository(),
  accounts: await accountRepository(),
  games: await gameReporting(),
  lease: new DrainerLease(documentClient(), table(), 'nppaReporter'),
  now: clock.now,
});

/** The stats aggregator: the figures' repository and what the figures need to know (policies, calendar). */
export const statsDeps = async (): Promise<StatsDeps> => {
  const s = settings();
  return {
    repo: await statsRepository(),
    context: {
      policyFor: (gameId) => s.GAMES.find((g) => g.gameId === gameId)?.playPolicy ?? s.PLAY_POLICY,
      calendar: await calendar(),
      firstGame: firstGame().gameId,
    },
    now: clock.now,
  };
};

// ---------------------------------------------------------------------------------------------
// The use cases across capabilities

export const challengeDeps = async (): Promise<ChallengeDeps> => ({
  ...(await riskDeps()),
  sessions: await sessionRepository(),
  accounts: await accountRepository(),
});

/** Export and erasure: every capability's repository; no secret (hashes are read, never computed). */
export const privacyDeps = async (): Promise<PrivacyDeps> => ({
  accounts: await accountRepository(),
  identities: await identityRepository(),
  sessions: await sessionEndDeps(),
  spending: await spendingRepository(),
  risk: await riskRepository(),
  outbox: await outboxRepository(),
  guardians: await guardianStore(),
  stats: await statsRepository(),
  complaints: await complaintDeps(),
  consent: consentPolicy(),
});

/** A guardian's reading of a ward's sessions and payments. */
export const wardActivityDeps = async (): Promise<WardActivityDeps> => ({
  guardians: await guardianStore(),
  sessions: await sessionRepository(),
  spending: await spendingRepository(),
});

/** The person's accounts (GET/DELETE /v1/me/accounts): no secret; ending a live session needs the sessions' policy. */
export const personAccountsDeps = async (): Promise<PersonAccountsDeps> => ({
  accounts: await accountRepository(),
  identities: await identityRepository(),
  risk: await riskRepository(),
  sessions: await sessionEndDeps(),
});

/** A player's identity correction: the national system and the pepper (the identity function). */
export const correctionDeps = async (): Promise<CorrectionDeps> => ({
  identity: await identityDeps(),
  sessions: await sessionEndDeps(),
  complaints: await complaintDeps(),
});

/** Operators' logged reads of an account and of the access log. */
export const oversightDeps = async (): Promise<OversightDeps> => ({
  accounts: await accountRepository(),
  sessions: await sessionEndDeps(),
  spending: await spendingRepository(),
  risk: await riskRepository(),
  accessLog: await accessLogRepository(),
});

/** An operator's decision on a correction: the stored facts only (no secret), logged first. */
export const operatorCorrectionDeps = async (): Promise<CorrectionDeps & { accessLog: AccessLogRepository }> => ({
  identity: { repo: await identityRepository(), accounts: await accountRepository() },
  sessions: await sessionEndDeps(),
  accessLog: await accessLogRepository(),
  complaints: await complaintDeps(),
});

/** Operators' list and answers of complaints, and refund requests' evidence and decisions: logged first. */
export const operatorComplaintDeps = async (): Promise<OperatorComplaintDeps> => ({
  register: await registerRepository(),
  accessLog: await accessLogRepository(),
  notifications: await notifications(),
});

/** A guardian's refund request: the ward (no secret: a confirmed link's ward id), its order, the register. */
export const refundDeps = async (): Promise<RefundDeps> => ({
  guardians: await guardianStore(),
  spending: await spendingRepository(),
  complaints: await complaintDeps(),
});

/** A guardian's consent for a ward under 14: the links and their copies, and the policy in force. */
export const wardConsentDeps = async (): Promise<{ guardians: GuardianStore; policy: ConsentPolicy }> => ({
  guardians: await guardianStore(),
  policy: consentPolicy(),
});

/** Operators' figures, report, dead letters and calendar coverage: no secret, no personal data. */
export const operatorReportsDeps = async (): Promise<OperatorReportsDeps> => ({
  stats: await statsRepository(),
  outbox: await outboxRepository(),
  calendar: await calendar(),
  games: settings().GAMES,
});
