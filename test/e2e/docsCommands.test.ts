/**
 * Every command in README.md, docs/*.md and the packages' READMEs runs as printed (issue 26): each
 * ```sh / ```bash block is either run — the blocks of a page in order, in one bash session with
 * `set -euo pipefail`, against a fresh local gateway — or listed in NOT_RUN below with the reason it
 * cannot run here (it needs AWS, the national system, a server that runs until stopped, …). A block
 * neither run nor listed cannot exist: whatever is not listed runs. A curl line in running text, or a
 * command in a block not marked `sh`, fails here too, so a new command cannot escape the test.
 *
 * The pages define what they use: `BASE=http://127.0.0.1:${PORT:-3000}` (where `npm start`
 * listens; the test sets PORT to its gateway's port), tokens from `POST /__dev/tokens`, the virtual
 * clock set in the text where a minor plays. The shell gets only PATH, HOME (a scratch folder, also
 * the working directory) and PORT from here.
 *
 * The README's integration snippet (between `<!-- integration:start -->` and `<!-- integration:end -->`)
 * is run too, with plain `node` against the local gateway, and type-checked against the client's
 * declarations: the names it leaves to the game (`baseUrl`, `playerToken`, `stopGame`, …) are given
 * by the preludes below.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { client, deployed, startTestGateway } from '#test/support/gateway';
import { outputMatching } from '#test/support/events';
import { HEAVY_TEST_MS } from '#test/support/timeouts';
import type { LocalGateway } from '#infra/local/gateway';

const ROOT = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
  ...readdirSync(join(ROOT, 'packages'))
    .map((p) => `packages/${p}/README.md`)
    .filter((f) => {
      try {
        readFileSync(join(ROOT, f));
        return true;
      } catch {
        return false;
      }
    }),
];

/**
 * The shell blocks that are not run, each named by its page and the start of its first line, with
 * the reason. Keep it small: a command that can run against the local gateway belongs in a run block.
 */
const NOT_RUN: Array<{ page: string; starts: string; why: string }> = [
  { page: 'README.md', starts: 'npm ci && npm start', why: 'installs, then starts a server that runs until stopped; npm test is what runs this test' },
  {
    page: 'docs/testing.md',
    starts: 'timeout 3000 sh -c',
    why: 'keeps both cores busy beside a whole suite for up to 50 minutes: the check of the busy-machine rules, run by hand',
  },
  { page: 'docs/testing.md', starts: 'npm test                #', why: 'the whole suite, of which this test is a part' },
  { page: 'docs/local.md', starts: 'npm start', why: 'a server that runs until stopped (this test starts the same gateway in-process)' },
  {
    page: 'docs/deploy.md',
    starts: 'PORT=3001 npm start',
    why: 'a server, then the end-to-end suite against it: test/e2e/localRunner.test.ts runs exactly this token command',
  },
  {
    page: 'docs/deploy.md',
    starts: 'npx cdk deploy \\',
    why: 'needs an AWS account (test/infra/deployGuide.test.ts synthesizes the same context from docs/deploy-china.md)',
  },
  { page: 'docs/deploy.md', starts: 'npx cdk deploy -c playguard:publisherKeys', why: 'needs an AWS account' },
  { page: 'docs/deploy.md', starts: '# once per account and region', why: 'needs an AWS account in the China regions' },
  { page: 'docs/deploy.md', starts: 'PLAYGUARD_URL=https://<api-id>', why: "needs a deployed stage and the studio's token service" },
  { page: 'docs/deploy.md', starts: 'GAMES=', why: 'ends in cdk deploy: needs an AWS account' },
  {
    page: 'docs/operate.md',
    starts: 'npm run calendar:check -- --file 2027.json',
    why: "needs the State Council's schedule for the year, which the studio writes into 2027.json",
  },
  { page: 'docs/capacity.md', starts: 'npm run load', why: 'about 6 minutes of both cores; npm test runs a 24-player evening (test/load/load.test.ts)' },
  { page: 'docs/nppa.md', starts: 'NPPA_APP_ID=… ', why: "sends an official test case to the national system's test service with the studio's credentials" },
  {
    page: 'docs/publisher-keys.md',
    starts: 'npm run keys -- new            #',
    why: 'writes a private key into the checkout; test/unit/keysCommand.test.ts runs the command in a scratch folder',
  },
  { page: 'docs/publisher-keys.md', starts: 'npx cdk deploy -c playguard:publisherKeys', why: 'needs an AWS account' },
  {
    page: 'docs/publisher-keys.md',
    starts: 'npm run keys -- new --dir .local/keys',
    why: 'starts a server that runs until stopped; test/e2e/publisherKeys.test.ts runs the same keys and program',
  },
  {
    page: 'docs/publisher-keys.md',
    starts: "PLAYGUARD_TOKEN_COMMAND='npm run -s keys",
    why: "a setting for the end-to-end suite against a deployed stage (<kid> is the studio's key)",
  },
  { page: 'docs/deploy-china.md', starts: 'npm ci', why: 'bootstraps an AWS account in the China regions' },
  { page: 'docs/deploy-china.md', starts: 'curl -sf https://accounts.<your-domain>', why: "asks the studio's own OpenID provider" },
  { page: 'docs/deploy-china.md', starts: 'AWS_PROFILE=<china-profile> AWS_REGION=cn-north-1 aws acm', why: 'needs an AWS account in the China regions' },
  {
    page: 'docs/deploy-china.md',
    starts: 'AWS_PROFILE=<china-profile> AWS_REGION=cn-north-1 npx cdk deploy',
    why: 'needs an AWS account (test/infra/deployGuide.test.ts synthesizes it)',
  },
  {
    page: 'docs/deploy-china.md',
    starts: 'AWS_PROFILE=<china-profile> AWS_REGION=cn-northwest-1 npx cdk deploy',
    why: 'needs an AWS account (test/infra/deployGuide.test.ts synthesizes it)',
  },
  { page: 'docs/deploy-china.md', starts: 'export AWS_PROFILE=<china-profile>', why: "needs the deployed stack's secret and the NPPA credentials" },
  { page: 'docs/deploy-china.md', starts: 'NPPA_APP_ID=<nppa-app-id>', why: "sends an official test case to the national system's test service" },
  { page: 'docs/deploy-china.md', starts: 'AWS_PROFILE=<global-profile>', why: 'needs an AWS account (test/infra/deployGuide.test.ts synthesizes it)' },
  {
    page: 'packages/client/README.md',
    starts: 'npm install @playguard/client',
    why: "installs into a game's project; test/e2e/clientPackage.test.ts installs the packed tarball into a scratch project",
  },
];

