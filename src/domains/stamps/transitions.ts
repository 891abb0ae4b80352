import type { Expression, ExpressionBuilder, Selectable, SqlBool, UpdateObject } from 'kysely';
import { audit, type Actor } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import type { DB } from '../../schema.ts';
import { STAMP_MOVES, type StampMove } from './model.ts';
import { REFUND_DECISIONS, type RefundDecision } from './refund-model.ts';
import type { FiscalStampsTable, StampRefundRequestsTable } from './tables.ts';

type StampGuard = (eb: ExpressionBuilder<DB, 'fiscal_stamps'>) => Expression<SqlBool>;

/**
 * The one writer of `fiscal_stamps.status`: moves the stamp (by id, or by the HMAC of its number)
 * only from the move's `from` status (STAMP_MOVES), and only if `guard` holds (its amount, its age),
 * in one conditional update: of two concurrent moves, one wins; a stamp in any other status is
 * left untouched. The move is audited with its code.
 */
export async function moveStamp(
  trx: Db,
  stamp: { id: number } | { numberHash: string },
  move: StampMove,
  actor: Actor,
  opts: { set?: Omit<UpdateObject<DB, 'fiscal_stamps'>, 'status'>; guard?: StampGuard; details?: Record<string, unknown> } = {},
): Promise<Selectable<FiscalStampsTable> | null> {
  const m = STAMP_MOVES[move];
  let update = trx
    .updateTable('fiscal_stamps')
    .set({ ...opts.set, status: m.to })
    .where('status', '=', m.from);
  update = 'id' in stamp ? update.where('id', '=', stamp.id) : update.where('number_hash', '=', stamp.numberHash);
  if (opts.guard) update = update.where(opts.guard);
  const moved = await update.returningAll().executeTakeFirst();
  if (!moved) return null;
  await audit(trx, actor, m.audit, { kind: 'fiscal_stamp', id: moved.id }, { ...opts.details });
  return moved;
}

/**
 * The one writer of `stamp_refund_requests.status`: the operator's decision on a pending request
 * (REFUND_DECISIONS), once (of two concurrent decisions, one wins: the other gets null and writes
 * nothing), with its stamp moved in the same transaction and audited (the stamp's move carries the
 * request's reference).
 */
export async function decideRefund(
  trx: Db,
  requestId: number,
  decision: RefundDecision,
  agent: { id: number },
  opts: { note: string | null; ip: string | null },
): Promise<{ request: Selectable<StampRefundRequestsTable>; stamp: Selectable<FiscalStampsTable> } | null> {
  const d = REFUND_DECISIONS[decision];
  const request = await trx
    .updateTable('stamp_refund_requests')
    .set({ status: d.to, decision_note: opts.note, decided_by: agent.id, decided_at: new Date() })
    .where('id', '=', requestId)
    .where('status', '=', d.from)
    .returningAll()
    .executeTakeFirst();
  if (!request) return null;
  const stamp = await moveStamp(trx, { id: request.stamp_id }, d.stampMove, { kind: 'agent', id: agent.id, ip: opts.ip }, {
    set: d.stampMove === 'refund' ? { refunded_at: new Date() } : {},
    details: { reference: request.reference },
  });
  // a pending request always holds its stamp in refund_requested: anything else is a broken invariant
  if (!stamp) throw new Error(`stamp refund ${request.reference}: its stamp is not waiting for the refund`);
  return { request, stamp };
}
