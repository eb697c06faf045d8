/**
 * `npm run nppa:testcases -- --case 01 --code <测试码>`: sends the official preset request of one
 * NPPA test case to the official test system (NPPA.md "The official test system") with the
 * credentials in NPPA_APP_ID / NPPA_BIZ_ID / NPPA_SECRET_KEY, and prints PASS or FAIL with the
 * response. NPPA_TEST_BASE_URL overrides the test system's address (the tests point it at the simulator).
 */
import { parseArgs } from 'node:util';
import { NppaClient, NppaRejected, type CheckResult } from '#shared/nppa/client';
import { OFFICIAL_TEST_PIS } from '#shared/nppa/simulator';

export interface CaseContext {
  baseUrl: string;
  code: string;
  appId: string;
  bizId: string;
  secretKey: string;
  now: () => number;
}

type Outcome = { pass: boolean; response: unknown };

const client = (c: CaseContext) =>
  new NppaClient({
    checkUrl: `${c.baseUrl}/test/authentication/check/${c.code}`,
    queryUrl: `${c.baseUrl}/test/authentication/query/${c.code}`,
    loginoutUrl: `${c.baseUrl}/test/collection/loginout/${c.code}`,
    appId: c.appId,
    bizId: c.bizId,
    secretKeys: [c.secretKey],
    now: c.now,
  });

const expectStatus = async (call: () => Promise<CheckResult>, status: CheckResult['status']): Promise<Outcome> => {
  const response = await call();
  return { pass: response.status === status, response };
};

const loginout = async (c: CaseContext, item: { ct: 0 | 2; pi?: string; di?: string }): Promise<Outcome> => {
  const nowS = Math.floor(c.now() / 1000);
  const response = await client(c).loginout([{ no: 1, si: 'testcase-session-0001', bt: 1, ot: nowS - 10, ...item }]);
  return { pass: response.failed.length === 0, response };
};

/** The eight official cases, each with the official preset data (NPPA.md). */
export const CASES: Record<string, { title: string; run: (c: CaseContext) => Promise<Outcome> }> = {
  '01': { title: '实名认证 — 认证成功 (check → verified)', run: (c) => expectStatus(() => client(c).check({ ai: '100000000000000001', name: '某一一', idNum: '110000190101010001' }), 'verified') },
  '02': { title: '实名认证 — 认证中 (check → in progress)', run: (c) => expectStatus(() => client(c).check({ ai: '200000000000000001', name: '某二一', idNum: '110000190201010009' }), 'pending') },
  '03': { title: '实名认证 — 认证失败 (check → failed)', run: (c) => expectStatus(() => client(c).check({ ai: '300000000000000001', name: '某三一', idNum: '110000190301010001' }), 'failed') },
  '04': { title: '实名认证结果查询 — 认证成功 (query → verified)', run: (c) => expectStatus(() => client(c).query('100000000000000001'), 'verified') },
  '05': { title: '实名认证结果查询 — 认证中 (query → in progress)', run: (c) => expectStatus(() => client(c).query('200000000000000001'), 'pending') },
  '06': { title: '实名认证结果查询 — 认证失败 (query → failed)', run: (c) => expectStatus(() => client(c).query('300000000000000001'), 'failed') },
  '07': { title: '游戏用户行为数据上报 — 游客 (loginout ct=2 with di)', run: (c) => loginout(c, { ct: 2, di: 'testcase-device-0000000000000001' }) },
  '08': { title: '游戏用户行为数据上报 — 已认证用户 (loginout ct=0 with pi)', run: (c) => loginout(c, { ct: 0, pi: OFFICIAL_TEST_PIS[0]! }) },
};

export async function runCase(id: string, c: CaseContext): Promise<Outcome> {
  const testCase = CASES[id];
  if (!testCase) throw new Error(`unknown case ${id}: use 01–08`);
  try {
    return await testCase.run(c);
  } catch (error) {
    const e = error as Error & { errcode?: number };
    return { pass: false, response: { error: e.name, errcode: e.errcode ?? null, message: error instanceof NppaRejected ? e.message : e.message } };
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { case: { type: 'string' }, code: { type: 'string' } } });
  const missing = ['NPPA_APP_ID', 'NPPA_BIZ_ID', 'NPPA_SECRET_KEY'].filter((v) => !process.env[v]);
  if (!values.case || !values.code || missing.length) {
    console.error(`usage: npm run nppa:testcases -- --case 01 --code <测试码>   (needs ${missing.join(', ') || 'NPPA_* variables'})`);
    process.exit(2);
  }
  const id = values.case.padStart(2, '0');
  const outcome = await runCase(id, {
    baseUrl: process.env.NPPA_TEST_BASE_URL ?? 'https://wlc.nppa.gov.cn',
    code: values.code,
    appId: process.env.NPPA_APP_ID!,
    bizId: process.env.NPPA_BIZ_ID!,
    secretKey: process.env.NPPA_SECRET_KEY!,
    now: Date.now,
  });
  console.log(`${outcome.pass ? 'PASS' : 'FAIL'} case ${id} ${CASES[id]?.title ?? ''}\n${JSON.stringify(outcome.response)}`);
  process.exit(outcome.pass ? 0 : 1);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
