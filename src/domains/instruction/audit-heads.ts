import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { sealAuditEvents } from '../../platform/audit.ts';
import { enqueue } from '../../platform/jobs/queue.ts';
import type { JobHandler } from '../../platform/jobs/worker.ts';
import { addDays, parisDay, parseParisTime } from '../../platform/time.ts';

/**
 * The daily record of the audit chain's head: once the waiting rows are sealed, the row written
 * before midnight (Paris time) with the highest place in the chain, with its hash. Stored in
 * `audit_heads` and written to the logs, so that a copy lives outside the database; `npm run audit:verify` checks each recorded head still matches.
 */
export const RECORD_AUDIT_HEAD_JOB = 'record-audit-head';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Enqueues the job recording the head of the day that ended before `now` (yesterday in Paris).
 * Called by every node's periodic housekeeping: the dedupe key makes it one job per day in all.
 */
export async function enqueueDailyAuditHead(db: Db, now = new Date()): Promise<string> {
  const day = addDays(parisDay(now), -1);
  await enqueue(db, RECORD_AUDIT_HEAD_JOB, { day }, { dedupeKey: `audit-head-${day}` });
  return day;
}

export interface AuditHead {
  day: string;
  lastId: number;
  hash: string;
}

/** Records the head of `day`; a second call for the same day keeps the first record. Null when the chain was empty then. */
export async function recordAuditHead(db: Db, day: string): Promise<AuditHead | null> {
  if (!DAY.test(day)) throw new Error(`Jour invalide : ${day}`);
  const end = parseParisTime(`${addDays(day, 1)}T00:00`);
  await sealAuditEvents(db); // the rows of the day that ended are given their place in the chain first
  const head = await db
    .selectFrom('audit_events')
    .select(['id', 'hash'])
    .where('at', '<', end)
    .where('seq', 'is not', null)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!head?.hash) return null;
  await db.insertInto('audit_heads').values({ day, last_id: head.id, hash: head.hash }).onConflict((oc) => oc.column('day').doNothing()).execute();
  const stored = await sql<{ last_id: number; hash: string }>`select last_id, hash from audit_heads where day = ${day}::date`.execute(db);
  const row = stored.rows[0]!;
  return { day, lastId: Number(row.last_id), hash: row.hash };
}

export function createRecordAuditHeadHandler(deps: { db: Db; log: FastifyBaseLogger }): JobHandler {
  return async (payload) => {
    const day = (payload as { day?: unknown }).day;
    if (typeof day !== 'string') throw new Error('Tâche record-audit-head sans jour');
    const head = await recordAuditHead(deps.db, day);
    if (head) deps.log.info({ auditHead: head }, 'journal d’audit : empreinte de tête du jour enregistrée');
    else deps.log.info({ day }, 'journal d’audit vide en fin de journée : aucune empreinte enregistrée');
  };
}
