/**
 * The deployment's configuration, read from cdk context (`-c playguard:issuer=…` or cdk.json) and
 * validated at synth as a whole: every problem — an unknown `playguard:*` key (a misspelt one is
 * named with the key it resembles), a missing or malformed value, an example or placeholder
 * address, an issuer API Gateway could not use, a policy looser than the law — is reported in one
 * message naming each key, so one `cdk synth` shows everything to fix.
 *
 * Policies and settings the functions read are turned into their environment here and parsed with
 * the functions' own schema (shared/settings.ts), so what synth accepts is exactly what a cold start
 * accepts.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import * as z from 'zod';
import { InvalidSettings, NPPA_PRODUCTION_URLS, parseSettings, PolicySettings } from '#shared/settings';
import { PublisherKeysProblem, readPublisherKeys, type PublicJwks } from '#infra/publisherKeys';

/** The audience the console's access tokens carry by default (the contract's *Operators*). */
export const DEFAULT_OPERATOR_AUDIENCE = 'playguard-console';
/** The audience of publisher-key tokens unless `playguard:audience` says otherwise. */
export const DEFAULT_PUBLISHER_AUDIENCE = 'playguard';

/** CloudWatch Logs' retention choices (any other number is refused by the service). */
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

const hostLabels = (host: string) => host.toLowerCase().replace(/\.$/, '').split('.');

/**
 * Why a host is an example or a placeholder nobody controls, or undefined. Names reserved for
 * documentation and testing (RFC 2606/6761: `example`, `.test`, `.invalid`, `.localhost`), and the
 * words documentation puts where the reader's own name goes (`example-publisher`, `your-company`).
 */
export function placeholderHost(host: string): string | undefined {
  const labels = hostLabels(host);
  const tld = labels.at(-1) ?? '';
  if (['test', 'invalid', 'localhost', 'example', 'local'].includes(tld) || host === 'localhost') return `${host} is a name reserved for testing or local use`;
  if (isIP(host.replace(/^\[|\]$/g, ''))) return `${host} is an IP address: use a DNS name with a certificate API Gateway trusts`;
  const placeholder = labels.find((l) => /example|placeholder|changeme|^your|^my-?(company|studio|domain|publisher)|^xxx+$|^todo$/.test(l));
  if (placeholder) return `${host} is an example or placeholder address ("${placeholder}"): use your own`;
  return undefined;
}

/** An issuer or endpoint API Gateway will call: an https URL on a real, public name. */
const publicHttpsUrl = (what: string) =>
  z.string().superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a URL (${what}: https://…)` });
      return;
    }
    // Everything wrong with it at once: an http:// example address is two things to fix.
    const wrong = [
      url.protocol !== 'https:' ? `${value} is not HTTPS (${what} must be an https:// URL)` : undefined,
      url.search || url.hash || url.username || url.password ? `${value} must have no query, fragment or credentials` : undefined,
      placeholderHost(url.hostname),
    ].filter((m) => m !== undefined);
    if (wrong.length) ctx.addIssue({ code: 'custom', message: wrong.join('; ') });
  });

const hostName = z.string().superRefine((value, ctx) => {
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(value))
    return void ctx.addIssue({
      code: 'custom',
      message: `${JSON.stringify(value)} is not a domain name (a host name such as playguard.<your-domain>, without https://)`,
    });
  const placeholder = placeholderHost(value);
  if (placeholder) ctx.addIssue({ code: 'custom', message: placeholder });
});

const positiveInt = (what: string) =>
  z.coerce
    .number({ error: `${what}: a whole number is required` })
    .int(`${what}: a whole number is required`)
    .positive(`${what}: must be above 0`);

