import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { testConfig } from '../../src/config.ts';
import { DEMO_TOTP_SECRET } from '../../src/demo/agents-totp.ts';
import { DEMO_ACCOUNTS, seedDemoData } from '../../src/demo/seed.ts';
import { demoTemplateVariant, openFromDemoTemplate, seedCodeKey } from '../../src/demo/template.ts';
import { decryptTotpSecret } from '../../src/domains/agents/totp.ts';
import { DEMO_PHOTO_CODES, hashPhotoCode } from '../../src/domains/licences/photo-service.ts';
import { confidentialCodeMatches } from '../../src/domains/vehicles/confidential-code/code.ts';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import type { Database, Db } from '../../src/platform/db/database.ts';
import { PGLITE_OPTIONS, wrapPglite } from '../../src/platform/db/pglite.ts';
import { migrate, readMigrations } from '../../src/platform/db/migrate.ts';
import { ensurePgliteTemplate, openNewPgliteFromTemplate, TEMPLATE_DIR, templateFolder } from '../../src/platform/db/pglite-template.ts';
import { signInUser } from '../helpers/users.ts';

/** The first start on a new embedded data folder copies the migrated (and seeded) template instead of running initdb and the seed. */
describe('PGlite template', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pglite-template-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens a new data folder already migrated, which keeps its rows when reopened', { timeout: 600_000 }, async () => {
    const { folder } = await ensurePgliteTemplate();
    expect(folder).toBe(templateFolder());
    const dataDir = path.join(dir, 'pglite');
    const copy = await openNewPgliteFromTemplate(dataDir);
    expect(copy).not.toBeNull();
    const database = copy!.database;
    expect(await migrate(database)).toEqual([]); // every migration is already in the template
    const applied = await sql<{ n: number }>`select count(*)::int as n from schema_migrations`.execute(database.db);
    expect(applied.rows[0]!.n).toBe(readMigrations().length);
    await sql`insert into jobs (kind, payload) values ('test-template', '{}')`.execute(database.db);
    await database.close();
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
    expect(existsSync(path.join(dataDir, 'portail-template.json'))).toBe(false); // the template's secret stays with the template
    // an existing database is never replaced by the template
    expect(await openNewPgliteFromTemplate(dataDir)).toBeNull();
    const reopened = wrapPglite(await PGlite.create({ dataDir, ...PGLITE_OPTIONS }));
    const kept = await sql<{ n: number }>`select count(*)::int as n from jobs where kind = 'test-template'`.execute(reopened.db);
    expect(kept.rows[0]!.n).toBe(1);
    await reopened.close();
  });

  it('is keyed by the migrations and the variant: another key names another template', () => {
    const current = templateFolder();
    expect(path.basename(current)).toMatch(/^migrated-[0-9a-f]{16}$/);
    expect(templateFolder(path.join(dir, 'elsewhere'))).toBe(path.join(dir, 'elsewhere', path.basename(current)));
    const demo = templateFolder(TEMPLATE_DIR, { name: 'demo', key: 'a' });
    expect(path.basename(demo)).toMatch(/^demo-[0-9a-f]{16}$/);
    expect(templateFolder(TEMPLATE_DIR, { name: 'demo', key: 'b' })).not.toBe(demo);
  });

  it("the demo template's key follows the seed's code through its imports, and nothing else", () => {
    const src = path.join(dir, 'src');
    mkdirSync(path.join(src, 'demo'), { recursive: true });
    mkdirSync(path.join(src, 'domains'), { recursive: true });
    const seed = path.join(src, 'demo', 'seed.ts');
    writeFileSync(seed, "import { a } from '../domains/a.ts';\nimport type { C } from './c.ts';\n");
    writeFileSync(path.join(src, 'domains', 'a.ts'), "export { b } from './b.ts';\nexport const a = 1;\n");
    writeFileSync(path.join(src, 'domains', 'b.ts'), 'export const b = 2;\n');
    writeFileSync(path.join(src, 'demo', 'c.ts'), 'export type C = number;\n');
    writeFileSync(path.join(src, 'unrelated.ts'), 'export const x = 1;\n');
    const first = seedCodeKey(seed);
    writeFileSync(path.join(src, 'unrelated.ts'), 'export const x = 2;\n');
    expect(seedCodeKey(seed)).toBe(first);
    writeFileSync(path.join(src, 'domains', 'b.ts'), 'export const b = 3;\n'); // imported through a.ts
    const second = seedCodeKey(seed);
    expect(second).not.toBe(first);
    writeFileSync(path.join(src, 'demo', 'c.ts'), 'export type C = string;\n'); // imported for its type only
    expect(seedCodeKey(seed)).toBe(second);
    expect(demoTemplateVariant().key).toBe(seedCodeKey()); // the real seed.ts is found from src/ as from dist/
  });
});

