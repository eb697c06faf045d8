/**
 * The operators' figures over HTTP (docs/api.md: GET /v1/admin/stats, GET /v1/admin/reports/annual,
 * GET /v1/admin/dead-letters, POST /v1/admin/dead-letters/{id}/retry): a known day of activity
 * created through the API — logins allowed and refused, payments committed and refused, a
 * challenge — shows up exactly in the figures and in the annual report (JSON and HTML), counted off
 * the players' path (a refusal costs the requests it cost before, and no more).
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ddbCallCounter } from '#test/support/ddbCounter';
import { startStatsFeed } from '#infra/local/statsFeed';
import { deployed, useGateway } from '#test/support/gateway';
import { person } from '#test/support/people';

const t = useGateway();
const DAY = '2026-12-04'; // an ordinary Friday: minors may play 20:00–21:00
const run = randomUUID().slice(0, 6);

async function verified(sub: string, birthDate: string, who = person(birthDate)): Promise<string> {
  const token = await t.api.token(sub);
  expect((await t.api.call('POST', '/v1/identity', { token, body: who })).status).toBe(200);
  return token;
}
const commit = (token: string, orderId: string) => t.api.call('POST', `/v1/payments/${orderId}/commit`, { token });

/** What one call cost in DynamoDB requests. */
async function requests<T>(call: () => Promise<T>): Promise<{ result: T; requests: number }> {
  const before = ddbCallCounter.calls;
  const result = await call();
  return { result, requests: ddbCallCounter.calls - before };
}

const EXPECTED_DAY = {
  date: DAY,
  gameId: 'default',
  logins: { minor: 1, adult: 3 },
  refusedLogins: { play_time_restricted: 1, identity_required: 1, challenge_required: 1 },
  minorSessions: 1,
  // The adults' sessions fall silent: the sweeper ends each 5 minutes after its last heartbeat (the
  // middle of the national system's ±5 minutes for a 10-minute cadence): 3 × 300 s played.
  adultPlayedSeconds: 900,
  minorSecondsOutsideWindows: 0,
  terminations: { logout: 1, session_expired: 3 },
  payments: { reserved: 3, committed: 2, refused: { single: 1 }, committedAmount: { '8': 3000, '18': 10_000 } },
  identities: { verified: 5, rejected: 1, pending: 0 },
  challenges: { device_many_accounts: { issued: 1, passed: 1, failed: 0, expired: 0 } },
  guardianLinks: 1,
  piExports: 1,
  piErasures: 0,
  // A complaint answered the same day, and an export (a request answered as it is made).
  complaints: {
    received: { play_time: 1, personal_information: 1 },
    answered: { play_time: 1, personal_information: 1 },
    answeredOnTime: 2,
    answeredLate: 0,
    withdrawn: 0,
  },
};

