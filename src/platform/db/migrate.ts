import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Database } from './database.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));
const LOCK_KEY = 73_420_001; // pg_advisory lock shared by every node that migrates

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  const files = readdirSync(dir).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f));
  const migrations = files.sort().map((file) => {
    const text = readFileSync(path.join(dir, file), 'utf8');
    return {
      version: Number(file.slice(0, 4)),
      name: file.replace(/\.sql$/, ''),
      sql: text,
      checksum: createHash('sha256').update(text).digest('hex'),
    };
  });
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migration ${m.name} : numéro attendu ${i + 1}`);
  });
  return migrations;
}

const ALREADY_APPLIED = 'migration-already-applied';
const UNDEFINED_TABLE = '42P01';

/**
 * The migrations already applied. The table that lists them is created (under the lock) only when it
 * is missing: the start of a database already migrated reads it and writes nothing.
 */
async function appliedMigrations(database: Database): Promise<{ version: number; name: string; checksum: string }[]> {
  const read = () => sql<{ version: number; name: string; checksum: string }>`
    select version, name, checksum from schema_migrations order by version`.execute(database.db);
  try {
    return (await read()).rows;
  } catch (error) {
    if ((error as { code?: unknown }).code !== UNDEFINED_TABLE) throw error;
  }
  await database.execScript(`
    begin;
    select pg_advisory_xact_lock(${LOCK_KEY});
    create table if not exists schema_migrations (
      version integer primary key,
      name text not null,
      checksum text not null,
      applied_at timestamptz not null default now()
    );
    commit;`);
  return (await read()).rows;
}

/**
 * Applies the numbered SQL migrations not yet applied, each in its own transaction under an
 * advisory lock, so that several nodes starting together apply each migration once.
 * Returns the names applied. Refuses to run if an applied migration's file was edited.
 */
export async function migrate(database: Database, dir = MIGRATIONS_DIR): Promise<string[]> {
  const applied = await appliedMigrations(database);
  const files = readMigrations(dir);
  for (const row of applied) {
    const file = files.find((f) => f.version === row.version);
    if (!file) throw new Error(`Migration ${row.name} appliquée mais absente du dossier migrations/`);
    if (file.checksum !== row.checksum)
      throw new Error(`Migration ${row.name} modifiée après application : créez une nouvelle migration`);
  }
  const done = new Set(applied.map((r) => r.version));
  const ran: string[] = [];
  for (const m of files.filter((f) => !done.has(f.version))) {
    try {
      await database.execScript(`
        begin;
        select pg_advisory_xact_lock(${LOCK_KEY});
        do $guard$ begin
          if exists (select 1 from schema_migrations where version = ${m.version}) then
            raise exception '${ALREADY_APPLIED}';
          end if;
        end $guard$;
        ${m.sql}
        ;
        insert into schema_migrations (version, name, checksum) values (${m.version}, '${m.name}', '${m.checksum}');
        commit;`);
      ran.push(m.name);
    } catch (error) {
      if (error instanceof Error && error.message.includes(ALREADY_APPLIED)) continue;
      throw new Error(`Échec de la migration ${m.name} : ${(error as Error).message}`, { cause: error });
    }
  }
  return ran;
}
