/**
 * The cost of a signed-in page against its ceiling (issue 20), alone and quickly: the built portal
 * (`node dist/server.js`, built by `npm run build`) on a fresh PostgreSQL database with the demo
 * data, the demo individual signed in, then "Mon espace véhicule", "Mon compte" and the home page
 * under BENCH_CONCURRENCY (16) clients for BENCH_MS (5 s) each, and a bare Fastify serving the same
 * bytes in the same window. `npm run bench` measures the same pages among all its scenarios; this
 * one takes a minute, so that two builds can be compared on a loaded machine.
 *
 *   npm run build && DATABASE_URL=postgres://postgres@127.0.0.1:55432/postgres npx tsx test/bench/signed-in-page.ts
 *
 * Prints one line per page: the portal's req/s, the bare Fastify's, their ratio, p50/p99, and the
 * portal process's own CPU time per request (user + system, read from /proc/<pid>/stat around the
 * run: it does not depend on the machine's load). BENCH_PROFILE=<folder> runs the portal under
 * `node --cpu-prof` and leaves its .cpuprofile there (written when it stops), with each page's window
 * printed in the profile's clock (monotonic µs) so that start-up can be left out of its reading
 * (`profile-top.ts <file> 40 <window>`); BENCH_WARMUP_MS (0) runs each page that long on each portal
 * before its measures, unmeasured (the JIT's first seconds left out: a steady state); BENCH_NODE_ARGS adds Node flags to the portal's command line
 * (e.g. `--max-semi-space-size=8`, `--trace-deopt`) and BENCH_PORTAL_OUTPUT=<file> keeps its standard
 * output in <file>.<port>;
 * BENCH_PAGES=/vehicules,/compte measures only those; BENCH_SERVER=<file> runs another build (a copy
 * of dist/ kept beside it, e.g. `dist-base/server.js`); BENCH_COMPARE=<file> runs a second build
 * beside the first, each on its own database, and measures them in turn, BENCH_ROUNDS (3) times per
 * page, each followed by the bare Fastify: two builds compared in the same window of the machine's
 * load. Not part of npm test.
 */
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import pg from 'pg';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';
import type { LoadResult, LoadSpec } from './load.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DURATION_MS = Number(process.env.BENCH_MS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const PORT = Number(process.env.BENCH_PORT ?? 3914);
const BARE_PORT = PORT + 1;
const PAGES = [
  { name: 'GET /vehicules (signed in: Mon espace véhicule)', path: '/vehicules', signedIn: true },
  { name: 'GET /compte (signed in)', path: '/compte', signedIn: true },
  { name: 'GET / (home, anonymous)', path: '/', signedIn: false },
];

/** user and system CPU time of a process, in ms (Linux: /proc/<pid>/stat, in clock ticks of 10 ms) */
function cpuMsOf(pid: number): { user: number; system: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 };
}

function load(spec: LoadSpec): Promise<LoadResult> {
  const child = fork(fileURLToPath(new URL('./load.ts', import.meta.url)), ['child', JSON.stringify(spec)], { execArgv: ['--import', 'tsx'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as LoadResult));
    child.once('exit', (code) => code && reject(new Error(`load generator exited with ${code}`)));
  });
}

async function signIn(base: string): Promise<string> {
  const page = await fetch(`${base}/connexion`);
  const first = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const res = await fetch(`${base}/connexion`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: first, 'content-type': 'application/x-www-form-urlencoded', origin: base },
    body: new URLSearchParams({ _csrf: csrf, email: 'demo.particulier@example.fr', password: DEMO_PASSWORD }).toString(),
  });
  if (res.status !== 303) throw new Error(`sign-in: ${res.status}`);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

interface Portal {
  label: string;
  base: string;
  pid: number;
  cookie: string;
  stop(): Promise<void>;
}

