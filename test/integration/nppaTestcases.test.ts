/**
 * The official test-case runner (`npm run nppa:testcases`) against the simulator's test-system
 * paths on 127.0.0.1 — never the real national system.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASES, runCase, runCommand, testSystemUrls, type CaseContext } from '#infra/cli/nppaTestcases';
import { checkCharacter, parseIdNumber } from '#shared/domain/idNumber';
import { NppaClient } from '#shared/nppa/client';
import { piPrefixForBirthDate } from '#infra/local/nppaPi';
import { NppaSimulator, OFFICIAL_TEST_IDENTITIES, OFFICIAL_TEST_PIS } from '#infra/local/nppaSimulator';
import { HEAVY_TEST_MS } from '#test/support/timeouts';

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

describe("official test cases against the simulator's test-system paths", () => {
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
      { bizId: simulator.bizId, no: 1, si: 'testcase-session-0001', bt: 1, ot: nowS - 10, ct: 2, di: 'testcase-device-0000000000000001' },
      { bizId: simulator.bizId, no: 1, si: 'testcase-session-0001', bt: 1, ot: nowS - 10, ct: 0, pi: '1fffbjzos82bs9cnyj1dna7d6d29zg4esnh99u' },
    ]);
  });

  it('fails a case, with the errcode, when the credentials are wrong', async () => {
    clock.advance(1000);
    expect(await runCase('01', context({ secretKey: 'ffffffffffffffffffffffffffffffff' }))).toEqual({
      pass: false,
      response: { error: 'NppaConfigurationError', errcode: 1012 },
    });
  });

  it('builds the per-case URLs of the test system', () => {
    expect(testSystemUrls('https://wlc.nppa.gov.cn/', 'abc')).toEqual({
      checkUrl: 'https://wlc.nppa.gov.cn/test/authentication/check/abc',
      queryUrl: 'https://wlc.nppa.gov.cn/test/authentication/query/abc',
      loginoutUrl: 'https://wlc.nppa.gov.cn/test/collection/loginout/abc',
    });
  });
});

describe("the simulator's test-system presets", () => {
  const testClient = () => new NppaClient({ ...simulator.testSystemSettings(url, 'presets'), now: clock.now });

  it('hold checksum-valid ID numbers whose birth dates are those the preset PIs encode', () => {
    expect(OFFICIAL_TEST_IDENTITIES.verified.slice(0, 5).map((p) => [p.ai, p.name, p.idNum])).toEqual([
      ['100000000000000001', '某一一', '110000190101010001'],
      ['100000000000000002', '某一二', '110000190101020007'],
      ['100000000000000003', '某一三', '110000190101030002'],
      ['100000000000000004', '某一四', '110000190101040008'],
      ['100000000000000005', '某一五', '11000019010101001X'],
    ]);
    expect(OFFICIAL_TEST_IDENTITIES.inProgress[0]).toEqual({ ai: '200000000000000001', name: '某二一', idNum: '110000190201010009' });
    expect(OFFICIAL_TEST_IDENTITIES.failed[0]).toEqual({ ai: '300000000000000001', name: '某三一', idNum: '110000190301010006' });
    for (const group of Object.values(OFFICIAL_TEST_IDENTITIES)) {
      for (const p of group) expect(parseIdNumber(p.idNum, '2026-10-02')).toMatchObject({ ok: true });
    }
    OFFICIAL_TEST_IDENTITIES.verified.forEach((p, i) => {
      const parsed = parseIdNumber(p.idNum, '2026-10-02');
      expect(parsed.ok && piPrefixForBirthDate(parsed.birthDate)).toBe(OFFICIAL_TEST_PIS[i]!.slice(0, 6));
    });
  });

  it('case 03 sends a number with its GB 11643 check character (110000190301010006: 6 is right)', () => {
    expect(checkCharacter('11000019030101000')).toBe('6');
  });

  it.each(OFFICIAL_TEST_IDENTITIES.verified.map((p, i) => [i + 1, p, OFFICIAL_TEST_PIS[i]!] as const))(
    'verifies preset %i with its own PI',
    async (_n, preset, pi) => {
      clock.advance(1000);
      expect(await testClient().check(preset)).toEqual({ status: 'verified', pi });
    },
  );

  it('answers a preset only when ai, name and ID number all match; anything else is failed', async () => {
    clock.advance(1000);
    const [v1, v2] = OFFICIAL_TEST_IDENTITIES.verified;
    const [p1] = OFFICIAL_TEST_IDENTITIES.inProgress;
    const c = testClient();
    expect(await c.check({ ...v1!, name: '某一二' })).toEqual({ status: 'failed' });
    expect(await c.check({ ...v1!, idNum: v2!.idNum })).toEqual({ status: 'failed' });
    expect(await c.check({ ...v2!, ai: v1!.ai })).toEqual({ status: 'failed' });
    expect(await c.check({ ...p1!, name: '某一一' })).toEqual({ status: 'failed' });
    expect(await c.check({ ...p1!, idNum: v1!.idNum })).toEqual({ status: 'failed' });
    expect(await c.check(p1!)).toEqual({ status: 'pending' });
  });

  it('refuses an ID number with a wrong check character with 2001, before looking at the presets', async () => {
    clock.advance(1000);
    const v1 = OFFICIAL_TEST_IDENTITIES.verified[0]!;
    await expect(testClient().check({ ...v1, idNum: '110000190101010002' })).rejects.toMatchObject({ name: 'NppaRejected', errcode: 2001 });
    await expect(testClient().check({ ...OFFICIAL_TEST_IDENTITIES.failed[0]!, idNum: '110000190301010007' })).rejects.toMatchObject({
      name: 'NppaRejected',
      errcode: 2001,
    });
  });
});

describe('the command', () => {
  const env = () => ({ NPPA_TEST_BASE_URL: url, NPPA_APP_ID: simulator.appId, NPPA_BIZ_ID: simulator.bizId, NPPA_SECRET_KEY: simulator.secretKey });

  it('prints PASS and exits 0 for a passing case ("--case 4" means 04)', async () => {
    clock.advance(1000);
    const out: string[] = [];
    const code = await runCommand(
      ['--case', '4', '--code', 'abc'],
      env(),
      clock.now,
      (l) => out.push(l),
      () => undefined,
    );
    expect(code).toBe(0);
    expect(out).toEqual(['PASS case 04 实名认证结果查询 — 认证成功 (query → verified)', '{"status":"verified","pi":"1fffbjzos82bs9cnyj1dna7d6d29zg4esnh99u"}']);
  });

  it('prints FAIL and exits 1 for a failing case, with one line on what to check', async () => {
    clock.advance(1000);
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCommand(
      ['--case', '01', '--code', 'abc'],
      { ...env(), NPPA_BIZ_ID: 'someone-else' },
      clock.now,
      (l) => out.push(l),
      (l) => err.push(l),
    );
    expect(code).toBe(1);
    expect(out[0]).toMatch(/^FAIL case 01/);
    expect(out[1]).toBe('{"error":"NppaConfigurationError","errcode":1011}');
    expect(err).toEqual(['nppa:testcases: errcode 1011: the caller could not be verified: check NPPA_BIZ_ID (and NPPA_APP_ID)']);
  });

  it('names NPPA_SECRET_KEY when the national system cannot verify the signature (1012)', async () => {
    clock.advance(1000);
    const err: string[] = [];
    const code = await runCommand(
      ['--case', '04', '--code', 'abc'],
      { ...env(), NPPA_SECRET_KEY: 'ffffffffffffffffffffffffffffffff' },
      clock.now,
      () => undefined,
      (l) => err.push(l),
    );
    expect(code).toBe(1);
    expect(err).toEqual(['nppa:testcases: errcode 1012: the signature or body could not be verified: check NPPA_SECRET_KEY']);
  });

  it.each([
    [
      'a key that is not 32 hex characters',
      { NPPA_SECRET_KEY: 'xyz' },
      2,
      'nppa:testcases: NPPA_SECRET_KEY is not a secret key: set it to the 32 hexadecimal characters of the secretKey from the NPPA portal',
    ],
    [
      'a base URL that is not http(s)',
      { NPPA_TEST_BASE_URL: 'wlc.nppa.gov.cn' },
      2,
      'nppa:testcases: NPPA_TEST_BASE_URL is not an http(s) address: unset it for the official test system ' +
        "(https://wlc.nppa.gov.cn) or give the test system's address",
    ],
    [
      'an unreachable test system',
      { NPPA_TEST_BASE_URL: 'http://127.0.0.1:1' },
      1,
      'nppa:testcases: no answer from the national test system at http://127.0.0.1:1 (unreachable, timed ' +
        'out or not speaking its protocol): check NPPA_TEST_BASE_URL and the network, then run the case again',
    ],
  ])('prints one line and nothing else for %s', async (_name, overrides, exitCode, line) => {
    const out: string[] = [];
    const err: string[] = [];
    expect(
      await runCommand(
        ['--case', '01', '--code', 'abc'],
        { ...env(), ...overrides },
        Date.now,
        (l) => out.push(l),
        (l) => err.push(l),
      ),
    ).toBe(exitCode);
    expect(err).toEqual([line]);
    expect(out).toEqual([]);
  });

  it.each([
    ['a bad key', { NPPA_SECRET_KEY: 'xyz' }, 2, /^nppa:testcases: NPPA_SECRET_KEY is not a secret key: /],
    [
      'an unreachable national system',
      { NPPA_TEST_BASE_URL: 'http://127.0.0.1:1' },
      1,
      /^nppa:testcases: no answer from the national test system at http:\/\/127\.0\.0\.1:1 /,
    ],
  ])(
    'as a command, %s: exactly one line on stderr, no stack trace, non-zero exit',
    async (_name, overrides, exitCode, pattern) => {
      const result = await promisify(execFile)('node_modules/.bin/tsx', ['infra/cli/nppaTestcases.ts', '--case', '01', '--code', 'abc'], {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          NPPA_TEST_BASE_URL: url,
          NPPA_APP_ID: simulator.appId,
          NPPA_BIZ_ID: simulator.bizId,
          NPPA_SECRET_KEY: simulator.secretKey,
          ...overrides,
        },
      }).then(
        () => ({ code: 0, stdout: '', stderr: '' }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      expect(result.code).toBe(exitCode);
      const lines = result.stderr.split('\n').filter((l) => l.trim() !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(pattern);
      expect(result.stderr).not.toContain('    at ');
      expect(result.stdout).toBe('');
    },
    HEAVY_TEST_MS,
  );

  it.each([
    ['no case', ['--code', 'abc'], {}],
    ['an unknown case', ['--case', '09', '--code', 'abc'], {}],
    ['no code', ['--case', '01'], {}],
    ['missing credentials', ['--case', '01', '--code', 'abc'], { NPPA_SECRET_KEY: '' }],
  ])('exits 2 with usage for %s', async (_name, args, envOverrides) => {
    const err: string[] = [];
    expect(
      await runCommand(
        args,
        { ...env(), ...envOverrides },
        clock.now,
        () => undefined,
        (l) => err.push(l),
      ),
    ).toBe(2);
    expect(err[0]).toMatch(/^usage: npm run nppa:testcases/);
  });

  it(
    'runs as a command (tsx) against NPPA_TEST_BASE_URL and prints PASS',
    async () => {
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
    },
    HEAVY_TEST_MS,
  );
});
