import type { FastifyInstance } from 'fastify';
import { requireUser } from '../../platform/http/guards.ts';
import { DashboardPage } from './pages.tsx';
import { PROFILE_CAPABILITIES } from '../accounts/profiles.ts';
import { isTab, normaliseSearch, TABS, type Tab } from './model.ts';
import type { MyRequests } from './service.ts';

/** Opened without a tab, the page shows first what waits for the user, then drafts, then the rest. */
const DEFAULT_ORDER: readonly Tab[] = ['a-completer', 'brouillons', 'en-cours', 'terminees'];

/** "Mes démarches" (/mes-demarches): tabs and pages are links with a query string, so all of it works without JavaScript. */
export function registerMyRequestsRoutes(app: FastifyInstance, myRequests: MyRequests): void {
  app.register(async (scope) => {
    scope.addHook('preHandler', requireUser);

    scope.get<{ Querystring: { onglet?: string; apres?: string; q?: string } }>('/mes-demarches', async (request, reply) => {
      const accountId = request.session.userId!;
      // a town hall has no requests of its own: its side of the pre-applications is the retrieval page
      const profile =
        request.session.account?.profile ?? (await app.database.db.selectFrom('accounts').select('profile').where('id', '=', accountId).executeTakeFirstOrThrow()).profile;
      if (profile === 'town_hall') return reply.redirect('/mairie/pre-demandes', 303);

      const query = request.query;
      const counts = await myRequests.counts(accountId);
      const typed = typeof query.q === 'string' ? query.q.trim().slice(0, 100) : '';
      const tab: Tab = isTab(query.onglet) ? query.onglet : (DEFAULT_ORDER.find((t) => counts[t] > 0) ?? TABS[0]!.key);
      const base = { tab, counts, q: typed, nextHref: null, firstHref: null, rows: [], spaces: PROFILE_CAPABILITIES[profile] };

      if (typed) {
        const q = normaliseSearch(typed);
        if (!q)
          return reply.render(
            <DashboardPage {...base} results={null} error="Saisissez un numéro de dossier ou une immatriculation : des lettres et des chiffres, par exemple AB-123-CD." />,
            400,
          );
        return reply.render(<DashboardPage {...base} results={await myRequests.search(accountId, q)} />);
      }

      const after = typeof query.apres === 'string' ? query.apres : undefined;
      const page = await myRequests.page(accountId, tab, after);
      return reply.render(
        <DashboardPage
          {...base}
          rows={page.rows}
          results={null}
          nextHref={page.next ? `/mes-demarches?onglet=${tab}&apres=${page.next}` : null}
          firstHref={after ? `/mes-demarches?onglet=${tab}` : null}
        />,
      );
    });
  });
}