interface Block {
  page: string;
  /** The line of the block's first command in its page (1-based). */
  line: number;
  lang: string;
  text: string;
}

const SHELL = new Set(['sh', 'bash', 'shell']);

function blocks(page: string, markdown: string): Block[] {
  const out: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    out.push({ page, line: start + 1, lang: open[1]!, text: lines.slice(start, end).join('\n') });
    i = end;
  }
  return out;
}

/** Markdown outside fenced blocks. */
const prose = (markdown: string): string => markdown.replace(/^```[\s\S]*?^```\s*$/gm, '');

const read = (page: string) => readFileSync(join(ROOT, page), 'utf8');
const all = PAGES.flatMap((page) => blocks(page, read(page)));
const shellBlocks = all.filter((b) => SHELL.has(b.lang));
const listed = (b: Block) => NOT_RUN.find((n) => n.page === b.page && b.text.startsWith(n.starts));
const runBlocks = shellBlocks.filter((b) => !listed(b));
const runPages = [...new Set(runBlocks.map((b) => b.page))];

describe('the commands of README.md and docs/', () => {
  it('are all in sh blocks: no curl in running text, no command in a block of another kind', () => {
    const inline = PAGES.flatMap((page) => [...prose(read(page)).matchAll(/`(curl [^`]*)`/g)].map((m) => `${page}: ${m[1]}`));
    expect(inline, 'a curl line in running text is not run: put it in a sh block of a walkthrough').toEqual([]);
    const COMMAND = /^\s*(?:curl|npm|npx|export|[A-Z][A-Z0-9_]*=\S)/m;
    const untagged = all.filter((b) => !SHELL.has(b.lang) && !['json', 'js', 'csharp', 'go', 'java', 'mermaid', 'ts'].includes(b.lang) && COMMAND.test(b.text));
    expect(
      untagged.map((b) => `${b.page}:${b.line}`),
      'a block of commands must be marked sh',
    ).toEqual([]);
  });

  it('every block not run is listed once, with a reason, and every entry of the list names a block', () => {
    for (const n of NOT_RUN) {
      const matches = shellBlocks.filter((b) => b.page === n.page && b.text.startsWith(n.starts));
      expect(matches.length, `NOT_RUN entry ${n.page} "${n.starts}" should name exactly one block`).toBe(1);
      expect(n.why.length).toBeGreaterThan(10);
    }
    // A scan that found nothing would pass everything below.
    expect(shellBlocks.length).toBeGreaterThan(NOT_RUN.length);
    expect(runPages).toEqual(expect.arrayContaining(['README.md', 'docs/guardians.md', 'docs/local.md', 'docs/operate.md', 'docs/privacy.md']));
  });

  it('use no jq but on a page that says to install it', () => {
    const offenders = shellBlocks
      .filter((b) => /(^|[|\s(])jq\b/.test(b.text) && !/apt-get install[^\n]*\bjq\b|install `?jq/.test(read(b.page)))
      .map((b) => `${b.page}:${b.line}`);
    expect(offenders).toEqual([]);
  });

  describe.skipIf(deployed).each(runPages)('%s', (page) => {
    // A fresh gateway per page, as a reader's `npm start` is: a process of its own (its settings,
    // clients and virtual clock are per process), on a new table of the run's DynamoDB Local.
    let gateway: { url: string; stop: () => Promise<void> };
    beforeAll(async () => {
      gateway = await startGatewayProcess();
    }, HEAVY_TEST_MS);
    afterAll(async () => gateway?.stop());

    it(
      'runs its blocks in order, in one shell, every command succeeding',
      async () => {
        const mine = runBlocks.filter((b) => b.page === page);
        // Each script line remembers the page line it came from, to name the failing command.
        const where: string[] = [];
        const script: string[] = [];
        const add = (text: string, at: string) => {
          for (const l of text.split('\n')) {
            script.push(l);
            where.push(at);
          }
        };
        add('set -euo pipefail', 'prelude');
        add(`trap 'echo "failed (exit $?) at script line $LINENO: $BASH_COMMAND" >&2' ERR`, 'prelude');
        for (const b of mine) b.text.split('\n').forEach((l, i) => add(l, `${page}:${b.line + i}`));
        const home = mkdtempSync(join(tmpdir(), 'pg-docs-'));
        const file = join(home, 'walkthrough.sh');
        writeFileSync(file, `${script.join('\n')}\n`);
        const result = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
          const child = spawn('bash', [file], {
            cwd: home,
            env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, PORT: String(new URL(gateway.url).port), LANG: 'C.UTF-8' },
          });
          let out = '';
          let err = '';
          child.stdout.on('data', (d: Buffer) => (out += d.toString()));
          child.stderr.on('data', (d: Buffer) => (err += d.toString()));
          child.on('close', (code) => resolve({ code, out, err }));
        });
        const line = Number(/at script line (\d+)/.exec(result.err)?.[1]);
        const failedAt = Number.isFinite(line) ? where[line - 1] : 'unknown';
        expect(result.code, `${page}: a command failed at ${failedAt}\n--- stderr\n${result.err}\n--- stdout\n${result.out.slice(-4000)}`).toBe(0);
        // curl -fsS is quiet on success: whatever went to stderr is a failure the shell did not stop at.
        expect(result.err).toBe('');
      },
      HEAVY_TEST_MS,
    );
  });
});

