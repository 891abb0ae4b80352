import { CAPABILITY_LABELS, may, PROFILE_CAPABILITIES } from '../profiles.ts';
import { PROFILES } from '../model.ts';
import type { Account } from '../../../schema.ts';
import { Alert, SummaryList, Table } from '../../../ui/components/content.tsx';
import { ErrorSummary, Form, SubmitButton, TextInput, type FieldErrors } from '../../../ui/components/form.tsx';
import { formatDate, formatShortDateTime } from '../../../ui/format.ts';
import { Layout } from '../../../ui/layout.tsx';

const METHOD = { password: 'Mot de passe', franceconnect: 'FranceConnect' } as const;

export function AccountPage(props: {
  account: Account;
  franceConnect: { birthdate: string; birthplace: string; birthcountry: string } | null;
  history: { at: Date; ip: string; method: 'password' | 'franceconnect' }[];
}) {
  const a = props.account;
  return (
    <Layout title="Mon compte">
      <h1>Mon compte</h1>
      {a.certified ? (
        <p class="fr-badge fr-badge--success fr-mb-3w">Compte certifié</p>
      ) : (
        <p class="fr-badge fr-badge--info fr-mb-3w">Compte non certifié</p>
      )}
      <SummaryList
        rows={[
          { key: 'Profil', value: PROFILES[a.profile].label },
          ...(a.organisation_name ? [{ key: 'Organisme', value: a.organisation_name }] : []),
          ...(a.given_name || a.family_name ? [{ key: 'Nom', value: `${a.given_name ?? ''} ${a.family_name ?? ''}`.trim() }] : []),
          ...(a.approval_number ? [{ key: 'Numéro d’agrément', value: a.approval_number }] : []),
          ...(a.siret ? [{ key: 'SIRET', value: a.siret }] : []),
          ...(a.commune ? [{ key: 'Commune', value: a.commune }] : []),
          ...(a.scanner_count ? [{ key: 'Dispositifs de recueil', value: String(a.scanner_count) }] : []),
          { key: 'Adresse électronique', value: a.email },
          ...(props.franceConnect
            ? [{ key: 'Identité FranceConnect', value: `Née ou né le ${props.franceConnect.birthdate}${props.franceConnect.birthplace ? `, lieu INSEE ${props.franceConnect.birthplace}` : ''}` }]
            : []),
          { key: 'Conditions d’utilisation acceptées', value: a.terms_accepted_at ? `Version ${a.terms_version}, le ${formatDate(a.terms_accepted_at)}` : 'Pas encore acceptées' },
          ...(a.password_hash ? [{ key: 'Mot de passe', value: '••••••••••••', changeHref: '/compte/mot-de-passe' }] : []),
        ]}
      />
      {a.profile === 'town_hall' ? (
        <>
          <h2>Recueil des demandes de titres</h2>
          <p>
            Retrouvez une pré-demande de carte d’identité ou de passeport par son numéro et enregistrez le dépôt du
            dossier.
          </p>
          <ul class="fr-btns-group fr-btns-group--inline-md">
            <li>
              <a class="fr-btn" href="/mairie/pre-demandes">
                Pré-demandes à recueillir
              </a>
            </li>
          </ul>
        </>
      ) : (
        <>
          <h2>Mes démarches</h2>
          <ul class="fr-btns-group fr-btns-group--inline-md">
            <li>
              <a class="fr-btn" href="/mes-demarches">
                Toutes mes démarches
              </a>
            </li>
            {may(a.profile, 'vehicles') && (
              <li>
                <a class="fr-btn fr-btn--secondary" href="/vehicules">
                  Mon espace véhicule
                </a>
              </li>
            )}
            {may(a.profile, 'licences') && (
              <li>
                <a class="fr-btn fr-btn--secondary" href="/permis">
                  Mon espace permis
                </a>
              </li>
            )}
            {may(a.profile, 'pre_applications') && (
              <li>
                <a class="fr-btn fr-btn--secondary" href="/pre-demandes">
                  Mes pré-demandes de carte d’identité ou de passeport
                </a>
              </li>
            )}
          </ul>
          <h3 class="fr-h6">Ce que permet votre compte « {PROFILES[a.profile].label} »</h3>
          <ul>
            {PROFILE_CAPABILITIES[a.profile].map((c) => (
              <li key={c}>{CAPABILITY_LABELS[c].title}</li>
            ))}
          </ul>
          {a.profile === 'road_safety_centre' && (
            <p>
              Les attestations de suivi des stages de sensibilisation à la sécurité routière sont transmises à la préfecture, qui enregistre les points
              récupérés : elles ne passent pas par ce portail.
            </p>
          )}
        </>
      )}
      <h2>Mes messages et mon historique</h2>
      <ul>
        <li>
          <a href="/compte/notifications">Mes notifications</a> : tous les messages que le portail vous a envoyés, et votre numéro de mobile pour les SMS
        </li>
        <li>
          <a href="/compte/historique">Mon historique</a> : les opérations enregistrées sur votre compte et vos démarches
        </li>
        <li>
          <a href="/contact/demandes">Mes demandes de contact</a> : vos questions à l’agence et ses réponses
        </li>
      </ul>
      <h2>Historique de connexion</h2>
      <p>
        Ces enregistrements font foi entre vous et l’agence (conditions générales d’utilisation, article 1.17). Si une
        connexion ne vient pas de vous, changez votre mot de passe.
      </p>
      <Table
        caption="Vos 50 dernières connexions"
        headers={['Date', 'Adresse IP', 'Mode de connexion']}
        empty="Aucune connexion enregistrée."
        rows={props.history.map((h) => [formatShortDateTime(h.at), h.ip, METHOD[h.method]])}
      />
      <h2 class="fr-mt-4w">Supprimer mon compte</h2>
      <p>Vous pouvez supprimer votre compte à tout moment (article 1.11.3) : vos données personnelles seront effacées.</p>
      <a class="fr-btn fr-btn--secondary" href="/compte/suppression">
        Supprimer mon compte
      </a>
    </Layout>
  );
}

export function DeleteAccountPage({ needsPassword, errors }: { needsPassword: boolean; errors: FieldErrors }) {
  return (
    <Layout title="Supprimer mon compte" hasErrors={Object.keys(errors).length > 0}>
      <ErrorSummary errors={errors} />
      <h1>Supprimer mon compte</h1>
      <Alert kind="warning" title="Cette action est définitive">
        <p>
          Votre compte et vos données personnelles seront effacés. Une trace de la suppression est conservée dans le
          journal de l’agence, sans vos données.
        </p>
      </Alert>
      <Form action="/compte/suppression">
        {needsPassword && <TextInput name="password" type="password" label="Mot de passe, pour confirmer" autocomplete="current-password" error={errors.password} />}
        <SubmitButton>Supprimer définitivement mon compte</SubmitButton>
      </Form>
      <p class="fr-mt-3w">
        <a href="/compte">Annuler et revenir à mon compte</a>
      </p>
    </Layout>
  );
}

export function AccountDeletedPage() {
  return (
    <Layout title="Compte supprimé">
      <h1>Compte supprimé</h1>
      <p>Votre compte et vos données personnelles ont été effacés. Un courriel de confirmation vous a été envoyé.</p>
      <p>
        <a href="/">Retour à l’accueil</a>
      </p>
    </Layout>
  );
}
