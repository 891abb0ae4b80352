import type { FastifyInstance } from 'fastify';

/**
 * How a node stops on SIGTERM (a deployment, a scale-in), bounded (docs/scaling.md):
 *
 * 1. at once: no new connection is accepted, the idle keep-alive sockets are closed, the job worker
 *    claims no more job and its running job is asked to stop at its next step;
 * 2. the requests in progress are answered, with `Connection: close` (as is a request that arrives
 *    meanwhile on a socket already open), so that each socket closes after its answer;
 * 3. after `graceMs`, what is still open is cut (a request still running gets no answer: its
 *    transaction is not committed, so nothing it did was acknowledged), and the closing goes on.
 *
 * Then Fastify's onClose hooks run and the caller closes the database. Before, the stop waited for
 * the worker's whole drain (every job due, one after the other: the demo queue's ~3–7 s) after the
 * last socket had closed, and a socket kept alive by a client sending request after request was
 * answered 503 one request at a time until it gave up.
 */
export interface GracefulStopOptions {
  /** how long the requests in progress get before their sockets are cut (ms) */
  graceMs: number;
  /** the job worker's stop (asked at once, in parallel with the requests' end) */
  stopWorker: () => Promise<void>;
}

export interface StopReport {
  /** ms from the signal to the last socket closed and the onClose hooks run */
  closedMs: number;
  /** sockets cut at the deadline (0 when every request was answered in time) */
  cut: number;
}

const STOPPING = Symbol.for('portail-titres.stopping');

/**
 * Registers the hook that adds `Connection: close` to the answers of the requests in progress once
 * the node is stopping (Fastify adds it to those that arrive meanwhile, with `return503OnClosing`
 * off: app.ts); call it before the app is ready. Returns the stop itself.
 */
export function gracefulStop(app: FastifyInstance, options: GracefulStopOptions): () => Promise<StopReport> {
  const state = app as FastifyInstance & { [STOPPING]?: boolean };
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (state[STOPPING]) reply.header('connection', 'close');
    done(null, payload);
  });
  return async () => {
    const started = performance.now();
    state[STOPPING] = true;
    const server = app.server;
    const worker = options.stopWorker();
    let cut = 0;
    const deadline = setTimeout(() => {
      // past the grace period: every socket still open is cut, the close goes on
      server.getConnections((_error, count) => (cut = count));
      server.closeAllConnections();
    }, options.graceMs);
    try {
      // stops accepting, closes the idle sockets at once, waits for the others, then runs the onClose hooks
      await Promise.all([app.close(), worker]);
    } finally {
      clearTimeout(deadline);
    }
    return { closedMs: Math.round(performance.now() - started), cut };
  };
}
