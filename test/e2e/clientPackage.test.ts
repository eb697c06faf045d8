/**
 * @playguard/client as a studio gets it: `npm pack` of packages/client, the tarball installed
 * (offline, nothing else) into a scratch project in a temporary folder that cannot reach this
 * repository's sources or node_modules, then driven by plain `node` — no tsx, no bundler:
 *
 * - evening.mjs (ES module, the Node.js that runs this suite): a minor's Friday evening against the
 *   local gateway — login at 20:50 on the virtual clock, the 5-minute warning at 20:55, terminated at
 *   21:00 with Saturday's window, the login refused until then;
 * - minigame.cjs (CommonJS, the machine's own Node.js when it is another version ≥ 18): the same
 *   package required, driven through a fake of WeChat's `wx.request` carried over real HTTP, with
 *   pause/resume, logout, and an unreachable host as a network error;
 * - game.mts and server.cts: the package's declarations type-checked as an ES module and a CommonJS
 *   consumer would (TypeScript's nodenext resolution, the DOM library, declarations checked too).
 *
 * The scripts print what they saw as JSON lines; the assertions are here. The virtual clock runs on
 * in real time, so remaining seconds are read within the few seconds a busy machine may take.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEMS } from '#shared/problem';
import { deployed, useGateway } from '#test/support/gateway';
import { person } from '#test/support/people';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const PACKAGE = join(ROOT, 'packages', 'client');
const FIXTURES = join(import.meta.dirname, 'clientPackage');

/** The machine's own Node.js when it differs from the one running the suite (Node 22 by the `node` devDependency). */
async function otherNode(): Promise<string> {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    try {
      const { stdout } = await run(candidate, ['--version']);
      const major = Number(/^v(\d+)/.exec(stdout.trim())?.[1]);
      if (major >= 18 && stdout.trim() !== process.version) return candidate;
    } catch {
      // not there
    }
  }
  return process.execPath;
}

const lines = (stdout: string): Record<string, unknown> =>
  Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { step: string; value: unknown })
      .map((l) => [l.step, l.value]),
  );

