/**
 * The operators' console (/console/, console/app.ts) in headless Chromium, over a known day
 * of activity created through the API on the gateway's virtual clock (Friday 2026-12-04, an
 * ordinary Friday): an operator signs in through the local staff identity provider's login page
 * (OpenID Connect, authorization code + PKCE: infra/local/staffIdp.ts), sees today's figures match
 * that activity, opens the annual report, retries a dead letter, answers a complaint and decides a
 * guardian's refund request in 投诉与申请 after reading its evidence. Screenshots of each page go to
 * test/browser/artifacts/ (gitignored). Debian's `chromium` (/usr/bin/chromium, or CHROMIUM_PATH)
 * is driven by playwright-core; without it the suite is skipped and says why.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_STAFF_USER } from '#infra/local/staffIdp';
import { CHROMIUM, haveChromium, launchChromium, warnWithoutChromium } from '#test/support/chromium';
import { deployed, useGateway } from '#test/support/gateway';
import { person, withConsent } from '#test/support/people';
import { HEAVY_TEST_MS } from '#test/support/timeouts';

const ARTIFACTS = join(import.meta.dirname, 'artifacts');
warnWithoutChromium('test/browser/console.test.ts');
const title = haveChromium ? "the operators' console in Chromium" : `the operators' console in Chromium — skipped: no Chromium at ${CHROMIUM}`;

const DAY = '2026-12-04';

describe.skipIf(!haveChromium || deployed)(title, () => {
  const t = useGateway();
  let context: BrowserContext;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let page: Page;
  let deadSession = '';
  const failures: string[] = [];

  async function verified(sub: string, birthDate: string): Promise<string> {
    const token = await t.api.token(sub);
    expect((await t.api.call('POST', '/v1/identity', { token, body: person(birthDate) })).status).toBe(200);
    return token;
  }
  const pay = async (token: string, orderId: string, amount: number, commit = true) => {
    const r = await t.api.call('POST', '/v1/payments', { token, body: { orderId, amount } });
    if (r.status === 201 && commit) expect((await t.api.call('POST', `/v1/payments/${orderId}/commit`, { token })).status).toBe(200);
    return r;
  };

  beforeAll(async () => {
    // The known day: 2 refused logins, 1 minor and 3 adult logins, 2 payments committed (30.00 by a
    // minor, 100.00 by an adult), 1 refused (single limit), 1 challenge issued.
    await t.api.setClock(`${DAY}T19:30:00+08:00`);
    const minor = await verified('c-minor', '2012-03-03');
    expect((await t.api.login(minor, 'c-minor-phone')).body.code).toBe('play_time_restricted');
    await t.api.setClock(`${DAY}T20:10:00+08:00`);
    const s = await t.api.login(minor, 'c-minor-phone');
    expect(s.status).toBe(201);
    deadSession = s.body.sessionId;
    await pay(minor, 'c-order-1', 3000);
    expect((await pay(minor, 'c-order-2', 6000)).body.limit).toBe('single');
    const adults = await Promise.all([1, 2, 3, 4].map((i) => verified(`c-adult-${i}`, '1990-05-05')));
    for (const a of adults.slice(0, 3)) expect((await t.api.login(a, 'c-shared-phone')).status).toBe(201);
    expect((await t.api.login(adults[3]!, 'c-shared-phone')).body.code).toBe('challenge_required');
    await pay(adults[0]!, 'c-order-3', 10_000);
    // The national system refuses the minor's login and logout for good: two dead letters.
    await t.api.setClock(`${DAY}T20:40:00+08:00`);
    expect((await t.api.call('DELETE', `/v1/sessions/${deadSession}`, { token: minor })).status).toBe(204);
    t.gateway.simulator!.failItems((item) => (item.si === deadSession ? 3010 : null));
    await t.api.tick();
    t.gateway.simulator!.failItems(null);

    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium({ width: 1280, height: 1000 });
    context = browser.context;
    page = await context.newPage();
    page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && failures.push(`console: ${m.text()}`));
  }, HEAVY_TEST_MS);
  afterAll(async () => {
    await browser?.close();
  });
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
  const figure = (id: string) => page.locator(`[data-figure="${id}"]`).textContent();

  it("renders the sign-in page from the console's own files, before any request to the identity provider, with no token to paste", async () => {
    // What makes it quick is what it waits for (how quick is the benchmark's business): only the
    // console's page, script, style and sign-in settings; the staff provider is asked on sign-in.
    const requested: string[] = [];
    const record = (r: { url: () => string }) => requested.push(new URL(r.url()).pathname);
    page.on('request', record);
    await page.goto(`${t.gateway.url}/console/`);
    await page.locator('#signin-button').waitFor();
    page.off('request', record);
    expect(requested.filter((path) => !path.startsWith('/console/') && path !== '/console')).toEqual([]);
    await expect(page.locator('#signin-issuer').textContent()).resolves.toBe(`员工身份提供方：${t.gateway.url}/__staff`);
    expect(await page.locator('#signin textarea, #signin input').count()).toBe(0);
    await shot('console-signin.png');
  });

  it("signs in at the staff identity provider's login page (a wrong password is refused there) and comes back signed in", async () => {
    await page.click('#signin-button');
    await page.locator('#login').waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/__staff\/interaction\//);
    await page.fill('#login', DEV_STAFF_USER.login);
    await page.fill('#password', 'not-the-password');
    await page.click('button[type=submit]');
    await expect(page.locator('#error').textContent()).resolves.toContain('账号或密码不正确');
    await shot('staff-login.png');
    await page.fill('#login', DEV_STAFF_USER.login);
    await page.fill('#password', DEV_STAFF_USER.password);
    await page.click('button[type=submit]');
    await page.locator('[data-figure="today.logins.minor"]').waitFor();
    // Back at the console, the single-use code gone from the address bar.
    expect(page.url()).toBe(`${t.gateway.url}/console`);
    await expect(page.locator('#operator').textContent()).resolves.toBe(DEV_STAFF_USER.name);
    // The access token the console holds: the staff issuer's, for the operators' audience, scope operator.
    const session = await page.evaluate(() => JSON.parse(sessionStorage.getItem('playguard.operatorSession') ?? 'null') as { accessToken: string } | null);
    const claims = JSON.parse(Buffer.from(session!.accessToken.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(claims).toMatchObject({
      iss: `${t.gateway.url}/__staff`,
      aud: 'playguard-console',
      scope: 'operator',
      sub: DEV_STAFF_USER.accountId,
      client_id: 'playguard-console',
    });
  });

  it("shows today's figures exactly as the known day's activity, with charts", async () => {
    expect(await figure('today.logins.minor')).toBe('1');
    expect(await figure('today.logins.adult')).toBe('3');
    expect(await figure('today.refusedLogins')).toBe('2');
    expect(await figure('today.payments.committed')).toBe('2');
    expect(await figure('today.payments.refused')).toBe('1');
    expect(await figure('today.minorYuan')).toBe('30.00');
    expect(await figure('today.challenges')).toBe('1');
    expect(await figure('today.outside')).toBe('0');
    expect(await figure('month.logins.adult')).toBe('3');
    // Adults' sessions were swept 5 minutes after their last heartbeat (3 × 300 s) against the minor's 1,800 s.
    expect(await figure('month.minorPlayShare')).toBe('66.7%');
    expect(await figure('month.minorSpendShare')).toBe('23.1%');
    expect(await page.locator('#main svg').count()).toBe(2);
    await expect(page.locator('#main').textContent()).resolves.toContain('非可玩时段');
    await shot('console-overview.png');
  });

  it('opens the annual report with a print button', async () => {
    await page.click('nav button[data-view="annual"]');
    const report = page.frameLocator('#report');
    await report.locator('h1').waitFor();
    await expect(report.locator('h1').textContent()).resolves.toBe('2026 年度未成年人防沉迷工作报告');
    await expect(report.locator('body').textContent()).resolves.toContain('30.00');
    expect(await report.locator('svg').count()).toBe(2);
    await expect(page.locator('#print').textContent()).resolves.toBe('打印');
    await shot('console-annual.png');
    // The report as a page of its own (what an operator prints or files), whole.
    const html = await t.api.call('GET', '/v1/admin/reports/annual?year=2026', {
      token: await t.api.token('op-console', 'operator'),
      headers: { accept: 'text/html' },
    });
    const standalone = await context.newPage();
    await standalone.setContent(html.body as string);
    await standalone.screenshot({ path: join(ARTIFACTS, 'annual-report.png'), fullPage: true });
    await standalone.close();
  });

  it('retries a dead letter', async () => {
    await page.click('nav button[data-view="deadLetters"]');
    await page.locator('button.retry').first().waitFor();
    expect(await page.locator('button.retry').count()).toBe(2);
    await expect(page.locator('#main').textContent()).resolves.toContain('实名认证标识（PI）无效');
    await shot('console-dead-letters.png');
    const sent = t.gateway.simulator!.receivedLoginouts.length;
    await page.locator('button.retry').first().click();
    await page.locator('#dl-status', { hasText: '已重新放入上报队列' }).waitFor();
    expect(await page.locator('button.retry').count()).toBe(1);
    await t.api.tick();
    expect(t.gateway.simulator!.receivedLoginouts.slice(sent).map((e) => e.si)).toEqual([deadSession]);
    await shot('console-dead-letter-retried.png');
  });

  it('shows the holiday-calendar coverage and the override procedure, and looks up an account with a reason', async () => {
    await page.click('nav button[data-view="calendar"]');
    await page.locator('#main h3').waitFor();
    await expect(page.locator('#main').textContent()).resolves.toMatch(/已载入年份：2004–2026[\s\S]*2027-01-01[\s\S]*CALENDAR_OVERRIDE/);
    await shot('console-calendar.png');
    await page.click('nav button[data-view="account"]');
    await page.fill('#account-id', 'c-minor');
    await page.fill('#account-reason', '年度抽查');
    await page.click('#account-form button');
    await page.locator('#account-result h3').first().waitFor();
    await expect(page.locator('#account-result').textContent()).resolves.toContain('verified');
    await shot('console-account.png');
    expect(failures).toEqual([]);
  });

  it('answers a complaint and decides a refund request in 投诉与申请, reading the evidence with a reason', async () => {
    // Made after the figures were checked: a complaint filed 24 days ago and still open (overdue), one
    // filed today, an export (a request answered as it is made), and a guardian's refund request of a
    // payment its ward made during a session.
    await t.api.setClock('2026-11-10T10:00:00+08:00');
    expect(
      (await t.api.call('POST', '/v1/complaints', { token: await t.api.token('c-adult-2'), body: { category: 'payment', text: '11月9日的充值没有到账。' } }))
        .status,
    ).toBe(201);
    await t.api.setClock(`${DAY}T20:44:00+08:00`);
    const ward = person('2013-02-02', '韩小溪');
    const wardToken = await t.api.token('c-ward');
    expect((await t.api.call('POST', '/v1/identity', { token: wardToken, body: withConsent(ward) })).status).toBe(200);
    const guardian = await verified('c-guardian', '1982-08-08');
    await t.api.setClock(`${DAY}T20:45:00+08:00`);
    const link = await t.api.call('POST', '/v1/guardian/wards', { token: guardian, body: ward });
    expect((await t.api.call('POST', '/v1/me/guardians/confirm', { token: wardToken, body: { code: link.body.confirmCode } })).status).toBe(200);
    expect((await t.api.login(wardToken, 'c-ward-pad')).status).toBe(201);
    const refundOrder = 'c-order-ward';
    await pay(wardToken, refundOrder, 2000);
    expect(
      (
        await t.api.call('POST', `/v1/guardian/wards/${link.body.wardId}/refund-requests`, {
          token: guardian,
          body: { orderId: refundOrder, reason: '孩子在游戏中误点充值 20 元，请协助退款。' },
        })
      ).status,
    ).toBe(201);
    await t.api.setClock(`${DAY}T20:50:00+08:00`);
    expect(
      (
        await t.api.call('POST', '/v1/complaints', {
          token: await t.api.token('c-minor'),
          body: { category: 'play_time', text: '今晚登录时提示不在可玩时段，但现在是周五晚上八点。' },
        })
      ).status,
    ).toBe(201);
    // A second later: the register lists entries by the time they were received.
    await t.api.advanceClock(1);
    expect((await t.api.call('GET', '/v1/me/data', { token: await t.api.token('c-adult-1') })).status).toBe(200);
    await page.click('nav button[data-view="complaints"]');
    await page.locator('#complaints-form').waitFor();
    expect(await page.locator('nav button[data-view="complaints"]').textContent()).toBe('投诉与申请');
    // Open entries of the last 30 days: the overdue payment complaint, the refund request, today's complaint.
    const cells = async () =>
      page
        .locator('#main table tbody tr')
        .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].slice(2, 7).map((c) => (c.textContent ?? '').trim())));
    expect(await cells()).toEqual([
      ['投诉', '充值消费', 'c-adult-2', '11月9日的充值没有到账。', '未答复'],
      ['退款申请', '充值消费', 'c-guardian', '孩子在游戏中误点充值 20 元，请协助退款。', '未答复'],
      ['投诉', '游戏时间', 'c-minor', '今晚登录时提示不在可玩时段，但现在是周五晚上八点。', '未答复'],
    ]);
    expect(await page.locator('#main table tbody tr').first().locator('td').nth(1).textContent()).toBe('2026-11-25 10:00（逾期）');
    expect(await figure('complaints.open')).toBe('3');
    expect(await figure('complaints.overdue')).toBe('1');
    await shot('console-complaints.png');

    await page.locator('button.answer').nth(1).click();
    await page.selectOption('#answer-outcome', 'refused');
    await page.fill('#answer-text', '经核查，该日 20:00 前的登录按规定不可游戏；20:10 起已可正常登录。');
    await shot('console-complaint-answer.png');
    // A minute later each: the answered list is newest answer first.
    await t.api.advanceClock(60);
    await page.click('#answer-form button');
    await page.locator('#c-status-line').waitFor();
    expect(await page.locator('button.answer').count()).toBe(1);

    await page.locator('button.evidence').first().click();
    await page.fill('#evidence-reason', '监护人退款申请核查');
    await page.click('#evidence-form button');
    await page.locator('#decision-form').waitFor();
    const evidence = await page.locator('#evidence-result').textContent();
    expect(evidence).toContain('8–15周岁');
    expect(evidence).toContain('已认证');
    expect(evidence).toMatch(/当时的游戏会话进行中（[0-9a-f]{32}）/);
    expect(evidence).toContain('设备数（24 小时内 / 累计）1 / 1');
    expect(evidence).toContain('当日无风险信号');
    await shot('console-refund-evidence.png');
    await page.fill('#decision-note', '核实为未成年人误充值，同意退款，原路退回。');
    await t.api.advanceClock(60);
    await page.click('#decision-form button');
    await page.locator('#c-status-line').waitFor();
    await expect(page.locator('#c-status-line').textContent()).resolves.toBe('已同意退款申请，已通知发行方（payment.refund_decided）。');

    await page.selectOption('#c-status', 'answered');
    await page.click('#complaints-form button');
    await page.locator('#main table').waitFor();
    await expect
      .poll(async () => (await cells()).map((r) => [r[0], r[4]]))
      .toEqual([
        ['退款申请', '同意退款2026-12-04 20:52'],
        ['投诉', '不予支持2026-12-04 20:51'],
        ['导出个人信息', '已解决2026-12-04 20:50'],
      ]);
    await shot('console-complaints-answered.png');
    // Every read and answer was written to the access log first.
    const log = await t.api.call('GET', `/v1/admin/access-log?from=${DAY}&to=${DAY}`, { token: await t.api.token('op-console', 'operator') });
    // (The clock is held: a page's answer and the list it reloads share their second, so the entries
    // are compared as a set of actions; the e2e suites check the order.)
    expect(
      log.body.entries
        .map((e: { action: string }) => e.action)
        .filter((a: string) => /complaint|refund/.test(a))
        .sort(),
    ).toEqual(['complaint_answer', 'complaints_read', 'complaints_read', 'complaints_read', 'complaints_read', 'refund_decision', 'refund_request_read']);
    expect(failures).toEqual([]);
  });
});
