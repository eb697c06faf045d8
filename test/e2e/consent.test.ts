/**
 * Under-14 consent over HTTP (2019 Children's PI Regulations Arts. 9–10; docs/rules.md "Personal
 * information of minors"), with the default policy `consent: "attested"`: a child's login and payments
 * are refused with 403 guardian_consent_required until the client sends the guardian's consent with
 * the real-name submission (or a confirmed guardian records one), the consent names the privacy policy
 * version in force, and the export shows it. A child who turns 14 needs none. The consent rides on the
 * account item the hot paths read already: login stays within 3 requests, a reservation within 2.
 * The other mode and a change of the policy's version are test/e2e/consentPolicy.test.ts.
 *
 * 2026-12-04 is an ordinary Friday: minors may play 20:00–21:00.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ddbCallCounter } from '#test/support/ddbCounter';
import { deployed, useGateway } from '#test/support/gateway';
import { consentStatus, person, withConsent } from '#test/support/people';

const t = useGateway();
const uid = () => randomUUID().slice(0, 8);
const CONSENT_REQUIRED = {
  type: 'urn:playguard:problem:guardian_consent_required',
  title: 'Guardian consent required',
  status: 403,
  detail: expect.stringContaining('不满14周岁'),
  code: 'guardian_consent_required',
  policyVersion: '1',
  consent: 'attested',
};

async function requests<T>(call: () => Promise<T>): Promise<{ result: T; requests: number }> {
  const before = ddbCallCounter.calls;
  const result = await call();
  return { result, requests: ddbCallCounter.calls - before };
}

describe.skipIf(deployed)('a child under 14, policy attested', () => {
  const child = person('2013-06-06', '周小萌');
  let token = '';

  it("is verified, and told a guardian's consent is needed; login and payments are refused until then", async () => {
    await t.api.setClock('2026-12-04T20:10:00+08:00');
    token = await t.api.token(`c-${uid()}`);
    const r = await t.api.call('POST', '/v1/identity', { token, body: child });
    expect(r.body).toEqual({ status: 'verified', ageBand: 8, minor: true, guardianConsent: consentStatus(true, false) });
    expect((await t.api.call('GET', '/v1/identity', { token })).body.guardianConsent).toEqual(consentStatus(true, false));
    const login = await requests(() => t.api.login(token, 'c-phone'));
    expect(login.result.status).toBe(403);
    expect(login.result.body).toEqual(CONSENT_REQUIRED);
    // Decided from the account item the login reads anyway: its one request.
    expect(login.requests).toBe(1);
    const pay = await requests(() => t.api.reserve(token, 100));
    expect(pay.result.body).toEqual(CONSENT_REQUIRED);
    expect(pay.requests).toBe(1);
  });

  it('refuses a consent to another version than the one in force, naming the field', async () => {
    const r = await t.api.call('POST', '/v1/identity', { token, body: { ...child, guardianConsent: { policyVersion: '0.9' } } });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([
      { path: 'guardianConsent.policyVersion', message: 'not the current privacy policy version (1): show the guardian that one' },
    ]);
  });

  it('records the consent the client attests with the same identity again (one write), and the child plays and pays within the budgets', async () => {
    const again = await requests(() => t.api.call('POST', '/v1/identity', { token, body: withConsent(child) }));
    expect(again.result.body).toEqual({ status: 'verified', ageBand: 8, minor: true, guardianConsent: consentStatus(true, true) });
    // The binding's read and the consent's one write: the national system is not asked again.
    expect(again.requests).toBe(2);
    const login = await requests(() => t.api.login(token, 'c-phone'));
    expect(login.result.status).toBe(201);
    expect(login.requests).toBeLessThanOrEqual(3);
    const pay = await requests(() => t.api.reserve(token, 3000));
    expect(pay.result.status).toBe(201);
    expect(pay.requests).toBeLessThanOrEqual(2);
  });

  it('shows the consent in the export: when, how and to which version', async () => {
    const data = (await t.api.call('GET', '/v1/me/data', { token })).body;
    expect(data.consent).toEqual({
      required: true,
      policyVersion: '1',
      records: [{ at: expect.stringMatching(/^2026-12-04T20:1\d:\d\d\+08:00$/), how: 'attested', policyVersion: '1' }],
    });
  });

  it('is needed no more from the 14th birthday on', async () => {
    await t.api.setClock('2027-06-06T10:00:00+08:00');
    const turned = await t.api.token(`t-${uid()}`);
    const who = person('2013-06-06');
    expect((await t.api.call('POST', '/v1/identity', { token: turned, body: who })).body.guardianConsent).toEqual(consentStatus(false, false));
    expect((await t.api.reserve(turned, 100)).status).toBe(201);
    await t.api.setClock('2027-06-05T10:00:00+08:00');
    expect((await t.api.reserve(turned, 100)).body.code).toBe('guardian_consent_required');
  });
});

describe.skipIf(deployed)("a confirmed guardian's consent", () => {
  it('counts under policy attested too, for every account of the ward; only a confirmed link may give it, to the version in force', async () => {
    await t.api.setClock('2026-12-04T20:20:00+08:00');
    const child = person('2014-02-02', '钱小朵');
    const w1 = await t.api.token(`w1-${uid()}`);
    const w2 = await t.api.token(`w2-${uid()}`);
    for (const w of [w1, w2])
      expect((await t.api.call('POST', '/v1/identity', { token: w, body: child })).body.guardianConsent).toEqual(consentStatus(true, false));
    const g = await t.api.token(`g-${uid()}`);
    expect((await t.api.call('POST', '/v1/identity', { token: g, body: person('1984-04-04', '钱大') })).status).toBe(200);
    await t.api.setClock('2026-12-04T20:21:00+08:00');
    const link = await t.api.call('POST', '/v1/guardian/wards', { token: g, body: child });
    expect(link.status).toBe(201);
    const consent = (body: unknown, wardId = link.body.wardId) => t.api.call('POST', `/v1/guardian/wards/${wardId}/consent`, { token: g, body });
    // Pending: not yet.
    expect((await consent({ policyVersion: '1' })).body.code).toBe('link_not_confirmed');
    expect((await t.api.call('POST', '/v1/me/guardians/confirm', { token: w1, body: { code: link.body.confirmCode } })).status).toBe(200);
    expect((await consent({ policyVersion: '2' })).body).toMatchObject({ status: 400, code: 'invalid_request', errors: [{ path: 'policyVersion' }] });
    expect((await consent({ policyVersion: '1' }, 'w-unknown')).body.code).toBe('ward_not_found');
    const given = await consent({ policyVersion: '1' });
    expect(given.status).toBe(200);
    expect(given.body).toEqual({
      wardId: link.body.wardId,
      required: true,
      consent: { at: expect.stringMatching(/^2026-12-04T20:21:\d\d\+08:00$/), how: 'guardian', policyVersion: '1' },
    });
    // The guardian's consent is the person's: both accounts may play.
    for (const w of [w1, w2]) expect((await t.api.call('GET', '/v1/identity', { token: w })).body.guardianConsent).toEqual(consentStatus(true, true));
    expect((await t.api.login(w1, 'w1-phone')).status).toBe(201);
    expect((await t.api.login(w2, 'w2-phone')).body.code).toBe('session_active_elsewhere');
    expect((await t.api.call('GET', '/v1/me/data', { token: w2 })).body.consent.records).toEqual([
      { at: given.body.consent.at, how: 'guardian', policyVersion: '1' },
    ]);
  });
});
