import type { FastifyInstance } from 'fastify';
import { searchNotificationLog } from './notification-log.ts';
import { NotificationLogPage } from './pages/notification-log.tsx';
import { agentGuard } from './routes.tsx';
import type { AgentsService } from './service.ts';

/** Operators read the notification log (what was sent, when, delivered or not) to answer users. */
export function registerNotificationLogRoutes(app: FastifyInstance, agents: AgentsService): void {
  app.register(async (scope) => {
    scope.addHook('preHandler', agentGuard(agents));
    scope.get('/agents/notifications', async (request, reply) => {
      if (request.agent!.role !== 'operator') {
        request.session.flash('error', 'Le journal des notifications est réservé aux opérateurs de l’agence.');
        return reply.redirect('/agents', 303);
      }
      const q = String((request.query as Record<string, string | undefined>).q ?? '');
      const found = await searchNotificationLog(app.database.db, q, { kind: 'agent', id: request.agent!.id, ip: request.ip });
      return reply.render(<NotificationLogPage rows={found.rows} q={found.q} />);
    });
  });
}
