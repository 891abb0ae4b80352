import { afterEach, describe, expect, it } from 'vitest';
import { claimJobs, enqueue } from '../../src/platform/jobs/queue.ts';
import { createWorker } from '../../src/platform/jobs/worker.ts';
import { listenOnSharedPort } from '../../src/platform/http/acceptors.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { RawConnection } from '../helpers/raw-http.ts';

/**
 * SIGTERM's stop (server.ts → app.stopGracefully, graceful-stop.ts), issue 20: it took 9–19 s on a
 * loaded node (the worker's whole drain awaited after the last socket closed). Now: idle keep-alive
 * sockets closed at once, the request in progress answered (with `Connection: close`), the running
 * job asked to stop at its next step, and whatever is still open cut after the grace period.
 */
let t: TestApp | null = null;
let openGate: () => void = () => undefined;
let gate: Promise<void> = Promise.resolve();

afterEach(async () => {
  openGate();
  await t?.database.close();
  t = null;
});

async function startNode(graceSeconds: string): Promise<{ t: TestApp; port: number }> {
  const node = await createTestApp({ SHUTDOWN_GRACE_SECONDS: graceSeconds, ADMISSION_MAX_CONCURRENT: '16' }, (a) => {
    a.get('/test/lent', async () => {
      await gate;
      return 'fini';
    });
  });
  // as server.ts listens: 16 sockets sharing the port, most connections accepted by the extra ones
  await listenOnSharedPort(node.app, { host: '127.0.0.1', port: 0, sockets: 16 });
  const address = node.app.server.address();
  return { t: node, port: typeof address === 'object' && address ? address.port : 0 };
}

/** A keep-alive connection that asked /healthz once and now sits idle. */
async function idleConnection(port: number): Promise<RawConnection> {
  const c = await RawConnection.open(port);
  c.send('/healthz', { accept: 'application/json' });
  expect((await c.response()).status).toBe(200);
  return c;
}

const closedSoon = async (c: RawConnection, withinMs: number) => {
  const started = performance.now();
  while (!c.isClosed() && performance.now() - started < withinMs) await new Promise((resolve) => setTimeout(resolve, 10));
  return c.isClosed();
};

describe('stopping a node (SIGTERM)', () => {
  it('closes the idle keep-alive sockets at once, answers the request in progress with Connection: close, then stops', async () => {
    const node = await startNode('10');
    t = node.t;
    const idle = await Promise.all([idleConnection(node.port), idleConnection(node.port), idleConnection(node.port)]);
    gate = new Promise((resolve) => (openGate = resolve));
    const busy = await RawConnection.open(node.port);
    busy.send('/test/lent', { accept: 'text/plain' });
    for (let i = 0; i < 500 && t.app.admission.stats().inFlight === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(t.app.admission.stats().inFlight).toBe(1);

    const started = performance.now();
    let stopped = false;
    const stopping = t.app.stopGracefully().then((report) => ((stopped = true), report));
    // the idle sockets: closed at once, while the request in progress still runs
    for (const c of idle) expect(await closedSoon(c, 2000)).toBe(true);
    expect(stopped).toBe(false);
    // no new connection
    await expect(RawConnection.open(node.port)).rejects.toThrow();
    // the request in progress gets its whole answer, and its socket is closed after it
    openGate();
    const answer = await busy.response();
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('fini');
    expect(answer.headers.connection).toBe('close');
    const report = await stopping;
    expect(report.cut).toBe(0);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(await closedSoon(busy, 2000)).toBe(true);
  });

  it('cuts a request still running at the end of the grace period, and stops', async () => {
    const node = await startNode('1');
    t = node.t;
    gate = new Promise((resolve) => (openGate = resolve)); // never opened before the stop ends
    const stuck = await RawConnection.open(node.port);
    stuck.send('/test/lent', { accept: 'text/plain' });
    for (let i = 0; i < 500 && t.app.admission.stats().inFlight === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    const started = performance.now();
    const report = await t.app.stopGracefully();
    const ms = performance.now() - started;
    expect(report.cut).toBe(1);
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(5000);
    expect(await closedSoon(stuck, 2000)).toBe(true);
  });

  it('asks the running job to stop at its next step and gives it back to the queue, its attempt not counted', async () => {
    t = await createTestApp();
    const db = t.database.db;
    let steps = 0;
    let begun: () => void = () => undefined;
    const running = new Promise<void>((resolve) => (begun = resolve));
    const worker = createWorker({
      db,
      log: t.app.log,
      metrics: t.app.metrics,
      pollMs: 10,
      handlers: {
        'test-long': async (_payload, { signal }) => {
          begun();
          for (let i = 0; i < 1000; i++) {
            if (signal?.aborted) throw new Error('arrêt demandé');
            steps++;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        },
      },
    });
    await enqueue(db, 'test-long', {});
    await enqueue(db, 'test-long', {}, { dedupeKey: 'second' });
    worker.start();
    await running;
    const started = performance.now();
    await worker.stop();
    expect(performance.now() - started).toBeLessThan(2000);
    expect(steps).toBeLessThan(1000);
    const jobs = await db.selectFrom('jobs').select(['attempts', 'locked_until', 'done_at', 'failed_at', 'last_error']).where('kind', '=', 'test-long').orderBy('id').execute();
    // both back in the queue: the one begun, and the one claimed with it but not begun
    expect(jobs).toEqual([
      { attempts: 0, locked_until: null, done_at: null, failed_at: null, last_error: null },
      { attempts: 0, locked_until: null, done_at: null, failed_at: null, last_error: null },
    ]);
    expect(await claimJobs(db, 10)).toHaveLength(2); // due again at once
    await t.app.close();
  });
});
