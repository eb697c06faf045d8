/**
 * The operators' console (GET /console/): a small single page over the operator endpoints
 * (docs/api.md "Operators"), Chinese first. Bundled by esbuild into console/assets.ts
 * (`npm run console:build`; test/unit/consoleAssets.test.ts fails when that file is stale) and
 * served by functions/console.ts, deployed and locally. Operators sign in at the staff issuer
 * (console/signIn.ts: authorization code + PKCE); the access token is kept in this tab's
 * sessionStorage only and sent as a bearer token; nothing else is stored.
 */
import { barChart, escapeXml as esc } from '#shared/stats/charts';
import { config, currentSession, finishSignIn, forgetSession, startSignIn, type SignInConfig } from '#console/signIn';
import type { FiguresView as Figures } from '#shared/stats/report';
import {
  BAND_NAMES,
  CATEGORY_NAMES,
  LIMIT_NAMES,
  OUTCOME_NAMES,
  REFUSAL_NAMES,
  REGISTER_KIND_NAMES,
  SIGNAL_NAMES,
  TERMINATION_NAMES,
  WEEK_BAND_NAMES,
} from '#shared/stats/names';

type Day = Figures & { date: string; gameId: string };

const $ = <T extends HTMLElement>(sel: string) => document.querySelector(sel) as T;
const main = () => $<HTMLElement>('#main');

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(detail);
  }
}

async function api<T>(method: string, path: string, accept = 'application/json', body?: unknown): Promise<T> {
  const session = currentSession();
  if (!session) {
    signOut('登录已过期，请重新登录。');
    throw new ApiError(401, 'unauthorized', '登录已过期');
  }
  const headers: Record<string, string> = { authorization: `Bearer ${session.accessToken}`, accept };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  if (!res.ok) {
    let problem: { code?: string; detail?: string } = {};
    try {
      problem = JSON.parse(text) as typeof problem;
    } catch {
      /* not a problem document */
    }
    if (res.status === 401 || res.status === 403) signOut('登录已失效，或该账号没有操作员权限（scope operator），请重新登录。');
    throw new ApiError(res.status, problem.code ?? String(res.status), problem.detail ?? `请求失败（${res.status}）`);
  }
  return (accept === 'application/json' ? JSON.parse(text) : text) as T;
}

const sum = (r: Record<string, number>) => Object.values(r).reduce((s, n) => s + n, 0);
const hours = (s: number) => (s / 3600).toFixed(1);
const yuan = (fen: number) => (fen / 100).toFixed(2);
const share = (part: number, whole: number) => (whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : '—');
const minorFen = (a: Record<string, number>) => (a['0'] ?? 0) + (a['8'] ?? 0) + (a['16'] ?? 0);

function total(days: readonly Day[]): Figures {
  const t: Figures = {
    logins: { minor: 0, adult: 0 },
    refusedLogins: {},
    minorSessions: 0,
    minorPlayedSeconds: 0,
    adultPlayedSeconds: 0,
    minorSecondsOutsideWindows: 0,
    terminations: {},
    payments: { reserved: 0, committed: 0, refused: {}, committedAmount: {} },
    identities: { verified: 0, rejected: 0, pending: 0 },
    challenges: {},
    guardianLinks: 0,
    piExports: 0,
    piErasures: 0,
    complaints: { received: {}, answered: {}, answeredOnTime: 0, answeredLate: 0, withdrawn: 0 },
  };
  const add = (into: Record<string, number>, from: Record<string, number>) => Object.entries(from).forEach(([k, v]) => (into[k] = (into[k] ?? 0) + v));
  for (const d of days) {
    t.logins.minor += d.logins.minor;
    t.logins.adult += d.logins.adult;
    add(t.refusedLogins, d.refusedLogins);
    t.minorSessions += d.minorSessions;
    t.minorPlayedSeconds += d.minorPlayedSeconds;
    t.adultPlayedSeconds += d.adultPlayedSeconds;
    t.minorSecondsOutsideWindows += d.minorSecondsOutsideWindows;
    add(t.terminations, d.terminations);
    t.payments.reserved += d.payments.reserved;
    t.payments.committed += d.payments.committed;
    add(t.payments.refused, d.payments.refused);
    add(t.payments.committedAmount, d.payments.committedAmount);
    add(t.identities as unknown as Record<string, number>, d.identities as unknown as Record<string, number>);
    for (const [signal, c] of Object.entries(d.challenges)) {
      const into = (t.challenges[signal] ??= { issued: 0, passed: 0, failed: 0, expired: 0 });
      add(into as unknown as Record<string, number>, c as unknown as Record<string, number>);
    }
    t.guardianLinks += d.guardianLinks;
    t.piExports += d.piExports;
    t.piErasures += d.piErasures;
    add(t.complaints.received, d.complaints.received);
    add(t.complaints.answered, d.complaints.answered);
    t.complaints.answeredOnTime += d.complaints.answeredOnTime;
    t.complaints.answeredLate += d.complaints.answeredLate;
    t.complaints.withdrawn += d.complaints.withdrawn;
  }
  return t;
}

