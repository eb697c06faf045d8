/**
 * Minors' play-time policies as data (docs/rules.md §2). Windows are [start, end) in seconds of the
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
import * as z from '#shared/zod';
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
const hhmm = z.pipe(
  z.string().check(z.regex(/^([01]\d|2[0-4]):[0-5]\d$/)),
  z.transform((t: string) => Number(t.slice(0, 2)) * 3600 + Number(t.slice(3, 5)) * 60),
);
const DayRuleInput = z.strictObject({
  windows: z.optional(z.array(z.tuple([hhmm, hhmm]))),
  budgetMinutes: z.optional(z.nullable(z.number().check(z.int(), z.gte(0)))),
});
const PlayPolicyInput = z.strictObject({
  preset: z._default(z.enum(['nppa-2021', 'nppa-2019']), 'nppa-2021'),
  holiday: z.optional(DayRuleInput),
  fridayToSunday: z.optional(DayRuleInput),
  workday: z.optional(DayRuleInput),
});

/** Throws, naming the rule, when `candidate` allows something its preset forbids. */
export function validatePolicy(candidate: PlayPolicy): void {
  assertNotLooser(candidate, PRESETS[candidate.preset], `the law's`, ` (${RULE_SOURCE[candidate.preset]})`);
}

/** Throws when a game's policy allows something the deployment's policy does not (a game may only be stricter). */
export function assertWithinPolicy(candidate: PlayPolicy, deployment: PlayPolicy): void {
  assertNotLooser(candidate, deployment, `the deployment's`, '');
}

function assertNotLooser(candidate: PlayPolicy, base: PlayPolicy, whose: string, source: string): void {
  for (const kind of ['holiday', 'fridayToSunday', 'workday'] as const) {
    const c = candidate.days[kind];
    const b = base.days[kind];
    for (const w of c.windows) {
      if (!(w.start < w.end)) throw new Error(`play window ${clock(w.start)}–${clock(w.end)} on ${kind} days is empty or reversed`);
      if (!b.windows.some((bw) => bw.start <= w.start && w.end <= bw.end)) {
        const law = b.windows.map((bw) => `${clock(bw.start)}–${clock(bw.end)}`).join(', ') || 'no play at all';
        throw new Error(`play window ${clock(w.start)}–${clock(w.end)} on ${kind} days is wider than ${whose} ${law}${source}`);
      }
    }
    if (b.budgetSeconds !== null && (c.budgetSeconds === null || c.budgetSeconds > b.budgetSeconds)) {
      throw new Error(
        `daily play budget on ${kind} days ` +
          `${c.budgetSeconds === null ? 'unlimited' : `${c.budgetSeconds / 60} min`} exceeds ${whose} ` +
          `${b.budgetSeconds / 60} min${source}`,
      );
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

/**
 * The legal rule of each preset as a player reads it (the `play_time_restricted` detail): the 2021
 * NPPA notice (关于进一步严格管理切实防止未成年人沉迷网络游戏的通知) and the 2019 notice
 * (关于防止未成年人沉迷网络游戏的通知).
 */
const PRESET_DETAIL: Record<PresetName, string> = {
  'nppa-2021': '根据国家防沉迷规定，未成年人仅可在周五、周六、周日和法定节假日 20:00–21:00 进行游戏。',
  'nppa-2019': '根据国家防沉迷规定，每日 22:00 至次日 08:00 未成年人不可进行游戏；法定节假日每日累计不超过 3 小时，其他时间每日累计不超过 1.5 小时。',
};
/** Day kinds in the order a player reads them, with their names. */
const DAY_NAMES: ReadonlyArray<[DayKind, string]> = [
  ['workday', '工作日'],
  ['fridayToSunday', '周五、周六、周日'],
  ['holiday', '法定节假日'],
];
const hoursOrMinutes = (seconds: number) => (seconds % 1800 === 0 ? `${seconds / 3600} 小时` : `${Math.round(seconds / 60)} 分钟`);
const sameRule = (a: DayRule, b: DayRule) =>
  a.budgetSeconds === b.budgetSeconds &&
  a.windows.length === b.windows.length &&
  a.windows.every((w, i) => w.start === b.windows[i]!.start && w.end === b.windows[i]!.end);

/**
 * The `play_time_restricted` detail for the policy in force: a preset as the law words it; a
 * publisher's stricter policy as the windows (and daily budgets) it actually allows, day kinds
 * with the same rule named together.
 */
export function playTimeRuleDetail(policy: PlayPolicy): string {
  const preset = PRESETS[policy.preset];
  if (DAY_NAMES.every(([kind]) => sameRule(policy.days[kind], preset.days[kind]))) return PRESET_DETAIL[policy.preset];
  const groups: Array<{ names: string[]; rule: DayRule }> = [];
  for (const [kind, name] of DAY_NAMES) {
    const rule = policy.days[kind];
    if (rule.windows.length === 0 || rule.budgetSeconds === 0) continue;
    const group = groups.find((g) => sameRule(g.rule, rule));
    if (group) group.names.push(name);
    else groups.push({ names: [name], rule });
  }
  const prefix = '根据国家防沉迷规定及本游戏的防沉迷设置，';
  if (!groups.length) return `${prefix}未成年人不可进行游戏。`;
  const allowed = groups.map(({ names, rule }) => {
    const windows = [...rule.windows]
      .sort((x, y) => x.start - y.start)
      .map((w) => `${clock(w.start)}–${clock(w.end)}`)
      .join('、');
    const days = names.length > 1 ? `${names.slice(0, -1).join('、')}和${names[names.length - 1]}` : names[0];
    return `${days} ${windows}${rule.budgetSeconds === null ? '' : `（每日累计不超过 ${hoursOrMinutes(rule.budgetSeconds)}）`}`;
  });
  const list = allowed.join('，');
  return `${prefix}未成年人仅可在${list}${list.endsWith('）') ? '' : ' '}进行游戏。`;
}
