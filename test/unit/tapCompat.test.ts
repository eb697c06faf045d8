/**
 * `tapCompat` (packages/client/src/tapCompat.ts) against a scripted gateway: each TapSDK v4
 * compliance call does the PlayGuard calls docs/integration.md maps it to, and each outcome reaches
 * the registered callback as the TapSDK v4 code a studio's switch expects (500, 1000, 1030, 1050,
 * 1100, 1200, 9002), with PlayGuard's reason and the next window alongside.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPlayGuard, TAP_CODES, tapCompat, type Fetch, type TapComplianceExtra, type TapCompatOptions } from '@playguard/client';
import { PROBLEMS, problemBody, type ProblemCode } from '#shared/problem';

type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | 'lost';

/** A gateway answering by `METHOD /path` from scripted queues, recording every request. */
function gateway(script: Record<string, Reply[]>) {
  const sent: string[] = [];
  const fetch: Fetch = async (url, init) => {
    const key = `${init.method} ${url.replace('https://pg.test', '')}`;
    sent.push(init.body ? `${key} ${init.body}` : key);
    const reply = script[key]?.shift();
    if (reply === undefined) throw new Error(`no reply scripted for ${key}`);
    if (reply === 'lost') throw new TypeError('fetch failed');
    return {
      status: reply.status,
      headers: { get: (n: string) => reply.headers?.[n] ?? null },
      text: async () => (reply.body === undefined ? '' : JSON.stringify(reply.body)),
    };
  };
  return { sent, pg: createPlayGuard({ baseUrl: 'https://pg.test', token: 'tok', fetch }) };
}
const problem = (code: ProblemCode, extra: Record<string, unknown> = {}): Reply => ({ status: PROBLEMS[code].status, body: problemBody(code, extra) });
const STARTED = {
  sessionId: 's-1',
  gameId: 'default',
  ageRating: 12,
  belowRating: false,
  ageBand: 8,
  minor: true,
  remainingSeconds: 960,
  endsAt: '2026-12-04T21:00:00+08:00',
  heartbeatIntervalSeconds: 60,
};
const verified = { status: 200, body: { status: 'verified', ageBand: 8, minor: true } };

