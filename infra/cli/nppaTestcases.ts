/**
 * `npm run nppa:testcases -- --case 01 --code <测试码>`: sends the official preset request of one
 * NPPA test case to the official test system (docs/nppa.md) with the
 * credentials in NPPA_APP_ID / NPPA_BIZ_ID / NPPA_SECRET_KEY, and prints PASS or FAIL with the
 * response; exit code 0 on PASS, 1 on FAIL, 2 on a usage error. NPPA_TEST_BASE_URL overrides the
 * test system's address (the tests point it at the simulator). Each case has its own test code
 * from the portal, so one case runs per invocation. The requests carry only the official preset
 * (fictitious) identities.
 */
import { parseArgs } from 'node:util';
import { NppaClient, NppaConfigurationError, NppaRejected, NppaUnavailable } from '#shared/nppa/client';
import { BEHAVIOUR, CALLER_TYPE, type CheckResult, type LoginoutItem } from '#shared/nppa/protocol';
import { OFFICIAL_TEST_IDENTITIES, OFFICIAL_TEST_PIS } from '#infra/local/nppaSimulator';

export const DEFAULT_TEST_BASE_URL = 'https://wlc.nppa.gov.cn';

export interface CaseContext {
  baseUrl: string;
  code: string;
  appId: string;
  bizId: string;
  secretKey: string;
  now: () => number;
  fetch?: typeof fetch;
}

export interface CaseOutcome {
  pass: boolean;
  /** What came back (statuses, PIs of the preset data, errcodes): nothing personal of a real person. */
  response: unknown;
  /** No usable answer at all (network error, timeout, 5xx, not the protocol): the case was not really run. */
  unreachable?: true;
}

/** The test system's three per-case URLs. */
export function testSystemUrls(baseUrl: string, code: string): { checkUrl: string; queryUrl: string; loginoutUrl: string } {
  const base = baseUrl.replace(/\/+$/, '');
  const c = encodeURIComponent(code);
  return {
    checkUrl: `${base}/test/authentication/check/${c}`,
    queryUrl: `${base}/test/authentication/query/${c}`,
    loginoutUrl: `${base}/test/collection/loginout/${c}`,
  };
}

const clientFor = (c: CaseContext) =>
  new NppaClient({
    ...testSystemUrls(c.baseUrl, c.code),
    appId: c.appId,
    bizId: c.bizId,
    secretKeys: [c.secretKey],
    now: c.now,
    ...(c.fetch ? { fetch: c.fetch } : {}),
  });

const expectStatus = async (call: Promise<CheckResult>, status: CheckResult['status']): Promise<CaseOutcome> => {
  const response = await call;
  return { pass: response.status === status, response };
};

/** One login of a test session, 10 s ago (`ot` in seconds, earlier than timestamps, within 180 s). */
const reportLogin = async (c: CaseContext, who: Pick<LoginoutItem, 'ct' | 'pi' | 'di'>): Promise<CaseOutcome> => {
  const ot = Math.floor(c.now() / 1000) - 10;
  const item: LoginoutItem = { no: 1, si: 'testcase-session-0001', bt: BEHAVIOUR.login, ot, ...who };
  const response = await clientFor(c).loginout([item]);
  return { pass: response.failed.length === 0, response: response.failed.length ? response : { errcode: 0 } };
};

/**
 * The eight official cases, each with the official preset data (infra/local/nppaSimulator.ts
 * OFFICIAL_TEST_IDENTITIES). Every ID number sent carries a valid GB 11643 check character: a
 * national system may refuse any other with 2001 before it looks at the presets (the simulator does).
 */
export const CASES: Readonly<Record<string, { title: string; run: (c: CaseContext) => Promise<CaseOutcome> }>> = {
  '01': { title: '实名认证 — 认证成功 (check → verified)', run: (c) => expectStatus(clientFor(c).check(OFFICIAL_TEST_IDENTITIES.verified[0]!), 'verified') },
  '02': { title: '实名认证 — 认证中 (check → in progress)', run: (c) => expectStatus(clientFor(c).check(OFFICIAL_TEST_IDENTITIES.inProgress[0]!), 'pending') },
  '03': { title: '实名认证 — 认证失败 (check → failed)', run: (c) => expectStatus(clientFor(c).check(OFFICIAL_TEST_IDENTITIES.failed[0]!), 'failed') },
  '04': {
    title: '实名认证结果查询 — 认证成功 (query → verified)',
    run: (c) => expectStatus(clientFor(c).query(OFFICIAL_TEST_IDENTITIES.verified[0]!.ai), 'verified'),
  },
  '05': {
    title: '实名认证结果查询 — 认证中 (query → in progress)',
    run: (c) => expectStatus(clientFor(c).query(OFFICIAL_TEST_IDENTITIES.inProgress[0]!.ai), 'pending'),
  },
  '06': {
    title: '实名认证结果查询 — 认证失败 (query → failed)',
    run: (c) => expectStatus(clientFor(c).query(OFFICIAL_TEST_IDENTITIES.failed[0]!.ai), 'failed'),
  },
  '07': {
    title: '游戏用户行为数据上报 — 游客 (loginout ct=2 with di)',
    run: (c) => reportLogin(c, { ct: CALLER_TYPE.guest, di: 'testcase-device-0000000000000001' }),
  },
  '08': {
    title: '游戏用户行为数据上报 — 已认证用户 (loginout ct=0 with pi)',
    run: (c) => reportLogin(c, { ct: CALLER_TYPE.verified, pi: OFFICIAL_TEST_PIS[0]! }),
  },
};

