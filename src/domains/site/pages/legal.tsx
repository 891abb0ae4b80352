import type { ComponentChildren } from 'preact';
import { TERMS_VERSIONS, type Terms } from '../terms.ts';

const latestFrench = () => TERMS_VERSIONS.filter((v) => v.lang === 'fr').at(-1)!;
import { Breadcrumb } from '../../../ui/components/content.tsx';
import { formatDate } from '../../../ui/format.ts';
import { Layout, SERVICE_NAME } from '../../../ui/layout.tsx';

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

/** The accessibility statement, on the RGAA 4.1 model (compliance, results, what is not accessible, contact, plan). */
export function AccessibilityPage() {
  return (
    <InfoPage title="Déclaration d’accessibilité">
      <p>
        L’Agence nationale des titres sécurisés s’engage à rendre son service en ligne accessible, conformément à
        l’article 47 de la loi n° 2005-102 du 11 février 2005. À cette fin, elle met en œuvre le schéma pluriannuel et le
        plan d’actions décrits ci-dessous.
      </p>
      <p>Cette déclaration d’accessibilité s’applique au {SERVICE_NAME}.</p>

      <h2>État de conformité</h2>
      <p>
        Le {SERVICE_NAME} est <strong>non conforme</strong> avec le référentiel général d’amélioration de
        l’accessibilité (RGAA), version 4.1 : le site n’a pas encore fait l’objet d’un audit de conformité. Un audit
        complet est prévu au premier trimestre 2027 (voir le schéma pluriannuel).
      </p>

      <h2>Résultats des tests</h2>
      <p>
        En l’absence d’audit, aucun taux de conformité ne peut être publié. Les vérifications suivantes sont faites à chaque
        modification du service :
      </p>
      <ul>
        <li>chaque page est contrôlée automatiquement (axe-core, règles WCAG 2.1 niveaux A et AA) dans un vrai navigateur ;</li>
        <li>les parcours complets sont testés au clavier, avec et sans JavaScript, sur un écran de 375 pixels et de 1 280 pixels de large ;</li>
        <li>les formulaires signalent chaque erreur à côté du champ concerné et dans un récapitulatif en haut de page.</li>
      </ul>

      <h2>Contenus non accessibles</h2>
      <h3>Non-conformités</h3>
      <p>Aucune non-conformité n’est connue à ce jour ; l’audit prévu en 2027 pourra en relever.</p>
      <h3>Dérogations pour charge disproportionnée</h3>
      <p>Aucune.</p>
      <h3>Contenus non soumis à l’obligation d’accessibilité</h3>
      <p>
        Les pièces justificatives que vous déposez (photos et copies de documents) sont affichées telles que vous les avez
        envoyées.
      </p>

      <h2>Établissement de cette déclaration</h2>
      <p>Cette déclaration a été établie le 1er décembre 2026.</p>
      <h3>Technologies utilisées pour la réalisation du site</h3>
      <ul>
        <li>HTML5</li>
        <li>CSS</li>
        <li>JavaScript (facultatif : toutes les pages fonctionnent sans)</li>
        <li>le système de design de l’État (DSFR)</li>
      </ul>
      <h3>Environnement de test</h3>
      <p>Navigateur Chromium, au clavier et à la souris, avec et sans JavaScript ; outil de contrôle automatique axe-core.</p>
      <h3>Pages vérifiées</h3>
      <ul>
        <li>l’accueil, les pages des démarches et les pages d’information (mentions légales, données personnelles, plan du site) ;</li>
        <li>la connexion, la création de compte et « Mon compte » ;</li>
        <li>« Mes démarches » et chaque étape des démarches en ligne ;</li>
        <li>le formulaire de contact.</li>
      </ul>

      <h2>Retour d’information et contact</h2>
      <p>
        Si vous n’arrivez pas à accéder à un contenu ou à un service, vous pouvez contacter l’agence pour être orienté
        vers une alternative accessible ou obtenir le contenu sous une autre forme :{' '}
        <a href="/contact">écrire à l’agence avec le formulaire de contact</a> (sujet « Une autre question »), en
        précisant la page et la difficulté rencontrée. Nous vous répondons sous 10 jours ouvrés.
      </p>

      <h2>Voies de recours</h2>
      <p>
        Si vous constatez un défaut d’accessibilité vous empêchant d’accéder à un contenu ou à une fonctionnalité du site,
        que vous nous le signalez et que vous ne parvenez pas à obtenir une réponse de notre part, vous êtes en droit de
        faire parvenir vos doléances ou une demande de saisine au Défenseur des droits. Plusieurs moyens sont à votre
        disposition :
      </p>
      <ul>
        <li>
          écrire un message au Défenseur des droits avec le{' '}
          <a href="https://formulaire.defenseurdesdroits.fr/" rel="noopener">
            formulaire en ligne
          </a>{' '}
          ;
        </li>
        <li>
          contacter{' '}
          <a href="https://www.defenseurdesdroits.fr/carte-des-delegues" rel="noopener">
            le délégué du Défenseur des droits dans votre région
          </a>{' '}
          ;
        </li>
        <li>appeler le 09 69 39 00 00 ;</li>
        <li>envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07.</li>
      </ul>

      <h2>Schéma pluriannuel de mise en accessibilité 2027-2029</h2>
      <p>
        Le schéma est arrêté pour trois ans par la direction de l’agence. Un référent accessibilité numérique suit sa mise
        en œuvre et publie chaque année le bilan du plan d’actions de l’année écoulée.
      </p>
      <div class="fr-table fr-table--no-scroll app-table">
        <table>
          <caption>Plan d’actions par année</caption>
          <thead>
            <tr>
              <th scope="col">Année</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td data-label="Année">2027</td>
              <td data-label="Actions">
                Audit complet RGAA 4.1 par un prestataire externe sur un échantillon représentatif (accueil, connexion, « Mes
                démarches », chaque démarche en ligne, documents PDF délivrés) ; correction des non-conformités relevées ;
                publication de la déclaration mise à jour avec le taux de conformité.
              </td>
            </tr>
            <tr>
              <td data-label="Année">2028</td>
              <td data-label="Actions">
                Documents PDF délivrés (certificats, récépissés, récapitulatifs) conformes PDF/UA ; formation des agents qui
                rédigent les contenus et les messages ; tests des parcours avec des personnes en situation de handicap.
              </td>
            </tr>
            <tr>
              <td data-label="Année">2029</td>
              <td data-label="Actions">
                Nouvel audit complet ; accessibilité vérifiée dans la recette de chaque nouvelle démarche avant sa mise en
                ligne ; bilan du schéma et préparation du suivant.
              </td>
            </tr>
          </tbody>
        </table>
      </div>
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
          <a href="/agence">L’agence et ses missions</a>
        </li>
        <li>
          <a href="/actualites">Actualités</a>
        </li>
        <li>
          <a href="/formulaires-cerfa">Formulaires CERFA</a>
        </li>
        <li>
          <a href="/contact">Écrire à l’agence</a>
        </li>
        <li>
          <a href="/fermeture-du-portail">Si le portail ferme</a>
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
