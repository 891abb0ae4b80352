/**
 * What the benchmarks share: the portal as its own process (`node dist/server.js`, after `npm run
 * build`), a load from a child process (test/bench/load.ts) so that it never shares the portal's
 * event loop, a fresh PostgreSQL database, the machine's load average and a process's CPU time.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import type { LoadResult, LoadSpec } from './load.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Node's flags of a portal process in production (scripts/node-flags.mjs): the benchmarks run the portal with them. */
export const PORTAL_NODE_FLAGS = ((await import(pathToFileURL(`${ROOT}scripts/node-flags.mjs`).href)) as { PORTAL_NODE_FLAGS: string[] }).PORTAL_NODE_FLAGS;

/** One load from a child process (tsx), so that it never shares the server's event loop. */
export function load(spec: LoadSpec): Promise<LoadResult> {
  const child = fork(fileURLToPath(new URL('./load.ts', import.meta.url)), ['child', JSON.stringify(spec)], { execArgv: ['--import', 'tsx'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as LoadResult));
    child.once('exit', (code) => code && reject(new Error(`load generator exited with ${code}`)));
  });
}

export interface Portal {
  process: ChildProcess;
  base: string;
  stop(): Promise<void>;
  rssMb(): { rss: number; peak: number };
  /** CPU time (user + system, ms) the portal process has used since it started */
  cpuMs(): number;
}

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time (user + system, ms) of a process, from /proc/<pid>/stat (Linux). */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[11] and [12] are utime and stime (the 14th and 15th of the whole line)
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

export interface PortalOptions {
  /** Node's own arguments before the script (e.g. `--import` of a probe): PORTAL_NODE_FLAGS by default */
  nodeArgs?: string[];
  /** another build's entry, relative to the repository (a copy of dist/ kept beside it): `dist/server.js` by default */
  server?: string;
  /** an IPC channel to the portal (for a probe preloaded with `nodeArgs`) */
  ipc?: boolean;
}

export async function startPortal(port: number, env: Record<string, string | undefined>, options: PortalOptions = {}): Promise<Portal> {
  // the load generator is one address standing for many visitors: the per-address socket cap (socket-guard.ts) is lifted
  const merged: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', HTTP_SOCKETS_PER_ADDRESS: '1000000', ...env };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  const stdio: ('ignore' | 'inherit' | 'ipc')[] = ['ignore', 'ignore', 'inherit', ...(options.ipc ? (['ipc'] as const) : [])];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? PORTAL_NODE_FLAGS), options.server ?? 'dist/server.js'], { cwd: ROOT, env: merged, stdio });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error('the portal stopped at start');
    if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    process: child,
    base,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    },
    rssMb() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
      return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
    },
    cpuMs: () => processCpuMs(child.pid!),
  };
}

/** A new, empty database on the PostgreSQL server of `adminUrl`; returns its URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}

/**
 * The kernel's TCP counters of listen queues and handshakes (Linux, /proc/net/netstat; null elsewhere):
 * ListenOverflows (a connection's last ACK, or its SYN, dropped because a listen socket's accept queue
 * was full), ListenDrops, TCPSynRetrans (SYNs sent again: 1 s, then 3 s, 7 s after the first),
 * TCPTimeouts and RetransSegs (segments sent again after a loss: 200 ms and more on loopback). They
 * count the whole machine: read them around a run on a quiet machine.
 */
export function tcpCounters(): Record<string, number> | null {
  try {
    const read = (file: string, prefix: string, pick: string[]) => {
      const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith(prefix));
      const header = lines[0]!.split(/\s+/);
      const values = lines[1]!.split(/\s+/);
      return pick.map((k) => [k, Number(values[header.indexOf(k)])] as const);
    };
    return Object.fromEntries([
      ...read('/proc/net/netstat', 'TcpExt:', ['ListenOverflows', 'ListenDrops', 'TCPSynRetrans', 'TCPReqQFullDoCookies', 'TCPTimeouts']),
      ...read('/proc/net/snmp', 'Tcp:', ['RetransSegs']),
    ]);
  } catch {
    return null;
  }
}

/** The difference of two readings of tcpCounters, as text. */
export function tcpCountersSince(before: Record<string, number> | null): string {
  const after = tcpCounters();
  if (!before || !after) return 'TCP counters unavailable';
  return Object.entries(after)
    .map(([k, v]) => `${k} +${v - (before[k] ?? 0)}`)
    .join(', ');
}

/**
 * Samples, every `everyMs`, where requests to `port` wait before the portal reads them (Linux,
 * /proc/net/tcp): the listen socket's accept queue (connections the kernel completed that the
 * process has not accepted yet: its rx_queue) and the established connections holding unread bytes
 * (a request sent that the event loop has not read yet). `stop()` returns the highest of each, and
 * per second of the run, the highest accept queue.
 */
export function sampleSocketQueues(port: number, everyMs = 100): { stop(): { acceptMax: number; unreadMax: number; acceptBySecond: number[]; unreadBySecond: number[] } } {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const start = performance.now();
  const acceptBySecond: number[] = [];
  const unreadBySecond: number[] = [];
  const read = () => {
    let accept = 0;
    let unread = 0;
    for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
      let text = '';
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n').slice(1)) {
        const f = line.trim().split(/\s+/);
        if (f.length < 5 || !f[1]!.endsWith(hexPort)) continue; // local address is the portal's port
        const rx = parseInt(f[4]!.split(':')[1]!, 16);
        if (f[3] === '0A') accept = Math.max(accept, rx); // LISTEN: rx_queue is the accept queue's length
        else if (f[3] === '01' && rx > 0) unread++;
      }
    }
    const second = Math.floor((performance.now() - start) / 1000);
    acceptBySecond[second] = Math.max(acceptBySecond[second] ?? 0, accept);
    unreadBySecond[second] = Math.max(unreadBySecond[second] ?? 0, unread);
  };
  const timer = setInterval(read, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const fill = (a: number[]) => Array.from(a, (v) => v ?? 0);
      return { acceptMax: Math.max(0, ...fill(acceptBySecond)), unreadMax: Math.max(0, ...fill(unreadBySecond)), acceptBySecond: fill(acceptBySecond), unreadBySecond: fill(unreadBySecond) };
    },
  };
}

/** The machine's load average over 1, 5 and 15 minutes, printed next to every figure. */
export const loadAverage = () => loadavg().map((l) => l.toFixed(1)).join(' / ');
