import { Alert } from '../../../ui/components/content.tsx';
import { ErrorSummary, Form, SubmitButton, TextInput, type FieldErrors } from '../../../ui/components/form.tsx';
import { formatDateTime } from '../../../ui/format.ts';
import { Layout } from '../../../ui/layout.tsx';

/** "Modifier : mot de passe" on the account page: the current password, then the new one. */
export function ChangePasswordPage({ errors, lockedUntil }: { errors: FieldErrors; lockedUntil?: Date }) {
  return (
    <Layout title="Modifier mon mot de passe" hasErrors={Object.keys(errors).length > 0 || !!lockedUntil}>
      <ErrorSummary errors={errors} />
      {lockedUntil && (
        <Alert kind="error" title="Trop d’essais">
          <p>
            Le mot de passe actuel a été saisi trop de fois sans succès. Vous pourrez réessayer à partir du {formatDateTime(lockedUntil)}.
            Si vous l’avez oublié, <a href="/mot-de-passe-oublie">demandez un lien pour en choisir un nouveau</a>.
          </p>
        </Alert>
      )}
      <h1>Modifier mon mot de passe</h1>
      <p>Vos autres connexions ouvertes seront fermées, et un courriel vous confirmera le changement.</p>
      <Form action="/compte/mot-de-passe">
        <TextInput name="current_password" type="password" label="Mot de passe actuel" autocomplete="current-password" error={errors.current_password} />
        <TextInput
          name="new_password"
          type="password"
          label="Nouveau mot de passe"
          hint="Au moins 14 caractères, ou au moins 12 en mélangeant majuscules, minuscules, chiffres et caractères spéciaux."
          autocomplete="new-password"
          error={errors.new_password}
        />
        <SubmitButton>Enregistrer le nouveau mot de passe</SubmitButton>
      </Form>
      <p class="fr-mt-3w">
        <a href="/compte">Annuler et revenir à mon compte</a>
      </p>
    </Layout>
  );
}
