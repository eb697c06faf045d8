/**
 * The client (packages/client, the @playguard/client workspace package as built) against the local gateway over real HTTP: a minor's Friday window
 * from 20:44 to the end at 21:00 on the virtual clock (warnings at 15 and 5 minutes, the next
 * window), a lost heartbeat answer repeated with the same seq, an adult without limit, the server
 * client's payments and challenge results, and the problem documents the gateway really sends
 * checked against the extension-member map (shared/problem.ts PROBLEM_EXTENSIONS).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createPlayGuard,
  createPlayGuardServer,
  isPlayGuardProblem,
  type PlayGuardNetworkError,
  type Fetch,
  type PlayGuardProblem,
  type PlayGuardSession,
  type SessionEvents,
} from '@playguard/client';
import { PROBLEM_EXTENSIONS, PROBLEMS, problemBody, type ProblemCode } from '#shared/problem';
import * as z from '#shared/zod';
import { deployed, deployedUrl, useGateway } from '#test/support/gateway';
import { consentStatus, person, withConsent } from '#test/support/people';

const t = useGateway();

const baseUrl = () => deployedUrl ?? t.gateway.url;
const player = async (sub: string, fetch?: Fetch) => createPlayGuard({ baseUrl: baseUrl(), token: await t.api.token(sub), ...(fetch ? { fetch } : {}) });
const server = async () => createPlayGuardServer({ baseUrl: baseUrl(), token: await t.api.token(`gs-${randomUUID()}`, 'server') });
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a problem');
    },
    (e: unknown) => {
      if (!isPlayGuardProblem(e)) throw e;
      return e;
    },
  );

function record(session: PlayGuardSession) {
  const events: Array<[keyof SessionEvents, unknown]> = [];
  for (const name of ['heartbeat', 'warn', 'terminate', 'error'] as const) session.on(name, (e) => events.push([name, e]));
  return events;
}

/** What the gateway sent besides the standard members, which must be exactly what the map allows for the code. */
function checkExtensions(e: PlayGuardProblem): Record<string, unknown> {
  const { type, title, status, detail, code, ...extension } = e.problem;
  // The gateway sends only the catalogue's codes (the client also knows the contract's pending ones).
  const known = e.code as ProblemCode;
  expect([type, title, status, code]).toEqual([`urn:playguard:problem:${known}`, PROBLEMS[known].title, PROBLEMS[known].status, known]);
  expect(typeof detail).toBe('string');
  const schema = (PROBLEM_EXTENSIONS as Partial<Record<ProblemCode, (typeof PROBLEM_EXTENSIONS)[keyof typeof PROBLEM_EXTENSIONS]>>)[known];
  if (!schema) expect(extension).toEqual({});
  else expect(z.strictObject(schema.shape).safeParse(extension).error?.issues ?? []).toEqual([]);
  return extension;
}

