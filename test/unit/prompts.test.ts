/**
 * The standard prompts (packages/client/src/prompts.ts, as built: @playguard/client/prompts) on a small fake DOM, with fake timers: what each
 * prompt says by default, that every text can be replaced, the badge counting down from the
 * server's figure, the warning going away, the real-name form's refusal and success, the
 * end-of-play dialog, the age-rating label, and a session wired to all of them.
 * test/browser/demo.test.ts shows the same prompts in Chromium.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PlayGuardSession, SessionEvents } from '@playguard/client';
import { beijingWallClock, DEFAULT_TEXTS, mountPrompts } from '@playguard/client/prompts';

class FakeElement {
  className = '';
  title = '';
  style = { position: '' };
  children: FakeElement[] = [];
  parent: FakeElement | undefined;
  attributes: Record<string, string> = {};
  listeners: Record<string, Array<(e: { preventDefault(): void }) => void>> = {};
  [key: string]: unknown;
  private ownText: string | null = null;
  constructor(
    readonly tag: string,
    readonly ownerDocument: FakeDocument,
  ) {}
  get textContent(): string {
    return this.ownText ?? this.children.map((c) => c.textContent).join('');
  }
  set textContent(value: string | null) {
    this.ownText = value;
  }
  append(...nodes: FakeElement[]): void {
    for (const n of nodes) {
      n.remove();
      n.parent = this;
      this.children.push(n);
    }
  }
  remove(): void {
    if (this.parent) this.parent.children.splice(this.parent.children.indexOf(this), 1);
    this.parent = undefined;
  }
  setAttribute(name: string, value: string): void {
    this.attributes[name] = value;
  }
  addEventListener(type: string, listener: (e: { preventDefault(): void }) => void): void {
    (this.listeners[type] ??= []).push(listener);
  }
  fire(type: string): void {
    for (const l of this.listeners[type] ?? []) l({ preventDefault() {} });
  }
  find(cls: string): FakeElement | undefined {
    for (const c of this.children) {
      if (c.className.split(' ').includes(cls) || c.tag === cls) return c;
      const deeper = c.find(cls);
      if (deeper) return deeper;
    }
    return undefined;
  }
  all(tag: string): FakeElement[] {
    return this.children.flatMap((c) => [...(c.tag === tag ? [c] : []), ...c.all(tag)]);
  }
}
class FakeDocument {
  defaultView = { getComputedStyle: (e: FakeElement) => ({ position: e.style.position || 'static' }) };
  createElement(tag: string): FakeElement {
    return new FakeElement(tag, this);
  }
}

const root = () => new FakeDocument().createElement('div');
/** The prompts' own layer (without its style sheet). */
const layer = (r: FakeElement) => r.children[0]!;
const shown = (r: FakeElement) =>
  layer(r)
    .children.filter((c) => c.tag !== 'style')
    .map((c) => [c.className, c.textContent]);

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('default texts', () => {
  it('write instants as the Beijing wall clock with the weekday', () => {
    expect(beijingWallClock('2026-12-05T20:00:00+08:00')).toBe('12月5日（周六）20:00');
    expect(beijingWallClock('2027-01-01T00:05:00+08:00')).toBe('1月1日（周五）00:05');
    expect(beijingWallClock('soon')).toBe('soon');
    expect(DEFAULT_TEXTS.nextWindow('2026-12-05T20:00:00+08:00', '2026-12-05T21:00:00+08:00')).toBe('下次可游戏时间：12月5日（周六）20:00–21:00');
    // Play becomes unlimited at 18: a start and no end.
    expect(DEFAULT_TEXTS.nextWindow('2031-01-10T00:00:00+08:00', null)).toBe('下次可游戏时间：1月10日（周五）00:00 起');
  });

  it('say the time left, the warnings, the end of play and the age label', () => {
    expect([DEFAULT_TEXTS.badge(960), DEFAULT_TEXTS.badge(59), DEFAULT_TEXTS.badge(0)]).toEqual([
      '剩余游戏时间 16:00',
      '剩余游戏时间 00:59',
      '剩余游戏时间 00:00',
    ]);
    expect([DEFAULT_TEXTS.warn(15), DEFAULT_TEXTS.warn(5)]).toEqual([
      '您本次游戏时间还剩 15 分钟，请合理安排游戏时间，注意休息。',
      '您本次游戏时间还剩 5 分钟，请合理安排游戏时间，注意休息。',
    ]);
    const end = (reason: string, detail?: string) => ({
      reason: reason as never,
      nextWindowStart: null,
      nextWindowEnd: null,
      ...(detail ? { problem: { detail } as never } : {}),
    });
    expect(DEFAULT_TEXTS.endTitle(end('outside_allowed_hours'))).toBe('游戏时间已结束');
    expect(DEFAULT_TEXTS.endTitle(end('play_time_restricted'))).toBe('当前时段不可游戏');
    expect(DEFAULT_TEXTS.endBody(end('outside_allowed_hours'))).toBe('根据国家防沉迷规定，本时段游戏时间已结束，请注意休息。');
    expect(DEFAULT_TEXTS.endBody(end('play_time_exhausted'))).toBe('根据国家防沉迷规定，您今日的游戏时长已用完，请注意休息。');
    expect(DEFAULT_TEXTS.endBody(end('signed_in_elsewhere'))).toBe('您的账号已在其他设备登录，本设备已退出游戏。');
    expect(DEFAULT_TEXTS.endBody(end('unauthorized', '登录状态无效，请重新登录。'))).toBe('登录状态无效，请重新登录。');
    expect(DEFAULT_TEXTS.endBody(end('unknown'))).toBe('游戏已结束。');
    expect([DEFAULT_TEXTS.rating(16), DEFAULT_TEXTS.belowRating(16)]).toEqual([
      '本游戏适合 16 周岁及以上用户。',
      '您未满 16 周岁，本游戏不适合您的年龄段，请在监护人指导下选择适合的游戏。',
    ]);
  });
});

