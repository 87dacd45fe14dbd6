import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src-main/**/*.test.ts', 'src-renderer/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['src-main/test-support/setup.ts'],
    // tfjs kernels are CPU-heavy; two workers match the 2-core machines we run on.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
