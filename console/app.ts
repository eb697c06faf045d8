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
import { BAND_NAMES, LIMIT_NAMES, REFUSAL_NAMES, SIGNAL_NAMES, TERMINATION_NAMES, WEEK_BAND_NAMES } from '#shared/stats/names';

type Day = Figures & { date: string; gameId: string };

const $ = <T extends HTMLElement>(sel: string) => document.querySelector(sel) as T;
const main = () => $<HTMLElement>('#main');

class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, detail: string) {
    super(detail);
  }
}

async function api<T>(method: string, path: string, accept = 'application/json'): Promise<T> {
  const session = currentSession();
  if (!session) {
    signOut('登录已过期，请重新登录。');
    throw new ApiError(401, 'unauthorized', '登录已过期');
  }
  const res = await fetch(path, { method, headers: { authorization: `Bearer ${session.accessToken}`, accept } });
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
  const t: Figures = { logins: { minor: 0, adult: 0 }, refusedLogins: {}, minorSessions: 0, minorPlayedSeconds: 0, adultPlayedSeconds: 0, minorSecondsOutsideWindows: 0, terminations: {}, payments: { reserved: 0, committed: 0, refused: {}, committedAmount: {} }, identities: { verified: 0, rejected: 0, pending: 0 }, challenges: {}, guardianLinks: 0, piExports: 0, piErasures: 0, complaints: { received: {}, answered: {}, answeredOnTime: 0, answeredLate: 0, withdrawn: 0 } };
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

const card = (label: string, value: string | number, id: string, warn = false) => `<div class="card${warn ? ' warn' : ''}"><div class="label">${esc(label)}</div><div class="value" data-figure="${id}">${esc(String(value))}</div></div>`;
const named = (names: Record<string, string>, key: string) => esc(names[key] ?? key);
function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>, empty = '暂无记录'): string {
  if (!rows.length) return `<p class="none">${empty}</p>`;
  return `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
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
<section><h3>拦截登录原因</h3>${table(['原因', '次数'], Object.entries(f.refusedLogins).map(([k, n]) => [named(REFUSAL_NAMES, k), String(n)]))}</section>
<section><h3>拒绝支付原因</h3>${table(['限额', '次数'], Object.entries(f.payments.refused).map(([k, n]) => [named(LIMIT_NAMES, k), String(n)]))}</section>
<section><h3>已完成支付金额</h3>${table(['年龄段', '金额（元）'], Object.entries(f.payments.committedAmount).map(([k, n]) => [named(BAND_NAMES, k), yuan(n)]))}</section>
<section><h3>会话结束原因</h3>${table(['原因', '次数'], Object.entries(f.terminations).map(([k, n]) => [named(TERMINATION_NAMES, k), String(n)]))}</section>
</div>`;
}

let today = '';

async function overview(): Promise<void> {
  const cal = await api<{ today: string }>('GET', '/v1/admin/calendar');
  today = cal.today;
  const monthStart = `${today.slice(0, 8)}01`;
  const stats = await api<{ days: Day[]; weeks: Array<{ week: string; minorsByWeeklyPlay: Record<string, number> }> }>('GET', `/v1/admin/stats?from=${monthStart}&to=${today}`);
  const todays = stats.days.filter((d) => d.date === today);
  const dates: string[] = [];
  for (let d = Date.parse(`${monthStart}T00:00:00Z`); d <= Date.parse(`${today}T00:00:00Z`); d += 86_400_000) dates.push(new Date(d).toISOString().slice(0, 10));
  const perDay = (pick: (f: Figures) => number) => dates.map((date) => pick(total(stats.days.filter((d) => d.date === date))));
  const labels = dates.map((d) => String(Number(d.slice(8))));
  const month = total(stats.days);
  const week = stats.weeks.at(-1);
  main().innerHTML = `<h2>今日（${esc(today)}）</h2>${figureCards(total(todays), 'today')}
<h2>本月（${esc(monthStart.slice(0, 7))}）</h2>${figureCards(month, 'month')}
<div class="cards">${card('未成年人时长占比', share(month.minorPlayedSeconds, month.minorPlayedSeconds + month.adultPlayedSeconds), 'month.minorPlayShare')}${card('未成年人消费占比', share(minorFen(month.payments.committedAmount), sum(month.payments.committedAmount)), 'month.minorSpendShare')}</div>
<div class="charts">${barChart({ title: '本月每日登录次数', categories: labels, series: [{ name: '未成年人', values: perDay((f) => f.logins.minor), color: '#c0392b' }, { name: '成年人', values: perDay((f) => f.logins.adult), color: '#7f8c8d' }], width: 560, height: 220 })}
${barChart({ title: '本月每日拦截与拒绝', categories: labels, series: [{ name: '拦截登录', values: perDay((f) => sum(f.refusedLogins)), color: '#d35400' }, { name: '拒绝支付', values: perDay((f) => sum(f.payments.refused)), color: '#8e44ad' }], width: 560, height: 220 })}</div>
${detailTables(month)}
<h3>本周未成年人游戏时长分布${week ? `（${esc(week.week)} 起）` : ''}</h3>${table(['每周时长', '人数'], week ? Object.entries(week.minorsByWeeklyPlay).map(([k, n]) => [named(WEEK_BAND_NAMES, k), String(n)]) : [])}`;
}

