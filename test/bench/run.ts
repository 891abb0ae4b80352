/**
 * `npm run bench`: the issue 20 figures in one run, written to docs/performance.md next to their
 * targets. The portal runs as its own process (`node dist/server.js`, built first), on PGlite and —
 * when DATABASE_URL names a PostgreSQL server — on a fresh database of that server; the load comes
 * from child processes (test/bench/load.ts). In the same run: a bare Fastify serving the very bytes
 * of the measured pages (the ceiling), 500 connections on the home page at 5× the sustainable load
 * with and without the waiting room, start times (test/bench/start-time.ts), the memory of the
 * PostgreSQL-mode process after the load, and the other helpers' benchmarks when present
 * (test/bench/search-at-scale.ts, writes-and-nodes.ts, citizens-while-agents.ts, import-at-scale.ts).
 * Not a test; ~10 minutes on a quiet machine.
 *   BENCH_MS (default 3000) per scenario, BENCH_CONCURRENCY (16).
 */
import { fork, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import pg from 'pg';
import { describeRun, measureOverload, overloadTable, type OverloadFigures } from './overload.ts';
import { createDatabase as createDatabaseOn, dropDatabase as dropDatabaseOn, load, startPortal as startPortalOn, type Portal } from './portal-process.ts';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';
import { DEMO_TOTP_SECRET } from '../../src/demo/agents-totp.ts';
import { totpAt } from '../../src/domains/agents/totp.ts';
import type { LoadResult } from './load.ts';
import { describePhases, startFigures, type StartFigures } from './start-time.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DURATION_MS = Number(process.env.BENCH_MS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const PG_URL = process.env.DATABASE_URL;
const PORT = 3904;
const BARE_PORT = 3905;

const log = (line: string) => console.log(line);
const startPortal = (env: Record<string, string | undefined>) => startPortalOn(PORT, env);

/** Signs the demo individual in through the real form; returns the session cookie. */
async function signIn(base: string): Promise<string> {
  const page = await fetch(`${base}/connexion`);
  const first = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const res = await fetch(`${base}/connexion`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: first, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, email: 'demo.particulier@example.fr', password: DEMO_PASSWORD }).toString(),
  });
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

/** Signs the demo instruction-centre agent in: password, then the TOTP code of the demo key. */
async function signInAgent(base: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => res.headers.getSetCookie().forEach((c) => { const [kv] = c.split(';'); const [k, v] = kv!.split('='); jar.set(k!, v!); });
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const post = async (p: string, fields: Record<string, string>) => {
    const page = await fetch(`${base}${p}`, { headers: { cookie: cookie() } });
    keep(page);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    keep(await fetch(`${base}${p}`, { method: 'POST', redirect: 'manual', headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, ...fields }).toString() }));
  };
  await post('/agents/connexion', { email: 'agent.cert@example.fr', password: DEMO_PASSWORD });
  await post('/agents/connexion/code', { code: totpAt(DEMO_TOTP_SECRET, Date.now()) });
  return cookie();
}

const SCENARIOS: { name: string; path: string; who?: 'user' | 'agent' }[] = [
  { name: 'GET / (home, anonymous)', path: '/' },
  { name: 'GET /cgu (terms, 33 kB of text)', path: '/cgu' },
  { name: 'GET /healthz', path: '/healthz' },
  { name: 'GET static CSS (DSFR)', path: '/assets/dsfr/1.14.3/dsfr.min.css' },
  { name: 'GET /compte (signed in)', path: '/compte', who: 'user' },
  { name: 'GET /vehicules (signed in: Mon espace véhicule)', path: '/vehicules', who: 'user' },
  { name: 'GET /agents/vehicules (agent: queue, first page)', path: '/agents/vehicules', who: 'agent' },
  { name: 'GET /agents/vehicules?q=martin (agent: search by name)', path: '/agents/vehicules?q=martin', who: 'agent' },
];

type Row = { scenario: string } & LoadResult;

async function scenarios(portal: Portal): Promise<{ rows: Row[]; bytes: Map<string, { body: Buffer; type: string }> }> {
  const user = await signIn(portal.base);
  const agent = await signInAgent(portal.base);
  const rows: Row[] = [];
  const bytes = new Map<string, { body: Buffer; type: string }>();
  for (const s of SCENARIOS) {
    const cookie = s.who === 'agent' ? agent : s.who === 'user' ? user : undefined;
    const sample = await fetch(`${portal.base}${s.path}`, { headers: { ...(cookie ? { cookie } : {}), 'accept-encoding': 'identity' }, redirect: 'manual' });
    bytes.set(s.path, { body: Buffer.from(await sample.arrayBuffer()), type: sample.headers.get('content-type') ?? 'text/html' });
    const r = await load({ url: `${portal.base}${s.path}`, durationMs: DURATION_MS, mode: 'closed', concurrency: CONCURRENCY, cookie });
    rows.push({ scenario: s.name, ...r });
    log(`  ${s.name}: ${r.rps} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, errors ${r.errors + r.timeouts}`);
  }
  return { rows, bytes };
}

