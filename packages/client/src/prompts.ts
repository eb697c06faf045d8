/**
 * The standard player prompts, in plain DOM (no framework): the real-name form with the guardian's
 * consent step for a child under 14 (2019 Children's PI Regulations Arts. 9–10: a checkbox naming
 * the privacy policy version), the remaining-time badge, the warnings before the end of play, the
 * end-of-play dialog with the next allowed window, the age-appropriateness label (适龄提示, 2024
 * Regulations on the Online Protection of Minors, Art. 47) and the complaint entry point (投诉与反馈,
 * Art. 7). `mountPrompts(element)` renders into one element; every text is a default the publisher
 * may replace (`texts`), since the publisher, not this package, answers for what players read.
 */
import type { PlayGuardSession, TerminateEvent } from './session.js';
import type { ComplaintCategory, ComplaintReceived, ComplaintSubmission, IdentitySubmission, IdentitySubmitted } from './types.js';

export interface PromptTexts {
  realNameTitle: string;
  realNameNotice: string;
  nameLabel: string;
  idNumberLabel: string;
  submitLabel: string;
  submittingLabel: string;
  /** Shown when the national system has not answered yet (the identity is pending; play follows the age in the ID number meanwhile). */
  pendingNotice: string;
  /** The badge while a limit applies. */
  badge(remainingSeconds: number): string;
  /** The badge when no limit applies (an adult); empty hides it. */
  unlimitedBadge: string;
  /** The warning before the end of play, in whole minutes left (rounded up). */
  warn(minutesLeft: number): string;
  /** The end-of-play dialog's title; also shown when a login is refused for the time of day (`play_time_restricted`). */
  endTitle(event: TerminateEvent): string;
  endBody(event: TerminateEvent): string;
  /** The next allowed window (ISO instants with the Beijing offset; `end` null when play is then unlimited). */
  nextWindow(start: string, end: string | null): string;
  closeLabel: string;
  ratingTitle: string;
  rating(ageRating: number): string;
  belowRating(ageRating: number): string;
  /** The consent step of the real-name form (a child under 14, policy `attested`). */
  consentTitle: string;
  consentNotice: string;
  /** The guardian's checkbox, naming the privacy policy version consented to. */
  consentLabel(policyVersion: string): string;
  consentSubmitLabel: string;
  consentMissing: string;
  /** Under policy `guardian`: only a confirmed guardian records the consent, in the parent's app. */
  consentByGuardian(policyVersion: string): string;
  /** The complaint entry point's button and form (投诉与反馈). */
  complaintLabel: string;
  complaintNotice: string;
  complaintCategoryLabel: string;
  complaintCategories: Record<ComplaintCategory, string>;
  complaintTextLabel: string;
  complaintSubmitLabel: string;
  cancelLabel: string;
  /** Shown once a complaint is received, with its due date (an ISO instant with the Beijing offset). */
  complaintReceived(dueAt: string): string;
}

/**
 * What `mountPrompts` asks of its element: a browser's `HTMLElement` has all of it. Declared
 * structurally (parameters typed `never` so that the DOM's own, wider ones fit), so a project
 * compiled without the DOM library can still call it.
 */
export interface PromptRoot {
  ownerDocument: object;
  style: { position: string };
  append(...nodes: never[]): void;
}

const two = (n: number): string => String(n).padStart(2, '0');
const WEEKDAYS = '日一二三四五六';

/** `2026-12-05T20:00:00+08:00` → `12月5日（周六）20:00`: the wall clock of the instant as written (the API writes Beijing time). */
export function beijingWallClock(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso);
  if (!m) return iso;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  return `${mo}月${d}日（周${WEEKDAYS[new Date(Date.UTC(y, mo - 1, d)).getUTCDay()]}）${two(h)}:${two(mi)}`;
}

const END_BODIES: Record<string, string> = {
  outside_allowed_hours: '根据国家防沉迷规定，本时段游戏时间已结束，请注意休息。',
  play_time_exhausted: '根据国家防沉迷规定，您今日的游戏时长已用完，请注意休息。',
  signed_in_elsewhere: '您的账号已在其他设备登录，本设备已退出游戏。',
  session_expired: '游戏会话已结束，请重新登录。',
  account_blocked: '该账号已被限制使用。',
  challenge_failed: '身份核验未通过，本账号将按未成年人防沉迷规则管理。',
};

