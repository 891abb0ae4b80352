/**
 * HTTP benchmark: starts the portal on a loopback port (PGlite, or PostgreSQL when DATABASE_URL is
 * set) and fires bounded bursts of requests from a child process, printing throughput and latency
 * percentiles. Not a test: run with `npm run bench`.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../../src/app.ts';
import { testConfig } from '../../src/config.ts';
import { DEMO_PASSWORD, seedDemoData } from '../../src/demo/seed.ts';
import { openTestDatabase } from '../helpers/database.ts';
import { sql } from 'kysely';
import { DEMO_TOTP_SECRET } from '../../src/demo/agents-totp.ts';
import { totpAt } from '../../src/domains/agents/totp.ts';

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
  const post = async (path: string, fields: Record<string, string>) => {
    const page = await fetch(`${base}${path}`, { headers: { cookie: cookie() } });
    keep(page);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    keep(await fetch(`${base}${path}`, { method: 'POST', redirect: 'manual', headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, ...fields }).toString() }));
  };
  await post('/agents/connexion', { email: 'agent.cert@example.fr', password: DEMO_PASSWORD });
  await post('/agents/connexion/code', { code: totpAt(DEMO_TOTP_SECRET, Date.now()) });
  return cookie();
}

const SCENARIOS: { name: string; path: string; signedIn?: boolean; agent?: boolean }[] = [
  { name: 'GET / (home, anonymous)', path: '/' },
  { name: 'GET /cgu (terms, 33 kB of text)', path: '/cgu' },
  { name: 'GET /healthz', path: '/healthz' },
  { name: 'GET static CSS (DSFR)', path: '/assets/dsfr/1.14.3/dsfr.min.css' },
  { name: 'GET /compte (signed in: session, account, history)', path: '/compte', signedIn: true },
  { name: 'GET /vehicules (signed in: procedures list)', path: '/vehicules', signedIn: true },
  { name: 'GET /agents/vehicules (agent: queue of 5,000, first page)', path: '/agents/vehicules', agent: true },
  { name: 'GET /agents/vehicules?q=… (agent: search by holder name)', path: '/agents/vehicules?q=martin', agent: true },
];
const DURATION_MS = Number(process.env.BENCH_MS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

if (process.argv[2] === 'load') {
  // Child: the load generator, so that it does not share the server's event loop.
  const [url, duration, concurrency, cookie] = [process.argv[3]!, Number(process.argv[4]), Number(process.argv[5]), process.argv[6] ?? ''];
  const latencies: number[] = [];
  let errors = 0;
  const end = Date.now() + duration;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        const t0 = performance.now();
        const res = await fetch(url, { headers: cookie ? { cookie } : {}, redirect: 'manual' }).catch(() => null);
        if (!res || !res.ok) errors++;
        await res?.arrayBuffer();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);
  process.send!({ count: latencies.length, errors, rps: Math.round(latencies.length / (duration / 1000)), p50: p(0.5), p95: p(0.95), p99: p(0.99) });
  process.exit(0);
}

const database = await openTestDatabase();
const app = await buildApp(testConfig({ MAINTENANCE_CACHE_SECONDS: '5' }), database);
await seedDemoData(database.db, app.config);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
const cookie = await signIn(`http://127.0.0.1:${port}`);
// 5,000 requests (of the demo company, so the individual's own list stays small) waiting for the instruction centre, one per minute back in time
await sql`insert into vehicle_procedures (file_number, account_id, kind, initiator, vehicle_id, status, code_verified, data, updated_at, submitted_at, department)
  select 'V26-B' || lpad(g::text, 7, '0'), (select id from accounts where email = 'demo.entreprise@example.fr'), 'duplicate', 'self',
         (select id from vehicles order by id limit 1 offset g % 300), 'awaiting_review', true, '{"duplicate":{"step":"report","reason":"theft"}}'::jsonb,
         now(), now() - make_interval(mins => g), '75'
  from generate_series(1, 5000) g`.execute(database.db);
const agentCookie = await signInAgent(`http://127.0.0.1:${port}`);
console.log(`Backend: ${database.kind}, ${CONCURRENCY} concurrent clients, ${DURATION_MS / 1000} s per scenario\n`);
console.log('scenario | requests | req/s | p50 ms | p95 ms | p99 ms | errors');
console.log('---|---|---|---|---|---|---');
for (const s of SCENARIOS) {
  const child = fork(fileURLToPath(import.meta.url), ['load', `http://127.0.0.1:${port}${s.path}`, String(DURATION_MS), String(CONCURRENCY), s.agent ? agentCookie : s.signedIn ? cookie : ''], {
    execArgv: ['--import', 'tsx'],
  });
  const r = await new Promise<Record<string, number | string>>((resolve) => child.once('message', resolve as never));
  console.log(`${s.name} | ${r.count} | ${r.rps} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.errors}`);
}
await app.close();
await database.close();
