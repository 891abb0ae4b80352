import { Alert, Breadcrumb } from '../../../ui/components/content.tsx';
import { DateInput } from '../../../ui/components/date-input.tsx';
import { ErrorSummary, Form, SubmitButton, TextInput, type FieldErrors } from '../../../ui/components/form.tsx';
import { formatDateTime } from '../../../ui/format.ts';
import { Layout } from '../../../ui/layout.tsx';
import { HelpLink } from '../../help/pages/help-link.tsx';

type Values = Record<string, string | undefined>;

/** On the procedure page while it waits for the code: the code's field, or why code entry is suspended. */
export function CodeEntry({ fileNumber, lockedUntil, error }: { fileNumber: string; lockedUntil: Date | null; error?: string }) {
  return lockedUntil ? (
    <Alert kind="error" title="Saisie du code suspendue">
      <p>
        De nombreux codes erronés ont été saisis pour ce véhicule : la saisie du code confidentiel de ce véhicule est suspendue jusqu’au{' '}
        {formatDateTime(lockedUntil)}, sauf depuis le compte du titulaire. Le titulaire en a été informé.
      </p>
    </Alert>
  ) : (
    <>
      <h2>Code confidentiel</h2>
      <HelpLink topic="code-confidentiel" />
      <p>Saisissez le code confidentiel à 5 chiffres du véhicule.</p>
      <Form action={`/vehicules/demandes/${fileNumber}/code`}>
        <TextInput name="code" label="Code confidentiel" hint="5 chiffres" inputMode="numeric" autocomplete="off" error={error} />
        <SubmitButton>Valider le code</SubmitButton>
      </Form>
      <p class="fr-mt-3w">
        Vous n’avez pas de code, ou vous l’avez perdu ?{' '}
        <a href={`/vehicules/demandes/${fileNumber}/nouveau-code`}>Demander un nouveau code</a>
      </p>
    </>
  );
}

export function NewCodePage({ fileNumber, plate, values, errors }: { fileNumber: string; plate: string; values: Values; errors: FieldErrors }) {
  const order = ['birth_name', 'given_names', 'birth_date', 'birth_place', 'form'];
  const sorted = Object.fromEntries(order.filter((k) => errors[k]).map((k) => [k, errors[k]!]));
  return (
    <Layout title="Demander un nouveau code" hasErrors={Object.keys(errors).length > 0}>
      <Breadcrumb items={[{ href: '/vehicules', label: 'Mon espace véhicule' }, { href: `/vehicules/demandes/${fileNumber}`, label: fileNumber }, { label: 'Nouveau code' }]} />
      <ErrorSummary errors={sorted} />
      <h1>Demander un nouveau code confidentiel</h1>
      <p>
        Véhicule {plate}. Renseignez l’identité du titulaire telle qu’elle figure sur la carte grise. Le nouveau code n’est envoyé qu’au
        titulaire : par courrier à l’adresse inscrite sur la carte grise (un seul courrier par mois), et par courriel sur son propre compte
        lorsque celui-ci est certifié par FranceConnect. Si vous agissez pour quelqu’un d’autre, c’est lui qui vous le communiquera. Votre
        démarche reste en attente jusqu’à la saisie du code.
      </p>
      <Form action={`/vehicules/demandes/${fileNumber}/nouveau-code`}>
        <TextInput name="birth_name" label="Nom de naissance du titulaire (ou raison sociale)" value={values.birth_name} error={errors.birth_name} />
        <TextInput name="given_names" label="Premier prénom du titulaire" value={values.given_names} error={errors.given_names} />
        <DateInput name="birth_date" label="Date de naissance du titulaire" value={values.birth_date} error={errors.birth_date} />
        <TextInput name="birth_place" label="Commune de naissance du titulaire" value={values.birth_place} error={errors.birth_place} />
        <SubmitButton>Recevoir un nouveau code</SubmitButton>
      </Form>
    </Layout>
  );
}

/** Said on the final page of every procedure that issues a new certificate (issue 14). */
export function NewCodeNotice() {
  return (
    <p>
      Le nouveau code confidentiel du véhicule accompagne le nouveau certificat : il est envoyé par courrier avec la carte grise à l’adresse du
      titulaire, et par courriel au compte du titulaire sur ce portail lorsque ce compte est certifié (FranceConnect). L’ancien code ne fonctionne
      plus.
    </p>
  );
}
