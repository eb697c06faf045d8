/**
 * The Unity-only files of packages/unity — the UnityWebRequest transport and the PlayGuardRunner
 * (Runtime/Unity/, compiled only under UNITY_5_3_OR_NEWER) and the standard-prompts sample with
 * Unity UI (Samples~) — compiled with Mono's mcs at C# 7.2, warnings as errors, against stand-ins of
 * Unity's API (test/support/unityStubs.cs): the runtime as the package's assembly, the sample as a
 * game's assembly that sees only its public surface. This proves the language level and that the
 * files fit this reading of Unity 2021.3's API; it does not run them in Unity (README lists what a
 * Unity project still verifies). Also: every file Unity imports has a .meta with a unique GUID.
 */
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { haveMono, mcs, monoMissing, sources, UNITY } from '#test/support/mono';

const dir = mkdtempSync(join(tmpdir(), 'unity-surface-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!haveMono)(haveMono ? 'the Unity-only C#' : `the Unity-only C# — skipped: ${monoMissing}`, () => {
  it("compiles with UNITY_5_3_OR_NEWER against Unity's API, the sample against the package's public surface", async () => {
    const stubs = join(dir, 'UnityEngine.dll');
    expect(await mcs(stubs, [join(import.meta.dirname, '..', 'support', 'unityStubs.cs')], ['-target:library', '-nowarn:0660,0661'])).toBe('');
    const runtime = join(dir, 'PlayGuard.dll');
    expect(await mcs(runtime, sources('Runtime'), ['-target:library', '-define:UNITY_5_3_OR_NEWER', '-define:UNITY_2021_3_OR_NEWER', `-r:${stubs}`])).toBe('');
    for (const define of ['UNITY_2021_3_OR_NEWER', 'UNITY_2022_2_OR_NEWER']) {
      expect(
        await mcs(join(dir, `Sample-${define}.dll`), sources('Samples~'), [
          '-target:library',
          '-define:UNITY_5_3_OR_NEWER',
          `-define:${define}`,
          `-r:${stubs}`,
          `-r:${runtime}`,
        ]),
      ).toBe('');
    }
  }, 120_000);
});

describe('the Unity package layout', () => {
  it('gives every file and folder Unity imports a .meta with a GUID of its own (Samples~ and Tests~ are not imported)', () => {
    const entries = readdirSync(UNITY, { recursive: true, encoding: 'utf8' }).filter((f) => !/(^|\/)(Samples~|Tests~)(\/|$)/.test(f));
    const assets = entries.filter((f) => !f.endsWith('.meta'));
    expect(assets.filter((f) => !entries.includes(`${f}.meta`))).toEqual([]);
    expect(entries.filter((f) => f.endsWith('.meta') && !entries.includes(f.slice(0, -5)))).toEqual([]);
    const guids = entries.filter((f) => f.endsWith('.meta')).map((f) => /^guid: ([0-9a-f]{32})$/m.exec(readFileSync(join(UNITY, f), 'utf8'))?.[1]);
    expect(guids.every(Boolean)).toBe(true);
    expect(new Set(guids).size).toBe(guids.length);
    const manifest = JSON.parse(readFileSync(join(UNITY, 'package.json'), 'utf8')) as { name: string; unity: string; samples: Array<{ path: string }> };
    expect([manifest.name, manifest.unity]).toEqual(['com.playguard.client', '2021.3']);
    for (const sample of manifest.samples) expect(readdirSync(join(UNITY, sample.path)).length).toBeGreaterThan(0);
    expect(relative(UNITY, join(UNITY, 'Runtime', 'PlayGuard.asmdef'))).toBe('Runtime/PlayGuard.asmdef');
    expect(JSON.parse(readFileSync(join(UNITY, 'Runtime', 'PlayGuard.asmdef'), 'utf8'))).toMatchObject({
      name: 'PlayGuard',
      rootNamespace: 'PlayGuard',
      autoReferenced: true,
      noEngineReferences: false,
      precompiledReferences: [],
    });
  });
});
