import { ARTICLES, SECTION_LABELS, type Article, type Block, type HelpSection } from '../articles.ts';
import { Alert, Breadcrumb, Table } from '../../../ui/components/content.tsx';
import { Form, SubmitButton, TextInput } from '../../../ui/components/form.tsx';
import { Layout } from '../../../ui/layout.tsx';

function Blocks({ blocks }: { blocks: Block[] }) {
  return (
    <>
      {blocks.map((b, i) =>
        typeof b === 'string' ? (
          <p key={i}>{b}</p>
        ) : 'list' in b ? (
          <ul key={i}>
            {b.list.map((item, j) => (
              <li key={j}>{item}</li>
            ))}
          </ul>
        ) : (
          <Table key={i} caption="Récapitulatif" headers={b.table.headers} rows={b.table.rows} />
        ),
      )}
    </>
  );
}

function ArticleList({ articles }: { articles: readonly Article[] }) {
  return (
    <ul class="app-help-list">
      {articles.map((a) => (
        <li key={a.slug} class="fr-mb-2w">
          <a href={`/aide/${a.slug}`}>{a.title}</a>
          <p class="fr-text--sm fr-mb-0">{a.summary}</p>
        </li>
      ))}
    </ul>
  );
}

/** Digital assistance points for users without equipment (terms of use §1.3). */
function AssistancePoints() {
  return (
    <section id="accompagnement" class="fr-mt-6w" aria-labelledby="titre-accompagnement">
      <h2 id="titre-accompagnement">Vous n’avez pas d’ordinateur, de scanner ou d’accès à internet ?</h2>
      <p>
        Des points d’accompagnement numérique sont à votre disposition partout en France, en préfecture, en sous-préfecture et dans les
        espaces France services : un médiateur vous aide à faire vos démarches en ligne, avec un ordinateur, une imprimante et un scanner pour
        numériser vos pièces justificatives. Ce service est une initiative du ministère de l’Intérieur ; il ne relève pas de la responsabilité
        de l’agence.
      </p>
      <ul>
        <li>Renseignez-vous auprès de votre préfecture, de votre mairie ou de l’espace France services le plus proche.</li>
        <li>Un proche peut aussi faire la démarche pour vous depuis son compte, en choisissant « pour quelqu’un d’autre ».</li>
        <li>
          Pour une carte grise, un <a href="/lieux?type=professionnels">professionnel de l’automobile habilité</a> peut faire la démarche à
          votre place.
        </li>
      </ul>
    </section>
  );
}

export function HelpHomePage({ q, results }: { q: string; results: Article[] | null }) {
  const sections = Object.keys(SECTION_LABELS) as HelpSection[];
  return (
    <Layout title={q ? `Aide : recherche « ${q} »` : 'Centre d’aide'}>
      <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { label: 'Centre d’aide' }]} />
      <h1>Centre d’aide</h1>
      <p>Les réponses aux questions les plus fréquentes sur la carte grise, le permis de conduire et votre compte.</p>
      <Form action="/aide" method="get">
        <TextInput name="q" type="search" label="Rechercher dans l’aide" hint="Par exemple : code de cession, photo numérique, NEPH" value={q} />
        <SubmitButton>Rechercher</SubmitButton>
      </Form>
      {results !== null && (
        <section class="fr-mt-4w" aria-labelledby="titre-resultats">
          <h2 id="titre-resultats">
            {results.length ? `${results.length} article${results.length > 1 ? 's' : ''} pour « ${q} »` : `Aucun article pour « ${q} »`}
          </h2>
          {results.length ? (
            <ArticleList articles={results} />
          ) : (
            <p>Essayez avec d’autres mots, parcourez les rubriques ci-dessous, ou écrivez-nous.</p>
          )}
        </section>
      )}
      {sections.map((s) => (
        <section key={s} class="fr-mt-4w" aria-labelledby={`rubrique-${s}`}>
          <h2 id={`rubrique-${s}`}>{SECTION_LABELS[s]}</h2>
          <ArticleList articles={ARTICLES.filter((a) => a.section === s)} />
        </section>
      ))}
      <section class="fr-mt-4w" aria-labelledby="titre-contact">
        <h2 id="titre-contact">Vous n’avez pas trouvé votre réponse ?</h2>
        <ul>
          <li>
            <a href="/contact">Écrire à l’agence</a>, avec ou sans compte, au sujet de votre compte ou d’une démarche : réponse sous 15 jours
            ouvrés.
          </li>
          <li>
            <a href="/contact/demandes">Suivre mes demandes de contact</a> et lire les réponses de l’agence.
          </li>
          <li>
            <a href="/aide/reclamations">Faire une réclamation ou régler un litige à l’amiable</a>.
          </li>
          <li>
            <a href="/lieux">Trouver un professionnel habilité, un photographe agréé ou une mairie équipée</a>.
          </li>
        </ul>
      </section>
      <AssistancePoints />
    </Layout>
  );
}

