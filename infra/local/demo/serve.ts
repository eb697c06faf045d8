/**
 * `/demo/` on the local gateway (never deployed, like `/__dev/`): a small HTML5 game that uses the
 * client and the standard prompts (the @playguard/client workspace package, packages/client, as built), bundled by esbuild from demo.js on the first
 * request and kept for the life of the process. test/browser/demo.test.ts plays it in Chromium.
 */
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';

const HERE = import.meta.dirname;
let bundle: Promise<string> | undefined;

async function build(): Promise<string> {
  // Loaded on first use: esbuild is a development dependency, and only this local page needs it.
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(HERE, 'demo.js')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    tsconfig: join(HERE, '..', '..', '..', 'tsconfig.json'),
    write: false,
    logLevel: 'error',
  });
  return result.outputFiles[0]!.text;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

export async function serveDemo(pathname: string, res: ServerResponse): Promise<void> {
  if (pathname === '/demo') {
    res.writeHead(308, { location: '/demo/' });
    res.end();
    return;
  }
  if (pathname === '/demo/' || pathname === '/demo/index.html')
    return send(res, 200, 'text/html; charset=utf-8', await readFile(join(HERE, 'index.html'), 'utf8'));
  if (pathname === '/demo/demo.js') {
    try {
      return send(res, 200, 'text/javascript; charset=utf-8', await (bundle ??= build()));
    } catch (error) {
      bundle = undefined;
      return send(res, 500, 'text/plain; charset=utf-8', `the demo could not be built: ${(error as Error).message}`);
    }
  }
  return send(res, 404, 'text/plain; charset=utf-8', 'not found');
}
