import { defineConfig } from 'vitest/config';
import { HEAVY_TEST_MS } from './test/support/timeouts.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    // DynamoDB Local starts once per run; each suite makes its own table.
    globalSetup: ['test/support/globalSetup.ts'],
    // Bounds for a hung test, not speed targets: the suite must pass on a machine busy with other
    // work (README, *Testing*). A test waits for events or the virtual clock, never for wall time;
    // heavy ones (a synth, a compiler, a browser) take HEAVY_TEST_MS.
    testTimeout: 120_000,
    hookTimeout: HEAVY_TEST_MS,
    // expect.poll waits for events (a page's answer, the first build of the demo bundle); on a busy
    // 2-core machine one second is not always enough.
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
    maxWorkers: 2,
  },
});