export function ArticlePage({ article }: { article: Article }) {
  return (
    <Layout title={`${article.title} - Aide`}>
      <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { href: '/aide', label: 'Centre d’aide' }, { label: article.title }]} />
      <p class="fr-tag fr-mb-2w">{SECTION_LABELS[article.section]}</p>
      <h1>{article.title}</h1>
      <p class="fr-text--lead">{article.summary}</p>
      <Blocks blocks={article.body} />
      {article.links && (
        <ul class="fr-mt-3w">
          {article.links.map((l) => (
            <li key={l.href}>
              <a href={l.href}>{l.label}</a>
            </li>
          ))}
        </ul>
      )}
      <Alert kind="info" title="Cet article ne répond pas à votre question ?">
        <p>
          <a href="/contact">Écrivez à l’agence</a>, avec ou sans compte : elle vous répond sous 15 jours ouvrés. <a href="/aide">Retour au centre
          d’aide</a>
        </p>
      </Alert>
    </Layout>
  );
}

/** Claims (terms of use §1.16) and the amicable settlement of disputes (§1.19), with their deadlines. */
export function ClaimsPage() {
  return (
    <Layout title="Réclamations et règlement amiable des litiges">
      <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { href: '/aide', label: 'Centre d’aide' }, { label: 'Réclamations et litiges' }]} />
      <h1>Réclamations et règlement amiable des litiges</h1>
      <p>
        Une question ou un problème sur une démarche ? <a href="/contact">Écrivez d’abord à l’agence</a> : elle répond à toute demande
        d’information sous 15 jours ouvrés.
      </p>
      <h2>Faire une réclamation</h2>
      <p>
        Si vous estimez que l’agence est responsable d’un préjudice (erreur, manquement ou retard du portail ou du service), signalez-le-lui pour
        qu’elle puisse conserver les éléments de preuve.
      </p>
      <Table
        caption="Les délais d’une réclamation"
        headers={['Étape', 'Délai']}
        rows={[
          ['Vous envoyez votre réclamation, en décrivant précisément les erreurs, manquements ou retards constatés', '30 jours au plus après l’événement en cause'],
          ['L’agence prend en compte votre réclamation et en apprécie les suites juridiques', '60 jours après sa réception'],
        ]}
      />
      <p>
        Envoyez-la par lettre recommandée avec avis de réception à : <strong>ANTS, 18 rue Irénée Carré, BP 70474, 08101 Charleville-Mézières</strong>.
      </p>
      <h2>Régler un litige à l’amiable</h2>
      <p>
        En cas de litige sur l’interprétation ou l’application des conditions générales d’utilisation, vous et l’agence vous engagez, avant de
        saisir un tribunal, à rechercher de bonne foi une solution amiable et rapide.
      </p>
      <Table
        caption="Les étapes du règlement amiable"
        headers={['Étape', 'Délai']}
        rows={[
          ['Vous écrivez à l’agence par lettre recommandée avec avis de réception (même adresse)', 'Sans délai imposé'],
          ['L’agence vous répond par écrit ; sans réponse dans ce délai, votre demande est rejetée', '2 mois après réception de votre lettre'],
          ['Vous pouvez répondre à l’agence', '2 mois après réception de sa réponse'],
        ]}
      />
      <p>
        À défaut de solution amiable, les tribunaux français compétents peuvent être saisis. Les conditions complètes sont dans les{' '}
        <a href="/cgu">conditions générales d’utilisation</a> (articles 1.15, 1.16, 1.19 et 1.20).
      </p>
    </Layout>
  );
}
