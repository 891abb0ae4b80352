import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from './db/database.ts';

export interface Actor {
  kind: 'user' | 'agent' | 'system';
  id: number | null;
  ip: string | null;
}

export const SYSTEM: Actor = { kind: 'system', id: null, ip: null };

/** The prev_hash of the first row of the chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** pg_advisory_xact_lock key serialising appends to the chain (the migrations use 73_420_001). */
const AUDIT_CHAIN_LOCK = 73_420_002;

/** A timestamp as text, to the microsecond, in UTC: the form hashed (a JS Date would drop the microseconds). */
const utcText = (expression: 'at' | 'now()') => sql.raw(`to_char(${expression} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`);

/** What the hash of a row covers: its fields as the database gives them back, `details` as jsonb text. */
export interface ChainedFields {
  id: number;
  at: string;
  actor_kind: string;
  actor_id: number | null;
  action: string;
  subject_kind: string | null;
  subject_id: number | null;
  ip: string | null;
  /** `details::text`: PostgreSQL's own canonical output of the jsonb value */
  details: string;
}

/**
 * The canonical serialisation hashed for a row: a JSON array, no spaces, of the previous hash and
 * the row's fields in a fixed order. Migration 0004 rebuilds the same string in SQL for the rows
 * written before the chain existed; keep both in step.
 */
export function canonicalAuditRow(prevHash: string, row: ChainedFields): string {
  return JSON.stringify([prevHash, row.id, row.at, row.actor_kind, row.actor_id, row.action, row.subject_kind, row.subject_id, row.ip, row.details]);
}

export function auditRowHash(prevHash: string, row: ChainedFields): string {
  return createHash('sha256').update(canonicalAuditRow(prevHash, row), 'utf8').digest('hex');
}

/**
 * One row of the audit trail: who did what to which subject, from where. Call it inside the
 * transaction of the change it records, as its last write: appends are serialised by a
 * transaction-scoped advisory lock held until commit, and taking row locks after it invites
 * deadlocks. Given the root database instead of a transaction, it opens its own.
 * Never pass a password, a code or a token in `details`.
 */
export async function audit(
  db: Db,
  actor: Actor,
  action: string,
  subject: { kind: string; id: number } | null,
  details: Record<string, unknown> = {},
): Promise<void> {
  const append = async (trx: Db) => {
    // The lock first, in its own statement: the next statement's snapshot then sees the row
    // committed by whoever held the lock before us (READ COMMITTED).
    await sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`.execute(trx);
    const detailsJson = JSON.stringify(details);
    const next = await sql<{ id: number; at: string; details: string; prev: string | null }>`
      select nextval(pg_get_serial_sequence('audit_events', 'id')) as id,
             ${utcText('now()')} as at,
             ${detailsJson}::jsonb::text as details,
             (select hash from audit_events order by id desc limit 1) as prev`.execute(trx);
    const { id, at, details: detailsText, prev } = next.rows[0]!;
    const prevHash = prev ?? GENESIS_HASH;
    const row: ChainedFields = {
      id: Number(id),
      at,
      actor_kind: actor.kind,
      actor_id: actor.id,
      action,
      subject_kind: subject?.kind ?? null,
      subject_id: subject?.id ?? null,
      ip: actor.ip,
      details: detailsText,
    };
    await sql`
      insert into audit_events (id, at, actor_kind, actor_id, action, subject_kind, subject_id, ip, details, prev_hash, hash)
      overriding system value
      values (${row.id}, ${at}::timestamptz, ${row.actor_kind}, ${row.actor_id}, ${row.action}, ${row.subject_kind},
              ${row.subject_id}, ${row.ip}, ${detailsJson}::jsonb, ${prevHash}, ${auditRowHash(prevHash, row)})`.execute(trx);
  };
  if (db.isTransaction) await append(db);
  else await db.transaction().execute(append);
}

export type ChainCheck =
  | { ok: true; rows: number; heads: number; lastId: number | null; lastHash: string }
  | { ok: false; rows: number; brokenAt: number; reason: 'edited' | 'chain_broken' | 'head_missing' | 'head_mismatch'; message: string };

/**
 * Walks the whole chain in id order, recomputing every hash, then checks the recorded daily heads.
 * Reports the first broken row: an edited row no longer matches its hash; a deleted (or inserted)
 * row breaks the link of the row after it; rows deleted at the end of the chain are caught by the
 * day's head when one was recorded after them.
 */
export async function verifyAuditChain(db: Db, batch = 2000): Promise<ChainCheck> {
  let prevHash = GENESIS_HASH;
  let prevId: number | null = null;
  let rows = 0;
  for (;;) {
    const after: number = prevId ?? 0;
    const page = await sql<ChainedFields & { prev_hash: string; hash: string }>`
      select id, ${utcText('at')} as at, actor_kind, actor_id, action, subject_kind, subject_id, ip,
             details::text as details, prev_hash, hash
      from audit_events where id > ${after} order by id limit ${batch}`.execute(db);
    for (const r of page.rows) {
      const row = { ...r, id: Number(r.id), actor_id: r.actor_id === null ? null : Number(r.actor_id), subject_id: r.subject_id === null ? null : Number(r.subject_id) };
      if (auditRowHash(r.prev_hash, row) !== r.hash)
        return { ok: false, rows, brokenAt: row.id, reason: 'edited', message: `La ligne n° ${row.id} a été modifiée : son contenu ne correspond plus à son empreinte.` };
      if (r.prev_hash !== prevHash)
        return {
          ok: false,
          rows,
          brokenAt: row.id,
          reason: 'chain_broken',
          message:
            prevId === null
              ? `La chaîne est rompue avant la ligne n° ${row.id}, la première restante : les lignes qui la précédaient ont été supprimées.`
              : `La chaîne est rompue entre les lignes n° ${prevId} et n° ${row.id} : une ligne a été supprimée ou réécrite entre elles.`,
        };
      prevHash = r.hash;
      prevId = row.id;
      rows++;
    }
    if (page.rows.length < batch) break;
  }

  const heads = await sql<{ day: string; last_id: number; hash: string; found: string | null }>`
    select h.day::text as day, h.last_id, h.hash, e.hash as found
    from audit_heads h left join audit_events e on e.id = h.last_id order by h.day`.execute(db);
  for (const h of heads.rows) {
    if (h.found === null)
      return { ok: false, rows, brokenAt: Number(h.last_id), reason: 'head_missing', message: `La ligne n° ${h.last_id}, tête de la chaîne enregistrée pour le ${h.day}, a été supprimée.` };
    if (h.found !== h.hash)
      return { ok: false, rows, brokenAt: Number(h.last_id), reason: 'head_mismatch', message: `La ligne n° ${h.last_id} ne correspond plus à la tête de la chaîne enregistrée pour le ${h.day}.` };
  }
  return { ok: true, rows, heads: heads.rows.length, lastId: prevId, lastHash: prevHash };
}
