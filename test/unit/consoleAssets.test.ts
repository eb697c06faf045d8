/** console/assets.ts is what `npm run console:build` makes of console/ now (the functions serve the committed file). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ASSETS_FILE, consoleAssetsModule } from '#infra/cli/consoleBuild';
import { CONSOLE_ASSETS } from '#console/assets';

describe('the console assets', () => {
  it('are up to date (run npm run console:build)', async () => {
    expect(readFileSync(ASSETS_FILE, 'utf8') === (await consoleAssetsModule()), 'console/assets.ts is stale: run npm run console:build').toBe(true);
  });

  it('are small, and reference nothing outside the console', () => {
    const total = Object.values(CONSOLE_ASSETS).reduce((n, a) => n + Buffer.byteLength(a.body), 0);
    // 38.7 KB with the sign-in (oauth4webapi, ~21 KB); the 投诉与申请 view (its Chinese texts three bytes a character) brought it to ~46 KB.
    expect(total).toBeLessThan(48_000);
    expect(CONSOLE_ASSETS['index.html']!.body).not.toMatch(/(src|href)="(https?:)?\/\/|(src|href)="\/(?!console\/)/);
    expect(CONSOLE_ASSETS['app.js']!.body).not.toMatch(/node:|require\(/);
  });
});
