import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/database.ts';
import { enqueue } from '../jobs/queue.ts';
import type { JobHandler } from '../jobs/worker.ts';
import type { ComponentType } from 'preact';
import type { PaymentProvider, ProviderStatus } from './port.ts';

/**
 * A card-payment provider for the embedded mode, served by the same process under
 * /paiement-simule: a hosted page (card number with Luhn, expiry, CVC), test cards that succeed,
 * decline or fail, the mandatory step back to the portal ("Cliquer ici pour enregistrer votre paiement"
 * once paid, "Revenir sur le portail" otherwise), and an HMAC-signed notification sent to the portal by a durable job.
 */
export const TEST_CARDS: Record<string, { outcome: 'paid' | 'declined' | 'error'; label: string }> = {
  '4242424242424242': { outcome: 'paid', label: 'paiement accepté' },
  '4000000000000002': { outcome: 'declined', label: 'paiement refusé par la banque' },
  '4000000000000119': { outcome: 'error', label: 'erreur technique du prestataire' },
};

export const NOTIFY_JOB = 'simulated-payment-notify';

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) (d *= 2), d > 9 && (d -= 9);
    sum += d;
  }
  return digits.length >= 12 && sum % 10 === 0;
}

export function notificationKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'payment-notification', 'portail-titres', 32));
}
export const signNotification = (key: Buffer, body: string): string => createHmac('sha256', key).update(body).digest('hex');
export function notificationSignatureValid(key: Buffer, body: string, signature: string | undefined): boolean {
  if (!signature || !/^[0-9a-f]{64}$/.test(signature)) return false;
  return timingSafeEqual(Buffer.from(signNotification(key, body), 'hex'), Buffer.from(signature, 'hex'));
}

export function createSimulatedProvider(deps: { db: Db; publicUrl: string }): PaymentProvider {
  return {
    name: 'simulateur',
    async start(req) {
      const id = randomBytes(12).toString('base64url');
      await deps.db.insertInto('simulated_provider_transactions').values({ id, reference: req.reference, amount_cents: req.amountCents, status: 'pending', updated_at: new Date() }).execute();
      return { transactionId: id, redirectUrl: this.redirectUrl(id) };
    },
    redirectUrl: (id) => `${deps.publicUrl}/paiement-simule/${id}`,
    async status(transactionId) {
      const row = await deps.db.selectFrom('simulated_provider_transactions').select('status').where('id', '=', transactionId).executeTakeFirst();
      return (row?.status ?? 'error') as ProviderStatus;
    },
  };
}

type CardForm = { card_number?: string; expiry?: string; cvc?: string; action?: string };

/** The simulated provider's two pages (the portal's: ui/pages/payment.tsx), passed by the application. */
export interface SimulatedPaymentPages {
  /** the card form, with the values kept and the problems of a refused attempt */
  Form: ComponentType<{ id: string; amountCents: number; values: Record<string, string | undefined>; errors: Record<string, string> }>;
  /** the attempt's outcome, with the link back to the portal */
  Done: ComponentType<{ status: string; returnUrl: string }>;
}

export function registerSimulatedProvider(app: FastifyInstance, deps: { db: Db; returnUrl: string; pages: SimulatedPaymentPages }): void {
  const { db } = deps;
  const { Form: SimulatedPaymentPage, Done: SimulatedPaymentDonePage } = deps.pages;
  const load = (id: string) => db.selectFrom('simulated_provider_transactions').selectAll().where('id', '=', id).executeTakeFirst();

  app.get<{ Params: { id: string } }>('/paiement-simule/:id', async (request, reply) => {
    const tx = await load(request.params.id);
    if (!tx) return reply.callNotFound();
    if (tx.status !== 'pending') return reply.render(<SimulatedPaymentDonePage status={tx.status} returnUrl={deps.returnUrl} />);
    return reply.render(<SimulatedPaymentPage id={tx.id} amountCents={tx.amount_cents} values={{}} errors={{}} />);
  });

  app.post<{ Params: { id: string }; Body: CardForm }>('/paiement-simule/:id', { config: { csrf: false } }, async (request, reply) => {
    const tx = await load(request.params.id);
    if (!tx) return reply.callNotFound();
    if (tx.status !== 'pending') return reply.render(<SimulatedPaymentDonePage status={tx.status} returnUrl={deps.returnUrl} />);
    const form = request.body ?? {};
    let status: ProviderStatus;
    if (form.action === 'annuler') status = 'cancelled';
    else {
      const number = (form.card_number ?? '').replace(/[\s-]/g, '');
      const errors: Record<string, string> = {};
      if (!/^\d{12,19}$/.test(number) || !luhn(number)) errors.card_number = 'Le numéro de carte est invalide : vérifiez les 16 chiffres';
      const m = /^(\d{2})\/(\d{2})$/.exec((form.expiry ?? '').trim());
      const expiry = m ? new Date(Date.UTC(2000 + Number(m[2]), Number(m[1]), 0, 23, 59)) : null;
      if (!m || Number(m[1]) < 1 || Number(m[1]) > 12) errors.expiry = 'Saisissez la date d’expiration au format MM/AA';
      else if (expiry! < new Date()) errors.expiry = 'Cette carte est expirée';
      if (!/^\d{3}$/.test((form.cvc ?? '').trim())) errors.cvc = 'Le cryptogramme comporte les 3 chiffres au dos de la carte';
      if (Object.keys(errors).length) {
        const { card_number: _n, cvc: _c, ...kept } = form;
        return reply.render(<SimulatedPaymentPage id={tx.id} amountCents={tx.amount_cents} values={kept} errors={errors} />, 400);
      }
      status = TEST_CARDS[number]?.outcome ?? 'declined';
      await db.updateTable('simulated_provider_transactions').set({ card_last4: number.slice(-4) }).where('id', '=', tx.id).execute();
    }
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('simulated_provider_transactions').set({ status, updated_at: new Date() }).where('id', '=', tx.id).where('status', '=', 'pending').execute();
      await enqueue(trx, NOTIFY_JOB, { reference: tx.reference, status }, { dedupeKey: `notify-${tx.id}` });
    });
    return reply.render(<SimulatedPaymentDonePage status={status} returnUrl={deps.returnUrl} />);
  });
}

/** The provider's server-to-server notification, signed; sent through `send` (the portal's own endpoint). */
export function createNotifyHandler(deps: { key: Buffer; send: (body: string, signature: string) => Promise<number> }): JobHandler {
  return async (payload) => {
    const body = JSON.stringify(payload);
    const status = await deps.send(body, signNotification(deps.key, body));
    if (status >= 300) throw new Error(`notification refusée (${status})`);
  };
}
