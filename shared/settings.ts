/**
 * Every setting and policy of the gateway, as one zod schema over environment variables. The same
 * schema is used three times: at synth (infra/context.ts builds the functions' environment from cdk
 * context and parses it here), at `npm start` (the local runner parses its environment before it
 * listens), and at a function's cold start (`settings()`). A bad value fails all three with a
 * message naming the variable and the field inside it; no request ever meets an unparsed policy.
 */
import * as z from '#shared/zod';
import { parseCalendarOverride, type CalendarOverride } from '#shared/domain/calendar';
import { assertWithinPolicy, PRESETS, parsePlayPolicy, type PlayPolicy } from '#shared/domain/playPolicy';
import { parseRiskPolicy, DEFAULT_RISK_POLICY, type RiskPolicy } from '#shared/domain/riskRules';
import { DEFAULT_SPENDING_POLICY, parseSpendingPolicy, type SpendingPolicy } from '#shared/domain/spendingPolicy';
import { MAX_COMPLAINT_DAYS } from '#shared/domain/complaints';

/** The privacy policy version consents name while the publisher sets none (`playguard:privacyPolicyVersion`). */
export const DEFAULT_PRIVACY_POLICY_VERSION = '1';

/** The national system's production addresses (its interface specification, section 2). */
export const NPPA_PRODUCTION_URLS = {
  NPPA_CHECK_URL: 'https://api.wlc.nppa.gov.cn/idcard/authentication/check',
  NPPA_QUERY_URL: 'http://api2.wlc.nppa.gov.cn/idcard/authentication/query',
  NPPA_LOGINOUT_URL: 'http://api2.wlc.nppa.gov.cn/behavior/collection/loginout',
} as const;

/** A JSON document in a string, parsed and checked by the domain's own parser (which names the field). */
const jsonDocument = <T>(parse: (value: unknown) => T) =>
  z.pipe(
    z.string(),
    z.transform((text: string, ctx): T => {
      // zod/mini's transform has no addIssue: the issue is pushed as classic zod's addIssue would.
      const fail = (message: string): T => {
        ctx.issues.push({ code: 'custom', message, input: text });
        return z.NEVER;
      };
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return fail('is not valid JSON');
      }
      try {
        return parse(value);
      } catch (error) {
        return fail((error as Error).message);
      }
    }),
  );

const url = z.url({ protocol: /^https?$/ });

/**
 * A game of the publisher. `bizId` is its registration code with the national system (every login
 * and logout is reported under it); null only for the implicit single game `default`, which uses
 * the bizId in the secret document. `ageRating` is its age-appropriateness label (8, 12 or 16:
 * the industry's 适龄提示 stages, 2024 Regulations on the Online Protection of Minors Art. 47).
 */
export interface Game {
  gameId: string;
  bizId: string | null;
  name: string;
  ageRating: 8 | 12 | 16 | null;
  /** Null: the deployment's play policy. A game's own may only be stricter. */
  playPolicy: PlayPolicy | null;
}

export const DEFAULT_GAME_ID = 'default';
/** Unset GAMES: one game, `default`, reported under the secret's bizId (single-game deployments as before). */
export const DEFAULT_GAMES: readonly Game[] = Object.freeze([
  { gameId: DEFAULT_GAME_ID, bizId: null, name: DEFAULT_GAME_ID, ageRating: null, playPolicy: null },
]);

const GameInput = z.strictObject({
  gameId: z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'gameId: 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit')),
  bizId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,32}$/, 'bizId: the registration code with the national system (1–32 letters, digits, "_" or "-")')),
  name: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  ageRating: z.optional(z.union([z.literal(8), z.literal(12), z.literal(16)])),
  playPolicy: z.optional(z.unknown()),
});

