/**
 * A publisher's own risk policy (RISK_POLICY) is the one every part applies: the identity's account
 * limit set below the default of 5 challenges exactly the account past it (the default is in
 * test/e2e/risk.test.ts).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deployed, useGateway } from '#test/support/gateway';
import { person } from '#test/support/people';

const t = useGateway({ env: () => ({ RISK_POLICY: '{"maxAccountsPerIdentity":2}' }) });

async function loginsOfOnePerson(accounts: number): Promise<Array<{ status: number; signal?: string }>> {
  await t.api.setClock('2026-11-25T12:00:00+08:00');
  const who = person('1988-08-08');
  const answers: Array<{ status: number; signal?: string }> = [];
  for (let i = 1; i <= accounts; i += 1) {
    const token = await t.api.token(`many-${i}-${randomUUID()}`);
    expect((await t.api.call('POST', '/v1/identity', { token, body: who })).status).toBe(200);
    const r = await t.api.login(token, `dev-${randomUUID()}`, true);
    answers.push({ status: r.status, ...(r.body.signal ? { signal: r.body.signal } : {}) });
  }
  return answers;
}

describe.skipIf(deployed)('the account limit of one identity, as the publisher set it', () => {
  it('maxAccountsPerIdentity 2: the 3rd account is challenged, not the 2nd', async () => {
    expect(await loginsOfOnePerson(3)).toEqual([{ status: 201 }, { status: 201 }, { status: 428, signal: 'identity_many_accounts' }]);
  });
});
