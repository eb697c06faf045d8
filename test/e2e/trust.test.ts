/**
 * The protections, tried as the people who would rather they did not hold (docs/guardians.md "Trust
 * model", docs/data.md "What survives an erasure"): a hostile adult who knows a child's name and ID
 * number, a motivated teenager, a stranger with another account. Each test is written as the attack
 * and states what the gateway answers instead.
 *
 * 2026-10-02 and 2026-10-03 are national-holiday days (minors may play 20:00–21:00);
 * 2026-10-13 is a Tuesday (no play for minors at any hour).
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#shared/storage/dynamo';
import { accountKey, itemKindOf, type ItemKind } from '#shared/storage/keys';
import { RETAINED_ITEMS } from '#shared/storage/retention';
import { deployed, useGateway } from '#test/support/gateway';
import { person, withConsent } from '#test/support/people';
import { startReceiver, type Receiver } from '#test/support/webhookReceiver';

const SECRET = 'whsec-trust-0123456789abcdef';
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver(SECRET);
});
afterAll(async () => receiver?.stop());

const t = useGateway({ env: () => ({ WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET }) });
const uid = () => randomUUID().slice(0, 8);

type Who = { name: string; idNumber: string };
// Children under 14 with the guardian's consent the client attests at the real-name step (read only for them).
const submit = (token: string, who: Who) => t.api.call('POST', '/v1/identity', { token, body: withConsent({ name: who.name, idNumber: who.idNumber }) });
const verified = async (sub: string, who: Who) => {
  const token = await t.api.token(sub);
  const r = await submit(token, who);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body.status).toBe('verified');
  return token;
};
/** A guardian asks for a ward a second after the accounts just verified were bound (only those bound before may confirm). */
const ask = async (token: string, who: Who) => {
  await t.api.advanceClock(1);
  return t.api.call('POST', '/v1/guardian/wards', { token, body: { name: who.name, idNumber: who.idNumber } });
};
const confirm = (token: string, code: string) => t.api.call('POST', '/v1/me/guardians/confirm', { token, body: { code } });
const logout = (token: string, sessionId: string) => t.api.call('DELETE', `/v1/sessions/${sessionId}`, { token });
const controls = (token: string, wardId: string, body: unknown) => t.api.call('PUT', `/v1/guardian/wards/${wardId}/controls`, { token, body });
const eventsOf = (type: string) => [...receiver.events.values()].filter((e) => e.type === type);

