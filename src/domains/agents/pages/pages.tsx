import { DateInput } from '../../../ui/components/date-input.tsx';
import { PROFILES } from '../../accounts/model.ts';
import {
  actionsFrom,
  HABILITATION_STATUS_LABELS,
  HABILITATION_TRANSITIONS,
  needsReason,
  ROLE_LABELS,
} from '../model.ts';
import type { Account, Agent, HabilitationStatus, SivHabilitation } from '../../../schema.ts';
import { Alert, Breadcrumb, SummaryList, Table } from '../../../ui/components/content.tsx';
import { ErrorSummary, TermsCheckbox, Form, Select, SubmitButton, TextArea, TextInput, type FieldErrors } from '../../../ui/components/form.tsx';
import { formatDateTime, formatShortDateTime } from '../../../ui/format.ts';
import { Layout } from '../../../ui/layout.tsx';

const STATUS_LABELS: Record<Account['status'], string> = {
  pending_activation: 'En attente d’activation',
  active: 'Actif',
  suspended: 'Suspendu',
  deactivated: 'Désactivé',
};

export function AgentSignInPage({ email, error, lockedUntil }: { email: string; error?: string; lockedUntil?: Date }) {
  return (
    <Layout title="Connexion des agents" hasErrors={!!error}>
      <ErrorSummary errors={error ? { email: error } : {}} />
      <h1>Connexion des agents</h1>
      <p>Espace réservé aux agents de l’agence, des préfectures et des centres d’instruction.</p>
      {lockedUntil && (
        <Alert kind="error" title="Connexion temporairement bloquée">
          <p>Par sécurité, après plusieurs essais infructueux, la connexion est bloquée jusqu’au {formatDateTime(lockedUntil)}.</p>
        </Alert>
      )}
      <Form action="/agents/connexion">
        <TextInput name="email" type="email" label="Adresse électronique professionnelle" autocomplete="username" value={email} error={error} />
        <TextInput name="password" type="password" label="Mot de passe" autocomplete="current-password" />
        <SubmitButton>Se connecter</SubmitButton>
      </Form>
    </Layout>
  );
}

export function AgentHomePage({ agent }: { agent: Agent }) {
  return (
    <Layout title="Espace agent">
      <h1>Espace agent</h1>
      <p>
        {agent.display_name} — {ROLE_LABELS[agent.role]}
        {agent.scope ? `, département ${agent.scope}` : ', compétence nationale'}
      </p>
      <ul>
        {agent.role === 'prefecture' && (
          <li>
            <a href="/agents/habilitations?statut=requested">Demandes d’habilitation SIV à traiter</a>
          </li>
        )}
        {agent.role === 'operator' && (
          <>
            <li>
              <a href="/agents/comptes">Rechercher un compte usager</a>
            </li>
            <li>
              <a href="/agents/mairies/nouvelle">Créer le compte d’une mairie</a>
            </li>
            <li>
              <a href="/agents/maintenance">Avis de maintenance et indisponibilités du service</a>
            </li>
            <li>
              <a href="/agents/historique">Exporter l’historique d’une demande (preuve en cas de litige)</a>
            </li>
            <li>
              <a href="/agents/taxes">Taux des taxes sur les certificats d’immatriculation</a>
            </li>
            <li>
              <a href="/agents/notifications">Journal des notifications (courriels et SMS envoyés, état de remise)</a>
            </li>
            <li>
              <a href="/agents/paiements-a-rembourser">Paiements à rembourser (carte débitée deux fois pour une démarche)</a>
            </li>
            <li>
              <a href="/agents/demandes-de-contact">Demandes de contact des usagers (réponse sous 15 jours ouvrés)</a>
            </li>
          </>
        )}
        {agent.role === 'licence_service' && (
          <li>
            <a href="/agents/permis">Demandes de permis de conduire à instruire</a>
          </li>
        )}
        {agent.role === 'instruction_centre' && (
          <>
            <li>
              <a href="/agents/vehicules?statut=awaiting_review">Demandes véhicules en attente de contrôle</a>
            </li>
            <li>
              <a href="/agents/vehicules?statut=to_complete">Demandes véhicules en attente de l’usager</a>
            </li>
          </>
        )}
      </ul>
    </Layout>
  );
}

const STATUS_OPTIONS = (Object.keys(HABILITATION_STATUS_LABELS) as HabilitationStatus[]).map((s) => ({ value: s, label: HABILITATION_STATUS_LABELS[s] }));

