import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../../src/platform/db/migrate.ts';
import { ensurePgliteTemplate, openNewPgliteFromTemplate, templateFile } from '../../src/platform/db/pglite-template.ts';

/** The first start on a new embedded data folder loads the migrated template instead of running initdb. */
describe('PGlite template', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pglite-template-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens a new data folder already migrated, which keeps its rows when reopened', { timeout: 240_000 }, async () => {
    const { file } = await ensurePgliteTemplate();
    expect(file).toBe(templateFile());
    const dataDir = path.join(dir, 'pglite');
    const database = await openNewPgliteFromTemplate(dataDir);
    expect(database).not.toBeNull();
    expect(await migrate(database!)).toEqual([]); // every migration is already in the template
    const applied = await sql<{ n: number }>`select count(*)::int as n from schema_migrations`.execute(database!.db);
    expect(applied.rows[0]!.n).toBe(readMigrations().length);
    await sql`insert into jobs (kind, payload) values ('test-template', '{}')`.execute(database!.db);
    await database!.close();
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
    // an existing database is never replaced by the template
    expect(await openNewPgliteFromTemplate(dataDir)).toBeNull();
  });

  it('is keyed by the migrations: another set of migrations names another template', () => {
    const current = templateFile();
    expect(path.basename(current)).toMatch(/^migrated-[0-9a-f]{16}\.tar$/);
    expect(templateFile(path.join(dir, 'elsewhere'))).toBe(path.join(dir, 'elsewhere', path.basename(current)));
  });
});
