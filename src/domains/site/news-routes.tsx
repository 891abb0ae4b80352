import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Agent } from '../../schema.ts';
import { actorOf } from '../../platform/http/guards.ts';
import { NewsAdminPage, NewsArticlePage, NewsListPage } from './pages/news.tsx';
import { atomFeed, createNewsService } from './news-service.ts';

type Body = Record<string, string | undefined>;

/** "Actualités": the public list, articles and Atom feed; the operators' page to write, publish and withdraw. */
export function registerNewsRoutes(app: FastifyInstance): void {
  const news = createNewsService({ db: app.database.db });

  app.get('/actualites', async (_request, reply) => reply.render(<NewsListPage articles={await news.latest()} />));
  app.get('/actualites/flux.atom', async (_request, reply) =>
    reply.type('application/atom+xml; charset=utf-8').send(atomFeed(await news.latest(), app.config.publicUrl)),
  );
  app.get<{ Params: { slug: string } }>('/actualites/:slug', async (request, reply) => {
    const article = /^[a-z0-9-]{1,120}$/.test(request.params.slug) ? await news.bySlug(request.params.slug) : undefined;
    if (!article) return reply.callNotFound();
    return reply.render(<NewsArticlePage article={article} url={new URL(`/actualites/${article.slug}`, app.config.publicUrl).href} />);
  });

  app.register(async (scope) => {
    scope.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
      const agentId = request.session.get<number>('agentId');
      const agent = agentId ? await news.findAgent(agentId) : undefined;
      if (!agent || !agent.totp_confirmed_at) return reply.redirect('/agents/connexion', 303); // both factors, always
      (request as FastifyRequest & { newsAgent: Agent }).newsAgent = agent;
    });
    const agentOf = (request: FastifyRequest) => (request as FastifyRequest & { newsAgent: Agent }).newsAgent;

    scope.get('/agents/actualites', async (request, reply) => reply.render(<NewsAdminPage articles={await news.all(agentOf(request))} values={{}} errors={{}} />));

    scope.post('/agents/actualites', async (request, reply) => {
      const form = (request.body ?? {}) as Body;
      const outcome = await news.create(agentOf(request), form, actorOf(request));
      if (!outcome.ok) return reply.render(<NewsAdminPage articles={await news.all(agentOf(request))} values={form} errors={outcome.errors} />, 400);
      request.session.flash('success', outcome.value.published ? 'L’actualité est publiée.' : 'L’actualité est enregistrée comme brouillon.');
      return reply.redirect('/agents/actualites', 303);
    });

    for (const [action, publish] of [['publier', true], ['retirer', false]] as const)
      scope.post<{ Params: { id: string } }>(`/agents/actualites/:id/${action}`, async (request, reply) => {
        const id = Number(request.params.id);
        if (!Number.isSafeInteger(id) || id <= 0) return reply.callNotFound();
        const done = await news.setPublished(agentOf(request), id, publish, actorOf(request));
        request.session.flash(done ? 'success' : 'info', done ? (publish ? 'L’actualité est publiée.' : 'L’actualité est retirée : elle redevient un brouillon.') : 'Rien à changer : l’actualité était déjà dans cet état.');
        return reply.redirect('/agents/actualites', 303);
      });
  });
}
