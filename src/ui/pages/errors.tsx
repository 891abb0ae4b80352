import type { ComponentChildren } from 'preact';
import { Layout } from '../layout.tsx';
import { usePage } from '../page-context.ts';

/** An error page: its title, its code, what happened in a lead, what to do, the request's reference, the way home. */
export function ErrorPage(props: { title: string; code: number; lead: string; children?: ComponentChildren }) {
  const page = usePage();
  return (
    <Layout title={props.title}>
      <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--middle fr-grid-row--center">
        <div class="fr-col-12 fr-col-md-8">
          <h1>{props.title}</h1>
          <p class="fr-text--sm fr-mb-3w">Erreur {props.code}</p>
          <p class="fr-text--lead fr-mb-3w">{props.lead}</p>
          {props.children}
          <p class="fr-text--sm">Référence de la requête : {page.requestId}</p>
          <ul class="fr-btns-group fr-btns-group--inline-md">
            <li>
              <a class="fr-btn" href="/">
                Page d’accueil
              </a>
            </li>
          </ul>
        </div>
      </div>
    </Layout>
  );
}

export function NotFoundPage() {
  return (
    <ErrorPage title="Page non trouvée" code={404} lead="La page que vous cherchez est introuvable. Excusez-nous pour la gêne occasionnée.">
      <p>
        Si vous avez tapé l’adresse web dans le navigateur, vérifiez qu’elle est correcte. La page n’est peut-être
        plus disponible. Dans ce cas, pour continuer votre visite vous pouvez consulter notre page d’accueil.
      </p>
    </ErrorPage>
  );
}

export function ServerErrorPage() {
  return (
    <ErrorPage title="Erreur inattendue" code={500} lead="Désolé, le service rencontre un problème, nous travaillons pour le résoudre le plus rapidement possible.">
      <p>
        Ce que vous aviez saisi et déjà enregistré est conservé. Essayez de rafraîchir la page ou réessayez plus
        tard. Si le problème persiste, indiquez la référence ci-dessous au support.
      </p>
    </ErrorPage>
  );
}

/** The database could not answer in time (no free connection, or a statement past its time limit). */
export function ServiceUnavailablePage() {
  return (
    <ErrorPage title="Service momentanément surchargé" code={503} lead="Le portail reçoit en ce moment trop de demandes pour répondre à temps.">
      <p>
        Rien n’a été perdu : ce que vous aviez déjà enregistré est conservé. Réessayez dans quelques instants, ou à une
        heure moins chargée (tôt le matin ou en soirée).
      </p>
    </ErrorPage>
  );
}

export function CsrfErrorPage({ keptAt }: { keptAt?: string | null }) {
  if (keptAt)
    return (
      <ErrorPage title="Session expirée" code={403} lead="Votre session a expiré : le formulaire n’a pas été enregistré, mais ce que vous avez saisi est conservé.">
        <p>
          Reconnectez-vous : vous retrouverez le formulaire rempli avec ce que vous aviez saisi (sauf les fichiers joints et les codes), pendant 7
          jours. Vérifiez-le, puis envoyez-le de nouveau.
        </p>
        <p>
          <a class="fr-btn" href={`/connexion?retour=${encodeURIComponent(keptAt)}`}>
            Me reconnecter
          </a>
        </p>
      </ErrorPage>
    );
  return (
    <ErrorPage title="Formulaire expiré" code={403} lead="Votre formulaire n’a pas pu être envoyé : la session a expiré ou la page a été ouverte trop longtemps.">
      <p>Revenez à la page précédente, rechargez-la, puis envoyez à nouveau le formulaire.</p>
    </ErrorPage>
  );
}

export function BadRequestPage() {
  return (
    <ErrorPage title="Requête invalide" code={400} lead="La demande envoyée au service n’a pas pu être comprise.">
      <p>Revenez à la page précédente et réessayez. Si le problème persiste, contactez le support.</p>
    </ErrorPage>
  );
}

/** A form or an address with a value the service cannot read (repeated field, NUL, bad encoding, too long). */
export function InvalidInputPage(props: { message: string; back: string | null; code?: number }) {
  return (
    <ErrorPage title="Requête invalide" code={props.code ?? 400} lead="Le formulaire ou l’adresse envoyés contiennent une valeur que le service ne peut pas lire.">
      <p>{props.message}</p>
      <p>Rien n’a été enregistré. Revenez au formulaire, vérifiez ce que vous avez saisi (ou copié-collé) et envoyez-le de nouveau.</p>
      {props.back && (
        <p>
          <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={props.back}>
            Revenir au formulaire
          </a>
        </p>
      )}
    </ErrorPage>
  );
}

/**
 * The back office has spent its share of the node's time and this request waited its longest
 * (platform/http/time-budget-plugin.ts): the same address again, query string kept (a search is a GET).
 */
export function BackOfficeBusyPage({ retryUrl, retrySeconds }: { retryUrl: string; retrySeconds: number }) {
  return (
    <ErrorPage
      title="Le back-office est très sollicité"
      code={503}
      lead="Le back-office est très sollicité en ce moment : votre demande n’a pas pu être traitée à temps. Réessayez dans quelques secondes."
    >
      <p>
        Les agents ne peuvent occuper qu’une part du serveur, pour que les usagers restent servis. Rien n’a été perdu : votre
        recherche et vos filtres sont gardés dans le lien ci-dessous. Réessayez dans {retrySeconds} secondes environ.
      </p>
      <p>
        <a class="fr-btn fr-btn--secondary" href={retryUrl}>
          Réessayer
        </a>
      </p>
    </ErrorPage>
  );
}

export function TooManyRequestsPage() {
  return (
    <ErrorPage title="Trop de tentatives" code={429} lead="Vous avez fait trop de demandes en peu de temps.">
      <p>Patientez quelques minutes avant de réessayer.</p>
    </ErrorPage>
  );
}

export function ForbiddenPage() {
  return (
    <ErrorPage title="Accès refusé" code={403} lead="Vous n’avez pas accès à cette page ou à cette action.">
      <p>Si vous pensez qu’il s’agit d’une erreur, vérifiez que vous êtes connecté avec le bon compte.</p>
    </ErrorPage>
  );
}
