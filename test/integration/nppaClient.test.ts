/** The NPPA client against the simulator over real HTTP: every status and every class of error. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NppaClient, NppaConfigurationError, NppaRejected, NppaUnavailable, newAttemptId } from '#shared/nppa/client';
import { NppaSimulator } from '#shared/nppa/simulator';
import { CASES, runCase } from '#infra/cli/nppaTestcases';
import { movableClock } from '#test/support/table';
import { idNumberFor } from '#test/support/people';

const clock = movableClock('2026-10-02T10:00:00+08:00');
const simulator = new NppaSimulator({ now: clock.now });
let url: string;

const clientWith = (overrides: Partial<ConstructorParameters<typeof NppaClient>[0]> = {}) =>
  new NppaClient({
    ...simulator.clientSettings(url),
    now: clock.now,
    backoffMs: 5,
    ...overrides,
  });

beforeAll(async () => {
  ({ url } = await simulator.start());
});
afterAll(async () => simulator.stop());
beforeEach(() => {
  simulator.setDown('no');
  simulator.setGarbage(false);
});

describe('check and query', () => {
  it('verifies a valid identity with a PI whose first 6 characters encode the birth date', async () => {
    const r = await clientWith().check({ ai: newAttemptId(), name: '张三', idNum: idNumberFor('2010-01-01') });
    expect(r.status).toBe('verified');
    expect(r.status === 'verified' && r.pi.slice(0, 6)).toBe('1hpfml');
    expect(r.status === 'verified' && r.pi).toHaveLength(38);
  });

  it('fails a name containing 不符', async () => {
    expect(await clientWith().check({ ai: newAttemptId(), name: '李不符', idNum: idNumberFor('1990-01-01') })).toEqual({ status: 'failed' });
  });

  it('keeps 某二… in progress until queried 5 s or more after the check', async () => {
    const ai = newAttemptId();
    const c = clientWith();
    expect(await c.check({ ai, name: '某二一', idNum: idNumberFor('1990-02-02') })).toEqual({ status: 'pending' });
    expect(await c.query(ai)).toEqual({ status: 'pending' });
    clock.advance(5000);
    expect((await c.query(ai)).status).toBe('verified');
  });

  it('refuses a reused ai (2004) and an unknown ai (2003) as data errors', async () => {
    const ai = newAttemptId();
    const c = clientWith();
    await c.check({ ai, name: '张三', idNum: idNumberFor('1990-03-03') });
    await expect(c.check({ ai, name: '张三', idNum: idNumberFor('1990-03-03') })).rejects.toMatchObject({ name: 'NppaRejected', errcode: 2004 });
    await expect(c.query(newAttemptId())).rejects.toBeInstanceOf(NppaRejected);
  });
});

describe('errors', () => {
  it('retries a 1001 system error and succeeds', async () => {
    simulator.failNext(1001, 'check');
    const r = await clientWith().check({ ai: newAttemptId(), name: '张三', idNum: idNumberFor('1990-04-04') });
    expect(r.status).toBe('verified');
  });

  it('surfaces a 1006 rate limit as unavailable with a minute to wait, without retrying inline', async () => {
    const before = simulator.calls.check;
    simulator.failNext(1006, 'check');
    const error = await clientWith().check({ ai: newAttemptId(), name: '张三', idNum: idNumberFor('1990-05-05') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NppaUnavailable);
    expect((error as NppaUnavailable).retryAfterSeconds).toBe(60);
    expect(simulator.calls.check - before).toBe(1);
  });

  it('answers 1006 when more than the per-second limit arrive', async () => {
    const strict = new NppaSimulator({ now: clock.now, rateLimits: { check: 5, query: 300, loginout: 10 } });
    const { url: strictUrl } = await strict.start();
    try {
      const c = clientWith({ checkUrl: `${strictUrl}/idcard/authentication/check`, appId: strict.appId, bizId: strict.bizId, secretKeys: [strict.secretKey] });
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => c.check({ ai: newAttemptId(), name: '张三', idNum: idNumberFor('1990-06-06') })));
      const limited = results.filter((r) => r.status === 'rejected' && r.reason instanceof NppaUnavailable && r.reason.errcode === 1006).length;
      expect(limited).toBeGreaterThanOrEqual(1);
      expect(strict.rateLimited.check).toBe(limited);
    } finally {
      await strict.stop();
    }
  });

  it('treats a wrong secret key (1012) as a configuration error, never retried', async () => {
    const c = clientWith({ secretKeys: ['ffffffffffffffffffffffffffffffff'] });
    await expect(c.check({ ai: newAttemptId(), name: '张三', idNum: idNumberFor('1990-07-07') })).rejects.toMatchObject({ name: 'NppaConfigurationError', errcode: 1012 });
  });

  it('accepts the previous key during rotation', async () => {
    const c = clientWith({ secretKeys: ['ffffffffffffffffffffffffffffffff', simulator.secretKey] });
    expect((await c.check({ ai: newAttemptId(), name: '张三', idNum: idNumberFor('1990-08-08') })).status).toBe('verified');
  });

  it('treats a wrong appId as a configuration error (1008)', async () => {
    await expect(clientWith({ appId: 'nobody' }).query(newAttemptId())).rejects.toBeInstanceOf(NppaConfigurationError);
  });

  it('treats garbage, 5xx and timeouts as unavailable', async () => {
    simulator.setGarbage(true);
    await expect(clientWith().query(newAttemptId())).rejects.toBeInstanceOf(NppaUnavailable);
    simulator.setGarbage(false);
    simulator.setDown('error');
    await expect(clientWith().query(newAttemptId())).rejects.toBeInstanceOf(NppaUnavailable);
    simulator.setDown('hang');
    await expect(clientWith({ timeoutMs: 200 }).query(newAttemptId())).rejects.toBeInstanceOf(NppaUnavailable);
  });
});

describe('loginout validation', () => {
  const nowS = () => Math.floor(clock.now() / 1000);
  const pi = '1hpfml09b57f3f8185f8cb5094ea3f26278efb';
  it('answers 3003 for 129 items', async () => {
    const items = Array.from({ length: 129 }, (_, i) => ({ no: i + 1, si: `s${i}`, bt: 1 as const, ot: nowS() - 5, ct: 0 as const, pi }));
    await expect(clientWith().loginout(items)).rejects.toMatchObject({ errcode: 3003 });
  });

  it('reports an event older than 180 s item by item (3001 with 3005)', async () => {
    const r = await clientWith().loginout([{ no: 1, si: 'old', bt: 1, ot: nowS() - 200, ct: 0, pi }]);
    expect(r.failed).toEqual([{ no: 1, errcode: 3005, errmsg: 'bad time' }]);
  });

  it('lists only the failed items of a partial failure (missing PI → 3008)', async () => {
    const r = await clientWith().loginout([
      { no: 1, si: 'a', bt: 1, ot: nowS() - 5, ct: 0, pi },
      { no: 2, si: 'b', bt: 0, ot: nowS() - 4, ct: 0 },
    ]);
    expect(r.failed).toEqual([{ no: 2, errcode: 3008, errmsg: 'pi missing' }]);
  });
});

describe('official test cases against the simulator\'s test-system paths', () => {
  it.each(Object.keys(CASES))('case %s passes', async (id) => {
    const outcome = await runCase(id, { baseUrl: url, code: 'testcode123', appId: simulator.appId, bizId: simulator.bizId, secretKey: simulator.secretKey, now: clock.now });
    expect(outcome.pass).toBe(true);
  });

  it('runs as a command and prints PASS', async () => {
    clock.set(new Date().toISOString()); // the command signs with the real clock
    const { stdout } = await promisify(execFile)('node_modules/.bin/tsx', ['infra/cli/nppaTestcases.ts', '--case', '01', '--code', 'abc'], {
      env: { ...process.env, NPPA_TEST_BASE_URL: url, NPPA_APP_ID: simulator.appId, NPPA_BIZ_ID: simulator.bizId, NPPA_SECRET_KEY: simulator.secretKey },
    });
    expect(stdout).toMatch(/^PASS case 01/);
  });
});
