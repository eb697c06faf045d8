/**
 * The deployment's configuration, read from cdk context (`-c playguard:issuer=…` or cdk.json) and
 * validated at synth: a missing or malformed value stops `cdk synth` with a message naming it.
 * Policies and settings the functions read are turned into their environment here and parsed with
 * the functions' own schema (shared/settings.ts), so what synth accepts is exactly what a cold start
 * accepts.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { InvalidSettings, NPPA_PRODUCTION_URLS, parseSettings, PolicySettings } from '#shared/settings';

const https = z.url({ protocol: /^https$/ });

export const DeploymentContext = z.object({
  issuer: https.describe('playguard:issuer — the JWT issuer of the publisher\'s account service'),
  audience: z.string().min(1).describe('playguard:audience — the audience tokens must carry'),
  jwksUrl: https.describe('playguard:jwksUrl — the publisher\'s JWKS'),
  throttleRatePerSecond: z.coerce.number().int().positive().default(2000),
  throttleBurst: z.coerce.number().int().positive().default(1000),
  logRetentionDays: z.coerce.number().int().positive().default(180),
  /**
   * The functions' application log level (Lambda drops lines below it; DEBUG while investigating).
   * Not WARN or ERROR: Lambda counts a line without a level as INFO, so the metric lines (embedded
   * metric format) and the figure events would be dropped with it — every alarm and figure lost.
   */
  logLevel: z.enum(['DEBUG', 'INFO']).default('INFO'),
  /** Where alarms are e-mailed (an SNS subscription the recipient confirms); unset: subscribe yourself. */
  alarmEmail: z.email().optional(),
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
   * The publisher's webhook endpoint (HTTPS: events cross the internet). Unset: no notifications.
   * Every function gets it with the common environment: those that write events must know whether
   * webhooks are on, and the webhook sender sends to it.
   */
  webhookUrl: https.optional(),
});
export type DeploymentContext = z.infer<typeof DeploymentContext>;

const KEYS = Object.keys(DeploymentContext.shape) as Array<keyof DeploymentContext>;

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
} as const satisfies Partial<Record<keyof typeof PolicySettings.shape, keyof DeploymentContext>>;

/** The functions' settings environment, parsed with the schema every function parses at start. */
export function settingsEnvironment(d: DeploymentContext): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [variable, key] of Object.entries(SETTING_SOURCES)) {
    const value = key === 'calendarOverrideFile' ? (d.calendarOverrideFile ? readCalendarFile(d.calendarOverrideFile) : undefined) : d[key];
    if (value !== undefined && value !== '') env[variable] = String(value);
  }
  try {
    parseSettings(PolicySettings, env);
  } catch (error) {
    if (!(error instanceof InvalidSettings)) throw error;
    const problems = error.issues.map((i) => `playguard:${SETTING_SOURCES[i.variable as keyof typeof SETTING_SOURCES] ?? i.variable}: ${i.message}`);
    throw new Error(`Invalid cdk context: ${problems.join('; ')}`);
  }
  return env;
}

function readCalendarFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new Error(`playguard:calendarOverrideFile: cannot read ${file}`);
  }
}

export function readDeploymentContext(get: (key: string) => unknown): DeploymentContext {
  const raw = Object.fromEntries(KEYS.map((k) => [k, get(`playguard:${k}`)]).filter(([, v]) => v !== undefined).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : v]));
  const parsed = DeploymentContext.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `playguard:${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid or missing cdk context (${problems}). Pass e.g. -c playguard:issuer=https://accounts.example.cn -c playguard:audience=playguard -c playguard:jwksUrl=https://accounts.example.cn/.well-known/jwks.json`);
  }
  return parsed.data;
}