/** Parses the games list (JSON value): unique ids and bizIds, each game's policy parsed and no looser than the law. */
export function parseGames(json: unknown): Game[] {
  const parsed = z.array(GameInput).check(z.minLength(1), z.maxLength(100)).safeParse(json);
  if (!parsed.success)
    throw new Error(`invalid games: ${parsed.error.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ')}`);
  const seen = { ids: new Set<string>(), bizIds: new Set<string>() };
  return parsed.data.map((g, i) => {
    if (seen.ids.has(g.gameId)) throw new Error(`invalid games: ${i}.gameId: "${g.gameId}" appears twice`);
    if (seen.bizIds.has(g.bizId)) throw new Error(`invalid games: ${i}.bizId: two games share one bizId`);
    seen.ids.add(g.gameId);
    seen.bizIds.add(g.bizId);
    let playPolicy: PlayPolicy | null = null;
    if (g.playPolicy !== undefined) {
      try {
        playPolicy = parsePlayPolicy(g.playPolicy);
      } catch (error) {
        throw new Error(`invalid games: ${i}.playPolicy: ${(error as Error).message}`);
      }
    }
    return { gameId: g.gameId, bizId: g.bizId, name: g.name ?? g.gameId, ageRating: g.ageRating ?? null, playPolicy };
  });
}

/** A game's policy may only be stricter than the deployment's (checked once both are parsed). */
const gamePoliciesWithinDeployment = (s: { GAMES: Game[]; PLAY_POLICY: PlayPolicy }, ctx: z.core.$RefinementCtx) => {
  s.GAMES.forEach((g, i) => {
    if (!g.playPolicy) return;
    try {
      assertWithinPolicy(g.playPolicy, s.PLAY_POLICY);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['GAMES'], message: `invalid games: ${i}.playPolicy: ${(error as Error).message}` });
    }
  });
};

/** Everything but the table: what synth can check before the table has a name. */
const PolicyShape = z.object({
  GAMES: z._default(jsonDocument<Game[]>(parseGames), DEFAULT_GAMES as Game[]),
  NPPA_CHECK_URL: z._default(url, NPPA_PRODUCTION_URLS.NPPA_CHECK_URL),
  NPPA_QUERY_URL: z._default(url, NPPA_PRODUCTION_URLS.NPPA_QUERY_URL),
  NPPA_LOGINOUT_URL: z._default(url, NPPA_PRODUCTION_URLS.NPPA_LOGINOUT_URL),
  PLAY_POLICY: z._default(jsonDocument<PlayPolicy>(parsePlayPolicy), PRESETS['nppa-2021']),
  SPENDING_POLICY: z._default(jsonDocument<SpendingPolicy>(parseSpendingPolicy), DEFAULT_SPENDING_POLICY),
  RISK_POLICY: z._default(jsonDocument<RiskPolicy>(parseRiskPolicy), DEFAULT_RISK_POLICY),
  CALENDAR_OVERRIDE: z.optional(jsonDocument<CalendarOverride>(parseCalendarOverride)),
  RESERVATION_TTL_SECONDS: z._default(z.coerce.number().check(z.int(), z.gte(60), z.lte(86_400)), 900),
  /**
   * The publisher's webhook endpoint (the contract's "Notifications to the publisher"). Unset:
   * webhooks are off and no event is even queued.
   */
  WEBHOOK_URL: z.optional(url),
  /**
   * Days within which a complaint or request is answered (its `dueAt`): 15 unless the publisher
   * promises fewer (docs/rules.md §7); more is refused.
   */
  COMPLAINT_DAYS: z._default(
    z.coerce
      .number()
      .check(
        z.int('a whole number of days'),
        z.gte(1, 'at least 1 day'),
        z.lte(
          MAX_COMPLAINT_DAYS,
          `at most ${MAX_COMPLAINT_DAYS} days: a complaint is answered within ${MAX_COMPLAINT_DAYS} days (docs/rules.md); fewer may be set, never more`,
        ),
      ),
    MAX_COMPLAINT_DAYS,
  ),
  /**
   * The version of the publisher's privacy policy a guardian's consent for a child under 14 names
   * (shared/domain/consent.ts): when it changes, consent is asked again (2019 Children's PI
   * Regulations Art. 10 para 2).
   */
  PRIVACY_POLICY_VERSION: z._default(
    z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces (e.g. 2026-12)')),
    DEFAULT_PRIVACY_POLICY_VERSION,
  ),
  /** Who records the under-14 consent: the client's attestation at real-name submission, or only a confirmed guardian. */
  CONSENT: z._default(z.enum(['attested', 'guardian']), 'attested'),
});