async function scan(): Promise<Array<Record<string, unknown>>> {
  const db = createDocumentClient({ endpoint: t.gateway.dynamoEndpoint, region: 'local' });
  const out: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await db.send(new ScanCommand({ TableName: t.gateway.tableName, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
    out.push(...((r.Items ?? []) as Array<Record<string, unknown>>));
    start = r.LastEvaluatedKey;
  } while (start);
  return out;
}

/** The person an account is bound to (its identity hash), read before an erasure. */
async function personOf(accountId: string): Promise<string> {
  const key = accountKey(accountId);
  return String((await scan()).find((i) => i.pk === key.pk && i.sk === key.sk)!.identityHash);
}

/**
 * After an erasure, the items that still name the account or its person are exactly those of the
 * kinds `retained` lists (shared/storage/retention.ts RETAINED_ITEMS): each listed kind is there, and
 * nothing else is. Besides them: the erasure's own record, and webhook events on their way to the
 * publisher (opaque ids, the publisher's own notifications).
 */
async function expectExactlyRetained(accountIds: string[], person: string, retained: Array<{ kind: string }>): Promise<void> {
  const items = (await scan()).filter((i) => {
    const kind = itemKindOf({ pk: String(i.pk), sk: String(i.sk) });
    if (kind === 'erasureRecord' || kind === 'webhookEvent') return false;
    const text = JSON.stringify(i);
    return (
      accountIds.some((id) => text.includes(id)) ||
      String(i.pk).startsWith(`IDENTITY#${person}`) ||
      ((kind === 'guardianWard' || kind === 'statsPersonWeek') && text.includes(person))
    );
  });
  const found = new Set(items.map((i) => itemKindOf({ pk: String(i.pk), sk: String(i.sk) })));
  const allowed = new Set<ItemKind | null>(retained.flatMap((k) => RETAINED_ITEMS[k.kind] ?? []));
  expect(
    [...found].filter((k) => !allowed.has(k)),
    'items kept that retained does not name',
  ).toEqual([]);
  for (const k of retained)
    expect(
      RETAINED_ITEMS[k.kind]!.some((kind) => found.has(kind)),
      `retained names ${k.kind} but nothing of it is kept`,
    ).toBe(true);
}

describe.skipIf(deployed)("the seizure: an adult who knows a child's name and ID number binds a second account of its own and confirms from it", () => {
  const child = person('2013-03-03', '陈小雨');
  const attacker = person('1980-01-01', '周大');
  let childToken = '';
  let attackerToken = '';
  let attackerSecond = '';
  let wardId = '';
  let code = '';

  it('the confirmation from an account bound after the link was asked is 403 confirmation_not_allowed', async () => {
    await t.api.setClock('2026-10-02T19:00:00+08:00');
    childToken = await verified(`child-${uid()}`, child);
    attackerToken = await verified(`atk-${uid()}`, attacker);
    await t.api.setClock('2026-10-02T19:01:00+08:00');
    const asked = await ask(attackerToken, child);
    expect(asked.status).toBe(201);
    wardId = asked.body.wardId;
    code = asked.body.confirmCode;
    await t.api.setClock('2026-10-02T19:02:00+08:00');
    // The attacker binds a second game account of its own to the child's identity.
    attackerSecond = await verified(`atk2-${uid()}`, child);
    const r = await confirm(attackerSecond, code);
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('confirmation_not_allowed');
  });

  it('asking again (a fresh code) does not move the moment the link was asked', async () => {
    await t.api.setClock('2026-10-02T19:03:00+08:00');
    const again = await ask(attackerToken, child);
    expect(again.status).toBe(200);
    expect((await confirm(attackerSecond, again.body.confirmCode)).body.code).toBe('confirmation_not_allowed');
    code = again.body.confirmCode;
  });

  it('ending the link and asking anew does not either', async () => {
    expect((await t.api.call('DELETE', `/v1/guardian/wards/${wardId}`, { token: attackerToken })).status).toBe(204);
    await t.api.setClock('2026-10-02T19:04:00+08:00');
    const anew = await ask(attackerToken, child);
    expect(anew.status).toBe(201);
    expect((await confirm(attackerSecond, anew.body.confirmCode)).body.code).toBe('confirmation_not_allowed');
    code = anew.body.confirmCode;
  });

  it('the pending link reads nothing, exports nothing and erases nothing', async () => {
    for (const [method, path] of [
      ['GET', `/v1/guardian/wards/${wardId}/activity?from=2026-10-01&to=2026-10-02`],
      ['GET', `/v1/guardian/wards/${wardId}/data`],
      ['DELETE', `/v1/guardian/wards/${wardId}/data`],
    ] as const) {
      const r = await t.api.call(method, path, { token: attackerToken });
      expect(r.status, path).toBe(403);
      expect(r.body.code).toBe('link_not_confirmed');
    }
    expect((await t.api.call('GET', '/v1/identity', { token: childToken })).body.status).toBe('verified');
  });

  it('the child sees the second account among those bound to its identity, and unbinds it', async () => {
    const mine = await t.api.call('GET', '/v1/me/accounts', { token: childToken });
    expect(mine.status).toBe(200);
    expect(mine.body.accounts).toHaveLength(2);
    const [own, later] = mine.body.accounts;
    expect(own).toMatchObject({ self: true, boundAt: expect.stringMatching(/^2026-10-02T19:00:0\d\+08:00$/) });
    expect(later).toMatchObject({ self: false, boundAt: expect.stringMatching(/^2026-10-02T19:02:0\d\+08:00$/), lastLoginAt: null, gameIds: [] });
    // The later account may not unbind the earlier one.
    const back = await t.api.call('DELETE', `/v1/me/accounts/${encodeURIComponent(own.accountId)}`, { token: attackerSecond });
    expect(back.status).toBe(403);
    expect(back.body.code).toBe('forbidden');
    expect((await t.api.call('DELETE', `/v1/me/accounts/${encodeURIComponent(later.accountId)}`, { token: childToken })).status).toBe(204);
    expect((await t.api.call('GET', '/v1/identity', { token: attackerSecond })).body).toEqual({ status: 'none' });
    expect((await t.api.call('GET', '/v1/me/accounts', { token: childToken })).body.accounts.map((a: { self: boolean }) => a.self)).toEqual([true]);
    expect((await t.api.call('DELETE', `/v1/me/accounts/acct-${uid()}`, { token: childToken })).status).toBe(404);
    // Bound again, it is again a later account (its binding time is new).
    await t.api.setClock('2026-10-02T19:05:00+08:00');
    expect((await submit(attackerSecond, child)).body.status).toBe('verified');
    expect((await confirm(attackerSecond, code)).body.code).toBe('confirmation_not_allowed');
  });

  it('unbinding a later account ends its live session (reported, reason identity_unbound) and keeps an audit entry', async () => {
    await t.api.setClock('2026-10-02T20:10:00+08:00');
    const laterSub = `atk3-${uid()}`;
    const later = await verified(laterSub, child);
    const s = await t.api.login(later, `d-${uid()}`, true);
    expect(s.status).toBe(201);
    expect((await t.api.call('DELETE', `/v1/me/accounts/${laterSub}`, { token: childToken })).status).toBe(204);
    expect((await t.api.call('POST', `/v1/sessions/${s.body.sessionId}/heartbeat`, { token: later, body: { seq: 1 } })).body).toMatchObject({
      action: 'terminate',
      reason: 'identity_unbound',
    });
    expect((await t.api.call('POST', '/v1/sessions', { token: later, body: { deviceId: 'x' } })).body.code).toBe('identity_required');
    await t.api.tick();
    expect(t.gateway.simulator!.receivedLoginouts.filter((e) => e.si === s.body.sessionId).map((e) => e.bt)).toEqual([1, 0]);
    const data = await t.api.call('GET', '/v1/me/data', { token: later });
    expect(data.body.identity).toBeNull();
    expect(data.body.riskDecisions.map((d: { decision: string }) => d.decision)).toEqual(['account_unbound']);
    expect(JSON.stringify(data.body)).not.toContain(childToken.slice(0, 20));
    await t.api.setClock('2026-10-02T19:06:00+08:00');
  });

  it('the publisher is told when an account binds to a person others are bound to', async () => {
    await t.api.tick();
    const bound = eventsOf('identity.account_bound').filter((e) => (e.data.earlierAccountIds as string[]).length > 0);
    expect(bound.length).toBeGreaterThanOrEqual(2);
    for (const e of bound) expect(Object.keys(e.data).sort()).toEqual(['accountId', 'earlierAccountIds']);
    for (const e of receiver.requests) expect(e.rawBody).not.toContain(child.idNumber);
  });

  it("the child's own account, bound before the link was asked, confirms", async () => {
    const r = await confirm(childToken, code);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'confirmed' });
  });
});

