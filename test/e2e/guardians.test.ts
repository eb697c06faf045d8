/**
 * Guardians over HTTP (docs/api.md "Guardians", docs/guardians.md): linking by name and ID number,
 * the ward's confirmation, every control on login, heartbeat, limits and payments, payment approval
 * (accept, decline, expiry), activity with exact totals, two guardians combining, unlinking — and
 * the hot paths' request counts with guardians in place.
 *
 * 2026-10-02 and 2026-10-03 are national-holiday days: the law allows minors 20:00–21:00.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ddbCallCounter, updateCalls } from '#test/support/ddbCounter';
import { deployed, useGateway } from '#test/support/gateway';
import { person, withConsent } from '#test/support/people';

const t = useGateway();
const uid = () => randomUUID().slice(0, 8);

describe.skipIf(deployed)('guardians', () => {
  const guardian = { id: `g-${uid()}`, token: '', wardId: '' };
  const other = { id: `h-${uid()}`, token: '', wardId: '' };
  const ward = { id: `w1-${uid()}`, second: `w2-${uid()}`, token: '', token2: '', ...person('2012-05-05', '王小明') };
  const codes: Record<string, string> = {};
  let seq = 0;

  const linkAs = (token: string, body: { name: string; idNumber: string }) =>
    t.api.call('POST', '/v1/guardian/wards', { token, body: { name: body.name, idNumber: body.idNumber } });
  const controls = (token: string, wardId: string, body: unknown) => t.api.call('PUT', `/v1/guardian/wards/${wardId}/controls`, { token, body });
  const beat = (sessionId: string) => t.api.call('POST', `/v1/sessions/${sessionId}/heartbeat`, { token: ward.token, body: { seq: ++seq } });
  const logout = (sessionId: string) => t.api.call('DELETE', `/v1/sessions/${sessionId}`, { token: ward.token });

  it('only a verified adult can be a guardian', async () => {
    await t.api.setClock('2026-10-02T19:00:00+08:00');
    guardian.token = await t.api.token(guardian.id);
    other.token = await t.api.token(other.id);
    ward.token = await t.api.token(ward.id);
    ward.token2 = await t.api.token(ward.second);
    const unverified = await t.api.token(`u-${uid()}`);
    expect((await linkAs(unverified, ward)).body.code).toBe('guardian_not_eligible');
    for (const [token, p] of [
      [guardian.token, person('1985-03-03', '李四')],
      [other.token, person('1987-04-04', '赵六')],
      [ward.token, ward],
      [ward.token2, ward],
    ] as const) {
      expect((await t.api.call('POST', '/v1/identity', { token, body: { name: p.name, idNumber: p.idNumber } })).status).toBe(200);
    }
    const asMinor = await linkAs(ward.token, ward);
    expect(asMinor.status).toBe(403);
    expect(asMinor.body.code).toBe('guardian_not_eligible');
  });

  it('finds the minor by name and number; a wrong name and an unknown number get the same answer', async () => {
    // (A minute on: the ward's accounts were bound before any guardian asks, as in life.)
    await t.api.setClock('2026-10-02T19:01:00+08:00');
    const wrongName = await linkAs(guardian.token, { name: '王大明', idNumber: ward.idNumber });
    const unknown = await linkAs(guardian.token, person('2013-01-01', '王小明'));
    expect(wrongName.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(wrongName.body).toMatchObject({ code: 'ward_not_found' });
    const strip = (b: Record<string, unknown>) => ({ ...b, instance: undefined });
    expect(strip(wrongName.body)).toEqual(strip(unknown.body));
    const adult = await linkAs(guardian.token, { name: '李四', idNumber: person('1985-03-03').idNumber });
    expect(adult.body.code).toBe('ward_not_found');
    const invalid = await linkAs(guardian.token, { name: '王小明', idNumber: ward.idNumber.slice(0, 17) + (ward.idNumber.endsWith('0') ? '1' : '0') });
    expect(invalid.status).toBe(422);
    expect(invalid.body.code).toBe('invalid_id_number');

    const linked = await linkAs(guardian.token, { name: ` ${ward.name} `, idNumber: ward.idNumber.toLowerCase() });
    expect(linked.status).toBe(201);
    expect(linked.body).toMatchObject({ ageBand: 8, status: 'pending', expiresAt: expect.stringMatching(/^2026-10-03T19:01:0\d\+08:00$/) });
    expect(linked.body.confirmCode).toMatch(/^\d{8}$/);
    expect(JSON.stringify(linked.body)).not.toContain(ward.idNumber);
    guardian.wardId = linked.body.wardId;
    const again = await linkAs(guardian.token, ward);
    expect(again.status).toBe(200);
    expect(again.body.wardId).toBe(guardian.wardId);
    expect(again.body.confirmCode).not.toBe(linked.body.confirmCode);
    codes.guardian = again.body.confirmCode;

    const second = await linkAs(other.token, ward);
    expect(second.status).toBe(201);
    other.wardId = second.body.wardId;
    codes.other = second.body.confirmCode;
    expect(other.wardId).not.toBe(guardian.wardId);
    expect(guardian.wardId).not.toContain(ward.idNumber.slice(0, 6));
  });

  it('five failed look-ups in a Beijing day, then 429 until the next day', async () => {
    const guesser = await t.api.token(`k-${uid()}`);
    expect((await t.api.call('POST', '/v1/identity', { token: guesser, body: person('1980-01-01') })).status).toBe(200);
    for (let i = 0; i < 5; i += 1) expect((await linkAs(guesser, { name: `错${i}`, idNumber: ward.idNumber })).status).toBe(404);
    const refused = await linkAs(guesser, ward);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    await t.api.setClock('2026-10-03T00:00:05+08:00');
    expect((await linkAs(guesser, ward)).status).toBe(201);
    await t.api.setClock('2026-10-02T19:05:00+08:00');
  });

  it('the ward confirms from any of its accounts bound before the link was asked; a wrong code is 404 link_not_found', async () => {
    const mine = await t.api.call('GET', '/v1/me/guardians', { token: ward.token2 });
    expect(mine.status).toBe(200);
    expect(mine.body.guardians.map((g: { status: string }) => g.status)).toEqual(['pending', 'pending', 'pending']);
    expect(JSON.stringify(mine.body)).not.toContain(guardian.id);
    expect((await t.api.call('POST', '/v1/me/guardians/confirm', { token: ward.token2, body: { code: '00000000' } })).body.code).toBe('link_not_found');
    const stranger = await t.api.token(`s-${uid()}`);
    expect((await t.api.call('POST', '/v1/identity', { token: stranger, body: person('2011-01-01') })).status).toBe(200);
    expect((await t.api.call('POST', '/v1/me/guardians/confirm', { token: stranger, body: { code: codes.guardian } })).status).toBe(404);
    const ok = await t.api.call('POST', '/v1/me/guardians/confirm', { token: ward.token2, body: { code: codes.guardian } });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ status: 'confirmed' });
    const wards = await t.api.call('GET', '/v1/guardian/wards', { token: guardian.token });
    expect(wards.body.wards).toEqual([
      {
        wardId: guardian.wardId,
        ageBand: 8,
        status: 'confirmed',
        linkedAt: expect.stringMatching(/^2026-10-02T19:01:0\d\+08:00$/),
        controls: { playBanned: false, windows: null, dailyPlayMinutes: null, spending: { single: null, daily: null, monthly: null }, paymentApproval: false },
      },
    ]);
  });

  it("another guardian's wardId, or an unknown one, is 404 ward_not_found", async () => {
    expect((await controls(guardian.token, other.wardId, { playBanned: true })).body.code).toBe('ward_not_found');
    expect((await controls(guardian.token, 'w_unknown', { playBanned: true })).status).toBe(404);
  });

  it('a play ban refuses login with guardian_restricted; allowed windows name the next one; limits show it', async () => {
    await t.api.setClock('2026-10-02T20:05:00+08:00');
    const set = await controls(guardian.token, guardian.wardId, { playBanned: true });
    expect(set.status).toBe(200);
    expect(set.body.playBanned).toBe(true);
    const banned = await t.api.login(ward.token, 'phone-1', true);
    expect(banned.status).toBe(403);
    expect(banned.body).toMatchObject({ code: 'guardian_restricted', nextWindowStart: null, nextWindowEnd: null });

    // A pending link tightens too: the other guardian's window, combined with the first's.
    expect((await controls(guardian.token, guardian.wardId, { playBanned: false, windows: [['20:10', '21:00']] })).status).toBe(200);
    expect((await controls(other.token, other.wardId, { windows: [['19:00', '20:20']] })).status).toBe(200);
    const windowed = await t.api.login(ward.token2, 'phone-1', true);
    expect(windowed.body).toMatchObject({
      code: 'guardian_restricted',
      nextWindowStart: '2026-10-02T20:10:00+08:00',
      nextWindowEnd: '2026-10-02T20:20:00+08:00',
    });
    const limits = await t.api.call('GET', '/v1/limits', { token: ward.token });
    expect(limits.body.playTime).toEqual({
      allowedNow: false,
      remainingSeconds: 0,
      nextWindowStart: '2026-10-02T20:10:00+08:00',
      nextWindowEnd: '2026-10-02T20:20:00+08:00',
    });

    await t.api.setClock('2026-10-02T20:12:00+08:00');
    const inside = await t.api.login(ward.token, 'phone-1', true);
    expect(inside.status).toBe(201);
    expect(inside.body.remainingSeconds).toBeGreaterThan(470);
    expect(inside.body.remainingSeconds).toBeLessThanOrEqual(480);
    expect((await logout(inside.body.sessionId)).status).toBe(204);
    expect((await controls(other.token, other.wardId, { windows: null })).body.windows).toBeNull();
    expect((await controls(guardian.token, guardian.wardId, { windows: null })).body.windows).toBeNull();
  });

  it("a live session's next heartbeat ends with guardian_restricted, in one DynamoDB request", async () => {
    await t.api.setClock('2026-10-02T20:15:00+08:00');
    const s = await t.api.login(ward.token, 'phone-1', true);
    expect(s.status).toBe(201);
    expect((await beat(s.body.sessionId)).body.action).toBe('continue');
    expect((await controls(guardian.token, guardian.wardId, { playBanned: true })).status).toBe(200);
    const before = ddbCallCounter.calls;
    const ended = await beat(s.body.sessionId);
    expect(ended.body).toMatchObject({ action: 'terminate', reason: 'guardian_restricted' });
    // The answer came from the one update; ending the session is its own write (as at the end of play).
    expect(ddbCallCounter.calls - before).toBe(2);
    expect((await beat(s.body.sessionId)).body).toMatchObject({ action: 'terminate', reason: 'guardian_restricted' });
    expect((await controls(guardian.token, guardian.wardId, { playBanned: false })).status).toBe(200);
  });

  it('daily minutes count the play of the day across sessions', async () => {
    await t.api.setClock('2026-10-02T20:20:00+08:00');
    expect((await controls(guardian.token, guardian.wardId, { dailyPlayMinutes: 10 })).body.dailyPlayMinutes).toBe(10);
    const first = await t.api.login(ward.token, 'phone-1', true);
    expect(first.status).toBe(201);
    expect(first.body.remainingSeconds).toBeGreaterThan(595);
    expect(first.body.remainingSeconds).toBeLessThanOrEqual(600);
    await t.api.setClock('2026-10-02T20:24:00+08:00');
    expect((await logout(first.body.sessionId)).status).toBe(204);
    // The account remembers the person's day (no read at login): still three requests.
    const before = ddbCallCounter.calls;
    const second = await t.api.login(ward.token, 'phone-1', true);
    expect(ddbCallCounter.calls - before).toBe(3);
    expect(second.status).toBe(201);
    expect(second.body.remainingSeconds).toBeGreaterThan(355);
    expect(second.body.remainingSeconds).toBeLessThanOrEqual(361);
    await t.api.setClock('2026-10-02T20:31:00+08:00');
    const over = await beat(second.body.sessionId);
    expect(over.body).toMatchObject({ action: 'terminate', reason: 'guardian_restricted' });
    // The ward's other account never played today: its login learns the person's day from the check.
    const otherAccount = await t.api.login(ward.token2, 'phone-1', true);
    expect(otherAccount.body).toMatchObject({ code: 'guardian_restricted', nextWindowStart: '2026-10-03T20:00:00+08:00' });
    const refused = await t.api.login(ward.token, 'phone-1', true);
    // The next window is the law's; the ten minutes then apply within it.
    expect(refused.body).toMatchObject({
      code: 'guardian_restricted',
      nextWindowStart: '2026-10-03T20:00:00+08:00',
      nextWindowEnd: '2026-10-03T21:00:00+08:00',
    });
    expect((await controls(guardian.token, guardian.wardId, { dailyPlayMinutes: null })).body.dailyPlayMinutes).toBeNull();
  });

  it('caps refuse payments with source guardian; the law and the publisher name themselves', async () => {
    await t.api.setClock('2026-10-02T20:40:00+08:00');
    expect((await controls(guardian.token, guardian.wardId, { spending: { single: 3000, daily: 4000 } })).body.spending).toEqual({
      single: 3000,
      daily: 4000,
      monthly: null,
    });
    const single = await t.api.reserve(ward.token, 3500, `o-${uid()}`);
    expect(single.status).toBe(403);
    expect(single.body).toMatchObject({ code: 'spending_limit_exceeded', source: 'guardian', limit: 'single', limitAmount: 3000, remainingAmount: 3000 });
    expect((await t.api.reserve(ward.token, 3000, `o-${uid()}`)).status).toBe(201);
    const daily = await t.api.reserve(ward.token, 1500, `o-${uid()}`);
    expect(daily.body).toMatchObject({ code: 'spending_limit_exceeded', source: 'guardian', limit: 'daily', limitAmount: 4000, remainingAmount: 1000 });
    const limits = await t.api.call('GET', '/v1/limits', { token: ward.token });
    expect(limits.body.spending).toEqual({ singleMax: 3000, dailyRemaining: 1000, monthlyRemaining: 17000 });
    expect((await controls(guardian.token, guardian.wardId, { spending: { single: null, daily: null } })).status).toBe(200);
    const law = await t.api.reserve(ward.token, 6000, `o-${uid()}`);
    expect(law.body).toMatchObject({ code: 'spending_limit_exceeded', source: 'law', limit: 'single', limitAmount: 5000 });
  });

  it('payment approval: 428, the same approval while open, approved → 201, declined → 403, expired → a new one', async () => {
    await t.api.setClock('2026-10-02T20:45:00+08:00');
    expect((await controls(guardian.token, guardian.wardId, { paymentApproval: true })).body.paymentApproval).toBe(true);
    const orderId = `o-${uid()}`;
    const asked = await t.api.reserve(ward.token, 600, orderId);
    expect(asked.status).toBe(428);
    expect(asked.body).toMatchObject({ code: 'guardian_approval_required', expiresAt: '2026-10-02T21:15:00+08:00' });
    const approvalId = asked.body.approvalId;
    expect((await t.api.reserve(ward.token, 600, orderId)).body.approvalId).toBe(approvalId);

    const list = await t.api.call('GET', '/v1/guardian/approvals', { token: guardian.token });
    expect(list.body.approvals).toEqual([
      {
        approvalId,
        wardId: guardian.wardId,
        orderId,
        amount: 600,
        gameId: 'default',
        requestedAt: '2026-10-02T20:45:00+08:00',
        expiresAt: '2026-10-02T21:15:00+08:00',
        status: 'pending',
      },
    ]);
    expect((await t.api.call('GET', '/v1/guardian/approvals', { token: other.token })).body.approvals).toEqual([]);
    expect((await t.api.call('POST', `/v1/guardian/approvals/${approvalId}`, { token: other.token, body: { approved: true } })).body.code).toBe(
      'approval_not_found',
    );

    const approved = await t.api.call('POST', `/v1/guardian/approvals/${approvalId}`, { token: guardian.token, body: { approved: true } });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ approvalId, status: 'approved' });
    const changed = await t.api.call('POST', `/v1/guardian/approvals/${approvalId}`, { token: guardian.token, body: { approved: false } });
    expect(changed.status).toBe(409);
    expect(changed.body).toMatchObject({ code: 'approval_decided', approvalStatus: 'approved' });
    // The approval covers this order id and amount only.
    expect((await t.api.reserve(ward.token, 700, orderId)).status).toBe(428);
    const before = ddbCallCounter.calls;
    const reserved = await t.api.reserve(ward.token, 600, orderId);
    expect(ddbCallCounter.calls - before).toBeLessThanOrEqual(2);
    expect(reserved.status).toBe(201);
    expect((await t.api.call('POST', `/v1/payments/${orderId}/commit`, { token: ward.token })).status).toBe(200);

    const declinedOrder = `o-${uid()}`;
    const second = await t.api.reserve(ward.token, 500, declinedOrder);
    expect(
      (await t.api.call('POST', `/v1/guardian/approvals/${second.body.approvalId}`, { token: guardian.token, body: { approved: false } })).body.status,
    ).toBe('declined');
    const declined = await t.api.reserve(ward.token, 500, declinedOrder);
    expect(declined.status).toBe(403);
    expect(declined.body.code).toBe('guardian_declined');

    const lapsingOrder = `o-${uid()}`;
    const third = await t.api.reserve(ward.token, 400, lapsingOrder);
    await t.api.setClock('2026-10-02T21:16:00+08:00');
    const renewed = await t.api.reserve(ward.token, 400, lapsingOrder);
    expect(renewed.status).toBe(428);
    expect(renewed.body.approvalId).not.toBe(third.body.approvalId);
    expect(renewed.body.expiresAt).toBe('2026-10-02T21:46:00+08:00');
    const late = await t.api.call('POST', `/v1/guardian/approvals/${third.body.approvalId}`, { token: guardian.token, body: { approved: true } });
    expect(late.status).toBe(404);
    expect((await controls(guardian.token, guardian.wardId, { paymentApproval: false })).status).toBe(200);
  });

  it('activity lists sessions and payments per Beijing day with exact totals; a pending link is refused', async () => {
    const r = await t.api.call('GET', `/v1/guardian/wards/${guardian.wardId}/activity?from=2026-10-02&to=2026-10-02`, { token: guardian.token });
    expect(r.status).toBe(200);
    expect(r.body.sessions.map((s: { startedAt: string; playedSeconds: number; endReason: string }) => [s.startedAt.slice(11, 16), s.endReason])).toEqual([
      ['20:12', 'logout'],
      ['20:15', 'guardian_restricted'],
      ['20:20', 'logout'],
      ['20:24', 'guardian_restricted'],
    ]);
    const played = r.body.sessions.map((s: { playedSeconds: number }) => s.playedSeconds);
    expect(r.body.totals.playedSeconds).toBe(played.reduce((a: number, b: number) => a + b, 0));
    expect(played[2]).toBeGreaterThanOrEqual(239);
    expect(r.body.payments.map((p: { amount: number; status: string }) => [p.amount, p.status])).toEqual([
      [3000, 'reserved'],
      [600, 'committed'],
    ]);
    expect(r.body.totals.spent).toBe(600);
    const none = await t.api.call('GET', `/v1/guardian/wards/${guardian.wardId}/activity?from=2026-10-03&to=2026-10-04`, { token: guardian.token });
    expect(none.body).toEqual({ sessions: [], payments: [], totals: { playedSeconds: 0, spent: 0 } });
    expect((await t.api.call('GET', `/v1/guardian/wards/${other.wardId}/activity?from=2026-10-02&to=2026-10-02`, { token: other.token })).body.code).toBe(
      'link_not_confirmed',
    );
    expect((await t.api.call('GET', `/v1/guardian/wards/${guardian.wardId}/activity?from=2026-10-02&to=2027-01-10`, { token: guardian.token })).status).toBe(
      400,
    );
    expect((await t.api.call('GET', `/v1/guardian/wards/${guardian.wardId}/activity?from=2026-10-05&to=2026-10-02`, { token: guardian.token })).status).toBe(
      400,
    );
  });

  it('login with guardians stays within 3 DynamoDB requests', async () => {
    await t.api.setClock('2026-10-03T20:00:30+08:00');
    const before = ddbCallCounter.calls;
    const s = await t.api.login(ward.token, 'phone-9', true);
    expect(s.status).toBe(201);
    expect(ddbCallCounter.calls - before).toBeLessThanOrEqual(3);
    expect((await logout(s.body.sessionId)).status).toBe(204);
  });

  it('a takeover works when daily minutes were cleared since the live session started (its lease was across games)', async () => {
    await t.api.setClock('2026-10-03T20:01:00+08:00');
    expect((await controls(guardian.token, guardian.wardId, { dailyPlayMinutes: 30 })).status).toBe(200);
    const first = await t.api.login(ward.token, 'phone-9', true);
    expect(first.status).toBe(201);
    expect((await controls(guardian.token, guardian.wardId, { dailyPlayMinutes: null })).status).toBe(200);
    const second = await t.api.login(ward.token, 'phone-1', true);
    expect(second.status).toBe(201);
    expect((await beat(first.body.sessionId)).body).toMatchObject({ action: 'terminate', reason: 'signed_in_elsewhere' });
    expect((await logout(second.body.sessionId)).status).toBe(204);
  });

  it("unlinking ends this guardian's link and controls", async () => {
    await t.api.setClock('2026-10-03T20:05:00+08:00');
    expect((await controls(guardian.token, guardian.wardId, { playBanned: true })).status).toBe(200);
    expect((await t.api.login(ward.token, 'phone-1', true)).status).toBe(403);
    expect((await t.api.call('DELETE', `/v1/guardian/wards/${guardian.wardId}`, { token: guardian.token })).status).toBe(204);
    expect((await t.api.call('GET', '/v1/guardian/wards', { token: guardian.token })).body.wards).toEqual([]);
    expect((await controls(guardian.token, guardian.wardId, { playBanned: false })).status).toBe(404);
    const s = await t.api.login(ward.token, 'phone-1', true);
    expect(s.status).toBe(201);
    expect((await logout(s.body.sessionId)).status).toBe(204);
    expect((await t.api.call('GET', '/v1/me/guardians', { token: ward.token })).body.guardians).toHaveLength(2);
  });

  it("a ward's new account gets the guardians' controls before it can play", async () => {
    await t.api.setClock('2026-10-03T20:10:00+08:00');
    // The other guardian's pending link lapsed with its code (a day): asked again, it applies again.
    expect((await linkAs(other.token, ward)).body.status).toBe('pending');
    expect((await controls(other.token, other.wardId, { playBanned: true })).status).toBe(200);
    const third = await t.api.token(`w3-${uid()}`);
    const before = ddbCallCounter.calls;
    const paceBefore = updateCalls();
    expect((await t.api.call('POST', '/v1/identity', { token: third, body: { name: ward.name, idNumber: ward.idNumber } })).status).toBe(200);
    // The guardianship read with the person is copied onto the account in the binding's transaction:
    // the read and the binding, besides the national system's pace (one write, two if it answered late).
    const pace = updateCalls() - paceBefore;
    expect(ddbCallCounter.calls - before - pace).toBe(2);
    const refused = await t.api.login(third, 'phone-1', true);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('guardian_restricted');
    expect((await controls(other.token, other.wardId, { playBanned: false })).status).toBe(200);
    const s = await t.api.login(third, 'phone-1', true);
    expect(s.status).toBe(201);
    await t.api.call('DELETE', `/v1/sessions/${s.body.sessionId}`, { token: third });
  });

  it("a person's second account binds in 3 DynamoDB requests: the read, the national system's pace, the binding", async () => {
    const p = person('2011-06-06');
    const a = await t.api.token(`n1-${uid()}`);
    const b = await t.api.token(`n2-${uid()}`);
    expect((await t.api.call('POST', '/v1/identity', { token: a, body: p })).status).toBe(200);
    const before = ddbCallCounter.calls;
    const paceBefore = updateCalls();
    expect((await t.api.call('POST', '/v1/identity', { token: b, body: p })).status).toBe(200);
    const pace = updateCalls() - paceBefore;
    expect(pace === 1 || pace === 2).toBe(true);
    expect(ddbCallCounter.calls - before - pace).toBe(2);
  });

  it('a code expires after 24 hours', async () => {
    await t.api.setClock('2026-10-03T19:06:00+08:00');
    expect((await t.api.call('POST', '/v1/me/guardians/confirm', { token: ward.token, body: { code: codes.other } })).body.code).toBe('link_not_found');
  });
});

describe.skipIf(deployed)("a guardian's export and erasure of a ward's data; a guardian's own erasure", () => {
  const strip = (p: { name: string; idNumber: string }) => ({ name: p.name, idNumber: p.idNumber });
  it('exports every account of the ward and erases them all; the links stay with the person for its next binding', async () => {
    await t.api.setClock('2026-10-04T20:05:00+08:00');
    const g = await t.api.token(`pg-${uid()}`);
    const g2 = await t.api.token(`pg2-${uid()}`);
    const wardPerson = person('2012-07-07', '陈小红');
    const w1Id = `pw1-${uid()}`;
    const w2Id = `pw2-${uid()}`;
    const w1 = await t.api.token(w1Id);
    const w2 = await t.api.token(w2Id);
    for (const [token, p] of [
      [g, person('1979-01-01')],
      [g2, person('1981-01-01')],
      [w1, wardPerson],
      [w2, wardPerson],
    ] as const) {
      expect((await t.api.call('POST', '/v1/identity', { token, body: strip(p) })).status).toBe(200);
    }
    // The ward's accounts were bound before the guardians asked (only those may confirm).
    await t.api.setClock('2026-10-04T20:05:01+08:00');
    const link = await t.api.call('POST', '/v1/guardian/wards', { token: g, body: strip(wardPerson) });
    const pending = await t.api.call('POST', '/v1/guardian/wards', { token: g2, body: strip(wardPerson) });
    expect((await t.api.call('GET', `/v1/guardian/wards/${link.body.wardId}/data`, { token: g })).body.code).toBe('link_not_confirmed');
    expect((await t.api.call('POST', '/v1/me/guardians/confirm', { token: w1, body: { code: link.body.confirmCode } })).status).toBe(200);
    const s1 = await t.api.call('POST', '/v1/sessions', { token: w1, body: { deviceId: 'pd-1' } });
    expect((await t.api.call('DELETE', `/v1/sessions/${s1.body.sessionId}`, { token: w1 })).status).toBe(204);
    const s2 = await t.api.call('POST', '/v1/sessions', { token: w2, body: { deviceId: 'pd-2' } });
    expect(s2.status).toBe(201);
    const orderId = `po-${uid()}`;
    expect((await t.api.call('POST', '/v1/payments', { token: w2, body: { orderId, amount: 1000 } })).status).toBe(201);
    expect((await t.api.call('POST', `/v1/payments/${orderId}/commit`, { token: w2 })).status).toBe(200);

    const mine = await t.api.call('GET', '/v1/me/data', { token: w1 });
    expect(mine.body.guardians).toEqual({ count: 2 });
    const guardianOwn = await t.api.call('GET', '/v1/me/data', { token: g });
    expect(guardianOwn.body.wards).toEqual([expect.objectContaining({ wardId: link.body.wardId, status: 'confirmed', ageBand: 8 })]);

    const exported = await t.api.call('GET', `/v1/guardian/wards/${link.body.wardId}/data`, { token: g });
    expect(exported.status).toBe(200);
    expect(exported.body.accounts.map((a: { accountId: string }) => a.accountId).sort()).toEqual([w1Id, w2Id].sort());
    expect(exported.body.sessions.map((s: { sessionId: string; state: string }) => [s.sessionId, s.state])).toEqual([
      [s1.body.sessionId, 'ended'],
      [s2.body.sessionId, 'live'],
    ]);
    expect(exported.body.payments.map((p: { orderId: string; status: string }) => [p.orderId, p.status])).toEqual([[orderId, 'committed']]);
    expect(exported.body.identity).toEqual({ status: 'verified', birthDate: '2012-07-07', ageBand: 8 });
    expect(JSON.stringify(exported.body)).not.toContain(wardPerson.idNumber);
    expect(JSON.stringify(exported.body)).not.toContain(wardPerson.name);

    const erased = await t.api.call('DELETE', `/v1/guardian/wards/${link.body.wardId}/data`, { token: g });
    expect(erased.status).toBe(200);
    expect(erased.body.erased).toEqual(expect.arrayContaining(['account', 'identity', 'sessions', 'payments']));
    expect(erased.body.retained).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'spend_total_month', until: '2026-11-01T00:00:00+08:00' })]));
    expect(erased.body.retained).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'guardianship', until: '2030-07-07T00:00:00+08:00' })]));
    expect(erased.body.retained.map((k: { kind: string }) => k.kind)).not.toContain('identity');
    for (const token of [w1, w2]) expect((await t.api.call('GET', '/v1/identity', { token })).body).toEqual({ status: 'none' });
    // The guardianship is kept (until the ward turns 18): each guardian still has its link.
    expect((await t.api.call('GET', '/v1/guardian/wards', { token: g })).body.wards).toEqual([
      expect.objectContaining({ wardId: link.body.wardId, status: 'confirmed' }),
    ]);
    expect((await t.api.call('GET', '/v1/guardian/wards', { token: g2 })).body.wards).toEqual([
      expect.objectContaining({ wardId: pending.body.wardId, status: 'pending' }),
    ]);
    expect((await t.api.call('GET', `/v1/guardian/wards/${pending.body.wardId}/data`, { token: g2 })).body.code).toBe('link_not_confirmed');
    // The person binds again: the confirmed guardian's link applies at once, and the export is of the new binding.
    expect((await t.api.call('POST', '/v1/identity', { token: w1, body: strip(wardPerson) })).body.status).toBe('verified');
    expect(
      (await t.api.call('GET', `/v1/guardian/wards/${link.body.wardId}/data`, { token: g })).body.accounts.map((a: { accountId: string }) => a.accountId),
    ).toEqual([w1Id]);
  });

  it("a guardian's own erasure ends the guardian's links and controls", async () => {
    await t.api.setClock('2026-10-04T20:20:00+08:00');
    const gId = `eg-${uid()}`;
    const g = await t.api.token(gId);
    const w = await t.api.token(`ew-${uid()}`);
    const wardPerson = person('2013-08-08', '林小华');
    expect((await t.api.call('POST', '/v1/identity', { token: g, body: strip(person('1975-05-05')) })).status).toBe(200);
    // 13: the client attests the guardian's consent at the real-name step.
    expect((await t.api.call('POST', '/v1/identity', { token: w, body: withConsent(strip(wardPerson)) })).status).toBe(200);
    const link = await t.api.call('POST', '/v1/guardian/wards', { token: g, body: strip(wardPerson) });
    expect((await t.api.call('PUT', `/v1/guardian/wards/${link.body.wardId}/controls`, { token: g, body: { playBanned: true } })).status).toBe(200);
    expect((await t.api.call('POST', '/v1/sessions', { token: w, body: { deviceId: 'ed-1' } })).body.code).toBe('guardian_restricted');
    const erased = await t.api.call('DELETE', '/v1/me', { token: g });
    expect(erased.body.erased).toContain('guardian_links');
    expect((await t.api.call('GET', '/v1/me/guardians', { token: w })).body.guardians).toEqual([]);
    expect((await t.api.call('POST', '/v1/sessions', { token: w, body: { deviceId: 'ed-1' } })).status).toBe(201);
  });
});

describe.skipIf(deployed)('guardians under concurrent requests', () => {
  const strip = (p: { name: string; idNumber: string }) => ({ name: p.name, idNumber: p.idNumber });
  it('ten look-ups at once with wrong names: exactly five are counted, the other five are refused', async () => {
    await t.api.setClock('2026-10-05T10:00:00+08:00');
    const g = await t.api.token(`cg-${uid()}`);
    const minor = person('2012-09-09', '周小军');
    const w = await t.api.token(`cw-${uid()}`);
    expect((await t.api.call('POST', '/v1/identity', { token: g, body: strip(person('1970-07-07')) })).status).toBe(200);
    expect((await t.api.call('POST', '/v1/identity', { token: w, body: strip(minor) })).status).toBe(200);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => t.api.call('POST', '/v1/guardian/wards', { token: g, body: { name: `错名${i}`, idNumber: minor.idNumber } })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([404, 404, 404, 404, 404, 429, 429, 429, 429, 429]);
  });

  it('two guardians changing controls at the same moment: neither change is lost, and both apply', async () => {
    await t.api.setClock('2026-10-05T10:10:00+08:00');
    const minor = person('2012-10-10', '吴小丽');
    const w = await t.api.token(`cw2-${uid()}`);
    expect((await t.api.call('POST', '/v1/identity', { token: w, body: strip(minor) })).status).toBe(200);
    const guardians = await Promise.all(
      [1, 2].map(async (i) => {
        const token = await t.api.token(`cg${i}-${uid()}`);
        expect((await t.api.call('POST', '/v1/identity', { token, body: strip(person(`197${i}-01-01`)) })).status).toBe(200);
        const link = await t.api.call('POST', '/v1/guardian/wards', { token, body: strip(minor) });
        return { token, wardId: link.body.wardId as string };
      }),
    );
    const [a, b] = guardians as [{ token: string; wardId: string }, { token: string; wardId: string }];
    for (let round = 0; round < 3; round += 1) {
      const answers = await Promise.all([
        t.api.call('PUT', `/v1/guardian/wards/${a.wardId}/controls`, { token: a.token, body: { spending: { single: 1000 + round } } }),
        t.api.call('PUT', `/v1/guardian/wards/${b.wardId}/controls`, { token: b.token, body: { spending: { monthly: 3000 + round } } }),
      ]);
      expect(answers.map((x) => x.status)).toEqual([200, 200]);
    }
    expect((await t.api.call('GET', '/v1/guardian/wards', { token: a.token })).body.wards[0].controls.spending).toEqual({
      single: 1002,
      daily: null,
      monthly: null,
    });
    expect((await t.api.call('GET', '/v1/guardian/wards', { token: b.token })).body.wards[0].controls.spending).toEqual({
      single: null,
      daily: null,
      monthly: 3002,
    });
    // The day's cap stays the band's (50 CNY: the law's default), the guardians' caps apply beside it.
    expect((await t.api.call('GET', '/v1/limits', { token: w })).body.spending).toEqual({ singleMax: 1002, dailyRemaining: 5000, monthlyRemaining: 3002 });
  });
});

describe.skipIf(deployed)('a ward verified after an in-progress national check', () => {
  it('is found by the name it was submitted with once the poller has verified it', async () => {
    await t.api.setClock('2026-10-06T12:00:00+08:00');
    const minor = person('2012-11-11', '某二测试');
    const w = await t.api.token(`pw-${uid()}`);
    const g = await t.api.token(`pg-${uid()}`);
    expect((await t.api.call('POST', '/v1/identity', { token: g, body: person('1977-07-07') })).status).toBe(200);
    expect((await t.api.call('POST', '/v1/identity', { token: w, body: minor })).body.status).toBe('pending');
    expect((await t.api.call('POST', '/v1/guardian/wards', { token: g, body: minor })).status).toBe(404);
    await t.api.setClock('2026-10-06T12:00:10+08:00');
    await t.api.tick();
    expect((await t.api.call('GET', '/v1/identity', { token: w })).body.status).toBe('verified');
    expect((await t.api.call('POST', '/v1/guardian/wards', { token: g, body: { name: '某二错名', idNumber: minor.idNumber } })).status).toBe(404);
    expect((await t.api.call('POST', '/v1/guardian/wards', { token: g, body: minor })).status).toBe(201);
  });
});
