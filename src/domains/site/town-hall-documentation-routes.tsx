import type { FastifyInstance } from 'fastify';
import { requireUser } from '../../platform/http/guards.ts';
import { ForbiddenPage } from '../../ui/pages/errors.tsx';
import { TownHallDocumentationPage } from './pages/town-hall-documentation.tsx';

/** The town halls' documentation area: only an active town-hall account reads it. */
export function registerTownHallDocumentation(app: FastifyInstance): void {
  const db = app.database.db;
  const townHall = (id: number) =>
    db.selectFrom('accounts').select(['organisation_name', 'commune', 'scanner_count']).where('id', '=', id).where('profile', '=', 'town_hall').where('status', '=', 'active').executeTakeFirst();

  app.register(async (scope) => {
    scope.addHook('preHandler', requireUser);
    scope.get('/mairie/documentation', async (request, reply) => {
      const account = await townHall(request.session.userId!);
      if (!account) return reply.render(<ForbiddenPage />, 403);
      return reply.render(<TownHallDocumentationPage name={account.organisation_name ?? account.commune ?? 'Votre mairie'} scanners={account.scanner_count} />);
    });
  });
}
