import { defineConfig } from 'vitest/config';

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    testTimeout: 300_000, // end-to-end flows with pageChecks on every page, on a loaded 2-core machine; a broken locator still fails after 5 s
    hookTimeout: 300_000, // a fresh database and the demo data per file, slower when the two workers share 2 cores
    setupFiles: ['test/setup/clock.ts'],
    globalSetup: ['test/setup/chromium.ts'],
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