describe.skipIf(deployed)('the shedding: a ward erases itself and submits its identity again', () => {
  const child = person('2012-06-06', '林小川');
  const parent = person('1982-02-02', '林大山');
  let childToken = '';
  let childSub = '';
  let parentToken = '';
  let wardId = '';

  it("the guardian's play ban, payment approval and monthly cap of 0 hold on the account bound again and on a new one", async () => {
    await t.api.setClock('2026-10-02T19:00:00+08:00');
    childSub = `ward-${uid()}`;
    childToken = await verified(childSub, child);
    parentToken = await verified(`parent-${uid()}`, parent);
    const asked = await ask(parentToken, child);
    wardId = asked.body.wardId;
    expect((await confirm(childToken, asked.body.confirmCode)).status).toBe(200);
    expect((await controls(parentToken, wardId, { playBanned: true, paymentApproval: true, spending: { monthly: 0 } })).status).toBe(200);

    await t.api.setClock('2026-10-02T20:10:00+08:00');
    expect((await t.api.login(childToken, `d-${uid()}`, true)).body.code).toBe('guardian_restricted');
    const childPerson = await personOf(childSub);
    const erased = await t.api.call('DELETE', '/v1/me', { token: childToken });
    expect(erased.status).toBe(200);
    await expectExactlyRetained([childSub], childPerson, erased.body.retained);
    const kept = Object.fromEntries(erased.body.retained.map((k: { kind: string; until: string | null; why: string }) => [k.kind, k]));
    // Until the ward turns 18.
    expect(kept.guardianship).toMatchObject({ until: '2030-06-06T00:00:00+08:00', why: expect.stringContaining('Art. 43') });
    expect((await t.api.call('GET', '/v1/identity', { token: childToken })).body).toEqual({ status: 'none' });

    expect((await submit(childToken, child)).body.status).toBe('verified');
    const again = await t.api.login(childToken, `d-${uid()}`, true);
    expect(again.status).toBe(403);
    expect(again.body.code).toBe('guardian_restricted');
    const pay = await t.api.call('POST', '/v1/payments', { token: childToken, body: { orderId: `o-${uid()}`, amount: 100 } });
    expect(pay.status).toBe(403);
    expect(pay.body).toMatchObject({ code: 'spending_limit_exceeded', source: 'guardian', limit: 'monthly', limitAmount: 0 });
    const fresh = await verified(`ward-new-${uid()}`, child);
    expect((await t.api.login(fresh, `d-${uid()}`, true)).body.code).toBe('guardian_restricted');
  });

  it('the guardian still has the ward, is told of the erasure with its own wardId, and may still unlink', async () => {
    const wards = await t.api.call('GET', '/v1/guardian/wards', { token: parentToken });
    expect(wards.body.wards).toEqual([expect.objectContaining({ wardId, status: 'confirmed', controls: expect.objectContaining({ playBanned: true }) })]);
    await t.api.tick();
    const told = eventsOf('guardian.ward_erased');
    expect(told.map((e) => e.data)).toContainEqual({ wardId });
    for (const e of told) expect(Object.keys(e.data)).toEqual(['wardId']);
  });
});