export const DEFAULT_TEXTS: PromptTexts = {
  realNameTitle: '实名认证',
  realNameNotice: '根据国家规定，网络游戏用户须使用真实有效的身份信息进行实名认证。您的信息仅用于国家网络游戏防沉迷实名认证系统核验。',
  nameLabel: '真实姓名',
  idNumberLabel: '身份证号码',
  submitLabel: '提交认证',
  submittingLabel: '认证中…',
  pendingNotice: '实名信息已提交，正在等待国家实名认证系统核验结果。',
  badge: (s) => `剩余游戏时间 ${two(Math.floor(s / 60))}:${two(s % 60)}`,
  unlimitedBadge: '',
  warn: (m) => `您本次游戏时间还剩 ${m} 分钟，请合理安排游戏时间，注意休息。`,
  endTitle: (e) => (e.reason === 'play_time_restricted' ? '当前时段不可游戏' : '游戏时间已结束'),
  endBody: (e) => END_BODIES[e.reason] ?? e.problem?.detail ?? '游戏已结束。',
  nextWindow: (start, end) => `下次可游戏时间：${beijingWallClock(start)}${end ? `–${beijingWallClock(end).slice(-5)}` : ' 起'}`,
  closeLabel: '我知道了',
  ratingTitle: '适龄提示',
  rating: (r) => `本游戏适合 ${r} 周岁及以上用户。`,
  belowRating: (r) => `您未满 ${r} 周岁，本游戏不适合您的年龄段，请在监护人指导下选择适合的游戏。`,
  consentTitle: '监护人同意',
  consentNotice: '根据《儿童个人信息网络保护规定》，不满14周岁的用户须经监护人同意本游戏的隐私政策后，才能游戏或充值。请监护人阅读隐私政策后勾选同意。',
  consentLabel: (v) => `我是该用户的监护人，已阅读并同意《隐私政策》（版本 ${v}）`,
  consentSubmitLabel: '同意并继续',
  consentMissing: '请监护人勾选同意后继续。',
  consentByGuardian: (v) => `不满14周岁的用户须由监护人在家长端确认同意《隐私政策》（版本 ${v}）后，才能游戏或充值。`,
  complaintLabel: '投诉与反馈',
  complaintNotice: '您的投诉或请求将在规定期限内得到答复，答复可在“我的投诉”中查看。',
  complaintCategoryLabel: '类别',
  complaintCategories: {
    play_time: '游戏时间',
    payment: '充值消费',
    real_name: '实名认证',
    personal_information: '个人信息',
    account_sharing: '账号出租出借',
    other: '其他',
  },
  complaintTextLabel: '内容',
  complaintSubmitLabel: '提交',
  cancelLabel: '取消',
  complaintReceived: (dueAt) => `已收到您的投诉，我们将于 ${beijingWallClock(dueAt)} 前答复。`,
};

const CSS = `.pg{font:14px/1.5 system-ui,"PingFang SC","Microsoft YaHei",sans-serif;color:#222}
.pg-badge{position:absolute;top:8px;right:8px;background:rgba(0,0,0,.7);color:#fff;padding:2px 10px;border-radius:12px}
.pg-toast{position:absolute;top:40px;left:50%;transform:translateX(-50%);background:#fff7e0;border:1px solid #e0a800;padding:8px 14px;border-radius:6px;max-width:90%}
.pg-cover{position:absolute;inset:0;background:rgba(0,0,0,.55);display:flex;overflow:auto}
.pg-box{margin:auto;background:#fff;border-radius:8px;padding:16px 20px;width:min(340px,90%);box-shadow:0 4px 24px rgba(0,0,0,.3)}
.pg-box h2{margin:0 0 8px;font-size:18px}.pg-box p{margin:6px 0}.pg-box label{display:block;margin:8px 0 2px}
.pg-box input{width:100%;box-sizing:border-box;padding:6px}.pg-box button{margin-top:12px;width:100%;padding:8px;font-size:15px}
.pg-err{color:#c00}.pg-next{font-weight:bold}
.pg-rating{position:absolute;top:8px;left:8px;display:flex;gap:6px;align-items:center;background:rgba(255,255,255,.9);padding:2px 8px;border-radius:4px}
.pg-rating b{background:#1f8f3a;color:#fff;border-radius:4px;padding:0 6px}.pg-rating.pg-below b{background:#d97a00}
.pg-consent{background:#f3f7ff;border:1px solid #8aa9e6;border-radius:6px;padding:6px 8px;margin-top:8px}.pg-consent label{display:flex;gap:6px;align-items:flex-start}.pg-consent input{width:auto;margin-top:3px}
.pg-complaint{position:absolute;bottom:8px;left:8px;background:rgba(255,255,255,.9);border:1px solid #888;border-radius:12px;padding:2px 10px;font-size:13px;cursor:pointer}
.pg-box select,.pg-box textarea{width:100%;box-sizing:border-box;padding:6px;font:inherit}.pg-box textarea{min-height:90px}.pg-actions{display:flex;gap:8px}`;

