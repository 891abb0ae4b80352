import { Alert, Breadcrumb, Table } from '../../../ui/components/content.tsx';
import { ErrorSummary, Form, SubmitButton, TextInput } from '../../../ui/components/form.tsx';
import { formatShortDateTime } from '../../../ui/format.ts';
import { Layout } from '../../../ui/layout.tsx';

const STATUS = { sent: 'Envoyé', failed: 'Échec de l’envoi (nouvel essai automatique)' } as const;
const CHANNEL = { email: 'Courriel', sms: 'SMS' } as const;

/** Every message the portal sent to the user, with its delivery status, and the mobile number for SMS. */
export function NotificationsPage(props: {
  messages: { id: number; channel: 'email' | 'sms'; subject: string | null; body_text: string; status: 'sent' | 'failed'; link: string | null; created_at: Date }[];
  mobile: string | null;
  values: { mobile?: string };
  error?: string;
}) {
  return (
    <Layout title="Mes notifications" hasErrors={!!props.error}>
      <Breadcrumb items={[{ href: '/compte', label: 'Mon compte' }, { label: 'Mes notifications' }]} />
      <ErrorSummary errors={props.error ? { mobile: props.error } : {}} />
      <h1>Mes notifications</h1>
      <p>Tous les messages que le portail vous a envoyés au sujet de vos démarches, du plus récent au plus ancien.</p>
      <Table
        caption="Messages envoyés"
        headers={['Date', 'Canal', 'Objet', 'État']}
        empty="Aucun message ne vous a encore été envoyé."
        rows={props.messages.map((m) => [
          formatShortDateTime(m.created_at),
          CHANNEL[m.channel],
          m.link ? <a href={new URL(m.link).pathname}>{m.subject ?? m.body_text.slice(0, 80)}</a> : (m.subject ?? m.body_text.slice(0, 80)),
          STATUS[m.status],
        ])}
      />
      <h2 class="fr-mt-4w">Recevoir aussi des SMS</h2>
      <p>Certaines démarches vous préviennent aussi par SMS. Le SMS ne contient que l’objet du message et le lien vers votre démarche.</p>
      {props.mobile && (
        <Alert kind="info" small>
          Numéro enregistré : {props.mobile}. Laissez le champ vide et enregistrez pour le retirer.
        </Alert>
      )}
      <Form action="/compte/notifications/mobile">
        <TextInput name="mobile" type="tel" label="Numéro de mobile (facultatif)" hint="Par exemple 06 12 34 56 78" autocomplete="tel" value={props.values.mobile ?? props.mobile ?? ''} error={props.error} />
        <SubmitButton secondary>Enregistrer le numéro</SubmitButton>
      </Form>
    </Layout>
  );
}

/** The user's own history (terms of use §1.17): what they did, and what was done to their requests. */
export function HistoryPage(props: {
  rows: { id: number; at: Date; actor: string; label: string; reference: string | null; href: string | null; ip: string | null }[];
}) {
  return (
    <Layout title="Mon historique">
      <Breadcrumb items={[{ href: '/compte', label: 'Mon compte' }, { label: 'Mon historique' }]} />
      <h1>Mon historique</h1>
      <p>
        Les opérations enregistrées sur votre compte et vos démarches, y compris les consultations de vos demandes par les agents. Ces
        enregistrements font foi entre vous et l’agence (conditions générales d’utilisation, article 1.17).
      </p>
      <Table
        caption="Les 200 dernières opérations"
        headers={['Date', 'Par', 'Opération', 'Dossier', 'Adresse IP']}
        empty="Aucune opération enregistrée."
        rows={props.rows.map((r) => [
          formatShortDateTime(r.at),
          r.actor,
          r.label,
          r.href ? <a href={r.href}>{r.reference}</a> : (r.reference ?? 'Votre compte'),
          r.ip ?? (r.actor === 'Vous' ? 'Non enregistrée' : 'Non communiquée'),
        ])}
      />
    </Layout>
  );
}