/** Runs one case; every failure, including an unreachable system, is a FAIL with its errcode. */
export async function runCase(id: string, c: CaseContext): Promise<CaseOutcome> {
  const testCase = CASES[id];
  if (!testCase) throw new Error(`unknown case ${id}: use 01–08`);
  try {
    return await testCase.run(c);
  } catch (error) {
    if (error instanceof NppaRejected) return { pass: false, response: { error: error.name, errcode: error.errcode, errmsg: error.errmsg } };
    if (error instanceof NppaUnavailable && error.errcode === null) return { pass: false, response: { error: error.name, errcode: null }, unreachable: true };
    if (error instanceof NppaConfigurationError || error instanceof NppaUnavailable)
      return { pass: false, response: { error: error.name, errcode: error.errcode } };
    throw error;
  }
}

/** What to check when the national system refuses our configuration (the errcodes of shared/nppa/protocol.ts). */
const CONFIGURATION_HINTS: Readonly<Record<number, string>> = {
  1002: 'the address does not exist: check NPPA_TEST_BASE_URL and the test code',
  1005: "this machine's IP address is not whitelisted for the test system: add it on the NPPA portal",
  1008: 'the caller is unknown: check NPPA_APP_ID',
  1009: 'the caller is not enabled: enable it on the NPPA portal',
  1010: 'the caller may not use this interface: check the permissions on the NPPA portal',
  1011: 'the caller could not be verified: check NPPA_BIZ_ID (and NPPA_APP_ID)',
  1012: 'the signature or body could not be verified: check NPPA_SECRET_KEY',
};

const isHttpUrl = (value: string): boolean => {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

/** The command: returns the exit code, writes its lines to `out`/`err`. */
export async function runCommand(
  args: string[],
  env: NodeJS.ProcessEnv,
  now: () => number,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  let values: { case?: string; code?: string };
  try {
    ({ values } = parseArgs({ args, options: { case: { type: 'string' }, code: { type: 'string' } } }));
  } catch {
    values = {};
  }
  const missing = ['NPPA_APP_ID', 'NPPA_BIZ_ID', 'NPPA_SECRET_KEY'].filter((v) => !env[v]);
  const id = values.case?.padStart(2, '0');
  if (!id || !CASES[id] || !values.code || missing.length) {
    err(`usage: npm run nppa:testcases -- --case 01…08 --code <测试码>${missing.length ? `   (set ${missing.join(', ')})` : ''}`);
    return 2;
  }
  // Each mistake is one line saying what is wrong and what to do (never the key itself).
  if (!/^[0-9a-fA-F]{32}$/.test(env.NPPA_SECRET_KEY!)) {
    err('nppa:testcases: NPPA_SECRET_KEY is not a secret key: set it to the 32 hexadecimal characters of the secretKey from the NPPA portal');
    return 2;
  }
  const baseUrl = env.NPPA_TEST_BASE_URL || DEFAULT_TEST_BASE_URL;
  if (!isHttpUrl(baseUrl)) {
    err(
      `nppa:testcases: NPPA_TEST_BASE_URL is not an http(s) address: unset it for the official test system ` +
        `(${DEFAULT_TEST_BASE_URL}) or give the test system's address`,
    );
    return 2;
  }
  const outcome = await runCase(id, { baseUrl, code: values.code, appId: env.NPPA_APP_ID!, bizId: env.NPPA_BIZ_ID!, secretKey: env.NPPA_SECRET_KEY!, now });
  if (outcome.unreachable) {
    err(
      `nppa:testcases: no answer from the national test system at ${baseUrl} (unreachable, timed out or ` +
        `not speaking its protocol): check NPPA_TEST_BASE_URL and the network, then run the case again`,
    );
    return 1;
  }
  out(`${outcome.pass ? 'PASS' : 'FAIL'} case ${id} ${CASES[id]!.title}`);
  out(JSON.stringify(outcome.response));
  const errcode = (outcome.response as { error?: string; errcode?: number }).errcode;
  const hint = (outcome.response as { error?: string }).error === 'NppaConfigurationError' && errcode !== undefined ? CONFIGURATION_HINTS[errcode] : undefined;
  if (hint) err(`nppa:testcases: errcode ${errcode}: ${hint}`);
  return outcome.pass ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.exitCode = await runCommand(process.argv.slice(2), process.env, Date.now, console.log, console.error);
  } catch (error) {
    // Never a stack trace: one line, and a non-zero exit.
    console.error(`nppa:testcases: ${(error as Error).message?.split('\n')[0] ?? String(error)}`);
    process.exitCode = 1;
  }
}
