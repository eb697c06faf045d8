/**
 * Personal-information rights over HTTP (docs/api.md: GET /v1/me/data, DELETE /v1/me): a busy
 * minor's export lists every kind of item with exact counts and nothing of anyone else; erasure
 * ends the live session (its logout still reaches the national system), leaves the identity `none`,
 * keeps this month's spend limiting the same person on a new registration, and changes nothing when
 * repeated; an erasure that crashes halfway completes when run again. The last test classifies every
 * item the flows left in the table against the retention table (shared/storage/retention.ts).
 */
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { settings } from '#shared/settings';
import { createDocumentClient } from '#shared/storage/dynamo';
import { ttlAttribute } from '#shared/storage/expiry';
import { itemKindOf } from '#shared/storage/keys';
import { mustExpire, RETENTION } from '#shared/storage/retention';
import { eraseAccount, ERASURE_STEPS, type PrivacyDeps } from '#shared/usecases/privacy';
import { deployed, useGateway } from '#test/support/gateway';
import { person } from '#test/support/people';
import { repositories } from '#test/support/table';

const t = useGateway();

let db: DynamoDBDocumentClient;
const scan = async (): Promise<Array<Record<string, unknown>>> => {
  const out: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await db.send(new ScanCommand({ TableName: t.gateway.tableName, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
    out.push(...((r.Items ?? []) as Array<Record<string, unknown>>));
    start = r.LastEvaluatedKey;
  } while (start);
  return out;
};
/** Items that mention an account id anywhere (key or attribute). */
const mentioning = (items: Array<Record<string, unknown>>, accountId: string) => items.filter((i) => JSON.stringify(i).includes(accountId));

const pay = async (token: string, amount: number) => {
  const orderId = `o-${randomUUID()}`;
  expect((await t.api.call('POST', '/v1/payments', { token, body: { orderId, amount } })).status).toBe(201);
  expect((await t.api.call('POST', `/v1/payments/${orderId}/commit`, { token })).status).toBe(200);
  return orderId;
};

describe.skipIf(deployed)('export and erasure of a busy minor', () => {
  const minorId = `minor-${randomUUID().slice(0, 8)}`;
  const otherId = `other-${randomUUID().slice(0, 8)}`;
  const minor = person('2012-05-05', '王小明');
  let token = '';
  let otherToken = '';
  const sessionIds: string[] = [];
  let otherSession = '';
  let liveSession = '';
  let challengeId = '';
  const orders: string[] = [];

  beforeAll(() => {
    db = createDocumentClient({ endpoint: t.gateway.dynamoEndpoint, region: 'local' });
  });

  it('a minor plays on four devices (one challenge, passed), pays three times over two days; another player shares a phone', async () => {
    // The day before: a payment of the day's whole 50 CNY cap (ages 8–15).
    await t.api.setClock('2026-10-01T12:00:00+08:00');
    token = await t.api.token(minorId);
    expect((await t.api.call('POST', '/v1/identity', { token, body: minor })).status).toBe(200);
    orders.push(await pay(token, 5000));
    await t.api.setClock('2026-10-02T20:05:00+08:00');
    otherToken = await t.api.token(otherId);
    expect((await t.api.call('POST', '/v1/identity', { token: otherToken, body: person('1990-01-01') })).status).toBe(200);
    // A second apart: the export lists sessions and payments by time (one instant has no order).
    for (const device of ['phone-1', 'phone-2', 'phone-3']) {
      await t.api.advanceClock(1);
      const s = await t.api.login(token, device, true);
      expect(s.status).toBe(201);
      sessionIds.push(s.body.sessionId);
    }
    const o = await t.api.login(otherToken, 'phone-1', true);
    expect(o.status).toBe(201);
    otherSession = o.body.sessionId;
    const refused = await t.api.login(token, 'phone-4', true);
    expect(refused.status).toBe(428);
    challengeId = refused.body.challengeId;
    // The verdict a second later: the audit lists decisions by time (one instant has no order).
    await t.api.advanceClock(1);
    expect(
      (await t.api.call('POST', `/v1/challenges/${challengeId}/result`, { token: await t.api.token('game-server', 'server'), body: { passed: true } })).status,
    ).toBe(200);
    await t.api.advanceClock(1);
    const last = await t.api.login(token, 'phone-4', true);
    expect(last.status).toBe(201);
    liveSession = last.body.sessionId;
    sessionIds.push(liveSession);
    for (const amount of [3000, 2000]) {
      await t.api.advanceClock(1);
      orders.push(await pay(token, amount));
    }
  });

  it('the export lists every kind of item with exact counts, and nothing of anyone else', async () => {
    const r = await t.api.call('GET', '/v1/me/data', { token });
    expect(r.status).toBe(200);
    const data = r.body;
    expect(Object.keys(data).sort()).toEqual([
      'account',
      'challenges',
      'complaints',
      'consent',
      'devices',
      'guardians',
      'identity',
      'payments',
      'retention',
      'riskDecisions',
      'sessions',
      'wards',
    ]);
    expect(data.account.accountId).toBe(minorId);
    expect(data.identity).toEqual({ status: 'verified', birthDate: '2012-05-05', ageBand: 8 });
    expect(data.sessions.map((s: { sessionId: string }) => s.sessionId)).toEqual(sessionIds);
    expect(data.sessions.map((s: { state: string }) => s.state)).toEqual(['ended', 'ended', 'ended', 'live']);
    expect(data.payments.map((p: { orderId: string }) => p.orderId)).toEqual(orders);
    expect(data.payments.map((p: { amount: number; status: string }) => [p.amount, p.status])).toEqual([
      [5000, 'committed'],
      [3000, 'committed'],
      [2000, 'committed'],
    ]);
    expect(data.devices).toEqual({ count: 4, lastSeenAt: expect.stringMatching(/^2026-10-02T20:05:0\d\+08:00$/) });
    expect(data.riskDecisions.map((d: { decision: string; signal: string }) => [d.decision, d.signal])).toEqual([
      ['challenge', 'account_many_devices'],
      ['challenge_passed', 'account_many_devices'],
    ]);
    expect(data.challenges).toMatchObject([{ challengeId, status: 'passed', signal: 'account_many_devices', context: 'login' }]);
    expect(data.guardians).toEqual({ count: 0 });
    expect(data.wards).toEqual([]);
    // 14 on this day: no guardian's consent is needed, none was recorded.
    expect(data.consent).toEqual({ required: false, policyVersion: '1', records: [] });
    // The export itself is this account's first request in the register, answered at once.
    expect(data.complaints).toEqual([]);
    expect((await t.api.call('GET', '/v1/me/complaints', { token })).body.complaints).toMatchObject([
      { kind: 'export', category: 'personal_information', status: 'answered', outcome: 'resolved' },
    ]);
    expect(data.retention.map((k: { kind: string }) => k.kind)).toEqual(Object.values(RETENTION).map((e) => e.item));

    // Nothing of the other player (who shares phone-1), no keys, no hashes, no PI.
    const text = JSON.stringify(data);
    const stored = await scan();
    const identityHash = String(stored.find((i) => i.pk === `ACCOUNT#${minorId}` && i.sk === 'ACCOUNT')!.identityHash);
    const deviceHashes = Object.keys(stored.find((i) => i.pk === `ACCOUNT#${minorId}` && i.sk === 'ACCOUNT')!.devices as object);
    const pi = String(stored.find((i) => i.pk === `ACCOUNT#${minorId}` && i.sk === 'ACCOUNT')!.pi);
    for (const secret of [otherId, otherSession, identityHash, ...deviceHashes, pi, minor.idNumber, minor.name]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/"(pk|sk|gsi1pk|gsi2pk|identityHash|deviceHash|pi)"/);
  });

  it('erasure ends the live session, leaves the identity none, and lists what it keeps until when and why', async () => {
    await t.api.setClock('2026-10-02T20:30:00+08:00');
    const r = await t.api.call('DELETE', '/v1/me', { token });
    expect(r.status).toBe(200);
    expect(r.body.erased).toEqual(expect.arrayContaining(['sessions', 'payments', 'challenges', 'device_sightings', 'identity', 'account']));
    const kept = Object.fromEntries(r.body.retained.map((k: { kind: string; until: string | null }) => [k.kind, k.until]));
    expect(kept).toEqual({
      // Every minor's play is recorded for the day (a guardian's daily minutes count the whole day).
      day_play: '2026-10-03T00:00:00+08:00',
      nppa_events: null,
      risk_decisions: expect.stringMatching(/^2027-03-31T20:05:0\d\+08:00$/),
      spend_total_day: '2026-10-03T00:00:00+08:00',
      spend_total_month: '2026-11-01T00:00:00+08:00',
      // The account's export and this erasure, in the requests register without texts, three years (and a day) after their answer.
      requests_register: '2029-10-04T20:30:00+08:00',
    });
    for (const k of r.body.retained) expect(k.why.length).toBeGreaterThan(10);
    expect((await t.api.call('GET', '/v1/identity', { token })).body).toEqual({ status: 'none' });
    // The live session is over for the client too.
    expect((await t.api.call('POST', `/v1/sessions/${liveSession}/heartbeat`, { token, body: { seq: 1 } })).status).toBe(404);

    const left = await scan();
    const mine = mentioning(left, minorId).map((i) => itemKindOf({ pk: String(i.pk), sk: String(i.sk) }));
    // Audit entries (180 days), the erasure record, the events still to report, the register's entries: nothing else.
    expect(new Set(mine)).toEqual(new Set(['auditEntry', 'erasureRecord', 'nppaEvent', 'registerEntry']));
    const register = left.filter((i) => itemKindOf({ pk: String(i.pk), sk: String(i.sk) }) === 'registerEntry' && i.accountId === minorId);
    expect(register.map((i) => [i.kind, i.status, i.outcome]).sort()).toEqual([
      ['erasure', 'answered', 'resolved'],
      ['export', 'answered', 'resolved'],
    ]);
    // Kind, category, dates, outcome: no text, no place in the account's list.
    for (const i of register)
      expect(Object.keys(i).filter((k) => ['text', 'answer', 'orderId', 'refund', 'gsi2pk'].includes(k))).toEqual(i.kind === 'erasure' ? ['answer'] : []);
    expect(left.filter((i) => i.pk === `ERASED` || (i.sk === 'ERASED' && i.pk === `ACCOUNT#${minorId}`))[0]).not.toHaveProperty('identityHash');
    // The person's partition holds only this month's counters, expiring at the month's end (+ the margin).
    const person = left.filter((i) => String(i.pk).startsWith('IDENTITY#') && !mentioning([i], otherId).length && String(i.sk).startsWith('SPEND#'));
    expect(person.map((i) => i.sk).sort()).toEqual(['SPEND#D#2026-10-02', 'SPEND#M#2026-10']);
    // (ttlAttribute: the month's end plus the margin, never before the real clock plus the margin.)
    for (const i of person)
      expect(
        Math.abs(Number(i.expiresAt) - ttlAttribute(Date.parse(i.sk === 'SPEND#M#2026-10' ? '2026-11-01T00:00:00+08:00' : '2026-10-03T00:00:00+08:00'))),
      ).toBeLessThan(120);
    expect(left.filter((i) => i.sk === 'IDENTITY')).toHaveLength(1); // the other player's only
  });

  it('the pending logout (and the unreported logins) still reach the national system after tick, then go', async () => {
    await t.api.tick();
    await t.api.tick();
    const got = t.gateway.simulator!.receivedLoginouts.filter((e) => sessionIds.includes(e.si));
    expect(got.filter((e) => e.si === liveSession).map((e) => e.bt)).toEqual([1, 0]);
    expect(
      got
        .filter((e) => e.bt === 0)
        .map((e) => e.si)
        .sort(),
    ).toEqual([...sessionIds].sort());
    const left = await scan();
    expect(
      mentioning(left, minorId)
        .map((i) => itemKindOf({ pk: String(i.pk), sk: String(i.sk) }))
        .sort(),
    ).toEqual(['auditEntry', 'auditEntry', 'erasureRecord', 'registerEntry', 'registerEntry']);
    expect(left.filter((i) => sessionIds.some((si) => String(i.pk).includes(si)))).toEqual([]);
  });

  it('a second erasure changes nothing and answers what is kept', async () => {
    const before = await scan();
    const r = await t.api.call('DELETE', '/v1/me', { token });
    expect(r.status).toBe(200);
    expect(r.body.erased).toEqual([]);
    expect(r.body.retained.map((k: { kind: string }) => k.kind).sort()).toEqual([
      'day_play',
      'nppa_events',
      'requests_register',
      'risk_decisions',
      'spend_total_day',
      'spend_total_month',
    ]);
    expect(await scan()).toEqual(before);
  });

  it("today's and this month's spend still limit the same person on a new account, and the erased account may register again", async () => {
    const again = await t.api.token(`again-${randomUUID().slice(0, 8)}`);
    expect((await t.api.call('POST', '/v1/identity', { token: again, body: minor })).body).toMatchObject({ status: 'verified', minor: true });
    expect((await t.api.call('GET', '/v1/limits', { token: again })).body.spending).toEqual({ singleMax: 5000, dailyRemaining: 0, monthlyRemaining: 10000 });
    expect((await t.api.call('POST', '/v1/payments', { token: again, body: { orderId: `o-${randomUUID()}`, amount: 100 } })).body).toMatchObject({
      limit: 'daily',
      remainingAmount: 0,
    });
    await t.api.setClock('2026-10-03T20:10:00+08:00');
    await pay(again, 5000);
    await t.api.setClock('2026-10-04T20:10:00+08:00');
    await pay(again, 5000);
    expect((await t.api.login(again, 'phone-9', true)).status).toBe(201); // (a minor's lease, for the retention check below)
    await t.api.setClock('2026-10-05T12:00:00+08:00');
    const over = await t.api.call('POST', '/v1/payments', { token: again, body: { orderId: `o-${randomUUID()}`, amount: 100 } });
    expect(over.status).toBe(403);
    expect(over.body).toMatchObject({ code: 'spending_limit_exceeded', limit: 'monthly', remainingAmount: 0 });
    // The erased account itself binds again, to the same person: the same month's total applies.
    expect((await t.api.call('POST', '/v1/identity', { token, body: minor })).body.status).toBe('verified');
    expect((await t.api.call('GET', '/v1/limits', { token })).body.spending.monthlyRemaining).toBe(0);
  });

  it.each(ERASURE_STEPS.slice(0, -1))('an erasure that crashes after step %s completes when run again', async (crashAfter) => {
    await t.api.setClock('2026-10-03T20:10:00+08:00');
    const sub = `crash-${crashAfter}-${randomUUID().slice(0, 6)}`;
    const tk = await t.api.token(sub);
    expect((await t.api.call('POST', '/v1/identity', { token: tk, body: person('2011-01-01') })).status).toBe(200);
    expect((await t.api.login(tk, `d-${sub}`, true)).status).toBe(201);
    await pay(tk, 1000);
    const s = settings();
    const table = t.gateway.tableName;
    const r = repositories(db, table);
    const deps: PrivacyDeps = {
      accounts: r.accounts,
      identities: r.identities,
      sessions: { repo: r.sessions, policy: s.PLAY_POLICY, games: s.GAMES },
      spending: r.spending,
      risk: r.risk,
      outbox: r.outbox,
      guardians: { repo: r.guardians, accounts: r.accounts, identities: r.identities, sessions: r.sessions },
      complaints: { repo: r.register, complaintDays: s.COMPLAINT_DAYS, games: s.GAMES },
      consent: { mode: s.CONSENT, policyVersion: s.PRIVACY_POLICY_VERSION },
    };
    const nowMs = Date.parse('2026-10-03T20:20:00+08:00');
    await expect(
      eraseAccount(deps, sub, nowMs, {
        after: (step) => {
          if (step === crashAfter) throw new Error('crash');
        },
      }),
    ).rejects.toThrow('crash');
    const retried = await eraseAccount(deps, sub, nowMs);
    // The erasure's own entry in the requests register is written once, whichever run gets there.
    expect(retried.retained.map((k) => k.kind).sort()).toEqual(['day_play', 'nppa_events', 'requests_register', 'spend_total_day', 'spend_total_month']);
    const mine = mentioning(await scan(), sub).map((i) => itemKindOf({ pk: String(i.pk), sk: String(i.sk) }));
    expect(mine.sort()).toEqual(['erasureRecord', 'nppaEvent', 'nppaEvent', 'registerEntry']);
    expect((await t.api.call('GET', '/v1/identity', { token: tk })).body).toEqual({ status: 'none' });
  });

  it('every stored item has a kind in the key catalogue, an entry in the retention table, and expiresAt where the table says so', async () => {
    // Operator access too, so that the access log is among the items.
    const op = await t.api.token('compliance-1', 'operator');
    expect((await t.api.call('GET', `/v1/admin/accounts/${otherId}?reason=${encodeURIComponent('retention check')}`, { token: op })).status).toBe(200);
    const items = await scan();
    const seen = new Set<string>();
    for (const item of items) {
      const kind = itemKindOf({ pk: String(item.pk), sk: String(item.sk) });
      expect(kind, `${String(item.pk).split('#')[0]} / ${String(item.sk).split('#')[0]}`).not.toBeNull();
      expect(RETENTION[kind!], kind!).toBeDefined();
      seen.add(kind!);
      if (mustExpire(kind!, item)) expect(typeof item.expiresAt, `${kind} carries expiresAt`).toBe('number');
    }
    // The flows above wrote every kind but the ones that need another policy or an outage (the
    // operators' figures among them: the stats aggregator runs on tick).
    expect([...seen].sort()).toEqual(
      [
        'accessLogEntry',
        'account',
        'auditEntry',
        'dayPlay',
        'device',
        'erasureRecord',
        'identity',
        'identityLease',
        'nppaEvent',
        'order',
        'rateGateSecond',
        'registerEntry',
        'session',
        'spendDay',
        'spendMonth',
        'statsDay',
        'statsPersonWeek',
        'statsSeen',
        'statsWeek',
      ].sort(),
    );
  });
});
