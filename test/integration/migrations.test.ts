import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS_DIR, readMigrations } from '../../src/platform/db/migrate.ts';
import { openTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { SqlRecorder } from '../helpers/sql-recorder.ts';

describe('migrations', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());

  it('are numbered without gaps and all applied', async () => {
    const files = readMigrations();
    const applied = await sql<{ version: number }>`select version from schema_migrations order by version`.execute(database.db);
    expect(applied.rows.map((r) => r.version)).toEqual(files.map((f) => f.version));
  });

  it('apply nothing the second time', async () => {
    expect(await migrate(database)).toEqual([]);
  });

  it('only read the list of applied migrations when the database is up to date: no script, nothing written', async () => {
    const recorder = new SqlRecorder();
    const scripts: string[] = [];
    const watched = { ...recorder.database(database), execScript: async (script: string) => void scripts.push(script) };
    expect(await migrate(watched)).toEqual([]);
    expect(scripts).toEqual([]);
    expect(recorder.statements).toHaveLength(1);
    expect(recorder.statements[0]).toMatch(/^\s*select version, name, checksum from schema_migrations/);
  });

  it('create the list of applied migrations in a database without it, then apply every file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
    writeFileSync(path.join(dir, '0001_first.sql'), 'create table probe_first (id int);');
    // this file's database as a new one would be: its list of applied migrations set aside meanwhile
    await sql`alter table schema_migrations rename to schema_migrations_kept`.execute(database.db);
    try {
      expect(await migrate(database, dir)).toEqual(['0001_first']);
      const applied = await sql<{ name: string }>`select name from schema_migrations`.execute(database.db);
      expect(applied.rows).toEqual([{ name: '0001_first' }]);
      expect(await migrate(database, dir)).toEqual([]);
    } finally {
      await sql`drop table if exists schema_migrations`.execute(database.db);
      await sql`drop table if exists probe_first`.execute(database.db);
      await sql`alter table schema_migrations_kept rename to schema_migrations`.execute(database.db);
    }
  });

  it('apply a new file once, and roll back a failing one entirely', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    const next = String(readMigrations().length + 1).padStart(4, '0');
    writeFileSync(path.join(dir, `${next}_probe.sql`), 'create table probe_ok (id int);');
    expect(await migrate(database, dir)).toEqual([`${next}_probe`]);
    const after = String(readMigrations().length + 2).padStart(4, '0');
    writeFileSync(path.join(dir, `${after}_broken.sql`), 'create table probe_half (id int);\nselect * from no_such_table;');
    await expect(migrate(database, dir)).rejects.toThrow(`Échec de la migration ${after}_broken`);
    const half = await sql<{ n: number }>`select count(*)::int as n from pg_tables where tablename = 'probe_half'`.execute(database.db);
    expect(half.rows[0]!.n).toBe(0);
  });

  it('refuse to run when an applied migration was edited', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    const first = readMigrations()[0]!;
    writeFileSync(path.join(dir, `${first.name}.sql`), `${first.sql}\n-- edited`);
    await expect(migrate(database, dir)).rejects.toThrow(`Migration ${first.name} modifiée après application`);
  });
});