describe.skipIf(deployed)('the failed face check erased away: an adult account under minor rules erases itself and verifies again', () => {
  const adult = person('1975-05-05', '郑大');
  const server = () => t.api.token('game-server', 'server');

  it('the minor rules hold on the account bound again, and on a new account of the same person, until their period ends', async () => {
    await t.api.setClock('2026-10-06T10:00:00+08:00');
    const sub = `shared-${uid()}`;
    let adultPerson = '';
    const token = await verified(sub, adult);
    let challengeId = '';
    for (const device of ['p1', 'p2', 'p3', 'p4']) {
      const r = await t.api.login(token, `${sub}-${device}`, true);
      if (r.status === 428) challengeId = r.body.challengeId;
    }
    expect(challengeId).not.toBe('');
    expect((await t.api.call('POST', `/v1/challenges/${challengeId}/result`, { token: await server(), body: { passed: false } })).body.status).toBe('failed');

    await t.api.setClock('2026-10-13T10:00:00+08:00');
    expect((await t.api.login(token, `d-${uid()}`, true)).body.code).toBe('play_time_restricted');
    adultPerson = await personOf(sub);
    const erased = await t.api.call('DELETE', '/v1/me', { token });
    const kept = Object.fromEntries(erased.body.retained.map((k: { kind: string; until: string | null }) => [k.kind, k.until]));
    expect(kept.risk_restriction).toMatch(/^2026-11-05T10:00:\d\d\+08:00$/);
    await expectExactlyRetained([sub], adultPerson, erased.body.retained);

    expect((await submit(token, adult)).body.status).toBe('verified');
    const tuesday = await t.api.login(token, `d-${uid()}`, true);
    expect(tuesday.status).toBe(403);
    expect(tuesday.body.code).toBe('play_time_restricted');
    const other = await verified(`shared-new-${uid()}`, adult);
    expect((await t.api.login(other, `d-${uid()}`, true)).body.code).toBe('play_time_restricted');
    // The period ends: an adult again.
    await t.api.setClock('2026-11-10T10:00:00+08:00');
    expect((await t.api.login(token, `d-${uid()}`, true)).status).toBe(201);
  });
});

