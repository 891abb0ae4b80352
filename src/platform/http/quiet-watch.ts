import type { FastifyInstance } from 'fastify';

/** Paths that are not visitors: the load balancer's probe, the metrics' scraper, static assets. */
const NOT_A_VISITOR = /^\/(healthz|metrics)(?:[?]|$)|^\/assets\//;

export interface QuietWatch {
  /**
   * Resolves once no visitor's request has arrived for `quietMs` (at once when none did), or after
   * `maxWaitMs` whatever the traffic, or when `signal` is aborted.
   */
  untilQuiet(opts?: { signal?: AbortSignal; maxWaitMs?: number }): Promise<void>;
}

/**
 * When the node's visitors leave it a moment: background work that runs on the event loop (the
 * demo queue's job, whose PGlite statements hold it 0.1–0.4 s per step on a loaded machine) waits
 * for a gap between them, so that a new node's first visitors never meet it (issue 20).
 */
export function watchQuiet(app: FastifyInstance, quietMs: number, seen: () => number = () => 0): QuietWatch {
  let lastVisitorAt = -Infinity;
  let inProgress = 0;
  let lastSeen = seen();
  // a visitor's request is activity from its arrival to its answer
  app.addHook('onRequest', (request, _reply, done) => {
    if (!NOT_A_VISITOR.test(request.url)) {
      lastVisitorAt = performance.now();
      inProgress++;
    }
    done();
  });
  app.addHook('onResponse', (request, _reply, done) => {
    if (!NOT_A_VISITOR.test(request.url)) {
      lastVisitorAt = performance.now();
      inProgress = Math.max(0, inProgress - 1);
    }
    done();
  });
  /** the visitors answered before these hooks (the waiting room's pages) count too: `seen` counts them */
  const look = (now: number) => {
    const count = seen();
    if (count !== lastSeen || inProgress > 0) lastVisitorAt = now;
    lastSeen = count;
  };
  return {
    async untilQuiet({ signal, maxWaitMs = 120_000 } = {}) {
      const started = performance.now();
      for (;;) {
        const now = performance.now();
        look(now);
        const quietFor = now - lastVisitorAt;
        if (quietFor >= quietMs || now - started >= maxWaitMs || signal?.aborted) return;
        await new Promise((resolve) => setTimeout(resolve, Math.min(250, quietMs - quietFor, maxWaitMs - (now - started)) + 1));
      }
    },
  };
}
