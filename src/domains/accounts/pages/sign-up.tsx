import { PROFILES, SELF_SERVICE_PROFILES, type SelfServiceProfile } from '../model.ts';
import { Alert, Breadcrumb } from '../../../ui/components/content.tsx';
import { ErrorSummary, TermsCheckbox, Form, SubmitButton, TextInput, type FieldErrors } from '../../../ui/components/form.tsx';
import { Layout } from '../../../ui/layout.tsx';
import { FranceConnectButton } from './sign-in.tsx';

type Values = Record<string, string | undefined>;

export function ChooseProfilePage() {
  return (
    <Layout title="Créer un compte">
      <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { label: 'Créer un compte' }]} />
      <h1>Créer un compte</h1>
      <div class="fr-callout fr-mb-4w">
        <h2 class="fr-callout__title">Vous avez un compte impots.gouv.fr, ameli.fr ou l’Identité Numérique La Poste ?</h2>
        <p class="fr-callout__text">
          Connectez-vous directement avec FranceConnect : votre compte sera créé et certifié, sans mot de passe de plus.
        </p>
        <FranceConnectButton />
      </div>
      <h2>Ou créez un compte avec votre adresse électronique</h2>
      <p>Vous êtes :</p>
      <ul class="fr-grid-row fr-grid-row--gutters app-card-list">
        {SELF_SERVICE_PROFILES.map((p) => (
          <li class="fr-col-12 fr-col-md-6" key={p}>
            <div class="fr-tile fr-enlarge-link">
              <div class="fr-tile__body">
                <div class="fr-tile__content">
                  <h3 class="fr-tile__title">
                    <a href={`/inscription/${PROFILES[p].slug}`}>{PROFILES[p].label}</a>
                  </h3>
                  <p class="fr-tile__desc">{PROFILES[p].description}</p>
                </div>
              </div>
            </div>
          </li>
        ))}
      </ul>
      <h2 class="fr-mt-4w">Autres professionnels</h2>
      <ul>
        <li>
          <strong>{PROFILES.automotive_professional.label}</strong> : le compte est créé quand la préfecture valide votre
          habilitation. <a href="/habilitation-siv">Demander l’habilitation SIV</a>.
        </li>
        <li>
          <strong>{PROFILES.town_hall.label}</strong> : {PROFILES.town_hall.description} La mairie reçoit ensuite par
          courriel le lien pour choisir son mot de passe.
        </li>
      </ul>
    </Layout>
  );
}

const ORDER = ['given_name', 'family_name', 'organisation_name', 'approval_number', 'siret', 'email', 'password', 'terms'];

export function SignUpPage({ profile, values, errors }: { profile: SelfServiceProfile; values: Values; errors: FieldErrors }) {
  const def = PROFILES[profile];
  const sorted = Object.fromEntries(ORDER.filter((k) => errors[k]).map((k) => [k, errors[k]!]));
  return (
    <Layout title={`Créer un compte ${def.label.toLowerCase()}`} hasErrors={Object.keys(errors).length > 0}>
      <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { href: '/inscription', label: 'Créer un compte' }, { label: def.label }]} />
      <ErrorSummary errors={sorted} />
      <h1>Créer un compte : {def.label.toLowerCase()}</h1>
      {profile === 'individual' && (
        <div class="fr-mb-4w">
          <h2 class="fr-h5">Avec FranceConnect : compte créé et certifié, sans mot de passe de plus</h2>
          <FranceConnectButton />
          <h2 class="fr-h5">Ou avec votre adresse électronique</h2>
        </div>
      )}
      <p>Tous les champs sont obligatoires.</p>
      <Form action={`/inscription/${def.slug}`}>
        <input type="hidden" name="idempotency_key" value={values.idempotency_key} />
        {profile === 'individual' && (
          <>
            <TextInput name="given_name" label="Prénom" autocomplete="given-name" value={values.given_name} error={errors.given_name} />
            <TextInput name="family_name" label="Nom" autocomplete="family-name" value={values.family_name} error={errors.family_name} />
          </>
        )}
        {(profile === 'driving_school' || profile === 'road_safety_centre') && (
          <>
            <TextInput
              name="organisation_name"
              label={profile === 'driving_school' ? 'Nom de l’auto-école' : 'Nom du centre'}
              autocomplete="organization"
              value={values.organisation_name}
              error={errors.organisation_name}
            />
            <TextInput
              name="approval_number"
              label="Numéro d’agrément"
              hint={`Délivré par la préfecture, par exemple ${profile === 'driving_school' ? 'E' : 'R'} 24 075 0012 0`}
              value={values.approval_number}
              error={errors.approval_number}
              spellcheck={false}
            />
          </>
        )}
        {profile === 'legal_entity' && (
          <>
            <TextInput name="organisation_name" label="Raison sociale" autocomplete="organization" value={values.organisation_name} error={errors.organisation_name} />
            <TextInput
              name="siret"
              label="Numéro SIRET"
              hint="14 chiffres, par exemple 732 829 320 00074"
              inputMode="numeric"
              value={values.siret}
              error={errors.siret}
            />
          </>
        )}
        <TextInput
          name="email"
          type="email"
          label="Adresse électronique"
          hint="Le lien d’activation y sera envoyé. Format attendu : nom@exemple.fr"
          autocomplete="email"
          spellcheck={false}
          value={values.email}
          error={errors.email}
        />
        <TextInput
          name="password"
          type="password"
          label="Mot de passe"
          hint="Au moins 14 caractères, ou au moins 12 en mélangeant majuscules, minuscules, chiffres et caractères spéciaux. Une phrase de plusieurs mots est un bon choix."
          autocomplete="new-password"
          error={errors.password}
        />
        <TermsCheckbox checked={values.terms === 'oui'} error={errors.terms} />
        <SubmitButton>Créer mon compte</SubmitButton>
      </Form>
    </Layout>
  );
}

export function CheckYourEmailPage({ email }: { email: string | null }) {
  return (
    <Layout title="Vérifiez votre messagerie">
      <h1>Vérifiez votre messagerie</h1>
      <Alert kind="success" title="Votre compte a été créé">
        <p>
          Nous avons envoyé un lien d’activation {email ? <>à <strong>{email}</strong></> : 'à votre adresse électronique'}. Ouvrez-le dans
          les 72 heures pour activer votre compte.
        </p>
      </Alert>
      <p>Vous n’avez rien reçu ? Vérifiez vos courriers indésirables, puis demandez un nouveau lien :</p>
      <ResendActivationForm email={email ?? ''} />
    </Layout>
  );
}

export function ResendActivationForm({ email, error }: { email: string; error?: string }) {
  return (
    <Form action="/activation/renvoyer">
      <TextInput name="email" type="email" label="Adresse électronique" autocomplete="email" value={email} error={error} />
      <SubmitButton secondary>Recevoir un nouveau lien</SubmitButton>
    </Form>
  );
}