describe.skipIf(deployed)(
  "the stranger's check: another name for a verified person's ID number, while the national system is in progress or locked out",
  () => {
    const victim = person('1990-09-09', '吴真');
    let victimToken = '';

    it("in progress, then failed: only the stranger's account is rejected; the person and its accounts stay verified", async () => {
      await t.api.setClock('2026-10-13T09:00:00+08:00');
      victimToken = await verified(`victim-${uid()}`, victim);
      const stranger = await t.api.token(`stranger-${uid()}`);
      const pending = await submit(stranger, { name: '认证中不符', idNumber: victim.idNumber });
      expect(pending.status).toBe(200);
      expect(pending.body.status).toBe('pending');
      expect((await t.api.call('GET', '/v1/identity', { token: victimToken })).body.status).toBe('verified');
      // The national system is locked out while the poller runs: nothing changes.
      // (One answer, to the poller's first query: it then leaves every pending check for the next run.)
      t.gateway.simulator!.failNext({ errcode: 1006, endpoint: 'query' });
      await t.api.setClock('2026-10-13T09:10:00+08:00');
      await t.api.tick();
      expect((await t.api.call('GET', '/v1/identity', { token: victimToken })).body.status).toBe('verified');
      expect((await t.api.call('GET', '/v1/identity', { token: stranger })).body.status).toBe('pending');
      // Back, it answers "failed": the stranger's account alone is rejected.
      await t.api.setClock('2026-10-13T09:20:00+08:00');
      await t.api.tick();
      expect((await t.api.call('GET', '/v1/identity', { token: stranger })).body).toEqual({ status: 'rejected' });
      expect((await t.api.call('GET', '/v1/identity', { token: victimToken })).body).toMatchObject({ status: 'verified', minor: false });
      expect((await t.api.login(victimToken, `d-${uid()}`, true)).status).toBe(201);
    });

    it("still in progress after 48 hours: only the stranger's account is rejected", async () => {
      const stranger = await t.api.token(`slow-${uid()}`);
      // Checked during an outage: sealed, re-checked later.
      t.gateway.simulator!.setDown('error');
      await t.api.setClock('2026-10-13T10:00:00+08:00');
      expect((await submit(stranger, { name: '某二甲', idNumber: victim.idNumber })).body.status).toBe('pending');
      t.gateway.simulator!.setDown('no');
      await t.api.setClock('2026-10-15T11:00:00+08:00');
      await t.api.tick();
      expect((await t.api.call('GET', '/v1/identity', { token: stranger })).body).toEqual({ status: 'rejected' });
      expect((await t.api.call('GET', '/v1/identity', { token: victimToken })).body.status).toBe('verified');
    });

    it("a burst of 150 submissions never exceeds the national system's 100 checks a second: what it would exceed waits as pending", async () => {
      await t.api.setClock('2026-10-15T12:00:00+08:00');
      const sim = t.gateway.simulator!;
      const limitedBefore = sim.rateLimited.check;
      const checksBefore = sim.calls.check;
      const tokens = await Promise.all(Array.from({ length: 150 }, (_, i) => t.api.token(`burst-${i}-${uid()}`)));
      const answers = await Promise.all(tokens.map((token) => submit(token, person('1991-01-01', '路人'))));
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
      // Never a 1006 (and its minute of lockout); what the gate held back waits as pending for the poller.
      expect(sim.rateLimited.check - limitedBefore).toBe(0);
      const held = answers.filter((a) => a.body.status === 'pending').length;
      expect(sim.calls.check - checksBefore).toBe(150 - held);
    });

    it("a pending account's play is reported under the person's PI only once its own check verifies it, and never when it fails", async () => {
      await t.api.setClock('2026-10-16T10:00:00+08:00');
      const sim = t.gateway.simulator!;
      const failing = await t.api.token(`pending-fails-${uid()}`);
      const passing = await t.api.token(`pending-passes-${uid()}`);
      expect((await submit(failing, { name: '认证中不符', idNumber: victim.idNumber })).body.status).toBe('pending');
      expect((await submit(passing, { name: '某二乙', idNumber: victim.idNumber })).body.status).toBe('pending');
      const sessions: Record<string, string> = {};
      for (const [name, token] of [
        ['failing', failing],
        ['passing', passing],
      ] as const) {
        const s = await t.api.login(token, `d-${uid()}`, true);
        expect(s.status).toBe(201);
        expect((await logout(token, s.body.sessionId)).status).toBe(204);
        sessions[name] = s.body.sessionId;
      }
      const victimSession = await t.api.login(victimToken, `d-${uid()}`, true);
      expect((await logout(victimToken, victimSession.body.sessionId)).status).toBe(204);
      const received = (si: string) => sim.receivedLoginouts.filter((e) => e.si === si);
      // The person is verified, but neither account's own check is done: their events wait.
      await t.api.tick();
      expect(received(victimSession.body.sessionId).map((e) => e.bt)).toEqual([1, 0]);
      expect(received(sessions.failing!)).toEqual([]);
      expect(received(sessions.passing!)).toEqual([]);
      // The national system answers: one account fails, the other is verified.
      await t.api.setClock('2026-10-16T10:10:00+08:00');
      await t.api.tick();
      await t.api.tick();
      expect((await t.api.call('GET', '/v1/identity', { token: failing })).body).toEqual({ status: 'rejected' });
      expect((await t.api.call('GET', '/v1/identity', { token: passing })).body.status).toBe('verified');
      expect(received(sessions.failing!)).toEqual([]);
      const pi = received(victimSession.body.sessionId)[0]!.pi;
      expect(received(sessions.passing!).map((e) => [e.bt, e.pi])).toEqual([
        [1, pi],
        [0, pi],
      ]);
      // The failing account's events are settled as dropped, not left waiting.
      const outbox = (await scan()).filter((i) => i.kind === 'nppaEvent' && i.si === sessions.failing);
      expect(outbox.map((i) => [i.bt, i.state, i.reason]).sort()).toEqual([
        [0, 'dropped', 'account_not_verified'],
        [1, 'dropped', 'account_not_verified'],
      ]);
    });
  },
);

