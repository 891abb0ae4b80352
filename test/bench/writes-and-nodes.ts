/**
 * Writes that scale with nodes (issue 20, decision 0022). Needs a PostgreSQL server:
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:55432/postgres npx tsx test/bench/writes-and-nodes.ts
 *
 * Creates a fresh database on that server (dropped at the end), then prints:
 * 1. the audit burst: 64 transactions at once, each writing one audit row and holding its
 *    transaction 20 ms, as the former code did (an advisory lock before the append) and as it does
 *    now (a plain INSERT, sealed afterwards in batches) — wall time and appends per second;
 * 2. complete declarations of sale per second (13 requests each: new procedure, code, the five
 *    tabs, confirmation; then the seller's 3 downloads of its documents, unless BENCH_DOWNLOADS=0:
 *    sale-client.ts) with BENCH_CLIENTS (16) signed-in clients, on 1 node then on 2 nodes
 *    (portal processes `node scripts/start.mjs` on the same database, client i on node i mod n);
 * 3. the SQL statements per signed-in page are counted by test/integration/request-cost.test.ts.
 * BENCH_TRACE=1 prints each request's method, path, status and time. Each phase prints the CPU time
 * the portal processes spent per sale (/proc/<pid>/stat, which the machine's load does not inflate)
 * and that of the bench database's PostgreSQL backends, with the load average.
 * BENCH_CPU_PROF=<folder> runs the portal processes under `node --cpu-prof` (a .cpuprofile each, written
 * at their exit; `npx tsx test/bench/profile-top.ts <file>` lists its top entries).
 * A sign-in sent to the waiting room (503, the node's limit lowered after slow pages) waits the
 * Retry-After it was given and tries again, as the waiting page does in a browser; the waits are counted.
 * Each sale needs a vehicle of the demo registry (≈ 200 plain ones): each run sells BENCH_SALES (80).
 * Called by test/bench/run.ts (helper 4) when present; runnable alone. Not part of npm test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { DEMO_PASSWORD, seedDemoData } from '../../src/demo/seed.ts';
import { audit, SYSTEM, verifyAuditChain } from '../../src/platform/audit.ts';
import { openDatabase, type Database } from '../../src/platform/db/database.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import { Client, SELLER, sell, sellableVehicles, type SaleVehicle as Vehicle } from './sale-client.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ADMIN_URL = process.env.DATABASE_URL;
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const SESSION_SECRET = 'bench-writes-and-nodes-secret-0123456789';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux). */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (100 Hz)
  } catch {
    return 0;
  }
}

/** The PostgreSQL backends serving the bench database (the server runs on this machine). */
async function backendPids(admin: pg.Client, name: string): Promise<number[]> {
  return (await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [name])).rows.map((r) => r.pid);
}

const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

