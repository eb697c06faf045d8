/**
 * The operators' figures (docs/api.md, GET /v1/admin/stats), as pure functions: what one change of
 * a stored item, or one figure event (shared/log.ts `stat`), adds to the counters of a Beijing day
 * and game. Nothing here reads or writes: the stats aggregator (shared/stats/service.ts) feeds the
 * table's change stream and the figure events through these and stores the sums exactly once.
 *
 * Days are the Beijing days of the event's own time (the item's timestamps), never of the processing.
 * Person-level events (identities, erasures, guardian links) carry no game: they count under the
 * first configured game, under whose bizId identities are checked (docs/api.md "Games").
 */
import { addDays, beijingDate, beijingMidnight, DAY_MS, weekday, type BeijingDate } from '#shared/domain/beijingTime';
import type { Calendar } from '#shared/domain/calendar';
import type { PlayPolicy } from '#shared/domain/playPolicy';
import type { StatEvent } from '#shared/log';
import { itemKindOf } from '#shared/storage/keys';
import { WEEK_BANDS, type WeekBand } from '#shared/stats/names';

export { WEEK_BANDS, type WeekBand };

/** One counter of one day and game: `figure` is a flat name (`logins:minor`, `challenges:night_patrol:issued`). */
export interface Count {
  date: BeijingDate;
  gameId: string;
  figure: string;
  n: number;
}

/** Seconds a minor (the keyed hash of the person) played in a week (its Monday). */
export interface WeekPlay {
  week: BeijingDate;
  person: string;
  seconds: number;
}

export interface Effects {
  counts: Count[];
  weekPlay: WeekPlay[];
}

export interface FigureContext {
  /** The play policy a game's sessions were held to (its own, or the deployment's). */
  policyFor(gameId: string): PlayPolicy;
  calendar: Calendar;
  /** The first configured game: where person-level events are counted. */
  firstGame: string;
}

/** One change of a stored item, as the change stream gives it (NEW_AND_OLD_IMAGES, unmarshalled). */
export interface ItemChange {
  event: 'INSERT' | 'MODIFY' | 'REMOVE';
  keys: { pk: string; sk: string };
  old?: Record<string, unknown> | undefined;
  new?: Record<string, unknown> | undefined;
  /** When the stream saw it (epoch ms): only a fallback for items without their own time. */
  seenAtMs: number;
}

const NONE: Effects = { counts: [], weekPlay: [] };

/** Monday of the (ISO) week a Beijing day belongs to. */
export function weekOf(date: BeijingDate): BeijingDate {
  return addDays(date, -((weekday(date) + 6) % 7));
}

/** The band of a week's total, or null for no play. */
export const weekBand = (seconds: number): WeekBand | null => (seconds <= 0 ? null : WEEK_BANDS.find((b) => seconds <= b.maxSeconds)!.band);

/** [start, end) cut at Beijing midnights. */
export function splitByDay(startMs: number, endMs: number): Array<{ date: BeijingDate; startMs: number; endMs: number }> {
  const out: Array<{ date: BeijingDate; startMs: number; endMs: number }> = [];
  let from = startMs;
  while (from < endMs) {
    const date = beijingDate(from);
    const to = Math.min(endMs, beijingMidnight(date) + DAY_MS);
    out.push({ date, startMs: from, endMs: to });
    from = to;
  }
  return out;
}

/**
 * Milliseconds of [start, end) — within one Beijing day — that lie outside every window the policy
 * allows minors on that day (docs/rules.md §2). The self-check: a minor's session must never have any.
 */