describe.skipIf(deployed)("griefing: a stranger's pending link expires, and the ward may decline one", () => {
  const child = person('2013-04-04', '黄小米');
  let childToken = '';

  it("a stranger's pending play ban stops applying when its code expires; the stranger sees it expired", async () => {
    await t.api.setClock('2026-10-02T19:00:00+08:00');
    childToken = await verified(`kid-${uid()}`, child);
    const stranger = await verified(`griefer-${uid()}`, person('1979-07-07'));
    const asked = await ask(stranger, child);
    expect((await controls(stranger, asked.body.wardId, { playBanned: true })).status).toBe(200);
    await t.api.setClock('2026-10-02T20:05:00+08:00');
    expect((await t.api.login(childToken, `d-${uid()}`, true)).body.code).toBe('guardian_restricted');
    await t.api.setClock('2026-10-03T20:05:00+08:00');
    const s = await t.api.login(childToken, `d-${uid()}`, true);
    expect(s.status).toBe(201);
    expect((await logout(childToken, s.body.sessionId)).status).toBe(204);
    const wards = await t.api.call('GET', '/v1/guardian/wards', { token: stranger });
    expect(wards.body.wards.map((w: { status: string }) => w.status)).toEqual(['expired']);
    expect((await t.api.call('GET', '/v1/me/guardians', { token: childToken })).body.guardians.map((g: { status: string }) => g.status)).toEqual(['expired']);
  });

  it('the ward declines a pending link (204) but not a confirmed one (403 link_confirmed)', async () => {
    await t.api.setClock('2026-10-03T20:10:00+08:00');
    const stranger = await verified(`griefer2-${uid()}`, person('1978-08-08'));
    const asked = await ask(stranger, child);
    expect((await controls(stranger, asked.body.wardId, { playBanned: true })).status).toBe(200);
    expect((await t.api.login(childToken, `d-${uid()}`, true)).body.code).toBe('guardian_restricted');
    const mine = (await t.api.call('GET', '/v1/me/guardians', { token: childToken })).body.guardians as Array<{ linkId: string; status: string }>;
    const pending = mine.find((g) => g.status === 'pending')!;
    expect((await t.api.call('DELETE', `/v1/me/guardians/${pending.linkId}`, { token: childToken })).status).toBe(204);
    expect((await t.api.login(childToken, `d-${uid()}`, true)).status).toBe(201);
    expect((await t.api.call('DELETE', `/v1/me/guardians/${pending.linkId}`, { token: childToken })).status).toBe(404);

    const parent = await verified(`real-parent-${uid()}`, person('1981-01-01'));
    const linked = await ask(parent, child);
    expect((await confirm(childToken, linked.body.confirmCode)).status).toBe(200);
    const confirmed = ((await t.api.call('GET', '/v1/me/guardians', { token: childToken })).body.guardians as Array<{ linkId: string; status: string }>).find(
      (g) => g.status === 'confirmed',
    )!;
    const refused = await t.api.call('DELETE', `/v1/me/guardians/${confirmed.linkId}`, { token: childToken });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('link_confirmed');
  });
});

