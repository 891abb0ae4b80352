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

/**
 * pg_try_advisory_xact_lock key taken by the sealer only (the migrations use 73_420_001): one node
 * seals at a time, the others skip their turn. Writers never take it.
 */
const AUDIT_SEALER_LOCK = 73_420_002;

/** Rows sealed per transaction of the sealer. */
const SEAL_BATCH = 2000;

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

/** One row of the audit trail to write: what was done to which subject, with what details. */
export interface AuditEntry {
  action: string;
  subject: { kind: string; id: number } | null;
  details?: Record<string, unknown>;
}

/**
 * One row of the audit trail: who did what to which subject, from where. Call it inside the
 * transaction of the change it records, so that both commit or neither. One INSERT, no lock: the
 * row waits, without a hash, for the sealer (`sealAuditEvents`, run by the job worker every few
 * seconds) to give it its place in the chain. Never pass a password, a code or a token in `details`.
 */
export async function audit(
  db: Db,
  actor: Actor,
  action: string,
  subject: { kind: string; id: number } | null,
  details: Record<string, unknown> = {},
): Promise<void> {
  await auditAll(db, actor, [{ action, subject, details }]);
}

/** Several rows of one actor in one INSERT (one round trip), in their order: a change and what it completes (`applyTransition`'s `alsoAudit`). */
export async function auditAll(db: Db, actor: Actor, entries: readonly AuditEntry[]): Promise<void> {
  if (!entries.length) return;
  await db
    .insertInto('audit_events')
    .values(
      entries.map((e) => ({
        actor_kind: actor.kind,
        actor_id: actor.id,
        action: e.action,
        subject_kind: e.subject?.kind ?? null,
        subject_id: e.subject?.id ?? null,
        ip: actor.ip,
        details: JSON.stringify(e.details ?? {}),
      })),
    )
    .execute();
}

type StoredRow = ChainedFields & { prev_hash: string | null; hash: string | null; seq: number | null };

/** Rows as hashed: the timestamp as UTC text to the microsecond, `details` as jsonb text, numbers as numbers. */
const chainedColumns = sql`id, ${utcText('at')} as at, actor_kind, actor_id, action, subject_kind, subject_id, ip, details::text as details, prev_hash, hash, seq`;
function asChained(r: StoredRow): StoredRow {
  return {
    ...r,
    id: Number(r.id),
    actor_id: r.actor_id === null ? null : Number(r.actor_id),
    subject_id: r.subject_id === null ? null : Number(r.subject_id),
    seq: r.seq === null ? null : Number(r.seq),
  };
}

/**
 * Gives the committed rows still waiting (seq null) their place in the chain, in id order, after
 * the current head: seq, prev_hash, hash, one UPDATE per batch of up to 2,000 rows. One sealer at
 * a time across nodes (a try-lock: a node that finds another sealing returns 0 at once). A row
 * whose transaction commits after a later id was sealed simply takes the next place. Returns how
 * many rows were sealed.
 */
export async function sealAuditEvents(db: Db, batch = SEAL_BATCH): Promise<number> {
  let total = 0;
  const inTransaction = (work: (trx: Db) => Promise<number>) => (db.isTransaction ? work(db) : db.transaction().execute(work));
  for (;;) {
    const sealed = await inTransaction(async (trx) => {
      const lock = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${AUDIT_SEALER_LOCK}) as locked`.execute(trx);
      if (!lock.rows[0]?.locked) return -1;
      const waiting = await sql<StoredRow>`select ${chainedColumns} from audit_events where seq is null order by id limit ${batch}`.execute(trx);
      if (waiting.rows.length === 0) return 0;
      const head = await sql<{ seq: string; hash: string }>`select seq, hash from audit_events where seq is not null order by seq desc limit 1`.execute(trx);
      let seq = head.rows[0] ? Number(head.rows[0].seq) : 0;
      let prevHash = head.rows[0]?.hash ?? GENESIS_HASH;
      const ids: number[] = [];
      const seqs: number[] = [];
      const prevs: string[] = [];
      const hashes: string[] = [];
      for (const raw of waiting.rows) {
        const row = asChained(raw);
        const hash = auditRowHash(prevHash, row);
        ids.push(row.id);
        seqs.push(++seq);
        prevs.push(prevHash);
        hashes.push(hash);
        prevHash = hash;
      }
      await sql`
        update audit_events e set seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
        from unnest(${ids}::bigint[], ${seqs}::bigint[], ${prevs}::text[], ${hashes}::text[]) as v(id, seq, prev_hash, hash)
        where e.id = v.id and e.seq is null`.execute(trx);
      return waiting.rows.length;
    });
    if (sealed <= 0) return total;
    total += sealed;
    if (sealed < batch) return total;
  }
}

/** How often each node's worker runs the sealer (a node that finds another one sealing skips). */
export const AUDIT_SEAL_EVERY_MS = 5_000;

export type ChainCheck =
  | { ok: true; rows: number; pending: number; heads: number; lastId: number | null; lastHash: string }
  | { ok: false; rows: number; brokenAt: number; reason: 'edited' | 'chain_broken' | 'head_missing' | 'head_mismatch'; message: string };

/**
 * Seals what is waiting (unless `seal: false`), then walks the whole chain in seq order,
 * recomputing every hash, then checks the recorded daily heads. Reports the first broken row: an
 * edited row no longer matches its hash; a deleted row, or one inserted or moved into the chain,
 * breaks the link of the row after it; rows deleted at the end of the chain are caught by the
 * day's head when one was recorded after them. `pending` counts rows committed but not sealed
 * (only with `seal: false`, or rows committed during the walk).
 */
export async function verifyAuditChain(db: Db, options: { batch?: number; seal?: boolean } = {}): Promise<ChainCheck> {
  const batch = options.batch ?? 2000;
  if (options.seal !== false) await sealAuditEvents(db);
  let prevHash = GENESIS_HASH;
  let prevId: number | null = null;
  let lastSeq = 0;
  let rows = 0;
  for (;;) {
    const page = await sql<StoredRow>`select ${chainedColumns} from audit_events where seq > ${lastSeq} order by seq limit ${batch}`.execute(db);
    for (const raw of page.rows) {
      const row = asChained(raw);
      lastSeq = row.seq!;
      if (auditRowHash(row.prev_hash!, row) !== row.hash)
        return { ok: false, rows, brokenAt: row.id, reason: 'edited', message: `La ligne n° ${row.id} a été modifiée : son contenu ne correspond plus à son empreinte.` };
      if (row.prev_hash !== prevHash)
        return {
          ok: false,
          rows,
          brokenAt: row.id,
          reason: 'chain_broken',
          message:
            prevId === null
              ? `La chaîne est rompue avant la ligne n° ${row.id}, la première restante : les lignes qui la précédaient ont été supprimées.`
              : `La chaîne est rompue entre les lignes n° ${prevId} et n° ${row.id} : une ligne a été supprimée, insérée ou réécrite entre elles.`,
        };
      prevHash = row.hash!;
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
  const pending = await sql<{ n: string }>`select count(*) as n from audit_events where seq is null`.execute(db);
  return { ok: true, rows, pending: Number(pending.rows[0]!.n), heads: heads.rows.length, lastId: prevId, lastHash: prevHash };
}
