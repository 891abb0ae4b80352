import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireUser } from '../../platform/http/guards.ts';
import { HistoryPage, NotificationsPage } from './pages/activity.tsx';
import type { Activity } from './activity.ts';

/** "Mes notifications" and "Mon historique", in the signed-in user's space. */
export function registerActivityRoutes(app: FastifyInstance, activity: Activity): void {
  app.register(async (scope) => {
    scope.addHook('preHandler', requireUser);
    const mobileOf = async (request: FastifyRequest) =>
      (await app.database.db.selectFrom('accounts').select('mobile_phone').where('id', '=', request.session.userId!).executeTakeFirst())?.mobile_phone ?? null;

    scope.get('/compte/notifications', async (request, reply) =>
      reply.render(<NotificationsPage messages={await activity.notifications(request.session.userId!)} mobile={await mobileOf(request)} values={{}} />),
    );

    scope.post('/compte/notifications/mobile', async (request, reply) => {
      const input = String((request.body as Record<string, string | undefined>).mobile ?? '');
      const result = await activity.setMobile(request.session.userId!, input, request.ip);
      if (!result.ok)
        return reply.render(<NotificationsPage messages={await activity.notifications(request.session.userId!)} mobile={await mobileOf(request)} values={{ mobile: input }} error={result.error} />, 400);
      request.session.flash('success', result.mobile ? 'Votre numéro de mobile est enregistré.' : 'Votre numéro de mobile est retiré.');
      return reply.redirect('/compte/notifications', 303);
    });

    scope.get('/compte/historique', async (request, reply) => reply.render(<HistoryPage rows={await activity.history(request.session.userId!)} />));
  });
}