describe.skipIf(deployed)('guessing: confirmation codes and look-ups are limited per person', () => {
  it('exactly 5 wrong codes a Beijing day for one person, from any of its accounts; then 429 with Retry-After, even for the right code', async () => {
    await t.api.setClock('2026-10-02T19:00:00+08:00');
    const child = person('2013-05-05', '钱小');
    const a = await verified(`g1-${uid()}`, child);
    const b = await verified(`g2-${uid()}`, child);
    const parent = await verified(`gp-${uid()}`, person('1983-03-03'));
    const code = (await ask(parent, child)).body.confirmCode as string;
    const wrong = (i: number) => String((Number(code) + 1 + i) % 100_000_000).padStart(8, '0');
    for (let i = 0; i < 5; i += 1) expect((await confirm(i % 2 ? b : a, wrong(i))).status).toBe(404);
    for (const token of [a, b]) {
      const r = await confirm(token, code);
      expect(r.status).toBe(429);
      expect(r.body.code).toBe('rate_limited');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    await t.api.setClock('2026-10-03T00:00:10+08:00');
    expect((await confirm(a, code)).status).toBe(200);
  });

  it('under 30 concurrent wrong codes: exactly 5 are answered 404, the other 25 are 429', async () => {
    await t.api.setClock('2026-10-03T19:00:00+08:00');
    const child = person('2013-06-06', '孙小');
    const a = await verified(`c1-${uid()}`, child);
    const parent = await verified(`cp-${uid()}`, person('1984-04-04'));
    const code = (await ask(parent, child)).body.confirmCode as string;
    const wrong = (i: number) => String((Number(code) + 1 + i) % 100_000_000).padStart(8, '0');
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => confirm(a, wrong(i))));
    expect(answers.filter((r) => r.status === 404)).toHaveLength(5);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(25);
  });

  it('look-ups across three accounts of one adult: 5 failures in all, then 429 on every one of them', async () => {
    await t.api.setClock('2026-10-04T10:00:00+08:00');
    const adult = person('1977-07-07', '冯大');
    const accounts = [await verified(`l1-${uid()}`, adult), await verified(`l2-${uid()}`, adult), await verified(`l3-${uid()}`, adult)];
    const target = person('2013-07-07', '卫小');
    await verified(`lt-${uid()}`, target);
    for (let i = 0; i < 5; i += 1) expect((await ask(accounts[i % 3]!, { name: `错${i}`, idNumber: target.idNumber })).status).toBe(404);
    for (const token of accounts) {
      const r = await ask(token, target);
      expect(r.status).toBe(429);
      expect(r.body.code).toBe('rate_limited');
    }
  });
});