function compat(script: Record<string, Reply[]>, options: Partial<TapCompatOptions> = {}) {
  const g = gateway(script);
  const tap = tapCompat(g.pg, { deviceId: 'phone-1', ...options });
  const codes: Array<[number, TapComplianceExtra]> = [];
  tap.registerComplianceCallback((code, extra) => codes.push([code, extra]));
  return { ...g, tap, codes };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('tapCompat: Startup', () => {
  it("reports 500 LOGIN_SUCCESS once the session has started (taking over another device's, as TapSDK has no such question)", async () => {
    const { tap, codes, sent } = compat({ 'GET /v1/identity': [verified], 'POST /v1/sessions': [{ status: 201, body: STARTED }] });
    expect(await tap.startup()).toBe(500);
    expect(codes).toEqual([[500, {}]]);
    expect(sent).toEqual(['GET /v1/identity', 'POST /v1/sessions {"deviceId":"phone-1","takeover":true}']);
    expect(tap.session?.sessionId).toBe('s-1');
    tap.session?.stop();
  });

  it('reports 9002 REAL_NAME_STOP when the player has no real name and the form is closed, or there is none', async () => {
    const none = { status: 200, body: { status: 'none' } };
    const closed = compat({ 'GET /v1/identity': [none] }, { realName: async () => null });
    expect(await closed.tap.startup()).toBe(9002);
    const without = compat({ 'GET /v1/identity': [none] });
    expect(await without.tap.startup()).toBe(9002);
    expect(without.sent).toEqual(['GET /v1/identity']);
  });

  it("submits through the game's real-name form, then logs in", async () => {
    const { tap, codes, sent } = compat(
      {
        'GET /v1/identity': [{ status: 200, body: { status: 'rejected' } }],
        'POST /v1/identity': [verified],
        'POST /v1/sessions': [{ status: 201, body: STARTED }],
      },
      { realName: (submit) => submit({ name: '张三', idNumber: '110101201205010017' }) },
    );
    expect(await tap.startup()).toBe(500);
    expect(sent.map((s) => s.split(' ').slice(0, 2).join(' '))).toEqual(['GET /v1/identity', 'POST /v1/identity', 'POST /v1/sessions']);
    expect(codes.map(([c]) => c)).toEqual([500]);
    tap.session?.stop();
  });

  it('reports 1030 PERIOD_RESTRICT with the next window when the time of day refuses the login', async () => {
    const window = { nextWindowStart: '2026-12-05T20:00:00+08:00', nextWindowEnd: '2026-12-05T21:00:00+08:00' };
    const { tap, codes } = compat({ 'GET /v1/identity': [verified], 'POST /v1/sessions': [problem('play_time_restricted', window)] });
    expect(await tap.startup()).toBe(1030);
    expect(codes[0]![0]).toBe(1030);
    expect(codes[0]![1]).toMatchObject({ reason: 'play_time_restricted', description: PROBLEMS.play_time_restricted.detail, ...window });
  });

  it("reports 1100 AGE_LIMIT below the game's age rating only when asked to (TapSDK's 可玩年龄限制)", async () => {
    const limits = {
      status: 200,
      body: {
        ageBand: 8,
        minor: true,
        ageRating: 12,
        belowRating: true,
        playTime: { allowedNow: true, remainingSeconds: 960, nextWindowStart: null, nextWindowEnd: null },
        spending: { singleMax: 5000, dailyRemaining: 5000, monthlyRemaining: 20000 },
      },
    };
    const strict = compat({ 'GET /v1/identity': [verified], 'GET /v1/limits': [limits] }, { ageLimit: true });
    expect(await strict.tap.startup()).toBe(1100);
    expect(strict.sent).toEqual(['GET /v1/identity', 'GET /v1/limits']);
    const labelOnly = compat({ 'GET /v1/identity': [verified], 'POST /v1/sessions': [{ status: 201, body: { ...STARTED, belowRating: true } }] });
    expect(await labelOnly.tap.startup()).toBe(500);
    labelOnly.tap.session?.stop();
  });

  it('reports 1200 INVALID_CLIENT_OR_NETWORK_ERROR for no answer, a refused credential or an unknown game', async () => {
    expect(await compat({ 'GET /v1/identity': ['lost'] }).tap.startup()).toBe(1200);
    expect(await compat({ 'GET /v1/identity': [problem('unauthorized')] }).tap.startup()).toBe(1200);
    expect(await compat({ 'GET /v1/identity': [verified], 'POST /v1/sessions': [problem('unknown_game')] }).tap.startup()).toBe(1200);
  });

  it('reports 1000 EXITED for a blocked account', async () => {
    expect(await compat({ 'GET /v1/identity': [verified], 'POST /v1/sessions': [problem('account_blocked')] }).tap.startup()).toBe(1000);
  });
});

describe('tapCompat: during play', () => {
  async function playing(options: Partial<TapCompatOptions> = {}, heartbeat: Reply[] = [], extra: Record<string, Reply[]> = {}) {
    const c = compat(
      { 'GET /v1/identity': [verified], 'POST /v1/sessions': [{ status: 201, body: STARTED }], 'POST /v1/sessions/s-1/heartbeat': heartbeat, ...extra },
      options,
    );
    await c.tap.startup();
    return c;
  }
  const ended = (action: string, reason: string): Reply => ({
    status: 200,
    body: { action, remainingSeconds: 0, endsAt: null, nextHeartbeatSeconds: 60, reason },
  });
  const saturday = {
    status: 200,
    body: {
      ageBand: 8,
      minor: true,
      ageRating: 12,
      belowRating: false,
      playTime: { allowedNow: false, remainingSeconds: 0, nextWindowStart: '2026-12-05T20:00:00+08:00', nextWindowEnd: '2026-12-05T21:00:00+08:00' },
      spending: { singleMax: 5000, dailyRemaining: 5000, monthlyRemaining: 20000 },
    },
  };

  it("reports 1030 with Saturday's window when the clock ends play", async () => {
    const { tap, codes } = await playing({}, [ended('terminate', 'outside_allowed_hours')], { 'GET /v1/limits': [saturday] });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(codes.slice(1)).toEqual([
      [
        1030,
        {
          reason: 'outside_allowed_hours',
          description: undefined,
          nextWindowStart: '2026-12-05T20:00:00+08:00',
          nextWindowEnd: '2026-12-05T21:00:00+08:00',
          error: undefined,
        },
      ],
    ]);
    expect(tap.session).toBeUndefined();
  });

  it("reports a day's time used up as 1030 (TapSDK 4.10), or 1050 DURATION_LIMIT when asked to", async () => {
    const now = await playing({}, [ended('terminate', 'play_time_exhausted')], { 'GET /v1/limits': [saturday] });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(now.codes.map(([c]) => c)).toEqual([500, 1030]);
    const older = await playing({ durationLimitCode: 1050 }, [ended('terminate', 'play_time_exhausted')], { 'GET /v1/limits': [saturday] });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(older.codes.map(([c]) => c)).toEqual([500, 1050]);
  });

  it('reports 1000 EXITED when another device took the account over', async () => {
    const { codes } = await playing({}, [ended('terminate', 'signed_in_elsewhere')]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(codes.map(([c, e]) => [c, e.reason])).toEqual([
      [500, undefined],
      [1000, 'signed_in_elsewhere'],
    ]);
  });

  it('Exit ends the session on the server and reports 1000 once', async () => {
    const { tap, codes, sent } = await playing({}, [], { 'DELETE /v1/sessions/s-1': [{ status: 204 }] });
    await tap.exit();
    expect(sent.at(-1)).toBe('DELETE /v1/sessions/s-1');
    expect(codes.map(([c]) => c)).toEqual([500, 1000]);
    expect(tap.session).toBeUndefined();
  });

  it("GetRemainingTime gives the session's seconds, and -1 when no limit applies; GetAgeRange the age band, -1 without a real name", async () => {
    const { tap } = await playing({}, [], { 'GET /v1/identity': [verified, verified, { status: 200, body: { status: 'none' } }] });
    expect(await tap.getRemainingTime()).toBe(960);
    expect(await tap.getAgeRange()).toBe(8);
    expect(await tap.getAgeRange()).toBe(-1);
    tap.session?.stop();
    const adult = compat({
      'GET /v1/limits': [
        {
          status: 200,
          body: {
            ...(saturday.body as object),
            ageBand: 18,
            minor: false,
            playTime: { allowedNow: true, remainingSeconds: null, nextWindowStart: null, nextWindowEnd: null },
          },
        },
      ],
    });
    expect(await adult.tap.getRemainingTime()).toBe(-1);
  });

  it('CheckPaymentLimit reserves the amount (status false with the detail when refused); SubmitPayment commits that reservation', async () => {
    const { tap, sent } = compat(
      {
        'POST /v1/payments': [
          { status: 201, body: { orderId: 'o-1', status: 'reserved', expiresAt: 'x' } },
          problem('spending_limit_exceeded', { source: 'law', limit: 'single', limitAmount: 5000, remainingAmount: 5000 }),
        ],
        'POST /v1/payments/o-1/commit': [{ status: 200, body: { orderId: 'o-1', status: 'committed' } }],
      },
      {
        orderId: (() => {
          let n = 0;
          return () => `o-${++n}`;
        })(),
      },
    );
    expect(await tap.checkPaymentLimit(600)).toEqual({ status: true, title: '', description: '', orderId: 'o-1' });
    expect(await tap.checkPaymentLimit(6000)).toEqual({
      status: false,
      title: PROBLEMS.spending_limit_exceeded.title,
      description: PROBLEMS.spending_limit_exceeded.detail,
      orderId: 'o-2',
    });
    await tap.submitPayment(600);
    await expect(tap.submitPayment(600)).rejects.toThrow('no reservation of 600 fen');
    expect(sent).toEqual([
      'POST /v1/payments {"orderId":"o-1","amount":600}',
      'POST /v1/payments {"orderId":"o-2","amount":6000}',
      'POST /v1/payments/o-1/commit',
    ]);
  });

  it('names every TapSDK v4 code', () => {
    expect(TAP_CODES).toEqual({
      LOGIN_SUCCESS: 500,
      EXITED: 1000,
      SWITCH_ACCOUNT: 1001,
      PERIOD_RESTRICT: 1030,
      DURATION_LIMIT: 1050,
      AGE_LIMIT: 1100,
      INVALID_CLIENT_OR_NETWORK_ERROR: 1200,
      REAL_NAME_STOP: 9002,
    });
  });
});
