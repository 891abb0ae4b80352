import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/platform/db/database.ts';
import { claimJobs, enqueue } from '../../src/platform/jobs/queue.ts';
import { openTestDatabase, type TestDatabase } from '../helpers/database.ts';

/**
 * Jobs are due by one clock, the app's (`APP_CLOCK_START` moves it: src/platform/time.ts), while a
 * PostgreSQL server's `now()` keeps the real time. Here the database's clock is made to differ from
 * the app's, on one connection (a `now()` found first on its search path, as a server whose clock is
 * not the app's): a job must still run when the app clock says it is due, and not before.
 */
let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
  await database.execScript(`
    create schema if not exists skewed_clock;
    create or replace function skewed_clock.now() returns timestamptz language sql stable
      as $$ select pg_catalog.now() + make_interval(secs => current_setting('skewed_clock.seconds')::float8) $$;`);
});
afterAll(() => database.close());
beforeEach(() => database.reset());

/** Runs `work` on one connection whose SQL `now()` is `hours` away from the app clock. */
async function withDatabaseClockOff<T>(hours: number, work: (db: Db) => Promise<T>): Promise<T> {
  return database.db.connection().execute(async (conn) => {
    const [{ path }] = (await sql<{ path: string }>`select current_setting('search_path') as path`.execute(conn)).rows as [{ path: string }];
    // the server's own clock, moved to be `hours` away from the app's
    const [{ seconds }] = (await sql<{ seconds: number }>`select extract(epoch from ${new Date()}::timestamptz - pg_catalog.now())::float8 + ${hours * 3600} as seconds`.execute(conn)).rows as [{ seconds: number }];
    await sql`select set_config('skewed_clock.seconds', ${String(seconds)}, false), set_config('search_path', 'public, skewed_clock, pg_catalog', false)`.execute(conn);
    try {
      const off = (await sql<{ hours: number }>`select round(extract(epoch from now() - ${new Date()}::timestamptz) / 3600)::int as hours`.execute(conn)).rows[0]!.hours;
      expect(off).toBe(hours); // the database's clock is really off
      return await work(conn);
    } finally {
      await sql`select set_config('search_path', ${path}, false)`.execute(conn);
    }
  });
}

describe('the jobs’ clock', () => {
  it('runs a job due now by the app clock, though the database’s clock is a day behind', async () => {
    const claimed = await withDatabaseClockOff(-24, async (db) => {
      await enqueue(db, 'test-now', { n: 1 });
      return claimJobs(db, 10);
    });
    expect(claimed.map((j) => j.kind)).toEqual(['test-now']);
  });

  it('does not run a job due in a minute by the app clock, though the database’s clock is a day ahead; it runs once the app clock reaches it', async () => {
    await withDatabaseClockOff(24, async (db) => {
      await enqueue(db, 'test-later', {}, { runAt: new Date(Date.now() + 60_000) });
      expect(await claimJobs(db, 10)).toEqual([]);
    });
    const later = await withDatabaseClockOff(24, async (db) => {
      await sql`update jobs set run_at = run_at - interval '61 seconds'`.execute(db); // a minute has passed on the app clock
      return claimJobs(db, 10);
    });
    expect(later.map((j) => j.kind)).toEqual(['test-later']);
  });

  it('keeps a claimed job locked for five minutes of the app clock, whatever the database’s clock', async () => {
    const [job] = await withDatabaseClockOff(-24, async (db) => {
      await enqueue(db, 'test-lock', {});
      return claimJobs(db, 10);
    });
    const row = await database.db.selectFrom('jobs').select('locked_until').where('id', '=', job!.id).executeTakeFirstOrThrow();
    const minutes = (row.locked_until!.getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(4.9);
    expect(minutes).toBeLessThanOrEqual(5);
    // another worker, its database a day behind: the job stays with the first one
    expect(await withDatabaseClockOff(-24, (db) => claimJobs(db, 10))).toEqual([]);
  });
});
