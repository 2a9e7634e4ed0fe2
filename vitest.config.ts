import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/globalSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Integration files each get their own database; two workers keep a 2-core machine busy without thrash.
    maxWorkers: 2,
    allowOnly: false,
  },
});
