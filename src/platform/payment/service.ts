import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Actor } from '../audit.ts';
import { audit } from '../audit.ts';
import type { Db } from '../db/database.ts';
import type { PaymentProvider, ProviderStatus } from './port.ts';
import type { Payment, PaymentStatus } from './tables.ts';

export const PAYMENT_VALIDITY_MINUTES = 90;
/** An attempt still `created` (no provider transaction) after this long lost its provider call (crash): it is closed. */
const STALE_CREATED_MINUTES = 2;
const OPEN: PaymentStatus[] = ['created', 'started', 'submitted'];
const FINAL: PaymentStatus[] = ['success', 'failed', 'cancelled', 'error', 'expired', 'to_refund', 'refunded'];
/** The charge is accounted for: whatever the provider says again changes nothing. */
const SETTLED: PaymentStatus[] = ['success', 'to_refund', 'refunded'];
const FROM_PROVIDER: Record<ProviderStatus, PaymentStatus | null> = { pending: null, paid: 'success', declined: 'failed', cancelled: 'cancelled', error: 'error' };

/**
 * What a paid procedure does, in the transaction that records the success (once). `'refused'`: the
 * procedure could not be delivered after all (its vehicle was declared sold meanwhile) and wrote
 * nothing but its own closing; the charge is then kept `to_refund`, as for a procedure no longer payable.
 */
export type OnPaid = (trx: Db, payment: Payment) => Promise<void | 'refused'>;

export type StartOutcome = { redirectUrl: string; reference: string } | { error: string };
const OPENING = 'Un paiement est en cours d’ouverture pour cette démarche : patientez quelques secondes, puis réessayez.';
type StartRequest = { accountId: number; procedureId: number; amountCents: number; description: string; idempotencyKey: string; payerEmail?: string };

/**
 * Payments: one row per attempt, found again by its idempotency key (a double click reuses it), and
 * at most one open attempt per procedure (a unique index: a second tab resumes it). The provider's
 * answer arrives by the return (status asked from the provider) and by a signed notification, and
 * is applied once whatever arrives twice. A charge the provider reports for a procedure already
 * paid (or no longer payable) is never lost: the attempt ends `to_refund`, listed for the operators.
 */
