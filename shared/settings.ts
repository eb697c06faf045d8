/**
 * Every setting and policy of the gateway, as one zod schema over environment variables. The same
 * schema is used three times: at synth (infra/context.ts builds the functions' environment from cdk
 * context and parses it here), at `npm start` (the local runner parses its environment before it
 * listens), and at a function's cold start (`settings()`). A bad value fails all three with a
 * message naming the variable and the field inside it; no request ever meets an unparsed policy.
 */
import * as z from 'zod';
import { parseCalendarOverride, type CalendarOverride } from '#shared/domain/calendar';
import { PRESETS, parsePlayPolicy, type PlayPolicy } from '#shared/domain/playPolicy';
import { parseRiskPolicy, DEFAULT_RISK_POLICY, type RiskPolicy } from '#shared/domain/riskRules';
import { DEFAULT_SPENDING_POLICY, parseSpendingPolicy, type SpendingPolicy } from '#shared/domain/spendingPolicy';

/** The national system's production addresses (its interface specification, section 2). */
export const NPPA_PRODUCTION_URLS = {
  NPPA_CHECK_URL: 'https://api.wlc.nppa.gov.cn/idcard/authentication/check',
  NPPA_QUERY_URL: 'http://api2.wlc.nppa.gov.cn/idcard/authentication/query',
  NPPA_LOGINOUT_URL: 'http://api2.wlc.nppa.gov.cn/behavior/collection/loginout',
} as const;

/** A JSON document in a string, parsed and checked by the domain's own parser (which names the field). */
const jsonDocument = <T>(parse: (value: unknown) => T) =>
  z.string().transform((text, ctx): T => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
      return z.NEVER;
    }
    try {
      return parse(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

const url = z.url({ protocol: /^https?$/ });

/** Everything but the table: what synth can check before the table has a name. */
export const PolicySettings = z.object({
  NPPA_CHECK_URL: url.default(NPPA_PRODUCTION_URLS.NPPA_CHECK_URL),
  NPPA_QUERY_URL: url.default(NPPA_PRODUCTION_URLS.NPPA_QUERY_URL),
  NPPA_LOGINOUT_URL: url.default(NPPA_PRODUCTION_URLS.NPPA_LOGINOUT_URL),
  PLAY_POLICY: jsonDocument<PlayPolicy>(parsePlayPolicy).default(PRESETS['nppa-2021']),
  SPENDING_POLICY: jsonDocument<SpendingPolicy>(parseSpendingPolicy).default(DEFAULT_SPENDING_POLICY),
  RISK_POLICY: jsonDocument<RiskPolicy>(parseRiskPolicy).default(DEFAULT_RISK_POLICY),
  CALENDAR_OVERRIDE: jsonDocument<CalendarOverride>(parseCalendarOverride).optional(),
  RESERVATION_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
});

export const Settings = PolicySettings.extend({ TABLE_NAME: z.string().min(1) });
export type Settings = z.output<typeof Settings>;

/** The variables the schema reads (the rest of an environment is ignored). */
export const SETTING_NAMES = Object.keys(Settings.shape) as Array<keyof typeof Settings.shape>;

export class InvalidSettings extends Error {
  constructor(readonly issues: Array<{ variable: string; message: string }>) {
    super(`invalid configuration: ${issues.map((i) => `${i.variable}: ${i.message}`).join('; ')}`);
    this.name = 'InvalidSettings';
  }
}

/** Parses an environment with `schema`; empty strings count as unset. Throws InvalidSettings. */
export function parseSettings<S extends typeof PolicySettings | typeof Settings>(schema: S, env: Record<string, string | undefined>): z.output<S> {
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
