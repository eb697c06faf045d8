/**
 * `npm run audit` mistakes: each prints ONE line on stderr saying what is wrong and what to do,
 * exits non-zero, and never shows a stack trace.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { describe, expect, it } from 'vitest';
import { runAudit } from '#infra/cli/audit';
import { HEAVY_TEST_MS } from '#test/support/timeouts';

/** The command as a user runs it, with no AWS or table settings in its environment. */
async function audit(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)('node_modules/.bin/tsx', ['infra/cli/audit.ts', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}
const nonEmptyLines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe('npm run audit, as a command', () => {
  it.each([
    [
      'no endpoint and no table',
      ['--account', 'acct-1'],
      2,
      'audit: say which table to read: --endpoint http://127.0.0.1:<port> for the local gateway (npm start ' +
        'prints it), or --table NAME for a deployed table (AWS credentials and region from the environment)',
    ],
    ['no account', ['--endpoint', 'http://127.0.0.1:1'], 2, 'usage: npm run audit -- --account <id> (--endpoint URL | --table NAME) [--json]'],
    ['an unknown option', ['--account', 'a', '--acount', 'b'], 2, 'usage: npm run audit -- --account <id> (--endpoint URL | --table NAME) [--json]'],
    [
      'an endpoint that is not a URL',
      ['--account', 'a', '--endpoint', '127.0.0.1:8000'],
      2,
      'audit: --endpoint must be an http(s) address such as http://127.0.0.1:8000 (npm start prints it), not "127.0.0.1:8000"',
    ],
    [
      'an unreachable endpoint',
      ['--account', 'a', '--endpoint', 'http://127.0.0.1:1'],
      1,
      'audit: cannot reach DynamoDB at http://127.0.0.1:1 (ECONNREFUSED): check --endpoint (npm start prints it) or your network',
    ],
  ])(
    '%s: one line, no stack trace, the exit code given',
    async (_name, args, exitCode, line) => {
      const r = await audit(args as string[]);
      expect(r.code).toBe(exitCode);
      expect(nonEmptyLines(r.stderr)).toEqual([line]);
      expect(r.stderr).not.toContain('    at ');
      expect(r.stdout).toBe('');
    },
    HEAVY_TEST_MS,
  );
});

describe('runAudit', () => {
  it('names a table that does not exist at the endpoint', async () => {
    const err: string[] = [];
    const out: string[] = [];
    const endpoint = inject('dynamoEndpoint');
    expect(
      await runAudit(
        ['--account', 'a', '--endpoint', endpoint, '--table', 'no-such-table'],
        {},
        (t) => out.push(t),
        (l) => err.push(l),
      ),
    ).toBe(1);
    expect(err).toEqual([
      `audit: DynamoDB at ${endpoint} has no table "no-such-table": pass the table's name with --table (the local gateway's is playguard-local)`,
    ]);
    expect(out).toEqual([]);
  });
});
