import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { readMigrations } from '../../src/platform/db/migrate.ts';
import { baseFolder, ensurePgliteBase, isBaseReady } from '../../src/platform/db/pglite-base.ts';
import { PGLITE_OPTIONS, wrapPglite } from '../../src/platform/db/pglite.ts';
import { ensurePgliteTemplate, isTemplateReady, templateFolder, type TemplateVariant } from '../../src/platform/db/pglite-template.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface BuildModule {
  build(options: { quiet?: boolean; outdir?: string; caches?: boolean; out?: { write(text: string): boolean } }): Promise<void>;
  sourceFingerprint(root?: string): string;
}
const buildModule = async () => (await import(pathToFileURL(path.join(ROOT, 'scripts/build.mjs')).href)) as BuildModule;

/**
 * A new user's first `npm start` (scripts/start.mjs → scripts/build.mjs): it says what it does from
 * its first line, step by step with durations; initdb's empty cluster is made once and every
 * template starts from a copy of it; the build (and so the template) is redone when the
 * migrations change, not only the code.
 */
describe('the first start', () => {
  mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
  const dir = mkdtempSync(path.join(ROOT, '.tmp', 'first-start-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints its steps as they start, each then ended by its duration, the header first', { timeout: 600_000 }, async () => {
    const { build } = await buildModule();
    const writes: string[] = [];
    await build({ outdir: path.join(dir, 'dist'), out: { write: (text) => writes.push(text) > 0 } });
    expect(writes[0]).toMatch(/^Construction du portail \(premier démarrage, ou le code a changé/);
    const steps = ['Construction du portail en JavaScript… ', 'Compression des ressources du DSFR (brotli et gzip)… ', 'Préparation des données de démonstration (migrations et données, environ 5 s)… '];
    for (const label of steps) {
      const at = writes.indexOf(`  ${label}`);
      expect(at, `${label} in ${JSON.stringify(writes)}`).toBeGreaterThan(0);
      // the label alone first (shown while the step runs), then its duration in French
      expect(writes[at + 1]).toMatch(/^\d+,\d s\n$/);
    }
    expect(writes.indexOf(`  ${steps[0]}`)).toBeLessThan(writes.indexOf(`  ${steps[1]}`));
    expect(writes.indexOf(`  ${steps[1]}`)).toBeLessThan(writes.indexOf(`  ${steps[2]}`));
    expect(writes.at(-1)).toMatch(/^Construction terminée en \d+,\d s/);
    expect(existsSync(path.join(dir, 'dist', '.build-stamp'))).toBe(true);
  });

  it('builds again when a migration changes, not only the code', () => {
    // a repository of its own: src/, migrations/, the lock
    const root = path.join(dir, 'repo');
    mkdirSync(path.join(root, 'src'), { recursive: true });
    mkdirSync(path.join(root, 'migrations'), { recursive: true });
    writeFileSync(path.join(root, 'src', 'server.ts'), 'export {};\n');
    writeFileSync(path.join(root, 'migrations', '0001_init.sql'), 'create table a (id int);\n');
    writeFileSync(path.join(root, 'package-lock.json'), '{}\n');
    return buildModule().then(({ sourceFingerprint }) => {
      const before = sourceFingerprint(root);
      expect(sourceFingerprint(root)).toBe(before);
      writeFileSync(path.join(root, 'migrations', '0002_more.sql'), 'create table b (id int);\n');
      const added = sourceFingerprint(root);
      expect(added).not.toBe(before);
      writeFileSync(path.join(root, 'migrations', '0001_init.sql'), 'create table a (id bigint);\n');
      utimesSync(path.join(root, 'migrations', '0001_init.sql'), new Date(2026, 0, 1), new Date(2026, 0, 1));
      expect(sourceFingerprint(root)).not.toBe(added);
    });
  });

  it('runs initdb once: a second template (another seed, other migrations) starts from a copy of the empty cluster', { timeout: 600_000 }, async () => {
    const cache = path.join(dir, 'pglite-cache');
    const first = await ensurePgliteBase(cache);
    expect(first).toEqual({ folder: baseFolder(cache), created: true });
    expect(isBaseReady(first.folder)).toBe(true);
    expect(await ensurePgliteBase(cache)).toEqual({ folder: first.folder, created: false }); // no initdb again
    expect(readdirSync(cache).filter((name) => name.endsWith('.partial'))).toEqual([]);

    const seeded: string[] = [];
    const variant = (key: string): TemplateVariant => ({
      name: 'essai',
      key,
      prepare: async (database) => {
        seeded.push(key);
        await sql`insert into jobs (kind, payload) values (${`graine-${key}`}, '{}')`.execute(database.db);
      },
    });
    for (const key of ['a', 'b']) {
      expect(isTemplateReady(cache, variant(key))).toBe(false);
      const made = await ensurePgliteTemplate(cache, variant(key));
      expect(made).toEqual({ folder: templateFolder(cache, variant(key)), created: true });
      expect(isTemplateReady(cache, variant(key))).toBe(true);
      expect(existsSync(path.join(made.folder, 'portail-initdb.json'))).toBe(false); // the base's own marker is not copied
      const opened = wrapPglite(await PGlite.create({ dataDir: made.folder, ...PGLITE_OPTIONS }));
      try {
        const migrated = await sql<{ n: number }>`select count(*)::int as n from schema_migrations`.execute(opened.db);
        expect(migrated.rows[0]!.n).toBe(readMigrations().length);
        const marks = await sql<{ kind: string }>`select kind from jobs where kind like 'graine-%'`.execute(opened.db);
        expect(marks.rows.map((r) => r.kind)).toEqual([`graine-${key}`]); // each template its own rows, the base untouched
      } finally {
        await opened.close();
      }
    }
    expect(seeded).toEqual(['a', 'b']);
    expect(await ensurePgliteBase(cache)).toEqual({ folder: first.folder, created: false });
    // the same key again: nothing made
    expect((await ensurePgliteTemplate(cache, variant('a'))).created).toBe(false);
  });
});
