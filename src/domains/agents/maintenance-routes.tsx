import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MaintenanceCancelPage, MaintenanceNoticeFormPage, MaintenanceNoticesPage } from './pages/maintenance.tsx';
import type { AgentsService } from './service.ts';

type Body = Record<string, string | undefined>;
const idParam = (request: FastifyRequest): number | null => {
  const id = Number((request.params as { id?: string }).id);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
};

/**
 * Operators manage the maintenance notices (banners and unavailability windows) from the back
 * office. Registered inside the agents' scope (signed-in agents only); the role is checked by the
 * service. These pages stay up during an unavailability window (see src/web/maintenance-gate.tsx).
 */
export function registerMaintenanceAdminRoutes(scope: FastifyInstance, agents: AgentsService): void {
  scope.get('/agents/maintenance', async (request, reply) => {
    const { notices, state } = await agents.listNotices(request.agent!);
    return reply.render(<MaintenanceNoticesPage notices={notices} unavailable={state.unavailable} now={new Date()} />);
  });

  scope.get('/agents/maintenance/nouveau', async (request, reply) => {
    await agents.listNotices(request.agent!); // role check before showing the form
    return reply.render(<MaintenanceNoticeFormPage values={{}} errors={{}} />);
  });

  scope.post('/agents/maintenance/nouveau', async (request, reply) => {
    const form = (request.body ?? {}) as Body;
    const outcome = await agents.scheduleNotice(request.agent!, form, request.ip);
    if (!outcome.ok) return reply.render(<MaintenanceNoticeFormPage values={form} errors={outcome.errors} />, 400);
    request.session.flash('success', 'L’avis est programmé. Il s’affiche sur tous les serveurs dans les secondes qui suivent le début de sa période.');
    return reply.redirect('/agents/maintenance', 303);
  });

  scope.get('/agents/maintenance/:id/annuler', async (request, reply) => {
    const id = idParam(request);
    const notice = id ? await agents.notice(request.agent!, id) : undefined;
    if (!notice) return reply.callNotFound();
    return reply.render(<MaintenanceCancelPage notice={notice} now={new Date()} />);
  });

  scope.post('/agents/maintenance/:id/annuler', async (request, reply) => {
    const id = idParam(request);
    if (!id) return reply.callNotFound();
    const outcome = await agents.cancelNotice(request.agent!, id, request.ip);
    if (outcome.ok) request.session.flash('success', 'L’avis est annulé : il n’est plus affiché.');
    else request.session.flash('error', outcome.errors.form ?? 'L’avis n’a pas pu être annulé.');
    return reply.redirect('/agents/maintenance', 303);
  });
}
