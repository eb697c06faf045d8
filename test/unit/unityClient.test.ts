/**
 * The Unity package's C# (packages/unity) compiled with Debian's Mono compiler at C# 7.2, warnings
 * as errors: the runtime alone as a library (what a C# game server references), and with its unit
 * tests (packages/unity/Tests~/UnitTests.cs: JSON, problems, throttling, the heartbeat loop on a fake
 * clock, TapCompat's codes), which must all pass. test/e2e/unityClient.test.ts plays an evening
 * against the gateway with it. The Unity-only files (Runtime/Unity/, Samples~) are compiled against
 * stand-ins of Unity's API in test/unit/unitySurface.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { haveMono, mcs, mono, monoMissing, portableRuntime, sources } from '#test/support/mono';

const dir = mkdtempSync(join(tmpdir(), 'unity-client-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!haveMono)(haveMono ? 'the C# client' : `the C# client — skipped: ${monoMissing}`, () => {
  it('compiles outside Unity as a library at C# 7.2 with no warning', async () => {
    expect(await mcs(join(dir, 'PlayGuard.dll'), portableRuntime(), ['-target:library'])).toBe('');
  }, 120_000);

  it('passes its unit tests', async () => {
    expect(await mcs(join(dir, 'UnitTests.exe'), [...portableRuntime(), ...sources('Tests~', (f) => /Fakes|UnitTests/.test(f))])).toBe('');
    const { stdout, code } = await mono(join(dir, 'UnitTests.exe'));
    const summary = /^(\d+) passed, (\d+) failed$/m.exec(stdout);
    expect(stdout.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(summary?.[2]).toBe('0');
    expect(Number(summary?.[1])).toBeGreaterThan(150);
    expect(code).toBe(0);
  }, 120_000);
});
