/**
 * Debian's Chromium for the browser tests (test/browser/): where it is, and a headless context on a
 * fresh profile whose Playwright waits are hang bounds (HEAVY_TEST_MS), not speed limits.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { HEAVY_TEST_MS } from '#test/support/timeouts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);

/** Says once why a browser suite is skipped on a machine without Chromium. */
export function warnWithoutChromium(suite: string): void {
  if (!haveChromium)
    console.warn(`${suite} skipped: no Chromium at ${CHROMIUM} (Debian: apt-get install chromium; .ci/run installs it; CHROMIUM_PATH names another)`);
}

/** A headless Chromium context of this size; `close` ends it and removes its profile. */
export async function launchChromium(viewport: { width: number; height: number }): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  // Playwright's own waits (30 s by default) are bounds for a hang, not speed limits (test/support/timeouts.ts).
  context.setDefaultTimeout(HEAVY_TEST_MS);
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
