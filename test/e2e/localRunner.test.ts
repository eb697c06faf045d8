/**
 * `npm start` as a developer runs it: one runner on a free port serves
 * (1) the end-to-end suite in deployed mode (`PLAYGUARD_URL` + `PLAYGUARD_TOKEN_COMMAND`, tokens
 *     from its /__dev/tokens): local-only tests skip themselves, the others pass; and
 * (2) a SIGTERM sent to the npm process alone: npm, the shell, tsx, the gateway and DynamoDB
 *     Local's Java all exit (npm passes SIGTERM only to the `sh -c` that runs the script).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#infra/local/ports';
import { deployed } from '#test/support/gateway';
import { outputMatching, until } from '#test/support/events';
import { HEAVY_TEST_MS } from '#test/support/timeouts';

interface Proc {
  pid: number;
  ppid: number;
  args: string;
}
function processes(): Proc[] {
  return execFileSync('ps', ['-A', '-ww', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3]! }));
}
function descendants(root: number, all = processes()): Proc[] {
  const found: Proc[] = [];
  const queue = [root];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const p of all) if (p.ppid === parent && !found.includes(p)) found.push(p), queue.push(p.pid);
  }
  return found;
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

let runner: ChildProcess;
let port: number;
let dynamoPort: number;
let output = '';
const closed = () => new Promise<void>((r) => (runner.exitCode !== null || runner.signalCode !== null ? r() : runner.once('close', () => r())));
/** DynamoDB Local started by this runner (its shell guard and Java carry the unique port). */
const dynamoProcesses = () => processes().filter((p) => p.args.includes(`-port ${dynamoPort} `) && p.args.includes('DynamoDBLocal'));

describe.skipIf(deployed)('npm start', () => {
  beforeAll(async () => {
    port = await freePort();
    // Its own process group, like a shell job: only the signals this test sends reach it.
    runner = spawn('npm', ['start'], { env: { ...process.env, PORT: String(port) }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    runner.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    runner.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    // Its own lines say when it is up: it listens, and names DynamoDB Local's address.
    await outputMatching(
      runner,
      new RegExp(`^(?=[\\s\\S]*listening on http://127\\.0\\.0\\.1:${port}\\n)(?=[\\s\\S]*DynamoDB Local at http://127\\.0\\.0\\.1:\\d+)`),
      () => output,
    );
    dynamoPort = Number(/DynamoDB Local at http:\/\/127\.0\.0\.1:(\d+)/.exec(output)![1]);
  });

  afterAll(() => {
    // Whatever a failed test left behind.
    for (const p of [...descendants(runner.pid!), ...dynamoProcesses()]) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    try {
      process.kill(-runner.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  });

  it('answers /health with 200', async () => {
    const r = await fetch(`http://127.0.0.1:${port}/health`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ok' });
  });

  it(
    'runs the end-to-end suite in deployed mode: local-only tests skipped, the others passing',
    async () => {
      const report = join(mkdtempSync(join(tmpdir(), 'deployed-')), 'report.json');
      const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
      env.PLAYGUARD_URL = `http://127.0.0.1:${port}`;
      // docs/deploy.md's token command for the local runner.
      env.PLAYGUARD_TOKEN_COMMAND = `curl -sf -X POST "$PLAYGUARD_URL/__dev/tokens" -H 'content-type: application/json' -d "{\\"sub\\":\\"$PLAYGUARD_SUB\\",\\"scope\\":\\"$PLAYGUARD_SCOPE\\"}" | sed 's/.*"token":"\\([^"]*\\)".*/\\1/'`;
      const files = ['test/e2e/foundation.test.ts', 'test/e2e/security.test.ts', 'test/e2e/identity.test.ts'];
      const child = spawn('node_modules/.bin/vitest', ['run', ...files, '--reporter=json', `--outputFile=${report}`], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let log = '';
      child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
      const code = await new Promise<number | null>((r) => child.once('close', r));
      expect(code, log.slice(-3000)).toBe(0);

      const results = (
        JSON.parse(readFileSync(report, 'utf8')) as { testResults: Array<{ name: string; assertionResults: Array<{ fullName: string; status: string }> }> }
      ).testResults;
      const status = new Map<string, string>(
        results.flatMap((f) => f.assertionResults.map((a) => [`${f.name.replace(/^.*\/test\/e2e\//, '')} > ${a.fullName}`, a.status] as const)),
      );
      const of = (name: string) => status.get(name);
      // Local-only: the virtual clock, tick, /__dev endpoints, the development key, the in-process logs.
      expect(of('foundation.test.ts > the local gateway sets and resets the virtual clock, and runs the scheduled jobs on tick')).toBe('skipped');
      expect(of('foundation.test.ts > the local gateway issues development tokens and rejects a malformed token request')).toBe('skipped');
      expect(of('security.test.ts > tokens refuses a development-key token without exp with 401 unauthorized')).toBe('skipped');
      expect(of('identity.test.ts > POST /v1/identity accepts an in-progress check as pending and the poller later verifies it')).toBe('skipped');
      expect(of('identity.test.ts > POST /v1/identity never writes a name, ID number or PI to the logs')).toBe('skipped');
      // The rest runs against the URL.
      expect(of('foundation.test.ts > the local gateway answers /health with status ok and a request id')).toBe('passed');
      expect(of('security.test.ts > tokens signs issued tokens with RS256 and a kid, and accepts them')).toBe('passed');
      expect(of('security.test.ts > tokens refuses a token signed with HS256 with 401 unauthorized')).toBe('passed');
      expect(of("security.test.ts > one account cannot touch another account's data identity is always the caller's own")).toBe('passed');
      expect(of('identity.test.ts > POST /v1/identity verifies an adult through the national system and reads it back')).toBe('passed');
      const counts = { passed: 0, skipped: 0, failed: 0 } as Record<string, number>;
      for (const s of status.values()) counts[s] = (counts[s] ?? 0) + 1;
      console.log('deployed-mode run:', JSON.stringify(counts));
      expect(counts.failed).toBe(0);
      expect(counts.passed).toBeGreaterThanOrEqual(20);
      expect(counts.skipped).toBeGreaterThanOrEqual(20);
    },
    HEAVY_TEST_MS,
  );

  it(
    'stops npm, tsx, the gateway and DynamoDB Local on a SIGTERM to the npm process alone',
    async () => {
      const tree = descendants(runner.pid!);
      // What must go: the script's shell, tsx, the gateway's node, DynamoDB Local's guard and Java.
      expect(tree.some((p) => p.args.includes('infra/local/main.ts') && p.args.includes('tsx/dist/loader'))).toBe(true);
      expect(tree.filter((p) => p.args.includes(`-port ${dynamoPort} `))).toHaveLength(2);
      expect(dynamoProcesses()).toHaveLength(2);

      // Waited for, not timed: each process is gone (one that never goes fails at the test's timeout).
      process.kill(runner.pid!, 'SIGTERM');
      await closed();
      await until(() => !tree.some((p) => alive(p.pid)) && dynamoProcesses().length === 0);

      expect(runner.exitCode !== null || runner.signalCode !== null).toBe(true);
      expect(tree.filter((p) => alive(p.pid)).map((p) => p.args)).toEqual([]);
      expect(dynamoProcesses()).toEqual([]);
      expect(output).toMatch(/SIGTERM: stopping \(DynamoDB Local included\)\n/);
    },
    HEAVY_TEST_MS,
  );
});
