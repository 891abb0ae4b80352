import type { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, type PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { DB } from '../../schema.ts';

/**
 * One transaction on one connection with `COPY … FROM STDIN` beside the ordinary queries: the bulk
 * loads (the registry import of a million lines). Rolled back when the work throws.
 */
export interface BulkTransaction {
  /** Kysely on the transaction's connection */
  readonly db: Kysely<DB>;
  /**
   * Copies rows in PostgreSQL's COPY text format (tab-separated, `\N` for null, escaped with
   * `copyField`, each row ending in a line break) into `table`'s `columns`.
   */
  copy(table: string, columns: readonly string[], rows: string): Promise<void>;
}

export type BulkTransactionRunner = <T>(work: (tx: BulkTransaction) => Promise<T>) => Promise<T>;

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value as a field of COPY's text format: null as `\N`, booleans as t/f, backslash, tab and line breaks escaped. */
export function copyField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : value;
}

const copyStatement = (table: string, columns: readonly string[], from: string) => `copy "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) from ${from}`;

/** PostgreSQL: one pooled client, COPY streamed to it by pg-copy-streams. */
export async function pgBulkTransaction<T>(pool: pg.Pool, work: (tx: BulkTransaction) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const single: PostgresPoolClient = { query: client.query.bind(client) as PostgresPoolClient['query'], release: () => undefined };
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: { connect: async () => single, end: async () => undefined } }) });
  try {
    await client.query('begin');
    // a bulk load runs for as long as it needs (the server's pools may carry a statement_timeout)
    await client.query('set local statement_timeout = 0');
    const result = await work({
      db,
      copy: (table, columns, rows) =>
        new Promise<void>((resolve, reject) => {
          const stream = client.query(copyStreams.from(copyStatement(table, columns, 'stdin')));
          stream.on('error', reject);
          stream.on('finish', resolve);
          stream.end(rows);
        }),
    });
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
    await db.destroy();
  }
}

/** PGlite: Kysely's transaction holds the one session; each COPY reads its rows from an in-memory blob. */
export function pgliteBulkTransaction<T>(pglite: PGlite, db: Kysely<DB>, work: (tx: BulkTransaction) => Promise<T>): Promise<T> {
  return db.transaction().execute((trx) =>
    work({
      db: trx,
      copy: async (table, columns, rows) => {
        await pglite.query(copyStatement(table, columns, `'/dev/blob'`), [], { blob: new Blob([rows]) });
      },
    }),
  );
}
