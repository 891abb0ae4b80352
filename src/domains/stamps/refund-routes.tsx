import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendAttachment, type Attachments } from '../../platform/files/attachments.ts';
import { actorOf, requireUser } from '../../platform/http/guards.ts';
import { RefundCasePage, RefundFormPage, RefundPage, RefundQueuePage } from './refund-pages.tsx';
import { agentGuard } from '../agents/routes.tsx';
import type { AgentsService } from '../agents/service.ts';
import { REFUND_DECISIONS, type RefundDecision } from './refund-model.ts';
import type { StampRefunds } from './refund-service.ts';
import { stampThrottleOf } from './routes.tsx';

type Body = Record<string, string | string[] | undefined>;
const newKey = () => randomBytes(16).toString('base64url');
const idParam = (v: string | undefined): number | null => {
  const id = Number(v);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
};

/**
 * Stamp refunds of the embedded stamp service (with the demo shop; in production the DGFiP's own
 * site does this): the user's request at /timbres/remboursements/nouvelle, its page, and the operators'
 * review at /agents/timbres/remboursements.
 */
export function registerStampRefundRoutes(app: FastifyInstance, refunds: StampRefunds, agents: AgentsService, attachments: Attachments): void {
  app.register(async (scope) => {
    scope.addHook('preHandler', requireUser);

    scope.get('/timbres/remboursements/nouvelle', async (_request, reply) => reply.render(<RefundFormPage values={{ idempotency_key: newKey() }} errors={{}} />));

    // two pieces for the tobacconist's case (RIB, ID); empty file fields of the online case do not count
    scope.post('/timbres/remboursements/nouvelle', { config: { uploads: { maxFiles: 2 } } }, async (request, reply) => {
      const form = (request.body ?? {}) as Body;
      const outcome = await refunds.request({ id: request.session.userId! }, form, request.uploads ?? [], { throttle: stampThrottleOf(request), actor: actorOf(request) });
      if (!outcome.ok) return reply.render(<RefundFormPage values={{ ...form, idempotency_key: typeof form.idempotency_key === 'string' && form.idempotency_key ? form.idempotency_key : newKey() }} errors={outcome.errors} />, 400);
      request.session.flash('success', 'Votre demande de remboursement est enregistrée : un courriel de confirmation vous est envoyé. Le timbre ne peut plus être utilisé.');
      return reply.redirect(`/timbres/remboursements/${outcome.value.reference}`, 303);
    });

    scope.get<{ Params: { reference: string } }>('/timbres/remboursements/:reference', async (request, reply) => {
      const r = await refunds.mine(request.session.userId!, request.params.reference.slice(0, 20));
      if (!r) return reply.callNotFound(); // someone else's request looks like an unknown one
      return reply.render(<RefundPage r={r} />);
    });
  });

  app.register(async (scope) => {
    scope.addHook('preHandler', agentGuard(agents));

    scope.get('/agents/timbres/remboursements', async (request, reply) => reply.render(<RefundQueuePage rows={await refunds.pending(request.agent!)} />));

    const renderCase = async (request: FastifyRequest, id: number, errors: Record<string, string> = {}, values: Body = {}) => {
      const found = await refunds.forOperator(request.agent!, id);
      return found ? <RefundCasePage r={found.request} pieces={found.pieces} errors={errors} values={values} /> : null;
    };

    scope.get<{ Params: { id: string } }>('/agents/timbres/remboursements/:id', async (request, reply) => {
      const id = idParam(request.params.id);
      const page = id ? await renderCase(request, id) : null;
      return page ? reply.render(page) : reply.callNotFound();
    });

    scope.get<{ Params: { id: string; aid: string } }>('/agents/timbres/remboursements/:id/pieces/:aid', async (request, reply) => {
      const id = idParam(request.params.id);
      const aid = idParam(request.params.aid);
      const piece = id && aid ? await refunds.piece(request.agent!, id, aid) : undefined;
      if (!piece) return reply.callNotFound();
      return sendAttachment(reply, attachments, piece, 'inline');
    });

    scope.post<{ Params: { id: string; decision: string } }>('/agents/timbres/remboursements/:id/decision/:decision', async (request, reply) => {
      const id = idParam(request.params.id);
      const decision = request.params.decision as RefundDecision;
      if (!id || !Object.hasOwn(REFUND_DECISIONS, decision)) return reply.callNotFound();
      const form = (request.body ?? {}) as Body;
      const note = typeof form.note === 'string' ? form.note : '';
      const outcome = await refunds.decide(request.agent!, id, decision, note, request.ip);
      if (!outcome.ok) {
        const page = await renderCase(request, id, outcome.errors, form);
        return page ? reply.render(page, 409) : reply.callNotFound();
      }
      request.session.flash('success', decision === 'refund' ? 'Le timbre est remboursé ; l’usager en est informé par courriel.' : 'La demande est refusée ; l’usager en est informé par courriel.');
      return reply.redirect(`/agents/timbres/remboursements/${id}`, 303);
    });
  });
}
