import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Config } from '../config.ts';
import { hashConfidentialCode } from '../domains/vehicles/confidential-code/code.ts';
import { demoRegistry } from '../domains/vehicles/registry/demo-registry.ts';
import { DEMO_PHOTO_CODES, hashPhotoCode } from '../domains/licences/photo-service.ts';
import type { Database, Db } from '../platform/db/database.ts';
import { openNewPgliteFromTemplate, type TemplateVariant } from '../platform/db/pglite-template.ts';
import { enrolDemoAgentsTotp } from './agents-totp.ts';
import { DEMO_ACCOUNTS, DEMO_AGENTS, seedDemoData } from './seed.ts';

/**
 * The demo data inside the PGlite template (src/platform/db/pglite-template.ts): a new embedded
 * data folder is a copy of a database already migrated and seeded, instead of seeding 300 vehicles
 * and 300 places at its first start. Rebuilt when the seed's code changes (the hash of seed.ts and
 * of every source file it imports, followed through relative value imports) and after a week (the
 * demo requests and photo codes carry the date they were made).
 *
 * The template's rows were written with the template's own secret: `rekeyDemoData` writes again,
 * with the data folder's secret, every value of the seed that depends on it.
 */
const SEED_SOURCE = fileURLToPath(new URL('../../src/demo/seed.ts', import.meta.url));

/** Hash of the seed's source and of every source file it imports (relative imports, followed). */
export function seedCodeKey(entry = SEED_SOURCE): string {
  const hash = createHash('sha256');
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    hash.update(`${path.relative(path.dirname(entry), file)}\0${text}\0`);
    // value imports and re-exports (a type-only import changes no row the seed writes)
    for (const m of text.matchAll(/^(?:import|export)(?!\s+type\b)[^;]*?from\s*'(\.\.?\/[^']+)'|^import\s*'(\.\.?\/[^']+)'/gm))
      visit(path.resolve(path.dirname(file), (m[1] ?? m[2])!));
  };
  visit(entry);
  return hash.digest('hex');
}

export const DEMO_TEMPLATE_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

export function demoTemplateVariant(): TemplateVariant {
  return {
    name: 'demo',
    key: seedCodeKey(),
    maxAgeMs: DEMO_TEMPLATE_MAX_AGE_MS,
    prepare: async (database, templateSecret) => {
      await seedDemoData(database.db, { sessionSecret: templateSecret });
    },
  };
}

/**
 * Re-keys the demo rows written with `from` (the template's secret) for `to` (the data folder's):
 * the confidential codes of the demo registry, the demo photographer's codes, the agents' TOTP.
 * One transaction; a handful of statements.
 */
export async function rekeyDemoData(db: Db, config: Pick<Config, 'sessionSecret'>, from: string): Promise<void> {
  const to = config.sessionSecret;
  await db.transaction().execute(async (trx) => {
    const accounts = await trx.selectFrom('accounts').select(['id', 'email']).where('email', 'in', DEMO_ACCOUNTS.map((a) => a.email)).execute();
    const idOf = (email: string) => accounts.find((a) => a.email === email)?.id ?? 0;
    const entries = demoRegistry({ individual: idOf('demo.particulier@example.fr'), legalEntity: idOf('demo.entreprise@example.fr') });
    const vehicles = await trx.selectFrom('vehicles').select(['id', 'vin']).where('vin', 'in', entries.map((e) => e.vin)).execute();
    const idByVin = new Map(vehicles.map((v) => [v.vin, v.id]));
    const codes = entries.flatMap((e) => {
      const id = idByVin.get(e.vin);
      return id === undefined ? [] : [{ id, old: hashConfidentialCode(from, id, e.certificateNumber, e.confidentialCode), new: hashConfidentialCode(to, id, e.certificateNumber, e.confidentialCode) }];
    });
    if (codes.length)
      await sql`update confidential_codes c set code_hash = v.new_hash
                from (values ${sql.join(codes.map((c) => sql`(${c.id}::bigint, ${c.old}, ${c.new})`))}) as v (vehicle_id, old_hash, new_hash)
                where c.vehicle_id = v.vehicle_id and c.code_hash = v.old_hash`.execute(trx);
    const photos = DEMO_PHOTO_CODES.map((code) => ({ old: hashPhotoCode(from, code), new: hashPhotoCode(to, code) }));
    await sql`update licence_photo_codes p set code_hash = v.new_hash
              from (values ${sql.join(photos.map((p) => sql`(${p.old}, ${p.new})`))}) as v (old_hash, new_hash)
              where p.code_hash = v.old_hash`.execute(trx);
    await enrolDemoAgentsTotp(trx, config, DEMO_AGENTS.map((agent) => agent.email));
  });
}

/**
 * A new embedded data folder as a copy of the demo template, re-keyed for the folder's secret;
 * null when the folder already holds a database or no template is ready (then initdb and the seed).
 */
export async function openFromDemoTemplate(dataDir: string, config: Pick<Config, 'sessionSecret'>, templateDir?: string): Promise<Database | null> {
  const copy = await openNewPgliteFromTemplate(dataDir, templateDir, demoTemplateVariant());
  if (!copy) return null;
  await rekeyDemoData(copy.database.db, config, copy.templateSecret);
  return copy.database;
}
