import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { PGLITE_OPTIONS, wrapPglite, type Database } from './database.ts';
import { migrate, readMigrations } from './migrate.ts';

/**
 * A migrated, empty PGlite data folder kept as a tarball, so that the first start on a new data
 * folder loads it instead of running initdb in WebAssembly (~12 s of CPU on this machine, against
 * ~2 s to load the tarball). Made by `npm run build` (which `npm start` runs when the code changed);
 * keyed by the migrations and the PGlite version, so a stale template is never used.
 */
export const TEMPLATE_DIR = fileURLToPath(new URL('../../../node_modules/.cache/portail-titres/pglite/', import.meta.url));

function pgliteVersion(): string {
  const require = createRequire(import.meta.url);
  const main = require.resolve('@electric-sql/pglite');
  // …/node_modules/@electric-sql/pglite/dist/index.cjs → its package.json
  const root = main.slice(0, main.lastIndexOf(`${path.sep}dist${path.sep}`));
  return (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The template's file for the current migrations, PGlite version and extensions. */
export function templateFile(dir = TEMPLATE_DIR): string {
  const key = createHash('sha256')
    .update(readMigrations().map((m) => m.checksum).join())
    .update(pgliteVersion())
    .update(Object.keys((PGLITE_OPTIONS as { extensions?: object }).extensions ?? {}).join())
    .digest('hex')
    .slice(0, 16);
  return path.join(dir, `migrated-${key}.tar`);
}

/** Creates the template when missing; returns its path and whether it was made now. */
export async function ensurePgliteTemplate(dir = TEMPLATE_DIR): Promise<{ file: string; created: boolean }> {
  const file = templateFile(dir);
  if (existsSync(file)) return { file, created: false };
  const pglite = await PGlite.create(PGLITE_OPTIONS);
  await migrate(wrapPglite(pglite));
  // uncompressed: loading a gzip tarball costs more CPU than reading the extra megabytes
  const dump = await pglite.dumpDataDir('none');
  await pglite.close();
  mkdirSync(dir, { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, file);
  return { file, created: true };
}

/**
 * Opens a data folder that holds no database yet from the template, when one exists for the current
 * migrations; null otherwise (an existing database, or no template: initdb as before).
 */
export async function openNewPgliteFromTemplate(dataDir: string, dir = TEMPLATE_DIR): Promise<Database | null> {
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return null;
  const file = templateFile(dir);
  if (!existsSync(file)) return null;
  mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create({ dataDir, loadDataDir: new Blob([readFileSync(file)]), ...PGLITE_OPTIONS });
  return wrapPglite(pglite);
}
