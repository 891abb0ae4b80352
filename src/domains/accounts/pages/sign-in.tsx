import { Alert, Breadcrumb } from '../../../ui/components/content.tsx';
import { ErrorSummary, TermsCheckbox, Form, SubmitButton, TextInput, type FieldErrors } from '../../../ui/components/form.tsx';
import { formatDateTime } from '../../../ui/format.ts';
import { Layout } from '../../../ui/layout.tsx';

/** The FranceConnect button, as the FranceConnect brand guidelines show it (text only: no inline SVG). */
export function FranceConnectButton() {
  return (
    <div class="fr-connect-group">
      <a class="fr-connect app-connect-link" href="/connexion/franceconnect">
        <span class="fr-connect__login">S’identifier avec</span> <span class="fr-connect__brand">FranceConnect</span>
      </a>
      <p>
        <a href="https://franceconnect.gouv.fr/" target="_blank" rel="noopener" title="Qu’est-ce que FranceConnect ? - nouvelle fenêtre">
          Qu’est-ce que FranceConnect ?
        </a>
      </p>
    </div>
  );
}

export function SignInPage(props: { email: string; errors: FieldErrors; problem?: string; lockedUntil?: Date; returnTo?: string }) {
  const { errors } = props;
  return (
    <Layout title="Se connecter" hasErrors={Object.keys(errors).length > 0 || !!props.problem}>
      <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { label: 'Se connecter' }]} />
      <ErrorSummary errors={errors} />
      <h1>Se connecter</h1>
      <div class="fr-grid-row fr-grid-row--gutters">
        <div class="fr-col-12 fr-col-md-6">
          <h2>Avec FranceConnect</h2>
          <p>Un compte connecté avec FranceConnect est un compte certifié.</p>
          <FranceConnectButton />
        </div>
        <div class="fr-col-12 fr-col-md-6">
          <h2>Avec votre compte du portail</h2>
          {props.lockedUntil && (
            <Alert kind="error" title="Connexion temporairement bloquée">
              <p>
                Par sécurité, après plusieurs essais infructueux, la connexion est bloquée jusqu’au {formatDateTime(props.lockedUntil)}.
                Vous pouvez aussi <a href="/mot-de-passe-oublie">choisir un nouveau mot de passe</a>.
              </p>
            </Alert>
          )}
          {props.problem && <Alert kind="error">{props.problem}</Alert>}
          <Form action="/connexion">
            {props.returnTo && <input type="hidden" name="retour" value={props.returnTo} />}
            <TextInput name="email" type="email" label="Adresse électronique" autocomplete="username" spellcheck={false} value={props.email} error={errors.email} />
            <TextInput name="password" type="password" label="Mot de passe" autocomplete="current-password" error={errors.password} />
            <p>
              <a href="/mot-de-passe-oublie">Mot de passe oublié ?</a>
            </p>
            <SubmitButton>Se connecter</SubmitButton>
          </Form>
          <p class="fr-mt-3w">
            Pas encore de compte ? <a href="/inscription">Créer un compte</a>
          </p>
        </div>
      </div>
    </Layout>
  );
}

export function FranceConnectTermsPage({ givenName, errors }: { givenName: string; errors: FieldErrors }) {
  return (
    <Layout title="Première connexion avec FranceConnect" hasErrors={!!errors.terms}>
      <ErrorSummary errors={errors} />
      <h1>Bienvenue {givenName}</h1>
      <p>C’est votre première connexion au portail avec FranceConnect : votre compte certifié va être créé.</p>
      <Form action="/connexion/franceconnect/premiere-connexion">
        <TermsCheckbox error={errors.terms} />
        <SubmitButton>Créer mon compte</SubmitButton>
      </Form>
    </Layout>
  );
}

export function FranceConnectLinkPage({ email, errors, lockedUntil, sent }: { email: string; errors: FieldErrors; lockedUntil?: Date; sent?: boolean }) {
  return (
    <Layout title="Relier votre compte à FranceConnect" hasErrors={Object.keys(errors).length > 0}>
      <ErrorSummary errors={errors} />
      <h1>Relier votre compte à FranceConnect</h1>
      <p>
        Un compte du portail existe déjà avec l’adresse <strong>{email}</strong>. Pour le relier à votre identité FranceConnect,
        prouvez qu’il est à vous.
      </p>
      {lockedUntil && (
        <Alert kind="error" title="Connexion temporairement bloquée">
          <p>Par sécurité, après plusieurs essais infructueux, la vérification est bloquée jusqu’au {formatDateTime(lockedUntil)}.</p>
        </Alert>
      )}
      {sent && (
        <Alert kind="success" title="Courriel envoyé">
          <p>Ouvrez le lien reçu à l’adresse {email} dans l’heure qui vient pour relier les comptes.</p>
        </Alert>
      )}
      <h2>Avec le mot de passe du compte</h2>
      <Form action="/connexion/franceconnect/lier">
        <TextInput name="password" type="password" label="Mot de passe" autocomplete="current-password" error={errors.password} />
        <SubmitButton>Relier mon compte</SubmitButton>
      </Form>
      <h2 class="fr-mt-4w">Ou par un lien envoyé à cette adresse</h2>
      <Form action="/connexion/franceconnect/lier/courriel">
        <SubmitButton secondary>Recevoir le lien par courriel</SubmitButton>
      </Form>
    </Layout>
  );
}

export function FranceConnectFailurePage({ message }: { message: string }) {
  return (
    <Layout title="Connexion avec FranceConnect impossible">
      <h1>Connexion avec FranceConnect impossible</h1>
      <Alert kind="error">{message}</Alert>
      <ul class="fr-btns-group fr-btns-group--inline-md">
        <li>
          <a class="fr-btn" href="/connexion/franceconnect">
            Réessayer avec FranceConnect
          </a>
        </li>
        <li>
          <a class="fr-btn fr-btn--secondary" href="/connexion">
            Se connecter autrement
          </a>
        </li>
      </ul>
    </Layout>
  );
}