export interface PromptOptions {
  texts?: Partial<PromptTexts>;
  /** How long a warning stays on screen (default 15 s). */
  warnSeconds?: number;
}

export interface Prompts {
  /**
   * Shows the real-name form and resolves with the submission's answer once `submit` accepts it; a
   * refusal's `detail` is shown in the form. For a child under 14 whose guardian's consent the answer
   * says is missing (policy `attested`), the form goes on to the consent step — a checkbox naming the
   * privacy policy version — and submits again with `guardianConsent`; under policy `guardian` it tells
   * the player the guardian consents in the parent's app. `options.guardianConsent`: show the consent
   * step at once (e.g. after `guardian_consent_required` names a new policy version).
   */
  realNameForm(
    submit: (who: IdentitySubmission) => Promise<IdentitySubmitted>,
    options?: { guardianConsent?: { policyVersion: string } },
  ): Promise<IdentitySubmitted>;
  /** The complaint entry point (投诉与反馈): a button that opens `complaintForm`. */
  complaintEntry(submit: (complaint: ComplaintSubmission) => Promise<ComplaintReceived>): void;
  /** The complaint form; resolves with the answer once received (the player is told the due date), or null when cancelled. */
  complaintForm(submit: (complaint: ComplaintSubmission) => Promise<ComplaintReceived>): Promise<ComplaintReceived | null>;
  /** The remaining-time badge, counting down each second from the server's figure; null is the unlimited badge. */
  badge(remainingSeconds: number | null): void;
  warn(remainingSeconds: number): void;
  /** The end-of-play dialog; resolves when the player closes it. */
  endOfPlay(event: TerminateEvent): Promise<void>;
  ageRating(ageRating: number | null, belowRating: boolean): void;
  /** Wires a session to the prompts: its badge, warnings, end of play and age rating. Returns the unwiring. */
  attach(session: PlayGuardSession): () => void;
  destroy(): void;
}