export const PolicySettings = PolicyShape.check(z.superRefine(gamePoliciesWithinDeployment));

export const Settings = z.extend(PolicyShape, { TABLE_NAME: z.string().check(z.minLength(1)) }).check(z.superRefine(gamePoliciesWithinDeployment));
export type Settings = z.output<typeof Settings>;

export class InvalidSettings extends Error {
  constructor(readonly issues: Array<{ variable: string; message: string }>) {
    super(`invalid configuration: ${issues.map((i) => `${i.variable}: ${i.message}`).join('; ')}`);
    this.name = 'InvalidSettings';
  }
}

/** Parses an environment with `schema`; empty strings count as unset. Throws InvalidSettings. */
export function parseSettings<S extends z.ZodMiniType>(schema: S, env: Record<string, string | undefined>): z.output<S> {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) throw new InvalidSettings(parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? ''), message: i.message })));
  return parsed.data as z.output<S>;
}

let cached: Settings | undefined;

/** The function's settings, parsed once per container. */
export function settings(): Settings {
  return (cached ??= parseSettings(Settings, process.env));
}

/**
 * GAMES alone, with the same schema piece as `Settings`. The HTTP edge resolves every token's game
 * and the `meta` function lists the games, and neither may require TABLE_NAME (`meta` has no table:
 * shared/api/functions.ts). Whether a game's play policy is within the deployment's is checked by
 * `settings()` (every function with a table, at cold start) and at synth.
 */
export const GamesSettings = z.pick(PolicyShape, { GAMES: true });

let cachedGames: readonly Game[] | undefined;

/** The configured games in their configured order (the first is a token's game when it names none), parsed once per container. */
export function games(): readonly Game[] {
  return (cachedGames ??= Object.freeze(parseSettings(GamesSettings, process.env).GAMES));
}

/**
 * The publisher's own keys, for the functions that serve them (`serves: 'publisherKeys'` in
 * shared/api/functions.ts): the issuer the deployment is for player and server tokens, and the public
 * JWKS (checked in full at synth and at `npm start`: infra/publisherKeys.ts). Both unset: the
 * deployment trusts another issuer and serves no keys.
 */
const PublicJwk = z.object({
  kty: z.literal('RSA'),
  kid: z.string().check(z.minLength(1)),
  use: z.literal('sig'),
  alg: z.literal('RS256'),
  n: z.string(),
  e: z.string(),
});
export const PublisherKeysSettings = z.object({
  PUBLISHER_ISSUER: z.optional(url),
  PUBLISHER_JWKS: z.optional(jsonDocument((value) => z.object({ keys: z.array(PublicJwk).check(z.minLength(1)) }).parse(value))),
});
export type PublisherKeysSettings = z.output<typeof PublisherKeysSettings>;

/**
 * The console's sign-in (`serves: 'operatorSignIn'`): the staff issuer the operators sign in with
 * (authorization code + PKCE), the console's client id there, and the audience its access tokens
 * must carry (what the staff authorizer checks).
 */
export const OperatorSignInSettings = z.object({
  OPERATOR_ISSUER: url,
  OPERATOR_CLIENT_ID: z.string().check(z.minLength(1)),
  OPERATOR_AUDIENCE: z.string().check(z.minLength(1)),
});
export type OperatorSignInSettings = z.output<typeof OperatorSignInSettings>;
