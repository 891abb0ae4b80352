import type { NewsArticle } from '../news-tables.ts';
import { Alert, Breadcrumb, Table } from '../../../ui/components/content.tsx';
import { Checkbox, ErrorSummary, Form, SubmitButton, TextArea, TextInput, type FieldErrors } from '../../../ui/components/form.tsx';
import { formatDate, formatShortDateTime } from '../../../ui/format.ts';
import { Layout } from '../../../ui/layout.tsx';

const paragraphs = (text: string) => text.split(/\n\s*\n/).map((p, i) => <p key={i}>{p.trim()}</p>);

export function NewsListPage({ articles }: { articles: NewsArticle[] }) {
  return (
    <Layout title="Actualités" feed={{ href: '/actualites/flux.atom', title: 'Actualités – Agence nationale des titres sécurisés' }}>
      <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { label: 'Actualités' }]} />
      <h1>Actualités</h1>
      <p>
        Les nouvelles des titres sécurisés (carte grise, permis de conduire, carte d’identité, passeport), publiées par l’agence.{' '}
        <a href="/actualites/flux.atom" type="application/atom+xml">S’abonner au flux Atom</a>
      </p>
      {articles.length === 0 ? (
        <p>Aucune actualité publiée pour le moment.</p>
      ) : (
        <ul class="fr-raw-list">
          {articles.map((a) => (
            <li key={a.id} class="fr-mb-4w">
              <h2 class="fr-h4 fr-mb-1w">
                <a href={`/actualites/${a.slug}`}>{a.title}</a>
              </h2>
              <p class="fr-text--sm fr-mb-1w">Publiée le {formatDate(a.published_at!)}</p>
              <p>{a.summary}</p>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

/**
 * The DSFR "Partage" block (terms of use 1.9.5): plain links to each network's own sharing page, opened
 * in a new window; no script or pixel of theirs is loaded (nothing is sent to them until the user clicks).
 */
export function ShareLinks({ url, title }: { url: string; title: string }) {
  const u = encodeURIComponent(url);
  const t = encodeURIComponent(title);
  const links = [
    { cls: 'fr-btn--facebook', label: 'Facebook', href: `https://www.facebook.com/sharer.php?u=${u}` },
    { cls: 'fr-btn--twitter-x', label: 'X (anciennement Twitter)', href: `https://twitter.com/intent/tweet?url=${u}&text=${t}` },
    { cls: 'fr-btn--linkedin', label: 'LinkedIn', href: `https://www.linkedin.com/shareArticle?url=${u}&title=${t}` },
  ];
  return (
    <div class="fr-share">
      <p class="fr-share__title">Partager la page</p>
      <ul class="fr-btns-group">
        {links.map((l) => (
          <li key={l.label}>
            <a class={`fr-btn ${l.cls}`} href={l.href} target="_blank" rel="noopener noreferrer" title={`Partager sur ${l.label} - nouvelle fenêtre`}>
              Partager sur {l.label}
            </a>
          </li>
        ))}
        <li>
          <a class="fr-btn fr-btn--mail" href={`mailto:?subject=${t}&body=${u}`} title="Partager par courriel">
            Partager par courriel
          </a>
        </li>
      </ul>
      <p class="fr-text--xs fr-mt-1w">Ces liens ouvrent le site de chaque réseau social : l’usage que vous en faites relève de votre responsabilité (conditions d’utilisation, § 1.9.5).</p>
    </div>
  );
}

export function NewsArticlePage({ article, url }: { article: NewsArticle; url: string }) {
  return (
    <Layout title={article.title}>
      <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { href: '/actualites', label: 'Actualités' }, { label: article.title }]} />
      <h1>{article.title}</h1>
      <p class="fr-text--sm">Publiée le {formatDate(article.published_at!)}</p>
      <p class="fr-text--lead">{article.summary}</p>
      {paragraphs(article.body)}
      <ShareLinks url={url} title={article.title} />
      <p>
        <a href="/actualites">Toutes les actualités</a>
      </p>
    </Layout>
  );
}

const ORDER = ['title', 'summary', 'body'];

/** The operators' news: every article, drafts first in time order, with publish/withdraw, and the form to write one. */
export function NewsAdminPage({ articles, values, errors }: { articles: NewsArticle[]; values: Record<string, string | undefined>; errors: FieldErrors }) {
  const hasErrors = Object.keys(errors).length > 0;
  return (
    <Layout title="Actualités du portail" hasErrors={hasErrors}>
      <Breadcrumb items={[{ href: '/agents', label: 'Espace agent' }, { label: 'Actualités' }]} />
      <ErrorSummary errors={Object.fromEntries(ORDER.filter((k) => errors[k]).map((k) => [k, errors[k]!]))} />
      <h1>Actualités du portail</h1>
      {errors.form && <Alert kind="error">{errors.form}</Alert>}
      <Table
        caption="Actualités, de la plus récente à la plus ancienne"
        headers={['Titre', 'Rédigée le', 'État', 'Action']}
        empty="Aucune actualité n’a encore été rédigée."
        rows={articles.map((a) => [
          a.published_at ? <a href={`/actualites/${a.slug}`}>{a.title}</a> : a.title,
          formatShortDateTime(a.created_at),
          a.published_at ? `Publiée le ${formatDate(a.published_at)}` : 'Brouillon',
          <Form action={`/agents/actualites/${a.id}/${a.published_at ? 'retirer' : 'publier'}`}>
            <button type="submit" class="fr-btn fr-btn--sm fr-btn--secondary">
              {a.published_at ? 'Retirer' : 'Publier'}
              <span class="fr-sr-only"> « {a.title} »</span>
            </button>
          </Form>,
        ])}
      />
      <h2>Rédiger une actualité</h2>
      <Form action="/agents/actualites">
        <TextInput name="title" label="Titre" hint="150 caractères au plus" value={values.title} error={errors.title} maxLength={150} />
        <TextArea name="summary" label="Chapeau" hint="Une ou deux phrases, 300 caractères au plus : affiché dans la liste et le flux Atom" value={values.summary} error={errors.summary} rows={3} maxLength={300} />
        <TextArea name="body" label="Texte" hint="Séparez les paragraphes par une ligne vide" value={values.body} error={errors.body} rows={12} maxLength={20000} />
        <Checkbox name="publish" label="Publier dès l’enregistrement" hint="Sinon l’actualité reste un brouillon, publiable depuis la liste" checked={values.publish === 'oui'} />
        <SubmitButton>Enregistrer l’actualité</SubmitButton>
      </Form>
    </Layout>
  );
}
