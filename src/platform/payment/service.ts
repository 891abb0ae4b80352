import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Actor } from '../audit.ts';
import { audit } from '../audit.ts';
import type { Db } from '../db/database.ts';
import type { PaymentProvider, ProviderStatus } from './port.ts';
import type { Payment, PaymentStatus } from './tables.ts';

export const PAYMENT_VALIDITY_MINUTES = 90;
const FINAL: PaymentStatus[] = ['success', 'failed', 'cancelled', 'error', 'expired'];
const FROM_PROVIDER: Record<ProviderStatus, PaymentStatus | null> = { pending: null, paid: 'success', declined: 'failed', cancelled: 'cancelled', error: 'error' };

/** What a paid procedure does, in the transaction that records the success (once). */
export type OnPaid = (trx: Db, payment: Payment) => Promise<void>;

/**
 * Payments: one row per attempt, found again by its idempotency key (a double click reuses it);
 * the provider's answer arrives by the return (status asked from the provider) and by a signed
 * notification, and is applied once whatever arrives twice.
 */
export function createPaymentService(deps: { db: Db; provider: PaymentProvider; onPaid: OnPaid }) {
  const { db, provider } = deps;

  async function apply(payment: Payment, status: ProviderStatus, actor: Actor): Promise<PaymentStatus> {
    const next = FROM_PROVIDER[status];
    if (!next || FINAL.includes(payment.status)) return payment.status;
    return db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('payments')
        .set({ status: next, updated_at: new Date(), failure_reason: next === 'success' ? null : status })
        .where('id', '=', payment.id)
        .where('status', 'not in', FINAL)
        .returningAll()
        .executeTakeFirst();
      if (!updated) return (await trx.selectFrom('payments').select('status').where('id', '=', payment.id).executeTakeFirstOrThrow()).status;
      if (next === 'success') await deps.onPaid(trx, updated);
      await audit(trx, actor, `payment.${next}`, { kind: 'vehicle_procedure', id: payment.procedure_id }, { reference: payment.reference, amount_cents: payment.amount_cents });
      return next;
    });
  }

  return {
    /** Starts (or, for the same idempotency key, resumes) an attempt; returns where to send the user. */
    async start(req: { accountId: number; procedureId: number; amountCents: number; description: string; idempotencyKey: string; payerEmail?: string }, actor: Actor): Promise<{ redirectUrl: string; reference: string } | { error: string }> {
      const paid = await db.selectFrom('payments').select('id').where('procedure_id', '=', req.procedureId).where('status', '=', 'success').executeTakeFirst();
      if (paid) return { error: 'Cette démarche est déjà payée.' };
      const existing = await db.selectFrom('payments').selectAll().where('idempotency_key', '=', req.idempotencyKey).executeTakeFirst();
      if (existing) {
        if (existing.procedure_id !== req.procedureId) return { error: 'Paiement introuvable.' };
        if (existing.status === 'started' && existing.provider_transaction_id) return { redirectUrl: provider.redirectUrl(existing.provider_transaction_id), reference: existing.reference };
        return { error: 'Ce paiement est terminé : recommencez depuis la page de la démarche.' };
      }
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
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!created) return this.start(req, actor); // the twin request won the race: resume it
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
    },

    /** The user comes back: the URL carries nothing, the reference is in the session; ask the provider. */
    async returned(reference: string, actor: Actor): Promise<Payment | null> {
      const payment = await db.selectFrom('payments').selectAll().where('reference', '=', reference).executeTakeFirst();
      if (!payment?.provider_transaction_id) return null;
      await apply(payment, await provider.status(payment.provider_transaction_id), actor);
      return (await db.selectFrom('payments').selectAll().where('id', '=', payment.id).executeTakeFirst()) ?? null;
    },

    /** A provider's notification that carries only its transaction id: its status is asked from the provider. */
    async refresh(transactionId: string): Promise<PaymentStatus | null> {
      const payment = await db.selectFrom('payments').selectAll().where('provider_transaction_id', '=', transactionId).where('provider', '=', provider.name).executeTakeFirst();
      if (!payment) return null;
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
