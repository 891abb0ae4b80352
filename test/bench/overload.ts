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
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadResult } from './load.ts';
import { createDatabase, dropDatabase, load, loadAverage, sampleSocketQueues, startPortal, tcpCounters, tcpCountersSince, PORTAL_NODE_FLAGS, type PortalOptions } from './portal-process.ts';

/** OVERLOAD_PORT: another port, when someone else runs this benchmark on the same machine */
const PORT = Number(process.env.OVERLOAD_PORT) || 3906;
const DURATION_MS = 10_000;
const CONNECTIONS = 500;

export interface OverloadRun {
  multiple: number;
  room: boolean;
  result: LoadResult;
  /** the portal's CPU time over the run (ms) */
  cpuMs: number;
  loadAverage: string;
  /** the kernel's listen-queue and SYN counters over the run (the whole machine's) */
  tcp: string;
  /** with OVERLOAD_PROBE=1 (loop-probe.mjs): the portal's turns over 40 ms during the run, from its start (ms), and its CPU in them */
  longTurns?: { at: number; lateMs: number; cpuMs: number; modules: number; gcMs: number }[];
  /** with OVERLOAD_PROBE=1: the time inside the portal (from a request's head read to its answer written), ms */
  inside?: { admittedP99: number; admittedMax: number; over250: number; over1s: number; waitingP99: number };
  /** with OVERLOAD_PROBE=1: by second of the run, the requests the portal read and its main thread's CPU (ms) */
  bySecond?: { requests: number; cpuMs: number; others: Record<string, number> }[];
  /** with OVERLOAD_PROBE=1: the other threads' CPU (ms) by name, in each of the 5 seconds before the load */
  othersBefore?: Record<string, number>[];
  /** the portal's accept queue and connections with an unread request, sampled every 100 ms */
  queues: ReturnType<ReturnType<typeof sampleSocketQueues>['stop']>;
}

export interface OverloadFigures {
  sustainable: LoadResult;
  runs: OverloadRun[];
}