export function HabilitationsPage({ rows, status }: { rows: SivHabilitation[]; status: HabilitationStatus | null }) {
  return (
    <Layout title="Habilitations SIV">
      <Breadcrumb items={[{ href: '/agents', label: 'Espace agent' }, { label: 'Habilitations SIV' }]} />
      <h1>Habilitations SIV</h1>
      <Form action="/agents/habilitations" method="get">
        <Select name="statut" label="État" options={STATUS_OPTIONS} value={status ?? undefined} placeholder="Tous les états" />
        <SubmitButton secondary>Filtrer</SubmitButton>
      </Form>
      <Table
        caption="Demandes, de la plus ancienne à la plus récente"
        headers={['Reçue le', 'Entreprise', 'SIRET', 'Département', 'État']}
        empty="Aucune demande dans cet état."
        rows={rows.map((r) => [
          formatShortDateTime(r.created_at),
          <a href={`/agents/habilitations/${r.id}`}>{r.company_name}</a>,
          r.siret,
          r.department,
          HABILITATION_STATUS_LABELS[r.status],
        ])}
      />
    </Layout>
  );
}

export function HabilitationPage({ row, errors }: { row: SivHabilitation; errors: FieldErrors }) {
  const actions = actionsFrom(row.status);
  return (
    <Layout title={`Habilitation ${row.company_name}`} hasErrors={Object.keys(errors).length > 0}>
      <Breadcrumb items={[{ href: '/agents', label: 'Espace agent' }, { href: '/agents/habilitations', label: 'Habilitations SIV' }, { label: row.company_name }]} />
      <ErrorSummary errors={errors} />
      <h1>{row.company_name}</h1>
      <SummaryList
        rows={[
          { key: 'État', value: HABILITATION_STATUS_LABELS[row.status] },
          { key: 'SIRET', value: row.siret },
          { key: 'Numéro d’habilitation', value: row.habilitation_number },
          { key: 'Département', value: row.department },
          { key: 'Contact', value: `${row.contact_given_name} ${row.contact_family_name}` },
          { key: 'Adresse électronique', value: row.email },
          { key: 'Reçue le', value: formatShortDateTime(row.created_at) },
          ...(row.decided_at ? [{ key: 'Dernière décision', value: `${formatShortDateTime(row.decided_at)}${row.decision_reason ? ` : ${row.decision_reason}` : ''}` }] : []),
        ]}
      />
      {actions.map((action) => (
        <div class="fr-mb-4w" key={action}>
          <h2 class="fr-h4">{HABILITATION_TRANSITIONS[action].label}</h2>
          <Form action={`/agents/habilitations/${row.id}/${action}`}>
            {needsReason(action) && <TextArea name="reason" label="Motif, envoyé au professionnel" rows={3} maxLength={500} error={errors.reason} />}
            <SubmitButton secondary={action !== 'validate'}>{HABILITATION_TRANSITIONS[action].label}</SubmitButton>
          </Form>
        </div>
      ))}
      {!actions.length && <p>Aucune décision n’est possible dans cet état.</p>}
    </Layout>
  );
}

export function AccountsSearchPage({ query, rows }: { query: string; rows: Pick<Account, 'id' | 'email' | 'profile' | 'status'>[] }) {
  return (
    <Layout title="Comptes usagers">
      <Breadcrumb items={[{ href: '/agents', label: 'Espace agent' }, { label: 'Comptes usagers' }]} />
      <h1>Comptes usagers</h1>
      <Form action="/agents/comptes" method="get">
        <TextInput name="q" type="search" label="Adresse électronique (début) ou SIRET" value={query} />
        <SubmitButton secondary>Rechercher</SubmitButton>
      </Form>
      {query && (
        <Table
          caption={`Résultats pour « ${query} »`}
          headers={['Adresse électronique', 'Profil', 'État']}
          empty="Aucun compte ne correspond."
          rows={rows.map((r) => [<a href={`/agents/comptes/${r.id}`}>{r.email}</a>, PROFILES[r.profile].label, STATUS_LABELS[r.status]])}
        />
      )}
    </Layout>
  );
}

export function AccountAdminPage({ account, errors, values }: { account: Account; errors: FieldErrors; values: Record<string, string | undefined> }) {
  return (
    <Layout title={`Compte ${account.email}`} hasErrors={Object.keys(errors).length > 0}>
      <Breadcrumb items={[{ href: '/agents', label: 'Espace agent' }, { href: '/agents/comptes', label: 'Comptes usagers' }, { label: account.email }]} />
      <ErrorSummary errors={errors} />
      <h1>{account.email}</h1>
      <SummaryList
        rows={[
          { key: 'Profil', value: PROFILES[account.profile].label },
          { key: 'État', value: STATUS_LABELS[account.status] },
          { key: 'Certifié', value: account.certified ? 'Oui' : 'Non' },
          { key: 'Créé le', value: formatShortDateTime(account.created_at) },
          ...(account.suspended_until ? [{ key: 'Suspendu jusqu’au', value: `${formatShortDateTime(account.suspended_until)} : ${account.suspension_reason ?? ''}` }] : []),
        ]}
      />
      {account.status === 'active' && (
        <>
          <h2>Suspendre temporairement (CGU 1.11.1)</h2>
          <Form action={`/agents/comptes/${account.id}/suspendre`}>
            <TextArea name="reason" label="Motif, envoyé à l’usager" rows={3} maxLength={500} value={values.reason} error={errors.reason} />
            <DateInput name="until" label="Fin de la suspension" example="31/12/2026" value={values.until} error={errors.until} />
            <SubmitButton secondary>Suspendre le compte</SubmitButton>
          </Form>
        </>
      )}
      {account.status === 'suspended' && (
        <Form action={`/agents/comptes/${account.id}/reactiver`}>
          <SubmitButton>Réactiver le compte</SubmitButton>
        </Form>
      )}
      <h2 class="fr-mt-4w">Supprimer le compte (CGU 1.11.2)</h2>
      <Form action={`/agents/comptes/${account.id}/supprimer`}>
        <TextArea name="delete_reason" label="Motif, envoyé à l’usager" rows={3} maxLength={500} error={errors.delete_reason} />
        <SubmitButton secondary>Supprimer définitivement</SubmitButton>
      </Form>
    </Layout>
  );
}

