import { renderToString } from 'preact-render-to-string';

export interface AccountBusyProps {
  /** the page asked for, to retry it (a GET), null for a form sent */
  retryUrl: string | null;
  retrySeconds: number;
  stylesheet: string;
}

/** One account already has several requests in progress on this node (platform/http/account-limit.ts): a short page, no database read. */
function AccountBusy(props: AccountBusyProps) {
  return (
    <html lang="fr" data-fr-scheme="light">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Trop de demandes en cours — Portail des titres sécurisés</title>
        <link rel="stylesheet" href={props.stylesheet} />
      </head>
      <body>
        <header role="banner" class="fr-header">
          <div class="fr-header__body">
            <div class="fr-container">
              <div class="fr-header__body-row">
                <div class="fr-header__brand">
                  <div class="fr-header__brand-top">
                    <div class="fr-header__logo">
                      <p class="fr-logo">
                        République
                        <br />
                        Française
                      </p>
                    </div>
                  </div>
                  <div class="fr-header__service">
                    <p class="fr-header__service-title">Portail des titres sécurisés</p>
                  </div>
                </div>
              </div>
            </div>
          </div>
        </header>
        <main role="main" id="contenu" class="fr-container fr-my-6w">
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
        </main>
      </body>
    </html>
  );
}

export function renderAccountBusy(props: AccountBusyProps): string {
  return `<!DOCTYPE html>${renderToString(<AccountBusy {...props} />)}`;
}