/** Renders the prompts into `root` (made `position: relative` if it is static, so they overlay the game). */
export function mountPrompts(element: PromptRoot, options: PromptOptions = {}): Prompts {
  const root = element as unknown as HTMLElement;
  const x: PromptTexts = { ...DEFAULT_TEXTS, ...options.texts };
  const doc = root.ownerDocument;
  const el = <T extends HTMLElement = HTMLElement>(tag: string, cls: string, text?: string): T => {
    const e = doc.createElement(tag) as T;
    e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const layer = el('div', 'pg');
  layer.append(el('style', '', CSS));
  root.append(layer);
  if (doc.defaultView?.getComputedStyle(root).position === 'static') root.style.position = 'relative';

  const parts: Record<string, HTMLElement | undefined> = {};
  const put = (key: string, node: HTMLElement | undefined): void => {
    parts[key]?.remove();
    parts[key] = node;
    if (node) layer.append(node);
  };
  let tick: ReturnType<typeof setInterval> | undefined;
  let toastTimer: ReturnType<typeof setTimeout> | undefined;

  const dialog = (title: string, lines: Array<[string, string]>, button: string): { box: HTMLElement; closed: Promise<void> } => {
    const box = el('div', 'pg-box');
    box.setAttribute('role', 'dialog');
    box.append(el('h2', '', title), ...lines.filter(([, t]) => t).map(([cls, t]) => el('p', cls, t)));
    const close = el('button', '', button);
    box.append(close);
    const cover = el('div', 'pg-cover');
    cover.append(box);
    put('dialog', cover);
    return { box, closed: new Promise((resolve) => close.addEventListener('click', () => (put('dialog', undefined), resolve()))) };
  };

  const prompts: Prompts = {
    realNameForm(submit, options = {}) {
      const form = el('form', 'pg-box');
      const identityFields: HTMLElement[] = [];
      const input = (label: string, name: string, auto: string): HTMLInputElement => {
        const i = el<HTMLInputElement>('input', '');
        Object.assign(i, { name, required: true, autocomplete: auto, id: `pg-${name}` });
        const l = el<HTMLLabelElement>('label', '', label);
        l.htmlFor = i.id;
        form.append(l, i);
        identityFields.push(l, i);
        return i;
      };
      const title = el('h2', '', x.realNameTitle);
      const notice = el('p', '', x.realNameNotice);
      form.append(title, notice);
      identityFields.push(notice);
      const name = input(x.nameLabel, 'name', 'name');
      const id = input(x.idNumberLabel, 'idNumber', 'off');
      const error = el('p', 'pg-err');
      const button = el<HTMLButtonElement>('button', '', x.submitLabel);
      form.append(error, button);
      // The consent step: the guardian ticks the consent to the privacy policy version named.
      let consentVersion: string | undefined;
      const check = el<HTMLInputElement>('input', '');
      // After a verified answer the consent is all that is left to ask: the identity fields step aside (their values stay).
      const showConsent = (version: string, afterAnswer: boolean) => {
        consentVersion = version;
        if (afterAnswer) {
          title.textContent = x.consentTitle;
          identityFields.forEach((f) => f.remove());
        }
        Object.assign(check, { type: 'checkbox', required: true, id: 'pg-consent', checked: false });
        const label = el<HTMLLabelElement>('label', '');
        label.htmlFor = check.id;
        label.append(check, el('span', '', x.consentLabel(version)));
        const box = el('div', 'pg-consent');
        box.append(el('p', '', x.consentNotice), label);
        form.append(box, error, button);
      };
      if (options.guardianConsent) showConsent(options.guardianConsent.policyVersion, false);
      const idle = () => {
        button.disabled = false;
        button.textContent = consentVersion ? x.consentSubmitLabel : x.submitLabel;
      };
      idle();
      const cover = el('div', 'pg-cover');
      cover.append(form);
      put('dialog', cover);
      return new Promise((resolve) => {
        const done = (answer: IdentitySubmitted) => {
          put('dialog', undefined);
          if (answer.status === 'pending') prompts.warn(-1);
          resolve(answer);
        };
        form.addEventListener('submit', (event) => {
          event.preventDefault();
          if (consentVersion && !check.checked) {
            error.textContent = x.consentMissing;
            return;
          }
          button.disabled = true;
          button.textContent = x.submittingLabel;
          error.textContent = '';
          const who: IdentitySubmission = {
            name: name.value,
            idNumber: id.value,
            ...(consentVersion ? { guardianConsent: { policyVersion: consentVersion } } : {}),
          };
          submit(who).then(
            (answer) => {
              const consent = answer.guardianConsent;
              if (consent?.required && !consent.given && consent.consent === 'attested' && !who.guardianConsent) {
                showConsent(consent.policyVersion, true);
                return idle();
              }
              if (consent?.required && !consent.given && consent.consent === 'guardian') {
                return void dialog(x.realNameTitle, [['', x.consentByGuardian(consent.policyVersion)]], x.closeLabel).closed.then(() => done(answer));
              }
              done(answer);
            },
            (e: { detail?: string; message?: string }) => {
              error.textContent = e.detail ?? e.message ?? String(e);
              idle();
            },
          );
        });
      });
    },
    complaintEntry(submit) {
      const button = el<HTMLButtonElement>('button', 'pg-complaint', x.complaintLabel);
      button.type = 'button';
      button.addEventListener('click', () => void prompts.complaintForm(submit));
      put('complaint', button);
    },
    complaintForm(submit) {
      const form = el('form', 'pg-box');
      form.setAttribute('role', 'dialog');
      const category = el<HTMLSelectElement>('select', '');
      category.id = 'pg-category';
      for (const [value, label] of Object.entries(x.complaintCategories)) {
        const option = el<HTMLOptionElement>('option', '', label);
        option.value = value;
        category.append(option);
      }
      const text = el<HTMLTextAreaElement>('textarea', '');
      Object.assign(text, { id: 'pg-complaint-text', required: true, maxLength: 2000 });
      const labelOf = (t: string, e: HTMLElement) => {
        const l = el<HTMLLabelElement>('label', '', t);
        l.htmlFor = e.id;
        return l;
      };
      const error = el('p', 'pg-err');
      const send = el<HTMLButtonElement>('button', '', x.complaintSubmitLabel);
      const cancel = el<HTMLButtonElement>('button', '', x.cancelLabel);
      cancel.type = 'button';
      const actions = el('div', 'pg-actions');
      actions.append(send, cancel);
      form.append(
        el('h2', '', x.complaintLabel),
        el('p', '', x.complaintNotice),
        labelOf(x.complaintCategoryLabel, category),
        category,
        labelOf(x.complaintTextLabel, text),
        text,
        error,
        actions,
      );
      const cover = el('div', 'pg-cover');
      cover.append(form);
      put('dialog', cover);
      return new Promise((resolve) => {
        cancel.addEventListener('click', () => (put('dialog', undefined), resolve(null)));
        form.addEventListener('submit', (event) => {
          event.preventDefault();
          send.disabled = true;
          error.textContent = '';
          submit({ category: category.value as ComplaintCategory, text: text.value }).then(
            (received) => {
              void dialog(x.complaintLabel, [['', x.complaintReceived(received.dueAt)]], x.closeLabel);
              resolve(received);
            },
            (e: { detail?: string; message?: string }) => {
              error.textContent = e.detail ?? e.message ?? String(e);
              send.disabled = false;
            },
          );
        });
      });
    },
    badge(remaining) {
      clearInterval(tick);
      const text = remaining === null ? x.unlimitedBadge : x.badge(remaining);
      put('badge', text ? el('div', 'pg-badge', text) : undefined);
      if (remaining === null) return;
      // Counted down here from the server's figure, never from the device clock, which may be wrong.
      let left = remaining;
      tick = setInterval(() => {
        left = Math.max(0, left - 1);
        if (parts.badge) parts.badge.textContent = x.badge(left);
        if (!left) clearInterval(tick);
      }, 1000);
    },
    warn(remaining) {
      clearTimeout(toastTimer);
      const toast = el('div', 'pg-toast', remaining < 0 ? x.pendingNotice : x.warn(Math.ceil(remaining / 60)));
      toast.setAttribute('role', 'alert');
      put('toast', toast);
      toastTimer = setTimeout(() => put('toast', undefined), (options.warnSeconds ?? 15) * 1000);
    },
    endOfPlay(event) {
      clearInterval(tick);
      put('badge', undefined);
      put('toast', undefined);
      return dialog(
        x.endTitle(event),
        [
          ['', x.endBody(event)],
          ['pg-next', event.nextWindowStart ? x.nextWindow(event.nextWindowStart, event.nextWindowEnd) : ''],
        ],
        x.closeLabel,
      ).closed;
    },
    ageRating(rating, below) {
      if (rating === null) return put('rating', undefined);
      const box = el('div', below ? 'pg-rating pg-below' : 'pg-rating');
      box.title = below ? x.belowRating(rating) : x.rating(rating);
      box.append(el('b', '', `${rating}+`), el('span', '', x.ratingTitle));
      put('rating', box);
      // Below the label the player is told once, in words (the label alone is for everyone).
      if (below) dialog(x.ratingTitle, [['', x.belowRating(rating)]], x.closeLabel);
    },
    attach(session) {
      prompts.ageRating(session.started.ageRating, session.started.belowRating);
      prompts.badge(session.remainingSeconds);
      const off = [
        session.on('heartbeat', (a) => a.action !== 'terminate' && prompts.badge(a.remainingSeconds)),
        session.on('warn', (a) => prompts.warn(a.remainingSeconds ?? 0)),
        session.on('terminate', (e) => void prompts.endOfPlay(e)),
      ];
      return () => off.forEach((f) => f());
    },
    destroy() {
      clearInterval(tick);
      clearTimeout(toastTimer);
      layer.remove();
    },
  };
  return prompts;
}
