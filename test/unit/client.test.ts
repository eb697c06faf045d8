/**
 * The client (packages/client, as built: @playguard/client) against a scripted fake fetch, with vitest's fake timers driving the
 * heartbeat loop: the server-chosen rhythm, seq, warnings, the end of play with the next window,
 * lost answers (same seq again), Retry-After, takeover, one loop per session, the tab coming back,
 * logout, and problem documents as typed errors. Every expectation is an exact value.
 */
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import {
  createPlayGuard,
  createPlayGuardServer,
  isPlayGuardProblem,
  isPlayGuardThrottled,
  miniGameFetch,
  PlayGuardNetworkError,
  PlayGuardProblem,
  PlayGuardThrottledError,
  xhrFetch,
  type MiniGameRequestApi,
  retryAfterSeconds,
  retryDelaySeconds,
  type Fetch,
  type PlayGuardSession,
  type SessionEvents,
  type Timers,
} from '@playguard/client';
import { FALLBACK } from '@playguard/client';
import { PROBLEMS, problemBody } from '#shared/problem';

type Reply = { status: number; body?: unknown; headers?: Record<string, string>; raw?: string } | 'lost' | 'hang';
interface Sent {
  method: string;
  path: string;
  body: unknown;
  headers: Record<string, string>;
  signal: AbortSignal | undefined;
}

