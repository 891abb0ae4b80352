import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/database.ts';
import type { Metrics } from '../observability/metrics.ts';
import { claimJobs, completeJob, failJob, releaseJob } from './queue.ts';

/**
 * A job's work. `signal` (when given) is aborted when the worker stops (SIGTERM): a long job may
 * check it between its steps and throw, and is then released, to be run again from where it stands.
 */
export type JobHandler = (payload: unknown, ctx: { jobId: number; attempt: number; signal?: AbortSignal }) => Promise<void>;
export type JobHandlers = Record<string, JobHandler>;

export interface Worker {
  /** Runs every ready job once; returns how many ran. Used by the loop and by tests. */
  drain(): Promise<number>;
  start(): void;
  /**
   * Claims no more job, aborts the running one's signal and waits for it (a job that heeds the
   * signal stops at its next step and is released, its attempt not counted).
   */
  stop(): Promise<void>;
}

/**
 * Lets the event loop read its sockets before the worker's next statement. On the embedded database
 * (PGlite) a query runs on the main thread and resolves at once, so a chain of awaited statements is
 * one long turn of the loop: the housekeeping of a tick (~0.1–0.7 s of queries) kept every visitor
 * waiting and made the waiting room's loop-delay watch see the node as overloaded (issue 20).
 */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createWorker(opts: {
  db: Db;
  handlers: JobHandlers;
  log: FastifyBaseLogger;
  metrics: Metrics;
  pollMs: number;
  batch?: number;
  /** periodic housekeeping (purges), run at most every `periodicMs`: steps run one after the other */
  periodic?: (() => Promise<unknown>)[];
  periodicMs?: number;
  /** short chores run every `everyMs` (e.g. sealing the audit trail), each on its own clock */
  frequent?: { everyMs: number; run: () => Promise<unknown> }[];
}): Worker {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = true;
  let lastPeriodic = 0;
  const lastFrequent: number[] = [];
  /** aborted by stop(): the running job may end at its next step */
  let stopping = new AbortController();

  async function runOnce(): Promise<number> {
    const jobs = await claimJobs(opts.db, opts.batch ?? 10);
    const signal = stopping.signal;
    for (const [i, job] of jobs.entries()) {
      if (signal.aborted) {
        // stopped: the jobs claimed but not begun go back to the queue at once, their attempt not counted
        for (const left of jobs.slice(i)) await releaseJob(opts.db, left.id);
        return i;
      }
      const handler = opts.handlers[job.kind];
      try {
        if (!handler) throw new Error(`Aucun traitement pour les tâches « ${job.kind} »`);
        await handler(job.payload, { jobId: job.id, attempt: job.attempts, signal });
        await completeJob(opts.db, job.id);
        opts.metrics.jobsProcessed.inc({ kind: job.kind, outcome: 'done' });
      } catch (error) {
        if (signal.aborted) {
          // stopped during the job: it and those claimed with it go back to the queue, their attempt not counted
          for (const left of jobs.slice(i)) await releaseJob(opts.db, left.id);
          opts.log.info({ jobId: job.id, kind: job.kind }, 'tâche interrompue par l’arrêt : elle reprendra au prochain passage');
          return i;
        }
        const outcome = await failJob(opts.db, job, error);
        opts.metrics.jobsProcessed.inc({ kind: job.kind, outcome });
        opts.log.warn({ err: error, jobId: job.id, kind: job.kind, outcome }, outcome === 'retry' ? 'tâche en échec : nouvel essai prévu' : 'tâche en échec définitif : plus d’essai');
      }
      await nextTurn();
    }
    return jobs.length;
  }

  async function drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await runOnce();
      total += n;
      if (n === 0 || stopping.signal.aborted) return total;
    }
  }

  async function tick(): Promise<void> {
    try {
      await drain();
      await nextTurn();
      for (const [i, chore] of (opts.frequent ?? []).entries()) {
        if (stopped) break;
        if (Date.now() - (lastFrequent[i] ?? 0) < chore.everyMs) continue;
        lastFrequent[i] = Date.now();
        await chore.run();
        await nextTurn();
      }
      if (!stopped && opts.periodic && Date.now() - lastPeriodic > (opts.periodicMs ?? 600_000)) {
        lastPeriodic = Date.now();
        for (const step of opts.periodic) {
          if (stopped) break;
          await step();
          await nextTurn();
        }
      }
    } catch (error) {
      opts.log.error({ err: error }, 'tâches : tour du traitement en échec');
    }
    if (!stopped) timer = setTimeout(loop, opts.pollMs);
  }

  function loop(): void {
    running = tick();
  }

  return {
    drain,
    start() {
      if (!stopped) return;
      stopped = false;
      // the first tick one poll period later: the node's first visitors are served before its housekeeping
      timer = setTimeout(loop, opts.pollMs);
    },
    async stop() {
      stopped = true;
      stopping.abort();
      if (timer) clearTimeout(timer);
      await running;
      stopping = new AbortController(); // a drain asked by hand afterwards (tests, a CLI) runs the jobs
    },
  };
}
