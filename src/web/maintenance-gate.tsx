import type { FastifyInstance } from 'fastify';
import type { MaintenanceService } from '../domains/site/maintenance-service.ts';
import { UnavailablePage } from '../ui/pages/unavailable.tsx';

/**
 * Paths that stay up during an unavailability window: probes, assets, the dev outbox, and the
 * back office (/agents and below), so that an operator can sign in and lift the window.
 */
const ALWAYS_UP = /^\/(assets\/|healthz$|metrics$|dev\/outbox|agents(?:[/?]|$))/;

/** While an unavailability window is in force, every page answers 503 with the explanation page. */
export function maintenanceGate(app: FastifyInstance, maintenance: MaintenanceService): void {
  app.addHook('onRequest', async (request, reply) => {
    if (ALWAYS_UP.test(request.url)) return;
    const { unavailable } = await maintenance.state();
    if (!unavailable) return;
    const retryAfter = Math.max(60, Math.ceil((unavailable.endsAt.getTime() - Date.now()) / 1000));
    reply.header('retry-after', String(retryAfter));
    return reply.render(<UnavailablePage notice={unavailable} />, 503);
  });
}
