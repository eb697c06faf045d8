/**
 * The player client as a game ships it: the built @playguard/client package (packages/client, its
 * ES modules) bundled by esbuild from the package name, minified, for browsers; and with the
 * standard prompts (`@playguard/client/prompts`) added. Measured by `npm run bench` (key `client`)
 * and held to 8 KB gzipped (16 KB with the prompts) by test/unit/clientSize.test.ts.
 */
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '..', '..');

export interface BundleSize {
  bytes: number;
  gzipBytes: number;
  /** The source files that ended up in the bundle, relative to the repository. */
  inputs: string[];
  text: string;
}

async function bundle(contents: string): Promise<BundleSize> {
  const result = await build({
    stdin: { contents, resolveDir: ROOT, sourcefile: 'entry.js', loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    absWorkingDir: ROOT,
    metafile: true,
    logLevel: 'error',
  });
  const out = result.outputFiles[0]!.contents;
  return {
    bytes: out.length,
    gzipBytes: gzipSync(out, { level: 9 }).length,
    inputs: Object.keys(result.metafile.inputs)
      .filter((f) => f !== 'entry.js')
      .sort(),
    text: Buffer.from(out).toString('utf8'),
  };
}

export async function clientBundleSizes(): Promise<{ client: BundleSize; withPrompts: BundleSize }> {
  return {
    client: await bundle("export * from '@playguard/client';"),
    withPrompts: await bundle("export * from '@playguard/client'; export * from '@playguard/client/prompts';"),
  };
}
