/**
 * The under-14 consent as deployments configure it, each setting a redeploy (a local gateway in a
 * process of its own on one table, test/support/gatewayProcess.ts): under policy `consent: "guardian"`
 * only a confirmed guardian's consent counts (the client's attestation is ignored); when
 * `PRIVACY_POLICY_VERSION` (playguard:privacyPolicyVersion) changes, every child's login and payments
 * are refused until a consent to the new version is recorded (2019 Children's PI Regulations Art. 10
 * para 2); switching back to policy `attested`, the client's attestation of the version in force counts.
 *
 * 2026-12-04 is an ordinary Friday: minors may play 20:00–21:00.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ensureTable } from '#infra/local/dynamoLocal';
import { client, deployed } from '#test/support/gateway';
import { person } from '#test/support/people';

const table = `t-${randomUUID()}`;
const running: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const stop of running.splice(0)) await stop();
});

/** A gateway with `env` as its settings on this file's table; resolves once it listens (its own line says so). */
async function deploy(env: Record<string, string>): Promise<{ api: ReturnType<typeof client>; stop: () => Promise<void> }> {
  const child = spawn('node_modules/.bin/tsx', ['test/support/gatewayProcess.ts'], {
    env: { ...process.env, ...env, DYNAMO_ENDPOINT: inject('dynamoEndpoint'), TABLE_NAME: table },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.stdin!.end();
    await exited;
  };
  running.push(stop);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`the gateway exited (${code}) before it listened: ${out.slice(-1000)}`)));
  });
  return {
    api: client(url),
    stop: async () => {
      running.splice(running.indexOf(stop), 1);
      await stop();
    },
  };
}

const consentRequired = (policyVersion: string, consent: 'attested' | 'guardian') =>
  expect.objectContaining({ status: 403, code: 'guardian_consent_required', policyVersion, consent });

describe.skipIf(deployed)('consent policies, deployed one after another on one table', () => {
  const child = person('2014-03-03', '孙小禾');
  const guardian = person('1983-03-03', '孙大');
  const ids = { child: `cp-c-${randomUUID().slice(0, 6)}`, guardian: `cp-g-${randomUUID().slice(0, 6)}` };
  let wardId = '';

  it("policy guardian: the attestation is ignored; a confirmed guardian's consent to 2026-11 lets the child play", async () => {
    await ensureTable(inject('dynamoEndpoint'), table, { stream: true });
    const { api, stop } = await deploy({ CONSENT: 'guardian', PRIVACY_POLICY_VERSION: '2026-11' });
    await api.setClock('2026-12-04T20:05:00+08:00');
    const c = await api.token(ids.child);
    const g = await api.token(ids.guardian);
    const submitted = await api.call('POST', '/v1/identity', { token: c, body: { ...child, guardianConsent: { policyVersion: '2026-11' } } });
    expect(submitted.body.guardianConsent).toEqual({ required: true, given: false, policyVersion: '2026-11', consent: 'guardian' });
    expect((await api.login(c, 'cp-phone')).body).toEqual(consentRequired('2026-11', 'guardian'));
    expect((await api.call('POST', '/v1/identity', { token: g, body: guardian })).status).toBe(200);
    await api.setClock('2026-12-04T20:06:00+08:00');
    const link = await api.call('POST', '/v1/guardian/wards', { token: g, body: child });
    wardId = link.body.wardId;
    expect((await api.call('POST', '/v1/me/guardians/confirm', { token: c, body: { code: link.body.confirmCode } })).status).toBe(200);
    expect((await api.call('POST', `/v1/guardian/wards/${wardId}/consent`, { token: g, body: { policyVersion: '2026-11' } })).status).toBe(200);
    const login = await api.login(c, 'cp-phone');
    expect(login.status).toBe(201);
    expect((await api.call('DELETE', `/v1/sessions/${login.body.sessionId}`, { token: c })).status).toBe(204);
    await stop();
  }, 120_000);

  it('a new privacy policy version (2026-12): login and payments are refused until the guardian consents to it', async () => {
    const { api, stop } = await deploy({ CONSENT: 'guardian', PRIVACY_POLICY_VERSION: '2026-12' });
    await api.setClock('2026-12-04T20:10:00+08:00');
    const c = await api.token(ids.child);
    const g = await api.token(ids.guardian);
    expect((await api.login(c, 'cp-phone')).body).toEqual(consentRequired('2026-12', 'guardian'));
    expect((await api.reserve(c, 100)).body).toEqual(consentRequired('2026-12', 'guardian'));
    expect((await api.call('GET', '/v1/identity', { token: c })).body.guardianConsent).toEqual({
      required: true,
      given: false,
      policyVersion: '2026-12',
      consent: 'guardian',
    });
    expect((await api.call('POST', `/v1/guardian/wards/${wardId}/consent`, { token: g, body: { policyVersion: '2026-11' } })).status).toBe(400);
    expect((await api.call('POST', `/v1/guardian/wards/${wardId}/consent`, { token: g, body: { policyVersion: '2026-12' } })).status).toBe(200);
    expect((await api.login(c, 'cp-phone')).status).toBe(201);
    expect((await api.reserve(c, 100)).status).toBe(201);
    // The export shows the consent in force now.
    expect((await api.call('GET', '/v1/me/data', { token: c })).body.consent).toEqual({
      required: true,
      policyVersion: '2026-12',
      records: [{ at: expect.stringMatching(/^2026-12-04T20:1\d:\d\d\+08:00$/), how: 'guardian', policyVersion: '2026-12' }],
    });
    await stop();
  }, 120_000);

  it("policy attested with version 2027-01: the client's attestation of the version in force counts", async () => {
    const { api, stop } = await deploy({ PRIVACY_POLICY_VERSION: '2027-01' });
    await api.setClock('2026-12-04T20:20:00+08:00');
    const c = await api.token(ids.child);
    expect((await api.login(c, 'cp-phone', true)).body).toEqual(consentRequired('2027-01', 'attested'));
    expect(
      (await api.call('POST', '/v1/identity', { token: c, body: { ...child, guardianConsent: { policyVersion: '2027-01' } } })).body.guardianConsent,
    ).toEqual({ required: true, given: true, policyVersion: '2027-01', consent: 'attested' });
    expect((await api.login(c, 'cp-phone', true)).status).toBe(201);
    await stop();
  }, 120_000);
});
