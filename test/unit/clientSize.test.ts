/**
 * The player client stays small enough for H5 and mini-games: the built package bundled as a game
 * does (test/support/clientBundle.ts) is at most 8 KB minified and gzipped, and at most 16 KB with
 * the standard prompts, with nothing but the package's own files inside (its types come from the
 * OpenAPI document and the problem catalogue as generated type declarations, which must not bring
 * any code along).
 */
import { describe, expect, it } from 'vitest';
import { clientBundleSizes } from '#test/support/clientBundle';

const KB = 1024;

describe('the client bundle', () => {
  it("is at most 8 KB gzipped alone and 16 KB with the prompts, and holds only the package's own modules", async () => {
    const { client, withPrompts } = await clientBundleSizes();
    const own = (inputs: string[]) => inputs.filter((f) => !f.startsWith('packages/client/dist/esm/'));
    expect(own(client.inputs)).toEqual([]);
    expect(client.inputs).toContain('packages/client/dist/esm/session.js');
    expect(withPrompts.inputs).toContain('packages/client/dist/esm/prompts.js');
    expect(own(withPrompts.inputs)).toEqual([]);
    expect(client.gzipBytes, `client: ${client.bytes} bytes, ${client.gzipBytes} gzipped`).toBeLessThanOrEqual(8 * KB);
    expect(withPrompts.gzipBytes, `client and prompts: ${withPrompts.bytes} bytes, ${withPrompts.gzipBytes} gzipped`).toBeLessThanOrEqual(16 * KB);
    // Nothing of zod or of the catalogue's texts beyond the fallback details came along.
    expect(client.text).not.toMatch(/zod|ZodError|根据国家防沉迷规定，当前时间/);
  });
});
