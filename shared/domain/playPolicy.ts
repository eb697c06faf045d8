/**
 * Minors' play-time policies as data (RULES.md §2). Windows are [start, end) in seconds of the
 * Beijing day; a budget caps the seconds played per person per Beijing day.
 *
 * - `nppa-2021` (default, in force since 2021-09-01): only on official holiday-break days and on
 *   Fri/Sat/Sun that are not make-up working days, 20:00–21:00; nothing on working days.
 * - `nppa-2019` (2019 notice, a preset some publishers still ask for): no service 22:00–08:00; at
 *   most 1.5 h a day, 3 h on statutory holidays.
 *
 * A publisher may narrow windows and shorten budgets of its preset; anything looser is refused
 * with a message that names the rule it would break.
 */
import * as z from 'zod';
import type { DayKind } from '#shared/domain/calendar';

export interface Window {
  start: number;
  end: number;
}

export interface DayRule {
  windows: Window[];
  budgetSeconds: number | null;
}

export interface PlayPolicy {
  preset: PresetName;
  days: Record<DayKind, DayRule>;
}

export type PresetName = 'nppa-2021' | 'nppa-2019';

const h = (hours: number, minutes = 0) => hours * 3600 + minutes * 60;

export const PRESETS: Record<PresetName, PlayPolicy> = {
  'nppa-2021': {
    preset: 'nppa-2021',
    days: {
      holiday: { windows: [{ start: h(20), end: h(21) }], budgetSeconds: null },
      fridayToSunday: { windows: [{ start: h(20), end: h(21) }], budgetSeconds: null },
      workday: { windows: [], budgetSeconds: null },
    },
  },
  'nppa-2019': {
    preset: 'nppa-2019',
    days: {
      holiday: { windows: [{ start: h(8), end: h(22) }], budgetSeconds: 3 * 3600 },
      fridayToSunday: { windows: [{ start: h(8), end: h(22) }], budgetSeconds: 1.5 * 3600 },
      workday: { windows: [{ start: h(8), end: h(22) }], budgetSeconds: 1.5 * 3600 },
    },
  },
};

const RULE_SOURCE: Record<PresetName, string> = {
  'nppa-2021': '2021 NPPA notice: Fri/Sat/Sun and statutory holidays 20:00–21:00 only',
  'nppa-2019': '2019 notice: no service 22:00–08:00, 1.5 h a day, 3 h on statutory holidays',
};

const clock = (s: number) => `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`;
const hhmm = z
  .string()
  .regex(/^([01]\d|2[0-4]):[0-5]\d$/)
  .transform((t) => Number(t.slice(0, 2)) * 3600 + Number(t.slice(3, 5)) * 60);
const DayRuleInput = z
  .object({ windows: z.array(z.tuple([hhmm, hhmm])).optional(), budgetMinutes: z.number().int().min(0).nullable().optional() })
  .strict();
const PlayPolicyInput = z
  .object({
    preset: z.enum(['nppa-2021', 'nppa-2019']).default('nppa-2021'),
    holiday: DayRuleInput.optional(),
    fridayToSunday: DayRuleInput.optional(),
    workday: DayRuleInput.optional(),
  })
  .strict();

/** Throws, naming the rule, when `candidate` allows something its preset forbids. */
export function validatePolicy(candidate: PlayPolicy): void {
  const base = PRESETS[candidate.preset];
  for (const kind of ['holiday', 'fridayToSunday', 'workday'] as const) {
    const c = candidate.days[kind];
    const b = base.days[kind];
    for (const w of c.windows) {
      if (!(w.start < w.end)) throw new Error(`play window ${clock(w.start)}–${clock(w.end)} on ${kind} days is empty or reversed`);
      if (!b.windows.some((bw) => bw.start <= w.start && w.end <= bw.end)) {
        const law = b.windows.map((bw) => `${clock(bw.start)}–${clock(bw.end)}`).join(', ') || 'no play at all';
        throw new Error(`play window ${clock(w.start)}–${clock(w.end)} on ${kind} days is wider than the law's ${law} (${RULE_SOURCE[candidate.preset]})`);
      }
    }
    if (b.budgetSeconds !== null && (c.budgetSeconds === null || c.budgetSeconds > b.budgetSeconds)) {
      throw new Error(`daily play budget on ${kind} days ${c.budgetSeconds === null ? 'unlimited' : `${c.budgetSeconds / 60} min`} exceeds the law's ${b.budgetSeconds / 60} min (${RULE_SOURCE[candidate.preset]})`);
    }
  }
}

/**
 * Parses a publisher policy: `{"preset":"nppa-2021","fridayToSunday":{"windows":[["20:00","20:30"]]}}`.
 * Day kinds not mentioned keep the preset's rule.
 */
export function parsePlayPolicy(json: unknown): PlayPolicy {
  const parsed = PlayPolicyInput.safeParse(json);
  if (!parsed.success) throw new Error(`invalid play policy: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const base = PRESETS[parsed.data.preset];
  const day = (kind: DayKind): DayRule => {
    const input = parsed.data[kind];
    return {
      windows: input?.windows ? input.windows.map(([start, end]) => ({ start, end })) : base.days[kind].windows,
      budgetSeconds: input?.budgetMinutes === undefined ? base.days[kind].budgetSeconds : input.budgetMinutes === null ? null : input.budgetMinutes * 60,
    };
  };
  const policy: PlayPolicy = { preset: parsed.data.preset, days: { holiday: day('holiday'), fridayToSunday: day('fridayToSunday'), workday: day('workday') } };
  validatePolicy(policy);
  return policy;
}

/** The policy a function runs with: the JSON in PLAY_POLICY, or the default preset. */
export function playPolicyFromSettings(json: string | undefined): PlayPolicy {
  return json ? parsePlayPolicy(JSON.parse(json)) : PRESETS['nppa-2021'];
}
