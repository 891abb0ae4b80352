import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.ts';
import type { Database } from '../platform/db/database.ts';
import { openNewPgliteFromTemplate, type TemplateVariant } from '../platform/db/pglite-template.ts';

/**
 * The demo data inside the PGlite template (src/platform/db/pglite-template.ts): a new embedded
 * data folder is a copy of a database already migrated and seeded, instead of seeding 300 vehicles
 * and 300 places at its first start. Rebuilt when the seed's code changes (the hash of seed.ts and
 * of every source file it imports, followed through relative value imports) and after a week (the
 * demo requests and photo codes carry the date they were made).
 *
 * This module is light on purpose (the server imports it before the application's modules, to open
 * the database while they load): the seed and the re-keying are loaded when used.
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
      const { seedDemoData } = await import('./seed.ts');
      await seedDemoData(database.db, { sessionSecret: templateSecret });
    },
  };
}

/**
 * A new embedded data folder as a copy of the demo template, re-keyed for the folder's secret;
 * null when the folder already holds a database or no template is ready (then initdb and the seed).
 */
export async function openFromDemoTemplate(dataDir: string, config: Pick<Config, 'sessionSecret'>, templateDir?: string): Promise<Database | null> {
  // a folder that holds a database (every start but the first) is opened as it is: no need of the seed's key, which reads its sources
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return null;
  const copy = await openNewPgliteFromTemplate(dataDir, templateDir, demoTemplateVariant());
  if (!copy) return null;
  const { rekeyDemoData } = await import('./template.ts');
  await rekeyDemoData(copy.database.db, config, copy.templateSecret);
  return copy.database;
}