describe.skipIf(deployed)('the npm tarball in a scratch project', () => {
  const t = useGateway();
  let scratch: string;
  let tarball: { filename: string; size: number; unpackedSize: number; files: Array<{ path: string }> };

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'playguard-scratch-'));
    const packed = await run('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: PACKAGE, timeout: 60_000 });
    [tarball] = JSON.parse(packed.stdout) as [typeof tarball];
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch-game', private: true, version: '0.0.0' }));
    await run('npm', ['install', join(scratch, tarball.filename), '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock'], {
      cwd: scratch,
      timeout: 120_000,
    });
    for (const f of readdirSync(FIXTURES)) copyFileSync(join(FIXTURES, f), join(scratch, f));
  }, 180_000);
  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('holds only the built package and its documents, and installs with nothing else', () => {
    const files = tarball.files.map((f) => f.path).sort();
    expect(files.filter((f) => !f.startsWith('dist/'))).toEqual(['CHANGELOG.md', 'README.md', 'package.json']);
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/esm/index.js',
        'dist/esm/index.d.ts',
        'dist/esm/prompts.js',
        'dist/cjs/index.js',
        'dist/cjs/index.d.ts',
        'dist/cjs/package.json',
      ]),
    );
    expect(files.some((f) => f.includes('src/') || f.endsWith('.ts.map'))).toBe(false);
    // Zero dependencies: the scratch project holds the package and nothing beside it.
    expect(readdirSync(join(scratch, 'node_modules')).filter((d) => !d.startsWith('.'))).toEqual(['@playguard']);
    const installed = JSON.parse(readFileSync(join(scratch, 'node_modules/@playguard/client/package.json'), 'utf8')) as Record<string, unknown>;
    expect([installed.dependencies, installed.peerDependencies, installed.optionalDependencies]).toEqual([undefined, undefined, undefined]);
    console.log(`@playguard/client tarball: ${tarball.size} bytes packed, ${tarball.unpackedSize} unpacked, ${tarball.files.length} files`);
    expect(statSync(join(scratch, tarball.filename)).size).toBe(tarball.size);
  });

  it("plays a minor's Friday evening with plain node: 20:50 login, the 20:55 warning, 21:00 end with Saturday's window, login refused", async () => {
    const { stdout } = await run(process.execPath, ['evening.mjs'], {
      cwd: scratch,
      timeout: 60_000,
      env: { PATH: process.env.PATH, GATEWAY_URL: t.gateway.url, ACCOUNT: 'scratch-minor', ID_NUMBER: person('2013-01-10').idNumber },
    });
    const seen = lines(stdout) as Record<string, any>;
    expect(seen.submit).toEqual({
      status: 'verified',
      ageBand: 8,
      minor: true,
      guardianConsent: { required: true, given: false, policyVersion: '1', consent: 'attested' },
    });
    expect(seen.consent).toEqual({ required: true, given: true, policyVersion: '1', consent: 'attested' });
    const left = seen.started.remainingSeconds as number;
    expect(left).toBeGreaterThanOrEqual(590);
    expect(left).toBeLessThanOrEqual(600);
    // Past the 15-minute mark already: the first heartbeat lands on the 5-minute warning.
    expect({ ...seen.started, sessionId: '…' }).toEqual({
      sessionId: '…',
      gameId: 'default',
      ageRating: null,
      belowRating: false,
      ageBand: 8,
      minor: true,
      remainingSeconds: left,
      endsAt: '2026-12-04T21:00:00+08:00',
      heartbeatIntervalSeconds: left - 300,
    });
    const [[firstName, first], [, firstWarn], ...rest] = seen.events as [[string, any], [string, any], ...Array<[string, any]>];
    expect([firstName, first.action, first.seq, first.endsAt, first.nextHeartbeatSeconds]).toEqual([
      'heartbeat',
      'warn',
      1,
      '2026-12-04T21:00:00+08:00',
      first.remainingSeconds,
    ]);
    expect(first.remainingSeconds).toBeGreaterThanOrEqual(290);
    expect(first.remainingSeconds).toBeLessThanOrEqual(300);
    expect(firstWarn).toEqual(first);
    expect(rest.map(([name, e]) => [name, e.action ?? e.reason])).toEqual([
      ['heartbeat', 'terminate'],
      ['terminate', 'outside_allowed_hours'],
    ]);
    expect(seen.terminate).toEqual({
      reason: 'outside_allowed_hours',
      nextWindowStart: '2026-12-05T20:00:00+08:00',
      nextWindowEnd: '2026-12-05T21:00:00+08:00',
    });
    expect(seen.state).toEqual({ state: 'terminated', seq: 2 });
    expect(seen.relogin).toEqual({
      instance: true,
      problem: true,
      code: 'play_time_restricted',
      status: 403,
      nextWindowStart: '2026-12-05T20:00:00+08:00',
      nextWindowEnd: '2026-12-05T21:00:00+08:00',
      detail: seen.relogin.detail,
    });
    expect(typeof seen.relogin.detail).toBe('string');
  }, 90_000);

  it("runs as CommonJS on the machine's other Node.js, through a fake of wx.request", async () => {
    const node = await otherNode();
    const { stdout } = await run(node, ['minigame.cjs'], {
      cwd: scratch,
      timeout: 60_000,
      env: { PATH: process.env.PATH, GATEWAY_URL: t.gateway.url, ACCOUNT: 'scratch-wx-minor', ID_NUMBER: person('2012-06-01').idNumber },
    });
    const seen = lines(stdout) as Record<string, any>;
    expect(seen.submit).toEqual({
      status: 'verified',
      ageBand: 8,
      minor: true,
      guardianConsent: { required: false, given: false, policyVersion: '1', consent: 'attested' },
    });
    expect(seen.started.minor).toBe(true);
    expect(seen.started.heartbeatIntervalSeconds).toBe(seen.started.remainingSeconds - 300);
    expect([seen.warn.action, seen.warn.seq, seen.warn.endsAt]).toEqual(['warn', 1, '2026-12-04T21:00:00+08:00']);
    expect(seen.ended).toBe('ended');
    expect(seen.unreachable).toEqual({ network: true, kind: 'network', problem: false });
    expect(seen.calls).toEqual([
      { method: 'POST', dataType: 'text', responseType: 'text' },
      { method: 'POST', dataType: 'text', responseType: 'text' },
      { method: 'POST', dataType: 'text', responseType: 'text' },
      { method: 'DELETE', dataType: 'text', responseType: 'text' },
      { method: 'GET', dataType: 'text', responseType: 'text' },
    ]);
    expect(PROBLEMS.play_time_restricted.status).toBe(403);
  }, 90_000);

  it('type-checks as an ES module and as a CommonJS consumer (nodenext), its declarations with it', async () => {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const compilerOptions = {
      noEmit: true,
      strict: true,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'es2022',
      lib: ['es2022', 'dom'],
      types: [],
      skipLibCheck: false,
    };
    writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['game.mts', 'server.cts'] }));
    const result = await run(process.execPath, [tsc, '-p', scratch], { cwd: scratch, timeout: 120_000 }).catch((e: { stdout: string }) => e);
    expect(result.stdout).toBe('');
  }, 120_000);
});
