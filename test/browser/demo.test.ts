/**
 * The demo game (/demo/, infra/local/demo/) in headless Chromium, on the gateway's virtual clock:
 * a 10-year-old is told the game is rated 12+; a 13-year-old submits a real name, plays from 20:44
 * on Friday 2026-12-04 (an ordinary Friday in the holiday calendar), sees the 15- and 5-minute
 * warnings and is stopped at 21:00 with Saturday's window; then an adult plays past 21:00 with no
 * limit. Screenshots go to test/browser/artifacts/ (gitignored).
 *
 * The heartbeat timer is real time (60 s for a minor): after moving the clock the test makes the
 * page heartbeat at once, once through the session's `beat()` and once through a
 * `visibilitychange` event, which is what the client does when a background tab comes back. The
 * answers are the gateway's own. Debian's `chromium` package (/usr/bin/chromium, or CHROMIUM_PATH)
 * is driven by playwright-core; without it the suite is skipped and says why.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS, playTimeRuleDetail } from '#shared/domain/playPolicy';
import { PROBLEMS } from '#shared/problem';
import { CHROMIUM, haveChromium, launchChromium, warnWithoutChromium } from '#test/support/chromium';
import { deployed, useGateway } from '#test/support/gateway';
import { person } from '#test/support/people';
import { HEAVY_TEST_MS } from '#test/support/timeouts';

/** Waits for the page to show what is expected (the page waits on the gateway): only a hang bound, no speed limit. */
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: HEAVY_TEST_MS, interval: 50 });

const ARTIFACTS = join(import.meta.dirname, 'artifacts');
warnWithoutChromium('test/browser/demo.test.ts');

// The game's age-appropriateness label (read by the functions when the gateway starts; each test file runs in its own process).
process.env.GAMES = JSON.stringify([{ gameId: 'demo', bizId: '1101999777', name: '接星星', ageRating: 12 }]);

const title = haveChromium ? 'the demo game in Chromium' : `the demo game in Chromium — skipped: no Chromium at ${CHROMIUM}`;