export const DeploymentContext = z.object({
  /** The players' issuer when the publisher has its own OpenID provider (else publisherKeys). */
  issuer: publicHttpsUrl("the issuer of players' and game servers' tokens").optional(),
  /** The audience player and server tokens carry. Required with `issuer`; default `playguard` with publisherKeys. */
  audience: z.string().min(1).max(256).optional(),
  /** A JWKS file of the publisher's public RS256 keys: the deployment is the players' issuer itself. */
  publisherKeys: z.string().min(1).optional(),
  /** A custom domain for the API (a regional API Gateway domain name); with certificateArn. */
  domainName: hostName.optional(),
  /** The ACM certificate for domainName, in the stack's region. */
  certificateArn: z
    .string()
    .regex(
      /^arn:aws(-cn)?:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/,
      'an ACM certificate ARN (arn:aws-cn:acm:<region>:<account>:certificate/<id>) is required',
    )
    .optional(),
  /** The staff identity provider operators sign in with (the console's OIDC issuer). */
  operatorIssuer: publicHttpsUrl('the staff issuer'),
  operatorAudience: z.string().min(1).max(256).default(DEFAULT_OPERATOR_AUDIENCE),
  /** The console's OAuth client id at the staff issuer (a public client, authorization code + PKCE). Default: operatorAudience. */
  operatorClientId: z.string().min(1).max(256).optional(),
  stackName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'a CloudFormation stack name: a letter, then letters, digits or "-" (at most 128)')
    .default('PlayGuard'),
  /**
   * The stage's throttle. Default: the account's own API Gateway quota in a region (10,000 a second,
   * a burst of 5,000). Lower, it answers 429 to the minors' heartbeats that end play at 21:00 — all
   * within seconds — from about 11,000 concurrent players (docs/capacity.md; `npm run capacity`
   * prints what a size needs).
   */
  throttleRatePerSecond: positiveInt('throttleRatePerSecond').default(10_000),
  throttleBurst: positiveInt('throttleBurst').default(5000),
  logRetentionDays: z.coerce
    .number()
    .refine((d) => RETENTION_DAYS.includes(d), `one of CloudWatch Logs' retention periods: ${RETENTION_DAYS.join(', ')} days`)
    .default(180),
  /**
   * The functions' application log level (Lambda drops lines below it; DEBUG while investigating).
   * Not WARN or ERROR: Lambda counts a line without a level as INFO, so the metric lines (embedded
   * metric format) and the figure events would be dropped with it — every alarm and figure lost.
   */
  logLevel: z.enum(['DEBUG', 'INFO']).default('INFO'),
  /** Where alarms are e-mailed (an SNS subscription the recipient confirms); unset: subscribe yourself. */
  alarmEmail: z
    .email()
    .refine((a) => !placeholderHost(a.split('@')[1] ?? ''), 'an example or placeholder address: nobody would read the alarms')
    .optional(),
  /**
   * The publisher's games (a JSON array, or the array itself in cdk.json: readDeploymentContext
   * turns objects into JSON), checked with the functions' own parser (shared/settings.ts
   * parseGames). Unset: the single game `default` under the secret's bizId.
   */
  games: z.string().optional(),
  /** Publisher policies (JSON), checked with the functions' own parsers: looser than the law fails the synth. */
  playPolicy: z.string().optional(),
  spendingPolicy: z.string().optional(),
  riskPolicy: z.string().optional(),
  /** A file with the operator's holiday-calendar override (years the calendar package does not have yet). */
  calendarOverrideFile: z.string().optional(),
  reservationTtlSeconds: z.coerce.string().optional(),
  /** The national system's addresses (default: production). A test deployment may point elsewhere. */
  nppaCheckUrl: z.string().default(NPPA_PRODUCTION_URLS.NPPA_CHECK_URL),
  nppaQueryUrl: z.string().default(NPPA_PRODUCTION_URLS.NPPA_QUERY_URL),
  nppaLoginoutUrl: z.string().default(NPPA_PRODUCTION_URLS.NPPA_LOGINOUT_URL),
  /**
   * The publisher's webhook endpoint (HTTPS: events cross the internet; never an example host, where
   * account ids would go to whoever owns it). Unset: no notifications. Every function gets it with the
   * common environment: those that write events must know whether webhooks are on, and the webhook
   * sender sends to it.
   */
  webhookUrl: publicHttpsUrl('the webhook endpoint').optional(),
  /** Days within which complaints and requests are answered (1–15, default 15; docs/rules.md "Complaints and requests"). */
  complaintDays: z.coerce.string().optional(),
  /** The version of the publisher's privacy policy an under-14 guardian consent names (default 1); changing it asks for consent again. */
  privacyPolicyVersion: z.coerce.string().optional(),
  /** Who records the under-14 consent: `attested` (the client, at real-name submission; default) or `guardian` (a confirmed guardian only). */
  consent: z.string().optional(),
});
type ContextInput = z.infer<typeof DeploymentContext>;

