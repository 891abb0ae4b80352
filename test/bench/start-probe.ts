/**
 * A new node's first seconds as its first visitors see them (issue 20): starts the portal as `npm
 * start` does (`node scripts/start.mjs`, the bundle of `npm run build`) on a new PGlite data folder
 * with the demo data, then asks `/connexion` every 100 ms (Accept: text/html, no cookie: a newcomer)
 * from the moment `/healthz` answers, for PROBE_SECONDS (25: the demo queue's job is due 10 s after
 * listening and runs a few seconds). Prints each answer's status in a line per second, the 503s (the
 * waiting page) with their time, and when the demo queue's job ran (from its log line).
 *
 *   npm run build && npx tsx test/bench/start-probe.ts [runs, 1]
 *
 * Not part of npm test: it reads a shared machine's timing.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './start-time.ts';

const PORT = Number(process.env.PROBE_PORT ?? 3907);
const SECONDS = Number(process.env.PROBE_SECONDS ?? 25);
const runs = Number(process.argv[2] ?? 1);

interface Probe {
  /** ms after /healthz first answered, status (0: no answer) and the answer's wall time */
  answers: { at: number; status: number; ms: number }[];
  /** the demo queue's job, from its log line: when it ended (ms after /healthz) and how long it took */
  job: { endedAt: number; ms: number } | null;
  loadBefore: number[];
  loadAfter: number[];
}

async function probe(): Promise<Probe> {
  const dir = mkdtempSync(path.join(tmpdir(), 'portail-probe-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: path.join(dir, 'data'), PORT: String(PORT), DEMO_DATA: 'true', LOG_LEVEL: 'info', NODE_ENV: 'development' };
  delete env.DATABASE_URL; // the embedded database: `npm start` on a new machine
  delete env.APP_CLOCK_START;
  const loadBefore = loadavg();
  const child = spawn(process.execPath, ['scripts/start.mjs'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let ready = 0;
  let job: Probe['job'] = null;
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (const line of chunk.toString().split('\n')) {
      if (!line.includes('demandes déposées dans la file')) continue;
      const ms = (JSON.parse(line) as { ms: number }).ms;
      job = { endedAt: Math.round(performance.now() - ready), ms };
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  const answers: Probe['answers'] = [];
  try {
    for (;;) {
      if (exited) throw new Error(`the portal stopped:\n${output.slice(-2000)}`);
      if (await fetch(`http://127.0.0.1:${PORT}/healthz`).then((r) => r.ok, () => false)) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    ready = performance.now();
    while (performance.now() - ready < SECONDS * 1000) {
      const at = performance.now();
      const status = await fetch(`http://127.0.0.1:${PORT}/connexion`, { headers: { accept: 'text/html' } }).then(
        async (r) => (await r.arrayBuffer(), r.status),
        () => 0,
      );
      answers.push({ at: Math.round(at - ready), status, ms: Math.round(performance.now() - at) });
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 100 - (performance.now() - at))));
    }
    for (let i = 0; i < 100 && !job && !exited; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    return { answers, job, loadBefore, loadAfter: loadavg() };
  } finally {
    if (!exited) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (l: number[]) => l.map((x) => Math.round(x * 10) / 10);
for (let run = 1; run <= runs; run++) {
  const p = await probe();
  const bySecond = new Map<number, number[]>();
  for (const a of p.answers) bySecond.set(Math.floor(a.at / 1000), [...(bySecond.get(Math.floor(a.at / 1000)) ?? []), a.status]);
  const not200 = p.answers.filter((a) => a.status !== 200);
  const slowest = [...p.answers].sort((a, b) => b.ms - a.ms).slice(0, 3);
  console.log(
    JSON.stringify({
      run,
      asked: p.answers.length,
      ok: p.answers.filter((a) => a.status === 200).length,
      waitingPages: p.answers.filter((a) => a.status === 503).length,
      other: not200.filter((a) => a.status !== 503).map((a) => `${a.at}ms:${a.status}`),
      at503: not200.filter((a) => a.status === 503).map((a) => a.at),
      slowestMs: slowest.map((a) => `${a.ms} at ${a.at}`),
      demoJob: p.job,
      loadBefore: round(p.loadBefore),
      loadAfter: round(p.loadAfter),
    }),
  );
  console.log([...bySecond].map(([s, statuses]) => `${s}s ${statuses.map((x) => (x === 200 ? '.' : x === 503 ? 'W' : 'x')).join('')}`).join('  '));
}