describe.skipIf(!haveChromium || deployed)(title, () => {
  const t = useGateway();
  let context: BrowserContext;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  const failures: string[] = [];
  const refusals: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium({ width: 560, height: 620 });
    context = browser.context;
  }, HEAVY_TEST_MS);
  afterAll(async () => {
    await browser?.close();
  });

  async function open(): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
    // Chromium logs every 4xx answer as a console error too; those are checked as answers below.
    page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && failures.push(`console: ${m.text()}`));
    page.on('response', (r) => r.status() >= 400 && refusals.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`));
    await page.goto(`${t.gateway.url}/demo/`);
    return page;
  }
  async function signIn(page: Page, account: string, who: { name: string; idNumber: string }, options: { child?: boolean } = {}): Promise<void> {
    await page.fill('#account', account);
    await page.click('#enter');
    await page.locator('form.pg-box').waitFor();
    await page.fill('#pg-name', who.name);
    await page.fill('#pg-idNumber', who.idNumber);
    await page.click('form.pg-box button');
    if (options.child) await consent(page);
  }
  /** Under 14: the form's consent step, the guardian's checkbox ticked (2019 Children's PI Regulations Arts. 9–10). */
  async function consent(page: Page): Promise<void> {
    await page.locator('.pg-consent').waitFor();
    await page.check('#pg-consent');
    await page.click('form.pg-box button');
  }
  // Run in the page (this file is compiled without the DOM library, hence globalThis).
  const state = (page: Page) => page.evaluate(() => (globalThis as unknown as { playguardDemo: { state: string } }).playguardDemo.state);
  const beatNow = (page: Page) =>
    page.evaluate(() => (globalThis as unknown as { playguardDemo: { session: { beat(): Promise<void> } } }).playguardDemo.session.beat());
  const tabShown = (page: Page) =>
    page.evaluate(() => (globalThis as unknown as { document: EventTarget }).document.dispatchEvent(new Event('visibilitychange')));
  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, name) });

  it(
    'tells a 10-year-old that the game is rated 12+',
    async () => {
      await t.api.setClock('2026-12-04T20:40:00+08:00');
      const page = await open();
      await signIn(page, 'demo-child', person('2016-03-03'), { child: true });
      const dialog = page.locator('.pg-cover [role=dialog]');
      await eventually(() => dialog.textContent()).toBe('适龄提示您未满 12 周岁，本游戏不适合您的年龄段，请在监护人指导下选择适合的游戏。我知道了');
      expect(await page.locator('.pg-rating').textContent()).toBe('12+适龄提示');
      expect(await page.locator('.pg-rating').getAttribute('class')).toBe('pg-rating pg-below');
      await shot(page, '00-below-age-rating.png');
      await page.click('.pg-cover button');
      await page.click('#quit');
      await eventually(() => state(page)).toBe('ended');
      await page.close();
    },
    HEAVY_TEST_MS,
  );

  it(
    "lets a 13-year-old play from 20:44, warns at 15 and 5 minutes, and stops play at 21:00 with Saturday's window",
    async () => {
      await t.api.setClock('2026-12-04T20:44:00+08:00');
      const page = await open();
      await shot(page, '01-sign-in.png');
      await page.fill('#account', 'demo-minor');
      await page.click('#enter');
      await page.locator('form.pg-box').waitFor();
      expect(await page.locator('form.pg-box h2').textContent()).toBe('实名认证');
      const who = person('2013-01-10');
      // A mistyped number first: the gateway's refusal is shown in the form, which stays open.
      await page.fill('#pg-name', who.name);
      await page.fill('#pg-idNumber', `${who.idNumber.slice(0, 17)}${who.idNumber[17] === '0' ? '1' : '0'}`);
      await page.click('form.pg-box button');
      await eventually(() => page.locator('form.pg-box .pg-err').textContent()).toBe(PROBLEMS.invalid_id_number.detail);
      await shot(page, '02-real-name-refused.png');
      await page.fill('#pg-idNumber', who.idNumber);
      await page.click('form.pg-box button');
      // Verified, and under 14: the form goes on to the guardian's consent, naming the privacy policy version.
      await page.locator('.pg-consent').waitFor();
      expect(await page.locator('.pg-consent label').textContent()).toBe('我是该用户的监护人，已阅读并同意《隐私政策》（版本 1）');
      expect(await page.locator('form.pg-box button').textContent()).toBe('同意并继续');
      expect(await page.locator('form.pg-box h2').textContent()).toBe('监护人同意');
      await shot(page, '02b-guardian-consent.png');
      await page.check('#pg-consent');
      await page.click('form.pg-box button');
      await eventually(() => state(page)).toBe('playing');

      // The badge counts down from the server's 960 s; the label is 12+, which a 13-year-old is not below.
      expect(await page.locator('.pg-badge').textContent()).toMatch(/^剩余游戏时间 1[56]:\d\d$/);
      expect(await page.locator('.pg-rating').getAttribute('class')).toBe('pg-rating');
      expect(await page.locator('#status').textContent()).toBe('未成年人模式：请在规定时段内适度游戏');
      await shot(page, '03-minor-playing.png');

      await t.api.setClock('2026-12-04T20:45:00+08:00');
      await beatNow(page);
      await eventually(() => page.locator('.pg-toast').textContent()).toBe('您本次游戏时间还剩 15 分钟，请合理安排游戏时间，注意休息。');
      expect(await page.locator('.pg-badge').textContent()).toMatch(/^剩余游戏时间 1[45]:\d\d$/);
      await shot(page, '04-warning-15-minutes.png');

      // The 5-minute warning through the path a background tab takes when it becomes visible again.
      await t.api.setClock('2026-12-04T20:55:00+08:00');
      await tabShown(page);
      await eventually(() => page.locator('.pg-toast').textContent()).toBe('您本次游戏时间还剩 5 分钟，请合理安排游戏时间，注意休息。');
      await shot(page, '05-warning-5-minutes.png');

      await t.api.setClock('2026-12-04T21:00:00+08:00');
      await beatNow(page);
      await eventually(() => state(page)).toBe('terminated');
      const dialog = page.locator('.pg-cover [role=dialog]');
      await eventually(() => dialog.locator('.pg-next').textContent()).toBe('下次可游戏时间：12月5日（周六）20:00–21:00');
      expect(await dialog.locator('h2').textContent()).toBe('游戏时间已结束');
      expect(await dialog.locator('p').first().textContent()).toBe('根据国家防沉迷规定，本时段游戏时间已结束，请注意休息。');
      expect(await page.locator('.pg-badge').count()).toBe(0);
      await shot(page, '06-end-of-play.png');

      // Signing in again is refused until then, and the dialog says why and when.
      await page.reload();
      await page.fill('#account', 'demo-minor');
      await page.click('#enter');
      await eventually(() => state(page)).toBe('restricted');
      await eventually(() => page.locator('.pg-cover .pg-next').textContent()).toBe('下次可游戏时间：12月5日（周六）20:00–21:00');
      expect(await page.locator('.pg-cover h2').textContent()).toBe('当前时段不可游戏');
      // The problem's own detail: the rule in force (shared/domain/playPolicy.ts).
      expect(await page.locator('.pg-cover p').first().textContent()).toBe(playTimeRuleDetail(PRESETS['nppa-2021']));
      await shot(page, '07-restricted-at-login.png');

      // The complaint entry point (投诉与反馈) is there after sign-in, playing or not; the answer is due 15 days on.
      await page.click('.pg-cover button');
      await page.click('.pg-complaint');
      await page.selectOption('#pg-category', 'play_time');
      await page.fill('#pg-complaint-text', '今晚九点准时结束了，但我只玩了十几分钟。');
      await shot(page, '07b-complaint-form.png');
      await page.click('form.pg-box button[type=submit], form.pg-box button:not([type])');
      await expect.poll(() => page.locator('.pg-cover [role=dialog] p').textContent()).toMatch(/^已收到您的投诉，我们将于 12月19日（周六）21:0\d 前答复。$/);
      await shot(page, '07c-complaint-received.png');
      await page.close();
    },
    HEAVY_TEST_MS,
  );

  it(
    'lets an adult play at 21:30 and on, with no limit',
    async () => {
      await t.api.setClock('2026-12-04T21:30:00+08:00');
      const page = await open();
      await signIn(page, 'demo-adult', person('1990-05-05'));
      await eventually(() => state(page)).toBe('playing');
      expect(await page.locator('.pg-badge').textContent()).toBe('成年用户 · 不受游戏时长限制');
      await t.api.setClock('2026-12-04T23:30:00+08:00');
      await beatNow(page);
      expect(await state(page)).toBe('playing');
      expect(await page.locator('.pg-cover').count()).toBe(0);
      expect(await page.locator('.pg-toast').count()).toBe(0);
      expect(await page.locator('#status').textContent()).toBe('已实名（成年）：祝您游戏愉快');
      await shot(page, '08-adult-no-limit.png');
      await page.click('#quit');
      await eventually(() => state(page)).toBe('ended');
      await page.close();
      expect(failures).toEqual([]);
      // The refusals of the whole run: the mistyped ID number and the 13-year-old's second login after 21:00.
      expect(refusals).toEqual(['422 POST /v1/identity', '403 POST /v1/sessions']);
    },
    HEAVY_TEST_MS,
  );
});