/** The validated deployment: the context, with the players' issuer resolved. */
export type DeploymentContext = ContextInput & {
  audience: string;
  operatorClientId: string;
  /**
   * Who the players' tokens come from: `issuer` (the publisher's OpenID provider), or with
   * publisherKeys the deployment itself — `https://<domainName>`, or `api` (the API's own URL, known
   * once deployed: the stack resolves it).
   */
  players: { kind: 'issuer'; issuer: string } | { kind: 'publisherKeys'; issuer: string | 'api'; jwks: PublicJwks };
};

/** Keys that were once read and are no more: named with what to do instead. */
const RETIRED_KEYS: Record<string, string> = {
  jwksUrl: 'is no longer used: API Gateway finds the keys itself at <issuer>/.well-known/openid-configuration (its jwks_uri); remove it',
};

const KEYS = Object.keys(DeploymentContext.shape);

/** Which context key each function setting comes from (for error messages naming what to fix). */
const SETTING_SOURCES = {
  GAMES: 'games',
  PLAY_POLICY: 'playPolicy',
  SPENDING_POLICY: 'spendingPolicy',
  RISK_POLICY: 'riskPolicy',
  CALENDAR_OVERRIDE: 'calendarOverrideFile',
  RESERVATION_TTL_SECONDS: 'reservationTtlSeconds',
  NPPA_CHECK_URL: 'nppaCheckUrl',
  NPPA_QUERY_URL: 'nppaQueryUrl',
  NPPA_LOGINOUT_URL: 'nppaLoginoutUrl',
  WEBHOOK_URL: 'webhookUrl',
  COMPLAINT_DAYS: 'complaintDays',
  PRIVACY_POLICY_VERSION: 'privacyPolicyVersion',
  CONSENT: 'consent',
} as const satisfies Partial<Record<keyof typeof PolicySettings.shape, keyof ContextInput>>;

/** Thrown by readDeploymentContext: every problem, one a line, each naming its key. */
export class InvalidContext extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid cdk context: ${problems.length} problem${problems.length === 1 ? '' : 's'}; fix ` +
        `${problems.length === 1 ? 'it' : 'them all'} and run cdk synth again.\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nThe settings are listed in docs/deploy.md ("cdk deploy") and docs/deploy-china.md.',
    );
    this.name = 'InvalidContext';
  }
}

/** The functions' settings environment, parsed with the schema every function parses at start. */
export function settingsEnvironment(d: ContextInput): Record<string, string> {
  const { env, problems } = settingsOf(d);
  if (problems.length) throw new InvalidContext(problems);
  return env;
}

function settingsOf(d: ContextInput): { env: Record<string, string>; problems: string[] } {
  const env: Record<string, string> = {};
  const problems: string[] = [];
  for (const [variable, key] of Object.entries(SETTING_SOURCES)) {
    let value: unknown = d[key];
    if (key === 'calendarOverrideFile' && d.calendarOverrideFile) {
      try {
        value = readFileSync(d.calendarOverrideFile, 'utf8');
      } catch {
        problems.push(`playguard:calendarOverrideFile: cannot read ${d.calendarOverrideFile}`);
        continue;
      }
    }
    if (value !== undefined && value !== '') env[variable] = String(value);
  }
  try {
    parseSettings(PolicySettings, env);
  } catch (error) {
    if (!(error instanceof InvalidSettings)) throw error;
    problems.push(...error.issues.map((i) => `playguard:${SETTING_SOURCES[i.variable as keyof typeof SETTING_SOURCES] ?? i.variable}: ${i.message}`));
  }
  return { env, problems };
}