describe.skipIf(deployed)('daily minutes set after play count the whole Beijing day', () => {
  it('set at 20:16 after 6 minutes played, a 3-minute budget refuses the next login', async () => {
    await t.api.setClock('2026-10-03T19:00:00+08:00');
    const child = person('2012-08-08', '蒋小');
    const childToken = await verified(`dm-${uid()}`, child);
    const parent = await verified(`dmp-${uid()}`, person('1980-08-08'));
    const asked = await ask(parent, child);
    expect((await confirm(childToken, asked.body.confirmCode)).status).toBe(200);
    await t.api.setClock('2026-10-03T20:10:00+08:00');
    const s = await t.api.login(childToken, `d-${uid()}`, true);
    expect(s.status).toBe(201);
    await t.api.setClock('2026-10-03T20:16:00+08:00');
    expect((await logout(childToken, s.body.sessionId)).status).toBe(204);
    expect((await controls(parent, asked.body.wardId, { dailyPlayMinutes: 3 })).status).toBe(200);
    const again = await t.api.login(childToken, `d-${uid()}`, true);
    expect(again.status).toBe(403);
    expect(again.body.code).toBe('guardian_restricted');
    expect((await t.api.call('GET', '/v1/limits', { token: childToken })).body.playTime).toMatchObject({ allowedNow: false, remainingSeconds: 0 });
  });

  it('played on another account of the person, then set during a live session: the next heartbeat ends it', async () => {
    await t.api.setClock('2026-10-02T20:00:00+08:00');
    const child = person('2012-09-09', '沈小');
    const first = await verified(`dma-${uid()}`, child);
    const second = await verified(`dmb-${uid()}`, child);
    const parent = await verified(`dmq-${uid()}`, person('1980-09-09'));
    const asked = await ask(parent, child);
    expect((await confirm(first, asked.body.confirmCode)).status).toBe(200);
    const s1 = await t.api.login(first, `d-${uid()}`, true);
    await t.api.setClock('2026-10-02T20:04:00+08:00');
    expect((await logout(first, s1.body.sessionId)).status).toBe(204);
    const s2 = await t.api.login(second, `d-${uid()}`, true);
    expect(s2.status).toBe(201);
    await t.api.setClock('2026-10-02T20:06:00+08:00');
    expect((await controls(parent, asked.body.wardId, { dailyPlayMinutes: 5 })).status).toBe(200);
    const beat = await t.api.call('POST', `/v1/sessions/${s2.body.sessionId}/heartbeat`, { token: second, body: { seq: 1 } });
    expect(beat.body).toMatchObject({ action: 'terminate', reason: 'guardian_restricted' });
  });
});

describe.skipIf(deployed)('erasure of a ward by its guardian answers truthfully', () => {
  it('does not list the identity as retained once its last account is erased', async () => {
    await t.api.setClock('2026-10-02T19:00:00+08:00');
    const child = person('2012-10-10', '韩小');
    const ids = [`we1-${uid()}`, `we2-${uid()}`];
    const a = await verified(ids[0]!, child);
    const b = await verified(ids[1]!, child);
    const parent = await verified(`wep-${uid()}`, person('1980-10-10'));
    const asked = await ask(parent, child);
    expect((await confirm(a, asked.body.confirmCode)).status).toBe(200);
    await t.api.setClock('2026-10-02T20:05:00+08:00');
    const s = await t.api.login(b, `d-${uid()}`, true);
    expect(s.status).toBe(201);
    const childPerson = await personOf(ids[0]!);
    const r = await t.api.call('DELETE', `/v1/guardian/wards/${asked.body.wardId}/data`, { token: parent });
    expect(r.status).toBe(200);
    await expectExactlyRetained(ids, childPerson, r.body.retained);
    const kinds = r.body.retained.map((k: { kind: string }) => k.kind);
    expect(kinds).not.toContain('identity');
    expect(kinds).toContain('guardianship');
  });

  it("one of two accounts erased: the person stays (retained identity), and only the person's own items remain", async () => {
    await t.api.setClock('2026-10-03T20:05:00+08:00');
    const child = person('2012-11-11', '谢小');
    const ids = [`pe1-${uid()}`, `pe2-${uid()}`];
    const a = await verified(ids[0]!, child);
    await verified(ids[1]!, child);
    const s = await t.api.login(a, `d-${uid()}`, true);
    expect(s.status).toBe(201);
    const childPerson = await personOf(ids[0]!);
    const r = await t.api.call('DELETE', '/v1/me', { token: a });
    expect(r.body.retained.map((k: { kind: string }) => k.kind)).toContain('identity');
    await expectExactlyRetained([ids[0]!], childPerson, r.body.retained);
  });
});