describe('mountPrompts', () => {
  it("counts the badge down each second from the server's figure, and hides it for no limit", async () => {
    const r = root();
    const p = mountPrompts(r as never);
    expect(r.style.position).toBe('relative');
    p.badge(65);
    expect(shown(r)).toEqual([['pg-badge', '剩余游戏时间 01:05']]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(shown(r)).toEqual([['pg-badge', '剩余游戏时间 01:04']]);
    await vi.advanceTimersByTimeAsync(70_000);
    expect(shown(r)).toEqual([['pg-badge', '剩余游戏时间 00:00']]);
    p.badge(null);
    expect(shown(r)).toEqual([]);
  });

  it('shows a warning for warnSeconds, then takes it away', async () => {
    const r = root();
    const p = mountPrompts(r as never, { warnSeconds: 5 });
    p.warn(900);
    expect(shown(r)).toEqual([['pg-toast', '您本次游戏时间还剩 15 分钟，请合理安排游戏时间，注意休息。']]);
    expect(layer(r).find('pg-toast')!.attributes.role).toBe('alert');
    await vi.advanceTimersByTimeAsync(4_999);
    expect(shown(r)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(shown(r)).toEqual([]);
  });

  it('uses every text the publisher gives instead of the default', async () => {
    const r = root();
    const p = mountPrompts(r as never, {
      texts: {
        badge: (s) => `left ${s}`,
        unlimitedBadge: 'no limit',
        warn: (m) => `${m} min`,
        endTitle: () => 'Over',
        endBody: (e) => `because ${e.reason}`,
        nextWindow: (start, end) => `next ${start}/${end}`,
        closeLabel: 'OK',
        ratingTitle: 'Rating',
        rating: (n) => `for ${n}+`,
        belowRating: (n) => `under ${n}`,
      },
    });
    p.badge(30);
    p.warn(299);
    p.ageRating(12, false);
    expect(shown(r)).toEqual([
      ['pg-badge', 'left 30'],
      ['pg-toast', '5 min'],
      ['pg-rating', '12+Rating'],
    ]);
    expect(layer(r).find('pg-rating')!.title).toBe('for 12+');
    p.badge(null);
    expect(shown(r)).toContainEqual(['pg-badge', 'no limit']);
    void p.endOfPlay({ reason: 'outside_allowed_hours', nextWindowStart: 'S', nextWindowEnd: 'E' });
    expect(layer(r).find('pg-cover')!.textContent).toBe('Overbecause outside_allowed_hoursnext S/EOK');
    p.ageRating(16, true);
    expect(layer(r).find('pg-cover')!.textContent).toBe('Ratingunder 16OK');
  });

  it('closes the end-of-play dialog when the player says so, without a next window when none is known', async () => {
    const r = root();
    const p = mountPrompts(r as never);
    p.badge(10);
    const closed = p.endOfPlay({ reason: 'signed_in_elsewhere', nextWindowStart: null, nextWindowEnd: null });
    const dialog = layer(r).find('pg-box')!;
    expect(dialog.attributes.role).toBe('dialog');
    expect(dialog.children.map((c) => c.textContent)).toEqual(['游戏时间已结束', '您的账号已在其他设备登录，本设备已退出游戏。', '我知道了']);
    expect(layer(r).find('pg-badge')).toBeUndefined();
    dialog.find('button')!.fire('click');
    await closed;
    expect(shown(r)).toEqual([]);
  });

  it('shows a refusal of the real-name form in the form, and resolves once a submission is accepted', async () => {
    const r = root();
    const p = mountPrompts(r as never);
    const submit = vi
      .fn()
      .mockRejectedValueOnce({ detail: '身份证号码格式不正确，请核对后重新输入。' })
      .mockResolvedValueOnce({ status: 'pending', ageBand: 16, minor: true });
    const done = p.realNameForm(submit);
    const form = layer(r).find('form')!;
    expect(form.all('h2')[0]!.textContent).toBe('实名认证');
    expect(form.all('label').map((l) => [l.textContent, l.htmlFor])).toEqual([
      ['真实姓名', 'pg-name'],
      ['身份证号码', 'pg-idNumber'],
    ]);
    const [name, id] = form.all('input');
    name!.value = '张三';
    id!.value = '11010120130110003X';
    form.fire('submit');
    const button = form.find('button')!;
    expect([button.disabled, button.textContent]).toEqual([true, '认证中…']);
    await vi.advanceTimersByTimeAsync(0);
    expect([form.find('pg-err')!.textContent, button.disabled, button.textContent]).toEqual(['身份证号码格式不正确，请核对后重新输入。', false, '提交认证']);
    form.fire('submit');
    expect(await done).toEqual({ status: 'pending', ageBand: 16, minor: true });
    expect(submit.mock.calls).toEqual([[{ name: '张三', idNumber: '11010120130110003X' }], [{ name: '张三', idNumber: '11010120130110003X' }]]);
    // Pending: the player is told the national system has not answered yet.
    expect(shown(r)).toEqual([['pg-toast', '实名信息已提交，正在等待国家实名认证系统核验结果。']]);
  });

  it("goes on to the guardian's consent for a child under 14: a checkbox naming the policy version, then the same submission with it", async () => {
    const r = root();
    const p = mountPrompts(r as never);
    const missing = {
      status: 'verified',
      ageBand: 8,
      minor: true,
      guardianConsent: { required: true, given: false, policyVersion: '2026-12', consent: 'attested' },
    };
    const given = { ...missing, guardianConsent: { ...missing.guardianConsent, given: true } };
    const submit = vi.fn().mockResolvedValueOnce(missing).mockResolvedValueOnce(given);
    const done = p.realNameForm(submit);
    const form = layer(r).find('form')!;
    const [name, id] = form.all('input');
    name!.value = '李小华';
    id!.value = '110101201401010012';
    form.fire('submit');
    await vi.advanceTimersByTimeAsync(0);
    // The form stays for the consent step: the identity fields step aside (the identity is verified);
    // the notice, the checkbox naming the version, and its button.
    expect(form.all('h2')[0]!.textContent).toBe('监护人同意');
    expect(form.all('label').map((l) => l.htmlFor)).toEqual(['pg-consent']);
    const consent = form.find('pg-consent')!;
    expect(consent.children.map((c) => c.textContent)).toEqual([DEFAULT_TEXTS.consentNotice, '我是该用户的监护人，已阅读并同意《隐私政策》（版本 2026-12）']);
    const box = consent.all('input')[0]!;
    expect([box.type, box.required, box.checked]).toEqual(['checkbox', true, false]);
    expect(form.find('button')!.textContent).toBe('同意并继续');
    // Not ticked: nothing is sent.
    form.fire('submit');
    expect(form.find('pg-err')!.textContent).toBe('请监护人勾选同意后继续。');
    expect(submit).toHaveBeenCalledTimes(1);
    box.checked = true;
    form.fire('submit');
    expect(await done).toEqual(given);
    expect(submit.mock.calls).toEqual([
      [{ name: '李小华', idNumber: '110101201401010012' }],
      [{ name: '李小华', idNumber: '110101201401010012', guardianConsent: { policyVersion: '2026-12' } }],
    ]);
    expect(shown(r)).toEqual([]);
  });

  it('shows the consent step at once when the game knows it is needed, and says a guardian consents under policy guardian', async () => {
    const r = root();
    const p = mountPrompts(r as never);
    void p.realNameForm(vi.fn(), { guardianConsent: { policyVersion: '2027-01' } });
    expect(layer(r).find('pg-consent')!.textContent).toContain('（版本 2027-01）');

    const r2 = root();
    const p2 = mountPrompts(r2 as never);
    const answer = {
      status: 'verified',
      ageBand: 8,
      minor: true,
      guardianConsent: { required: true, given: false, policyVersion: '2026-12', consent: 'guardian' },
    };
    const done = p2.realNameForm(vi.fn().mockResolvedValue(answer));
    const form = layer(r2).find('form')!;
    form.fire('submit');
    await vi.advanceTimersByTimeAsync(0);
    const dialog = layer(r2).find('pg-box')!;
    expect(dialog.children.map((c) => c.textContent)).toEqual([
      '实名认证',
      '不满14周岁的用户须由监护人在家长端确认同意《隐私政策》（版本 2026-12）后，才能游戏或充值。',
      '我知道了',
    ]);
    dialog.find('button')!.fire('click');
    expect(await done).toEqual(answer);
  });

  it('offers the complaint entry point (投诉与反馈): the form with its categories, a refusal in the form, the due date once received', async () => {
    const r = root();
    const p = mountPrompts(r as never);
    const received = { complaintId: 'r1', status: 'open', receivedAt: '2026-12-04T20:50:00+08:00', dueAt: '2026-12-19T20:50:00+08:00' };
    const submit = vi.fn().mockRejectedValueOnce({ detail: '请求格式不正确。' }).mockResolvedValueOnce(received);
    p.complaintEntry(submit);
    const entry = layer(r).find('pg-complaint')!;
    expect([entry.tag, entry.textContent, entry.type]).toEqual(['button', '投诉与反馈', 'button']);
    entry.fire('click');
    const form = layer(r).find('form')!;
    expect(form.find('select')!.children.map((o) => [o.value, o.textContent])).toEqual([
      ['play_time', '游戏时间'],
      ['payment', '充值消费'],
      ['real_name', '实名认证'],
      ['personal_information', '个人信息'],
      ['account_sharing', '账号出租出借'],
      ['other', '其他'],
    ]);
    const text = form.find('textarea')!;
    expect([text.required, text.maxLength]).toEqual([true, 2000]);
    form.find('select')!.value = 'payment';
    text.value = '孩子误充值了 30 元。';
    form.fire('submit');
    await vi.advanceTimersByTimeAsync(0);
    expect(form.find('pg-err')!.textContent).toBe('请求格式不正确。');
    form.fire('submit');
    await vi.advanceTimersByTimeAsync(0);
    expect(submit.mock.calls).toEqual([[{ category: 'payment', text: '孩子误充值了 30 元。' }], [{ category: 'payment', text: '孩子误充值了 30 元。' }]]);
    expect(layer(r).find('pg-cover')!.textContent).toBe('投诉与反馈已收到您的投诉，我们将于 12月19日（周六）20:50 前答复。我知道了');
    // The entry point stays for the next one.
    expect(layer(r).find('pg-complaint')).toBeDefined();
  });

  it('wires a session: its age label, badge, warnings and end of play; and unwires it', async () => {
    const listeners: { [K in keyof SessionEvents]?: (e: SessionEvents[K]) => void } = {};
    const session = {
      started: { ageRating: 16, belowRating: false },
      remainingSeconds: 960,
      on: <K extends keyof SessionEvents>(name: K, f: (e: SessionEvents[K]) => void) => {
        (listeners as Record<string, unknown>)[name] = f;
        return () => delete listeners[name];
      },
    } as unknown as PlayGuardSession;
    const r = root();
    const p = mountPrompts(r as never);
    const off = p.attach(session);
    expect(shown(r)).toEqual([
      ['pg-rating', '16+适龄提示'],
      ['pg-badge', '剩余游戏时间 16:00'],
    ]);
    listeners.warn!({ action: 'warn', remainingSeconds: 300, endsAt: null, nextHeartbeatSeconds: 60, seq: 11 });
    listeners.heartbeat!({ action: 'warn', remainingSeconds: 300, endsAt: null, nextHeartbeatSeconds: 60, seq: 11 });
    expect(shown(r)).toContainEqual(['pg-toast', '您本次游戏时间还剩 5 分钟，请合理安排游戏时间，注意休息。']);
    expect(shown(r)).toContainEqual(['pg-badge', '剩余游戏时间 05:00']);
    listeners.terminate!({ reason: 'outside_allowed_hours', nextWindowStart: '2026-12-05T20:00:00+08:00', nextWindowEnd: '2026-12-05T21:00:00+08:00' });
    expect(layer(r).find('pg-next')!.textContent).toBe('下次可游戏时间：12月5日（周六）20:00–21:00');
    off();
    expect(Object.keys(listeners)).toEqual([]);
    p.destroy();
    expect(r.children).toEqual([]);
  });
});
