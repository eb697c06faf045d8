/**
 * The player part of the client stays small enough for H5 and mini-games: at most 8 KB minified and
 * gzipped, with nothing but shared/client/ inside (its types come from zod schemas and the problem
 * catalogue through type-only imports, which must not pull either into the bundle).
 */
import { describe, expect, it } from 'vitest';
import { clientBundleSizes } from '#test/support/clientBundle';

const LIMIT = 8 * 1024;

describe('the client bundle', () => {
  it('is at most 8 KB gzipped, alone and with the prompts, and holds only shared/client/', async () => {
    const { client, withPrompts } = await clientBundleSizes();
    expect(client.inputs).toEqual(['shared/client/http.ts', 'shared/client/index.ts', 'shared/client/session.ts']);
    expect(withPrompts.inputs).toEqual(['shared/client/http.ts', 'shared/client/index.ts', 'shared/client/prompts.ts', 'shared/client/session.ts']);
    expect(client.gzipBytes, `client: ${client.bytes} bytes, ${client.gzipBytes} gzipped`).toBeLessThanOrEqual(LIMIT);
    expect(withPrompts.gzipBytes, `client and prompts: ${withPrompts.bytes} bytes, ${withPrompts.gzipBytes} gzipped`).toBeLessThanOrEqual(LIMIT);
    // Nothing of zod or of the catalogue's texts came along.
    expect(client.text).not.toMatch(/zod|ZodError|根据国家防沉迷规定，当前时间/);
  });
});
