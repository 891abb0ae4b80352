/**
 * What PGlite's shared buffers cost once started (issue 20, decision 0023): the portal in this
 * process on a copy of a warm PGlite data folder with the demo data, opened with each size of
 * BENCH_SHARED_BUFFERS (16MB,8MB,4MB), the demo individual signed in; then 200 « Mon espace véhicule »
 * and 200 « Mon compte » pages, and BENCH_SALES (10) complete declarations of sale (sale-client.ts);
 * prints the blocks PostgreSQL had to read from its files (a miss of the buffers: a read through
 * PGlite's file system) against those found in the buffers, for each. The counts do not depend on the
 * machine's load.
 *
 *   npx tsx test/bench/pglite-buffers.ts <a warm data folder, e.g. the DATA_DIR of a first npm start>
 *
 * Not part of npm test.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';
import { PGLITE_OPTIONS, wrapPglite } from '../../src/platform/db/pglite.ts';
import { Client, SELLER, sell, sellableVehicles } from './sale-client.ts';

const source = process.argv[2];
if (!source) throw new Error('usage: npx tsx test/bench/pglite-buffers.ts <warm data folder>');
const SIZES = (process.env.BENCH_SHARED_BUFFERS ?? '16MB,8MB,4MB').split(',');
const SALES = Number(process.env.BENCH_SALES ?? 10);
const PORT = 3941;

for (const size of SIZES) {
  const root = mkdtempSync(path.join(tmpdir(), 'pglite-buffers-'));
  try {
    cpSync(source, root, { recursive: true });
    const pglite = await PGlite.create({ dataDir: path.join(root, 'pglite'), ...PGLITE_OPTIONS, startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${size}`] });
    const database = wrapPglite(pglite);
    const config = loadConfig({ ...process.env, DATABASE_URL: '', DATA_DIR: root, PORT: String(PORT), HOST: '127.0.0.1', LOG_LEVEL: 'warn', JOBS_WORKER: 'false', ACCOUNT_ACTIVE_REQUESTS: '1000' });
    const app = await buildApp(config, database);
    await app.listen({ host: '127.0.0.1', port: PORT });
    try {
      const blocks = async () =>
        (await sql<{ read: number; hit: number }>`select blks_read::int as read, blks_hit::int as hit from pg_stat_database where datname = current_database()`.execute(database.db)).rows[0]!;
      const client = new Client(`http://127.0.0.1:${PORT}`, '127.0.9.1');
      await client.signIn(SELLER, DEMO_PASSWORD);
      const vehicles = await sellableVehicles(database);
      // warm: what a first visit of each page and a first sale read once
      for (let i = 0; i < 20; i++) await client.get('/vehicules');
      await client.get('/compte');
      await sell(client, vehicles.shift()!);
      const before = await blocks();
      for (let i = 0; i < 200; i++) {
        await client.get('/vehicules');
        await client.get('/compte');
      }
      const afterPages = await blocks();
      for (let i = 0; i < SALES; i++) await sell(client, vehicles.shift()!);
      const afterSales = await blocks();
      console.log(
        `shared_buffers ${size}: 400 signed-in pages ${afterPages.read - before.read} blocks read, ${afterPages.hit - before.hit} found in the buffers; ` +
          `${SALES} sales ${afterSales.read - afterPages.read} read, ${afterSales.hit - afterPages.hit} found`,
      );
    } finally {
      await app.close();
      await database.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
process.exit(0);