/** A gateway that answers from a queue and records every request (path relative to the base URL). */
function fakeGateway() {
  const sent: Sent[] = [];
  const replies: Reply[] = [];
  const fetch: Fetch = async (url, init) => {
    sent.push({
      method: init.method,
      path: url.replace('https://pg.test', ''),
      body: init.body === undefined ? undefined : JSON.parse(init.body),
      headers: init.headers,
      signal: init.signal,
    });
    const reply = replies.shift();
    if (reply === undefined) throw new Error(`no reply scripted for ${init.method} ${url}`);
    if (reply === 'lost') throw new TypeError('fetch failed');
    if (reply === 'hang') return new Promise((_, reject) => init.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    const headers = Object.fromEntries(Object.entries(reply.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    return {
      status: reply.status,
      headers: { get: (name: string) => headers[name.toLowerCase()] ?? null },
      text: async () => reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body)),
    };
  };
  return { sent, fetch, reply: (...r: Reply[]) => void replies.push(...r), pending: () => replies.length };
}

const problem = (code: keyof typeof PROBLEMS, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Reply => ({
  status: PROBLEMS[code].status,
  body: problemBody(code, extra),
  headers: { 'content-type': 'application/problem+json', ...headers },
});

const STARTED = {
  sessionId: 's-1',
  gameId: 'default',
  ageRating: 16,
  belowRating: true,
  ageBand: 8,
  minor: true,
  remainingSeconds: 960,
  endsAt: '2026-12-04T21:00:00+08:00',
  heartbeatIntervalSeconds: 60,
};
const answer = (action: 'continue' | 'warn' | 'terminate', remainingSeconds: number | null, nextHeartbeatSeconds = 60, reason?: string): Reply => ({
  status: 200,
  body: {
    action,
    remainingSeconds,
    endsAt: remainingSeconds === null || action === 'terminate' ? null : '2026-12-04T21:00:00+08:00',
    nextHeartbeatSeconds,
    ...(reason ? { reason } : {}),
  },
});

const heartbeats = (g: ReturnType<typeof fakeGateway>) =>
  g.sent.filter((r) => r.path.endsWith('/heartbeat')).map((r) => [r.path, (r.body as { seq: number }).seq]);

function record(session: PlayGuardSession) {
  const events: Array<[keyof SessionEvents, unknown]> = [];
  for (const name of ['heartbeat', 'warn', 'terminate', 'error'] as const) session.on(name, (e) => events.push([name, e]));
  return events;
}

async function started(g: ReturnType<typeof fakeGateway>, body: Record<string, unknown> = STARTED) {
  g.reply({ status: 201, body });
  const pg = createPlayGuard({ baseUrl: 'https://pg.test/', token: 'tok', fetch: g.fetch });
  const session = await pg.startSession({ deviceId: 'phone-1' });
  return { pg, session, events: record(session) };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(Date.parse('2026-12-04T12:44:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('the heartbeat loop', () => {
  it(
    'logs in, then beats on the server-chosen interval: first heartbeatIntervalSeconds, then each ' + "answer's nextHeartbeatSeconds, seq +1 each time",
    async () => {
      const g = fakeGateway();
      const { session, events } = await started(g);
      expect(g.sent[0]).toMatchObject({ method: 'POST', path: '/v1/sessions', body: { deviceId: 'phone-1' } });
      expect(g.sent[0]!.headers).toEqual({
        accept: 'application/json, application/problem+json',
        authorization: 'Bearer tok',
        'content-type': 'application/json',
      });
      expect(session.started).toEqual(STARTED);
      expect([session.sessionId, session.seq, session.state, session.remainingSeconds]).toEqual(['s-1', 0, 'playing', 960]);

      g.reply(answer('continue', 930, 30), answer('continue', 900, 45));
      await vi.advanceTimersByTimeAsync(59_999);
      expect(heartbeats(g)).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(heartbeats(g)).toEqual([['/v1/sessions/s-1/heartbeat', 1]]);
      await vi.advanceTimersByTimeAsync(29_999);
      expect(heartbeats(g)).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(heartbeats(g)).toEqual([
        ['/v1/sessions/s-1/heartbeat', 1],
        ['/v1/sessions/s-1/heartbeat', 2],
      ]);
      expect(session.remainingSeconds).toBe(900);
      expect(events).toEqual([
        ['heartbeat', { action: 'continue', remainingSeconds: 930, endsAt: '2026-12-04T21:00:00+08:00', nextHeartbeatSeconds: 30, seq: 1 }],
        ['heartbeat', { action: 'continue', remainingSeconds: 900, endsAt: '2026-12-04T21:00:00+08:00', nextHeartbeatSeconds: 45, seq: 2 }],
      ]);
      g.reply(answer('continue', 855));
      await vi.advanceTimersByTimeAsync(45_000);
      expect(heartbeats(g).map(([, seq]) => seq)).toEqual([1, 2, 3]);
      session.stop();
    },
  );

  it('emits warn with the answer and keeps beating', async () => {
    const g = fakeGateway();
    const { session, events } = await started(g);
    g.reply(answer('warn', 900, 60), answer('continue', 840, 60));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(events).toEqual([
      ['heartbeat', { action: 'warn', remainingSeconds: 900, endsAt: '2026-12-04T21:00:00+08:00', nextHeartbeatSeconds: 60, seq: 1 }],
      ['warn', { action: 'warn', remainingSeconds: 900, endsAt: '2026-12-04T21:00:00+08:00', nextHeartbeatSeconds: 60, seq: 1 }],
    ]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(heartbeats(g).map(([, seq]) => seq)).toEqual([1, 2]);
    session.stop();
  });

  it('ends at terminate with the reason and the next window from GET /v1/limits, and beats no more', async () => {
    const g = fakeGateway();
    const { session, events } = await started(g);
    g.reply(answer('terminate', 0, 60, 'outside_allowed_hours'), {
      status: 200,
      body: {
        ageBand: 8,
        minor: true,
        ageRating: 16,
        belowRating: true,
        playTime: { allowedNow: false, remainingSeconds: 0, nextWindowStart: '2026-12-05T20:00:00+08:00', nextWindowEnd: '2026-12-05T21:00:00+08:00' },
        spending: { singleMax: 5000, dailyRemaining: null, monthlyRemaining: 20000 },
      },
    });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(g.sent.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/sessions', 'POST /v1/sessions/s-1/heartbeat', 'GET /v1/limits']);
    expect(events.at(-1)).toEqual([
      'terminate',
      { reason: 'outside_allowed_hours', nextWindowStart: '2026-12-05T20:00:00+08:00', nextWindowEnd: '2026-12-05T21:00:00+08:00' },
    ]);
    expect(session.state).toBe('terminated');
    await vi.advanceTimersByTimeAsync(600_000);
    expect(g.sent).toHaveLength(3);
    await session.beat();
    expect(g.sent).toHaveLength(3);
  });

  it('asks for no next window when the session ended for another reason (signed in elsewhere)', async () => {
    const g = fakeGateway();
    const { events } = await started(g);
    g.reply(answer('terminate', 0, 60, 'signed_in_elsewhere'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(g.sent).toHaveLength(2);
    expect(events.at(-1)).toEqual(['terminate', { reason: 'signed_in_elsewhere', nextWindowStart: null, nextWindowEnd: null }]);
  });

  it('still ends play when the next window cannot be read', async () => {
    const g = fakeGateway();
    const { events } = await started(g);
    g.reply(answer('terminate', 0, 60, 'play_time_exhausted'), 'lost');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(events.at(-1)).toEqual(['terminate', { reason: 'play_time_exhausted', nextWindowStart: null, nextWindowEnd: null }]);
  });
});

describe('lost answers', () => {
  it('sends the same seq again after a network error, backing off 1 s, 2 s, …, then continues with seq + 1', async () => {
    const g = fakeGateway();
    const { session, events } = await started(g);
    g.reply('lost', 'lost', answer('continue', 870, 60), answer('continue', 810, 60));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(heartbeats(g).map(([, seq]) => seq)).toEqual([1]);
    await vi.advanceTimersByTimeAsync(999);
    expect(heartbeats(g).map(([, seq]) => seq)).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(heartbeats(g).map(([, seq]) => seq)).toEqual([1, 1]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(heartbeats(g).map(([, seq]) => seq)).toEqual([1, 1, 1]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(heartbeats(g).map(([, seq]) => seq)).toEqual([1, 1, 1, 2]);
    expect(
      events.map(([name, e]) =>
        name === 'error'
          ? [
              name,
              (e as SessionEvents['error']).seq,
              (e as SessionEvents['error']).retryInSeconds,
              ((e as SessionEvents['error']).error as PlayGuardNetworkError).kind,
            ]
          : [name, (e as { seq: number }).seq],
      ),
    ).toEqual([
      ['error', 1, 1, 'network'],
      ['error', 1, 2, 'network'],
      ['heartbeat', 1],
      ['heartbeat', 2],
    ]);
    session.stop();
  });

  it('counts an answer that does not come within timeoutMs as lost: aborts it and sends the same seq again', async () => {
    const g = fakeGateway();
    g.reply({ status: 201, body: STARTED });
    const pg = createPlayGuard({ baseUrl: 'https://pg.test', token: 'tok', fetch: g.fetch, timeoutMs: 5_000 });
    const session = await pg.startSession({ deviceId: 'phone-1' });
    const events = record(session);
    g.reply('hang', answer('continue', 900, 60));
    await vi.advanceTimersByTimeAsync(60_000 + 4_999);
    expect(events).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(g.sent[1]!.signal!.aborted).toBe(true);
    const error = events[0]![1] as SessionEvents['error'];
    expect([error.seq, error.retryInSeconds, error.error instanceof PlayGuardNetworkError, (error.error as PlayGuardNetworkError).kind]).toEqual([
      1,
      1,
      true,
      'timeout',
    ]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(heartbeats(g).map(([, seq]) => seq)).toEqual([1, 1]);
    expect(events.map(([name]) => name)).toEqual(['error', 'heartbeat']);
    session.stop();
  });

  it('sends the same seq again after a 5xx, whether or not it is a problem document', async () => {
    const g = fakeGateway();
    const { session, events } = await started(g);
    g.reply(problem('internal_error'), { status: 502, raw: '<html>Bad Gateway</html>' }, answer('continue', 840, 60));
    await vi.advanceTimersByTimeAsync(60_000 + 1_000 + 2_000);
    expect(heartbeats(g).map(([, seq]) => seq)).toEqual([1, 1, 1]);
    const errors = events
      .filter(([name]) => name === 'error')
      .map(([, e]) => [(e as SessionEvents['error']).error as PlayGuardProblem, (e as SessionEvents['error']).retryInSeconds] as const);
    expect(errors.map(([e, wait]) => [e.code, e.status, e.httpStatus, wait])).toEqual([
      ['internal_error', 500, 500, 1],
      ['internal_error', 500, 502, 2],
    ]);
    session.stop();
  });

  it('backs off 1, 2, 4, 8, 16, then every 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(retryDelaySeconds)).toEqual([1, 2, 4, 8, 16, 30, 30, 30]);
  });
});

describe('Retry-After', () => {
  it('waits exactly Retry-After seconds after a 429 and sends the same seq again', async () => {
    const g = fakeGateway();
    const { session, events } = await started(g);
    g.reply(problem('write_contention', {}, { 'retry-after': '3' }), answer('continue', 897, 60));
    await vi.advanceTimersByTimeAsync(60_000);
    const error = events[0]![1] as SessionEvents['error'];
    expect([error.seq, error.retryInSeconds, (error.error as PlayGuardProblem).code, (error.error as PlayGuardProblem).retryAfterSeconds]).toEqual([
      1,
      3,
      'write_contention',
      3,
    ]);
    await vi.advanceTimersByTimeAsync(2_999);
    expect(heartbeats(g)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(heartbeats(g).map(([, seq]) => seq)).toEqual([1, 1]);
    session.stop();
  });

  it('honours Retry-After on a 503 too, as an HTTP date', async () => {
    const g = fakeGateway();
    const { session, events } = await started(g);
    const inTwelve = new Date(Date.parse('2026-12-04T12:45:12Z')).toUTCString();
    g.reply({ status: 503, raw: 'Service Unavailable', headers: { 'retry-after': inTwelve } }, answer('continue', 888, 60));
    await vi.advanceTimersByTimeAsync(60_000);
    expect((events[0]![1] as SessionEvents['error']).retryInSeconds).toBe(12);
    await vi.advanceTimersByTimeAsync(11_999);
    expect(heartbeats(g)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(heartbeats(g).map(([, seq]) => seq)).toEqual([1, 1]);
    session.stop();
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-12-04T12:00:00Z');
    expect(retryAfterSeconds('7', now)).toBe(7);
    expect(retryAfterSeconds(' 0 ', now)).toBe(0);
    expect(retryAfterSeconds('Fri, 04 Dec 2026 12:00:30 GMT', now)).toBe(30);
    expect(retryAfterSeconds('Fri, 04 Dec 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterSeconds('soon', now)).toBeNull();
    expect(retryAfterSeconds(null, now)).toBeNull();
  });

  it('repeats a one-off call after a short Retry-After (up to twice), and leaves a long one to the caller', async () => {
    const g = fakeGateway();
    const pg = createPlayGuard({ baseUrl: 'https://pg.test', token: 'tok', fetch: g.fetch });
    g.reply(problem('write_contention', {}, { 'retry-after': '1' }), { status: 200, body: { status: 'verified', ageBand: 18, minor: false } });
    const submitted = pg.identity.submit({ name: '张三', idNumber: '110101199003070019' });
    await vi.advanceTimersByTimeAsync(999);
    expect(g.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(submitted).resolves.toEqual({ status: 'verified', ageBand: 18, minor: false });
    expect(g.sent.map((r) => r.body)).toEqual([
      { name: '张三', idNumber: '110101199003070019' },
      { name: '张三', idNumber: '110101199003070019' },
    ]);

    g.reply(problem('upstream_unavailable', {}, { 'retry-after': '60' }));
    const refused = await pg.identity.submit({ name: '张三', idNumber: '110101199003070019' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PlayGuardProblem);
    expect([(refused as PlayGuardProblem).code, (refused as PlayGuardProblem).retryAfterSeconds, g.sent.length]).toEqual(['upstream_unavailable', 60, 3]);

    g.reply(...Array.from({ length: 3 }, () => problem('write_contention', {}, { 'retry-after': '1' })));
    const given = pg.limits().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(((await given) as PlayGuardProblem).code).toBe('write_contention');
    expect(g.sent.length).toBe(6);
  });
});

describe('takeover and one loop per session', () => {
  it('throws session_active_elsewhere, then takes over when asked to', async () => {
    const g = fakeGateway();
    const pg = createPlayGuard({ baseUrl: 'https://pg.test', token: 'tok', fetch: g.fetch });
    g.reply(problem('session_active_elsewhere'), { status: 201, body: STARTED });
    const refused = await pg.startSession({ deviceId: 'pad-2' }).catch((e: unknown) => e);
    expect(isPlayGuardProblem(refused)).toBe(true);
    expect([(refused as PlayGuardProblem).code, (refused as PlayGuardProblem).status, (refused as PlayGuardProblem).detail]).toEqual([
      'session_active_elsewhere',
      409,
      PROBLEMS.session_active_elsewhere.detail,
    ]);
    const session = await pg.startSession({ deviceId: 'pad-2', takeover: true });
    expect(g.sent.map((r) => r.body)).toEqual([{ deviceId: 'pad-2' }, { deviceId: 'pad-2', takeover: true }]);
    expect(session.sessionId).toBe('s-1');
    session.stop();
  });

  it("stops the previous session's loop when the same client starts a new one", async () => {
    const g = fakeGateway();
    const { pg, session: first } = await started(g);
    g.reply({ status: 201, body: { ...STARTED, sessionId: 's-2', heartbeatIntervalSeconds: 60 } });
    const second = await pg.startSession({ deviceId: 'phone-1' });
    expect(first.state).toBe('ended');
    g.reply(answer('continue', 900, 60));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(heartbeats(g)).toEqual([['/v1/sessions/s-2/heartbeat', 1]]);
    second.stop();
  });

  it('joins a heartbeat already on its way instead of sending a second, and reschedules from its answer', async () => {
    const g = fakeGateway();
    const { session } = await started(g);
    g.reply(answer('continue', 930, 30));
    const a = session.beat();
    const b = session.beat();
    await Promise.all([a, b]);
    expect(heartbeats(g)).toEqual([['/v1/sessions/s-1/heartbeat', 1]]);
    // The login's 60 s timer was replaced by the answer's 30 s.
    g.reply(answer('continue', 900, 30));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(heartbeats(g).map(([, seq]) => seq)).toEqual([1, 2]);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(heartbeats(g)).toHaveLength(2);
    session.stop();
  });

  it('continues after the seq the server has counted when it answers stale_heartbeat', async () => {
    const g = fakeGateway();
    const { session, events } = await started(g);
    g.reply(problem('stale_heartbeat', { lastSeq: 7 }), answer('continue', 840, 60));
    await vi.advanceTimersByTimeAsync(61_000);
    expect(heartbeats(g).map(([, seq]) => seq)).toEqual([1, 8]);
    expect(events.map(([name, e]) => [name, (e as { seq: number }).seq])).toEqual([
      ['error', 1],
      ['heartbeat', 8],
    ]);
    session.stop();
  });

  it("ends with the problem's code when the server refuses the session (session_not_found)", async () => {
    const g = fakeGateway();
    const { session, events } = await started(g);
    g.reply(problem('session_not_found'));
    await vi.advanceTimersByTimeAsync(60_000);
    const [name, event] = events[0]!;
    expect(name).toBe('terminate');
    expect({ ...(event as SessionEvents['terminate']), problem: (event as SessionEvents['terminate']).problem?.code }).toEqual({
      reason: 'session_not_found',
      nextWindowStart: null,
      nextWindowEnd: null,
      problem: 'session_not_found',
    });
    expect(session.state).toBe('terminated');
    await vi.advanceTimersByTimeAsync(600_000);
    expect(heartbeats(g)).toHaveLength(1);
  });
});

describe('a background tab coming back', () => {
  function fakeDocument() {
    const target = new EventTarget() as EventTarget & { visibilityState: string };
    target.visibilityState = 'visible';
    return target;
  }

  it('beats at once when the page becomes visible, not when it is hidden, and stops listening once the session is over', async () => {
    const doc = fakeDocument();
    vi.stubGlobal('document', doc);
    const g = fakeGateway();
    const { session } = await started(g);
    doc.visibilityState = 'hidden';
    doc.dispatchEvent(new Event('visibilitychange'));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(heartbeats(g)).toEqual([]);
    g.reply(answer('continue', 950, 60));
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    await vi.advanceTimersByTimeAsync(0);
    expect(heartbeats(g)).toEqual([['/v1/sessions/s-1/heartbeat', 1]]);
    // The next one is the answer's interval after this one, not the login's timer.
    await vi.advanceTimersByTimeAsync(50_000);
    expect(heartbeats(g)).toHaveLength(1);

    g.reply({ status: 204 });
    await session.end();
    doc.dispatchEvent(new Event('visibilitychange'));
    await vi.advanceTimersByTimeAsync(600_000);
    expect(g.sent.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/sessions', 'POST /v1/sessions/s-1/heartbeat', 'DELETE /v1/sessions/s-1']);
  });
});

describe('logout', () => {
  it('stops the loop and deletes the session once; an answer still on its way is ignored', async () => {
    const g = fakeGateway();
    const { session, events } = await started(g);
    g.reply(answer('warn', 900, 60), { status: 204 });
    const inFlight = session.beat();
    await session.end();
    await inFlight;
    expect(events).toEqual([]);
    expect(session.state).toBe('ended');
    await session.end();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(g.sent.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/sessions', 'POST /v1/sessions/s-1/heartbeat', 'DELETE /v1/sessions/s-1']);
  });
});

describe('problems as typed errors', () => {
  it('narrows by code to the members of that code', async () => {
    const g = fakeGateway();
    const pg = createPlayGuard({ baseUrl: 'https://pg.test', token: 'tok', fetch: g.fetch });
    g.reply(problem('play_time_restricted', { nextWindowStart: '2026-12-05T20:00:00+08:00', nextWindowEnd: '2026-12-05T21:00:00+08:00' }));
    const error = await pg.startSession({ deviceId: 'phone-1' }).catch((e: unknown) => e);
    if (!(error instanceof PlayGuardProblem) || error.code !== 'play_time_restricted') throw new Error('expected play_time_restricted');
    expectTypeOf(error.nextWindowStart).toEqualTypeOf<string | null>();
    expectTypeOf(error.status).toEqualTypeOf<403>();
    expect([error.name, error.message, error.status, error.httpStatus, error.nextWindowStart, error.nextWindowEnd]).toEqual([
      'PlayGuardProblem',
      `play_time_restricted: ${PROBLEMS.play_time_restricted.detail}`,
      403,
      403,
      '2026-12-05T20:00:00+08:00',
      '2026-12-05T21:00:00+08:00',
    ]);
    expect(error.problem).toEqual(
      problemBody('play_time_restricted', { nextWindowStart: '2026-12-05T20:00:00+08:00', nextWindowEnd: '2026-12-05T21:00:00+08:00' }),
    );
  });

  it("types every code's extension members", () => {
    type P = PlayGuardProblem;
    expectTypeOf<Extract<P, { code: 'spending_limit_exceeded' }>['limit']>().toEqualTypeOf<'age' | 'single' | 'daily' | 'monthly'>();
    expectTypeOf<Extract<P, { code: 'stale_heartbeat' }>['lastSeq']>().toEqualTypeOf<number>();
    expectTypeOf<Extract<P, { code: 'challenge_required' }>['challengeId']>().toEqualTypeOf<string>();
    expectTypeOf<Extract<P, { code: 'order_conflict' }>['orderStatus']>().toEqualTypeOf<'cancelled' | 'committed' | 'expired' | undefined>();
    expectTypeOf<Extract<P, { code: 'session_not_found' }>>().not.toHaveProperty('nextWindowStart');
  });

  it("reads a refusal that is not a problem document (API Gateway's own 401) as the catalogue's problem for its status", async () => {
    const g = fakeGateway();
    const pg = createPlayGuard({ baseUrl: 'https://pg.test', token: 'tok', fetch: g.fetch });
    g.reply({ status: 401, body: { message: 'Unauthorized' }, headers: { 'x-request-id': 'r-1' } });
    const error = (await pg.limits().catch((e: unknown) => e)) as PlayGuardProblem;
    expect([error.code, error.status, error.httpStatus, error.detail, error.requestId]).toEqual([
      'unauthorized',
      401,
      401,
      PROBLEMS.unauthorized.detail,
      'r-1',
    ]);
    g.reply({ status: 418, raw: 'teapot' });
    const other = (await pg.limits().catch((e: unknown) => e)) as PlayGuardProblem;
    expect([other.code, other.status, other.httpStatus]).toEqual(['internal_error', 500, 418]);
  });

  it("uses the catalogue's own details for those", () => {
    for (const [status, [code, detail]] of Object.entries(FALLBACK))
      expect([Number(status), detail]).toEqual([PROBLEMS[code as keyof typeof PROBLEMS].status, PROBLEMS[code as keyof typeof PROBLEMS].detail]);
  });

  it("never lets an extension member overwrite the error's own members", async () => {
    const g = fakeGateway();
    const pg = createPlayGuard({ baseUrl: 'https://pg.test', token: 'tok', fetch: g.fetch });
    g.reply({ status: 409, body: { ...problemBody('order_conflict'), message: 'x', stack: 'y', httpStatus: 1, orderStatus: 'committed' } });
    const error = (await pg.limits().catch((e: unknown) => e)) as PlayGuardProblem & { orderStatus: string };
    expect([error.message, error.httpStatus, error.orderStatus, typeof error.stack]).toEqual([
      `order_conflict: ${PROBLEMS.order_conflict.detail}`,
      409,
      'committed',
      'string',
    ]);
  });
});

describe('the rest of the player client', () => {
  it('asks for the token before every request, so an expiring one can be renewed', async () => {
    const g = fakeGateway();
    let n = 0;
    const pg = createPlayGuard({ baseUrl: 'https://pg.test', token: async () => `t${++n}`, fetch: g.fetch });
    g.reply({ status: 200, body: { status: 'none' } }, { status: 200, body: { status: 'none' } });
    await pg.identity.status();
    await pg.identity.status();
    expect(g.sent.map((r) => [r.method, r.path, r.headers.authorization])).toEqual([
      ['GET', '/v1/identity', 'Bearer t1'],
      ['GET', '/v1/identity', 'Bearer t2'],
    ]);
  });

  it('lists the games without a credential', async () => {
    const g = fakeGateway();
    const pg = createPlayGuard({ baseUrl: 'https://pg.test', token: 'tok', fetch: g.fetch });
    g.reply({ status: 200, body: { games: [{ gameId: 'default', name: 'default', ageRating: null }] } });
    expect(await pg.games()).toEqual({ games: [{ gameId: 'default', name: 'default', ageRating: null }] });
    expect(g.sent[0]!.headers).toEqual({ accept: 'application/json, application/problem+json' });
  });

  it('runs its loop on the timers it is given (mini-game runtimes)', async () => {
    const g = fakeGateway();
    const scheduled: number[] = [];
    const timers: Timers = { setTimeout: (f, ms) => (scheduled.push(ms), setTimeout(f, ms)), clearTimeout: (h) => clearTimeout(h as number) };
    g.reply({ status: 201, body: { ...STARTED, heartbeatIntervalSeconds: 42 } }, answer('continue', 900, 7));
    const pg = createPlayGuard({ baseUrl: 'https://pg.test', token: 'tok', fetch: g.fetch, timers, timeoutMs: 3_000 });
    const session = await pg.startSession({ deviceId: 'phone-1' });
    await vi.advanceTimersByTimeAsync(42_000);
    // Each request schedules its timeout; the loop schedules the server's intervals.
    expect(scheduled).toEqual([3_000, 42_000, 3_000, 7_000]);
    session.stop();
  });
});

describe('the server client', () => {
  it('reserves with the account (and game), commits and cancels by order id, and posts challenge results', async () => {
    const g = fakeGateway();
    const server = createPlayGuardServer({ baseUrl: 'https://pg.test', token: 'server-tok', fetch: g.fetch });
    g.reply(
      { status: 201, body: { orderId: 'o/1?x', status: 'reserved', expiresAt: '2026-12-04T21:15:00+08:00' } },
      { status: 200, body: { orderId: 'o/1?x', status: 'committed' } },
      { status: 200, body: { orderId: 'o-2', status: 'cancelled' } },
      { status: 200, body: { challengeId: 'c-1', status: 'passed' } },
    );
    expect(await server.payments.reserve({ orderId: 'o/1?x', amount: 600, accountId: 'acct-1', gameId: 'g-main' })).toEqual({
      orderId: 'o/1?x',
      status: 'reserved',
      expiresAt: '2026-12-04T21:15:00+08:00',
    });
    expect(await server.payments.commit('o/1?x')).toEqual({ orderId: 'o/1?x', status: 'committed' });
    expect(await server.payments.cancel('o-2')).toEqual({ orderId: 'o-2', status: 'cancelled' });
    expect(await server.challenges.result('c-1', { passed: true })).toEqual({ challengeId: 'c-1', status: 'passed' });
    expect(g.sent.map((r) => [r.method, r.path, r.body, r.headers.authorization])).toEqual([
      ['POST', '/v1/payments', { orderId: 'o/1?x', amount: 600, accountId: 'acct-1', gameId: 'g-main' }, 'Bearer server-tok'],
      ['POST', '/v1/payments/o%2F1%3Fx/commit', undefined, 'Bearer server-tok'],
      ['POST', '/v1/payments/o-2/cancel', undefined, 'Bearer server-tok'],
      ['POST', '/v1/challenges/c-1/result', { passed: true }, 'Bearer server-tok'],
    ]);
  });

  it('throws spending_limit_exceeded with its members', async () => {
    const g = fakeGateway();
    const server = createPlayGuardServer({ baseUrl: 'https://pg.test', token: 'server-tok', fetch: g.fetch });
    g.reply(problem('spending_limit_exceeded', { limit: 'monthly', limitAmount: 20000, remainingAmount: 0 }));
    const error = await server.payments.reserve({ orderId: 'o-3', amount: 100, accountId: 'acct-1' }).catch((e: unknown) => e);
    if (!(error instanceof PlayGuardProblem) || error.code !== 'spending_limit_exceeded') throw new Error('expected spending_limit_exceeded');
    expect([error.limit, error.limitAmount, error.remainingAmount]).toEqual(['monthly', 20000, 0]);
  });
});

describe('throttling: a 429 or 503 that is no problem document', () => {
  it('is a PlayGuardThrottledError with retryAfter, not rate_limited; repeated after 1 s and 2 s, then thrown', async () => {
    const g = fakeGateway();
    const pg = createPlayGuard({ baseUrl: 'https://pg.test', token: 'tok', fetch: g.fetch });
    g.reply(
      { status: 429, body: { message: 'Too Many Requests' } },
      { status: 429, body: { message: 'Too Many Requests' } },
      { status: 429, body: { message: 'Too Many Requests' }, headers: { 'x-request-id': 'r-9' } },
    );
    const answer = pg.limits().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(999);
    expect(g.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(g.sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(2_000);
    const error = await answer;
    expect(error).toBeInstanceOf(PlayGuardThrottledError);
    expect(isPlayGuardThrottled(error) && [error.kind, error.httpStatus, error.retryAfter, error.requestId, isPlayGuardProblem(error)]).toEqual([
      'throttled',
      429,
      null,
      'r-9',
      false,
    ]);
    expect(g.sent).toHaveLength(3);
  });

  it('waits the Retry-After it names, and leaves a long one to the caller', async () => {
    const g = fakeGateway();
    const pg = createPlayGuard({ baseUrl: 'https://pg.test', token: 'tok', fetch: g.fetch });
    g.reply({ status: 503, raw: '<html>Service Unavailable</html>', headers: { 'retry-after': '3' } }, { status: 200, body: { status: 'none' } });
    const answer = pg.identity.status();
    await vi.advanceTimersByTimeAsync(2_999);
    expect(g.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(answer).resolves.toEqual({ status: 'none' });
    g.reply({ status: 503, raw: '', headers: { 'retry-after': '120' } });
    const long = await pg.identity.status().catch((e: unknown) => e);
    expect(isPlayGuardThrottled(long) && [long.httpStatus, long.retryAfter]).toEqual([503, 120]);
    expect(g.sent).toHaveLength(3);
  });

  it("leaves the gateway's own rate_limited a problem with its code", async () => {
    const g = fakeGateway();
    const pg = createPlayGuard({ baseUrl: 'https://pg.test', token: 'tok', fetch: g.fetch });
    g.reply(problem('rate_limited', {}, { 'retry-after': '3600' }));
    const error = await pg.identity.submit({ name: '张三', idNumber: '110101199003070019' }).catch((e: unknown) => e);
    expect(isPlayGuardProblem(error) && [error.code, error.retryAfterSeconds, isPlayGuardThrottled(error)]).toEqual(['rate_limited', 3600, false]);
  });

  it('makes a heartbeat wait and repeat its seq, as any lost answer', async () => {
    const g = fakeGateway();
    const { session, events } = await started(g);
    g.reply({ status: 429, body: { message: 'Too Many Requests' } }, { status: 503, raw: '', headers: { 'retry-after': '5' } }, answer('continue', 890, 60));
    await vi.advanceTimersByTimeAsync(60_000 + 1_000 + 5_000);
    expect(heartbeats(g).map(([, seq]) => seq)).toEqual([1, 1, 1]);
    expect(
      events
        .filter(([n]) => n === 'error')
        .map(([, e]) => {
          const x = e as SessionEvents['error'];
          return [(x.error as PlayGuardThrottledError).kind, x.retryInSeconds, x.seq];
        }),
    ).toEqual([
      ['throttled', 1, 1],
      ['throttled', 5, 1],
    ]);
    session.stop();
  });
});

describe('pause and resume (a game going to the background and back)', () => {
  it("sends nothing while paused, then beats at once on resume and keeps the server's rhythm", async () => {
    const g = fakeGateway();
    const { session } = await started(g);
    session.pause();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(heartbeats(g)).toEqual([]);
    g.reply(answer('continue', 900, 45), answer('continue', 855, 60));
    await session.resume();
    expect(heartbeats(g).map(([, seq]) => seq)).toEqual([1]);
    expect(session.paused).toBe(false);
    await vi.advanceTimersByTimeAsync(45_000);
    expect(heartbeats(g).map(([, seq]) => seq)).toEqual([1, 2]);
    session.stop();
  });
});

describe('requests without fetch', () => {
  /** A fake of the mini-game request API (`wx.request`, `tt.request`) answering from a queue. */
  function fakeMiniGame() {
    const calls: Array<Record<string, unknown>> = [];
    const aborted: number[] = [];
    const replies: Array<{ statusCode: number; header: Record<string, string>; data: unknown } | { fail: string } | 'hang'> = [];
    const api: MiniGameRequestApi = {
      request(options) {
        calls.push({
          url: options.url,
          method: options.method,
          header: options.header,
          data: options.data,
          dataType: options.dataType,
          responseType: options.responseType,
        });
        const reply = replies.shift();
        const n = calls.length;
        if (reply === 'hang') return { abort: () => void aborted.push(n) };
        queueMicrotask(() => (reply && 'fail' in reply ? options.fail({ errMsg: reply.fail }) : options.success(reply!)));
        return { abort: () => void aborted.push(n) };
      },
    };
    return { api, calls, aborted, replies };
  }

  it('speaks wx.request / tt.request: text in and out, headers of any case, fail as a network error, abort on timeout', async () => {
    const mini = fakeMiniGame();
    const pg = createPlayGuard({ baseUrl: 'https://pg.test', token: 'tok', fetch: miniGameFetch(mini.api), timeoutMs: 5_000 });
    mini.replies.push({ statusCode: 200, header: { 'Content-Type': 'application/json' }, data: '{"status":"verified","ageBand":8,"minor":true}' });
    expect(await pg.identity.submit({ name: '张三', idNumber: '110101201205010017' })).toEqual({ status: 'verified', ageBand: 8, minor: true });
    expect(mini.calls[0]).toEqual({
      url: 'https://pg.test/v1/identity',
      method: 'POST',
      header: { accept: 'application/json, application/problem+json', authorization: 'Bearer tok', 'content-type': 'application/json' },
      data: '{"name":"张三","idNumber":"110101201205010017"}',
      dataType: 'text',
      responseType: 'text',
    });
    // A runtime that parsed the body anyway still gives the client its JSON; header names are read whatever their case.
    mini.replies.push({
      statusCode: 403,
      header: { 'X-Request-Id': 'r-7', 'Content-Type': 'application/problem+json' },
      data: problemBody('play_time_restricted', { nextWindowStart: null, nextWindowEnd: null }),
    });
    const refused = await pg.startSession({ deviceId: 'wx-1' }).catch((e: unknown) => e);
    expect(isPlayGuardProblem(refused) && [refused.code, refused.requestId]).toEqual(['play_time_restricted', 'r-7']);
    mini.replies.push({ fail: 'request:fail url not in domain list' });
    const lost = await pg.limits().catch((e: unknown) => e);
    expect(lost instanceof PlayGuardNetworkError && [lost.kind, String((lost.cause as Error).message)]).toEqual([
      'network',
      'request failed: request:fail url not in domain list',
    ]);
    mini.replies.push('hang');
    const slow = pg.limits().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(((await slow) as PlayGuardNetworkError).kind).toBe('timeout');
    expect(mini.aborted).toEqual([4]);
    expect(mini.calls.map((c) => c.method)).toEqual(['POST', 'POST', 'GET', 'GET']);
  });

  it('speaks XMLHttpRequest (Cocos Creator native builds)', async () => {
    const opened: unknown[] = [];
    class FakeXhr {
      status = 0;
      responseText = '';
      onload: (() => void) | null = null;
      onerror: (() => void) | null = null;
      onabort: (() => void) | null = null;
      ontimeout: (() => void) | null = null;
      private headers: Record<string, string> = {};
      open(method: string, url: string) {
        opened.push([method, url]);
      }
      setRequestHeader(name: string, value: string) {
        this.headers[name] = value;
      }
      getAllResponseHeaders() {
        return 'content-type: application/json\r\nRetry-After: 2\r\nx-request-id: r-3\r\n';
      }
      send(body: string | null) {
        opened.push([this.headers, body]);
        queueMicrotask(() => {
          this.status = 200;
          this.responseText = '{"games":[]}';
          this.onload!();
        });
      }
      abort() {}
    }
    const pg = createPlayGuard({ baseUrl: 'https://pg.test', token: 'tok', fetch: xhrFetch(FakeXhr) });
    expect(await pg.games()).toEqual({ games: [] });
    expect(opened).toEqual([
      ['GET', 'https://pg.test/v1/games'],
      [{ accept: 'application/json, application/problem+json' }, null],
    ]);
  });

  it("picks the runtime's own way by default: fetch, else XMLHttpRequest, else wx.request", async () => {
    const mini = fakeMiniGame();
    vi.stubGlobal('fetch', undefined);
    vi.stubGlobal('XMLHttpRequest', undefined);
    vi.stubGlobal('wx', mini.api);
    mini.replies.push({ statusCode: 200, header: {}, data: '{"status":"none"}' });
    const pg = createPlayGuard({ baseUrl: 'https://pg.test', token: 'tok' });
    expect(await pg.identity.status()).toEqual({ status: 'none' });
    expect(mini.calls.map((c) => c.url)).toEqual(['https://pg.test/v1/identity']);
    vi.stubGlobal('wx', undefined);
    const none = await pg.identity.status().catch((e: unknown) => e);
    expect((none as PlayGuardNetworkError).kind).toBe('network');
  });
});

describe("the contract's later player calls", () => {
  it('go to their endpoints with their bodies', async () => {
    const g = fakeGateway();
    const pg = createPlayGuard({ baseUrl: 'https://pg.test', token: 'tok', fetch: g.fetch });
    g.reply(
      { status: 200, body: { accounts: [] } },
      { status: 204 },
      { status: 204 },
      { status: 201, body: { complaintId: 'c-1', status: 'open', receivedAt: 'a', dueAt: 'b' } },
      { status: 200, body: { complaints: [] } },
      { status: 201, body: { requestId: 'q-1', status: 'open' } },
      { status: 200, body: {} },
      { status: 200, body: { status: 'verified', ageBand: 8, minor: true } },
      { status: 200, body: { guardians: [] } },
      { status: 200, body: { status: 'confirmed' } },
      { status: 200, body: { sessions: [], payments: [], totals: { playedSeconds: 0, spent: 0 } } },
    );
    await pg.me.accounts();
    expect(await pg.me.unbindAccount('acct/2')).toBeUndefined();
    await pg.me.declineGuardian('l-1');
    await pg.complaints.submit({ category: 'play_time', text: '时间算错了' });
    await pg.me.complaints();
    await pg.guardian.requestRefund('w-1', { orderId: 'o-1', reason: '孩子误充' });
    await pg.guardian.consent('w-1', { policyVersion: '2026-12' });
    await pg.identity.submit({ name: '张三', idNumber: '110101201505010017', guardianConsent: { policyVersion: '2026-12' } });
    await pg.me.guardians();
    await pg.me.confirmGuardian('123456');
    await pg.guardian.activity('w-1', '2026-12-01', '2026-12-07');
    expect(g.sent.map((r) => [r.method, r.path, r.body])).toEqual([
      ['GET', '/v1/me/accounts', undefined],
      ['DELETE', '/v1/me/accounts/acct%2F2', undefined],
      ['DELETE', '/v1/me/guardians/l-1', undefined],
      ['POST', '/v1/complaints', { category: 'play_time', text: '时间算错了' }],
      ['GET', '/v1/me/complaints', undefined],
      ['POST', '/v1/guardian/wards/w-1/refund-requests', { orderId: 'o-1', reason: '孩子误充' }],
      ['POST', '/v1/guardian/wards/w-1/consent', { policyVersion: '2026-12' }],
      ['POST', '/v1/identity', { name: '张三', idNumber: '110101201505010017', guardianConsent: { policyVersion: '2026-12' } }],
      ['GET', '/v1/me/guardians', undefined],
      ['POST', '/v1/me/guardians/confirm', { code: '123456' }],
      ['GET', '/v1/guardian/wards/w-1/activity?from=2026-12-01&to=2026-12-07', undefined],
    ]);
  });

  it("type the contract's new codes", () => {
    expectTypeOf<'confirmation_not_allowed' | 'link_confirmed' | 'guardian_consent_required'>().toExtend<PlayGuardProblem['code']>();
    expectTypeOf<Extract<PlayGuardProblem, { code: 'link_confirmed' }>['status']>().toEqualTypeOf<403>();
  });
});
