/**
 * Citizens' pages while 20 agents search (issue 20: « unaffected, ±20 % »). Needs a PostgreSQL server:
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:55432/postgres npx tsx test/bench/citizens-while-agents.ts
 *
 * Creates a fresh database on that server (dropped at the end), with the demo data grown by the
 * scale seed (BENCH_VEHICLES vehicles, 200,000 by default, a fifth as many waiting requests, a tenth
 * as many accounts), starts two portal processes (`node scripts/start.mjs`, default pools) alike but
 * for the back office's time budget (BACKOFFICE_TIME_SHARE=0, and BENCH_SHARE or the default), then
 * on each in turn (BENCH_ROUNDS times), BENCH_SECONDS (15) each, measures 8 signed-in citizens
 * reading « Mon espace véhicule » (closed loop):
 * 1. alone; 2. one agent searching alone (never slowed by the budget); 3. the citizens while 20
 * agents' searches by a common surname run at the same time (closed loop, one agent's session signed
 * in with password and TOTP); 4. alone again (the machine is shared: the two « alone » runs bracket
 * the noise). Prints each rate, the agents' rate and p50, and the ratio, with the load average.
 * Not part of npm test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { DEMO_TOTP_SECRET } from '../../src/demo/agents-totp.ts';
import { seedAtScale } from '../../src/demo/scale-seed.ts';
import { DEMO_PASSWORD, seedDemoData } from '../../src/demo/seed.ts';
import { totpAt } from '../../src/domains/agents/totp.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import { runLoad, type LoadResult } from './load.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ADMIN_URL = process.env.DATABASE_URL;
const VEHICLES = Number(process.env.BENCH_VEHICLES ?? 200_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CITIZENS = 8;
/** BACKOFFICE_TIME_SHARE of the portal with the budget (unset: the portal's default) */
const SHARE = process.env.BENCH_SHARE;
/** how many times the two portals are measured in turn */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const AGENTS = 20;
const SESSION_SECRET = 'bench-citizens-agents-secret-0123456789';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

