import type { ComponentChildren } from 'preact';
import { TERMS_VERSIONS, type Terms } from '../../domains/site/terms.ts';

const latestFrench = () => TERMS_VERSIONS.filter((v) => v.lang === 'fr').at(-1)!;
import { Breadcrumb } from '../components/content.tsx';
import { formatDate } from '../format.ts';
import { Layout, SERVICE_NAME } from '../layout.tsx';

function InfoPage({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <Layout title={title}>
      <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { label: title }]} />
      <h1>{title}</h1>
      {children}
    </Layout>
  );
}

export function TermsPage({ terms }: { terms: Terms }) {
  const groups: { heading?: Terms['blocks'][number]; body: Terms['blocks'] }[] = [{ body: [] }];
  for (const block of terms.blocks) {
    if (block.kind === 'heading') groups.push({ heading: block, body: [] });
    else groups.at(-1)!.body.push(block);
  }
  return (
    <InfoPage title="Conditions générales d’utilisation">
      <p class="fr-text--lead">
        Version {terms.version}, en vigueur depuis le {formatDate(new Date(`${terms.effectiveFrom}T12:00:00Z`))}.
      </p>
      {terms.lang === 'en' && (
        <div class="fr-callout fr-mb-4w">
          <p class="fr-callout__text">
            Cette version reproduit la traduction anglaise publiée par l’agence. Seul le texte en langue française
            fait foi (article 1.18) : <a href={`/cgu?version=${latestFrench().version}`}>lire la version en français</a>.
          </p>
        </div>
      )}
      {TERMS_VERSIONS.length > 1 && (
        <div class="fr-table fr-mb-4w">
          <table>
            <caption>Historique des versions</caption>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">En vigueur depuis le</th>
                <th scope="col">Langue</th>
                <th scope="col">Changements</th>
              </tr>
            </thead>
            <tbody>
              {[...TERMS_VERSIONS].reverse().map((v) => (
                <tr key={v.version}>
                  <td>
                    {v.version === terms.version ? (
                      <span aria-current="page">version {v.version} (affichée)</span>
                    ) : (
                      <a href={`/cgu?version=${v.version}`}>version {v.version}</a>
                    )}
                  </td>
                  <td>{formatDate(new Date(`${v.effectiveFrom}T12:00:00Z`))}</td>
                  <td>{v.lang === 'fr' ? 'français' : 'anglais (traduction)'}</td>
                  <td>{v.summary}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div lang={terms.lang} class="app-terms">
        <h2>{terms.title}</h2>
        {groups.map((g, i) => (
          <section key={i}>
            {g.heading &&
              (g.heading.level === 2 ? (
                <h2 id={`article-${g.heading.number}`}>
                  {g.heading.number}. {g.heading.text}
                </h2>
              ) : g.heading.level === 3 ? (
                <h3 id={`article-${g.heading.number}`}>
                  {g.heading.number}. {g.heading.text}
                </h3>
              ) : (
                <h4 id={`article-${g.heading.number}`}>
                  {g.heading.number}. {g.heading.text}
                </h4>
              ))}
            {renderBlocks(g.body)}
          </section>
        ))}
      </div>
    </InfoPage>
  );
}

function renderBlocks(blocks: Terms['blocks']) {
  const out: ComponentChildren[] = [];
  let items: string[] = [];
  const flush = () => {
    if (items.length) out.push(<ul key={`l${out.length}`}>{items.map((t, i) => <li key={i}>{t}</li>)}</ul>);
    items = [];
  };
  for (const b of blocks) {
    if (b.kind === 'item') items.push(b.text);
    else {
      flush();
      out.push(<p key={`p${out.length}`}>{b.text}</p>);
    }
  }
  flush();
  return out;
}

export function LegalNoticePage() {
  return (
    <InfoPage title="Mentions légales">
      <h2>Éditeur</h2>
      <p>
        Le {SERVICE_NAME} est édité par l’Agence nationale des titres sécurisés (ANTS), établissement public
        administratif placé sous la tutelle du ministère de l’Intérieur.
      </p>
      <h2>Directeur de la publication</h2>
      <p>Le directeur de l’Agence nationale des titres sécurisés.</p>
      <h2>Hébergement</h2>
      <p>
        Le service est hébergé en France, sur des infrastructures qualifiées pour l’hébergement de données de
        l’administration.
      </p>
      <h2>Accessibilité</h2>
      <p>
        Voir la <a href="/accessibilite">déclaration d’accessibilité</a>.
      </p>
      <h2>Réutilisation des contenus</h2>
      <p>
        Toute reproduction totale ou partielle de ce site ou de l’un de ses éléments est interdite sans l’accord de
        l’ANTS (article L. 122-4 du code de la propriété intellectuelle ; <a href="/cgu#article-1.9">article 1.9 des
        conditions générales d’utilisation</a>). Seuls les documents officiels peuvent être réutilisés librement, aux
        conditions de l’article 1.9.3. Les marques et logos de l’État ne peuvent pas être réutilisés.
      </p>
      <h2>Conditions d’utilisation</h2>
      <p>
        L’utilisation du service est régie par les <a href="/cgu">conditions générales d’utilisation</a>.
      </p>
    </InfoPage>
  );
}

export function PersonalDataPage() {
  return (
    <InfoPage title="Données personnelles">
      <p>
        L’Agence nationale des titres sécurisés traite vos données personnelles pour instruire les demandes de titres
        que vous faites sur ce portail (carte grise, permis de conduire, pré-demande de carte d’identité et de
        passeport), dans le cadre de ses missions de service public.
      </p>
      <h2>Données traitées</h2>
      <ul>
        <li>votre identité et vos coordonnées (adresse électronique, adresse postale, téléphone si vous le donnez) ;</li>
        <li>les données de vos démarches : véhicules, pièces justificatives, paiements, décisions ;</li>
        <li>l’historique de vos connexions (date, adresse IP, mode de connexion), qui vaut convention de preuve (CGU §1.17).</li>
      </ul>
      <h2>Durées de conservation</h2>
      <ul>
        <li>les demandes et leurs pièces : la durée prévue par la réglementation de chaque titre ;</li>
        <li>l’historique des connexions : un an ;</li>
        <li>un compte jamais activé : supprimé à l’expiration du lien d’activation.</li>
      </ul>
      <h2>Vos droits</h2>
      <p>
        Vous pouvez accéder à vos données, les faire rectifier et, dans les cas prévus par le règlement général sur la
        protection des données, vous opposer à leur traitement ou en demander la limitation, en écrivant au délégué à
        la protection des données du ministère de l’Intérieur. Si vous estimez que vos droits ne sont pas respectés,
        vous pouvez adresser une réclamation à la CNIL.
      </p>
      <h2>Cookies</h2>
      <p>
        Voir la page <a href="/cookies">gestion des cookies</a>.
      </p>
    </InfoPage>
  );
}

export function CookiesPage() {
  return (
    <InfoPage title="Gestion des cookies">
      <p>
        Ce site ne dépose qu’un seul cookie, strictement nécessaire à son fonctionnement : le cookie de session, qui
        vous garde connecté et protège vos formulaires contre les envois frauduleux. Il ne contient aucune donnée
        personnelle : seulement un identifiant aléatoire. Il est supprimé à la déconnexion ou à la fermeture du
        navigateur.
      </p>
      <p>
        Aucun cookie de mesure d’audience, de publicité ou de réseau social n’est utilisé : votre consentement n’est
        donc pas demandé.
      </p>
    </InfoPage>
  );
}

export function AccessibilityPage() {
  return (
    <InfoPage title="Déclaration d’accessibilité">
      <p>
        L’Agence nationale des titres sécurisés s’engage à rendre son service accessible, conformément à l’article 47
        de la loi n° 2005-102 du 11 février 2005.
      </p>
      <h2>État de conformité</h2>
      <p>
        Le {SERVICE_NAME} est <strong>non conforme</strong> avec le référentiel général d’amélioration de
        l’accessibilité (RGAA) version 4.1 : aucun audit de conformité n’a encore été réalisé.
      </p>
      <h2>Ce qui est déjà fait</h2>
      <ul>
        <li>toutes les pages fonctionnent sans JavaScript ;</li>
        <li>chaque page est vérifiée automatiquement (axe) à chaque modification du code ;</li>
        <li>les pages s’affichent sans défilement horizontal sur un écran de 375 pixels de large ;</li>
        <li>les formulaires signalent chaque erreur à côté du champ concerné et dans un récapitulatif en haut de page.</li>
      </ul>
      <h2>Voies de recours</h2>
      <p>
        Si vous rencontrez un défaut d’accessibilité qui vous empêche d’accéder à un contenu ou à une démarche,
        contactez l’agence ; si vous n’obtenez pas de réponse rapide, vous pouvez saisir le Défenseur des droits.
      </p>
    </InfoPage>
  );
}

export function SiteMapPage({ families }: { families: { slug: string; title: string }[] }) {
  return (
    <InfoPage title="Plan du site">
      <ul>
        <li>
          <a href="/">Accueil</a>
        </li>
        {families.map((f) => (
          <li key={f.slug}>
            <a href={`/demarches/${f.slug}`}>{f.title}</a>
          </li>
        ))}
        <li>
          <a href="/simulateur-taxes">Simulateur du coût d’une carte grise</a>
        </li>
        <li>
          <a href="/connexion">Se connecter</a>
        </li>
        <li>
          <a href="/inscription">Créer un compte</a>
        </li>
        <li>
          <a href="/habilitation-siv">Demander l’habilitation SIV (professionnels de l’automobile)</a>
        </li>
        <li>
          <a href="/cgu">Conditions générales d’utilisation</a>
        </li>
        <li>
          <a href="/mentions-legales">Mentions légales</a>
        </li>
        <li>
          <a href="/donnees-personnelles">Données personnelles</a>
        </li>
        <li>
          <a href="/cookies">Gestion des cookies</a>
        </li>
        <li>
          <a href="/accessibilite">Déclaration d’accessibilité</a>
        </li>
      </ul>
    </InfoPage>
  );
}
