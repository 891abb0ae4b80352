import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { trackAnswers, whenLeftEarly } from './left-early.ts';
import { TimeBudget, type BudgetEntry, type TimeBudgetOptions, type TimeBudgetStats } from './time-budget.ts';

/**
 * Puts one class of requests (the portal's: a signed-in agent's back-office pages, app.ts) under a
 * time budget (time-budget.ts): a request of the class waits in this node's FIFO queue while the
 * class has spent its share of the node's time, then is served, or past the longest wait gets the
 * caller's « réessayez » page (503 with Retry-After). Registered after the session is read (the class
 * may depend on who is signed in), as an onRequest hook: a waiting request has read nothing yet.
 */
export interface TimeBudgetPluginOptions extends TimeBudgetOptions {
  /** whether this request spends the budget: 'wait' (may wait, may be sent away), 'spend' (never waits, spends), null (not of the class) */
  classify: (request: FastifyRequest) => 'wait' | 'spend' | null;
  /** the answer to a request that waited too long, or found the queue full (503, Retry-After set) */
  busyPage: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply> | FastifyReply;
  /** seconds in the Retry-After of the busy page */
  retrySeconds: number;
  /** the clock (ms), for tests; performance.now() by default */
  now?: () => number;
}

declare module 'fastify' {
  interface FastifyInstance {
    timeBudget: { stats(): TimeBudgetStats };
  }
}

const ENTRY = Symbol('timeBudget.entry');
type Budgeted = FastifyRequest & { [ENTRY]?: BudgetEntry };

/** The header naming the answer of a request sent away by the budget (the load generators count it apart). */
export const TIME_BUDGET_HEADER = 'x-admission';
export const TIME_BUDGET_HEADER_VALUE = 'back-office';

export const timeBudgetPlugin = fp(async (app: FastifyInstance, opts: TimeBudgetPluginOptions) => {
  trackAnswers(app);
  const now = opts.now ?? (() => performance.now());
  const budget = new TimeBudget(opts, now());
  /** what each waiting request's hook awaits: resolved with true (let in) or false (sent away) */
  const waiting = new Map<BudgetEntry, (admitted: boolean) => void>();
  let timer: NodeJS.Timeout | null = null;
  let timerAt = Infinity;

  app.decorate('timeBudget', { stats: () => budget.stats(now()) });

  function settle(result: { admitted: BudgetEntry[]; expired: BudgetEntry[] }): void {
    for (const entry of result.admitted) waiting.get(entry)?.(true);
    for (const entry of result.expired) waiting.get(entry)?.(false);
    schedule();
  }

  /** One timer, at the next instant the queue may move (time back in the bucket, or the oldest wait over). */
  function schedule(): void {
    const at = budget.nextWakeAt(now());
    if (at === null) {
      if (timer) clearTimeout(timer);
      timer = null;
      timerAt = Infinity;
      return;
    }
    if (timer && timerAt <= at) return;
    if (timer) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(() => {
      timer = null;
      timerAt = Infinity;
      settle(budget.poll(now()));
    }, Math.max(0, Math.ceil(at - now())));
  }

  app.addHook('onClose', async () => {
    if (timer) clearTimeout(timer);
  });

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const kind = opts.classify(request);
    if (kind === null) return;
    const entry = budget.ask(now(), kind === 'spend');
    (request as Budgeted)[ENTRY] = entry;
    if (entry.state === 'admitted') return;
    if (entry.state === 'queued') {
      const admitted = await new Promise<boolean>((resolve) => {
        waiting.set(entry, resolve);
        // the client went away while waiting: its place is given up
        reply.raw.once('close', () => {
          if (entry.state !== 'queued') return;
          budget.cancel(entry);
          resolve(false);
          schedule();
        });
        schedule();
      });
      waiting.delete(entry);
      if (admitted) return;
      if ((entry.state as BudgetEntry['state']) === 'cancelled') return reply.code(503).send(); // nobody to answer
    }
    reply.code(503).header('retry-after', String(opts.retrySeconds)).header('cache-control', 'no-store').header(TIME_BUDGET_HEADER, TIME_BUDGET_HEADER_VALUE);
    return opts.busyPage(request, reply);
  });

  // the time is spent once the response is sent, or when the client goes away before it, or for a
  // client gone after sending its whole form (left-early.ts) — once
  const done = async (request: FastifyRequest) => {
    const entry = (request as Budgeted)[ENTRY];
    if (!entry || entry.state !== 'admitted') return;
    settle(budget.finish(entry, now()));
  };
  app.addHook('onResponse', done);
  app.addHook('onRequestAbort', done);
  app.addHook('preHandler', async (request, reply) => {
    if ((request as Budgeted)[ENTRY]?.state === 'admitted') whenLeftEarly(request, reply, () => void done(request));
  });
});
