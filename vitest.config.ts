import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The allocation tests read the GC counters of their own process; keep files isolated.
    pool: 'forks',
    testTimeout: 60_000,
  },
});