export function createPaymentService(deps: { db: Db; provider: PaymentProvider; onPaid: OnPaid }) {
  const { db, provider } = deps;

  async function apply(payment: Payment, status: ProviderStatus, actor: Actor): Promise<PaymentStatus> {
    const next = FROM_PROVIDER[status];
    if (next === 'success') return applyPaid(payment, actor);
    if (!next || FINAL.includes(payment.status)) return payment.status;
    return db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('payments')
        .set({ status: next, updated_at: new Date(), failure_reason: status })
        .where('id', '=', payment.id)
        .where('status', 'not in', FINAL)
        .returningAll()
        .executeTakeFirst();
      if (!updated) return (await trx.selectFrom('payments').select('status').where('id', '=', payment.id).executeTakeFirstOrThrow()).status;
      await audit(trx, actor, `payment.${next}`, { kind: 'vehicle_procedure', id: payment.procedure_id }, { reference: payment.reference, amount_cents: payment.amount_cents });
      return next;
    });
  }

  /**
   * The provider charged the card. Whatever the portal thought of the attempt (open, expired,
   * given up), the money is taken: the attempt pays the procedure if it still awaits payment and
   * nothing else paid it; otherwise it is kept `to_refund`. Serialised per procedure by a lock on
   * its row, so two successes arriving together never meet the one-success index.
   */
  async function applyPaid(payment: Payment, actor: Actor): Promise<PaymentStatus> {
    if (SETTLED.includes(payment.status)) return payment.status;
    return db.transaction().execute(async (trx) => {
      const procedure = await trx.selectFrom('vehicle_procedures').select(['id', 'status']).where('id', '=', payment.procedure_id).forUpdate().executeTakeFirst();
      const current = await trx.selectFrom('payments').selectAll().where('id', '=', payment.id).executeTakeFirstOrThrow();
      if (SETTLED.includes(current.status)) return current.status;
      const subject = { kind: 'vehicle_procedure', id: payment.procedure_id };
      const paidBy = await trx.selectFrom('payments').select('reference').where('procedure_id', '=', payment.procedure_id).where('status', '=', 'success').executeTakeFirst();
      const toRefund = async (reason: 'already_paid' | 'not_payable') => {
        await trx.updateTable('payments').set({ status: 'to_refund', failure_reason: reason, updated_at: new Date() }).where('id', '=', current.id).execute();
        await trx
          .insertInto('payment_refunds')
          .values({ payment_id: current.id, procedure_id: current.procedure_id, amount_cents: current.amount_cents, reason })
          .onConflict((oc) => oc.column('payment_id').doNothing())
          .execute();
        await audit(trx, actor, 'payment.to_refund', subject, { reference: current.reference, amount_cents: current.amount_cents, reason, was: current.status, ...(paidBy ? { paid_by: paidBy.reference } : {}) });
        return 'to_refund' as const;
      };
      if (paidBy || procedure?.status !== 'awaiting_payment') return toRefund(paidBy ? 'already_paid' : 'not_payable');
      const updated = await trx.updateTable('payments').set({ status: 'success', failure_reason: null, updated_at: new Date() }).where('id', '=', current.id).returningAll().executeTakeFirstOrThrow();
      // the payment first, then what it causes: the timeline tells them in the audit's order
      await audit(trx, actor, 'payment.success', subject, { reference: current.reference, amount_cents: current.amount_cents, ...(OPEN.includes(current.status) ? {} : { was: current.status }) });
      // the procedure refused the delivery (its vehicle declared sold meanwhile) and closed itself: the charge is to refund
      if ((await deps.onPaid(trx, updated)) === 'refused') return toRefund('not_payable');
      return 'success';
    });
  }

  /** Closes the procedure's open attempts that can no longer be paid: past their validity, or whose provider call was lost. */
  async function closeStale(procedureId: number): Promise<void> {
    await db.updateTable('payments').set({ status: 'expired', updated_at: new Date() }).where('procedure_id', '=', procedureId).where('status', 'in', OPEN).where('expires_at', '<', sql<Date>`now()`).execute();
    await db
      .updateTable('payments')
      .set({ status: 'error', failure_reason: 'ouverture interrompue', updated_at: new Date() })
      .where('procedure_id', '=', procedureId)
      .where('status', '=', 'created')
      .where('provider_transaction_id', 'is', null)
      .where('created_at', '<', sql<Date>`now() - make_interval(mins => ${STALE_CREATED_MINUTES})`)
      .execute();
  }

  /** Another tab's open attempt: asked from the provider first (paid or closed there, it is not resumed). */
  async function resume(open: Payment, req: StartRequest, actor: Actor, depth: number): Promise<StartOutcome> {
    if (!open.provider_transaction_id) return { error: OPENING };
    let status: ProviderStatus = 'pending';
    try {
      status = await provider.status(open.provider_transaction_id);
    } catch {
      /* the provider does not answer: its page will say where the payment stands */
    }
    if (status === 'pending') return { redirectUrl: provider.redirectUrl(open.provider_transaction_id), reference: open.reference };
    const now = await apply(open, status, actor);
    if (SETTLED.includes(now)) return { error: 'Cette démarche est déjà payée.' };
    return start(req, actor, depth + 1);
  }

  /** Starts (or, for the same idempotency key or the same procedure, resumes) an attempt; returns where to send the user. */
  async function start(req: StartRequest, actor: Actor, depth = 0): Promise<StartOutcome> {
    if (depth > 3) return { error: 'Le paiement n’a pas pu être ouvert : réessayez dans quelques minutes.' };
    const paid = await db.selectFrom('payments').select('id').where('procedure_id', '=', req.procedureId).where('status', '=', 'success').executeTakeFirst();
    if (paid) return { error: 'Cette démarche est déjà payée.' };
    const existing = await db.selectFrom('payments').selectAll().where('idempotency_key', '=', req.idempotencyKey).executeTakeFirst();
    if (existing) {
      if (existing.procedure_id !== req.procedureId) return { error: 'Paiement introuvable.' };
      if (existing.status === 'started' && existing.provider_transaction_id) return { redirectUrl: provider.redirectUrl(existing.provider_transaction_id), reference: existing.reference };
      if (existing.status === 'created') return { error: OPENING };
      return { error: 'Ce paiement est terminé : recommencez depuis la page de la démarche.' };
    }
    await closeStale(req.procedureId);
    const open = await db.selectFrom('payments').selectAll().where('procedure_id', '=', req.procedureId).where('status', 'in', OPEN).executeTakeFirst();
    if (open) return resume(open, req, actor, depth);
    const reference = randomBytes(12).toString('hex'); // letters and digits only: PayFiP's refdet
    const created = await db
      .insertInto('payments')
      .values({
        reference,
        idempotency_key: req.idempotencyKey,
        procedure_id: req.procedureId,
        account_id: req.accountId,
        amount_cents: req.amountCents,
        status: 'created',
        provider: provider.name,
        expires_at: sql<Date>`now() + make_interval(mins => ${PAYMENT_VALIDITY_MINUTES})`,
        updated_at: new Date(),
      })
      // the same key (a double click) or another open attempt (a second tab) won the race: resume it
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!created) return start(req, actor, depth + 1);
    let started: { transactionId: string; redirectUrl: string };
    try {
      started = await provider.start({ reference, amountCents: req.amountCents, description: req.description, payerEmail: req.payerEmail });
    } catch (error) {
      await db.updateTable('payments').set({ status: 'error', failure_reason: String((error as Error).message).slice(0, 200), updated_at: new Date() }).where('id', '=', created.id).execute();
      return { error: 'Le service de paiement ne répond pas. Votre demande est conservée : réessayez dans quelques minutes.' };
    }
    await db.updateTable('payments').set({ status: 'started', provider_transaction_id: started.transactionId, updated_at: new Date() }).where('id', '=', created.id).execute();
    await audit(db, actor, 'payment.started', { kind: 'vehicle_procedure', id: req.procedureId }, { reference, amount_cents: req.amountCents });
    return { redirectUrl: started.redirectUrl, reference };
  }

  /** Asks the provider; one that does not answer leaves the attempt as it is (the notification will settle it). */
  async function askProvider(transactionId: string): Promise<ProviderStatus> {
    try {
      return await provider.status(transactionId);
    } catch {
      return 'pending';
    }
  }

  return {
    start: (req: StartRequest, actor: Actor) => start(req, actor),

    /** The user comes back: the URL carries nothing, the reference is in the session; ask the provider. */
    async returned(reference: string, actor: Actor): Promise<Payment | null> {
      const payment = await db.selectFrom('payments').selectAll().where('reference', '=', reference).executeTakeFirst();
      if (!payment?.provider_transaction_id) return null;
      if (!SETTLED.includes(payment.status)) await apply(payment, await askProvider(payment.provider_transaction_id), actor);
      return (await db.selectFrom('payments').selectAll().where('id', '=', payment.id).executeTakeFirst()) ?? null;
    },

    /** A provider's notification that carries only its transaction id: its status is asked from the provider. */
    async refresh(transactionId: string): Promise<PaymentStatus | null> {
      const payment = await db.selectFrom('payments').selectAll().where('provider_transaction_id', '=', transactionId).where('provider', '=', provider.name).executeTakeFirst();
      if (!payment) return null;
      if (SETTLED.includes(payment.status)) return payment.status; // a replay costs no call to the provider
      return apply(payment, await provider.status(transactionId), { kind: 'system', id: null, ip: null });
    },

    /** The provider's notification, already authenticated by the caller; applied at most once. */
    async notified(reference: string, status: ProviderStatus): Promise<PaymentStatus | null> {
      const payment = await db.selectFrom('payments').selectAll().where('reference', '=', reference).executeTakeFirst();
      if (!payment) return null;
      return apply(payment, status, { kind: 'system', id: null, ip: null });
    },

    latest: (procedureId: number) => db.selectFrom('payments').selectAll().where('procedure_id', '=', procedureId).orderBy('id', 'desc').executeTakeFirst(),

    /** Attempts left unfinished for 90 minutes expire; the procedure stays payable. */
    async expire(): Promise<number> {
      const r = await db.updateTable('payments').set({ status: 'expired', updated_at: new Date() }).where('status', 'in', ['created', 'started', 'submitted']).where('expires_at', '<', sql<Date>`now()`).executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
  };

}
export type PaymentService = ReturnType<typeof createPaymentService>;