const card = (label: string, value: string | number, id: string, warn = false) =>
  `<div class="card${warn ? ' warn' : ''}"><div class="label">${esc(label)}</div><div class="value" data-figure="${id}">${esc(String(value))}</div></div>`;
const named = (names: Record<string, string>, key: string) => esc(names[key] ?? key);
function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>, empty = '暂无记录'): string {
  if (!rows.length) return `<p class="none">${empty}</p>`;
  return (
    `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`
  );
}

function figureCards(f: Figures, scope: string): string {
  return `<div class="cards">
${card('未成年人登录', f.logins.minor, `${scope}.logins.minor`)}${card('成年人登录', f.logins.adult, `${scope}.logins.adult`)}${card('拦截登录', sum(f.refusedLogins), `${scope}.refusedLogins`)}
${card('未成年人时长（小时）', hours(f.minorPlayedSeconds), `${scope}.minorHours`)}${card('完成支付（笔）', f.payments.committed, `${scope}.payments.committed`)}${card('拒绝支付（笔）', sum(f.payments.refused), `${scope}.payments.refused`)}
${card('未成年人消费（元）', yuan(minorFen(f.payments.committedAmount)), `${scope}.minorYuan`)}${card('人脸验证发起', sum(Object.fromEntries(Object.entries(f.challenges).map(([k, c]) => [k, c.issued]))), `${scope}.challenges`)}
${card('时段外时长（秒，应为0）', f.minorSecondsOutsideWindows, `${scope}.outside`, f.minorSecondsOutsideWindows !== 0)}
</div>`;
}

function detailTables(f: Figures): string {
  return `<div class="grid">
<section><h3>拦截登录原因</h3>${table(
    ['原因', '次数'],
    Object.entries(f.refusedLogins).map(([k, n]) => [named(REFUSAL_NAMES, k), String(n)]),
  )}</section>
<section><h3>拒绝支付原因</h3>${table(
    ['限额', '次数'],
    Object.entries(f.payments.refused).map(([k, n]) => [named(LIMIT_NAMES, k), String(n)]),
  )}</section>
<section><h3>已完成支付金额</h3>${table(
    ['年龄段', '金额（元）'],
    Object.entries(f.payments.committedAmount).map(([k, n]) => [named(BAND_NAMES, k), yuan(n)]),
  )}</section>
<section><h3>会话结束原因</h3>${table(
    ['原因', '次数'],
    Object.entries(f.terminations).map(([k, n]) => [named(TERMINATION_NAMES, k), String(n)]),
  )}</section>
</div>`;
}

let today = '';

