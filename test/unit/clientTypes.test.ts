/**
 * The client package's types (generated from the OpenAPI document) are what the services really
 * take and return, both ways; a browser project (DOM, no Node types) compiles against the package;
 * and the workspace package resolves from the repository for Node and TypeScript alike. The type
 * assertions are checked by `tsc --noEmit` (`npm test` runs it first); the compile and resolution
 * checks run here. test/e2e/clientPackage.test.ts installs the packed tarball where none of this is.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import type * as z from 'zod';
import type * as s from '#shared/api/schemas';
import type {
  ComplaintSubmission,
  HeartbeatAnswer,
  IdentitySubmission,
  RefundRequest,
  IdentityView,
  Limits,
  PaymentReservation,
  PlayGuardProblem,
  ProblemCode,
  ProblemExtensions as ClientExtensions,
  SessionStart,
  SessionStarted,
} from '@playguard/client';
import type { ProblemCode as CatalogueCode, ProblemExtensions } from '#shared/problem';
import type { heartbeat, startSession } from '#shared/sessions/service';
import type { readLimits } from '#shared/usecases/limits';
import { HEAVY_TEST_MS } from '#test/support/timeouts';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'client-types-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the client's types", () => {
  it('are what the services answer (login, heartbeat, limits), rating members included', () => {
    type Login = Awaited<ReturnType<typeof startSession>>;
    expectTypeOf<Login>().toExtend<SessionStarted>();
    expectTypeOf<SessionStarted>().toExtend<Login>();
    expectTypeOf<Awaited<ReturnType<typeof heartbeat>>>().toExtend<HeartbeatAnswer>();
    expectTypeOf<HeartbeatAnswer>().toExtend<Awaited<ReturnType<typeof heartbeat>>>();
    type Read = Awaited<ReturnType<typeof readLimits>>;
    expectTypeOf<Read>().toExtend<Limits>();
    expectTypeOf<Limits>().toExtend<Read>();
    expectTypeOf<SessionStarted['belowRating']>().toEqualTypeOf<boolean>();
    expectTypeOf<SessionStarted['ageRating']>().toEqualTypeOf<8 | 12 | 16 | null>();
  });

  it('take requests as the schemas accept them: takeover optional', () => {
    expectTypeOf<SessionStart>().toEqualTypeOf<z.input<typeof s.SessionStart>>();
    expectTypeOf<{ deviceId: string }>().toExtend<SessionStart>();
    expectTypeOf<IdentitySubmission>().toEqualTypeOf<z.input<typeof s.IdentitySubmit>>();
    expectTypeOf<ComplaintSubmission>().toEqualTypeOf<z.input<typeof s.ComplaintSubmission>>();
    expectTypeOf<RefundRequest>().toEqualTypeOf<z.input<typeof s.RefundRequest>>();
    expectTypeOf<PaymentReservation>().toEqualTypeOf<z.input<typeof s.PaymentReservation>>();
    expectTypeOf<IdentityView['status']>().toEqualTypeOf<'none' | 'pending' | 'verified' | 'rejected'>();
  });

  it("know every code of the catalogue and each one's members, as the catalogue declares them", () => {
    expectTypeOf<PlayGuardProblem['code']>().toEqualTypeOf<ProblemCode>();
    expectTypeOf<CatalogueCode>().toExtend<ProblemCode>();
    expectTypeOf<Extract<PlayGuardProblem, { code: 'invalid_id_number' }>['reason']>().toEqualTypeOf<ProblemExtensions['invalid_id_number']['reason']>();
    expectTypeOf<Extract<PlayGuardProblem, { code: 'play_time_restricted' }>['status']>().toEqualTypeOf<403>();
    // A code no route lists yet still has its members.
    expectTypeOf<ClientExtensions['guardian_restricted']>().toEqualTypeOf<ProblemExtensions['guardian_restricted']>();
    expectTypeOf<ClientExtensions['spending_limit_exceeded']>().toEqualTypeOf<ProblemExtensions['spending_limit_exceeded']>();
    expectTypeOf<ClientExtensions['order_conflict']>().toEqualTypeOf<ProblemExtensions['order_conflict']>();
    expectTypeOf<ClientExtensions['session_not_found']>().toEqualTypeOf<ProblemExtensions['session_not_found']>();
    expectTypeOf<ClientExtensions['guardian_consent_required']>().toEqualTypeOf<ProblemExtensions['guardian_consent_required']>();
  });
});

describe('the client as a package', () => {
  it(
    'compiles in a browser project: DOM library, no Node types, strict, its own declarations checked too',
    () => {
      // The project sees the package as an installed dependency would be.
      mkdirSync(join(dir, 'node_modules', '@playguard'), { recursive: true });
      symlinkSync(join(ROOT, 'packages', 'client'), join(dir, 'node_modules', '@playguard', 'client'));
      writeFileSync(
        join(dir, 'game.ts'),
        `import { createPlayGuard, PlayGuardProblem } from '@playguard/client';
import { mountPrompts } from '@playguard/client/prompts';
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
        lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
        types: [],
        skipLibCheck: false,
      });
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      expect(diagnostics).toEqual([]);
    },
    HEAVY_TEST_MS,
  );

  it('is the workspace package @playguard/client with its ./prompts export, for Node (ESM and CommonJS) and for TypeScript', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', "console.log(import.meta.resolve('@playguard/client'), import.meta.resolve('@playguard/client/prompts'))"],
      { cwd: ROOT },
    );
    expect(stdout.trim()).toBe(`file://${ROOT}/packages/client/dist/esm/index.js file://${ROOT}/packages/client/dist/esm/prompts.js`);
    const cjs = await promisify(execFile)(
      process.execPath,
      ['-e', "console.log(require.resolve('@playguard/client'), require.resolve('@playguard/client/prompts'))"],
      { cwd: ROOT },
    );
    expect(cjs.stdout.trim()).toBe(`${ROOT}/packages/client/dist/cjs/index.js ${ROOT}/packages/client/dist/cjs/prompts.js`);
    const resolved = ts.resolveModuleName(
      '@playguard/client',
      join(ROOT, 'game.ts'),
      { moduleResolution: ts.ModuleResolutionKind.Bundler, module: ts.ModuleKind.ESNext },
      ts.sys,
    );
    expect(resolved.resolvedModule?.resolvedFileName).toBe(join(ROOT, 'packages/client/dist/esm/index.d.ts'));
  });
});
