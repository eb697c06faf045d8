/**
 * What each capability needs, built once per container (cold start) from settings and secrets.
 * Handlers and jobs ask for these; nothing else constructs clients.
 */
import { clock } from '#shared/clock';
import { secrets } from '#shared/secrets';
import { settings } from '#shared/settings';
import { documentClient } from '#shared/storage/dynamo';
import { IdentityRepository } from '#shared/identity/repository';
import type { IdentityDeps } from '#shared/identity/service';
import { NppaClient } from '#shared/nppa/client';
import { createCalendar, parseCalendarOverride } from '#shared/domain/calendar';
import { playPolicyFromSettings } from '#shared/domain/playPolicy';
import { assertNotLooserThanLaw, DEFAULT_SPENDING_POLICY, parseSpendingPolicy } from '#shared/domain/spendingPolicy';
import { SessionRepository } from '#shared/sessions/repository';
import type { SessionDeps } from '#shared/sessions/service';
import { SpendingRepository } from '#shared/spending/repository';
import type { SpendingDeps } from '#shared/spending/service';
import { RateGate } from '#shared/reporting/rateGate';
import { parseRiskPolicy } from '#shared/domain/riskRules';
import { RiskRepository } from '#shared/risk/repository';
import type { ChallengeDeps, RiskDeps } from '#shared/risk/service';
import type { ReporterDeps } from '#shared/reporting/reporter';

const once = <T>(make: () => Promise<T>): (() => Promise<T>) => {
  let value: Promise<T> | undefined;
  return () =>
    (value ??= make().catch((error: unknown) => {
      value = undefined;
      throw error;
    }));
};

/** NPPA.md per-game limits: check 100 QPS, query 300 QPS, loginout 10 QPS. */
export const NPPA_LIMITS = { check: 100, query: 300, loginout: 10 } as const;

async function makeNppaClient(limiter?: NonNullable<ConstructorParameters<typeof NppaClient>[0]['limiter']>): Promise<NppaClient> {
  const s = settings();
  const sec = await secrets();
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

/**
 * The request path's client (identity submit): no limiter round trip (its budget is 2 DynamoDB
 * requests); past 100 QPS the national system answers 1006 and the submission is accepted as
 * pending and re-checked by the poller, whose client below waits its turn at a shared gate.
 */
export const nppaClient = once(() => makeNppaClient());

export const pollerNppaClient = once(async () => {
  const table = settings().TABLE_NAME;
  const gates = {
    check: new RateGate(documentClient(), table, 'nppa-check', NPPA_LIMITS.check, clock.now),
    query: new RateGate(documentClient(), table, 'nppa-query', NPPA_LIMITS.query, clock.now),
    loginout: new RateGate(documentClient(), table, 'nppa-loginout', NPPA_LIMITS.loginout, clock.now),
  };
  return makeNppaClient({ acquire: async (endpoint) => void (await gates[endpoint].acquire()) });
});

export const pollerDeps = once(async (): Promise<IdentityDeps> => ({ ...(await identityDeps()), nppa: await pollerNppaClient() }));

export const identityRepository = once(async () => new IdentityRepository(documentClient(), settings().TABLE_NAME));

export const identityDeps = once(async (): Promise<IdentityDeps> => ({
  repo: await identityRepository(),
  nppa: await nppaClient(),
  pepper: (await secrets()).pepper,
}));

export const sessionDeps = once(async (): Promise<SessionDeps> => {
  const s = settings();
  return {
    repo: new SessionRepository(documentClient(), s.TABLE_NAME),
    policy: playPolicyFromSettings(s.PLAY_POLICY),
    calendar: createCalendar(s.CALENDAR_OVERRIDE ? parseCalendarOverride(JSON.parse(s.CALENDAR_OVERRIDE)) : undefined),
    pepper: (await secrets()).pepper,
    risk: await riskDeps(),
  };
});

export const riskDeps = once(async (): Promise<RiskDeps> => {
  const s = settings();
  return { repo: new RiskRepository(documentClient(), s.TABLE_NAME), policy: parseRiskPolicy(s.RISK_POLICY ? JSON.parse(s.RISK_POLICY) : {}) };
});

export const challengeDeps = once(async (): Promise<ChallengeDeps> => ({
  ...(await riskDeps()),
  sessions: (await sessionDeps()).repo,
  accounts: await identityRepository(),
}));

export const spendingDeps = once(async (): Promise<SpendingDeps> => {
  const s = settings();
  const policy = s.SPENDING_POLICY ? parseSpendingPolicy(JSON.parse(s.SPENDING_POLICY)) : DEFAULT_SPENDING_POLICY;
  assertNotLooserThanLaw(policy);
  return {
    repo: new SpendingRepository(documentClient(), s.TABLE_NAME),
    accounts: await identityRepository(),
    policy,
    reservationTtlSeconds: s.RESERVATION_TTL_SECONDS,
    risk: await riskDeps(),
  };
});

export const reporterDeps = once(async (): Promise<ReporterDeps> => {
  const table = settings().TABLE_NAME;
  return {
    db: documentClient(),
    table,
    nppa: await nppaClient(),
    gate: new RateGate(documentClient(), table, 'nppa-loginout', NPPA_LIMITS.loginout, clock.now),
    now: clock.now,
  };
});