describe.skipIf(deployed)("a minor's Friday evening, on the virtual clock", () => {
  it(
    "plays from 20:44, is warned at 15 and 5 minutes, is stopped at 21:00 with Saturday's window, and a " + 'lost answer is repeated with the same seq',
    async () => {
      // 2026-12-04 is an ordinary Friday in the holiday calendar (docs/rules.md §2): 20:00–21:00.
      await t.api.setClock('2026-12-04T20:44:00+08:00');
      let dropNextHeartbeatAnswer = false;
      const seqs: number[] = [];
      // The network loses the answer (the gateway did count the heartbeat), once, when asked to.
      const flaky: Fetch = async (url, init) => {
        const res = await fetch(url, init);
        if (url.endsWith('/heartbeat')) seqs.push((JSON.parse(init.body!) as { seq: number }).seq);
        if (url.endsWith('/heartbeat') && dropNextHeartbeatAnswer) {
          dropNextHeartbeatAnswer = false;
          await res.text();
          throw new TypeError('fetch failed');
        }
        return res;
      };
      const pg = await player('client-minor', flaky);
      // 13: the guardian ticks the consent at the real-name step (2019 Children's PI Regulations Arts. 9–10).
      expect(await pg.identity.submit(withConsent(person('2013-01-10')))).toEqual({
        status: 'verified',
        ageBand: 8,
        minor: true,
        guardianConsent: consentStatus(true, true),
      });
      expect(await pg.identity.status()).toEqual({ status: 'verified', ageBand: 8, minor: true, guardianConsent: consentStatus(true, true) });
      const session = await pg.startSession({ deviceId: 'minor-phone' });
      // The virtual clock runs on in real time: a loaded machine may take a second or two to get here.
      const left = session.started.remainingSeconds!;
      expect(left).toBeGreaterThanOrEqual(957);
      expect(left).toBeLessThanOrEqual(960);
      // The first heartbeat lands on the 15-minute mark.
      expect({ ...session.started, sessionId: '…' }).toEqual({
        sessionId: '…',
        gameId: 'default',
        ageRating: null,
        belowRating: false,
        ageBand: 8,
        minor: true,
        remainingSeconds: left,
        endsAt: '2026-12-04T21:00:00+08:00',
        heartbeatIntervalSeconds: left - 900,
      });
      const events = record(session);

      try {
        // The heartbeat timer is real time: move the virtual clock, then beat now (as a tab coming back does).
        await t.api.setClock('2026-12-04T20:45:00+08:00');
        dropNextHeartbeatAnswer = true;
        await session.beat();
        expect(events.map(([name]) => name)).toEqual(['error']);
        expect(((events[0]![1] as SessionEvents['error']).error as PlayGuardNetworkError).kind).toBe('network');
        // Half a minute later the same seq again: the gateway answers as it did at 20:45, counting nothing twice.
        await t.api.setClock('2026-12-04T20:45:30+08:00');
        await session.beat();
        expect(seqs).toEqual([1, 1]);
        // The answer counted at the first (lost) send, repeated: its time is 20:45 (± the real seconds it took).
        const at2045 = (events[1]![1] as { remainingSeconds: number }).remainingSeconds;
        expect(at2045).toBeGreaterThanOrEqual(897);
        expect(at2045).toBeLessThanOrEqual(900);
        expect(events.slice(1)).toEqual([
          ['heartbeat', { action: 'warn', remainingSeconds: at2045, endsAt: '2026-12-04T21:00:00+08:00', nextHeartbeatSeconds: 300, seq: 1 }],
          ['warn', { action: 'warn', remainingSeconds: at2045, endsAt: '2026-12-04T21:00:00+08:00', nextHeartbeatSeconds: 300, seq: 1 }],
        ]);

        await t.api.setClock('2026-12-04T20:55:00+08:00');
        await session.beat();
        const at2055 = (events.at(-1)![1] as { remainingSeconds: number }).remainingSeconds;
        expect(at2055).toBeGreaterThanOrEqual(297);
        expect(at2055).toBeLessThanOrEqual(300);
        // The next heartbeat lands on the end.
        expect(events.at(-1)).toEqual([
          'warn',
          { action: 'warn', remainingSeconds: at2055, endsAt: '2026-12-04T21:00:00+08:00', nextHeartbeatSeconds: at2055, seq: 2 },
        ]);

        const ended = new Promise<SessionEvents['terminate']>((resolve) => session.on('terminate', resolve));
        await t.api.setClock('2026-12-04T21:00:00+08:00');
        await session.beat();
        expect(await ended).toEqual({
          reason: 'outside_allowed_hours',
          nextWindowStart: '2026-12-05T20:00:00+08:00',
          nextWindowEnd: '2026-12-05T21:00:00+08:00',
        });
        expect([session.state, seqs]).toEqual(['terminated', [1, 1, 2, 3]]);

        // Logging in again is refused until Saturday's window, with that window.
        const refused = await failure(pg.startSession({ deviceId: 'minor-phone' }));
        if (refused.code !== 'play_time_restricted') throw refused;
        expect([refused.nextWindowStart, refused.nextWindowEnd]).toEqual(['2026-12-05T20:00:00+08:00', '2026-12-05T21:00:00+08:00']);
        checkExtensions(refused);
      } finally {
        session.stop();
      }
    },
  );

  it('lets an adult play at 21:30 with no limit', async () => {
    await t.api.setClock('2026-12-04T21:30:00+08:00');
    const pg = await player('client-adult');
    expect(await pg.identity.submit(person('1990-05-05'))).toEqual({
      status: 'verified',
      ageBand: 18,
      minor: false,
      guardianConsent: consentStatus(false, false),
    });
    const session = await pg.startSession({ deviceId: 'adult-pc' });
    const events = record(session);
    try {
      expect([session.started.remainingSeconds, session.started.endsAt, session.started.heartbeatIntervalSeconds]).toEqual([null, null, 600]);
      await t.api.setClock('2026-12-04T23:30:00+08:00');
      await session.beat();
      expect(events).toEqual([['heartbeat', { action: 'continue', remainingSeconds: null, endsAt: null, nextHeartbeatSeconds: 600, seq: 1 }]]);
      expect((await pg.limits()).playTime).toEqual({ allowedNow: true, remainingSeconds: null, nextWindowStart: null, nextWindowEnd: null });
    } finally {
      await session.end();
    }
    expect(session.state).toBe('ended');
  });

  it('takes over a session on another device when asked to; the replaced session hears it at its next heartbeat', async () => {
    await t.api.setClock('2026-12-05T10:00:00+08:00');
    const tv = await player('client-takeover');
    await tv.identity.submit(person('1991-06-06'));
    const first = await tv.startSession({ deviceId: 'tv' });
    const firstEvents = record(first);
    const phone = await player('client-takeover');
    const refused = await failure(phone.startSession({ deviceId: 'phone' }));
    expect(refused.code).toBe('session_active_elsewhere');
    checkExtensions(refused);
    const second = await phone.startSession({ deviceId: 'phone', takeover: true });
    try {
      await first.beat();
      expect(firstEvents.at(-1)).toEqual(['terminate', { reason: 'signed_in_elsewhere', nextWindowStart: null, nextWindowEnd: null }]);
      expect(first.state).toBe('terminated');
    } finally {
      first.stop();
      await second.end();
    }
  });
});

