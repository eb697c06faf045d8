/**
 * The operators' figures as the contract shows them (docs/api.md, GET /v1/admin/stats) and the
 * annual anti-addiction report built from them (2024 Regulations on the Online Protection of Minors
 * Art. 42: publish the year's anti-addiction work), as JSON and as a self-contained printable page.
 * Pure: stored counters in, views out.
 */
import { barChart, escapeXml } from '#shared/stats/charts';
import {
  BAND_NAMES,
  CATEGORY_NAMES,
  LIMIT_NAMES,
  REFUSAL_NAMES,
  SIGNAL_NAMES,
  TERMINATION_NAMES,
  WEEK_BAND_NAMES,
  WEEK_BANDS,
  type WeekBand,
} from '#shared/stats/names';

export type FlatFigures = Record<string, number>;

/** Sums flat counters. */
export function addFigures(into: FlatFigures, from: FlatFigures): FlatFigures {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  return into;
}

function withPrefix(flat: FlatFigures, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(flat)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

const CHALLENGE_OUTCOMES = ['issued', 'passed', 'failed', 'expired'] as const;

/** The figures of a day (or a sum of days) in the contract's shape. */
export function figuresView(flat: FlatFigures) {
  const f = (name: string) => flat[name] ?? 0;
  const challenges: Record<string, Record<(typeof CHALLENGE_OUTCOMES)[number], number>> = {};
  for (const [key, n] of Object.entries(withPrefix(flat, 'challenges:'))) {
    const cut = key.lastIndexOf(':');
    const signal = key.slice(0, cut);
    const outcome = key.slice(cut + 1) as (typeof CHALLENGE_OUTCOMES)[number];
    if (!CHALLENGE_OUTCOMES.includes(outcome)) continue;
    challenges[signal] ??= { issued: 0, passed: 0, failed: 0, expired: 0 };
    challenges[signal][outcome] += n;
  }
  return {
    logins: { minor: f('logins:minor'), adult: f('logins:adult') },
    refusedLogins: withPrefix(flat, 'refusedLogins:'),
    minorSessions: f('minorSessions'),
    minorPlayedSeconds: f('minorPlayedSeconds'),
    adultPlayedSeconds: f('adultPlayedSeconds'),
    minorSecondsOutsideWindows: f('minorSecondsOutsideWindows'),
    terminations: withPrefix(flat, 'terminations:'),
    payments: {
      reserved: f('payments:reserved'),
      committed: f('payments:committed'),
      refused: withPrefix(flat, 'payments:refused:'),
      committedAmount: withPrefix(flat, 'payments:committedAmount:'),
    },
    identities: { verified: f('identities:verified'), rejected: f('identities:rejected'), pending: f('identities:pending') },
    challenges,
    guardianLinks: f('guardianLinks'),
    piExports: f('piExports'),
    piErasures: f('piErasures'),
    complaints: {
      received: withPrefix(flat, 'complaints:received:'),
      answered: withPrefix(flat, 'complaints:answered:'),
      answeredOnTime: f('complaints:answeredOnTime'),
      answeredLate: f('complaints:answeredLate'),
      withdrawn: f('complaints:withdrawn'),
    },
  };
}
export type FiguresView = ReturnType<typeof figuresView>;

/** Minors' committed amount: the bands under 18 (docs/api.md `ageBand`). */
export const minorAmount = (committedAmount: Record<string, number>): number => ['0', '8', '16'].reduce((s, b) => s + (committedAmount[b] ?? 0), 0);
const total = (r: Record<string, number>): number => Object.values(r).reduce((s, n) => s + n, 0);
const share = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);

/** The week distribution: minors per band of weekly play, per week. */
export const weekView = (w: { week: string; bands: Record<string, number> }) => ({
  week: w.week,
  minorsByWeeklyPlay: Object.fromEntries(WEEK_BANDS.map((b) => [b.band, w.bands[b.band] ?? 0])) as Record<(typeof WEEK_BANDS)[number]['band'], number>,
});

export interface AnnualInput {
  year: number;
  gameId: string | null;
  days: ReadonlyArray<{ date: string; gameId: string; figures: FlatFigures }>;
  weeks: ReadonlyArray<{ week: string; bands: Record<string, number> }>;
  calendarYears: readonly number[];
  generatedAt: string;
}

