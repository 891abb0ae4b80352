import type { FastifyInstance } from 'fastify';
import { listRefunds, markRefunded } from '../../platform/payment/refunds.ts';
import { PaymentRefundsPage } from './pages/payment-refunds.tsx';
import { agentGuard } from './routes.tsx';
import type { AgentsService } from './service.ts';

/** The operators' list of charges the portal could not use (decision 0016), and their refund. */
export function registerPaymentRefundRoutes(app: FastifyInstance, agents: AgentsService): void {
  app.register(async (scope) => {
    scope.addHook('preHandler', agentGuard(agents));
    scope.addHook('preHandler', async (request, reply) => {
      if (request.agent && request.agent.role !== 'operator') {
        request.session.flash('error', 'Les paiements à rembourser sont réservés aux opérateurs de l’agence.');
        return reply.redirect('/agents', 303);
      }
    });
    scope.get('/agents/paiements-a-rembourser', async (_request, reply) => reply.render(<PaymentRefundsPage rows={await listRefunds(app.database.db)} />));
    scope.post<{ Params: { id: string } }>('/agents/paiements-a-rembourser/:id/rembourse', async (request, reply) => {
      const id = Number(request.params.id);
      if (!Number.isSafeInteger(id) || id <= 0) return reply.callNotFound();
      const done = await markRefunded(app.database.db, id, { kind: 'agent', id: request.agent!.id, ip: request.ip });
      request.session.flash(done ? 'success' : 'info', done ? 'Le remboursement est enregistré.' : 'Ce paiement était déjà marqué comme remboursé.');
      return reply.redirect('/agents/paiements-a-rembourser', 303);
    });
  });
}