/** One built portal on its own fresh PostgreSQL database with the demo data, the demo individual signed in. */
async function startPortal(admin: string, client: pg.Client, server: string, port: number, profileDir: string | undefined): Promise<Portal> {
  const name = `bench_page_${randomBytes(4).toString('hex')}`;
  await client.query(`create database ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'portail-bench-page-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url.toString(), DEMO_DATA: 'true', DATA_DIR: dataDir, JOBS_WORKER: 'false', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ACCOUNT_ACTIVE_REQUESTS: '1000' }; // 16 clients of one account: the per-account cap (8) would answer half of them its cheap 429
  delete env.APP_CLOCK_START;
  const nodeArgs = [...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(profileDir)] : []), ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [])];
  const output = process.env.BENCH_PORTAL_OUTPUT ? openSync(`${process.env.BENCH_PORTAL_OUTPUT}.${port}`, 'w') : 'ignore';
  const child = spawn(process.execPath, [...nodeArgs, server], { cwd: ROOT, env, stdio: ['ignore', output, 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.kill('SIGTERM');
    if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    await client.query(`drop database if exists ${name} with (force)`);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    while (!(await fetch(`${base}/healthz`).then((r) => r.ok, () => false))) {
      if (child.exitCode !== null) throw new Error(`${server} stopped at start`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // right after start, a loaded machine's late loop may send the sign-in page to the waiting room: try again
    let cookie = '';
    for (let attempt = 1; !cookie; attempt++) {
      cookie = await signIn(base).catch((error: unknown) => {
        if (attempt >= 20) throw error;
        return new Promise<string>((resolve) => setTimeout(() => resolve(''), 500));
      });
    }
    return { label: server, base, pid: child.pid!, cookie, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function main(): Promise<void> {
  const admin = process.env.DATABASE_URL;
  if (!admin?.startsWith('postgres')) throw new Error('test/bench/signed-in-page.ts needs DATABASE_URL=postgres://…');
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  const servers = [process.env.BENCH_SERVER ?? 'dist/server.js', ...(process.env.BENCH_COMPARE ? [process.env.BENCH_COMPARE] : [])];
  const rounds = Number(process.env.BENCH_ROUNDS ?? (servers.length > 1 ? 3 : 1));
  const profileDir = process.env.BENCH_PROFILE;
  const portals: Portal[] = [];
  const bare = Fastify();
  try {
    for (const [i, server] of servers.entries()) portals.push(await startPortal(admin, client, server, PORT + 2 * i, profileDir));
    const first = portals[0]!;
    const bodies = new Map<string, { body: Buffer; type: string }>();
    for (const p of PAGES) {
      let sample = await fetch(`${first.base}${p.path}`, { headers: p.signedIn ? { cookie: first.cookie } : {}, redirect: 'manual' });
      // a loaded machine's late loop may send an anonymous visitor to the waiting room right after start: try again
      for (let attempt = 1; sample.status === 503 && attempt < 20; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        sample = await fetch(`${first.base}${p.path}`, { headers: p.signedIn ? { cookie: first.cookie } : {}, redirect: 'manual' });
      }
      if (sample.status !== 200) throw new Error(`${p.path}: ${sample.status}`);
      bodies.set(p.path, { body: Buffer.from(await sample.arrayBuffer()), type: sample.headers.get('content-type') ?? 'text/html' });
    }
    for (const [p, b] of bodies) bare.get(p, (_request, reply) => reply.type(b.type).send(b.body));
    await bare.listen({ port: BARE_PORT, host: '127.0.0.1' });
    console.log(`${CONCURRENCY} clients, ${DURATION_MS / 1000} s per measure, PostgreSQL; load average at start ${loadAverage()}`);
    console.log(`pages: ${[...bodies].map(([p, b]) => `${p} ${b.body.length} bytes`).join(', ')}`);
    const only = process.env.BENCH_PAGES?.split(',');
    const warmupMs = Number(process.env.BENCH_WARMUP_MS ?? 0);
    for (const p of PAGES.filter((page) => !only || only.includes(page.path))) {
      // a process serving for hours has compiled its code: the first seconds of a page (the JIT's work) left out when asked
      if (warmupMs > 0) {
        for (const portal of portals) await load({ url: `${portal.base}${p.path}`, durationMs: warmupMs, mode: 'closed', concurrency: CONCURRENCY, cookie: p.signedIn ? portal.cookie : undefined });
      }
      for (let round = 1; round <= rounds; round++) {
        // each portal, then its ceiling, one after the other: the same window of the machine's load
        for (const portal of portals) {
          const cpuBefore = cpuMsOf(portal.pid);
          const windowStart = process.hrtime.bigint() / 1000n;
          const portalRun = await load({ url: `${portal.base}${p.path}`, durationMs: DURATION_MS, mode: 'closed', concurrency: CONCURRENCY, cookie: p.signedIn ? portal.cookie : undefined });
          const cpuAfter = cpuMsOf(portal.pid);
          const userPerRequest = (cpuAfter.user - cpuBefore.user) / portalRun.count;
          const systemPerRequest = (cpuAfter.system - cpuBefore.system) / portalRun.count;
          if (profileDir) console.log(`${p.path}: profile window ${windowStart}-${process.hrtime.bigint() / 1000n} µs`);
          const bareRun = await load({ url: `http://127.0.0.1:${BARE_PORT}${p.path}`, durationMs: DURATION_MS, mode: 'closed', concurrency: CONCURRENCY });
          const who = portals.length > 1 ? ` [${portal.label}, round ${round}]` : '';
          console.log(
            `${p.name}${who}: ${portalRun.rps} req/s (p50 ${portalRun.p50} ms, p99 ${portalRun.p99} ms, errors ${portalRun.errors + portalRun.timeouts}) vs bare Fastify ${bareRun.rps} req/s: ${(portalRun.rps / bareRun.rps).toFixed(3)}×; portal CPU ${(userPerRequest + systemPerRequest).toFixed(2)} ms per request (user ${userPerRequest.toFixed(2)}, system ${systemPerRequest.toFixed(2)}); load ${loadAverage()}`,
          );
        }
      }
    }
    console.log(`load average at the end ${loadAverage()}`);
  } finally {
    await bare.close();
    for (const portal of portals) await portal.stop();
    await client.end();
  }
}

function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