describe('a new demo data folder from the demo template', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pglite-demo-template-'));
  const secret = 'the-data-folder-own-secret-0123456789abcdef';
  const databases: Database[] = [];
  afterAll(async () => {
    for (const d of databases) await d.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const codeHashes = async (db: Db) => ({
    codes: (await sql<{ vehicle_id: number; code_hash: string }>`select vehicle_id, code_hash from confidential_codes order by vehicle_id`.execute(db)).rows,
    photos: (await sql<{ code_hash: string }>`select code_hash from licence_photo_codes order by code_hash`.execute(db)).rows.map((r) => r.code_hash),
  });

  it('starts with the demo data, re-keyed for its own secret: the demo accounts sign in', { timeout: 600_000 }, async () => {
    await ensurePgliteTemplate(TEMPLATE_DIR, demoTemplateVariant());
    const config = testConfig({ SESSION_SECRET: secret });
    const database = await openFromDemoTemplate(path.join(dir, 'pglite'), config);
    expect(database).not.toBeNull();
    databases.push(database!);
    expect(await migrate(database!)).toEqual([]);
    expect(await seedDemoData(database!.db, config)).toBe(false); // already there: not seeded twice
    const emails = (await database!.db.selectFrom('accounts').select('email').execute()).map((a) => a.email);
    expect(emails).toEqual(expect.arrayContaining(DEMO_ACCOUNTS.map((a) => a.email)));

    // the confidential code of Camille Martin's car matches under the folder's secret
    const car = await database!.db
      .selectFrom('vehicles')
      .innerJoin('confidential_codes', 'confidential_codes.vehicle_id', 'vehicles.id')
      .select(['vehicles.id', 'confidential_codes.certificate_number', 'confidential_codes.code_hash'])
      .where('vehicles.plate', '=', 'AB-123-CD')
      .executeTakeFirstOrThrow();
    expect(confidentialCodeMatches(secret, car.code_hash, car.id, car.certificate_number, DEMO_VEHICLE_CODES['AB-123-CD'])).toBe(true);
    // the photographer's codes and the agents' second factor too
    const photos = (await codeHashes(database!.db)).photos;
    for (const code of DEMO_PHOTO_CODES) expect(photos).toContain(hashPhotoCode(secret, code));
    const agents = await database!.db.selectFrom('agents').select(['id', 'totp_secret']).execute();
    expect(agents.length).toBeGreaterThan(0);
    for (const a of agents) expect(decryptTotpSecret(secret, a.id, a.totp_secret!)).toBe(DEMO_TOTP_SECRET);

    // the portal on that folder: the demo citizen signs in with the documented password
    const app = await buildApp(config, database!);
    try {
      const client = await signInUser(app, 'demo.particulier@example.fr');
      const page = await client.get('/compte');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Camille Martin');
    } finally {
      await app.close();
    }
  });

  it('holds the same secret-bound values as seeding that folder directly', { timeout: 600_000 }, async () => {
    const direct = wrapPglite(await PGlite.create(PGLITE_OPTIONS));
    databases.push(direct);
    await migrate(direct);
    await seedDemoData(direct.db, { sessionSecret: secret });
    const copied = await openFromDemoTemplate(path.join(dir, 'second'), { sessionSecret: secret });
    databases.push(copied!);
    const fromTemplate = await codeHashes(copied!.db);
    expect(fromTemplate.codes.length).toBeGreaterThanOrEqual(300);
    expect(fromTemplate).toEqual(await codeHashes(direct.db));
  });

  it('is not used once older than a week (its rows carry the date it was made)', async () => {
    const aged = { ...demoTemplateVariant(), maxAgeMs: -1 };
    expect(await openNewPgliteFromTemplate(path.join(dir, 'aged'), TEMPLATE_DIR, aged)).toBeNull();
    expect(existsSync(path.join(dir, 'aged', 'PG_VERSION'))).toBe(false);
  });
});
