import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../http/guards.ts';
import type { NotificationLimiter } from './notification-limit.ts';
import type { ProviderStatus } from './port.ts';
import type { PaymentService } from './service.ts';
import type { PaymentStatus } from './tables.ts';
import { notificationSignatureValid } from './simulated-provider.tsx';

const STATUSES: ProviderStatus[] = ['pending', 'paid', 'declined', 'error', 'cancelled'];

const RETURN_MESSAGES: Record<string, ['success' | 'error' | 'info' | 'warning', string]> = {
  success: ['success', 'Votre paiement est enregistré.'],
  failed: ['error', 'Le paiement a été refusé par la banque. Votre demande est conservée : vous pouvez payer de nouveau.'],
  error: ['error', 'Le prestataire de paiement a rencontré une erreur. Votre demande est conservée : vous pouvez payer de nouveau.'],
  cancelled: ['info', 'Vous avez annulé le paiement. Votre demande est conservée : vous pouvez payer quand vous voulez.'],
  to_refund: ['warning', 'Votre démarche était déjà payée : ce second paiement vous sera remboursé sur votre carte bancaire. Vous n’avez rien à faire.'],
};
/** A charge for a request closed meanwhile (its vehicle declared sold): refunded too, but not "already paid". */
const NOT_PAYABLE: ['warning', string] = ['warning', 'Cette démarche ne pouvait plus être payée : elle a été close entre-temps (le motif est indiqué sur sa page). Ce paiement vous sera remboursé sur votre carte bancaire. Vous n’avez rien à faire.'];
const RETURN_TEXTS = new Set([...Object.values(RETURN_MESSAGES).map(([, text]) => text), NOT_PAYABLE[1], 'Votre paiement est déjà enregistré.', 'Le paiement est en cours de traitement.']);

/**
 * The provider sends the user back to /paiement/retour (no reference in the URL: the session knows
 * the attempt) and notifies /paiement/notification server to server, signed with HMAC (PayFiP:
 * /paiement/notification/payfip, its operation id only). Valid notifications are stored and applied;
 * invalid ones are logged, counted per address and dropped, and an address that sent too many is
 * refused (429) before its body is read.
 */
export function registerPaymentRoutes(app: FastifyInstance, payments: PaymentService, deps: { notificationKey: Buffer; limiter: NotificationLimiter; procedureUrl: (procedureId: number) => Promise<string> }): void {
  const { limiter } = deps;
  app.get('/paiement/retour', async (request, reply) => {
    const pending = request.session.get<string>('paymentRef');
    // Back a second time (another tab on the same provider page, a double click): the attempt this
    // session already came back from is shown again, not "no payment in progress".
    const reference = pending ?? request.session.get<string>('paymentReturnedRef');
    if (!reference) {
      request.session.flash('warning', 'Aucun paiement en cours dans cette session. Retrouvez vos démarches dans « Mon espace véhicule ».');
      return reply.redirect('/vehicules', 303);
    }
    const payment = await payments.returned(reference, actorOf(request));
    request.session.set('paymentRef', undefined);
    request.session.set('paymentReturnedRef', reference);
    if (!payment) return reply.redirect('/vehicules', 303);
    const [kind, text] = (payment.status === 'to_refund' && payment.failure_reason === 'not_payable' ? NOT_PAYABLE : RETURN_MESSAGES[payment.status]) ?? ['info', 'Le paiement est en cours de traitement.'];
    const again = pending ? null : payment.status === 'success' ? 'Votre paiement est déjà enregistré.' : text;
    // a double click: the first answer's notice, never shown, is still waiting; the second says nothing more
    const waiting = request.session.get<{ message: string }[]>('flash') ?? [];
    if (!waiting.some((f) => RETURN_TEXTS.has(f.message))) request.session.flash(kind, again ?? text);
    return reply.redirect(await deps.procedureUrl(payment.procedure_id), 303);
  });

  /** Before the body is read: an address that sent too many invalid notifications waits for its window to end. */
  const refuseFlood = async (request: FastifyRequest, reply: FastifyReply) => {
    const wait = await limiter.refusedFor(request.ip);
    if (wait > 0) return reply.code(429).header('retry-after', String(wait)).send({ error: 'trop de notifications invalides : réessayez plus tard' });
  };
  /** An invalid notification is logged (while the address is under its limit), counted, and dropped. */
  const dropInvalid = async (request: FastifyRequest, reply: FastifyReply, reason: string, facts: { reference?: string; bytes: number }, code = 400) => {
    const rank = await limiter.countInvalid(request.ip);
    if (rank <= limiter.limit) request.log.warn({ ip: request.ip, url: request.url, reason, rank, reference: facts.reference?.replace(/[^A-Za-z0-9_-]/g, '?').slice(0, 64), bytes: facts.bytes }, 'notification de paiement ignorée');
    if (rank === limiter.limit) request.log.warn({ ip: request.ip, limit: limiter.limit }, 'notifications de paiement de cette adresse refusées jusqu’à la fin de sa fenêtre');
    return reply.code(code).send({ error: code === 404 ? 'paiement inconnu' : 'notification invalide' });
  };

  // PayFiP-style notification: only the transaction id, posted as a form; the status is asked from the provider.
  app.post('/paiement/notification/payfip', { config: { csrf: false }, onRequest: refuseFlood }, async (request, reply) => {
    const form = (request.body ?? {}) as Record<string, unknown>;
    const idOp = form.idOp ?? form.idop;
    if (typeof idOp !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(idOp)) return dropInvalid(request, reply, 'idop', { reference: typeof idOp === 'string' ? idOp : undefined, bytes: Number(request.headers['content-length'] ?? 0) });
    let status: PaymentStatus | null;
    try {
      status = await payments.refresh(idOp);
    } catch (error) {
      request.log.error({ err: error, idOp }, 'prestataire de paiement injoignable pour une notification');
      return reply.code(503).send({ error: 'prestataire de paiement injoignable : renvoyez la notification plus tard' });
    }
    if (!status) return dropInvalid(request, reply, 'unknown_idop', { reference: idOp, bytes: idOp.length }, 404);
    return reply.code(200).send({ status });
  });

  app.register(async (scope) => {
    // The notification body is kept raw: its signature covers the exact bytes.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => done(null, body));
    scope.post('/paiement/notification', { config: { csrf: false }, onRequest: refuseFlood }, async (request, reply) => {
      const body = String(request.body ?? '');
      const signature = request.headers['x-signature'];
      const valid = notificationSignatureValid(deps.notificationKey, body, typeof signature === 'string' ? signature : undefined);
      let parsed: { reference?: unknown; status?: unknown } = {};
      try {
        parsed = (JSON.parse(body) ?? {}) as typeof parsed;
      } catch {
        /* refused below */
      }
      const reference = typeof parsed.reference === 'string' ? parsed.reference.slice(0, 64) : '';
      const reason = !valid ? 'signature' : !reference ? 'reference' : !STATUSES.includes(parsed.status as ProviderStatus) ? 'status' : null;
      if (reason) return dropInvalid(request, reply, reason, { reference, bytes: body.length });
      // signed by the provider: kept, whatever it says
      await app.database.db.insertInto('payment_notifications').values({ reference, payload: body.slice(0, 4000), signature_valid: true }).execute();
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
