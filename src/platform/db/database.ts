import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../../config.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import type { DB } from '../../schema.ts';

export type Db = Kysely<DB>;

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Db;
  /** Runs a multi-statement SQL script on one connection (migrations, test resets). */
  execScript(script: string): Promise<void>;
  close(): Promise<void>;
}

// bigint counts come back as JS numbers on both backends (ids and counters stay far below 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export async function openDatabase(database: Config['database']): Promise<Database> {
  if (database.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: database.url, max: database.poolSize });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return {
      kind: 'postgres',
      db,
      async execScript(script) {
        const client = await pool.connect();
        try {
          await client.query(script);
        } catch (error) {
          await client.query('rollback').catch(() => undefined);
          throw error;
        } finally {
          client.release();
        }
      },
      async close() {
        await db.destroy();
      },
    };
  }

  const pglite = await PGlite.create({ dataDir: database.dataDir ?? undefined, ...PGLITE_OPTIONS });
  return wrapPglite(pglite);
}

/** Every PGlite instance of the portal: bigint as numbers, and pg_trgm for the back office's search (migration 0019). */
export const PGLITE_OPTIONS = { parsers: { [pgliteTypes.INT8]: (v: string) => Number(v) }, extensions: { pg_trgm } };

/** Kysely and scripts over one PGlite instance; closing the Database closes the instance. */
export function wrapPglite(pglite: PGlite): Database {
  const dialect = new PGliteDialect(pglite);
  const db = new Kysely<DB>({ dialect });
  return {
    kind: 'pglite',
    db,
    execScript: (script) =>
      dialect.driver.withConnection(async (conn) => {
        try {
          await conn.exec(script);
        } catch (error) {
          await conn.exec('rollback').catch(() => undefined);
          throw error;
        }
      }),
    async close() {
      await db.destroy();
      await pglite.close();
    },
  };
}
