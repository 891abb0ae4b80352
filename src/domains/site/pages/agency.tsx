import { closureDay } from '../closure/service.ts';
import { CERFA_FORMS } from '../cerfa.ts';
import { Alert, Breadcrumb, Table } from '../../../ui/components/content.tsx';
import { Layout } from '../../../ui/layout.tsx';

/** The agency and its missions (terms of use §1.2). */
export function AgencyPage() {
  return (
    <Layout title="L’agence et ses missions">
      <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { label: 'L’agence et ses missions' }]} />
      <h1>L’agence et ses missions</h1>
      <p class="fr-text--lead">
        L’Agence nationale des titres sécurisés (ANTS) est un établissement public administratif placé sous la tutelle du ministère de l’Intérieur.
        Elle conçoit et fait fonctionner les systèmes qui produisent les titres sécurisés, et permet d’en faire la demande en ligne.
      </p>
      <h2>Ses missions</h2>
      <ul>
        <li>les certificats d’immatriculation des véhicules (cartes grises), avec le système d’immatriculation des véhicules (SIV) ;</li>
        <li>les permis de conduire ;</li>
        <li>les cartes nationales d’identité et les passeports, dont les demandes sont recueillies par les mairies équipées d’un dispositif de recueil ;</li>
        <li>les démarches en ligne de ce portail, et l’information des usagers sur ces titres et leurs démarches.</li>
      </ul>
      <h2>Sur ce portail</h2>
      <ul>
        <li>
          <a href="/actualites">Les actualités des titres sécurisés</a>, publiées par l’agence ;
        </li>
        <li>
          <a href="/formulaires-cerfa">Les formulaires CERFA</a> des démarches, et celles qui les remplacent en ligne ;
        </li>
        <li>
          <a href="/lieux">Les professionnels habilités, photographes agréés et mairies équipées</a> près de chez vous ;
        </li>
        <li>
          <a href="/aide">L’aide</a> et <a href="/contact">le formulaire de contact</a>, avec ou sans compte.
        </li>
      </ul>
      <h2>Nous écrire</h2>
      <p>ANTS, 18 rue Irénée Carré – BP 70474, 08101 Charleville-Mézières.</p>
    </Layout>
  );
}

/** The CERFA forms the procedures replace or need; the files are on the official site. */
export function CerfaPage() {
  return (
    <Layout title="Formulaires CERFA">
      <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { label: 'Formulaires CERFA' }]} />
      <h1>Formulaires CERFA</h1>
      <p>
        La plupart de ces formulaires sont remplacés par une démarche en ligne de ce portail. Quand un formulaire papier reste nécessaire, téléchargez-le
        sur le site officiel de l’administration, qui publie toujours la version en vigueur.
      </p>
      <Table
        caption="Formulaires et démarches en ligne correspondantes"
        headers={['Numéro', 'Formulaire', 'Démarche en ligne', 'Téléchargement']}
        rows={CERFA_FORMS.map((f) => [
          `cerfa n° ${f.number}`,
          f.title,
          f.procedure,
          <a href={f.href} target="_blank" rel="noopener" title={`Cerfa n° ${f.number} sur service-public.fr - nouvelle fenêtre`}>
            Cerfa n° {f.number} sur service-public.fr
          </a>,
        ])}
      />
    </Layout>
  );
}

/** What happens to accounts if the agency closes the portal (terms of use §1.11.2). */
export function ClosurePage({ endsAt }: { endsAt: Date | null }) {
  return (
    <Layout title="Fermeture du portail">
      <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { label: 'Fermeture du portail' }]} />
      <h1>Si le portail ferme</h1>
      {endsAt ? (
        <Alert kind="warning" title={`Le portail fermera le ${closureDay(endsAt)}`}>
          À cette date, les comptes et leurs données personnelles seront supprimés. Connectez-vous d’ici là pour télécharger les documents de vos
          démarches depuis <a href="/mes-demarches">Mes démarches</a>.
        </Alert>
      ) : (
        <p>Aucune fermeture du portail n’est annoncée.</p>
      )}
      <p>
        Si l’agence cesse définitivement d’exploiter ce portail, les comptes sont supprimés après notification de la fin du service (conditions
        générales d’utilisation, <a href="/cgu#article-1.11.2">article 1.11.2</a>).
      </p>
      <ul>
        <li>chaque titulaire de compte reçoit d’abord, par courriel, la notification de la fin du service et sa date ;</li>
        <li>jusqu’à cette date, vous pouvez télécharger les documents de vos démarches (certificats, récépissés, récapitulatifs) depuis votre espace ;</li>
        <li>une bannière l’annonce sur toutes les pages du portail ;</li>
        <li>à cette date, les comptes et leurs données sont supprimés ; les démarches en cours d’instruction sont terminées par l’agence.</li>
      </ul>
    </Layout>
  );
}