async function overview(): Promise<void> {
  const cal = await api<{ today: string }>('GET', '/v1/admin/calendar');
  today = cal.today;
  const monthStart = `${today.slice(0, 8)}01`;
  const stats = await api<{ days: Day[]; weeks: Array<{ week: string; minorsByWeeklyPlay: Record<string, number> }> }>(
    'GET',
    `/v1/admin/stats?from=${monthStart}&to=${today}`,
  );
  const todays = stats.days.filter((d) => d.date === today);
  const dates: string[] = [];
  for (let d = Date.parse(`${monthStart}T00:00:00Z`); d <= Date.parse(`${today}T00:00:00Z`); d += 86_400_000)
    dates.push(new Date(d).toISOString().slice(0, 10));
  const perDay = (pick: (f: Figures) => number) => dates.map((date) => pick(total(stats.days.filter((d) => d.date === date))));
  const labels = dates.map((d) => String(Number(d.slice(8))));
  const month = total(stats.days);
  const week = stats.weeks.at(-1);
  main().innerHTML = `<h2>今日（${esc(today)}）</h2>${figureCards(total(todays), 'today')}
<h2>本月（${esc(monthStart.slice(0, 7))}）</h2>${figureCards(month, 'month')}
<div class="cards">${card('未成年人时长占比', share(month.minorPlayedSeconds, month.minorPlayedSeconds + month.adultPlayedSeconds), 'month.minorPlayShare')}${card('未成年人消费占比', share(minorFen(month.payments.committedAmount), sum(month.payments.committedAmount)), 'month.minorSpendShare')}</div>
<div class="charts">${barChart({
    title: '本月每日登录次数',
    categories: labels,
    series: [
      { name: '未成年人', values: perDay((f) => f.logins.minor), color: '#c0392b' },
      { name: '成年人', values: perDay((f) => f.logins.adult), color: '#7f8c8d' },
    ],
    width: 560,
    height: 220,
  })}
${barChart({
  title: '本月每日拦截与拒绝',
  categories: labels,
  series: [
    { name: '拦截登录', values: perDay((f) => sum(f.refusedLogins)), color: '#d35400' },
    { name: '拒绝支付', values: perDay((f) => sum(f.payments.refused)), color: '#8e44ad' },
  ],
  width: 560,
  height: 220,
})}</div>
${detailTables(month)}
<h3>本周未成年人游戏时长分布${week ? `（${esc(week.week)} 起）` : ''}</h3>${table(['每周时长', '人数'], week ? Object.entries(week.minorsByWeeklyPlay).map(([k, n]) => [named(WEEK_BAND_NAMES, k), String(n)]) : [])}`;
}

let games: Array<{ gameId: string; name: string }> | null = null;

async function annual(): Promise<void> {
  const year = ($<HTMLInputElement>('#year')?.value || today.slice(0, 4) || String(new Date().getFullYear())).trim();
  const game = $<HTMLSelectElement>('#game')?.value ?? '';
  games ??= (await api<{ games: Array<{ gameId: string; name: string }> }>('GET', '/v1/games')).games;
  const options = [['', '全部游戏'], ...games.map((g) => [g.gameId, g.name])]
    .map(([id, name]) => `<option value="${esc(id!)}"${id === game ? ' selected' : ''}>${esc(name!)}</option>`)
    .join('');
  main().innerHTML =
    `<h2>年度防沉迷工作报告</h2><form id="annual-form" class="row"><label>年份 <input id="year" ` +
    `value="${esc(year)}" size="6" inputmode="numeric"></label><label>游戏 <select ` +
    `id="game">${options}</select></label><button type="submit">生成</button><button type="button" ` +
    `id="print">打印</button></form><iframe id="report" title="年度报告"></iframe>`;
  $<HTMLFormElement>('#annual-form').onsubmit = (e) => {
    e.preventDefault();
    void guard(annual);
  };
  $<HTMLButtonElement>('#print').onclick = () => $<HTMLIFrameElement>('#report').contentWindow?.print();
  const html = await api<string>(
    'GET',
    `/v1/admin/reports/annual?year=${encodeURIComponent(year)}${game ? `&gameId=${encodeURIComponent(game)}` : ''}`,
    'text/html',
  );
  $<HTMLIFrameElement>('#report').srcdoc = html;
}