export function msOutsideWindows(policy: PlayPolicy, calendar: Calendar, part: { date: BeijingDate; startMs: number; endMs: number }): number {
  const midnight = beijingMidnight(part.date);
  const inside = policy.days[calendar.dayKind(part.date).kind].windows.reduce((sum, w) => {
    const a = Math.max(part.startMs, midnight + w.start * 1000);
    const b = Math.min(part.endMs, midnight + w.end * 1000);
    return sum + Math.max(0, b - a);
  }, 0);
  return part.endMs - part.startMs - inside;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

function sessionEffects(ctx: FigureContext, c: ItemChange): Effects {
  const s = c.new;
  if (!s) return NONE;
  const gameId = str(s.gameId) ?? ctx.firstGame;
  const minor = s.minorAtLogin === true;
  const startedAt = num(s.startedAt);
  if (startedAt === undefined) return NONE;
  if (c.event === 'INSERT') {
    const date = beijingDate(startedAt);
    return {
      counts: [{ date, gameId, figure: minor ? 'logins:minor' : 'logins:adult', n: 1 }, ...(minor ? [{ date, gameId, figure: 'minorSessions', n: 1 }] : [])],
      weekPlay: [],
    };
  }
  const endedAt = num(s.endedAt);
  if (c.event !== 'MODIFY' || c.old?.state !== 'live' || s.state !== 'ended' || endedAt === undefined) return NONE;
  const counts: Count[] = [{ date: beijingDate(endedAt), gameId, figure: `terminations:${str(s.endReason) ?? 'unknown'}`, n: 1 }];
  const weekPlay: WeekPlay[] = [];
  const person = str(s.identityHash);
  for (const part of splitByDay(startedAt, Math.max(startedAt, endedAt))) {
    const seconds = Math.round((part.endMs - part.startMs) / 1000);
    if (!minor) {
      counts.push({ date: part.date, gameId, figure: 'adultPlayedSeconds', n: seconds });
      continue;
    }
    counts.push({ date: part.date, gameId, figure: 'minorPlayedSeconds', n: seconds });
    counts.push({
      date: part.date,
      gameId,
      figure: 'minorSecondsOutsideWindows',
      n: Math.round(msOutsideWindows(ctx.policyFor(gameId), ctx.calendar, part) / 1000),
    });
    if (person && seconds > 0) weekPlay.push({ week: weekOf(part.date), person, seconds });
  }
  return { counts, weekPlay };
}

function orderEffects(ctx: FigureContext, c: ItemChange): Effects {
  const o = c.new;
  if (!o) return NONE;
  const gameId = str(o.gameId) ?? ctx.firstGame;
  // The day the payment counts against the limits (the order's own Beijing day).
  const date = str(o.day) ?? beijingDate(num(o.reservedAt) ?? c.seenAtMs);
  if (c.event === 'INSERT' && o.status === 'reserved') return { counts: [{ date, gameId, figure: 'payments:reserved', n: 1 }], weekPlay: [] };
  if (c.event === 'MODIFY' && c.old?.status !== 'committed' && o.status === 'committed') {
    const band = num(o.ageBand);
    return {
      counts: [
        { date, gameId, figure: 'payments:committed', n: 1 },
        { date, gameId, figure: `payments:committedAmount:${band ?? 'unknown'}`, n: num(o.amount) ?? 0 },
      ],
      weekPlay: [],
    };
  }
  return NONE;
}

const IDENTITY_STATUSES = new Set(['verified', 'rejected', 'pending']);

function identityEffects(ctx: FigureContext, c: ItemChange): Effects {
  const status = str(c.new?.status);
  if (!status || !IDENTITY_STATUSES.has(status) || c.old?.status === status) return NONE;
  const at = num(c.new?.updatedAt) ?? num(c.new?.submittedAt) ?? c.seenAtMs;
  return { counts: [{ date: beijingDate(at), gameId: ctx.firstGame, figure: `identities:${status}`, n: 1 }], weekPlay: [] };
}

/**
 * Rejections are the accounts': a check the national system answered "no match" at submission (the
 * account's failed attempts), or an account's pending check that failed or ran out (its status goes
 * from pending to rejected; the person it claimed is untouched).
 */
function accountEffects(ctx: FigureContext, c: ItemChange): Effects {
  const date = beijingDate(num(c.new?.updatedAt) ?? c.seenAtMs);
  const after = num(c.new?.failedAttempts) ?? 0;
  const failed = after - (num(c.old?.failedAttempts) ?? 0);
  const lapsed = c.old?.identityStatus === 'pending' && c.new?.identityStatus === 'rejected' ? 1 : 0;
  if (failed <= 0 && !lapsed) return NONE;
  return { counts: [{ date, gameId: ctx.firstGame, figure: 'identities:rejected', n: Math.max(0, failed) + lapsed }], weekPlay: [] };
}

function challengeEffects(ctx: FigureContext, c: ItemChange): Effects {
  const ch = c.new;
  const signal = str(ch?.signal);
  if (!ch || !signal) return NONE;
  const gameId = str(ch.gameId) ?? ctx.firstGame;
  if (c.event === 'INSERT')
    return { counts: [{ date: beijingDate(num(ch.createdAt) ?? c.seenAtMs), gameId, figure: `challenges:${signal}:issued`, n: 1 }], weekPlay: [] };
  if (c.event !== 'MODIFY' || c.old?.status !== 'open' || (ch.status !== 'passed' && ch.status !== 'failed')) return NONE;
  // The challenge sweeper fails an unanswered challenge with method `expired` (shared/risk/repository.ts).
  const outcome = ch.status === 'passed' ? 'passed' : ch.method === 'expired' ? 'expired' : 'failed';
  return { counts: [{ date: beijingDate(num(ch.resolvedAt) ?? c.seenAtMs), gameId, figure: `challenges:${signal}:${outcome}`, n: 1 }], weekPlay: [] };
}

function erasureEffects(ctx: FigureContext, c: ItemChange): Effects {
  const r = c.new;
  const erasedAt = num(r?.erasedAt);
  // An erasure writes its record twice (under way, then complete): it counts once, when complete.
  if (r?.complete !== true || erasedAt === undefined || (c.old?.complete === true && c.old.erasedAt === erasedAt)) return NONE;
  return { counts: [{ date: beijingDate(erasedAt), gameId: ctx.firstGame, figure: 'piErasures', n: 1 }], weekPlay: [] };
}

/** Guardian links made: the guardianship item's links that were not there before (docs/guardians.md), on the day each was asked for. */
function guardianLinkEffects(ctx: FigureContext, c: ItemChange): Effects {
  const before = (c.old?.links ?? {}) as Record<string, unknown>;
  const after = (c.new?.links ?? {}) as Record<string, { linkedAt?: unknown }>;
  const counts = Object.entries(after)
    .filter(([guardianId]) => !(guardianId in before))
    .map(([, link]) => ({ date: beijingDate(num(link.linkedAt) ?? c.seenAtMs), gameId: ctx.firstGame, figure: 'guardianLinks' as const, n: 1 }));
  return counts.length ? { counts, weekPlay: [] } : NONE;
}

/**
 * Complaints and requests (the requests register, shared/complaints/): each entry once when it is
 * received, by category, on the day of receipt; once when it is answered, by category and whether by
 * its due date, on the day of the answer (a request answered as it is made counts both at once);
 * one withdrawn by an erasure of its account apart. Under the entry's game, else the first game.
 */
function registerEffects(ctx: FigureContext, c: ItemChange): Effects {
  const e = c.new;
  if (!e) return NONE;
  const category = str(e.category) ?? 'other';
  const gameId = str(e.gameId) ?? ctx.firstGame;
  const counts: Count[] = [];
  if (c.event === 'INSERT') counts.push({ date: beijingDate(num(e.receivedAt) ?? c.seenAtMs), gameId, figure: `complaints:received:${category}`, n: 1 });
  const answeredNow = e.status === 'answered' && (c.event === 'INSERT' || (c.event === 'MODIFY' && c.old?.status === 'open'));
  if (answeredNow) {
    const answeredAt = num(e.answeredAt) ?? c.seenAtMs;
    const date = beijingDate(answeredAt);
    if (e.outcome === 'withdrawn') counts.push({ date, gameId, figure: 'complaints:withdrawn', n: 1 });
    else {
      counts.push({ date, gameId, figure: `complaints:answered:${category}`, n: 1 });
      counts.push({
        date,
        gameId,
        figure: answeredAt <= (num(e.dueAt) ?? Number.POSITIVE_INFINITY) ? 'complaints:answeredOnTime' : 'complaints:answeredLate',
        n: 1,
      });
    }
  }
  return counts.length ? { counts, weekPlay: [] } : NONE;
}

/** What one change of a stored item adds to the figures (most changes add nothing). */
export function changeEffects(ctx: FigureContext, c: ItemChange): Effects {
  const kind = itemKindOf(c.keys);
  switch (kind) {
    case 'session':
      return sessionEffects(ctx, c);
    case 'order':
      return orderEffects(ctx, c);
    case 'identity':
      return identityEffects(ctx, c);
    case 'account':
      return accountEffects(ctx, c);
    case 'challenge':
      return challengeEffects(ctx, c);
    case 'erasureRecord':
      return erasureEffects(ctx, c);
    case 'guardianship':
      return guardianLinkEffects(ctx, c);
    case 'registerEntry':
      return registerEffects(ctx, c);
    default:
      return NONE;
  }
}

/** What one figure event (a refusal, an export: shared/log.ts `stat`) adds. */
export function statEventEffects(e: StatEvent): Effects {
  const date = beijingDate(e.at);
  switch (e.stat) {
    case 'loginRefused':
      return { counts: [{ date, gameId: e.gameId, figure: `refusedLogins:${e.code}`, n: 1 }], weekPlay: [] };
    case 'paymentRefused':
      return { counts: [{ date, gameId: e.gameId, figure: `payments:refused:${e.limit}`, n: 1 }], weekPlay: [] };
    case 'piExport':
      return { counts: [{ date, gameId: e.gameId, figure: 'piExports', n: 1 }], weekPlay: [] };
  }
}

/** Sums counts of the same day, game and figure (one counter update each). */
export function mergeCounts(counts: readonly Count[]): Map<string, { date: BeijingDate; gameId: string; figures: Map<string, number> }> {
  const out = new Map<string, { date: BeijingDate; gameId: string; figures: Map<string, number> }>();
  for (const c of counts) {
    const key = `${c.date}#${c.gameId}`;
    let day = out.get(key);
    if (!day) out.set(key, (day = { date: c.date, gameId: c.gameId, figures: new Map() }));
    day.figures.set(c.figure, (day.figures.get(c.figure) ?? 0) + c.n);
  }
  return out;
}
