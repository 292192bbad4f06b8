import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Kernel tests share bpffs and netns state: files run one at a time in a fork each.
    pool: 'forks',
    fileParallelism: false,
  },
});