async function account(): Promise<void> {
  main().innerHTML = `<h2>账号查询</h2><p class="note">查询将写入访问日志（操作员、时间、账号、原因），原因必填。</p>
<form id="account-form" class="row"><label>账号 <input id="account-id" required maxlength="128"></label><label>原因 <input id="account-reason" required maxlength="200" size="30"></label><button type="submit">查询</button></form><div id="account-result"></div>`;
  $<HTMLFormElement>('#account-form').onsubmit = (e) => {
    e.preventDefault();
    void guard(async () => {
      const id = $<HTMLInputElement>('#account-id').value.trim();
      const reason = $<HTMLInputElement>('#account-reason').value.trim();
      const out = $<HTMLElement>('#account-result');
      try {
        const a = await api<{
          status: string;
          ageBand: number | null;
          riskFlags: Record<string, unknown>;
          sessions: Array<Record<string, unknown>>;
          payments: Array<Record<string, unknown>>;
          auditEntries: Array<Record<string, unknown>>;
        }>('GET', `/v1/admin/accounts/${encodeURIComponent(id)}?reason=${encodeURIComponent(reason)}`);
        const rows = (list: Array<Record<string, unknown>>, keys: string[]) =>
          list.map((r) => keys.map((k) => esc(r[k] === null || r[k] === undefined ? '—' : String(r[k]))));
        out.innerHTML = `<p>实名状态：<b>${esc(a.status)}</b>　年龄段：${esc(a.ageBand === null ? '—' : (BAND_NAMES[String(a.ageBand)] ?? String(a.ageBand)))}</p>
<h3>风险标记</h3>${table(
          ['标记', '值'],
          Object.entries(a.riskFlags).map(([k, v]) => [esc(k), esc(String(v))]),
        )}
<h3>最近会话</h3>${table(['游戏', '状态', '开始', '结束', '结束原因'], rows(a.sessions, ['gameId', 'state', 'startedAt', 'endedAt', 'endReason']))}
<h3>最近支付</h3>${table(['订单', '游戏', '金额（分）', '状态', '预留', '完成'], rows(a.payments, ['orderId', 'gameId', 'amount', 'status', 'reservedAt', 'committedAt']))}
<h3>审计记录</h3>${table(['时间', '决定', '信号', '场景'], rows(a.auditEntries, ['at', 'decision', 'signal', 'context']))}`;
      } catch (error) {
        out.innerHTML = `<p class="error">${esc(error instanceof ApiError && error.status === 404 ? '未找到该账号的任何记录（本次查询已记入访问日志）。' : (error as Error).message)}</p>`;
      }
    });
  };
}

type RegisterEntry = {
  complaintId: string;
  kind: string;
  category: string;
  accountId: string;
  gameId: string | null;
  orderId: string | null;
  text: string | null;
  status: 'open' | 'answered';
  receivedAt: string;
  dueAt: string;
  overdue: boolean;
  answeredAt: string | null;
  outcome: string | null;
  answer: string | null;
  answeredBy: string | null;
  erased: boolean;
};

/** `YYYY-MM-DD` `n` days before `day` (calendar arithmetic, no time zone involved). */
const daysBefore = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
const wall = (iso: string | null) => (iso ? esc(iso.slice(0, 16).replace('T', ' ')) : '—');
const cut = (text: string | null, n = 60) => (text === null ? '—' : esc(text.length > n ? `${text.slice(0, n)}…` : text));
/** A refund request's outcome reads as the decision it was. */
const outcomeName = (e: RegisterEntry) =>
  e.kind === 'refund' && e.outcome !== 'withdrawn' ? (e.outcome === 'resolved' ? '同意退款' : '不同意退款') : (OUTCOME_NAMES[e.outcome ?? ''] ?? '—');

