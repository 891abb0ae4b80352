/**
 * The overload scenario of issue 20, runnable alone (also called by test/bench/run.ts):
 *
 *   npm run build && DATABASE_URL=postgres://postgres@127.0.0.1:55432/postgres npx tsx test/bench/overload.ts [5 2]
 *
 * The portal (`node dist/server.js`) on a fresh PostgreSQL database (PGlite without DATABASE_URL).
 * First the sustainable rate of the home page (closed loop of 16 clients for 3 s, waiting room off), then, for each
 * multiple given (default 5 and 2), new visitors arriving at that multiple of the rate for 10 s with
 * up to 500 connections, once with the waiting room and once without (ADMISSION_MAX_CONCURRENT=0),
 * each on a newly started portal, one right after the other so that both see the same machine. For
 * each: served, admitted p50/p99/max, waiting pages, time-outs (10 s), the portal's CPU time over
 * the run, and the load average. Not a test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadResult } from './load.ts';
import { createDatabase, dropDatabase, load, loadAverage, startPortal } from './portal-process.ts';

const PORT = 3906;
const DURATION_MS = 10_000;
const CONNECTIONS = 500;

export interface OverloadRun {
  multiple: number;
  room: boolean;
  result: LoadResult;
  /** the portal's CPU time over the run (ms) */
  cpuMs: number;
  loadAverage: string;
}

export interface OverloadFigures {
  sustainable: LoadResult;
  runs: OverloadRun[];
}

/** Sustainable rate of `/`, then each multiple with and without the waiting room, on portals started with `env`. */
export async function measureOverload(env: Record<string, string | undefined>, multiples: number[], log: (line: string) => void = console.log): Promise<OverloadFigures> {
  let sustainable: LoadResult;
  {
    // the portal's own capacity: measured without the waiting room (with it, a loaded machine sends some to wait, and those fast 503s would count)
    const portal = await startPortal(PORT, { ...env, ADMISSION_MAX_CONCURRENT: '0' });
    try {
      await load({ url: `${portal.base}/`, durationMs: 1000, mode: 'closed', concurrency: 4 }); // warm-up
      sustainable = await load({ url: `${portal.base}/`, durationMs: 3000, mode: 'closed', concurrency: 16 });
    } finally {
      await portal.stop();
    }
  }
  log(`  sustainable rate of / : ${sustainable.rps} req/s (p99 ${sustainable.p99} ms, ${sustainable.ok} pages served), load average ${loadAverage()}`);
  const runs: OverloadRun[] = [];
  for (const multiple of multiples) {
    const rate = Math.max(1, Math.round(sustainable.rps * multiple));
    for (const room of [true, false]) {
      const portal = await startPortal(PORT, room ? env : { ...env, ADMISSION_MAX_CONCURRENT: '0' });
      try {
        await load({ url: `${portal.base}/`, durationMs: 500, mode: 'closed', concurrency: 2 }); // warm-up
        const cpuBefore = portal.cpuMs();
        const result = await load({ url: `${portal.base}/`, durationMs: DURATION_MS, mode: 'open', rate, concurrency: CONNECTIONS, timeoutMs: 10_000 });
        const run: OverloadRun = { multiple, room, result, cpuMs: portal.cpuMs() - cpuBefore, loadAverage: loadAverage() };
        runs.push(run);
        log(`  ${describeRun(run)}`);
      } finally {
        await portal.stop();
      }
    }
  }
  return { sustainable, runs };
}

export function describeRun(r: OverloadRun): string {
  const x = r.result;
  return `${r.multiple}× (${x.offeredRps}/s offered), waiting room ${r.room ? 'on ' : 'off'}: ${x.ok} served (p50 ${x.admittedP50} ms, p99 ${x.admittedP99} ms, max ${x.admittedMax} ms), ${x.waiting} waiting pages (p99 ${x.waitingP99} ms), ${x.timeouts} time-outs, ${x.errors} errors, ${x.capped} not sent (500 connections busy); portal CPU ${Math.round(r.cpuMs)} ms, load generator CPU ${x.generatorCpuMs} ms; load average ${r.loadAverage}`;
}

/** The figures as a Markdown table. */
export function overloadTable(f: OverloadFigures): string {
  return [
    `Sustainable rate of \`/\`: ${f.sustainable.rps} req/s (closed loop, 16 clients, 3 s, waiting room off).`,
    '',
    '| multiple | waiting room | offered/s | served | admitted p50 ms | admitted p99 ms | max ms | waiting pages | p99 waiting page ms | time-outs (10 s) | errors | not sent (500 busy) | portal CPU ms | generator CPU ms | load average |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...f.runs.map(
      (r) =>
        `| ${r.multiple}× | ${r.room ? 'on' : 'off'} | ${r.result.offeredRps} | ${r.result.ok} | ${r.result.admittedP50} | ${r.result.admittedP99} | ${r.result.admittedMax} | ${r.result.waiting} | ${r.result.waiting ? r.result.waitingP99 : '—'} | ${r.result.timeouts} | ${r.result.errors} | ${r.result.capped} | ${Math.round(r.cpuMs)} | ${r.result.generatorCpuMs} | ${r.loadAverage} |`,
    ),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const multiples = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const adminUrl = process.env.DATABASE_URL;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'portail-overload-'));
  const dbName = `h4overload_${process.pid}`;
  try {
    const env = adminUrl
      ? { DATABASE_URL: await createDatabase(adminUrl, dbName), DATA_DIR: dataDir, JOBS_WORKER: 'false' }
      : { DATABASE_URL: undefined, DATA_DIR: dataDir, JOBS_WORKER: 'false' };
    console.log(`Overload of the home page (${adminUrl ? 'PostgreSQL' : 'PGlite'}), load average ${loadAverage()}`);
    const figures = await measureOverload(env, multiples.length ? multiples : [5, 2]);
    console.log(`\n${overloadTable(figures)}`);
  } finally {
    if (adminUrl) await dropDatabase(adminUrl, dbName);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
