import { defineConfig } from 'vitest/config';

// Two projects: fast unit/integration tests, and browser tests that drive Debian's Chromium
// against the production build (built by `npm test` before vitest starts; see STACK-NOTES).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'src/**/*.test.ts'],
          setupFiles: ['tests/helpers/setup-indexeddb.ts'],
          // Prints whether the PostgreSQL variants run (a visible line when they are skipped).
          globalSetup: ['tests/helpers/report-backends.ts'],
          environment: 'node',
          // Integration tests start real servers and databases; on a loaded 2-core machine the
          // default 5 s is too tight. Tests wait for conditions, so a passing run is not slower.
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.e2e.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