export function TownHallPage({ values, errors }: { values: Record<string, string | undefined>; errors: FieldErrors }) {
  return (
    <Layout title="Créer le compte d’une mairie" hasErrors={Object.keys(errors).length > 0}>
      <Breadcrumb items={[{ href: '/agents', label: 'Espace agent' }, { label: 'Créer le compte d’une mairie' }]} />
      <ErrorSummary errors={errors} />
      <h1>Créer le compte d’une mairie</h1>
      <p>La mairie reçoit par courriel un lien, valable 72 heures, pour choisir son mot de passe et accepter les conditions générales d’utilisation.</p>
      <Form action="/agents/mairies/nouvelle">
        <TextInput name="commune" label="Commune" value={values.commune} error={errors.commune} />
        <TextInput name="department" label="Département" hint="Par exemple 75, 2A ou 974" value={values.department} error={errors.department} width="sm" />
        <TextInput name="email" type="email" label="Adresse électronique de la mairie" value={values.email} error={errors.email} />
        <TextInput name="scanner_count" label="Nombre de dispositifs de recueil" inputMode="numeric" value={values.scanner_count} error={errors.scanner_count} />
        <SubmitButton>Créer le compte</SubmitButton>
      </Form>
    </Layout>
  );
}

export function HabilitationRequestPage({ values, errors }: { values: Record<string, string | undefined>; errors: FieldErrors }) {
  return (
    <Layout title="Demander l’habilitation SIV" hasErrors={Object.keys(errors).length > 0}>
      <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { href: '/inscription', label: 'Créer un compte' }, { label: 'Habilitation SIV' }]} />
      <ErrorSummary errors={errors} />
      <h1>Demander l’habilitation SIV</h1>
      <p>
        Professionnels de l’automobile : l’habilitation au système d’immatriculation des véhicules (SIV) est accordée par la
        préfecture de votre département. Quand elle est validée, votre compte professionnel certifié est créé et vous recevez par
        courriel le lien pour choisir votre mot de passe. Tous les champs sont obligatoires.
      </p>
      <Form action="/habilitation-siv">
        <TextInput name="company_name" label="Raison sociale" autocomplete="organization" value={values.company_name} error={errors.company_name} />
        <TextInput name="siret" label="Numéro SIRET" hint="14 chiffres" inputMode="numeric" value={values.siret} error={errors.siret} />
        <TextInput name="habilitation_number" label="Numéro d’habilitation" hint="Tel qu’il figure sur l’arrêté préfectoral" value={values.habilitation_number} error={errors.habilitation_number} />
        <TextInput name="department" label="Département de l’établissement" hint="Par exemple 75, 2A ou 974" value={values.department} error={errors.department} />
        <TextInput name="contact_given_name" label="Prénom de la personne à contacter" autocomplete="given-name" value={values.contact_given_name} error={errors.contact_given_name} />
        <TextInput name="contact_family_name" label="Nom de la personne à contacter" autocomplete="family-name" value={values.contact_family_name} error={errors.contact_family_name} />
        <TextInput name="email" type="email" label="Adresse électronique" autocomplete="email" value={values.email} error={errors.email} />
        <TermsCheckbox checked={values.terms === 'oui'} error={errors.terms} />
        <SubmitButton>Envoyer la demande</SubmitButton>
      </Form>
    </Layout>
  );
}

export function HabilitationRequestedPage() {
  return (
    <Layout title="Demande envoyée">
      <h1>Demande envoyée</h1>
      <Alert kind="success" title="Votre demande d’habilitation est transmise à la préfecture">
        <p>Vous recevrez un courriel lorsqu’elle aura décidé. Un accusé de réception vient de vous être envoyé.</p>
      </Alert>
    </Layout>
  );
}
