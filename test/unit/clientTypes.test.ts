/**
 * The client's types come from the single source and fit what the services really return; the
 * client compiles for a browser project (DOM, no Node types); and the package's `./client` export
 * resolves for Node and TypeScript alike. The type assertions are checked by `tsc --noEmit`
 * (`npm test` runs it first); the compile and resolution checks run here.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import type * as z from 'zod';
import type * as s from '#shared/api/schemas';
import type { HeartbeatAnswer, Limits, PlayGuardProblem, ProblemCode, SessionStart, SessionStarted } from '#shared/client/index';
import type { ProblemExtensions } from '#shared/problem';
import type { heartbeat, startSession } from '#shared/sessions/service';
import type { readLimits } from '#shared/usecases/limits';
import { HEAVY_TEST_MS } from '#test/support/timeouts';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'client-types-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the client\'s types', () => {
  it('are what the services answer (login, heartbeat, limits), rating members included', () => {
    type Login = Awaited<ReturnType<typeof startSession>>;
    expectTypeOf<Login>().toExtend<SessionStarted>();
    expectTypeOf<SessionStarted>().toExtend<Login>();
    expectTypeOf<Awaited<ReturnType<typeof heartbeat>>>().toExtend<HeartbeatAnswer>();
    type Read = Awaited<ReturnType<typeof readLimits>>;
    expectTypeOf<Read>().toExtend<Limits>();
    expectTypeOf<Limits>().toExtend<Read>();
    expectTypeOf<SessionStarted['belowRating']>().toEqualTypeOf<boolean>();
    expectTypeOf<SessionStarted['ageRating']>().toEqualTypeOf<8 | 12 | 16 | null>();
  });

  it('take requests as the schemas accept them: takeover optional', () => {
    expectTypeOf<SessionStart>().toEqualTypeOf<z.input<typeof s.SessionStart>>();
    expectTypeOf<{ deviceId: string }>().toExtend<SessionStart>();
  });

  it('know every code of the catalogue and each one\'s members', () => {
    expectTypeOf<PlayGuardProblem['code']>().toEqualTypeOf<ProblemCode>();
    expectTypeOf<Extract<PlayGuardProblem, { code: 'invalid_id_number' }>['reason']>().toEqualTypeOf<ProblemExtensions['invalid_id_number']['reason']>();
    expectTypeOf<Extract<PlayGuardProblem, { code: 'play_time_restricted' }>['status']>().toEqualTypeOf<403>();
  });
});

describe('the client as a package', () => {
  it('compiles in a browser project: DOM library, no Node types, strict', () => {
    writeFileSync(
      join(dir, 'game.ts'),
      `import { createPlayGuard, PlayGuardProblem } from ${JSON.stringify(join(ROOT, 'shared/client/index.ts'))};
import { mountPrompts } from ${JSON.stringify(join(ROOT, 'shared/client/prompts.ts'))};
const pg = createPlayGuard({ baseUrl: location.origin, token: () => localStorage.getItem('token') ?? '' });
const prompts = mountPrompts(document.getElementById('game')!);
export async function play(): Promise<void> {
  try {
    const session = await pg.startSession({ deviceId: 'browser-1' });
    prompts.attach(session);
  } catch (e) {
    if (e instanceof PlayGuardProblem && e.code === 'play_time_restricted') await prompts.endOfPlay({ reason: e.code, nextWindowStart: e.nextWindowStart, nextWindowEnd: e.nextWindowEnd });
  }
}
`,
    );
    const program = ts.createProgram([join(dir, 'game.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      allowImportingTsExtensions: true,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: [],
      skipLibCheck: true,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(diagnostics).toEqual([]);
  }, HEAVY_TEST_MS);

  it('is the package\'s ./client and ./client/prompts exports, for Node and for TypeScript', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('playguard/client'), import.meta.resolve('playguard/client/prompts'))"], { cwd: ROOT });
    expect(stdout.trim()).toBe(`file://${ROOT}/shared/client/index.ts file://${ROOT}/shared/client/prompts.ts`);
    const resolved = ts.resolveModuleName('playguard/client', join(ROOT, 'game.ts'), { moduleResolution: ts.ModuleResolutionKind.Bundler, module: ts.ModuleKind.ESNext, allowImportingTsExtensions: true }, ts.sys);
    expect(resolved.resolvedModule?.resolvedFileName).toBe(join(ROOT, 'shared/client/index.ts'));
  });
});
