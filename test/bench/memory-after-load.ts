/**
 * Memory after load, PostgreSQL mode (issue 20: < 250 MB). Needs a PostgreSQL server and a build:
 *
 *   npm run build && DATABASE_URL=postgres://postgres@127.0.0.1:55432/postgres npx tsx test/bench/memory-after-load.ts
 *
 * A fresh database on that server (demo data, dropped at the end); the built portal `node
 * dist/server.js` in its own process, with test/bench/memory-probe.mjs preloaded to read its memory
 * from inside (process.memoryUsage(), V8's heap spaces); then, for BENCH_SECONDS (15) at once, a
 * realistic mix: anonymous visitors on the home and sign-in pages (32 clients, from child processes),
 * signed-in citizens on « Mon espace véhicule » and « Mon compte » (8), agents searching the back
 * office (2), and declarations of sale with their three PDF downloads (4 clients). Prints RSS, heap
 * used / total, external, arrayBuffers and V8's young and old spaces before, at the peak and 10 s after
 * the load, with the load average; and after a full collection (what is really held).
 *
 * BENCH_HEAP_SNAPSHOTS=<folder>: heap snapshots (after a full collection) before and after the load,
 * to compare in Chrome's DevTools (Memory, « Comparison »). BENCH_SERVER=<file>: another build (a copy
 * of dist/ beside it) to compare two builds in one window. BENCH_NODE_ARGS: Node flags for the portal
 * instead of production's (scripts/node-flags.mjs), to try V8's sizing; `BENCH_NODE_ARGS=` (empty):
 * V8's defaults. BENCH_WAITING_ROOM=on keeps the loop-delay
 * waiting room (off by default: every request is computed, the worst case for memory). Not part of
 * npm test.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.ts';
import { DEMO_PASSWORD, seedDemoData } from '../../src/demo/seed.ts';
import { DEMO_TOTP_SECRET } from '../../src/demo/agents-totp.ts';
import { totpAt } from '../../src/domains/agents/totp.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import type { LoadResult } from './load.ts';
import { createDatabase, dropDatabase, load, loadAverage, PORTAL_NODE_FLAGS, startPortal } from './portal-process.ts';
import { Client, SELLER, sell, sellableVehicles, type SaleVehicle } from './sale-client.ts';

const ADMIN_URL = process.env.DATABASE_URL;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const SETTLE_SECONDS = 10;
const PORT = Number(process.env.BENCH_PORT ?? 3930);
const SESSION_SECRET = 'bench-memory-after-load-secret-0123456789';
const PROBE = fileURLToPath(new URL('./memory-probe.mjs', import.meta.url));

interface Memory {
  usage: NodeJS.MemoryUsage;
  spaces: Record<string, { used: number; committed: number }>;
  mallocedMemory: number;
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/**
 * Where the process's resident memory lies, from /proc/<pid>/smaps (MB): glibc's main heap (`[heap]`),
 * anonymous mappings (V8's pages, malloc's other arenas, thread stacks), and files (code, mapped data).
 */
function residentByKind(pid: number): { heap: number; anonymous: number; files: number } {
  const totals = { heap: 0, anonymous: 0, files: 0 };
  let kind: keyof typeof totals = 'anonymous';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (mapping) kind = mapping[1] === '[heap]' ? 'heap' : mapping[1] === '' || mapping[1]!.startsWith('[anon') ? 'anonymous' : mapping[1]!.startsWith('[') ? 'anonymous' : 'files';
    else if (line.startsWith('Rss:')) totals[kind] += Number(/\d+/.exec(line)![0]) / 1024;
  }
  return { heap: Math.round(totals.heap), anonymous: Math.round(totals.anonymous), files: Math.round(totals.files) };
}