describe.skipIf(deployed)("a known day of activity in the operators' figures", () => {
  let op: string;
  let minorSession: string;

  beforeAll(async () => {
    op = await t.api.token(`op-${run}`, 'operator');
    await t.api.setClock(`${DAY}T19:30:00+08:00`);
    const minorPerson = person('2012-03-03');
    const minor = await verified(`m1-${run}`, '2012-03-03', minorPerson);
    // Refusals write nothing: a refused login costs its one account read, a refused payment its one read.
    const early = await requests(() => t.api.login(minor, 'm1-phone'));
    expect(early.result.status).toBe(403);
    expect(early.result.body.code).toBe('play_time_restricted');
    expect(early.requests).toBe(1);
    const noId = await t.api.token(`noid-${run}`);
    // The national system finds no match: the account records the failed attempt (counted as rejected).
    expect((await t.api.call('POST', '/v1/identity', { token: noId, body: person('1991-03-03', '王不符') })).body.code).toBe('identity_rejected');
    expect((await t.api.login(noId, 'noid-phone')).body.code).toBe('identity_required');

    await t.api.setClock(`${DAY}T20:10:00+08:00`);
    const s = await requests(() => t.api.login(minor, 'm1-phone'));
    expect(s.result.status).toBe(201);
    expect(s.requests).toBe(3);
    minorSession = s.result.body.sessionId;
    const hb = await requests(() => t.api.call('POST', `/v1/sessions/${minorSession}/heartbeat`, { token: minor, body: { seq: 1 } }));
    expect(hb.requests).toBe(1);
    const r = await requests(() => t.api.reserve(minor, 3000, `m1-a-${run}`));
    expect(r.result.status).toBe(201);
    expect(r.requests).toBe(2);
    expect((await commit(minor, `m1-a-${run}`)).status).toBe(200);
    const refused = await requests(() => t.api.reserve(minor, 6000, `m1-b-${run}`));
    expect(refused.result.body).toMatchObject({ code: 'spending_limit_exceeded', limit: 'single' });
    expect(refused.requests).toBe(1);

    const adults = await Promise.all([1, 2, 3, 4].map((i) => verified(`a${i}-${run}`, '1990-05-05')));
    for (const a of adults.slice(0, 3)) expect((await t.api.login(a, `shared-phone-${run}`)).status).toBe(201);
    const fourth = await t.api.login(adults[3]!, `shared-phone-${run}`);
    expect(fourth.body.code).toBe('challenge_required');
    const verdict = await t.api.call('POST', `/v1/challenges/${fourth.body.challengeId}/result`, {
      token: await t.api.token('game-server', 'server'),
      body: { passed: true, method: 'face' },
    });
    expect(verdict.status).toBe(200);
    expect((await t.api.reserve(adults[0]!, 10_000, `a1-${run}`)).status).toBe(201);
    expect((await commit(adults[0]!, `a1-${run}`)).status).toBe(200);
    expect((await t.api.reserve(adults[1]!, 2000, `a2-${run}`)).status).toBe(201);
    // A guardian link, asked for (and asked again: still one link).
    for (let i = 0; i < 2; i += 1)
      expect((await t.api.call('POST', '/v1/guardian/wards', { token: adults[2]!, body: minorPerson })).status).toBe(i === 0 ? 201 : 200);

    await t.api.setClock(`${DAY}T20:40:00+08:00`);
    expect((await t.api.call('DELETE', `/v1/sessions/${minorSession}`, { token: minor })).status).toBe(204);
    const complaint = await t.api.call('POST', '/v1/complaints', { token: minor, body: { category: 'play_time', text: '今晚的游戏时间提前结束了。' } });
    expect(complaint.status).toBe(201);
    expect(
      (
        await t.api.call('POST', `/v1/admin/complaints/${complaint.body.complaintId}/answer`, {
          token: op,
          body: { outcome: 'resolved', answer: '已核实：会话按 21:00 的规定结束。' },
        })
      ).status,
    ).toBe(200);
    expect((await t.api.call('GET', '/v1/me/data', { token: adults[1]! })).status).toBe(200);
    // The figures are counted off the players' path: the stream and the figure events are read on tick.
    await t.api.tick();
  });

  it('shows the day exactly in GET /v1/admin/stats', async () => {
    const r = await t.api.call('GET', `/v1/admin/stats?from=${DAY}&to=${DAY}`, { token: op });
    expect(r.status).toBe(200);
    expect(r.body.days).toHaveLength(1);
    const { minorPlayedSeconds, ...day } = r.body.days[0];
    expect(day).toEqual(EXPECTED_DAY);
    // Logged in at 20:10:00 and out at 20:40:00 on a clock that runs on while the test works.
    expect(minorPlayedSeconds).toBeGreaterThanOrEqual(1795);
    expect(minorPlayedSeconds).toBeLessThanOrEqual(1805);
    expect(r.body.weeks).toEqual([{ week: '2026-11-30', minorsByWeeklyPlay: { upTo1h: 1, '1to2h': 0, '2to3h': 0, '3to5h': 0, over5h: 0 } }]);
    expect(JSON.stringify(r.body)).not.toMatch(/"(pk|sk|identityHash|accountId|pi)"|m1-|a1-/);
  });

  it('counts each change once, however often the aggregator runs', async () => {
    await t.api.tick();
    await t.api.tick();
    const r = await t.api.call('GET', `/v1/admin/stats?from=${DAY}&to=${DAY}&gameId=default`, { token: op });
    const { minorPlayedSeconds: _s, ...day } = r.body.days[0];
    expect(day).toEqual(EXPECTED_DAY);
    expect((await t.api.call('GET', `/v1/admin/stats?from=${DAY}&to=${DAY}&gameId=other`, { token: op })).body.days).toEqual([]);
  });

  it('counts nothing twice when the whole stream is read again from its start (a restarted poller, a Lambda retry)', async () => {
    const { handler } = await import('#functions/statsAggregator');
    const results: Array<{ counted: number; repeated: number }> = [];
    const counting = async (event: unknown) => {
      const r = (await handler(event as never)) as { counted: number; repeated: number };
      results.push(r);
      return r;
    };
    const replay = startStatsFeed({ endpoint: t.gateway.dynamoEndpoint, tableName: t.gateway.tableName, handler: async () => counting });
    try {
      await replay.drain();
    } finally {
      replay.stop();
    }
    // Every record that counted the first time was handed over again, and none counted.
    expect(results.reduce((n, r) => n + r.counted, 0)).toBe(0);
    expect(results.reduce((n, r) => n + r.repeated, 0)).toBeGreaterThan(20);
    const { minorPlayedSeconds: _s, ...day } = (await t.api.call('GET', `/v1/admin/stats?from=${DAY}&to=${DAY}`, { token: op })).body.days[0];
    expect(day).toEqual(EXPECTED_DAY);
  });

  it('answers the annual report as JSON and as a self-contained printable page', async () => {
    const json = await t.api.call('GET', '/v1/admin/reports/annual?year=2026', { token: op });
    expect(json.status).toBe(200);
    const { minorPlayedSeconds, ...totals } = json.body.totals;
    const { date: _d, gameId: _g, ...dayFigures } = EXPECTED_DAY;
    expect(totals).toEqual(dayFigures);
    expect(json.body.months[11]).toMatchObject({ month: '2026-12', logins: { minor: 1, adult: 3 }, payments: { committed: 2 } });
    expect(json.body.months[10]).toMatchObject({ month: '2026-11', logins: { minor: 0, adult: 0 } });
    // The minor's 1,800 s of play against the adults' 900 s.
    expect(json.body.shares).toEqual({
      minorPlayTime: Math.round((1800 / 2700) * 10_000) / 10_000,
      minorSpending: Math.round((3000 / 13_000) * 10_000) / 10_000,
      complaintsAnsweredOnTime: 1,
    });
    expect(json.body.selfCheck).toEqual({ minorSecondsOutsideWindows: 0, passed: true });
    expect(json.body.weeklyDistribution.bands.upTo1h).toBe(1);
    expect(json.body.calendar.yearCovered).toBe(true);
    expect(minorPlayedSeconds).toBeGreaterThan(1790);

    const html = await t.api.call('GET', '/v1/admin/reports/annual?year=2026', { token: op, headers: { accept: 'text/html' } });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = html.body as string;
    expect(page).toContain('2026 年度未成年人防沉迷工作报告');
    expect(page).toContain('<svg');
    // Amounts exactly; every count of this small day is under 10, so shown as "<10".
    expect(page).toMatch(/8–15周岁<\/th><td>30\.00</);
    expect(page).toMatch(/成年人<\/th><td>100\.00</);
    expect(page).toMatch(/登录次数（未成年人）<\/th><td>&lt;10</);
    expect(page).toContain('未成年人在允许时段以外的游戏时长：0 秒（通过）');
    expect(page).toContain('<h2>八、投诉与申请</h2>');
    expect(page).toMatch(/游戏时间<\/th><td>&lt;10<\/td><td>&lt;10</);
    expect(page).toContain('按期答复率 100.0%');
    expect(page).not.toMatch(/未成年人: [1-9]</);
    // Self-contained: no external script, style, image or font.
    expect(page).not.toMatch(/<script|<link|\bsrc=|url\(|@import/i);
    expect((await t.api.call('GET', '/v1/admin/reports/annual?year=26', { token: op })).status).toBe(400);
  });

  it('lists the events the national system refused for good, and queues one again on retry', async () => {
    const sim = t.gateway.simulator!;
    await t.api.setClock(`${DAY}T20:45:00+08:00`);
    const minor = await t.api.token(`m1-${run}`);
    const s = await t.api.login(minor, 'm1-phone');
    expect(s.status).toBe(201);
    expect((await t.api.call('DELETE', `/v1/sessions/${s.body.sessionId}`, { token: minor })).status).toBe(204);
    sim.failItems((item) => (item.si === s.body.sessionId ? 3010 : null));
    await t.api.tick();
    sim.failItems(null);
    const list = await t.api.call('GET', '/v1/admin/dead-letters', { token: op });
    expect(list.status).toBe(200);
    const mine = (list.body.deadLetters as Array<{ id: string; gameId: string; event: string; errcode: number; meaning: string; at: string }>).filter((d) =>
      d.id.startsWith(s.body.sessionId),
    );
    expect(mine).toHaveLength(2);
    expect(mine.map((d) => d.event).sort()).toEqual(['login', 'logout']);
    expect(mine[0]).toMatchObject({ gameId: 'default', errcode: 3010, meaning: '实名认证标识（PI）无效（3010 pi invalid）' });
    expect(mine[0]!.at).toMatch(/^2026-12-04T20:45:\d\d\+08:00$/);

    const retried = await t.api.call('POST', `/v1/admin/dead-letters/${mine[0]!.id}/retry`, { token: op });
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual({ id: mine[0]!.id, status: 'queued' });
    expect((await t.api.call('POST', `/v1/admin/dead-letters/${mine[0]!.id}/retry`, { token: op })).body.code).toBe('not_found');
    expect((await t.api.call('POST', '/v1/admin/dead-letters/nothing-here-1/retry', { token: op })).status).toBe(404);
    const sentBefore = sim.receivedLoginouts.length;
    await t.api.tick();
    expect(sim.receivedLoginouts.slice(sentBefore).map((e) => e.si)).toEqual([s.body.sessionId]);
    const after = (await t.api.call('GET', '/v1/admin/dead-letters', { token: op })).body.deadLetters as Array<{ id: string }>;
    expect(after.map((d) => d.id)).toEqual([mine[1]!.id]);
  });

  it('answers the calendar coverage', async () => {
    const r = await t.api.call('GET', '/v1/admin/calendar', { token: op });
    expect(r.status).toBe(200);
    expect(r.body.today).toBe(DAY);
    expect(r.body.yearsLoaded).toContain(2026);
    expect(r.body.uncoveredNext60Days[0]).toBe('2027-01-01');
    expect(r.body.override).toContain('CALENDAR_OVERRIDE');
  });

  it('refuses players and game servers (403)', async () => {
    for (const scope of ['player', 'server'] as const) {
      const token = await t.api.token(`nosy-${scope}`, scope);
      for (const [method, path] of [
        ['GET', `/v1/admin/stats?from=${DAY}&to=${DAY}`],
        ['GET', '/v1/admin/reports/annual?year=2026'],
        ['GET', '/v1/admin/dead-letters'],
        ['POST', '/v1/admin/dead-letters/x-1/retry'],
      ] as const) {
        expect((await t.api.call(method, path, { token })).status, `${scope} ${path}`).toBe(403);
      }
    }
    expect((await t.api.call('GET', `/v1/admin/stats?from=${DAY}&to=2026-11-01`, { token: op })).status).toBe(400);
  });
});

describe("the operators' console files", () => {
  it('serves the page at /console and /console/, its files by name, and nothing else', async () => {
    for (const path of deployed ? ['/console'] : ['/console', '/console/', '/console/index.html']) {
      const page = await t.api.call('GET', path);
      expect(page.status, path).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(page.body).toContain('PlayGuard 合规控制台');
    }
    const script = await t.api.call('GET', '/console/app.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    for (const missing of ['/console/constructor', '/console/nothing.js']) expect((await t.api.call('GET', missing)).status, missing).toBe(404);
    // A name that is no console file name is refused at the edge.
    expect((await t.api.call('GET', '/console/..%2Fpackage.json')).status).toBe(400);
  });
});
