import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import type { Config } from '../../config.ts';
import { pgBulkTransaction, type BulkTransactionRunner } from './bulk.ts';
import { statementNameOf } from './prepared.ts';
import { ClientGoneError, currentQueryScope, type QueryScope } from './query-scope.ts';
import type { DB } from '../../schema.ts';

export type Db = Kysely<DB>;

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Db;
  /**
   * The back office's searches and queues: a pool of their own in PostgreSQL mode, so that agents'
   * heavy reads wait for each other and never for, or instead of, citizens' pages (the same
   * instance as `db` on PGlite, which has one connection anyway).
   */
  readonly backOffice: Db;
  /** Cancels the queries running for a request whose client went away (PostgreSQL; nothing on PGlite). */
  cancel(scope: QueryScope): Promise<void>;
  /** Runs a multi-statement SQL script on one connection (migrations, test resets). */
  execScript(script: string): Promise<void>;
  /** One transaction with `COPY … FROM STDIN` beside Kysely (bulk loads: bulk.ts). */
  bulkTransaction: BulkTransactionRunner;
  close(): Promise<void>;
}

// bigint counts come back as JS numbers on both backends (ids and counters stay far below 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** What openDatabase needs; the limits are optional for tools and tests (0 or absent: none). */
export type DatabaseOptions =
  | Extract<Config['database'], { kind: 'pglite' }>
  | { kind: 'postgres'; url: string; poolSize: number; backOfficePoolSize?: number; acquireTimeoutMs?: number; statementTimeoutMs?: number };

/** The server's database: the configured pools with their limits (the tools open `config.database` alone, without limits). */
export function serverDatabaseOptions(config: Pick<Config, 'database' | 'databaseLimits'>): DatabaseOptions {
  return config.database.kind === 'postgres' ? { ...config.database, ...config.databaseLimits } : config.database;
}

/** A pool acquire that waited past DATABASE_ACQUIRE_TIMEOUT_MS, or a statement stopped by statement_timeout (or cancelled). */
export function isDatabaseOverload(error: unknown): boolean {
  if (error instanceof ClientGoneError) return true;
  const e = error as { code?: unknown; message?: unknown } | null;
  return !!e && (e.code === '57014' || (typeof e.message === 'string' && e.message.startsWith('timeout exceeded when trying to connect')));
}

export async function openDatabase(database: DatabaseOptions): Promise<Database> {
  if (database.kind === 'postgres') {
    const common = {
      connectionString: database.url,
      // waiting for a free connection past this delay fails (a French 503 page) instead of queueing forever
      connectionTimeoutMillis: database.acquireTimeoutMs ?? 0,
      // sent at connection start: the server stops any statement past it (0: no limit)
      ...(database.statementTimeoutMs ? { statement_timeout: database.statementTimeoutMs } : {}),
    };
    const pool = new pg.Pool({ ...common, max: database.poolSize, application_name: 'portail' });
    const backOfficePool = new pg.Pool({ ...common, max: database.backOfficePoolSize ?? 2, application_name: 'portail-back-office' });
    // one connection kept for pg_cancel_backend, so that cancelling never waits behind the pools it relieves
    const control = new pg.Pool({ connectionString: database.url, max: 1, application_name: 'portail-annulation', connectionTimeoutMillis: 5000 });
    for (const p of [pool, backOfficePool, control]) p.on('error', () => undefined); // an idle connection the server closed: the pool replaces it
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: trackingPool(pool) }) });
    const backOffice = new Kysely<DB>({ dialect: new PostgresDialect({ pool: trackingPool(backOfficePool) }) });
    return {
      kind: 'postgres',
      db,
      backOffice,
      async cancel(scope) {
        scope.cancelled = true;
        for (const pid of [...scope.pids]) {
          // the connection may have been released (and taken by someone else) since: cancel only while this request holds it
          if (scope.pids.has(pid)) await control.query('select pg_cancel_backend($1)', [pid]).catch(() => undefined);
        }
      },
      async execScript(script) {
        const client = await pool.connect();
        try {
          // scripts (migrations, test resets) may run longer than a request's statement
          if (database.statementTimeoutMs) await client.query('set statement_timeout = 0');
          await client.query(script);
        } catch (error) {
          await client.query('rollback').catch(() => undefined);
          throw error;
        } finally {
          if (database.statementTimeoutMs) await client.query('reset statement_timeout').catch(() => undefined);
          client.release();
        }
      },
      bulkTransaction: (work) => pgBulkTransaction(pool, work),
      async close() {
        await db.destroy();
        await backOffice.destroy();
        await control.end();
      },
    };
  }

  // PGlite (its JavaScript, then its WebAssembly and file-system image) is loaded only in embedded mode:
  // a portal on PostgreSQL never imports it (~7 MB of resident memory)
  const { openPglite } = await import('./pglite.ts');
  return openPglite(database.dataDir ?? undefined);
}

/**
 * The pool as Kysely sees it, recording which server process works for the current request (its
 * query scope) while the request holds the connection, and refusing to start a query for a request
 * whose client already left.
 */
function trackingPool(pool: pg.Pool): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const scope = currentQueryScope();
      if (scope?.cancelled) throw new ClientGoneError();
      const client = await pool.connect();
      if (!scope) return { query: namingQuery(client), release: (destroy?: boolean) => client.release(destroy) };
      if (scope.cancelled) {
        client.release();
        throw new ClientGoneError();
      }
      const pid = (client as unknown as { processID: number }).processID;
      scope.pids.add(pid);
      return {
        query: namingQuery(client),
        release(destroy?: boolean) {
          scope.pids.delete(pid);
          client.release(destroy);
        },
      };
    },
    end: () => pool.end(),
  };
}

/**
 * A connection's `query` as Kysely calls it (SQL text and parameters), sending the prepared queries'
 * texts (prepared.ts) as named statements: PostgreSQL parses and plans each once per connection, and
 * the client sends only its name and values afterwards.
 */
function namingQuery(client: pg.PoolClient): PostgresPoolClient['query'] {
  return ((text: unknown, values?: unknown[]) => {
    const name = typeof text === 'string' ? statementNameOf(text) : undefined;
    return name ? client.query({ name, text: text as string, values }) : client.query(text as never, values);
  }) as unknown as PostgresPoolClient['query'];
}