/** One question to the probe preloaded in the portal, its answer. */
function ask<T>(child: ChildProcess, message: object): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the probe did not answer ${JSON.stringify(message)}`)), 120_000);
    child.once('message', (answer) => {
      clearTimeout(timer);
      resolve(answer as T);
    });
    child.send(message);
  });
}

/** Sign-in steps as a browser posts them (the CSRF token read from each form); the cookie header. */
async function signedIn(base: string, ip: string, steps: { path: string; fields: Record<string, string> }[]): Promise<string> {
  const client = new Client(base, ip);
  for (const step of steps) {
    await client.get(step.path);
    const res = await client.post(step.path, step.fields);
    if (res.status !== 303) throw new Error(`${step.path}: ${res.status}`);
  }
  return client.cookieHeader;
}

/** Sales with their PDF downloads, by `clients` signed-in sellers, until `end` or no vehicle is left. */
async function salesUntil(base: string, clients: number, vehicles: SaleVehicle[], end: number) {
  const figures = { sales: 0, pdfs: 0, pdfBytes: 0, requests: 0, failures: [] as string[] };
  await Promise.all(
    Array.from({ length: clients }, async (_, i) => {
      const c = new Client(base, `198.51.100.${i + 1}`);
      await c.signIn(SELLER, DEMO_PASSWORD);
      for (let v = vehicles.shift(); v && Date.now() < end; v = vehicles.shift()) {
        try {
          const done = await sell(c, v);
          figures.sales++;
          for (const [, href] of done.matchAll(/href="([^"]+\.pdf)"/g)) {
            const pdf = await c.get(href!);
            if (pdf.status !== 200) throw new Error(`${href}: ${pdf.status}`);
            figures.pdfs++;
            figures.pdfBytes += pdf.bytes;
          }
        } catch (error) {
          figures.failures.push(`${v.plate}: ${(error as Error).message}`);
        }
      }
      figures.requests += c.requests;
    }),
  );
  return figures;
}

async function main(): Promise<void> {
  if (!ADMIN_URL?.startsWith('postgres')) throw new Error('test/bench/memory-after-load.ts needs DATABASE_URL=postgres://…');
  const name = `bench_memory_${process.pid}`;
  const dbUrl = await createDatabase(ADMIN_URL, name);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'portail-bench-memory-'));
  let portal: Awaited<ReturnType<typeof startPortal>> | null = null;
  try {
    const database = await openDatabase({ kind: 'postgres', url: dbUrl, poolSize: 4 });
    let vehicles: SaleVehicle[];
    try {
      await migrate(database);
      await seedDemoData(database.db, loadConfig({ NODE_ENV: 'development', DATABASE_URL: dbUrl, SESSION_SECRET, DEMO_DATA: 'false' }));
      vehicles = await sellableVehicles(database);
    } finally {
      await database.close();
    }

    const base = `http://127.0.0.1:${PORT}`;
    const nodeArgs = ['--import', PROBE, ...(process.env.BENCH_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? PORTAL_NODE_FLAGS)];
    portal = await startPortal(
      PORT,
      {
        NODE_ENV: 'development', // production needs a real seal key, SMTP, S3, FranceConnect: the other benches run the same way
        DATABASE_URL: dbUrl,
        DATA_DIR: dataDir,
        SESSION_SECRET,
        PUBLIC_URL: base,
        HOST: '127.0.0.1',
        DEMO_DATA: 'false',
        TRUST_PROXY: '1', // the sellers' addresses come in X-Forwarded-For: per-address throttles see four people
        APP_CLOCK_START: undefined,
        ADMISSION_MAX_LOOP_DELAY_MS: process.env.BENCH_WAITING_ROOM === 'on' ? undefined : '0',
      },
      { nodeArgs, server: process.env.BENCH_SERVER, ipc: true },
    );
    const child = portal.process;
    const snapshots = process.env.BENCH_HEAP_SNAPSHOTS ? path.resolve(process.env.BENCH_HEAP_SNAPSHOTS) : null;
    const rows: { phase: string; rss: number; memory: Memory; load: string; resident?: ReturnType<typeof residentByKind> }[] = [];
    const sample = async (phase: string, type: 'memory' | 'gc' = 'memory') => {
      const memory = await ask<Memory>(child, { type });
      const row = { phase, rss: portal!.rssMb().rss, memory, load: loadAverage(), resident: residentByKind(child.pid!) };
      rows.push(row);
      return row;
    };

    await new Promise((resolve) => setTimeout(resolve, 2000));
    await sample('avant la charge');
    if (snapshots) console.log(`Instantané : ${(await ask<{ file: string }>(child, { type: 'snapshot', file: path.join(snapshots, 'before.heapsnapshot') })).file}`);

    const citizen = await signedIn(base, '203.0.113.1', [{ path: '/connexion', fields: { email: SELLER, password: DEMO_PASSWORD } }]);
    const company = await signedIn(base, '203.0.113.2', [{ path: '/connexion', fields: { email: 'demo.entreprise@example.fr', password: DEMO_PASSWORD } }]);
    const agent = await signedIn(base, '203.0.113.3', [
      { path: '/agents/connexion', fields: { email: 'agent.cert@example.fr', password: DEMO_PASSWORD } },
      { path: '/agents/connexion/code', fields: { code: totpAt(DEMO_TOTP_SECRET, Date.now()) } },
    ]);

    const cpuBefore = portal.cpuMs();
    const durationMs = SECONDS * 1000;
    const end = Date.now() + durationMs;
    const closed = (url: string, concurrency: number, cookie?: string) => load({ url: base + url, durationMs, mode: 'closed', concurrency, cookie, timeoutMs: 30_000 });
    const peak = { rss: 0, memory: null as Memory | null };
    const sampling = (async () => {
      while (Date.now() < end) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const memory = await ask<Memory>(child, { type: 'memory' });
        const rss = portal!.rssMb().rss;
        if (rss > peak.rss) Object.assign(peak, { rss, memory });
      }
    })();
    const [home, signIn, myVehicles, myAccount, searches, sales] = await Promise.all([
      closed('/', 16),
      closed('/connexion', 16),
      closed('/vehicules', 4, citizen),
      closed('/compte', 4, company),
      closed('/agents/vehicules?q=martin', 2, agent),
      salesUntil(base, 4, vehicles, end),
    ]);
    await sampling;
    const cpu = portal.cpuMs() - cpuBefore;
    const requests = [home, signIn, myVehicles, myAccount, searches].reduce((n, r) => n + r.count, 0) + sales.requests;
    const atEnd = await sample('fin de la charge');
    if (peak.memory) rows.splice(rows.length - 1, 0, { phase: 'pic pendant la charge (RSS la plus haute)', rss: peak.rss, memory: peak.memory, load: atEnd.load });
    await new Promise((resolve) => setTimeout(resolve, SETTLE_SECONDS * 1000));
    await sample(`${SETTLE_SECONDS} s après la charge`);
    await sample('puis après un ramasse-miettes complet', 'gc');
    if (snapshots) console.log(`Instantané : ${(await ask<{ file: string }>(child, { type: 'snapshot', file: path.join(snapshots, 'after.heapsnapshot') })).file}`);
    const { peak: vmHwm } = portal.rssMb();

    const line = (what: string, r: LoadResult) => `  ${what}: ${r.count} requêtes (${r.rps}/s), p50 ${r.p50} ms, p99 ${r.p99} ms, erreurs ${r.errors + r.timeouts}, salle d’attente ${r.waiting}`;
    console.log(`Mémoire après charge, PostgreSQL (node ${nodeArgs.slice(2).join(' ')} ${process.env.BENCH_SERVER ?? 'dist/server.js'}), charge de ${SECONDS} s :`);
    console.log(line('accueil, anonyme (16 clients)', home));
    console.log(line('page de connexion, anonyme (16)', signIn));
    console.log(line('Mon espace véhicule, connecté (4)', myVehicles));
    console.log(line('Mon compte, entreprise connectée (4)', myAccount));
    console.log(line('recherche d’un agent q=martin (2)', searches));
    console.log(`  cessions (4 clients) : ${sales.sales} déclarées, ${sales.pdfs} PDF téléchargés (${mb(sales.pdfBytes)} Mo), échecs ${sales.failures.length}${sales.failures.length ? ` (${sales.failures.slice(0, 2).join('; ')})` : ''}`);
    console.log(`  temps de calcul du portail pendant la charge : ${Math.round(cpu)} ms pour ${requests} requêtes, ${(cpu / requests).toFixed(2)} ms par requête (/proc/<pid>/stat)`);
    console.log('');
    console.log('| moment | RSS Mo | tas utilisé / réservé Mo | jeune génération utilisée / réservée | ancienne génération utilisée / réservée | external Mo | arrayBuffers Mo | malloc V8 Mo | charge |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const { phase, rss, memory: m, load: l } of rows) {
      const space = (name: string) => `${mb(m.spaces[name]?.used ?? 0)} / ${mb(m.spaces[name]?.committed ?? 0)}`;
      console.log(`| ${phase} | ${rss} | ${mb(m.usage.heapUsed)} / ${mb(m.usage.heapTotal)} | ${space('new_space')} | ${space('old_space')} | ${mb(m.usage.external)} | ${mb(m.usage.arrayBuffers)} | ${mb(m.mallocedMemory)} | ${l} |`);
    }
    console.log(`RSS la plus haute du processus (VmHWM) : ${vmHwm} Mo`);
    for (const { phase, resident } of rows) if (resident) console.log(`  résident, ${phase} : tas de malloc [heap] ${resident.heap} Mo, anonyme (pages de V8, autres arènes de malloc, piles) ${resident.anonymous} Mo, fichiers ${resident.files} Mo`);
    console.log(JSON.stringify({ cpuMsPerRequest: cpu / requests, rows: rows.map((r) => ({ phase: r.phase, rss: r.rss, heapUsed: r.memory.usage.heapUsed, heapTotal: r.memory.usage.heapTotal, external: r.memory.usage.external, arrayBuffers: r.memory.usage.arrayBuffers })), vmHwm }));
  } finally {
    await portal?.stop();
    await dropDatabase(ADMIN_URL, name);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