/** The annual report (JSON): the year's totals, each month's, the shares, the week distribution and the self-check. */
export function annualReport(input: AnnualInput) {
  const months = Array.from({ length: 12 }, (_, i) => `${input.year}-${String(i + 1).padStart(2, '0')}`);
  const byMonth = new Map<string, FlatFigures>(months.map((m) => [m, {}]));
  const all: FlatFigures = {};
  for (const d of input.days) {
    if (input.gameId !== null && d.gameId !== input.gameId) continue;
    const month = byMonth.get(d.date.slice(0, 7));
    if (!month) continue;
    addFigures(month, d.figures);
    addFigures(all, d.figures);
  }
  const totals = figuresView(all);
  const distribution = Object.fromEntries(WEEK_BANDS.map((b) => [b.band, 0])) as Record<WeekBand, number>;
  for (const w of input.weeks) for (const b of WEEK_BANDS) distribution[b.band] += w.bands[b.band] ?? 0;
  const minorSpent = minorAmount(totals.payments.committedAmount);
  return {
    year: input.year,
    gameId: input.gameId,
    generatedAt: input.generatedAt,
    totals,
    months: months.map((month) => ({ month, ...figuresView(byMonth.get(month)!) })),
    shares: {
      minorPlayTime: share(totals.minorPlayedSeconds, totals.minorPlayedSeconds + totals.adultPlayedSeconds),
      minorSpending: share(minorSpent, total(totals.payments.committedAmount)),
      complaintsAnsweredOnTime: share(totals.complaints.answeredOnTime, totals.complaints.answeredOnTime + totals.complaints.answeredLate),
    },
    weeklyDistribution: {
      description: 'minor-weeks per band of hours played in a week (Monday to Sunday); the distribution counts all games together',
      bands: distribution,
    },
    selfCheck: { minorSecondsOutsideWindows: totals.minorSecondsOutsideWindows, passed: totals.minorSecondsOutsideWindows === 0 },
    calendar: { yearsLoaded: [...input.calendarYears], yearCovered: input.calendarYears.includes(input.year) },
  };
}
export type AnnualReport = ReturnType<typeof annualReport>;

/** Counts between 1 and 9 are shown as "<10" in the published report, so that no child can be singled out. */
export const SUPPRESS_BELOW = 10;
export const suppressed = (n: number): string => (n > 0 && n < SUPPRESS_BELOW ? `<${SUPPRESS_BELOW}` : String(n));

const yuan = (fen: number): string => (fen / 100).toFixed(2);
const hours = (seconds: number): string => (seconds / 3600).toFixed(1);
const percent = (r: number | null): string => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
const named = (names: Record<string, string>, key: string) => escapeXml(names[key] ?? key);

function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  if (!rows.length) return '<p class="none">本年度无记录。</p>';
  return (
    `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${c}</th>` : `<td>${c}</td>`)).join('')}</tr>`).join('')}</tbody></table>`
  );
}

const STYLE = `body{font-family:"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#222;max-width:960px;margin:24px auto;padding:0 16px;line-height:1.5}
h1{font-size:22px;border-bottom:2px solid #b22;padding-bottom:6px}h2{font-size:17px;margin-top:28px;color:#822}
table{border-collapse:collapse;margin:8px 0;min-width:50%}th,td{border:1px solid #ccc;padding:4px 10px;text-align:right}thead th{background:#f4f0f0;text-align:center}tbody th{text-align:left;font-weight:normal}
.meta{color:#555}.ok{color:#161}.bad{color:#b11;font-weight:bold}.note{color:#666;font-size:12px}.none{color:#777}
svg{max-width:100%;height:auto;display:block;margin:8px 0}button{font-size:14px;padding:4px 14px}
@media print{.screen{display:none}body{margin:0}h2{break-after:avoid}svg,table{break-inside:avoid}}`;

