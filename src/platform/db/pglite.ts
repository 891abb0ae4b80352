import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely } from 'kysely';
import { pgliteBulkTransaction } from './bulk.ts';
import type { Database } from './database.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import type { DB } from '../../schema.ts';

/*
 * The embedded database (PGlite: PostgreSQL compiled to WebAssembly), kept apart from database.ts so
 * that only embedded mode loads it: openDatabase imports this module when it opens a PGlite folder.
 */

/**
 * PostgreSQL's shared buffers inside PGlite. Its default (128 MB, from initdb) is zeroed page by page
 * in WebAssembly at every open: ~0.7 s of CPU of the ~1.7 s an open took (docs/decisions/0023). The
 * embedded database is a single session on a small data folder (the demo's is ~40 MB) whose files
 * stay in the operating system's cache: 8 MB holds its working set (the demo's signed-in pages and
 * sales read no more blocks from files than with 16 MB: test/bench/pglite-buffers.ts), and 9 MB less
 * shared memory is touched at every open (decision 0023, amended 2 Dec).
 */
export const PGLITE_SHARED_BUFFERS = '8MB';

/** Every PGlite instance of the portal: bigint as numbers, pg_trgm for the back office's search (migration 0019), small shared buffers. */
export const PGLITE_OPTIONS = {
  parsers: { [pgliteTypes.INT8]: (v: string) => Number(v) },
  extensions: { pg_trgm },
  startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`],
};

/** Kysely and scripts over one PGlite instance; closing the Database closes the instance. */
export function wrapPglite(pglite: PGlite): Database {
  const dialect = new PGliteDialect(pglite);
  const db = new Kysely<DB>({ dialect });
  return {
    kind: 'pglite',
    db,
    backOffice: db,
    cancel: async () => undefined,
    execScript: (script) =>
      dialect.driver.withConnection(async (conn) => {
        try {
          await conn.exec(script);
        } catch (error) {
          await conn.exec('rollback').catch(() => undefined);
          throw error;
        }
      }),
    bulkTransaction: (work) => pgliteBulkTransaction(pglite, db, work),
    async close() {
      await db.destroy();
      await pglite.close();
    },
  };
}

/** A PGlite instance on `dataDir` (in memory without one), with the portal's options, as a Database. */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  return wrapPglite(await PGlite.create({ dataDir, ...PGLITE_OPTIONS }));
}