let games: Array<{ gameId: string; name: string }> | null = null;

async function annual(): Promise<void> {
  const year = ($<HTMLInputElement>('#year')?.value || today.slice(0, 4) || String(new Date().getFullYear())).trim();
  const game = $<HTMLSelectElement>('#game')?.value ?? '';
  games ??= (await api<{ games: Array<{ gameId: string; name: string }> }>('GET', '/v1/games')).games;
  const options = [['', '全部游戏'], ...games.map((g) => [g.gameId, g.name])].map(([id, name]) => `<option value="${esc(id!)}"${id === game ? ' selected' : ''}>${esc(name!)}</option>`).join('');
  main().innerHTML = `<h2>年度防沉迷工作报告</h2><form id="annual-form" class="row"><label>年份 <input id="year" value="${esc(year)}" size="6" inputmode="numeric"></label><label>游戏 <select id="game">${options}</select></label><button type="submit">生成</button><button type="button" id="print">打印</button></form><iframe id="report" title="年度报告"></iframe>`;
  $<HTMLFormElement>('#annual-form').onsubmit = (e) => {
    e.preventDefault();
    void guard(annual);
  };
  $<HTMLButtonElement>('#print').onclick = () => $<HTMLIFrameElement>('#report').contentWindow?.print();
  const html = await api<string>('GET', `/v1/admin/reports/annual?year=${encodeURIComponent(year)}${game ? `&gameId=${encodeURIComponent(game)}` : ''}`, 'text/html');
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
        const a = await api<{ status: string; ageBand: number | null; riskFlags: Record<string, unknown>; sessions: Array<Record<string, unknown>>; payments: Array<Record<string, unknown>>; auditEntries: Array<Record<string, unknown>> }>('GET', `/v1/admin/accounts/${encodeURIComponent(id)}?reason=${encodeURIComponent(reason)}`);
        const rows = (list: Array<Record<string, unknown>>, keys: string[]) => list.map((r) => keys.map((k) => esc(r[k] === null || r[k] === undefined ? '—' : String(r[k]))));
        out.innerHTML = `<p>实名状态：<b>${esc(a.status)}</b>　年龄段：${esc(a.ageBand === null ? '—' : (BAND_NAMES[String(a.ageBand)] ?? String(a.ageBand)))}</p>
<h3>风险标记</h3>${table(['标记', '值'], Object.entries(a.riskFlags).map(([k, v]) => [esc(k), esc(String(v))]))}
<h3>最近会话</h3>${table(['游戏', '状态', '开始', '结束', '结束原因'], rows(a.sessions, ['gameId', 'state', 'startedAt', 'endedAt', 'endReason']))}
<h3>最近支付</h3>${table(['订单', '游戏', '金额（分）', '状态', '预留', '完成'], rows(a.payments, ['orderId', 'gameId', 'amount', 'status', 'reservedAt', 'committedAt']))}
<h3>审计记录</h3>${table(['时间', '决定', '信号', '场景'], rows(a.auditEntries, ['at', 'decision', 'signal', 'context']))}`;
      } catch (error) {
        out.innerHTML = `<p class="error">${esc(error instanceof ApiError && error.status === 404 ? '未找到该账号的任何记录（本次查询已记入访问日志）。' : (error as Error).message)}</p>`;
      }
    });
  };
}

async function challenges(): Promise<void> {
  const monthStart = `${today.slice(0, 8)}01`;
  const stats = await api<{ days: Day[] }>('GET', `/v1/admin/stats?from=${monthStart}&to=${today}`);
  const t = total(stats.days);
  main().innerHTML = `<h2>人脸验证（本月）</h2>${table(['触发原因', '发起', '通过', '未通过', '超时'], Object.entries(t.challenges).map(([signal, c]) => [named(SIGNAL_NAMES, signal), String(c.issued), String(c.passed), String(c.failed), String(c.expired)]), '本月没有发起人脸验证')}
<p class="note">未通过或超时的账号在策略规定的期间内按未成年人规则管理。单个账号的验证记录请在“账号查询”中查看。</p>`;
}

async function deadLetters(): Promise<void> {
  const list = await api<{ deadLetters: Array<{ id: string; gameId: string; event: string; errcode: number | null; meaning: string; at: string }> }>('GET', '/v1/admin/dead-letters');
  main().innerHTML = `<h2>死信（国家系统拒收的上下线事件）</h2><p class="note">国家系统因数据问题永久拒收的上线/下线事件。排除原因后点“重新上报”，事件回到该游戏的上报队列（超过 180 秒的事件按国家系统的说明平移时间）。</p>${table(['时间', '游戏', '事件', '错误码', '含义', ''], list.deadLetters.map((d) => [esc(d.at), esc(d.gameId), d.event === 'login' ? '上线' : '下线', esc(String(d.errcode ?? '')), esc(d.meaning), `<button class="retry" data-id="${esc(d.id)}">重新上报</button>`]), '没有死信')}<p id="dl-status" class="note"></p>`;
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
    Object.entries(VIEWS).map(([id, v]) => `<button type="button" data-view="${id}">${v.label}</button>`).join('') + `<span id="operator">${esc(name)}</span><button type="button" id="signout">退出</button>`;
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
