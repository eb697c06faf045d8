/**
 * The deployment's configuration, read from cdk context (`-c playguard:issuer=…` or cdk.json) and
 * validated at synth: a missing or malformed value stops `cdk synth` with a message naming it.
 */
import { z } from 'zod';

const https = z.url({ protocol: /^https$/ });

export const DeploymentContext = z.object({
  issuer: https.describe('playguard:issuer — the JWT issuer of the publisher\'s account service'),
  audience: z.string().min(1).describe('playguard:audience — the audience tokens must carry'),
  jwksUrl: https.describe('playguard:jwksUrl — the publisher\'s JWKS'),
  throttleRatePerSecond: z.coerce.number().int().positive().default(2000),
  throttleBurst: z.coerce.number().int().positive().default(1000),
  logRetentionDays: z.coerce.number().int().positive().default(180),
});
export type DeploymentContext = z.infer<typeof DeploymentContext>;

const KEYS = ['issuer', 'audience', 'jwksUrl', 'throttleRatePerSecond', 'throttleBurst', 'logRetentionDays'] as const;

export function readDeploymentContext(get: (key: string) => unknown): DeploymentContext {
  const raw = Object.fromEntries(KEYS.map((k) => [k, get(`playguard:${k}`)]).filter(([, v]) => v !== undefined));
  const parsed = DeploymentContext.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `playguard:${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid or missing cdk context (${problems}). Pass e.g. -c playguard:issuer=https://accounts.example.cn -c playguard:audience=playguard -c playguard:jwksUrl=https://accounts.example.cn/.well-known/jwks.json`);
  }
  return parsed.data;
}
