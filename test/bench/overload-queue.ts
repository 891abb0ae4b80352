/**
 * Where an admitted visitor's time goes under overload (issue 20): the client's latency of the pages
 * served, against the portal's own service time of the same pages (Fastify's `elapsedTime`, from
 * `/metrics`' histogram of `GET /`), at each multiple given of the sustainable rate, waiting room on:
 * the difference is the wait *before* Fastify (accept queue, sockets, event loop). Not a test.
 *
 *   npm run build && npx tsx test/bench/overload-queue.ts [2 5]    (DATABASE_URL=… for PostgreSQL)
 *
 * ADMISSION_* variables of the environment are passed to the portal (to compare settings in one window).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDatabase, dropDatabase, load, loadAverage, startPortal } from './portal-process.ts';

const PORT = 3907;

/** The share of `GET /` 200s served by Fastify within each bucket's bound (seconds → fraction). */
async function serviceTimes(base: string): Promise<Map<number, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const counts = new Map<number, number>();
  for (const m of text.matchAll(/^http_request_duration_seconds_bucket\{le="([^"]+)",method="GET",route="\/",status="200"\} (\d+)/gm)) counts.set(m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2]));
  const total = counts.get(Infinity) ?? 0;
  return new Map([...counts].map(([le, n]) => [le, total ? n / total : 0]));
}

const multiples = process.argv.slice(2).map(Number).filter((n) => n > 0);
const adminUrl = process.env.DATABASE_URL;
const dataDir = mkdtempSync(path.join(tmpdir(), 'portail-overload-queue-'));
const dbName = `h7queue_${process.pid}`;
const admission = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('ADMISSION_')));
try {
  const env = { ...(adminUrl ? { DATABASE_URL: await createDatabase(adminUrl, dbName) } : { DATABASE_URL: undefined }), DATA_DIR: dataDir, JOBS_WORKER: 'false', ...admission };
  let rps: number;
  {
    const portal = await startPortal(PORT, { ...env, ADMISSION_MAX_CONCURRENT: '0' });
    try {
      await load({ url: `${portal.base}/`, durationMs: 1000, mode: 'closed', concurrency: 4 });
      const before = portal.cpuMs();
      const closed = await load({ url: `${portal.base}/`, durationMs: 3000, mode: 'closed', concurrency: 16 });
      rps = closed.rps;
      // CPU per page on each side (independent of the machine's load): can one generator process keep up with the portal?
      console.log(`closed loop: ${closed.count} pages, portal CPU ${((portal.cpuMs() - before) / closed.count).toFixed(2)} ms/page, load generator CPU ${(closed.generatorCpuMs / closed.count).toFixed(2)} ms/page`);
    } finally {
      await portal.stop();
    }
  }
  console.log(`sustainable ${rps} req/s; settings ${JSON.stringify(admission)}; load average ${loadAverage()}`);
  for (const multiple of multiples.length ? multiples : [2, 5]) {
    const portal = await startPortal(PORT, env);
    try {
      await load({ url: `${portal.base}/`, durationMs: 500, mode: 'closed', concurrency: 2 });
      const before = portal.cpuMs();
      const r = await load({ url: `${portal.base}/`, durationMs: 10_000, mode: 'open', rate: Math.round(rps * multiple), concurrency: 500, timeoutMs: 10_000, timeline: true });
      const cpu = portal.cpuMs() - before;
      const service = await serviceTimes(portal.base);
      const within = [...service].filter(([le]) => le !== Infinity).map(([le, f]) => `≤${le * 1000} ms ${(f * 100).toFixed(1)} %`).join(', ');
      console.log(`${multiple}×: ${r.ok} served (client p50 ${r.admittedP50} ms, p99 ${r.admittedP99} ms, max ${r.admittedMax}), ${r.waiting} waiting pages, ${r.timeouts} time-outs, ${r.capped} not sent; portal CPU ${Math.round(cpu)} ms, load generator CPU ${r.generatorCpuMs} ms (for 10 s); load ${loadAverage()}`);
      console.log(`   portal's own service time of those pages: ${within}`);
      console.log(`   by second: ${(r.timeline ?? []).map((s) => `${s.second}:${s.ok}/${s.waiting}/${Math.round(s.maxMs)}`).join(' ')}`);
    } finally {
      await portal.stop();
    }
  }
} finally {
  if (adminUrl) await dropDatabase(adminUrl, dbName);
  rmSync(dataDir, { recursive: true, force: true });
}
