/**
 * Minors' play-time decisions: pure functions of the policy, the calendar, the player and `now`
 * (docs/rules.md §2). All arithmetic is in Beijing time, whatever the host's zone. Age is taken per
 * Beijing day: a player becomes an adult at 00:00 on the 18th birthday.
 */
import { ageBandOf, ageUnderRules, isMinorAge, type AgeBand } from '#shared/domain/age';
import { addDays, beijingDate, beijingMidnight, secondOfBeijingDay, type BeijingDate } from '#shared/domain/beijingTime';
import type { Calendar } from '#shared/domain/calendar';
import type { PlayPolicy, Window } from '#shared/domain/playPolicy';

export interface PlayerFacts {
  birthDate: BeijingDate;
  /** A failed or expired face challenge puts even an adult account under minor rules until then. */
  minorRulesUntilMs?: number | null;
  /** Seconds this person already played today (budget policies only). */
  playedSecondsToday: number;
}

export interface PlayDecision {
  minor: boolean;
  ageBand: AgeBand;
  allowedNow: boolean;
  /** Whole seconds until the end of play (window end or budget), null when no limit applies; 0 when refused. */
  remainingSeconds: number | null;
  endsAtMs: number | null;
  /** The earliest allowed window after now; `endMs` null when play becomes unlimited (adulthood). */
  nextWindow: { startMs: number; endMs: number | null } | null;
  reason?: 'outside_allowed_hours' | 'play_time_exhausted';
  calendarCovered: boolean;
}

/** How far ahead the next window is searched (at least a year). */
export const NEXT_WINDOW_SEARCH_DAYS = 400;

const underMinorRules = (player: PlayerFacts, date: BeijingDate, atMs: number): boolean =>
  isMinorAge(ageUnderRules(player.birthDate, date, player.minorRulesUntilMs, atMs));

export function decidePlay(policy: PlayPolicy, calendar: Calendar, player: PlayerFacts, nowMs: number): PlayDecision {
  const today = beijingDate(nowMs);
  const { kind, covered } = calendar.dayKind(today);
  const minor = underMinorRules(player, today, nowMs);
  const ageBand = ageBandOf(ageUnderRules(player.birthDate, today, player.minorRulesUntilMs, nowMs));
  if (!minor) return { minor, ageBand, allowedNow: true, remainingSeconds: null, endsAtMs: null, nextWindow: null, calendarCovered: covered };

  const rule = policy.days[kind];
  const midnight = beijingMidnight(today);
  const second = secondOfBeijingDay(nowMs);
  const window = rule.windows.find((w) => w.start <= second && second < w.end);
  const budgetLeft = rule.budgetSeconds === null ? null : Math.max(0, rule.budgetSeconds - player.playedSecondsToday);
  if (window && (budgetLeft === null || budgetLeft > 0)) {
    const windowEndMs = midnight + window.end * 1000;
    const endsAtMs = budgetLeft === null ? windowEndMs : Math.min(windowEndMs, nowMs + budgetLeft * 1000);
    return { minor, ageBand, allowedNow: true, remainingSeconds: Math.ceil((endsAtMs - nowMs) / 1000), endsAtMs, nextWindow: null, calendarCovered: covered };
  }
  return {
    minor,
    ageBand,
    allowedNow: false,
    remainingSeconds: 0,
    endsAtMs: null,
    nextWindow: nextPlayableWindow(policy, calendar, player, nowMs, window !== undefined),
    reason: window ? 'play_time_exhausted' : 'outside_allowed_hours',
    calendarCovered: covered,
  };
}

/**
 * The earliest window that starts after `nowMs` (or contains it, when `skipToday` is false and the
 * budget allows), searched day by day. If the player leaves minor rules first (18th birthday, or
 * the end of forced minor rules), that instant starts an unlimited window.
 */
export function nextPlayableWindow(
  policy: PlayPolicy,
  calendar: Calendar,
  player: PlayerFacts,
  nowMs: number,
  budgetExhaustedToday = false,
): { startMs: number; endMs: number | null } | null {
  const today = beijingDate(nowMs);
  const forcedEnd = player.minorRulesUntilMs ?? null;
  for (let i = 0; i <= NEXT_WINDOW_SEARCH_DAYS; i += 1) {
    const date = addDays(today, i);
    const midnight = beijingMidnight(date);
    const windows: Window[] = i === 0 && budgetExhaustedToday ? [] : policy.days[calendar.dayKind(date).kind].windows;
    const adultFrom = (ms: number) => !underMinorRules(player, beijingDate(ms), ms);
    // Leaving minor rules during this day (at midnight of a birthday, or when forced rules end).
    const release = [midnight, forcedEnd]
      .filter((t): t is number => t !== null && t > nowMs && beijingDate(t) === date && adultFrom(t))
      .sort((a, b) => a - b)[0];
    for (const w of [...windows].sort((a, b) => a.start - b.start)) {
      const startMs = midnight + w.start * 1000;
      const endMs = midnight + w.end * 1000;
      if (endMs <= nowMs || startMs <= nowMs) continue;
      if (release !== undefined && release <= startMs) return { startMs: release, endMs: null };
      if (underMinorRules(player, date, startMs)) return { startMs, endMs };
    }
    if (release !== undefined) return { startMs: release, endMs: null };
  }
  return null;
}