/**
 * 投诉与申请: the requests register (2024 Regulations Arts. 7 and 34) — complaints with their texts,
 * personal-information requests and guardians' refund requests, by the days they were received; an
 * open complaint is answered here (a refusal with its reasons), a refund request's evidence read
 * (with a reason, logged) and decided. Every read and answer is written to the access log first.
 */
async function complaints(): Promise<void> {
  const status = $<HTMLSelectElement>('#c-status')?.value ?? 'open';
  const to = $<HTMLInputElement>('#c-to')?.value || today;
  const from = $<HTMLInputElement>('#c-from')?.value || daysBefore(to, 30);
  const query = `${status ? `status=${status}&` : ''}from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
  const list = (await api<{ complaints: RegisterEntry[] }>('GET', `/v1/admin/complaints?${query}`)).complaints;
  const options = [
    ['open', '未答复'],
    ['answered', '已答复'],
    ['', '全部'],
  ]
    .map(([v, l]) => `<option value="${v}"${v === status ? ' selected' : ''}>${l}</option>`)
    .join('');
  const answered = list.filter((e) => e.status === 'answered' && e.outcome !== 'withdrawn');
  const rows = list.map((e) => {
    const action =
      e.status === 'open' && e.kind === 'complaint'
        ? `<button class="answer" data-id="${esc(e.complaintId)}">答复</button>`
        : e.kind === 'refund'
          ? `<button class="evidence" data-id="${esc(e.complaintId)}">查看证据</button>`
          : '';
    return [
      wall(e.receivedAt),
      `<span class="${e.overdue ? 'error' : ''}">${wall(e.dueAt)}${e.overdue ? '（逾期）' : ''}</span>`,
      named(REGISTER_KIND_NAMES, e.kind),
      named(CATEGORY_NAMES, e.category),
      esc(e.accountId),
      e.erased ? '<span class="none">（账号已注销，内容已删除）</span>' : cut(e.text),
      e.status === 'open' ? '<b>未答复</b>' : `${esc(outcomeName(e))}<br><span class="note">${wall(e.answeredAt)}</span>`,
      e.answer === null ? '—' : cut(e.answer, 40),
      action,
    ];
  });
  main().innerHTML = `<h2>投诉与申请</h2>
<p class="note">依据《未成年人网络保护条例》第七条、第三十四条：投诉、举报与个人信息查阅、复制、更正、删除申请须及时受理并处理，不予支持的须说明理由。列表含投诉内容等个人信息，每次查询与答复均先写入访问日志。</p>
<form id="complaints-form" class="row"><label>状态 <select id="c-status">${options}</select></label><label>收到自 <input id="c-from" type="date" value="${esc(from)}"></label><label>至 <input id="c-to" type="date" value="${esc(to)}"></label><button type="submit">查询</button></form>
<div class="cards">${card('本次列出', list.length, 'complaints.listed')}${card('未答复', list.filter((e) => e.status === 'open').length, 'complaints.open')}${card(
    '已逾期未答复',
    list.filter((e) => e.status === 'open' && e.overdue).length,
    'complaints.overdue',
    list.some((e) => e.status === 'open' && e.overdue),
  )}${card('按期答复率', share(answered.filter((e) => !e.overdue).length, answered.length), 'complaints.onTime')}</div>
${table(['收到时间', '答复期限', '类型', '类别', '账号', '内容', '状态', '答复', ''], rows, '该期间没有投诉或申请')}
<div id="c-detail"></div>`;
  $<HTMLFormElement>('#complaints-form').onsubmit = (e) => {
    e.preventDefault();
    void guard(complaints);
  };
  document
    .querySelectorAll<HTMLButtonElement>('button.answer')
    .forEach((b) => (b.onclick = () => answerForm(list.find((e) => e.complaintId === b.dataset.id)!)));
  document
    .querySelectorAll<HTMLButtonElement>('button.evidence')
    .forEach((b) => (b.onclick = () => evidenceForm(list.find((e) => e.complaintId === b.dataset.id)!)));
}

function answerForm(e: RegisterEntry): void {
  $<HTMLElement>('#c-detail').innerHTML =
    `<h3>答复投诉</h3><p>${named(CATEGORY_NAMES, e.category)} · ${esc(e.accountId)} · 收到 ${wall(e.receivedAt)} · 期限 ${wall(e.dueAt)}</p><blockquote class="quote">${esc(e.text ?? '')}</blockquote>
<form id="answer-form"><div class="row"><label>结果 <select id="answer-outcome"><option value="resolved">已解决</option><option value="refused">不予支持（须说明理由）</option></select></label></div>
<textarea id="answer-text" required maxlength="2000" rows="4" cols="80" placeholder="玩家将看到的答复；不予支持时写明理由"></textarea><div class="row"><button type="submit">提交答复</button></div></form>`;
  $<HTMLFormElement>('#answer-form').onsubmit = (event) => {
    event.preventDefault();
    void guard(async () => {
      await api('POST', `/v1/admin/complaints/${encodeURIComponent(e.complaintId)}/answer`, 'application/json', {
        outcome: $<HTMLSelectElement>('#answer-outcome').value,
        answer: $<HTMLTextAreaElement>('#answer-text').value,
      });
      await complaints();
      $<HTMLElement>('#c-detail').innerHTML = '<p class="ok" id="c-status-line">已答复，玩家可在“我的投诉”中看到。</p>';
    });
  };
}

type Evidence = {
  requestId: string;
  status: string;
  wardId: string;
  reason: string | null;
  order: { orderId: string | null; gameId: string; amount: number; status: string; reservedAt: string; committedAt: string | null };
  evidence: null | {
    capturedAt: string;
    ageBand: number;
    minorRules: boolean;
    identityStatus: string;
    session: { inProgress: boolean; sessionId: string | null; loggedInAt: string | null };
    devices: { inWindow: number; known: number };
    riskSignals: Array<{ signal: string | null; outcome: string; at: string }>;
    flaggedAt: string | null;
  };
  decision: null | { approved: boolean; note: string | null; decidedAt: string | null };
};

function evidenceForm(e: RegisterEntry): void {
  $<HTMLElement>('#c-detail').innerHTML = `<h3>退款申请 · 证据</h3><p class="note">查看证据将写入访问日志，原因必填。</p>
<form id="evidence-form" class="row"><label>原因 <input id="evidence-reason" required maxlength="200" size="30"></label><button type="submit">查看</button></form><div id="evidence-result"></div>`;
  $<HTMLFormElement>('#evidence-form').onsubmit = (event) => {
    event.preventDefault();
    void guard(async () => {
      const r = await api<Evidence>(
        'GET',
        `/v1/admin/refund-requests/${encodeURIComponent(e.complaintId)}?reason=${encodeURIComponent($<HTMLInputElement>('#evidence-reason').value.trim())}`,
      );
      const ev = r.evidence;
      const outcome: Record<string, string> = { open: '未处理', passed: '通过', failed: '未通过' };
      $<HTMLElement>('#evidence-result').innerHTML = `<p>监护人的理由：${esc(r.reason ?? '（已删除）')}</p>
${table(['订单', '游戏', '金额（元）', '状态', '预留', '完成'], [[esc(r.order.orderId ?? '—'), esc(r.order.gameId), yuan(r.order.amount), esc(r.order.status), wall(r.order.reservedAt), wall(r.order.committedAt)]])}
${
  ev
    ? `<h3>支付时的情况（支付完成时封存）</h3>${table(
        ['项目', '值'],
        [
          ['年龄段（适用的限额）', named(BAND_NAMES, String(ev.ageBand))],
          ['实名状态', esc(ev.identityStatus === 'verified' ? '已认证' : '认证中')],
          ['按未成年人规则管理（人脸验证未通过）', ev.minorRules ? '是' : '否'],
          ['当时的游戏会话', ev.session.inProgress ? `进行中（${esc(ev.session.sessionId ?? '')}）` : '无'],
          ['账号最近登录', wall(ev.session.loggedInAt)],
          ['设备数（24 小时内 / 累计）', `${ev.devices.inWindow} / ${ev.devices.known}`],
          ['风险标记时间', wall(ev.flaggedAt)],
        ],
      )}<h3>当日风险信号与人脸验证</h3>${table(
        ['时间', '信号', '结果'],
        ev.riskSignals.map((s) => [wall(s.at), s.signal ? named(SIGNAL_NAMES, s.signal) : '—', esc(outcome[s.outcome] ?? s.outcome)]),
        '当日无风险信号',
      )}`
    : '<p class="none">该订单预留于证据保存功能上线之前，无证据。</p>'
}
${
  r.decision
    ? `<p class="ok">已处理：${r.decision.approved ? '同意退款' : '不同意'}（${wall(r.decision.decidedAt)}）：${esc(r.decision.note ?? '')}</p>`
    : `<form id="decision-form"><h3>处理</h3><div class="row"><label><input type="radio" name="approved" value="yes" checked> 同意退款</label><label><input type="radio" name="approved" value="no"> 不同意（须说明理由）</label></div>
<textarea id="decision-note" required maxlength="2000" rows="3" cols="80" placeholder="监护人将看到的说明"></textarea><div class="row"><button type="submit">提交处理结果</button></div></form>`
}`;
      const form = $<HTMLFormElement>('#decision-form');
      if (form)
        form.onsubmit = (submitted) => {
          submitted.preventDefault();
          void guard(async () => {
            const approved = (document.querySelector<HTMLInputElement>('input[name=approved]:checked')?.value ?? 'yes') === 'yes';
            await api('POST', `/v1/admin/refund-requests/${encodeURIComponent(e.complaintId)}/decision`, 'application/json', {
              approved,
              note: $<HTMLTextAreaElement>('#decision-note').value,
            });
            await complaints();
            $<HTMLElement>('#c-detail').innerHTML =
              `<p class="ok" id="c-status-line">已${approved ? '同意' : '拒绝'}退款申请，已通知发行方（payment.refund_decided）。</p>`;
          });
        };
    });
  };
}

async function challenges(): Promise<void> {
  const monthStart = `${today.slice(0, 8)}01`;
  const stats = await api<{ days: Day[] }>('GET', `/v1/admin/stats?from=${monthStart}&to=${today}`);
  const t = total(stats.days);
  main().innerHTML = `<h2>人脸验证（本月）</h2>${table(
    ['触发原因', '发起', '通过', '未通过', '超时'],
    Object.entries(t.challenges).map(([signal, c]) => [named(SIGNAL_NAMES, signal), String(c.issued), String(c.passed), String(c.failed), String(c.expired)]),
    '本月没有发起人脸验证',
  )}
<p class="note">未通过或超时的账号在策略规定的期间内按未成年人规则管理。单个账号的验证记录请在“账号查询”中查看。</p>`;
}

async function deadLetters(): Promise<void> {
  const list = await api<{ deadLetters: Array<{ id: string; gameId: string; event: string; errcode: number | null; meaning: string; at: string }> }>(
    'GET',
    '/v1/admin/dead-letters',
  );
  main().innerHTML = `<h2>死信（国家系统拒收的上下线事件）</h2><p class="note">国家系统因数据问题永久拒收的上线/下线事件。排除原因后点“重新上报”，事件回到该游戏的上报队列（超过 180 秒的事件按国家系统的说明平移时间）。</p>${table(
    ['时间', '游戏', '事件', '错误码', '含义', ''],
    list.deadLetters.map((d) => [
      esc(d.at),
      esc(d.gameId),
      d.event === 'login' ? '上线' : '下线',
      esc(String(d.errcode ?? '')),
      esc(d.meaning),
      `<button class="retry" data-id="${esc(d.id)}">重新上报</button>`,
    ]),
    '没有死信',
  )}<p id="dl-status" class="note"></p>`;
  document.querySelectorAll<HTMLButtonElement>('button.retry').forEach((b) => {
    b.onclick = () =>
      void guard(async () => {
        await api('POST', `/v1/admin/dead-letters/${encodeURIComponent(b.dataset.id ?? '')}/retry`);
        await deadLetters();
        $<HTMLElement>('#dl-status').textContent = '已重新放入上报队列。';
      });
  });
}

async function calendar(): Promise<void> {
  const c = await api<{ yearsLoaded: number[]; today: string; uncoveredNext60Days: string[]; override: string }>('GET', '/v1/admin/calendar');
  const years = c.yearsLoaded;
  main().innerHTML = `<h2>节假日日历</h2><p>已载入年份：<b>${years.length ? `${years[0]}–${years.at(-1)}` : '无'}</b>（共 ${years.length} 年）</p>
<p class="${c.uncoveredNext60Days.length ? 'error' : 'ok'}">未来 60 天（自 ${esc(c.today)} 起）未覆盖的日期：${c.uncoveredNext60Days.length ? `${c.uncoveredNext60Days.length} 天（${esc(c.uncoveredNext60Days[0]!)} 起）` : '无'}</p>
<h3>载入新年度的方法</h3><p>${esc(c.override)}</p>`;
}

const VIEWS: Record<string, { label: string; render: () => Promise<void> }> = {
  overview: { label: '今日与本月', render: overview },
  complaints: { label: '投诉与申请', render: complaints },
  annual: { label: '年度报告', render: annual },
  account: { label: '账号查询', render: account },
  challenges: { label: '人脸验证', render: challenges },
  deadLetters: { label: '死信', render: deadLetters },
  calendar: { label: '节假日日历', render: calendar },
};

async function guard(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (currentSession()) main().insertAdjacentHTML('afterbegin', `<p class="error">${esc((error as Error).message)}</p>`);
  }
}

async function show(view: string): Promise<void> {
  document.querySelectorAll('nav button').forEach((b) => b.classList.toggle('active', (b as HTMLElement).dataset.view === view));
  if (!today) today = (await api<{ today: string }>('GET', '/v1/admin/calendar')).today;
  await VIEWS[view]!.render();
  document.body.dataset.view = view;
}

function signOut(message = ''): void {
  forgetSession();
  today = '';
  $<HTMLElement>('#app').hidden = true;
  $<HTMLElement>('#signin').hidden = false;
  $<HTMLElement>('#signin-error').textContent = message;
}

function signedIn(name: string): void {
  $<HTMLElement>('#signin').hidden = true;
  $<HTMLElement>('#app').hidden = false;
  $<HTMLElement>('nav').innerHTML =
    Object.entries(VIEWS)
      .map(([id, v]) => `<button type="button" data-view="${id}">${v.label}</button>`)
      .join('') + `<span id="operator">${esc(name)}</span><button type="button" id="signout">退出</button>`;
  document.querySelectorAll<HTMLButtonElement>('nav button[data-view]').forEach((b) => (b.onclick = () => void guard(() => show(b.dataset.view!))));
  $<HTMLButtonElement>('#signout').onclick = () => signOut();
  void guard(() => show('overview'));
}

async function start(): Promise<void> {
  let signIn: SignInConfig;
  try {
    signIn = await config();
  } catch (error) {
    return signOut((error as Error).message);
  }
  $<HTMLElement>('#signin-issuer').textContent = `员工身份提供方：${signIn.issuer}`;
  $<HTMLButtonElement>('#signin-button').onclick = () =>
    void startSignIn(signIn).catch((error: unknown) => ($<HTMLElement>('#signin-error').textContent = `无法连接员工身份提供方：${(error as Error).message}`));
  try {
    const session = (await finishSignIn(signIn)) ?? currentSession();
    if (session) return signedIn(session.name);
  } catch (error) {
    return signOut((error as Error).message);
  }
  signOut();
}
void start();
