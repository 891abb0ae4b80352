import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

export interface EnqueueOptions {
  /** at most one job with this key ever exists: a replay enqueues nothing */
  dedupeKey?: string;
  runAt?: Date;
  maxAttempts?: number;
}

/**
 * Enqueues a durable job. Pass the transaction of the write that causes it, so the job exists
 * if and only if the write committed.
 *
 * **One clock for jobs: the app's** (`Date`, moved by `APP_CLOCK_START`, src/platform/time.ts).
 * A job is due at `runAt` (default: now) of the app clock, and `claimJobs` compares with the app
 * clock too, never with the database's `now()`: a PostgreSQL server keeps the real time while the
 * app clock may be moved, and a job due "in 10 s" would then run at once or not for months.
 */
export async function enqueue(db: Db, kind: string, payload: unknown, opts: EnqueueOptions = {}): Promise<void> {
  await db
    .insertInto('jobs')
    .values({
      kind,
      payload: JSON.stringify(payload),
      dedupe_key: opts.dedupeKey ?? null,
      run_at: opts.runAt ?? new Date(),
      ...(opts.maxAttempts ? { max_attempts: opts.maxAttempts } : {}),
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .execute();
}

export interface ClaimedJob {
  id: number;
  kind: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
}

const LOCK_SECONDS = 300;

/**
 * Claims up to `limit` jobs due by the app clock (see `enqueue`); `FOR UPDATE SKIP LOCKED` lets
 * several workers share the table.
 */
export async function claimJobs(db: Db, limit: number): Promise<ClaimedJob[]> {
  const now = new Date();
  const lockedUntil = new Date(now.getTime() + LOCK_SECONDS * 1000);
  const result = await sql<ClaimedJob & { run_at: Date }>`
    update jobs set locked_until = ${lockedUntil}, attempts = attempts + 1
    where id in (
      select id from jobs
      where done_at is null and failed_at is null and run_at <= ${now}
        and (locked_until is null or locked_until < ${now})
      order by run_at, id
      limit ${limit}
      for update skip locked
    )
    returning id, kind, payload, attempts, max_attempts, run_at`.execute(db);
  // UPDATE … RETURNING does not keep the subquery's order: run them oldest first.
  return result.rows
    .sort((a, b) => a.run_at.getTime() - b.run_at.getTime() || a.id - b.id)
    .map(({ run_at: _runAt, ...job }) => job);
}

/** Gives a claimed job back to the queue at once, its attempt not counted (the worker stopped before or during it). */
export async function releaseJob(db: Db, id: number): Promise<void> {
  await db
    .updateTable('jobs')
    .set((eb) => ({ locked_until: null, attempts: eb('attempts', '-', 1) }))
    .where('id', '=', id)
    .where('done_at', 'is', null)
    .execute();
}

export async function completeJob(db: Db, id: number): Promise<void> {
  await db.updateTable('jobs').set({ done_at: new Date(), locked_until: null, last_error: null }).where('id', '=', id).execute();
}

/** Retries later with exponential backoff (30 s, 1 min, 2 min… capped at 1 h), or gives up. */
export async function failJob(db: Db, job: ClaimedJob, error: unknown): Promise<'retry' | 'failed'> {
  const message = error instanceof Error ? error.message : String(error);
  if (job.attempts >= job.max_attempts) {
    await db.updateTable('jobs').set({ failed_at: new Date(), locked_until: null, last_error: message }).where('id', '=', job.id).execute();
    return 'failed';
  }
  const delaySeconds = Math.min(3600, 30 * 2 ** (job.attempts - 1));
  await db
    .updateTable('jobs')
    .set({ run_at: new Date(Date.now() + delaySeconds * 1000), locked_until: null, last_error: message })
    .where('id', '=', job.id)
    .execute();
  return 'retry';
}