/** The annual report as one printable HTML page: inline styles and SVG only, Chinese headings, small counts suppressed. */
export function annualReportHtml(r: AnnualReport, gameName: string): string {
  const t = r.totals;
  const count = (n: number) => escapeXml(suppressed(n));
  const monthLabels = r.months.map((m) => `${Number(m.month.slice(5))}月`);
  const refusedTotal = total(t.refusedLogins);
  const minorSpent = minorAmount(t.payments.committedAmount);
  const sections = [
    `<h1>${r.year} 年度未成年人防沉迷工作报告</h1>`,
    `<p class="meta">游戏：${escapeXml(gameName)}　生成时间：${escapeXml(r.generatedAt)}　依据：《未成年人网络保护条例》第四十二条</p>`,
    '<p class="note screen">打印：使用浏览器的“打印”（Ctrl+P / ⌘P），或控制台“年度报告”页的“打印”按钮。本页不含脚本。</p>',
    '<h2>一、概况</h2>',
    table(
      ['项目', '数值'],
      [
        ['登录次数（未成年人）', count(t.logins.minor)],
        ['登录次数（成年人）', count(t.logins.adult)],
        ['拦截登录次数', count(refusedTotal)],
        ['未成年人游戏时长（小时）', hours(t.minorPlayedSeconds)],
        ['未成年人游戏时长占比', percent(r.shares.minorPlayTime)],
        ['已完成支付笔数', count(t.payments.committed)],
        ['未成年人消费金额（元）', yuan(minorSpent)],
        ['未成年人消费金额占比', percent(r.shares.minorSpending)],
        ['因限额拒绝的支付', count(total(t.payments.refused))],
      ],
    ),
    '<h2>二、未成年人游戏时长</h2>',
    barChart({
      title: '每月游戏时长（小时）',
      categories: monthLabels,
      series: [
        { name: '未成年人', values: r.months.map((m) => m.minorPlayedSeconds / 3600), color: '#c0392b' },
        { name: '成年人', values: r.months.map((m) => m.adultPlayedSeconds / 3600), color: '#7f8c8d' },
      ],
      format: (n) => n.toFixed(1),
    }),
    table(
      ['每周游戏时长', '未成年人·周（人次）'],
      Object.entries(r.weeklyDistribution.bands).map(([band, n]) => [named(WEEK_BAND_NAMES, band), count(n)]),
    ),
    '<h2>三、登录与拦截</h2>',
    barChart({
      title: '每月登录次数',
      suppressBelow: SUPPRESS_BELOW,
      categories: monthLabels,
      series: [
        { name: '未成年人', values: r.months.map((m) => m.logins.minor), color: '#c0392b' },
        { name: '成年人', values: r.months.map((m) => m.logins.adult), color: '#7f8c8d' },
      ],
    }),
    table(
      ['拦截原因', '次数'],
      Object.entries(t.refusedLogins).map(([code, n]) => [named(REFUSAL_NAMES, code), count(n)]),
    ),
    table(
      ['会话结束原因', '次数'],
      Object.entries(t.terminations).map(([reason, n]) => [named(TERMINATION_NAMES, reason), count(n)]),
    ),
    '<h2>四、消费</h2>',
    table(
      ['年龄段', '已完成支付金额（元）'],
      Object.entries(t.payments.committedAmount).map(([band, fen]) => [named(BAND_NAMES, band), yuan(fen)]),
    ),
    table(
      ['拒绝原因', '次数'],
      Object.entries(t.payments.refused).map(([limit, n]) => [named(LIMIT_NAMES, limit), count(n)]),
    ),
    `<p>预留 ${count(t.payments.reserved)} 笔，完成 ${count(t.payments.committed)} 笔。</p>`,
    '<h2>五、实名认证</h2>',
    table(
      ['结果', '人数'],
      [
        ['认证通过', count(t.identities.verified)],
        ['认证失败', count(t.identities.rejected)],
        ['认证中', count(t.identities.pending)],
      ],
    ),
    '<h2>六、人脸识别验证</h2>',
    table(
      ['触发原因', '发起', '通过', '未通过', '超时'],
      Object.entries(t.challenges).map(([signal, c]) => [named(SIGNAL_NAMES, signal), count(c.issued), count(c.passed), count(c.failed), count(c.expired)]),
    ),
    '<h2>七、监护人与个人信息</h2>',
    table(
      ['项目', '次数'],
      [
        ['监护人绑定', count(t.guardianLinks)],
        ['个人信息导出', count(t.piExports)],
        ['个人信息删除', count(t.piErasures)],
      ],
    ),
    '<h2>八、投诉与申请</h2>',
    table(
      ['类别', '收到', '已答复'],
      [...new Set([...Object.keys(t.complaints.received), ...Object.keys(t.complaints.answered)])].map((c) => [
        named(CATEGORY_NAMES, c),
        count(t.complaints.received[c] ?? 0),
        count(t.complaints.answered[c] ?? 0),
      ]),
    ),
    `<p>按期答复 ${count(t.complaints.answeredOnTime)} 件，逾期答复 ${count(t.complaints.answeredLate)} 件，按期答复率 ` +
      `${percent(r.shares.complaintsAnsweredOnTime)}；因账号注销而撤回 ${count(t.complaints.withdrawn)} ` +
      `件。依据：《未成年人网络保护条例》第七条、第三十四条。</p>`,
    '<h2>九、自检</h2>',
    `<p class="${r.selfCheck.passed ? 'ok' : 'bad'}">` +
      `未成年人在允许时段以外的游戏时长：${r.selfCheck.minorSecondsOutsideWindows} 秒${r.selfCheck.passed ? '（通过）' : '（异常：请排查）'}</p>`,
    `<p>节假日日历已载入年份：${r.calendar.yearsLoaded.length ? `${r.calendar.yearsLoaded[0]}–${r.calendar.yearsLoaded.at(-1)}` : '无'}` +
      `${r.calendar.yearCovered ? '' : `（<span class="bad">${r.year} 年未载入</span>）`}</p>`,
    `<p class="note">说明：计数小于 ${SUPPRESS_BELOW} 的单元格显示为“&lt;${SUPPRESS_BELOW}”，以免识别出具体未成年人。日期均为北京时间。数据来自网关的运行记录，不含任何个人信息。</p>`,
  ];
  return (
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" ` +
    `content="width=device-width,initial-scale=1"><title>${r.year} 年度未成年人防沉迷工作报告</title>` +
    `<style>${STYLE}</style></head><body>${sections.join('\n')}</body></html>`
  );
}
