/**
 * Load generators of the benchmark, run in a child process so that they never share the server's
 * event loop: closed loop (N clients, each sends its next request when the last one answered) and
 * open loop (new visitors arrive at a fixed rate whatever the answers, up to a cap of connections).
 * Plain node:http without Accept-Encoding, so that the portal and the bare Fastify send the same bytes.
 */
import { Agent, request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface LoadResult {
  count: number;
  rps: number;
  /** answers by status class: 2xx/3xx, sent away (503 from the waiting room, or from the back office's time budget), other errors, time-outs */
  ok: number;
  waiting: number;
  errors: number;
  timeouts: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** percentiles of the admitted (non-503) answers alone */
  admittedP50: number;
  admittedP99: number;
  admittedMax: number;
  waitingP99: number;
  /** open loop: arrivals attempted per second, and arrivals dropped because the connection cap was reached */
  offeredRps?: number;
  capped?: number;
  /** with `timeline`: by second of arrival, the answers and the slowest of them */
  timeline?: { second: number; ok: number; waiting: number; timeouts: number; errors: number; maxMs: number }[];
  /** CPU time (ms) the load generator itself used: near the wall time, it measured its own delay too */
  generatorCpuMs: number;
  /**
   * Where an admitted answer's time went (a request's time = connect + the rest): connections the
   * generator opened, their connect times (from the request made to the socket connected: the TCP
   * handshake, including SYNs the server's kernel dropped and the client sent again after 1, 3, 7 s),
   * and the admitted answers' time after their socket was ready (the wait in the server's socket and
   * event loop, plus its service). `slowAdmitted`: admitted answers over 1 s, of which
   * `slowByConnect` spent more than half their time connecting.
   */
  split: {
    newConnections: number;
    connectP50: number;
    connectP99: number;
    connectMax: number;
    admittedAfterConnectP99: number;
    slowAdmitted: number;
    slowByConnect: number;
  };
  /** when the load began (milliseconds since the epoch), to place the portal's own records in the run */
  startedAt: number;
  /** the generator's own event-loop delay (ms): a late generator reads its answers late, and counts that as the server's */
  generatorLag: { p99: number; max: number };
}

export interface LoadSpec {
  url: string;
  durationMs: number;
  cookie?: string;
  accept?: string;
  mode: 'closed' | 'open';
  /** closed: clients; open: the connection cap */
  concurrency: number;
  /** open loop: arrivals per second */
  rate?: number;
  timeoutMs?: number;
  /** keep, by second of arrival, what came back (to see when the slow answers were sent) */
  timeline?: boolean;
}

const cpuMs = (u: NodeJS.CpuUsage) => Math.round((u.user + u.system) / 1000);

const pct = (sorted: number[], q: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 10) / 10 : 0);

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const cpuAtStart = process.cpuUsage();
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const connects: number[] = [];
  const admittedAfterConnect: number[] = [];
  let slowAdmitted = 0;
  let slowByConnect = 0;
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const url = new URL(spec.url);
  const timeoutMs = spec.timeoutMs ?? 10_000;
  const all: number[] = [];
  const admitted: number[] = [];
  const waitingTimes: number[] = [];
  let ok = 0;
  let waiting = 0;
  let errors = 0;
  let timeouts = 0;
  const headers: Record<string, string> = { accept: spec.accept ?? 'text/html' };
  const loadStart = performance.now();
  const startedAt = Date.now();
  const timeline: NonNullable<LoadResult['timeline']> = [];
  if (spec.cookie) headers.cookie = spec.cookie;

  const one = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      let done = false;
      /** when the request's socket was ready: at once for a reused one, once connected for a new one */
      let ready = t0;
      const finish = (kind: 'ok' | 'waiting' | 'error' | 'timeout') => {
        if (done) return;
        done = true;
        const ms = performance.now() - t0;
        all.push(ms);
        if (kind === 'ok') {
          admittedAfterConnect.push(performance.now() - ready);
          if (ms > 1000) {
            slowAdmitted++;
            if (ready - t0 > ms / 2) slowByConnect++;
          }
        }
        if (spec.timeline) {
          const second = Math.floor((t0 - loadStart) / 1000);
          const row = (timeline[second] ??= { second, ok: 0, waiting: 0, timeouts: 0, errors: 0, maxMs: 0 });
          row[kind === 'ok' ? 'ok' : kind === 'waiting' ? 'waiting' : kind === 'timeout' ? 'timeouts' : 'errors']++;
          row.maxMs = Math.max(row.maxMs, Math.round(ms));
        }
        if (kind === 'ok') (ok++, admitted.push(ms));
        else if (kind === 'waiting') (waiting++, waitingTimes.push(ms));
        else if (kind === 'timeout') timeouts++;
        else (errors++, admitted.push(ms));
        resolve();
      };
      const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, agent, headers }, (res) => {
        res.resume();
        res.on('end', () => {
          const s = res.statusCode ?? 0;
          finish(s < 400 ? 'ok' : s === 503 && (res.headers['x-admission'] === 'waiting-room' || res.headers['x-admission'] === 'back-office') ? 'waiting' : 'error');
        });
        res.on('error', () => finish('error'));
      });
      req.once('socket', (socket) => {
        if (!socket.connecting) return;
        socket.once('connect', () => {
          ready = performance.now();
          connects.push(ready - t0);
        });
      });
      req.setTimeout(timeoutMs, () => {
        finish('timeout');
        req.destroy();
      });
      req.on('error', () => finish('error'));
      req.end();
    });

  const end = Date.now() + spec.durationMs;
  let offered = 0;
  let capped = 0;
  if (spec.mode === 'closed') {
    await Promise.all(
      Array.from({ length: spec.concurrency }, async () => {
        while (Date.now() < end) await one();
      }),
    );
  } else {
    const rate = spec.rate ?? 100;
    const pending = new Set<Promise<void>>();
    const start = Date.now();
    while (Date.now() < end) {
      const due = Math.floor(((Date.now() - start) / 1000) * rate);
      while (offered < due) {
        offered++;
        if (pending.size >= spec.concurrency) {
          capped++;
          continue;
        }
        const p = one().then(() => void pending.delete(p));
        pending.add(p);
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await Promise.all(pending);
  }
  agent.destroy();
  lag.disable();
  const sorted = (a: number[]) => a.sort((x, y) => x - y);
  sorted(all);
  sorted(admitted);
  sorted(waitingTimes);
  sorted(connects);
  sorted(admittedAfterConnect);
  return {
    count: all.length,
    rps: Math.round(all.length / (spec.durationMs / 1000)),
    ok,
    waiting,
    errors,
    timeouts,
    p50: pct(all, 0.5),
    p95: pct(all, 0.95),
    p99: pct(all, 0.99),
    max: pct(all, 1),
    admittedP50: pct(admitted, 0.5),
    admittedP99: pct(admitted, 0.99),
    admittedMax: pct(admitted, 1),
    waitingP99: pct(waitingTimes, 0.99),
    generatorCpuMs: cpuMs(process.cpuUsage(cpuAtStart)),
    split: {
      newConnections: connects.length,
      connectP50: pct(connects, 0.5),
      connectP99: pct(connects, 0.99),
      connectMax: pct(connects, 1),
      admittedAfterConnectP99: pct(admittedAfterConnect, 0.99),
      slowAdmitted,
      slowByConnect,
    },
    startedAt,
    generatorLag: { p99: Math.round(lag.percentile(99) / 1e5) / 10, max: Math.round(lag.max / 1e5) / 10 },
    ...(spec.timeline ? { timeline: timeline.filter(Boolean) } : {}),
    ...(spec.mode === 'open' ? { offeredRps: Math.round(offered / (spec.durationMs / 1000)), capped } : {}),
  };
}

// Child process: one load, its result sent to the parent.
if (process.argv[2] === 'child') {
  const spec = JSON.parse(process.argv[3]!) as LoadSpec;
  process.send!(await runLoad(spec));
  process.exit(0);
}
