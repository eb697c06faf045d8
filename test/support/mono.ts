/**
 * The C# package (packages/unity) compiled as the repository checks it: Debian's Mono compiler
 * (`mcs`, C# 7.2 at most — the newest language version it accepts, and what Unity 2021.3 compiles)
 * and run by `mono`. `.ci/run` installs them; on a machine without them the suites skip and say why,
 * except under CI, where a missing compiler fails.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const UNITY = join(import.meta.dirname, '..', '..', 'packages', 'unity');
export const MCS = process.env.MCS_PATH ?? '/usr/bin/mcs';
export const MONO = process.env.MONO_PATH ?? '/usr/bin/mono';
export const haveMono = existsSync(MCS) && existsSync(MONO) && existsSync('/usr/lib/mono/4.5/System.Net.Http.dll');
export const monoMissing =
  `no Mono C# compiler (${MCS}, ${MONO}, System.Net.Http): apt-get install mono-mcs mono-runtime ` + `libmono-system-net-http4.0-cil (.ci/run does)`;
if (!haveMono && process.env.CI) throw new Error(monoMissing);

/** Every .cs file under a folder of the package, sorted. */
export function sources(folder: string, filter: (path: string) => boolean = () => true): string[] {
  const dir = join(UNITY, folder);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.cs'))
    .map((f) => join(dir, f))
    .filter(filter)
    .sort();
}

/** The runtime's sources outside Unity: all of them (Runtime/Unity/ is wrapped in `#if UNITY_5_3_OR_NEWER`, so it compiles to nothing). */
export const portableRuntime = (): string[] => sources('Runtime');

/** mcs with the package's language level, warnings as errors; answers the compiler's output. */
export async function mcs(out: string, files: string[], extra: string[] = []): Promise<string> {
  const { stdout, stderr } = await run(MCS, ['-langversion:7.2', '-warnaserror+', '-nologo', '-r:System.Net.Http.dll', `-out:${out}`, ...extra, ...files], {
    timeout: 120_000,
  });
  return `${stdout}${stderr}`.trim();
}

export async function mono(exe: string, args: string[] = [], timeoutMs = 60_000): Promise<{ stdout: string; stderr: string; code: number }> {
  return run(MONO, ['--debug', exe, ...args], { timeout: timeoutMs }).then(
    ({ stdout, stderr }) => ({ stdout, stderr, code: 0 }),
    (e: { stdout: string; stderr: string; code: number }) => ({ stdout: e.stdout, stderr: e.stderr, code: e.code }),
  );
}