/** The ceiling: a bare Fastify in its own process serving the same bytes as the portal did. */
async function bareCeiling(bytes: Map<string, { body: Buffer; type: string }>): Promise<Map<string, LoadResult>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'portail-bare-'));
  const results = new Map<string, LoadResult>();
  try {
    const files: Record<string, { file: string; type: string }> = {};
    let i = 0;
    for (const [p, b] of bytes) {
      const file = path.join(dir, `${i++}.bin`);
      writeFileSync(file, b.body);
      files[p] = { file, type: b.type };
    }
    writeFileSync(path.join(dir, 'files.json'), JSON.stringify(files));
    const child = fork(fileURLToPath(import.meta.url), ['bare', path.join(dir, 'files.json')], { execArgv: ['--import', 'tsx'] });
    await new Promise((resolve) => child.once('message', resolve));
    for (const p of bytes.keys()) results.set(p, await load({ url: `http://127.0.0.1:${BARE_PORT}${p}`, durationMs: DURATION_MS, mode: 'closed', concurrency: CONCURRENCY }));
    child.kill();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

if (process.argv[2] === 'bare') {
  const files = JSON.parse(readFileSync(process.argv[3]!, 'utf8')) as Record<string, { file: string; type: string }>;
  const bare = Fastify();
  const bodies = new Map(Object.entries(files).map(([p, f]) => [p, { body: readFileSync(f.file), type: f.type }]));
  bare.get('/*', async (request, reply) => {
    const found = bodies.get(request.url);
    return found ? reply.type(found.type).send(found.body) : reply.code(404).send();
  });
  await bare.listen({ host: '127.0.0.1', port: BARE_PORT });
  process.send!('ready');
} else {
  await main();
}

const createDatabase = (name: string) => createDatabaseOn(PG_URL!, name);
const dropDatabase = (name: string) => dropDatabaseOn(PG_URL!, name);

function runScript(file: string, env: NodeJS.ProcessEnv, args: string[] = []): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(ROOT, file), ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => ((out += c), process.stdout.write(c)));
    child.stderr.on('data', (c: Buffer) => ((out += c), process.stderr.write(c)));
    child.once('exit', (code) => resolve(code ? `${out}\n(exit code ${code})` : out));
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  log(`Benchmark of ${when} UTC: ${DURATION_MS / 1000} s per scenario, ${CONCURRENCY} clients`);

  log('\n# Start (PGlite, built)');
  const start: StartFigures = await startFigures(PORT);
  log(`  cold ${start.built.cold.firstPageMs} ms, warm ${start.built.warm.firstPageMs} ms, tsx warm ${start.tsx.warm.firstPageMs} ms`);

  log('\n# PGlite');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'portail-bench-'));
  let pglite: Awaited<ReturnType<typeof scenarios>>;
  let pgliteMem: { rss: number; peak: number };
  {
    const portal = await startPortal({ DATA_DIR: dataDir, DATABASE_URL: undefined, JOBS_WORKER: 'false' });
    try {
      pglite = await scenarios(portal);
      pgliteMem = portal.rssMb();
    } finally {
      await portal.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  log('\n# Bare Fastify, same bytes');
  const bare = await bareCeiling(pglite.bytes);

  let postgres: Awaited<ReturnType<typeof scenarios>> | null = null;
  let pgMem: { rss: number; peak: number } | null = null;
  let overload: OverloadFigures | null = null;
  let others = '';
  if (PG_URL) {
    log('\n# PostgreSQL');
    const dbName = `h4bench_${process.pid}`;
    const url = await createDatabase(dbName);
    const pgDir = mkdtempSync(path.join(tmpdir(), 'portail-bench-pg-'));
    const env = { DATABASE_URL: url, DEMO_DATA: 'true', DATA_DIR: pgDir, JOBS_WORKER: 'false' };
    try {
      const portal = await startPortal(env);
      try {
        // 5,000 requests of the demo company waiting for the instruction centre, one per minute back in time
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`insert into vehicle_procedures (file_number, account_id, kind, initiator, vehicle_id, status, code_verified, data, updated_at, submitted_at, department)
          select 'V26-B' || lpad(g::text, 7, '0'), (select id from accounts where email = 'demo.entreprise@example.fr'), 'duplicate', 'self',
                 (select id from vehicles order by id limit 1 offset g % 300), 'awaiting_review', true, '{"duplicate":{"step":"report","reason":"theft"}}'::jsonb,
                 now(), now() - make_interval(mins => g), '75'
          from generate_series(1, 5000) g`);
        await client.end();
        postgres = await scenarios(portal);
        pgMem = portal.rssMb();
        log(`  memory after the load: RSS ${pgMem.rss} MB (peak ${pgMem.peak} MB)`);
        await portal.stop();
        // 500 connections on the home page at 5× (and 2×) the sustainable rate, with and without the waiting room (test/bench/overload.ts)
        log('\n# 500 connections on the home page, PostgreSQL');
        overload = await measureOverload(env, [5, 2], (line) => log(line));
      } finally {
        if (portal.process.exitCode === null) await portal.stop();
      }
    } finally {
      await dropDatabase(dbName);
      rmSync(pgDir, { recursive: true, force: true });
    }
    // the figures so far, in case the benchmarks at scale do not finish
    writeReport(report({ when, start, pglite, pgliteMem, bare, postgres, pgMem, overload, others: '\nStill running when this file was written.\n', minutes: (Date.now() - started) / 60000 }));
    // The data at scale (1 M vehicles…) for the other helpers' benchmarks: BENCH_SCALE_DATABASE_URL if
    // already seeded, else a database of this run seeded by `npm run seed:scale`; BENCH_SCALE=0 skips them.
    if (process.env.BENCH_SCALE !== '0') {
      const scaleName = `h4bench_scale_${process.pid}`;
      let scaleUrl = process.env.BENCH_SCALE_DATABASE_URL;
      try {
        if (!scaleUrl && existsSync(path.join(ROOT, 'src/cli/seed-scale.ts'))) {
          scaleUrl = await createDatabase(scaleName);
          log('\n# npm run seed:scale');
          others += `\n#### npm run seed:scale\n\n\`\`\`\n${(await runScript('src/cli/seed-scale.ts', { DATABASE_URL: scaleUrl })).trim()}\n\`\`\`\n`;
        }
        for (const file of ['search-at-scale.ts', 'writes-and-nodes.ts', 'citizens-while-agents.ts', 'import-at-scale.ts']) {
          const full = path.join(ROOT, 'test/bench', file);
          if (!existsSync(full) || !scaleUrl) {
            others += `\n#### ${file}\n\nNot run: ${scaleUrl ? 'not present in this checkout' : 'no data at scale'} when the benchmark ran.\n`;
            continue;
          }
          log(`\n# ${file}`);
          others += `\n#### ${file}\n\n\`\`\`\n${(await runScript(full, { DATABASE_URL: scaleUrl })).trim()}\n\`\`\`\n`;
        }
      } finally {
        if (!process.env.BENCH_SCALE_DATABASE_URL && scaleUrl) await dropDatabase(scaleName);
      }
    }
  } else {
    log('\nDATABASE_URL not set: PostgreSQL scenarios, overload and memory in PostgreSQL mode skipped.');
  }

  writeReport(report({ when, start, pglite, pgliteMem, bare, postgres, pgMem, overload, others, minutes: (Date.now() - started) / 60000 }));
  log(`\ndocs/performance.md written (${Math.round((Date.now() - started) / 1000)} s).`);
}

