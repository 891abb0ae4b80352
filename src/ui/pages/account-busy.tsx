import { renderToString } from 'preact-render-to-string';
import { LightPage } from './light-page.tsx';

export interface AccountBusyProps {
  /** the page asked for, to retry it (a GET), null for a form sent */
  retryUrl: string | null;
  retrySeconds: number;
  stylesheet: string;
}

/** One account already has several requests in progress on this node (platform/http/account-limit.ts): a short page, no database read. */
function AccountBusy(props: AccountBusyProps) {
  return (
    <LightPage title="Trop de demandes en cours" stylesheet={props.stylesheet}>
      <h1>Trop de demandes en cours</h1>
      <p class="fr-text--lead">
        Votre compte a déjà plusieurs pages ou documents en cours de chargement. Attendez qu’ils arrivent, puis réessayez dans
        {` ${props.retrySeconds} `}secondes.
      </p>
      {props.retryUrl !== null ? (
        <p>
          <a class="fr-btn" href={props.retryUrl}>
            Réessayer
          </a>
        </p>
      ) : (
        <p>Votre formulaire n’a pas été reçu : revenez à la page précédente et envoyez-le de nouveau dans quelques secondes.</p>
      )}
    </LightPage>
  );
}

export function renderAccountBusy(props: AccountBusyProps): string {
  return `<!DOCTYPE html>${renderToString(<AccountBusy {...props} />)}`;
}
