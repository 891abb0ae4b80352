import { defineConfig } from 'vitest/config';

/** `npm run test:crash`: the crash test alone (test/crash), on the PostgreSQL of DATABASE_URL. */
if (!process.env.DATABASE_URL) {
  console.error('npm run test:crash needs a PostgreSQL server: set DATABASE_URL=postgres://user@host:port/db (a database is created on it for the run, then dropped).');
  process.exit(1);
}

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    include: ['test/crash/**/*.crash.ts'],
    testTimeout: 600_000,
    hookTimeout: 180_000,
    setupFiles: ['test/setup/clock.ts'],
    pool: 'forks',
    maxWorkers: 1,
  },
});
