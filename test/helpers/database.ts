import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase, type Database, type DatabaseOptions } from '../../src/platform/db/database.ts';
import { PGLITE_OPTIONS, wrapPglite } from '../../src/platform/db/pglite.ts';
import { migrate, readMigrations } from '../../src/platform/db/migrate.ts';
import { clockOffsetMs } from '../../src/platform/time.ts';

export interface TestDatabase extends Database {
  /** Empties every table but the reference data loaded by migrations (between tests). */
  reset(): Promise<void>;
}

const TMP = path.resolve('.tmp');

/** A migrated PGlite data folder, dumped once per set of migrations: loading it takes ~0.3 s, initdb ~3 s. */
async function pgliteTemplate(): Promise<Blob> {
  const key = createHash('sha256')
    .update(readMigrations().map((m) => m.checksum).join())
    .digest('hex')
    .slice(0, 12);
  const file = path.join(TMP, `pglite-template-${key}.tar`);
  if (!existsSync(file)) {
    const pglite = await PGlite.create(PGLITE_OPTIONS);
    await migrate(wrapPglite(pglite));
    const dump = await pglite.dumpDataDir('none');
    await pglite.close();
    mkdirSync(TMP, { recursive: true });
    writeFileSync(`${file}.${process.pid}`, Buffer.from(await dump.arrayBuffer()));
    renameSync(`${file}.${process.pid}`, file);
  }
  return new Blob([readFileSync(file)]);
}

/**
 * PGlite reads the process's Date, so its now() follows the app clock (test/setup/clock.ts); a
 * PostgreSQL server has its own. The test database gets a `testclock.now()` that adds the app
 * clock's offset, found before pg_catalog's by the database's search_path (public first, so that
 * tables are created there and reset() empties them), so that the SQL now()
 * of migrations' defaults and of queries is the app's "now" too.
 */
async function followAppClock(url: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`
    create schema testclock;
    create function testclock.now() returns timestamptz language sql stable
      as $$ select pg_catalog.now() + make_interval(secs => current_setting('testclock.offset_ms')::float8 / 1000) $$;
    alter database ${name} set testclock.offset_ms = '${clockOffsetMs()}';
    alter database ${name} set search_path = public, testclock, pg_catalog;`);
  await client.end();
}

/** A fresh PostgreSQL database per test file, created through DATABASE_URL and dropped at close. */
async function openPostgres(adminUrl: string, limits: PoolLimits): Promise<Database> {
  const name = `test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await followAppClock(url.toString(), name);
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 5, ...limits });
  await migrate(database);
  return {
    ...database,
    async close() {
      await database.close();
      const drop = new pg.Client({ connectionString: adminUrl });
      await drop.connect();
      // pg's pool.end() resolves before its sockets close: wait for them, or FORCE kills them and
      // each killed client throws "terminating connection due to administrator command" in the test.
      for (let i = 0; i < 100; i++) {
        const open = await drop.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
        if (open.rows[0].n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await drop.query(`drop database if exists ${name} with (force)`);
      await drop.end();
    },
  };
}

/** The pools' size and limits of a PostgreSQL test database (none by default). */
export type PoolLimits = Omit<Partial<Extract<DatabaseOptions, { kind: 'postgres' }>>, 'kind' | 'url'>;

/** The database a test file runs on: PGlite in memory, or PostgreSQL when DATABASE_URL is set (with these pool limits). */
export async function openTestDatabase(limits: PoolLimits = {}): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  const database = url
    ? await openPostgres(url, limits)
    : wrapPglite(await PGlite.create({ loadDataDir: await pgliteTemplate(), ...PGLITE_OPTIONS }));
  return {
    ...database,
    async reset() {
      const tables = await sql<{ tablename: string }>`
        select tablename from pg_tables where schemaname = 'public' and tablename not in ('schema_migrations', 'tax_rates', 'regions')`.execute(database.db);
      if (tables.rows.length)
        await database.execScript(`truncate ${tables.rows.map((t) => `"${t.tablename}"`).join(', ')} restart identity cascade`);
    },
  };
}
