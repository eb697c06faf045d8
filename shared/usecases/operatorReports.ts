/**
 * Operators' figures, the annual report, dead letters and calendar coverage (docs/api.md
 * "Operators"). None of these return personal data — aggregates, event ids and error codes only —
 * so none is written to the access log (2019 Children's PI Regulations Art. 15 covers access to
 * personal information).
 */
import { addDays, beijingDate, formatBeijing } from '#shared/domain/beijingTime';
import { uncoveredDays, type Calendar } from '#shared/domain/calendar';
import { ERRMSG } from '#shared/nppa/protocol';
import { Problem } from '#shared/problem';
import type { OutboxRepository } from '#shared/reporting/outbox';
import type { Game } from '#shared/settings';
import { weekOf } from '#shared/stats/figures';
import type { StatsRepository } from '#shared/stats/repository';
import { annualReport, annualReportHtml, figuresView, weekView } from '#shared/stats/report';

export interface OperatorReportsDeps {
  stats: StatsRepository;
  outbox: OutboxRepository;
  calendar: Calendar;
  games: readonly Game[];
}

/** GET /v1/admin/stats?from&to&gameId */
export async function readStats(deps: Pick<OperatorReportsDeps, 'stats'>, { from, to, gameId }: { from: string; to: string; gameId?: string | undefined }) {
  const [days, weeks] = await Promise.all([deps.stats.days(from, to), deps.stats.weeks(weekOf(from), to)]);
  return {
    days: days.filter((d) => gameId === undefined || d.gameId === gameId).map((d) => ({ date: d.date, gameId: d.gameId, ...figuresView(d.figures) })),
    weeks: weeks.map(weekView),
  };
}

/** GET /v1/admin/reports/annual?year&gameId — JSON, or the printable page when `html`. */
export async function readAnnualReport(
  deps: OperatorReportsDeps,
  { year, gameId }: { year: number; gameId?: string | undefined },
  nowMs: number,
  html: boolean,
): Promise<{ json: ReturnType<typeof annualReport> } | { html: string }> {
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  // Weeks are counted by their Monday: a week belongs to the year its Monday is in.
  const [days, weeks] = await Promise.all([deps.stats.days(from, to), deps.stats.weeks(from, to)]);
  const report = annualReport({ year, gameId: gameId ?? null, days, weeks, calendarYears: deps.calendar.coveredYears(), generatedAt: formatBeijing(nowMs) });
  if (!html) return { json: report };
  const name = gameId === undefined ? '全部游戏' : (deps.games.find((g) => g.gameId === gameId)?.name ?? gameId);
  return { html: annualReportHtml(report, name) };
}

/** What a permanent loginout item error means (docs/nppa.md), for the operator. */
const DEAD_LETTER_MEANING: Record<number, string> = {
  3004: '条目编号或会话标识错误',
  3005: '行为时间超出允许范围',
  3006: '用户类型错误',
  3007: '上下线类型错误',
  3008: '缺少实名认证标识（PI）',
  3009: '缺少设备标识',
  3010: '实名认证标识（PI）无效',
};
export const deadLetterMeaning = (errcode: number | null): string =>
  errcode === null ? '国家系统拒收（未记录错误码）' : `${DEAD_LETTER_MEANING[errcode] ?? '国家系统拒收'}（${errcode} ${ERRMSG[errcode] ?? 'unknown'}）`;

const deadLetterId = (si: string, bt: 0 | 1): string => `${si}-${bt}`;
function parseDeadLetterId(id: string): { si: string; bt: 0 | 1 } | null {
  const m = /^(.+)-([01])$/.exec(id);
  return m ? { si: m[1]!, bt: m[2] === '1' ? 1 : 0 } : null;
}

/** GET /v1/admin/dead-letters */
export async function listDeadLetters(deps: Pick<OperatorReportsDeps, 'outbox'>) {
  const letters = await deps.outbox.deadLetters(200);
  return {
    deadLetters: letters.map((d) => ({
      id: deadLetterId(d.si, d.bt),
      gameId: d.gameId,
      event: d.bt === 1 ? ('login' as const) : ('logout' as const),
      errcode: d.errcode,
      meaning: deadLetterMeaning(d.errcode),
      at: formatBeijing(d.settledAt),
    })),
  };
}

/** POST /v1/admin/dead-letters/{id}/retry */
export async function retryDeadLetter(deps: Pick<OperatorReportsDeps, 'outbox'>, id: string) {
  const key = parseDeadLetterId(id);
  if (!key || !(await deps.outbox.retryDeadLetter(key.si, key.bt))) throw new Problem('not_found');
  return { id, status: 'queued' as const };
}

/** How an operator loads a year the calendar does not cover (docs/operate.md "Holiday calendar"). */
export const CALENDAR_OVERRIDE_PROCEDURE =
  '国务院公布次年放假安排后：将全年放假日与调休上班日写成 {"years":{"YYYY":{"holidays":[…],"workdays":[…]}}}，部署时以 cdk 上下文 ' +
  'playguard:calendarOverrideFile 指定该文件（本地为 CALENDAR_OVERRIDE 环境变量），重新部署；npm run calendar:check 确认未来 60 天均已覆盖。';

/** GET /v1/admin/calendar */
export function calendarCoverage(deps: Pick<OperatorReportsDeps, 'calendar'>, nowMs: number) {
  const today = beijingDate(nowMs);
  return {
    yearsLoaded: deps.calendar.coveredYears(),
    today,
    uncoveredNext60Days: uncoveredDays(deps.calendar, addDays(today, 0), 60),
    override: CALENDAR_OVERRIDE_PROCEDURE,
  };
}
