import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { ConfigError, loadConfig, testConfig } from '../../src/config.ts';
import { seedDemoData } from '../../src/demo/seed.ts';
import { openDatabase, serverDatabaseOptions, type Database } from '../../src/platform/db/database.ts';
import { signInAgent } from '../helpers/agents.ts';
import { TestClient, textOf } from '../helpers/app.ts';
import { openTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { signInUser } from '../helpers/users.ts';

/** Overload is a normal day (issue 20): pool limits, statement timeout, cancellation, the back office's own pool. */
describe('database limits in the configuration', () => {
  const base = { NODE_ENV: 'test', DATA_DIR: '.tmp/config-limits', SESSION_SECRET: 'x'.repeat(32) } as const;

  it('gives the server its pools and limits from the environment, and the tools none', () => {
    const c = loadConfig({ ...base, DATABASE_URL: 'postgres://u@127.0.0.1:5432/p', DATABASE_BACKOFFICE_POOL_SIZE: '2', DATABASE_ACQUIRE_TIMEOUT_MS: '1500', DATABASE_STATEMENT_TIMEOUT_MS: '8000' });
    expect(c.databaseLimits).toEqual({ backOfficePoolSize: 2, acquireTimeoutMs: 1500, statementTimeoutMs: 8000 });
    expect(serverDatabaseOptions(c)).toEqual({ kind: 'postgres', url: 'postgres://u@127.0.0.1:5432/p', poolSize: 10, backOfficePoolSize: 2, acquireTimeoutMs: 1500, statementTimeoutMs: 8000 });
    expect(c.database).not.toHaveProperty('statementTimeoutMs'); // `config.database` is what the tools (migrate, import, seed) open
    const defaults = loadConfig(base);
    expect(defaults.databaseLimits).toEqual({ backOfficePoolSize: 3, acquireTimeoutMs: 5000, statementTimeoutMs: 10_000 });
    expect(() => loadConfig({ ...base, DATABASE_STATEMENT_TIMEOUT_MS: 'dix' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, DATABASE_STATEMENT_TIMEOUT_MS: 'dix' })).toThrow(/DATABASE_STATEMENT_TIMEOUT_MS/);
  });
});

const adminUrl = process.env.DATABASE_URL;
if (adminUrl) {
  describe('PostgreSQL under overload', () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let dbUrl: string;
    let citizen: TestClient;
    let agent: TestClient; // signed in once: an agent's authenticator code serves twice per 30 s at most
    const connections: pg.Client[] = [];

    beforeAll(async () => {
      // one connection for the back office, a short acquire wait and statement limit
      database = await openTestDatabase({ poolSize: 4, backOfficePoolSize: 1, acquireTimeoutMs: 1000, statementTimeoutMs: 2000 });
      app = await buildApp(testConfig(), database);
      await app.ready();
      await seedDemoData(database.db, app.config);
      const name = (await sql<{ name: string }>`select current_database() as name`.execute(database.db)).rows[0]!.name;
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      dbUrl = url.toString();
      citizen = await signInUser(app, 'demo.particulier@example.fr');
      agent = await signInAgent(new TestClient(app), 'agent.cert@example.fr');
    });
    afterAll(async () => {
      for (const c of connections) await c.end().catch(() => undefined);
      await app?.close();
      await database?.close();
    });

    /** Another session holding an exclusive lock on the requests' table: every query reading it waits. */
    async function lockRequests(): Promise<pg.Client> {
      const locker = new pg.Client({ connectionString: dbUrl });
      connections.push(locker);
      await locker.connect();
      await locker.query('begin');
      await locker.query('lock table vehicle_procedures in access exclusive mode');
      return locker;
    }

    async function backOfficeActivity(): Promise<{ pid: number; state: string; wait: string | null; query: string }[]> {
      const rows = await sql<{ pid: number; state: string; wait: string | null; query: string }>`
        select pid, state, wait_event_type as wait, query from pg_stat_activity
        where datname = current_database() and application_name = 'portail-back-office'`.execute(database.db);
      return rows.rows;
    }

    async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
      const end = Date.now() + ms;
      for (;;) {
        const found = await probe();
        if (found !== undefined) return found;
        if (Date.now() > end) throw new Error(`never: ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }

    it('agents’ slow searches fill only the back office’s pool: a citizen’s page is served meanwhile, the next search gets the French 503', async () => {
      expect((await citizen.get('/vehicules')).statusCode).toBe(200);
      expect((await agent.get('/agents/vehicules?q=martin')).statusCode).toBe(200);

      // a slow back-office query holds the back office's only connection for 1.5 s
      let slowDone = false;
      const slow = sql`select pg_sleep(1.5)`.execute(database.backOffice).finally(() => (slowDone = true));
      await until('the slow query runs', async () => ((await backOfficeActivity()).some((r) => r.state === 'active' && r.query.includes('pg_sleep')) ? true : undefined));

      const started = performance.now();
      const page = await citizen.get('/vehicules');
      const citizenMs = performance.now() - started;
      expect(page.statusCode).toBe(200);
      expect(textOf(page.body)).toContain('Mon espace véhicule');
      expect(citizenMs).toBeLessThan(1000); // X = 1 s: it did not wait for the back office's connection (held 1.5 s)
      expect(slowDone).toBe(false);

      // the agents' next search waits for their own pool only, and gives up after the acquire timeout
      const search = await agent.get('/agents/vehicules?q=martin');
      expect(search.statusCode).toBe(503);
      expect(search.headers['retry-after']).toBe('30');
      expect(textOf(search.body)).toContain('Service momentanément surchargé');
      expect(textOf(search.body)).toContain('Réessayez dans quelques instants');
      expect(search.body).not.toMatch(/timeout|exceeded|error/i);
      await slow;
      expect((await agent.get('/agents/vehicules?q=martin')).statusCode).toBe(200); // served again once the pool is free
    });

    it('a statement over statement_timeout ends with the French 503 page, for a citizen and for an agent, not a hang', async () => {
      const locker = await lockRequests();
      const started = performance.now();
      const [page, queue] = await Promise.all([citizen.get('/vehicules'), agent.get('/agents/vehicules')]);
      const elapsed = performance.now() - started;
      await locker.query('rollback');
      for (const res of [page, queue]) {
        expect(res.statusCode).toBe(503);
        expect(res.headers['content-type']).toContain('text/html');
        expect(textOf(res.body)).toContain('Service momentanément surchargé');
        expect(textOf(res.body)).toContain('Rien n’a été perdu');
      }
      expect(elapsed).toBeGreaterThanOrEqual(1900); // stopped by the 2 s limit…
      expect(elapsed).toBeLessThan(8000); // …not left hanging
      const machine = await citizen.get('/vehicules', { accept: 'application/json' });
      expect(machine.statusCode).toBe(200); // the lock is gone: served again
    });

    it('a request whose client goes away has its query cancelled on the server (pg_stat_activity)', async () => {
      // a node without statement timeout: only the cancellation can end the query
      const second: Database = await openDatabase({ kind: 'postgres', url: dbUrl, poolSize: 2, backOfficePoolSize: 1 });
      const node = await buildApp(testConfig(), second);
      let locker: pg.Client | null = null;
      try {
        await node.listen({ port: 0, host: '127.0.0.1' });
        const port = (node.server.address() as AddressInfo).port;
        // sessions are in the database: the agent's cookie is valid on both nodes
        locker = await lockRequests();
        const request = http.request({ host: '127.0.0.1', port, path: '/agents/vehicules?q=martin', headers: { cookie: agent.cookieHeader(), accept: 'text/html' } });
        request.on('error', () => undefined); // we hang up ourselves
        request.end();
        const waiting = await until('the search waits on the lock', async () => (await backOfficeActivity()).find((r) => r.state === 'active' && r.wait === 'Lock'));
        expect(waiting.query).toMatch(/vehicle_procedures/);

        request.destroy(); // the agent closed the tab
        const after = await until('the query is cancelled', async () => {
          const row = (await backOfficeActivity()).find((r) => r.pid === waiting.pid);
          return row && row.state !== 'active' ? row : undefined;
        });
        expect(after.state).toBe('idle'); // cancelled (pg_cancel_backend), the connection itself kept
        // the lock is still held: nothing but the cancellation ended the query
        const held = await sql<{ n: number }>`select count(*)::int as n from pg_locks l join pg_stat_activity a using (pid) where a.datname = current_database() and l.mode = 'AccessExclusiveLock' and l.granted and l.relation = 'vehicle_procedures'::regclass`.execute(database.db);
        expect(held.rows[0]!.n).toBe(1);
      } finally {
        await locker?.query('rollback');
        await node.close();
        await second.close();
      }
    });
  });
}
