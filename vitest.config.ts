import { defineConfig } from 'vitest/config';

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    testTimeout: 120_000, // end-to-end flows on a loaded 2-core machine; a broken locator still fails after 5 s
    hookTimeout: 90_000,
    setupFiles: ['test/setup/clock.ts'],
    globalSetup: ['test/setup/chromium.ts'],
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