const BEGIN = '<!-- written by `npm run bench` (test/bench/run.ts) from here to the end marker: edit outside -->';
const END = '<!-- end of the part written by `npm run bench` -->';

/**
 * docs/performance.md keeps what people wrote (the state of each target, the figures measured by
 * hand): the run replaces only the part between its markers, or adds it after the first section.
 */
function writeReport(generated: string): void {
  const file = path.join(ROOT, 'docs/performance.md');
  const block = `${BEGIN}\n${generated.trim()}\n${END}`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Performance\n';
  const from = text.indexOf(BEGIN);
  const to = text.indexOf(END);
  let next: string;
  if (from >= 0 && to > from) next = text.slice(0, from) + block + text.slice(to + END.length);
  else {
    const second = text.indexOf('\n## ', text.indexOf('\n## ') + 1);
    next = second >= 0 ? `${text.slice(0, second)}\n${block}\n${text.slice(second)}` : `${text.trimEnd()}\n\n${block}\n`;
  }
  writeFileSync(file, next);
}

function report(r: {
  when: string;
  start: StartFigures;
  pglite: { rows: Row[] };
  pgliteMem: { rss: number; peak: number };
  bare: Map<string, LoadResult>;
  postgres: { rows: Row[] } | null;
  pgMem: { rss: number; peak: number } | null;
  overload: OverloadFigures | null;
  others: string;
  minutes: number;
}): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const pathOf = (name: string) => SCENARIOS.find((x) => x.name === name)!.path;
  const ratio = (rows: Row[] | undefined, p: string) => {
    const row = rows?.find((x) => pathOf(x.scenario) === p);
    const ceiling = r.bare.get(p);
    return row && ceiling?.rps ? `${(row.rps / ceiling.rps).toFixed(2)}× (${row.rps} vs ${ceiling.rps} req/s)` : 'n/a';
  };
  const table = (rows: Row[]) =>
    ['| scenario | req/s | bare Fastify, same bytes | p50 ms | p95 ms | p99 ms | errors |', '|---|---|---|---|---|---|---|']
      .concat(rows.map((x) => `| ${x.scenario} | ${x.rps} | ${r.bare.get(pathOf(x.scenario))?.rps ?? ''} | ${x.p50} | ${x.p95} | ${x.p99} | ${x.errors + x.timeouts} |`))
      .join('\n');
  const o = r.overload;
  const at5 = (room: boolean) => o?.runs.find((x) => x.multiple === 5 && x.room === room);
  const on5 = at5(true);
  const off5 = at5(false);
  const lines = [
    '## The last `npm run bench`',
    '',
    `Written by \`npm run bench\` (test/bench/run.ts) on ${r.when} UTC, in ${r.minutes.toFixed(1)} minutes, on the project's 2-core machine`,
    'shared with other work: read the figures as ratios measured in one window. Each scenario: closed loop of',
    `${CONCURRENCY} clients for ${DURATION_MS / 1000} s, plain HTTP without compression, from a separate process; the portal is`,
    '`node dist/server.js` (after `npm run build`) in its own process.',
    '',
    '### Its figures next to the targets of issue 20',
    '',
    '| what | measured | target |',
    '|---|---|---|',
    `| "Mon espace véhicule" signed in, vs a bare Fastify serving the same bytes (PostgreSQL) | ${ratio(r.postgres?.rows, '/vehicules')} | ≥ 0.10× |`,
    `| the same on PGlite | ${ratio(r.pglite.rows, '/vehicules')} | — |`,
    on5 && off5
      ? `| 500 connections on the home page at 5× the sustainable load (${o!.sustainable.rps} req/s → ${on5.result.offeredRps} new visitors/s offered, PostgreSQL) | with the waiting room: ${describeRun(on5)}. Without: ${describeRun(off5)} | p99 < 1 s for admitted users; the rest get a waiting page, never a time-out |`
      : '| 500 connections on the home page | not measured (DATABASE_URL not set) | p99 < 1 s admitted, waiting page for the rest |',
    `| start to first page, warm / cold data folder (PGlite) | ${s(r.start.built.warm.firstPageMs)} / ${s(r.start.built.cold.firstPageMs)} (through tsx, as before the build step: ${s(r.start.tsx.warm.firstPageMs)} warm) | < 1.5 s / < 5 s |`,
    `| memory after load (PostgreSQL mode) | ${r.pgMem ? `RSS ${r.pgMem.rss} MB (peak ${r.pgMem.peak} MB)` : 'not measured'}; PGlite mode: RSS ${r.pgliteMem.rss} MB (peak ${r.pgliteMem.peak} MB) | < 250 MB |`,
    '',
    'The other rows of the issue (search at a million, declarations of sale per second, a second node,',
    'the import) are measured by the benchmarks of their own helpers, quoted below when present.',
    '',
    '### Start, phase by phase',
    '',
    `- built, cold (new data folder, from the migrated template): ${describePhases(r.start.built.cold)}`,
    `- built, warm: ${describePhases(r.start.built.warm)}`,
    `- through tsx, warm (how \`npm start\` ran before): ${describePhases(r.start.tsx.warm)}`,
    '',
    'Wall-clock times include waiting for the shared CPU; the CPU figures are this process\'s own.',
    '',
    '### Scenarios on PGlite',
    '',
    table(r.pglite.rows),
    '',
    '### Scenarios on PostgreSQL (5,000 requests waiting in the queue)',
    '',
    r.postgres ? table(r.postgres.rows) : 'Not measured: DATABASE_URL was not set.',
    '',
    '### Overload: new visitors at 5× and 2× the sustainable rate, up to 500 connections (test/bench/overload.ts)',
    '',
    o
      ? overloadTable(o)
      : 'Not measured: DATABASE_URL was not set.',
    '',
    '### Other benchmarks of issue 20',
    r.others || '\nRun with DATABASE_URL to include them.',
    '',
  ];
  return lines.join('\n');
}
