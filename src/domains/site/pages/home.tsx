import { CATALOGUE } from '../catalogue.ts';
import type { Notice } from '../maintenance-model.ts';
import { formatWindow } from '../../../ui/format.ts';
import { Layout, SERVICE_NAME } from '../../../ui/layout.tsx';

export function HomePage({ planned, signedIn }: { planned: Notice[]; signedIn: boolean }) {
  return (
    <Layout title="Accueil" wide>
      <div class="fr-container fr-mb-6w">
        <h1>{SERVICE_NAME}</h1>
        <p class="fr-text--lead">
          Faites en ligne vos démarches de carte grise et de permis de conduire, et préparez votre demande de carte
          d’identité ou de passeport.
        </p>
        {planned.map((n) => (
          <div class="fr-alert fr-alert--warning fr-mb-3w" key={n.id}>
            <h2 class="fr-alert__title">Interruption programmée du service</h2>
            <p>
              {n.message} Le service sera indisponible {formatWindow(n.startsAt, n.endsAt)}.
            </p>
          </div>
        ))}
        <h2 class="fr-mt-4w">Choisissez votre démarche</h2>
        <ul class="fr-grid-row fr-grid-row--gutters app-card-list">
          {CATALOGUE.map((family) => (
            <li class="fr-col-12 fr-col-md-4" key={family.slug}>
              <div class="fr-card fr-enlarge-link">
                <div class="fr-card__body">
                  <div class="fr-card__content">
                    <h3 class="fr-card__title">
                      <a href={`/demarches/${family.slug}`}>
                        <span class={`${family.icon} fr-mr-1w`} aria-hidden="true"></span>
                        {family.title}
                      </a>
                    </h3>
                    <p class="fr-card__desc">{family.summary}</p>
                  </div>
                </div>
              </div>
            </li>
          ))}
        </ul>
      </div>
      <div class="app-band fr-py-6w">
        <div class="fr-container">
          <h2>Votre espace personnel</h2>
          {signedIn ? (
            <p>
              <a class="fr-btn" href="/compte">
                Accéder à mon espace
              </a>
            </p>
          ) : (
            <>
              <p>
                Pour faire une démarche, connectez-vous avec FranceConnect ou avec votre compte du portail. Un compte
                connecté par FranceConnect est un compte certifié : il dispense du code confidentiel pour vos propres
                véhicules.
              </p>
              <ul class="fr-btns-group fr-btns-group--inline-md">
                <li>
                  <a class="fr-btn" href="/connexion">
                    Se connecter
                  </a>
                </li>
                <li>
                  <a class="fr-btn fr-btn--secondary" href="/inscription">
                    Créer un compte
                  </a>
                </li>
              </ul>
            </>
          )}
        </div>
      </div>
    </Layout>
  );
}
