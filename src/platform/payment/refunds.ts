import { sql } from 'kysely';
import type { Actor } from '../audit.ts';
import { audit } from '../audit.ts';
import type { Db } from '../db/database.ts';

export interface RefundRow {
  payment_id: number;
  reference: string;
  provider: string;
  provider_transaction_id: string | null;
  amount_cents: number;
  reason: 'already_paid' | 'not_payable';
  detected_at: Date;
  refunded_at: Date | null;
  file_number: string;
}

/**
 * Charges the portal could not use (decision 0016): those still to refund first, oldest first,
 * then the last ones refunded.
 */
export async function listRefunds(db: Db, limit = 200): Promise<RefundRow[]> {
  return db
    .selectFrom('payment_refunds as r')
    .innerJoin('payments as p', 'p.id', 'r.payment_id')
    .innerJoin('vehicle_procedures as v', 'v.id', 'r.procedure_id')
    .select(['r.payment_id', 'p.reference', 'p.provider', 'p.provider_transaction_id', 'r.amount_cents', 'r.reason', 'r.detected_at', 'r.refunded_at', 'v.file_number'])
    .orderBy(sql`r.refunded_at is null`, 'desc')
    .orderBy(sql`coalesce(r.refunded_at, r.detected_at)`, 'asc')
    .limit(limit)
    .execute();
}

/** An operator refunded the charge with the provider: recorded once, audited. */
export async function markRefunded(db: Db, paymentId: number, actor: Actor & { kind: 'agent' }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable('payment_refunds')
      .set({ refunded_at: new Date(), refunded_by: actor.id })
      .where('payment_id', '=', paymentId)
      .where('refunded_at', 'is', null)
      .returning(['procedure_id', 'amount_cents'])
      .executeTakeFirst();
    if (!done) return false;
    const payment = await trx.updateTable('payments').set({ status: 'refunded', updated_at: new Date() }).where('id', '=', paymentId).where('status', '=', 'to_refund').returning('reference').executeTakeFirst();
    await audit(trx, actor, 'payment.refunded', { kind: 'vehicle_procedure', id: done.procedure_id }, { reference: payment?.reference ?? null, amount_cents: done.amount_cents });
    return true;
  });
}