/** Sustainable rate of `/`, then each multiple with and without the waiting room, on portals started with `env`. */
export async function measureOverload(
  env: Record<string, string | undefined>,
  multiples: number[],
  log: (line: string) => void = console.log,
  options: { rooms?: boolean[]; portal?: PortalOptions; rate?: number; probe?: boolean } = {},
): Promise<OverloadFigures> {
  let sustainable: LoadResult;
  if (options.rate) sustainable = { rps: options.rate } as LoadResult; // given (to compare builds at the same offered rate)
  else {
    // the portal's own capacity: measured without the waiting room (with it, a loaded machine sends some to wait, and those fast 503s would count)
    const portal = await startPortal(PORT, { ...env, ADMISSION_MAX_CONCURRENT: '0' }, options.portal);
    try {
      await load({ url: `${portal.base}/`, durationMs: 1000, mode: 'closed', concurrency: 4 }); // warm-up
      sustainable = await load({ url: `${portal.base}/`, durationMs: 3000, mode: 'closed', concurrency: 16 });
    } finally {
      await portal.stop();
    }
  }
  if (!options.rate) log(`  sustainable rate of / : ${sustainable.rps} req/s (p99 ${sustainable.p99} ms, ${sustainable.ok} pages served), load average ${loadAverage()}`);
  const runs: OverloadRun[] = [];
  for (const multiple of multiples) {
    const rate = Math.max(1, Math.round(sustainable.rps * multiple));
    for (const room of options.rooms ?? [true, false]) {
      const probeFile = options.probe ? path.join(tmpdir(), `overload-probe-${process.pid}-${multiple}-${room}.json`) : null;
      const portalOptions: PortalOptions = { ...options.portal, ...(probeFile ? { nodeArgs: [...PORTAL_NODE_FLAGS, '--import', fileURLToPath(new URL('./loop-probe.mjs', import.meta.url))] } : {}) };
      const portal = await startPortal(PORT, { ...(room ? env : { ...env, ADMISSION_MAX_CONCURRENT: '0' }), ...(probeFile ? { LOOP_PROBE_FILE: probeFile } : {}) }, portalOptions);
      let run: OverloadRun | null = null;
      try {
        await load({ url: `${portal.base}/`, durationMs: 500, mode: 'closed', concurrency: 2 }); // warm-up
        const cpuBefore = portal.cpuMs();
        const tcpBefore = tcpCounters();
        const sampler = sampleSocketQueues(PORT);
        const result = await load({ url: `${portal.base}/`, durationMs: DURATION_MS, mode: 'open', rate, concurrency: CONNECTIONS, timeoutMs: 10_000, timeline: true });
        run = { multiple, room, result, cpuMs: portal.cpuMs() - cpuBefore, loadAverage: loadAverage(), tcp: tcpCountersSince(tcpBefore), queues: sampler.stop() };
      } finally {
        await portal.stop();
      }
      if (probeFile && existsSync(probeFile)) {
        const probe = JSON.parse(readFileSync(probeFile, 'utf8')) as {
          turns: { end: number; lateMs: number; cpuMs: number; modules: number; gcMs: number }[];
          bins: { at: number; requests: number }[];
          cpuBySecond: { at: number; ms: number; others: Record<string, number> }[];
          services: [number, number, number][];
        };
        rmSync(probeFile, { force: true });
        const from = run.result.startedAt;
        // seconds of the epoch, from the load's first whole second
        const first = Math.ceil(run.result.startedAt / 1000) * 1000;
        run.bySecond = Array.from({ length: DURATION_MS / 1000 - 1 }, (_, i) => ({
          requests: probe.bins.filter((b) => b.at >= first + i * 1000 && b.at < first + (i + 1) * 1000).reduce((n, b) => n + b.requests, 0),
          cpuMs: probe.cpuBySecond.find((c) => c.at === first + i * 1000)?.ms ?? 0,
          others: probe.cpuBySecond.find((c) => c.at === first + i * 1000)?.others ?? {},
        }));
        // the seconds before the load too (the warm-up, the end of the start): what the other threads did
        run.othersBefore = probe.cpuBySecond.filter((c) => c.at < first && c.at >= first - 5000).map((c) => c.others);
        const inRun = probe.services.filter(([at]) => at >= from && at < from + DURATION_MS);
        const admittedTimes = inRun.filter(([, , status]) => status < 400).map(([, ms]) => ms).sort((a, b) => a - b);
        const waitingTimes = inRun.filter(([, , status]) => status === 503).map(([, ms]) => ms).sort((a, b) => a - b);
        const q = (a: number[], f: number) => (a.length ? a[Math.min(a.length - 1, Math.floor(f * a.length))]! : 0);
        run.inside = { admittedP99: q(admittedTimes, 0.99), admittedMax: q(admittedTimes, 1), over250: admittedTimes.filter((ms) => ms > 250).length, over1s: admittedTimes.filter((ms) => ms > 1000).length, waitingP99: q(waitingTimes, 0.99) };
        run.longTurns = probe.turns.filter((t) => t.end >= from - 1000 && t.end <= from + DURATION_MS + 1000).map((t) => ({ at: t.end - t.lateMs - 10 - from, lateMs: t.lateMs, cpuMs: t.cpuMs, modules: t.modules, gcMs: t.gcMs }));
      }
      runs.push(run);
      log(`  ${describeRun(run)}\n    ${describeSplit(run)}`);
    }
  }
  return { sustainable, runs };
}

