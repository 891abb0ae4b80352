import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HomePage } from './pages/home.tsx';
import {
  AccessibilityPage,
  CookiesPage,
  LegalNoticePage,
  PersonalDataPage,
  SiteMapPage,
  TermsPage,
} from './pages/legal.tsx';
import { ProcedureFamilyPage } from './pages/procedure-family.tsx';
import { AgencyPage, CerfaPage, ClosurePage } from './pages/agency.tsx';
import { CATALOGUE, findFamily } from './catalogue.ts';
import type { MaintenanceService } from './maintenance-service.ts';
import { registerNewsRoutes } from './news-routes.tsx';
import { registerTownHallDocumentation } from './town-hall-documentation-routes.tsx';
import { currentTerms, getTerms } from './terms.ts';
import { findClosure } from './closure/service.ts';

export function registerSiteRoutes(app: FastifyInstance, deps: { maintenance: MaintenanceService }): void {
  app.get('/', async (request, reply) => {
    const state = await deps.maintenance.state();
    return reply.render(<HomePage planned={state.planned} signedIn={request.session.userId !== null} />);
  });

  app.get<{ Params: { slug: string } }>('/demarches/:slug', async (request, reply) => {
    const family = findFamily(request.params.slug);
    if (!family) return reply.callNotFound();
    return reply.render(<ProcedureFamilyPage family={family} signedIn={request.session.userId !== null} />);
  });

  app.get('/cgu', async (request, reply) => {
    const query = z.object({ version: z.string().max(20).optional() }).safeParse(request.query);
    const terms = query.success && query.data.version ? getTerms(query.data.version) : currentTerms();
    if (!terms) return reply.callNotFound();
    return reply.render(<TermsPage terms={terms} />);
  });
  registerNewsRoutes(app);
  registerTownHallDocumentation(app);
  app.get('/agence', (_request, reply) => reply.render(<AgencyPage />));
  app.get('/formulaires-cerfa', (_request, reply) => reply.render(<CerfaPage />));
  app.get('/fermeture-du-portail', async (_request, reply) => reply.render(<ClosurePage endsAt={(await findClosure(app.database.db))?.ends_at ?? null} />));
  app.get('/mentions-legales', (_request, reply) => reply.render(<LegalNoticePage />));
  app.get('/donnees-personnelles', (_request, reply) => reply.render(<PersonalDataPage />));
  app.get('/cookies', (_request, reply) => reply.render(<CookiesPage />));
  app.get('/accessibilite', (_request, reply) => reply.render(<AccessibilityPage />));
  app.get('/plan-du-site', (_request, reply) => reply.render(<SiteMapPage families={[...CATALOGUE]} />));
}