describe.skipIf(deployed)('the problems the gateway sends fit the extension-member map', () => {
  it(
    'for play_time_restricted, invalid_id_number, guardian_consent_required, stale_heartbeat, ' +
      'invalid_request, spending_limit_exceeded, order_conflict and challenge_required',
    async () => {
      await t.api.setClock('2026-12-09T10:00:00+08:00'); // a Wednesday
      const minor = await player('client-problems-minor');
      const valid = person('2013-01-10').idNumber;
      const badNumber = await failure(minor.identity.submit({ name: '张三', idNumber: valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0') }));
      expect(checkExtensions(badNumber)).toEqual({ reason: 'check_digit' });
      const child = person('2013-01-10');
      await minor.identity.submit(child);
      expect(checkExtensions(await failure(minor.startSession({ deviceId: 'd' })))).toEqual({ policyVersion: '1', consent: 'attested' });
      await minor.identity.submit(withConsent(child));
      expect(checkExtensions(await failure(minor.startSession({ deviceId: 'd' })))).toEqual({
        nextWindowStart: '2026-12-11T20:00:00+08:00',
        nextWindowEnd: '2026-12-11T21:00:00+08:00',
      });

      const adult = await player('client-problems-adult');
      await adult.identity.submit(person('1992-07-07'));
      const session = await adult.startSession({ deviceId: 'd-stale' });
      session.stop();
      // The client never sends a lower seq itself; a second copy of the same session would.
      const beat = async (seq: number) =>
        t.api.call('POST', `/v1/sessions/${session.sessionId}/heartbeat`, { token: await t.api.token('client-problems-adult'), body: { seq } });
      expect((await beat(3)).status).toBe(200);
      const lower = await beat(2);
      expect(lower.body).toEqual(problemBody('stale_heartbeat', { lastSeq: 3 }));
      expect(z.strictObject(PROBLEM_EXTENSIONS.stale_heartbeat.shape).parse({ lastSeq: lower.body.lastSeq })).toEqual({ lastSeq: 3 });

      const gameServer = await server();
      const missingAccount = await failure(gameServer.payments.reserve({ orderId: `o-${randomUUID()}`, amount: 100 } as never));
      expect(checkExtensions(missingAccount)).toEqual({ errors: [{ path: 'accountId', message: 'required with a server credential' }] });
      const overLimit = await failure(gameServer.payments.reserve({ orderId: `o-${randomUUID()}`, amount: 5001, accountId: 'client-problems-minor' }));
      expect(checkExtensions(overLimit)).toEqual({ source: 'law', limit: 'single', limitAmount: 5000, remainingAmount: 5000 });
      const orderId = `o-${randomUUID()}`;
      await gameServer.payments.reserve({ orderId, amount: 600, accountId: 'client-problems-adult' });
      expect(checkExtensions(await failure(gameServer.payments.reserve({ orderId, amount: 700, accountId: 'client-problems-adult' })))).toEqual({});
      expect(await gameServer.payments.cancel(orderId)).toEqual({ orderId, status: 'cancelled' });
      expect(checkExtensions(await failure(gameServer.payments.reserve({ orderId, amount: 600, accountId: 'client-problems-adult' })))).toEqual({
        orderStatus: 'cancelled',
      });

      // A fourth account on one phone within 24 h is challenged (docs/rules.md §4 defaults); the server answers the challenge.
      const phone = `shop-${randomUUID()}`;
      let challenged: PlayGuardProblem | undefined;
      for (let i = 1; i <= 4; i += 1) {
        const pg = await player(`client-shop-${i}`);
        await pg.identity.submit(person('1985-03-0' + i));
        const attempt = await pg.startSession({ deviceId: phone }).then(
          (s) => (s.stop(), undefined),
          (e: unknown) => e as PlayGuardProblem,
        );
        if (i < 4) expect(attempt).toBeUndefined();
        else challenged = attempt;
      }
      if (challenged?.code !== 'challenge_required') throw new Error(`expected challenge_required, got ${String(challenged)}`);
      expect(checkExtensions(challenged)).toEqual({ challengeId: challenged.challengeId, challengeKind: 'face', signal: 'device_many_accounts' });
      expect(await gameServer.challenges.result(challenged.challengeId, { passed: true })).toEqual({ challengeId: challenged.challengeId, status: 'passed' });
    },
  );
});

describe.skipIf(deployed)("the player's personal-information rights", () => {
  it('reads what is kept, then erases it: the identity is none afterwards', async () => {
    await t.api.setClock('2026-12-07T10:00:00+08:00');
    const pg = await player('client-rights');
    await pg.identity.submit(person('1991-03-03'));
    const data = await pg.me.data();
    expect(data.identity).toEqual({ status: 'verified', birthDate: '1991-03-03', ageBand: 18 });
    const erased = await pg.me.erase();
    expect(erased.erased.length).toBeGreaterThan(0);
    expect(await pg.identity.status()).toEqual({ status: 'none' });
    expect((await pg.me.erase()).erased).toEqual([]);
  });
});

describe('the server client', () => {
  it('reserves for an account, commits, and cancels idempotently', async () => {
    const sub = `client-pay-${randomUUID()}`;
    const pg = await player(sub);
    expect((await pg.identity.submit(person('1993-08-08'))).status).toBe('verified');
    const gameServer = await server();
    const orderId = `o-${randomUUID()}`;
    const reserved = await gameServer.payments.reserve({ orderId, amount: 600, accountId: sub });
    expect(reserved).toMatchObject({ orderId, status: 'reserved' });
    expect(await gameServer.payments.commit(orderId)).toEqual({ orderId, status: 'committed' });
    expect(await gameServer.payments.commit(orderId)).toEqual({ orderId, status: 'committed' });
    const refused = await failure(gameServer.payments.cancel(orderId));
    expect([refused.code, refused.httpStatus]).toEqual(['order_conflict', 409]);
    expect(checkExtensions(refused)).toEqual({ orderStatus: 'committed' });
  });
});
