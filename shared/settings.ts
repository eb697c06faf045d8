/**
 * Configuration every function reads once, at start, from its environment (zod-validated: a bad
 * value fails the start, not the tenth request). Policies are JSON documents; unset means the
 * legal default.
 */
import * as z from 'zod';

const url = z.url();

const Settings = z.object({
  TABLE_NAME: z.string().min(1),
  NPPA_CHECK_URL: url.default('https://api.wlc.nppa.gov.cn/idcard/authentication/check'),
  NPPA_QUERY_URL: url.default('http://api2.wlc.nppa.gov.cn/idcard/authentication/query'),
  NPPA_LOGINOUT_URL: url.default('http://api2.wlc.nppa.gov.cn/behavior/collection/loginout'),
  PLAY_POLICY: z.string().optional(),
  SPENDING_POLICY: z.string().optional(),
  RISK_POLICY: z.string().optional(),
  CALENDAR_OVERRIDE: z.string().optional(),
  RESERVATION_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
});
export type Settings = z.infer<typeof Settings>;

let cached: Settings | undefined;

export function settings(): Settings {
  if (!cached) {
    const parsed = Settings.safeParse(process.env);
    if (!parsed.success) throw new Error(`invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    cached = parsed.data;
  }
  return cached;
}