/** test/support/gatewayProcess.ts: a local gateway in a child process; resolves once it listens. */
async function startGatewayProcess(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'test', 'support', 'gatewayProcess.ts')], {
    cwd: ROOT,
    env: { ...process.env, DYNAMO_ENDPOINT: inject('dynamoEndpoint'), TABLE_NAME: `t-${randomUUID()}` },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let seen = '';
  child.stdout!.on('data', (d: Buffer) => (seen += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (seen += d.toString()));
  const url = /listening on (http:\/\/\S+)/.exec(await outputMatching(child, /listening on http:\/\/\S+\n/, () => seen))![1]!;
  const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
  return { url, stop: async () => (child.stdin!.end(), exited) };
}

/** The README's integration snippet, the names it leaves to the game defined. */
const SNIPPET = (() => {
  const m = /<!-- integration:start -->\s*```js\n([\s\S]*?)```\s*<!-- integration:end -->/.exec(read('README.md'));
  if (!m) throw new Error('README.md: the integration snippet (between the integration markers) is missing');
  return m[1]!;
})();

const RUN_PRELUDE = `const { BASE: baseUrl, PLAYER_TOKEN: playerToken, SERVER_TOKEN: serverToken, ACCOUNT_ID: accountId, ORDER_ID: orderId } = process.env;
const deviceId = 'phone-1';
const showTimeLeft = (seconds) => console.log(JSON.stringify({ timeLeft: seconds }));
const stopGame = (reason, nextWindowStart) => console.log(JSON.stringify({ stopped: reason, nextWindowStart }));
`;

const TYPE_PRELUDE = `declare const baseUrl: string, playerToken: string, serverToken: string, accountId: string, orderId: string, deviceId: string;
declare function showTimeLeft(seconds: number | null): void;
declare function stopGame(reason: string, nextWindowStart: string | null): void;
export {};
`;

describe.skipIf(deployed)("the README's integration snippet", () => {
  let gateway: LocalGateway;
  let scratch: string;
  beforeAll(async () => {
    gateway = await startTestGateway();
    scratch = mkdtempSync(join(tmpdir(), 'pg-readme-'));
    // The package as the game's project has it (the workspace's build: npm ci and npm test build it).
    mkdirSync(join(scratch, 'node_modules', '@playguard'), { recursive: true });
    symlinkSync(join(ROOT, 'packages', 'client'), join(scratch, 'node_modules', '@playguard', 'client'));
  }, HEAVY_TEST_MS);
  afterAll(async () => gateway?.stop());

  it('is about fifteen lines: login, time left, terminate, logout; reserve and commit', () => {
    const lines = SNIPPET.trim()
      .split('\n')
      .filter((l) => l.trim() && !l.trim().startsWith('//'));
    expect(lines.length).toBeLessThanOrEqual(15);
    for (const call of ['startSession(', 'remainingSeconds', "on('terminate'", 'session.end()', 'payments.reserve(', 'payments.commit('])
      expect(SNIPPET).toContain(call);
  });

  it(
    "runs with node: a minor's Friday at 20:30 has 30 minutes left, logs out, and a game server's payment is committed",
    async () => {
      const api = client(gateway.url);
      const player = await api.token('readme-kid');
      // Born 2011-05-05: 15 on the day, so no guardian's consent is asked (under 14 it is).
      expect((await api.call('POST', '/v1/identity', { token: player, body: { name: '王小明', idNumber: '110101201105050011' } })).status).toBe(200);
      // A check the gateway deferred (over the national system's pace on a busy machine) is finished by the poller.
      await api.tick();
      expect((await api.call('GET', '/v1/identity', { token: player })).body).toMatchObject({ status: 'verified', minor: true });
      // A minor plays only Fri/Sat/Sun and holidays 20:00–21:00 Beijing time: a Friday, held still.
      await api.setClock('2026-12-04T20:30:00+08:00');
      const orderId = 'readme-order-1';
      writeFileSync(join(scratch, 'game.mjs'), RUN_PRELUDE + SNIPPET);
      const env = {
        PATH: process.env.PATH ?? '',
        BASE: gateway.url,
        PLAYER_TOKEN: player,
        SERVER_TOKEN: await api.token('game-server', 'server'),
        ACCOUNT_ID: 'readme-kid',
        ORDER_ID: orderId,
      };
      const { stdout } = await run(process.execPath, [join(scratch, 'game.mjs')], { cwd: scratch, env, timeout: HEAVY_TEST_MS });
      expect(stdout).toContain('minutes left: 30');
      const data = (await api.call('GET', '/v1/me/data', { token: player })).body as {
        sessions: Array<{ state: string; endReason: string | null }>;
        payments: Array<{ orderId: string; amount: number; status: string }>;
      };
      expect(data.sessions).toEqual([expect.objectContaining({ state: 'ended', endReason: 'logout' })]);
      expect(data.payments).toEqual([expect.objectContaining({ orderId, amount: 600, status: 'committed' })]);
    },
    HEAVY_TEST_MS,
  );

  it(
    "type-checks against the client's declarations (strict, nodenext)",
    async () => {
      writeFileSync(join(scratch, 'game.mts'), TYPE_PRELUDE + SNIPPET);
      const compilerOptions = {
        noEmit: true,
        strict: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        lib: ['es2022', 'dom'],
        types: [],
      };
      writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['game.mts'] }));
      const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      const result = await run(process.execPath, [tsc, '-p', scratch], { cwd: scratch, timeout: HEAVY_TEST_MS }).catch((e: { stdout: string }) => e);
      expect(result.stdout).toBe('');
    },
    HEAVY_TEST_MS,
  );
});
