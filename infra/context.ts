/**
 * The deployment's configuration, read from cdk context (`-c playguard:issuer=…` or cdk.json) and
 * validated at synth: a missing or malformed value stops `cdk synth` with a message naming it.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { parseCalendarOverride } from '#shared/domain/calendar';
import { parsePlayPolicy } from '#shared/domain/playPolicy';
import { parseSpendingPolicy } from '#shared/domain/spendingPolicy';

const https = z.url({ protocol: /^https$/ });

export const DeploymentContext = z.object({
  issuer: https.describe('playguard:issuer — the JWT issuer of the publisher\'s account service'),
  audience: z.string().min(1).describe('playguard:audience — the audience tokens must carry'),
  jwksUrl: https.describe('playguard:jwksUrl — the publisher\'s JWKS'),
  throttleRatePerSecond: z.coerce.number().int().positive().default(2000),
  throttleBurst: z.coerce.number().int().positive().default(1000),
  logRetentionDays: z.coerce.number().int().positive().default(180),
  /** Publisher policies (JSON): validated here with the functions' own parsers, so a policy looser than the law fails the synth. */
  playPolicy: z.string().optional(),
  spendingPolicy: z.string().optional(),
  riskPolicy: z.string().optional(),
  /** A file with the operator's holiday-calendar override (years the calendar package does not have yet). */
  calendarOverrideFile: z.string().optional(),
});
export type DeploymentContext = z.infer<typeof DeploymentContext>;

const KEYS = ['issuer', 'audience', 'jwksUrl', 'throttleRatePerSecond', 'throttleBurst', 'logRetentionDays', 'playPolicy', 'spendingPolicy', 'riskPolicy', 'calendarOverrideFile'] as const;

/** The functions' environment for the policies, each checked with the parser the functions use. */
export function policyEnvironment(d: DeploymentContext): Record<string, string> {
  const env: Record<string, string> = {};
  const check = (key: string, json: string, parse: (v: unknown) => unknown) => {
    try {
      parse(JSON.parse(json));
    } catch (error) {
      throw new Error(`playguard:${key}: ${(error as Error).message}`);
    }
    return json;
  };
  if (d.playPolicy) env.PLAY_POLICY = check('playPolicy', d.playPolicy, parsePlayPolicy);
  if (d.spendingPolicy) env.SPENDING_POLICY = check('spendingPolicy', d.spendingPolicy, parseSpendingPolicy);
  if (d.riskPolicy) env.RISK_POLICY = d.riskPolicy;
  if (d.calendarOverrideFile) env.CALENDAR_OVERRIDE = check('calendarOverrideFile', readFileSync(d.calendarOverrideFile, 'utf8'), parseCalendarOverride);
  return env;
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