/** A portal process on the bench database. */
async function startNode(dbUrl: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { APP_CLOCK_START: _moved, ...env } = process.env;
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`] : [];
  const child = spawn(process.execPath, [...profile, path.join(ROOT, 'scripts', 'start.mjs')], {
    cwd: ROOT,
    env: { ...env, NODE_ENV: 'development', DATABASE_URL: dbUrl, DATABASE_POOL_SIZE: '10', HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: url, SESSION_SECRET, DEMO_DATA: 'false', LOG_LEVEL: 'warn', JOBS_WORKER: 'true', TRUST_PROXY: '1', ACCOUNT_ACTIVE_REQUESTS: '1000' }, // the 16 clients are one seller's account: the per-account cap (8 per node) would answer half of them its 429
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, child };
    } catch {
      /* not listening yet */
    }
    await sleep(200);
  }
  throw new Error('a portal process did not start');
}

const failures: string[] = [];

interface SalesFigure {
  sales: number;
  seconds: number;
  perSecond: number;
  requestsPerSecond: number;
  /** CPU ms of the portal processes per sale, all nodes together */
  portalCpuPerSale: number;
  /** CPU ms of the bench database's backends per sale (those alive at both ends of the run) */
  databaseCpuPerSale: number;
  /** sign-ins sent to the waiting room first */
  waited: number;
  load: string;
}

async function salesPerSecond(urls: string[], vehicles: Vehicle[], pids: number[], backends: () => Promise<number[]>): Promise<SalesFigure> {
  const clients = await Promise.all(
    Array.from({ length: CLIENTS }, async (_, i) => {
      const c = new Client(urls[i % urls.length]!, `198.51.100.${(i % 200) + 1 + (urls.length - 1) * 30}`);
      await c.get('/connexion');
      const res = await c.post('/connexion', { email: SELLER, password: DEMO_PASSWORD });
      if (res.status !== 303) throw new Error(`sign-in: ${res.status}`);
      c.requests = 0;
      return c;
    }),
  );
  const pool = [...vehicles];
  let sales = 0;
  const portalBefore = pids.map(cpuMs);
  const backendsBefore = new Map((await backends()).map((pid) => [pid, cpuMs(pid)]));
  const started = performance.now();
  await Promise.all(
    clients.map(async (c) => {
      for (let v = pool.shift(); v; v = pool.shift()) {
        try {
          await sell(c, v);
          sales++;
        } catch (error) {
          failures.push(`${v.plate}: ${(error as Error).message}`); // counted apart, not in the rate
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const portalCpu = pids.reduce((n, pid, i) => n + cpuMs(pid) - portalBefore[i]!, 0);
  const databaseCpu = (await backends()).reduce((n, pid) => n + (backendsBefore.has(pid) ? cpuMs(pid) - backendsBefore.get(pid)! : 0), 0);
  const requests = clients.reduce((n, c) => n + c.requests, 0);
  return {
    sales,
    seconds,
    perSecond: sales / seconds,
    requestsPerSecond: requests / seconds,
    portalCpuPerSale: Math.round(portalCpu / Math.max(1, sales)),
    databaseCpuPerSale: Math.round(databaseCpu / Math.max(1, sales)),
    waited: clients.reduce((n, c) => n + c.waited, 0),
    load: load(),
  };
}

/** 64 transactions at once, each appending one audit row and holding its transaction 20 ms. */
async function auditBurst(database: Database, withLock: boolean): Promise<{ ms: number; perSecond: number }> {
  const n = 64;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      database.db.transaction().execute(async (trx) => {
        if (withLock) await sql`select pg_advisory_xact_lock(73420002)`.execute(trx); // the former append: the chain's lock until commit
        await audit(trx, SYSTEM, 'bench.burst', { kind: 'probe', id: i });
        await sleep(20); // the rest of the request's transaction
      }),
    ),
  );
  const ms = performance.now() - started;
  return { ms: Math.round(ms), perSecond: Math.round((n / ms) * 1000) };
}

async function main(): Promise<void> {
  if (!ADMIN_URL?.startsWith('postgres')) throw new Error('test/bench/writes-and-nodes.ts needs DATABASE_URL=postgres://…');
  const name = `bench_writes_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const dbUrl = url.toString();
  const nodes: ChildProcess[] = [];
  const database = await openDatabase({ kind: 'postgres', url: dbUrl, poolSize: 16 });
  try {
    await migrate(database);
    const config = loadConfig({ NODE_ENV: 'development', DATABASE_URL: dbUrl, SESSION_SECRET, DEMO_DATA: 'false' });
    await seedDemoData(database.db, config);

    const locked = await auditBurst(database, true);
    const free = await auditBurst(database, false);
    console.log(`Audit burst (64 transactions of 20 ms, pool 16): with the former lock ${locked.ms} ms (${locked.perSecond}/s); without ${free.ms} ms (${free.perSecond}/s): ×${(locked.ms / free.ms).toFixed(1)}`);
    const check = await verifyAuditChain(database.db);
    console.log(`Audit chain after the bursts: ${check.ok ? `intact, ${check.rows} rows sealed` : `BROKEN: ${check.message}`}`);

    const vehicles = await sellableVehicles(database);
    const half = Math.min(Number(process.env.BENCH_SALES ?? 80), Math.floor(vehicles.length / 2));

    const backends = () => backendPids(admin, name);
    const line = (f: SalesFigure) =>
      `${f.sales} in ${f.seconds.toFixed(1)} s = ${f.perSecond.toFixed(1)} sales/s (${f.requestsPerSecond.toFixed(0)} req/s); CPU per sale: portal ${f.portalCpuPerSale} ms, PostgreSQL ${f.databaseCpuPerSale} ms; sign-ins sent to wait first: ${f.waited}; load ${f.load}`;
    const first = await startNode(dbUrl);
    nodes.push(first.child);
    const one = await salesPerSecond([first.url], vehicles.slice(0, half), [first.child.pid!], backends);
    console.log(`Sales, 1 node, ${CLIENTS} clients: ${line(one)}`);
    const second = await startNode(dbUrl);
    nodes.push(second.child);
    const two = await salesPerSecond([first.url, second.url], vehicles.slice(half, 2 * half), [first.child.pid!, second.child.pid!], backends);
    console.log(`Sales, 2 nodes, ${CLIENTS} clients: ${line(two)}: ×${(two.perSecond / one.perSecond).toFixed(2)}`);
    if (failures.length) console.log(`Sales refused (not counted): ${failures.length}, e.g. ${failures.slice(0, 3).join('; ')}`);
    const after = await verifyAuditChain(database.db);
    console.log(`Audit chain after the sales: ${after.ok ? `intact, ${after.rows} rows sealed` : `BROKEN: ${after.message}`}`);
    console.log(JSON.stringify({ auditBurst: { locked, free }, sales: { oneNode: one, twoNodes: two } }));
  } finally {
    await Promise.all(nodes.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : (child.once('exit', resolve), child.kill('SIGTERM'))))));
    await database.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
