/**
 * What each capability needs, built once per container (cold start) from settings and secrets.
 * Handlers and jobs ask for these; nothing else constructs clients. Policies come parsed from
 * `settings()`; the NPPA clients follow the secret document, so a rotated key is used as soon as
 * `secrets()` re-reads it.
 */
import { clock } from '#shared/clock';
import { secrets, type Secrets } from '#shared/secrets';
import { settings } from '#shared/settings';
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

// Parsed as the function starts: a bad setting fails the cold start (Lambda's init), never a request.
settings();

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

function makeNppaClient(sec: Secrets, limiter?: NppaLimiter): NppaClient {
  const s = settings();
  return new NppaClient({
    ...(limiter ? { limiter } : {}),
    checkUrl: s.NPPA_CHECK_URL,
    queryUrl: s.NPPA_QUERY_URL,
    loginoutUrl: s.NPPA_LOGINOUT_URL,
    appId: sec.nppaAppId,
    bizId: sec.nppaBizId,
    secretKeys: sec.nppaPreviousSecretKey ? [sec.nppaSecretKey, sec.nppaPreviousSecretKey] : [sec.nppaSecretKey],
    now: clock.now,
  });
}

/** The per-second gates every running copy shares (the national system's per-game limits). */
const rateGates = once(async () => {
  const table = settings().TABLE_NAME;
  return {
    check: new RateGate(documentClient(), table, 'nppa-check', RATE_LIMITS.check, clock.now),
    query: new RateGate(documentClient(), table, 'nppa-query', RATE_LIMITS.query, clock.now),
    loginout: new RateGate(documentClient(), table, 'nppa-loginout', RATE_LIMITS.loginout, clock.now),
  };
});

/**
 * The request path's client (identity submit): no limiter round trip (its budget is 2 DynamoDB
 * requests); past 100 QPS the national system answers 1006 and the submission is accepted as
 * pending and re-checked by the poller, whose client below waits its turn at a shared gate.
 */
export const nppaClient = perSecrets((sec) => makeNppaClient(sec));

const pollerNppaClient = perSecrets((sec) =>
  makeNppaClient(sec, { acquire: async (endpoint) => void (await (await rateGates())[endpoint].acquire()) }),
);

const identityRepository = once(async () => new IdentityRepository(documentClient(), settings().TABLE_NAME));
const accountRepository = once(async () => new AccountRepository(documentClient(), settings().TABLE_NAME));

export const identityDeps = async (): Promise<IdentityDeps> => ({
  repo: await identityRepository(),
  accounts: await accountRepository(),
  nppa: await nppaClient(),
  pepper: (await secrets()).pepper,
});

export const pollerDeps = async (): Promise<IdentityDeps> => ({ ...(await identityDeps()), nppa: await pollerNppaClient() });

const calendar = once(async () => createCalendar(settings().CALENDAR_OVERRIDE));

export const riskDeps = once(async (): Promise<RiskDeps> => {
  const s = settings();
  return { repo: new RiskRepository(documentClient(), s.TABLE_NAME), policy: s.RISK_POLICY };
});

export const sessionDeps = async (): Promise<SessionDeps> => {
  const s = settings();
  return {
    repo: await sessionRepository(),
    accounts: await accountRepository(),
    policy: s.PLAY_POLICY,
    calendar: await calendar(),
    pepper: (await secrets()).pepper,
    risk: await riskDeps(),
  };
};

/** The session sweeper needs no secret: it ends sessions by their stored facts. */
export const sessionSweeperDeps = async (): Promise<Pick<SessionDeps, 'repo' | 'policy'>> => ({ repo: await sessionRepository(), policy: settings().PLAY_POLICY });

const sessionRepository = once(async () => new SessionRepository(documentClient(), settings().TABLE_NAME));

export const challengeDeps = async (): Promise<ChallengeDeps> => ({
  ...(await riskDeps()),
  sessions: await sessionRepository(),
  accounts: await accountRepository(),
});

export const spendingDeps = once(async (): Promise<SpendingDeps> => {
  const s = settings();
  return {
    repo: new SpendingRepository(documentClient(), s.TABLE_NAME),
    accounts: await accountRepository(),
    policy: s.SPENDING_POLICY,
    reservationTtlSeconds: s.RESERVATION_TTL_SECONDS,
    risk: await riskDeps(),
  };
});

export const reporterDeps = async () => {
  const table = settings().TABLE_NAME;
  return {
    outbox: new OutboxRepository(documentClient(), table),
    identities: await identityRepository(),
    nppa: await nppaClient(),
    gate: (await rateGates()).loginout,
    lease: new DrainerLease(documentClient(), table, 'nppaReporter'),
    now: clock.now,
  };
};
