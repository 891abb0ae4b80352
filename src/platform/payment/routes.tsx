import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../http/guards.ts';
import type { ProviderStatus } from './port.ts';
import type { PaymentService } from './service.ts';
import { notificationSignatureValid } from './simulated-provider.tsx';

const STATUSES: ProviderStatus[] = ['pending', 'paid', 'declined', 'error', 'cancelled'];

/**
 * The provider sends the user back to /paiement/retour (no reference in the URL: the session knows
 * the attempt) and notifies /paiement/notification server to server, signed with HMAC.
 */
export function registerPaymentRoutes(app: FastifyInstance, payments: PaymentService, deps: { notificationKey: Buffer; procedureUrl: (procedureId: number) => Promise<string> }): void {
  app.get('/paiement/retour', async (request, reply) => {
    const reference = request.session.get<string>('paymentRef');
    if (!reference) {
      request.session.flash('warning', 'Aucun paiement en cours dans cette session. Retrouvez vos démarches dans « Mon espace véhicule ».');
      return reply.redirect('/vehicules', 303);
    }
    const payment = await payments.returned(reference, actorOf(request));
    request.session.set('paymentRef', undefined);
    if (!payment) return reply.redirect('/vehicules', 303);
    const messages: Record<string, [('success' | 'error' | 'info' | 'warning'), string]> = {
      success: ['success', 'Votre paiement est enregistré.'],
      failed: ['error', 'Le paiement a été refusé par la banque. Votre demande est conservée : vous pouvez payer de nouveau.'],
      error: ['error', 'Le prestataire de paiement a rencontré une erreur. Votre demande est conservée : vous pouvez payer de nouveau.'],
      cancelled: ['info', 'Vous avez annulé le paiement. Votre demande est conservée : vous pouvez payer quand vous voulez.'],
    };
    const [kind, text] = messages[payment.status] ?? ['info', 'Le paiement est en cours de traitement.'];
    request.session.flash(kind, text);
    return reply.redirect(await deps.procedureUrl(payment.procedure_id), 303);
  });

  // PayFiP-style notification: only the transaction id, posted as a form; the status is asked from the provider.
  app.post('/paiement/notification/payfip', { config: { csrf: false } }, async (request, reply) => {
    const idOp = String(((request.body ?? {}) as Record<string, unknown>).idOp ?? ((request.body ?? {}) as Record<string, unknown>).idop ?? '');
    if (!/^[A-Za-z0-9-]{1,64}$/.test(idOp)) return reply.code(400).send({ error: 'notification invalide' });
    const status = await payments.refresh(idOp);
    return reply.code(status ? 200 : 404).send({ status });
  });

  app.register(async (scope) => {
    // The notification body is kept raw: its signature covers the exact bytes.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => done(null, body));
    scope.post('/paiement/notification', { config: { csrf: false } }, async (request, reply) => {
      const body = String(request.body ?? '');
      const signature = request.headers['x-signature'];
      const valid = notificationSignatureValid(deps.notificationKey, body, typeof signature === 'string' ? signature : undefined);
      let parsed: { reference?: unknown; status?: unknown } = {};
      try {
        parsed = JSON.parse(body) as typeof parsed;
      } catch {
        /* recorded as invalid below */
      }
      const reference = typeof parsed.reference === 'string' ? parsed.reference.slice(0, 64) : '';
      await app.database.db.insertInto('payment_notifications').values({ reference, payload: body.slice(0, 4000), signature_valid: valid }).execute();
      if (!valid || !reference || !STATUSES.includes(parsed.status as ProviderStatus)) return reply.code(400).send({ error: 'notification invalide' });
      const status = await payments.notified(reference, parsed.status as ProviderStatus);
      return reply.code(status ? 200 : 404).send({ status });
    });
  });
}

/**
 * Starts (or resumes, for the same idempotency key) a procedure's payment and sends the user to the
 * provider; the attempt's reference stays in the session for the return. On refusal, back to `back`.
 */
export async function sendToPayment(
  request: FastifyRequest,
  reply: FastifyReply,
  payments: PaymentService,
  req: { procedureId: number; amountCents: number; description: string; idempotencyKey: string; back: string },
) {
  const started = await payments.start(
    { accountId: request.session.userId!, procedureId: req.procedureId, amountCents: req.amountCents, description: req.description, idempotencyKey: req.idempotencyKey, payerEmail: request.account?.email },
    actorOf(request),
  );
  if ('error' in started) {
    request.session.flash('warning', started.error);
    return reply.redirect(req.back, 303);
  }
  request.session.set('paymentRef', started.reference);
  return reply.redirect(started.redirectUrl, 303);
}
