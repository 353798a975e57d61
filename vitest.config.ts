import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure logic and in-process integration, runs anywhere, no root) and `e2e`
// (real runc, CNI, cgroups and the real kubectl; needs root on Linux). `npm test` runs both; e2e
// tests check for root themselves and say so when they cannot run.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/integration/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // e2e suites share the machine (ports, network, cgroups): run files one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
