import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    // DynamoDB Local starts once per run; each suite makes its own table.
    globalSetup: ['test/support/globalSetup.ts'],
    testTimeout: 30_000,
    // expect.poll waits for events (a page's answer, the first build of the demo bundle); on a busy
    // 2-core machine one second is not always enough.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 90_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
