/**
 * The official test-case runner (`npm run nppa:testcases`) against the simulator's test-system
 * paths on 127.0.0.1 — never the real national system.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASES, runCase, runCommand, testSystemUrls, type CaseContext } from '#infra/cli/nppaTestcases';
import { NppaSimulator } from '#shared/nppa/simulator';

const clock = (() => {
  let nowMs = Date.parse('2026-10-02T10:00:00+08:00');
  return { now: () => nowMs, advance: (ms: number) => void (nowMs += ms) };
})();
const simulator = new NppaSimulator({ now: clock.now });
let url: string;
const context = (overrides: Partial<CaseContext> = {}): CaseContext => ({
  baseUrl: url,
  code: 'testcode123',
  appId: simulator.appId,
  bizId: simulator.bizId,
  secretKey: simulator.secretKey,
  now: clock.now,
  ...overrides,
});

beforeAll(async () => {
  ({ url } = await simulator.start());
});
afterAll(async () => simulator.stop());

describe('official test cases against the simulator\'s test-system paths', () => {
  it('has exactly the eight official cases', () => {
    expect(Object.keys(CASES)).toEqual(['01', '02', '03', '04', '05', '06', '07', '08']);
  });

  it.each(Object.keys(CASES))('case %s passes', async (id) => {
    clock.advance(1000);
    const outcome = await runCase(id, context());
    expect(outcome.pass).toBe(true);
  });

  it('answers each case with the preset result', async () => {
    clock.advance(1000);
    expect((await runCase('01', context())).response).toEqual({ status: 'verified', pi: '1fffbjzos82bs9cnyj1dna7d6d29zg4esnh99u' });
    expect((await runCase('02', context())).response).toEqual({ status: 'pending' });
    expect((await runCase('06', context())).response).toEqual({ status: 'failed' });
    expect((await runCase('08', context())).response).toEqual({ errcode: 0 });
  });

  it('reports the loginout cases on the test paths: a guest with di, a verified user with a preset PI', async () => {
    clock.advance(1000);
    const before = simulator.receivedLoginouts.length;
    await runCase('07', context());
    await runCase('08', context());
    const nowS = Math.floor(clock.now() / 1000);
    expect(simulator.receivedLoginouts.slice(before)).toEqual([
      { no: 1, si: 'testcase-session-0001', bt: 1, ot: nowS - 10, ct: 2, di: 'testcase-device-0000000000000001' },
      { no: 1, si: 'testcase-session-0001', bt: 1, ot: nowS - 10, ct: 0, pi: '1fffbjzos82bs9cnyj1dna7d6d29zg4esnh99u' },
    ]);
  });

  it('fails a case, with the errcode, when the credentials are wrong', async () => {
    clock.advance(1000);
    expect(await runCase('01', context({ secretKey: 'ffffffffffffffffffffffffffffffff' }))).toEqual({ pass: false, response: { error: 'NppaConfigurationError', errcode: 1012 } });
  });

  it('builds the per-case URLs of the test system', () => {
    expect(testSystemUrls('https://wlc.nppa.gov.cn/', 'abc')).toEqual({
      checkUrl: 'https://wlc.nppa.gov.cn/test/authentication/check/abc',
      queryUrl: 'https://wlc.nppa.gov.cn/test/authentication/query/abc',
      loginoutUrl: 'https://wlc.nppa.gov.cn/test/collection/loginout/abc',
    });
  });
});

describe('the command', () => {
  const env = () => ({ NPPA_TEST_BASE_URL: url, NPPA_APP_ID: simulator.appId, NPPA_BIZ_ID: simulator.bizId, NPPA_SECRET_KEY: simulator.secretKey });

  it('prints PASS and exits 0 for a passing case ("--case 4" means 04)', async () => {
    clock.advance(1000);
    const out: string[] = [];
    const code = await runCommand(['--case', '4', '--code', 'abc'], env(), clock.now, (l) => out.push(l), () => undefined);
    expect(code).toBe(0);
    expect(out).toEqual(['PASS case 04 实名认证结果查询 — 认证成功 (query → verified)', '{"status":"verified","pi":"1fffbjzos82bs9cnyj1dna7d6d29zg4esnh99u"}']);
  });

  it('prints FAIL and exits 1 for a failing case', async () => {
    clock.advance(1000);
    const out: string[] = [];
    const code = await runCommand(['--case', '01', '--code', 'abc'], { ...env(), NPPA_BIZ_ID: 'someone-else' }, clock.now, (l) => out.push(l), () => undefined);
    expect(code).toBe(1);
    expect(out[0]).toMatch(/^FAIL case 01/);
    expect(out[1]).toBe('{"error":"NppaConfigurationError","errcode":1011}');
  });

  it.each([
    ['no case', ['--code', 'abc'], {}],
    ['an unknown case', ['--case', '09', '--code', 'abc'], {}],
    ['no code', ['--case', '01'], {}],
    ['missing credentials', ['--case', '01', '--code', 'abc'], { NPPA_SECRET_KEY: '' }],
  ])('exits 2 with usage for %s', async (_name, args, envOverrides) => {
    const err: string[] = [];
    expect(await runCommand(args, { ...env(), ...envOverrides }, clock.now, () => undefined, (l) => err.push(l))).toBe(2);
    expect(err[0]).toMatch(/^usage: npm run nppa:testcases/);
  });

  it('runs as a command (tsx) against NPPA_TEST_BASE_URL and prints PASS', async () => {
    // The spawned command signs with the real clock: a simulator on the real clock answers it.
    const realTime = new NppaSimulator();
    const { url: realUrl } = await realTime.start();
    try {
      const { stdout } = await promisify(execFile)('node_modules/.bin/tsx', ['infra/cli/nppaTestcases.ts', '--case', '07', '--code', 'abc'], {
        env: { ...process.env, NPPA_TEST_BASE_URL: realUrl, NPPA_APP_ID: realTime.appId, NPPA_BIZ_ID: realTime.bizId, NPPA_SECRET_KEY: realTime.secretKey },
      });
      expect(stdout).toMatch(/^PASS case 07/);
      expect(realTime.calls.loginout).toBe(1);
    } finally {
      await realTime.stop();
    }
  }, 20_000);
});