export function describeRun(r: OverloadRun): string {
  const x = r.result;
  return `${r.multiple}× (${x.offeredRps}/s offered), waiting room ${r.room ? 'on ' : 'off'}: ${x.ok} served (p50 ${x.admittedP50} ms, p99 ${x.admittedP99} ms, max ${x.admittedMax} ms), ${x.waiting} waiting pages (p99 ${x.waitingP99} ms), ${x.timeouts} time-outs, ${x.errors} errors, ${x.capped} not sent (500 connections busy); portal CPU ${Math.round(r.cpuMs)} ms, load generator CPU ${x.generatorCpuMs} ms; load average ${r.loadAverage}`;
}

const describeThreads = (others: Record<string, number>) =>
  Object.entries(others)
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${name.trim()} ${ms}`)
    .join(', ') || '0';

/** Where the admitted answers' time went: connections, the generator's own lag, the kernel's counters, the slowest answer by second of arrival. */
export function describeSplit(r: OverloadRun): string {
  const s = r.result.split;
  return [
    `connections opened ${s.newConnections} (connect p50 ${s.connectP50} ms, p99 ${s.connectP99} ms, max ${s.connectMax} ms); admitted after connect p99 ${s.admittedAfterConnectP99} ms; admitted over 1 s: ${s.slowAdmitted}, of which ${s.slowByConnect} mostly connecting`,
    `load generator's event-loop lag p99 ${r.result.generatorLag.p99} ms, max ${r.result.generatorLag.max} ms; kernel: ${r.tcp}`,
    `accept queue max ${r.queues.acceptMax} (by second ${r.queues.acceptBySecond.join(' ')}); connections with an unread request max ${r.queues.unreadMax} (by second ${r.queues.unreadBySecond.join(' ')})`,
    ...(r.inside ? [`inside the portal (head read → answer written): admitted p99 ${r.inside.admittedP99} ms, max ${r.inside.admittedMax} ms, ${r.inside.over250} over 250 ms, ${r.inside.over1s} over 1 s; waiting pages p99 ${r.inside.waitingP99} ms`] : []),
    ...(r.bySecond ? [`portal main thread by second (requests read / CPU ms / CPU ms per request): ${r.bySecond.map((b) => `${b.requests}/${b.cpuMs}/${b.requests ? (b.cpuMs / b.requests).toFixed(2) : '-'}`).join(' ')}`] : []),
    ...(r.bySecond ? [`portal's other threads by second (CPU ms by thread name), 5 s before the load: ${(r.othersBefore ?? []).map(describeThreads).join(' | ')}; during it: ${r.bySecond.map((b) => describeThreads(b.others)).join(' | ')}`] : []),
    ...(r.longTurns ? [`portal's turns over 40 ms (start in ms from the load's start: wall ms / CPU ms, +modules loaded, GC ms): ${r.longTurns.map((t) => `${t.at}:${t.lateMs}/${t.cpuMs}${t.modules ? `+${t.modules}m` : ''}${t.gcMs ? `,gc${t.gcMs}` : ''}`).join(' ') || 'none'}`] : []),
    `slowest by second of arrival (served/waiting/ms): ${(r.result.timeline ?? []).map((t) => `${t.second}:${t.ok}/${t.waiting}/${t.maxMs}`).join(' ')}`,
  ].join('\n    ');
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
    // OVERLOAD_ROOM=on: only the runs with the waiting room; OVERLOAD_SERVER=dist-old/server.js: another build;
    // OVERLOAD_RATE=N: this rate as the sustainable one (no measure: two builds compared at the same offered rate)
    const rooms = process.env.OVERLOAD_ROOM === 'on' ? [true] : undefined;
    const server = process.env.OVERLOAD_SERVER;
    const rate = Number(process.env.OVERLOAD_RATE) || undefined;
    const probe = process.env.OVERLOAD_PROBE === '1';
    const figures = await measureOverload(env, multiples.length ? multiples : [5, 2], console.log, { rooms, ...(server ? { portal: { server } } : {}), rate, probe });
    console.log(`\n${overloadTable(figures)}`);
  } finally {
    if (adminUrl) await dropDatabase(adminUrl, dbName);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