/** CPU time (ms) a process has used so far, from /proc (Linux; clock ticks of 10 ms). */
const cpuMsOf = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime
};

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/** Posts forms as a browser does (cookies kept, the CSRF token read from the form's page); returns the cookie header. */
async function signIn(base: string, steps: { path: string; fields: Record<string, string> }[]): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) =>
    res.headers.getSetCookie().forEach((c) => {
      const [kv] = c.split(';');
      const [k, ...v] = kv!.split('=');
      jar.set(k!.trim(), v.join('='));
    });
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  for (const step of steps) {
    const page = await fetch(`${base}${step.path}`, { headers: { cookie: cookie() } });
    keep(page);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
    if (!csrf) throw new Error(`${step.path}: no form (${page.status})`);
    const res = await fetch(`${base}${step.path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: cookie(), origin: base, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, ...step.fields }).toString(),
    });
    keep(res);
    if (res.status !== 303) throw new Error(`${step.path}: ${res.status}`);
  }
  return cookie();
}

async function main(): Promise<void> {
  if (!ADMIN_URL?.startsWith('postgres')) throw new Error('test/bench/citizens-while-agents.ts needs DATABASE_URL=postgres://…');
  const name = `bench_agents_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const dbUrl = url.toString();
  const children: ChildProcess[] = [];
  try {
    const database = await openDatabase({ kind: 'postgres', url: dbUrl, poolSize: 8 });
    try {
      await migrate(database);
      await seedDemoData(database.db, loadConfig({ NODE_ENV: 'development', DATABASE_URL: dbUrl, SESSION_SECRET, DEMO_DATA: 'false' }));
      const seeded = performance.now();
      await seedAtScale(database, { vehicles: VEHICLES, requests: Math.round(VEHICLES / 5), accounts: Math.round(VEHICLES / 10) });
      console.log(`Données : démo + ${VEHICLES} véhicules, ${Math.round(VEHICLES / 5)} demandes en attente (${((performance.now() - seeded) / 1000).toFixed(0)} s)`);
    } finally {
      await database.close();
    }

    // two portal processes on the same database, alike but for the back office's time budget: off
    // (BACKOFFICE_TIME_SHARE=0) and on (BENCH_SHARE, else the default); measured in turn, in one window
    const { APP_CLOCK_START: _moved, ...env } = process.env;
    const portals: { label: string; base: string; child: ChildProcess }[] = [];
    for (const [label, share] of [['sans budget', '0'], [`budget ${SHARE ?? 'par défaut'}`, SHARE]] as const) {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start.mjs')], {
        cwd: ROOT,
        env: {
          ...env,
          NODE_ENV: 'development',
          DATABASE_URL: dbUrl,
          HOST: '127.0.0.1',
          PORT: String(port),
          PUBLIC_URL: base,
          SESSION_SECRET,
          DEMO_DATA: 'false',
          LOG_LEVEL: 'warn',
          // the 8 citizens and the 20 agents are one account each: the per-account cap (8) would answer its cheap 429 instead of the pages measured
          ACCOUNT_ACTIVE_REQUESTS: '1000',
          // the loop-delay waiting room sends the first sign-in after the start to the waiting page
          // (a 503 that stops the bench; helper T's defect): off here, as in signed-in-page.ts
          ADMISSION_MAX_LOOP_DELAY_MS: '0',
          ...(share === undefined ? {} : { BACKOFFICE_TIME_SHARE: share }),
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(child);
      portals.push({ label, base, child });
      for (let i = 0; ; i++) {
        if (i > 600) throw new Error('the portal did not start');
        const up = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
        if (up) break;
        await sleep(200);
      }
    }

    // one sign-in each, valid on both portals (same database, same secret)
    const citizen = await signIn(portals[0]!.base, [{ path: '/connexion', fields: { email: 'demo.particulier@example.fr', password: DEMO_PASSWORD } }]);
    const agent = await signIn(portals[0]!.base, [
      { path: '/agents/connexion', fields: { email: 'agent.cert@example.fr', password: DEMO_PASSWORD } },
      { path: '/agents/connexion/code', fields: { code: totpAt(DEMO_TOTP_SECRET, Date.now()) } },
    ]);
    const citizens = (base: string) => runLoad({ url: `${base}/vehicules`, durationMs: SECONDS * 1000, cookie: citizen, mode: 'closed', concurrency: CITIZENS, timeoutMs: 30_000 });
    const searches = (base: string, clients = AGENTS) =>
      runLoad({ url: `${base}/agents/vehicules?q=martin`, durationMs: SECONDS * 1000, cookie: agent, mode: 'closed', concurrency: clients, timeoutMs: 30_000 });
    const line = (what: string, r: LoadResult, portalCpu?: number) =>
      `${what}: ${r.rps.toFixed(1)} req/s, p50 ${r.p50} ms, p95 ${r.p95} ms, errors ${r.errors + r.timeouts}, sent away (503) ${r.waiting}` +
      (portalCpu === undefined ? '' : `; portal CPU ${portalCpu} ms/s`);
    /** what `work` gives, with the CPU the portal process used per second meanwhile (its own, whatever the machine's load) */
    const measured = async <T>(pid: number, work: () => Promise<T>): Promise<[T, number]> => {
      const [cpu, wall] = [cpuMsOf(pid), performance.now()];
      const result = await work();
      return [result, Math.round(((cpuMsOf(pid) - cpu) / (performance.now() - wall)) * 1000)];
    };

    for (const portal of portals) await citizens(portal.base); // warm-up (JIT, caches), not counted
    const results: Record<string, unknown>[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const portal of portals) {
        const pid = portal.child.pid!;
        const [alone, aloneCpu] = await measured(pid, () => citizens(portal.base));
        console.log(`${line(`[${portal.label}] Citoyens seuls (${CITIZENS})`, alone, aloneCpu)}; load ${load()}`);
        const [lone, loneCpu] = await measured(pid, () => searches(portal.base, 1));
        console.log(`${line(`[${portal.label}] Un agent seul (q=martin)`, lone, loneCpu)}; load ${load()}`);
        const [[during, agentsResult], duringCpu] = await measured(pid, () => Promise.all([citizens(portal.base), searches(portal.base)]));
        console.log(`${line(`[${portal.label}] Citoyens pendant ${AGENTS} recherches d’agents`, during, duringCpu)}; load ${load()}`);
        console.log(line(`[${portal.label}] Recherches des ${AGENTS} agents (q=martin)`, agentsResult));
        const [again, againCpu] = await measured(pid, () => citizens(portal.base));
        console.log(`${line(`[${portal.label}] Citoyens seuls, de nouveau`, again, againCpu)}; load ${load()}`);
        const ratio = during.rps / ((alone.rps + again.rps) / 2);
        // the portal's CPU per citizen's page: alone, and during the searches (all the portal's CPU, agents' included, over the citizens' pages)
        const perPage = (cpu: number, r: LoadResult) => (r.rps ? (cpu / r.rps).toFixed(2) : '—');
        console.log(
          `[${portal.label}] Rapport pendant / seuls : ×${ratio.toFixed(2)} (cible : 0,80 à 1,20); CPU du portail par page de citoyen : ${perPage(aloneCpu, alone)} ms seuls, ${perPage(duringCpu, during)} ms pendant les recherches; par recherche d’un agent seul : ${perPage(loneCpu, lone)} ms`,
        );
        results.push({ round, portal: portal.label, alone, lone, during, agents: agentsResult, again, ratio, portalCpuMsPerSecond: { alone: aloneCpu, lone: loneCpu, during: duringCpu, again: againCpu } });
      }
    }
    console.log(JSON.stringify({ vehicles: VEHICLES, results }));
  } finally {
    for (const child of children) if (child.exitCode === null) await new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM')));
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
