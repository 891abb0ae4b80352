import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

/**
 * The empty PostgreSQL cluster that PGlite's initdb makes (~10 s of CPU in WebAssembly on this
 * machine, most of a first start), kept once per PGlite version: every template
 * (src/platform/db/pglite-template.ts) starts as a copy of it, so a change of the migrations or of
 * the demo seed, or the template's weekly renewal, costs the migrations and the seed only.
 *
 * initdb depends on PGlite alone (it runs without our extensions or start parameters): the folder is
 * keyed by PGlite's version. This module imports nothing of the portal and uses only erasable
 * TypeScript: `npm run build` (scripts/build.mjs) runs it in a worker thread straight from src/,
 * before and beside the bundling, so that initdb overlaps the build.
 */
export const PGLITE_CACHE_DIR = fileURLToPath(new URL('../../../node_modules/.cache/portail-titres/pglite/', import.meta.url));

/** Written last, inside the folder: a folder without it is a half-made one. */
const DONE = 'portail-initdb.json';

/** PGlite's installed version (its package.json). */
export function pgliteVersion(): string {
  const require = createRequire(import.meta.url);
  const main = require.resolve('@electric-sql/pglite');
  // …/node_modules/@electric-sql/pglite/dist/index.cjs → its package.json
  const root = main.slice(0, main.lastIndexOf(`${path.sep}dist${path.sep}`));
  return (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

export function baseFolder(dir = PGLITE_CACHE_DIR): string {
  return path.join(dir, `initdb-${pgliteVersion()}`);
}

/** Whether a folder is a finished base (what `ensurePgliteBase` leaves). */
export function isBaseReady(folder: string): boolean {
  return existsSync(path.join(folder, DONE)) && existsSync(path.join(folder, 'PG_VERSION'));
}

/** The file names a copy of the base leaves out (its own marker). */
export const BASE_ONLY_FILES: readonly string[] = [DONE];

/** Makes the base when missing; returns its folder and whether it was made now. Safe when two processes race (the first to finish wins). */
export async function ensurePgliteBase(dir = PGLITE_CACHE_DIR): Promise<{ folder: string; created: boolean }> {
  const folder = baseFolder(dir);
  if (isBaseReady(folder)) return { folder, created: false };
  const partial = `${folder}.${process.pid}-${threadId}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const pglite = await PGlite.create({ dataDir: partial });
  await pglite.close();
  writeFileSync(path.join(partial, DONE), JSON.stringify({ pglite: pgliteVersion(), createdAt: new Date().toISOString() }));
  try {
    if (!isBaseReady(folder)) rmSync(folder, { recursive: true, force: true }); // a half-made one, without its marker
    renameSync(partial, folder);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    if (!isBaseReady(folder)) throw error; // not another process's finished base: a real failure
  }
  return { folder, created: true };
}