/** Levenshtein distance, for "did you mean" on a misspelt key (short strings only). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

function unknownKeyProblem(key: string): string {
  if (RETIRED_KEYS[key]) return `playguard:${key} ${RETIRED_KEYS[key]}`;
  const nearest = KEYS.map((k) => [k, distance(key, k)] as const).sort((a, b) => a[1] - b[1])[0];
  const hint = nearest && nearest[1] <= Math.max(2, Math.floor(key.length / 4)) ? ` (did you mean playguard:${nearest[0]}?)` : '';
  return `playguard:${key} is not a setting PlayGuard knows${hint}`;
}

/**
 * Reads and checks the `playguard:*` keys of the cdk context (`app.node.getAllContext()`): throws
 * InvalidContext with every problem at once.
 */
export function readDeploymentContext(context: Record<string, unknown>): DeploymentContext {
  const problems: string[] = [];
  const raw: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(context)) {
    if (!fullKey.startsWith('playguard:') || value === undefined || value === null) continue;
    const key = fullKey.slice('playguard:'.length);
    if (!KEYS.includes(key)) {
      problems.push(unknownKeyProblem(key));
      continue;
    }
    raw[key] = typeof value === 'object' ? JSON.stringify(value) : value;
  }

  const parsed = DeploymentContext.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '');
      problems.push(`playguard:${key}: ${issue.code === 'invalid_type' && raw[key] === undefined ? requiredMessage(key) : issue.message}`);
    }
  }
  // The rest is checked on what did parse, so every problem is still found in this one pass.
  const d = (parsed.success ? parsed.data : { ...raw }) as ContextInput;
  const ok = (key: keyof ContextInput) => parsed.success || !parsed.error.issues.some((i) => i.path[0] === key);

  let players: DeploymentContext['players'] | undefined;
  if (d.issuer && d.publisherKeys) {
    problems.push(
      'playguard:issuer and playguard:publisherKeys: set one, not both (issuer: your own OpenID provider; ' +
        'publisherKeys: the deployment serves your keys and is the issuer itself)',
    );
  } else if (d.publisherKeys) {
    try {
      const jwks = readPublisherKeys(d.publisherKeys);
      players = { kind: 'publisherKeys', issuer: d.domainName && ok('domainName') ? `https://${d.domainName}` : 'api', jwks };
    } catch (error) {
      if (!(error instanceof PublisherKeysProblem)) throw error;
      problems.push(`playguard:publisherKeys: ${error.message}`);
    }
  } else if (d.issuer) {
    if (ok('issuer')) players = { kind: 'issuer', issuer: d.issuer };
    if (!d.audience) problems.push('playguard:audience: required with playguard:issuer (the aud your OpenID provider puts in player and server tokens)');
  } else if (ok('issuer')) {
    problems.push(
      'playguard:issuer or playguard:publisherKeys: one is required. Without an OpenID provider of your ' +
        'own: npm run keys -- new, then -c playguard:publisherKeys=<the JWKS file it wrote>',
    );
  }
  if (Boolean(d.domainName) !== Boolean(d.certificateArn))
    problems.push("playguard:domainName and playguard:certificateArn: set both or neither (a custom domain needs its certificate in the stack's region)");
  if (d.operatorIssuer && players && trimSlash(d.operatorIssuer) === trimSlash(players.issuer)) {
    problems.push(
      "playguard:operatorIssuer: must not be the players' issuer (a player whose token says scope " +
        'operator would be an operator): use your staff identity provider',
    );
  }

  const settings = settingsOf(d);
  problems.push(...settings.problems.filter((p) => !problems.includes(p)));
  if (problems.length || !parsed.success || !players) throw new InvalidContext(problems.length ? problems : ['the context could not be read']);
  return {
    ...parsed.data,
    audience: parsed.data.audience ?? DEFAULT_PUBLISHER_AUDIENCE,
    operatorClientId: parsed.data.operatorClientId ?? parsed.data.operatorAudience,
    players,
  };
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

function requiredMessage(key: string): string {
  if (key === 'operatorIssuer')
    return (
      'required: the issuer URL of your staff identity provider (operators sign in to the console with it; ' +
      'its tokens alone open /v1/admin/*), e.g. -c ' +
      'playguard:operatorIssuer=https://sso.<your-domain>/realms/staff'
    );
  return 'required';
}
