import type { FastifyInstance } from 'fastify';

/** Where a saved draft is found again: "Mes démarches" when the portal has it, else "Mon espace véhicule". */
export function draftsHome(app: FastifyInstance): { href: string; label: string } {
  return app.hasRoute({ method: 'GET', url: '/mes-demarches' }) ? { href: '/mes-demarches', label: 'Mes démarches' } : { href: '/vehicules', label: 'Mon espace véhicule' };
}
