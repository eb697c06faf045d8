/**
 * `npm run nppa:testcases -- --case 01 --code <测试码>`: sends the official preset request of one
 * NPPA test case to the official test system (NPPA.md "The official test system") with the
 * credentials in NPPA_APP_ID / NPPA_BIZ_ID / NPPA_SECRET_KEY, and prints PASS or FAIL with the
 * response; exit code 0 on PASS, 1 on FAIL, 2 on a usage error. NPPA_TEST_BASE_URL overrides the
 * test system's address (the tests point it at the simulator). Each case has its own test code
 * from the portal, so one case runs per invocation. The requests carry only the official preset
 * (fictitious) identities.
 */
import { parseArgs } from 'node:util';
import { NppaClient, NppaConfigurationError, NppaRejected, NppaUnavailable } from '#shared/nppa/client';
import { BEHAVIOUR, CALLER_TYPE, type CheckResult, type LoginoutItem } from '#shared/nppa/protocol';
import { OFFICIAL_TEST_PIS } from '#shared/nppa/simulator';

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

/** The eight official cases, each with the official preset data (NPPA.md). */
export const CASES: Readonly<Record<string, { title: string; run: (c: CaseContext) => Promise<CaseOutcome> }>> = {
  '01': { title: '实名认证 — 认证成功 (check → verified)', run: (c) => expectStatus(clientFor(c).check({ ai: '100000000000000001', name: '某一一', idNum: '110000190101010001' }), 'verified') },
  '02': { title: '实名认证 — 认证中 (check → in progress)', run: (c) => expectStatus(clientFor(c).check({ ai: '200000000000000001', name: '某二一', idNum: '110000190201010009' }), 'pending') },
  '03': { title: '实名认证 — 认证失败 (check → failed)', run: (c) => expectStatus(clientFor(c).check({ ai: '300000000000000001', name: '某三一', idNum: '110000190301010006' }), 'failed') },
  '04': { title: '实名认证结果查询 — 认证成功 (query → verified)', run: (c) => expectStatus(clientFor(c).query('100000000000000001'), 'verified') },
  '05': { title: '实名认证结果查询 — 认证中 (query → in progress)', run: (c) => expectStatus(clientFor(c).query('200000000000000001'), 'pending') },
  '06': { title: '实名认证结果查询 — 认证失败 (query → failed)', run: (c) => expectStatus(clientFor(c).query('300000000000000001'), 'failed') },
  '07': { title: '游戏用户行为数据上报 — 游客 (loginout ct=2 with di)', run: (c) => reportLogin(c, { ct: CALLER_TYPE.guest, di: 'testcase-device-0000000000000001' }) },
  '08': { title: '游戏用户行为数据上报 — 已认证用户 (loginout ct=0 with pi)', run: (c) => reportLogin(c, { ct: CALLER_TYPE.verified, pi: OFFICIAL_TEST_PIS[0]! }) },
};

/** Runs one case; every failure, including an unreachable system, is a FAIL with its errcode. */
export async function runCase(id: string, c: CaseContext): Promise<CaseOutcome> {
  const testCase = CASES[id];
  if (!testCase) throw new Error(`unknown case ${id}: use 01–08`);
  try {
    return await testCase.run(c);
  } catch (error) {
    if (error instanceof NppaRejected) return { pass: false, response: { error: error.name, errcode: error.errcode, errmsg: error.errmsg } };
    if (error instanceof NppaConfigurationError || error instanceof NppaUnavailable) return { pass: false, response: { error: error.name, errcode: error.errcode } };
    throw error;
  }
}

/** The command: returns the exit code, writes its lines to `out`/`err`. */
export async function runCommand(args: string[], env: NodeJS.ProcessEnv, now: () => number, out: (line: string) => void, err: (line: string) => void): Promise<number> {
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
  const outcome = await runCase(id, {
    baseUrl: env.NPPA_TEST_BASE_URL || DEFAULT_TEST_BASE_URL,
    code: values.code,
    appId: env.NPPA_APP_ID!,
    bizId: env.NPPA_BIZ_ID!,
    secretKey: env.NPPA_SECRET_KEY!,
    now,
  });
  out(`${outcome.pass ? 'PASS' : 'FAIL'} case ${id} ${CASES[id]!.title}`);
  out(JSON.stringify(outcome.response));
  return outcome.pass ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runCommand(process.argv.slice(2), process.env, Date.now, console.log, console.error);
}
