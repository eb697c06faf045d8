/** Pointing the NPPA_* variables at another server that speaks docs/nppa.md works unchanged. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '#infra/local/gateway';
import { NppaSimulator } from '#infra/local/nppaSimulator';
import { client, deployed, startTestGateway } from '#test/support/gateway';
import { consentStatus, person } from '#test/support/people';

const external = new NppaSimulator({ appId: 'publisher-app', bizId: '1101999999', secretKey: 'fedcba9876543210fedcba9876543210' });
let gateway: LocalGateway;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  const { url } = await external.start();
  Object.assign(process.env, external.environment(url));
  gateway = await startTestGateway();
  api = client(gateway.url);
});
afterAll(async () => {
  await gateway?.stop();
  await external.stop();
});

// Local-only: starts its own gateway against its own national system.
describe.skipIf(deployed)('an external national system', () => {
  it('is used instead of the embedded simulator', async () => {
    expect(gateway.simulator).toBeUndefined();
    const token = await api.token('external-nppa');
    const r = await api.call('POST', '/v1/identity', { token, body: person('1995-05-05') });
    expect(r.body).toEqual({ status: 'verified', ageBand: 18, minor: false, guardianConsent: consentStatus(false, false) });
    expect(external.calls.check).toBe(1);
  });
});
