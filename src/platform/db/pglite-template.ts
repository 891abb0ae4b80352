import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Database } from './database.ts';
import { PGLITE_OPTIONS, wrapPglite } from './pglite.ts';
import { migrate, readMigrations } from './migrate.ts';
import { BASE_ONLY_FILES, ensurePgliteBase, PGLITE_CACHE_DIR, pgliteVersion } from './pglite-base.ts';

/**
 * A migrated PGlite data folder kept ready, so that the first start on a new data folder copies it
 * (a plain folder copy, ~0.1 s) and opens it like an existing one, instead of running initdb in
 * WebAssembly (~10 s of CPU on this machine) and the demo seed (~3 s of CPU). Made by `npm run
 * build` (which `npm start` runs when the code or the migrations changed), from a copy of the empty
 * cluster initdb made once per PGlite version (pglite-base.ts); keyed by the migrations, the PGlite
 * version, its extensions and the variant's own key (the demo seed's code), so a stale template is never used.
 *
 * A variant adds rows after the migrations (the demo data: src/demo/template.ts). Those rows were
 * written with the template's own secret, kept beside it: the caller re-keys what depends on the
 * secret for the new folder's (`TemplateCopy.templateSecret`).
 */
export const TEMPLATE_DIR = PGLITE_CACHE_DIR;

export interface TemplateVariant {
  /** the folder's name prefix ("demo") */
  name: string;
  /** what the added rows depend on besides the migrations (a hash of the seed's code) */
  key: string;
  /** a template older than this is made again (rows carrying dates stay recent) */
  maxAgeMs?: number;
  /** writes the variant's rows, with the template's secret */
  prepare(database: Database, templateSecret: string): Promise<void>;
}

/** The template's own metadata, kept inside its folder and never copied into a data folder. */
const META = 'portail-template.json';
interface TemplateMeta {
  secret: string;
  createdAt: string;
}

/** The template's folder for the current migrations, PGlite version, extensions and variant. */
export function templateFolder(dir = TEMPLATE_DIR, variant?: Pick<TemplateVariant, 'name' | 'key'>): string {
  const key = createHash('sha256')
    .update(readMigrations().map((m) => m.checksum).join())
    .update(pgliteVersion())
    .update(Object.keys((PGLITE_OPTIONS as { extensions?: object }).extensions ?? {}).join())
    .update(variant ? `\0${variant.name}\0${variant.key}` : '')
    .digest('hex')
    .slice(0, 16);
  return path.join(dir, `${variant?.name ?? 'migrated'}-${key}`);
}

function readMeta(folder: string): TemplateMeta | null {
  try {
    return JSON.parse(readFileSync(path.join(folder, META), 'utf8')) as TemplateMeta;
  } catch {
    return null;
  }
}

/** The real time, whatever the app clock says (tests move it): a template's age is real. */
const realNow = () => performance.timeOrigin + performance.now();

function usable(folder: string, variant?: TemplateVariant): TemplateMeta | null {
  const meta = readMeta(folder);
  if (!meta || !existsSync(path.join(folder, 'PG_VERSION'))) return null;
  if (variant?.maxAgeMs !== undefined && realNow() - Date.parse(meta.createdAt) > variant.maxAgeMs) return null;
  return meta;
}

/** Whether the template for the current migrations (and variant) is made and young enough to be copied. */
export function isTemplateReady(dir = TEMPLATE_DIR, variant?: TemplateVariant): boolean {
  return usable(templateFolder(dir, variant), variant) !== null;
}

/** Makes the template when missing or too old; returns its folder and whether it was made now. */
export async function ensurePgliteTemplate(dir = TEMPLATE_DIR, variant?: TemplateVariant): Promise<{ folder: string; created: boolean }> {
  const folder = templateFolder(dir, variant);
  if (usable(folder, variant)) return { folder, created: false };
  const base = await ensurePgliteBase(dir);
  const partial = `${folder}.${process.pid}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(base.folder, partial, { recursive: true, filter: (source) => path.dirname(source) !== base.folder || !BASE_ONLY_FILES.includes(path.basename(source)) });
  const database = wrapPglite(await PGlite.create({ dataDir: partial, ...PGLITE_OPTIONS }));
  const meta: TemplateMeta = { secret: randomBytes(32).toString('base64url'), createdAt: new Date(realNow()).toISOString() };
  try {
    await migrate(database);
    await variant?.prepare(database, meta.secret);
  } finally {
    await database.close();
  }
  writeFileSync(path.join(partial, META), JSON.stringify(meta));
  // replaced whole: a data folder being copied from the old one meanwhile reads either, never half of each
  const old = `${folder}.${process.pid}.old`;
  if (existsSync(folder)) renameSync(folder, old);
  renameSync(partial, folder);
  rmSync(old, { recursive: true, force: true });
  return { folder, created: true };
}

export interface TemplateCopy {
  database: Database;
  /** the secret the variant's rows were written with (to re-key them for the data folder's own) */
  templateSecret: string;
}

/**
 * Opens a data folder that holds no database yet as a copy of the template, when one is ready for
 * the current migrations (and variant); null otherwise (an existing database, or no template).
 */
export async function openNewPgliteFromTemplate(dataDir: string, dir = TEMPLATE_DIR, variant?: TemplateVariant): Promise<TemplateCopy | null> {
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return null;
  const folder = templateFolder(dir, variant);
  const meta = usable(folder, variant);
  if (!meta) return null;
  mkdirSync(path.dirname(dataDir), { recursive: true });
  cpSync(folder, dataDir, { recursive: true, filter: (source) => path.basename(source) !== META || path.dirname(source) !== folder });
  const pglite = await PGlite.create({ dataDir, ...PGLITE_OPTIONS });
  return { database: wrapPglite(pglite), templateSecret: meta.secret };
}
