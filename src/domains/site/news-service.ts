import { z } from 'zod';
import { audit, type Actor } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Agent } from '../../schema.ts';
import { zodErrors, type Outcome } from '../accounts/service.ts';
import { ForbiddenError } from '../agents/service.ts';

/** How many articles the list page and the Atom feed show. */
export const NEWS_PAGE_SIZE = 20;

export const newsSchema = z.object({
  title: z.string({ error: 'Saisissez le titre' }).trim().min(1, 'Saisissez le titre').max(150, 'Le titre comporte 150 caractères au plus'),
  summary: z.string({ error: 'Saisissez le chapeau' }).trim().min(1, 'Saisissez le chapeau, en une ou deux phrases').max(300, 'Le chapeau comporte 300 caractères au plus'),
  body: z.string({ error: 'Saisissez le texte' }).trim().min(1, 'Saisissez le texte de l’actualité').max(20000, 'Le texte comporte 20 000 caractères au plus'),
  publish: z.literal('oui').optional(),
});

/** "Carte grise : la démarche évolue !" → "carte-grise-la-demarche-evolue" */
export function slugOf(title: string): string {
  const slug = title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100)
    .replace(/-+$/, '');
  return slug || 'actualite';
}

/** The agency's news: operators write, publish and withdraw; everyone reads the published ones. */
export function createNewsService(deps: { db: Db }) {
  const { db } = deps;
  const requireOperator = (agent: Agent) => {
    if (agent.role !== 'operator') throw new ForbiddenError('Réservé aux opérateurs de l’agence');
  };
  const published = () => db.selectFrom('news_articles').selectAll().where('published_at', 'is not', null).where('published_at', '<=', new Date());

  return {
    findAgent: (id: number) => db.selectFrom('agents').selectAll().where('id', '=', id).where('status', '=', 'active').executeTakeFirst(),
    latest: () => published().orderBy('published_at', 'desc').orderBy('id', 'desc').limit(NEWS_PAGE_SIZE).execute(),
    bySlug: (slug: string) => published().where('slug', '=', slug).executeTakeFirst(),

    async all(agent: Agent) {
      requireOperator(agent);
      return db.selectFrom('news_articles').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    },

    /** Writes an article (a draft, or published at once), audited; a title already used gets a numbered slug. */
    async create(agent: Agent, input: Record<string, string | undefined>, actor: Actor): Promise<Outcome<{ slug: string; published: boolean }>> {
      requireOperator(agent);
      const parsed = newsSchema.safeParse(input);
      if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
      const f = parsed.data;
      return db.transaction().execute(async (trx) => {
        const base = slugOf(f.title);
        const taken = new Set((await trx.selectFrom('news_articles').select('slug').where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)])).execute()).map((r) => r.slug));
        let slug = base;
        for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
        const row = await trx
          .insertInto('news_articles')
          .values({ slug, title: f.title, summary: f.summary, body: f.body, published_at: f.publish ? new Date() : null, created_by: agent.id })
          .returning('id')
          .executeTakeFirstOrThrow();
        await audit(trx, actor, 'news.created', { kind: 'news_article', id: row.id }, { slug, published: !!f.publish });
        return { ok: true, value: { slug, published: !!f.publish } };
      });
    },

    /** Publishes a draft now, or withdraws a published article (it goes back to the drafts). */
    async setPublished(agent: Agent, id: number, publish: boolean, actor: Actor): Promise<boolean> {
      requireOperator(agent);
      return db.transaction().execute(async (trx) => {
        const done = await trx
          .updateTable('news_articles')
          .set({ published_at: publish ? new Date() : null, updated_at: new Date() })
          .where('id', '=', id)
          .where('published_at', publish ? 'is' : 'is not', null)
          .executeTakeFirst();
        if (Number(done.numUpdatedRows) !== 1) return false;
        await audit(trx, actor, publish ? 'news.published' : 'news.withdrawn', { kind: 'news_article', id });
        return true;
      });
    },
  };
}
export type NewsService = ReturnType<typeof createNewsService>;

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The Atom feed (RFC 4287) of the published articles. Its <updated> is the latest article's; with no
 * article yet it is `now` (the app clock), never the epoch.
 */
export function atomFeed(articles: { slug: string; title: string; summary: string; published_at: Date | null; updated_at: Date }[], publicUrl: string, now: Date = new Date()): string {
  const updated = articles.length ? Math.max(...articles.map((a) => (a.published_at ?? a.updated_at).getTime())) : now.getTime();
  const entries = articles
    .map(
      (a) => `  <entry>
    <id>${xml(`${publicUrl}/actualites/${a.slug}`)}</id>
    <title>${xml(a.title)}</title>
    <link rel="alternate" type="text/html" href="${xml(`${publicUrl}/actualites/${a.slug}`)}"/>
    <published>${a.published_at!.toISOString()}</published>
    <updated>${a.published_at!.toISOString()}</updated>
    <summary>${xml(a.summary)}</summary>
  </entry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
  <id>${xml(`${publicUrl}/actualites`)}</id>
  <title>Actualités – Agence nationale des titres sécurisés</title>
  <link rel="self" type="application/atom+xml" href="${xml(`${publicUrl}/actualites/flux.atom`)}"/>
  <link rel="alternate" type="text/html" href="${xml(`${publicUrl}/actualites`)}"/>
  <updated>${new Date(updated).toISOString()}</updated>
  <author><name>Agence nationale des titres sécurisés</name></author>
${entries}
</feed>
`;
}
