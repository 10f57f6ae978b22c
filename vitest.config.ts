import { defineConfig } from 'vitest/config';

// Projects: `unit` (pure and phone-storage tests), `server` (real servers and databases; run again
// on a second Node by .ci/run), and `e2e`, browser tests that drive Debian's Chromium against the
// production build (built by `npm test` before vitest starts; see STACK-NOTES). `npm test` names
// these three; tests that run only in .ci/run have their own entry points there.
/** What the unit and server projects share: Node, fake IndexedDB, the backends line. */
const nodeProject = {
  setupFiles: ['tests/helpers/setup-indexeddb.ts'],
  // Prints whether the PostgreSQL variants run (a visible line when they are skipped).
  globalSetup: ['tests/helpers/report-backends.ts'],
  environment: 'node',
  // Integration tests start real servers and databases; on a loaded 2-core machine the
  // default 5 s is too tight. Tests wait for conditions, so a passing run is not slower.
  testTimeout: 30_000,
  hookTimeout: 30_000,
};

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts', 'src/**/*.test.ts'], ...nodeProject } },
      { test: { name: 'server', include: ['tests/integration/**/*.test.ts'], ...nodeProject } },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.e2e.ts'],
          fileParallelism: false,
          // Beside the unit and server tests (scripts/run-tests.mjs) the browser tests share two
          // cores; in full runs three different tests each failed once on a wait and passed alone
          // and on re-runs. One retry keeps a real failure (it fails twice) and says so in the log.
          retry: 1,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Run only by .ci/run (`npx vitest run --project ci`): tests that need more than the
        // README's machine (a reverse proxy, a second PostgreSQL cluster) or minutes of time.
        test: {
          name: 'ci',
          include: ['tests/ci/**/*.ci.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
