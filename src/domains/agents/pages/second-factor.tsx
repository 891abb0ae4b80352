import { groupSecret } from '../totp.ts';
import { Alert } from '../../../ui/components/content.tsx';
import { ErrorSummary, Form, SubmitButton, TextInput } from '../../../ui/components/form.tsx';
import { formatDateTime } from '../../../ui/format.ts';
import { Layout } from '../../../ui/layout.tsx';

function Locked({ until }: { until?: Date }) {
  if (!until) return null;
  return (
    <Alert kind="error" title="Connexion temporairement bloquée">
      <p>Par sécurité, après plusieurs codes incorrects, la connexion est bloquée jusqu’au {formatDateTime(until)}.</p>
    </Alert>
  );
}

function CodeField({ error, label }: { error?: string; label: string }) {
  return (
    <TextInput
      name="code"
      label={label}
      hint="6 chiffres, par exemple 123456 ; le code change toutes les 30 secondes"
      inputMode="numeric"
      autocomplete="one-time-code"
      spellcheck={false}
      maxLength={7}
      error={error}
    />
  );
}

/** Second step of an agent's sign-in: the code of the authenticator app. */
export function AgentCodePage({ error, lockedUntil }: { error?: string; lockedUntil?: Date }) {
  return (
    <Layout title="Code de vérification" hasErrors={!!error}>
      <ErrorSummary errors={error ? { code: error } : {}} />
      <h1>Code de vérification</h1>
      <p>Votre mot de passe est correct. Pour terminer la connexion, saisissez le code affiché par votre application d’authentification.</p>
      <Locked until={lockedUntil} />
      <Form action="/agents/connexion/code">
        <CodeField label="Code de vérification" error={error} />
        <SubmitButton>Valider le code</SubmitButton>
      </Form>
      <p class="fr-mt-3w">
        <a href="/agents/connexion">Recommencer la connexion</a>
      </p>
    </Layout>
  );
}

/** First sign-in of an agent without a second factor: the secret to add to an authenticator app, then a first code. */
export function AgentEnrolmentPage({ secret, uri, error, lockedUntil }: { secret: string; uri: string; error?: string; lockedUntil?: Date }) {
  return (
    <Layout title="Activer la double authentification" hasErrors={!!error}>
      <ErrorSummary errors={error ? { code: error } : {}} />
      <h1>Activer la double authentification</h1>
      <p>
        Votre mot de passe est correct. Pour protéger l’espace agent, chaque connexion demande aussi un code à usage unique, produit
        par une application d’authentification installée sur votre téléphone ou votre ordinateur (par exemple FreeOTP, Aegis, Google
        Authenticator ou Microsoft Authenticator).
      </p>
      <Locked until={lockedUntil} />
      <ol>
        <li>
          Dans l’application, ajoutez un compte en saisissant cette clé (choix « saisir une clé de configuration », type « basé sur le
          temps ») :
          <p class="fr-text--lg fr-mb-2w app-break-anywhere">
            <code id="cle-totp">{groupSecret(secret)}</code>
          </p>
        </li>
        <li>
          Ou, si votre application accepte un lien de configuration, copiez celui-ci :
          <p class="fr-mb-2w app-break-anywhere">
            <code>{uri}</code>
          </p>
        </li>
        <li>Saisissez ci-dessous le code à 6 chiffres que l’application affiche.</li>
      </ol>
      <Alert kind="warning" small>
        Cette clé ne sera plus affichée une fois la double authentification activée. Ne la communiquez à personne.
      </Alert>
      <Form action="/agents/connexion/enrolement">
        <CodeField label="Code affiché par l’application" error={error} />
        <SubmitButton>Activer et me connecter</SubmitButton>
      </Form>
    </Layout>
  );
}
