import { renderToString } from 'preact-render-to-string';
import { LightPage } from './light-page.tsx';
import { withPause, type WaitingPageView } from '../../platform/http/admission.ts';
import type { RepostForm } from '../../platform/http/repost.ts';

export interface WaitingRoomProps extends WaitingPageView {
  stylesheet: string;
}

/**
 * What the page can say of the visitor's place, and only that: whether the queue keeps one for them.
 * Neither a rank nor a waiting time: a rank counts one browser's many requests as one visitor, the
 * places that free up go to signed-in people first, and behind a load balancer the next reload may
 * reach another node; a time would extrapolate a past rate of admissions.
 */
function place(hasPlace: boolean): string {
  // the queue is full, or the visitor's address already holds its share of places (admission.ts)
  if (!hasPlace)
    return 'Aucune place ne vous est encore attribuée dans la file : trop de personnes attendent déjà, ou depuis votre connexion. La page vous en donnera une dès que possible.';
  return 'Une place vous est gardée dans la file d’attente : les places qui se libèrent sont attribuées dans l’ordre d’arrivée. Nous ne pouvons pas prévoir la durée de l’attente.';
}

/**
 * A form posted while the node sheds: its fields come back as hidden inputs of a form that posts them
 * again to the same URL, only when the visitor asks (no automatic reload: a reload would be a GET and
 * lose them, an automatic re-post would post without them knowing). Secrets were dropped (repost.ts).
 */
function Repost(props: WaitingRoomProps & { repost: RepostForm }) {
  return (
    <LightPage title="Salle d’attente" stylesheet={props.stylesheet}>
      <h1>Salle d’attente</h1>
      <p class="fr-text--lead">
        Le portail reçoit en ce moment plus de visites qu’il ne peut en servir rapidement : votre demande n’a pas encore été
        traitée, et rien n’a été enregistré.
      </p>
      <div class="fr-alert fr-alert--info fr-mb-4w">
        <p>
          Les informations que vous avez saisies sont gardées sur cette page, et nulle part ailleurs. Patientez environ{' '}
          {props.retrySeconds} secondes, puis utilisez « Renvoyer ma demande » : elle sera envoyée telle que vous l’aviez
          remplie. Si le portail est encore trop chargé, cette page reviendra et vous pourrez réessayer.
        </p>
      </div>
      {props.repost.dropped.length > 0 && (
        <div class="fr-alert fr-alert--warning fr-mb-4w">
          <p>
            Pour votre sécurité, les mots de passe et les codes ne sont jamais gardés : vous devrez les saisir à nouveau sur le
            formulaire après l’avoir renvoyé.
          </p>
        </div>
      )}
      <form method="post" action={props.url}>
        {props.repost.fields.map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <button type="submit" class="fr-btn">
          Renvoyer ma demande
        </button>
      </form>
    </LightPage>
  );
}

function WaitingRoom(props: WaitingRoomProps) {
  if (props.repost) return <Repost {...props} repost={props.repost} />;
  const again = withPause(props.url, false);
  return (
    <LightPage title="Salle d’attente" stylesheet={props.stylesheet}>
      <h1>Salle d’attente</h1>
      <p class="fr-text--lead">
        Le portail reçoit en ce moment plus de visites qu’il ne peut en servir rapidement. Pour que chacun garde un service
        fluide, nous vous faisons patienter quelques instants.
      </p>
      <div class="fr-alert fr-alert--info fr-mb-4w">
        {props.overloaded ? (
          <p>
            Le portail est saturé en ce moment : aucune place ne peut être attribuée dans la file et la durée de l’attente ne
            peut pas être prévue. Vous entrerez dès que la charge baissera.
          </p>
        ) : (
          <p>{place(props.hasPlace)}</p>
        )}
      </div>
      {props.paused ? (
        <p>
          Le rechargement automatique est arrêté. Utilisez « Réessayer maintenant » quand vous le souhaitez, ou reprenez le
          rechargement automatique. Votre place est gardée {props.keptSeconds} secondes après votre dernière visite de cette
          page ; au-delà, vous reprendrez la file à la fin.
        </p>
      ) : (
        <p>
          Gardez cette page ouverte : elle se recharge toute seule toutes les {props.retrySeconds} secondes et vous accéderez
          au portail dès qu’une place se libère. Inutile de la recharger vous-même.
        </p>
      )}
      <p>
        Les personnes déjà connectées et les retours de paiement ne passent pas par la salle d’attente : une démarche commencée
        n’est pas perdue. Vous pouvez aussi revenir plus tard, à une heure moins chargée.
      </p>
      <ul class="fr-btns-group fr-btns-group--inline-md">
        <li>
          <a class="fr-btn" href={again}>
            Réessayer maintenant
          </a>
        </li>
        <li>
          <a class="fr-btn fr-btn--secondary" href={withPause(props.url, !props.paused)}>
            {props.paused ? 'Reprendre le rechargement automatique' : 'Arrêter le rechargement automatique'}
          </a>
        </li>
      </ul>
    </LightPage>
  );
}

/** The whole waiting page: small, no database, no script (the reload is the HTTP Refresh header). */
export function renderWaitingRoom(props: WaitingRoomProps): string {
  return `<!DOCTYPE html>${renderToString(<WaitingRoom {...props} />)}`;
}
