import { Breadcrumb, Table } from '../../../ui/components/content.tsx';
import { Form, SubmitButton, TextInput } from '../../../ui/components/form.tsx';
import { formatShortDateTime } from '../../../ui/format.ts';
import { Layout } from '../../../ui/layout.tsx';
import type { NotificationLogRow } from '../notification-log.ts';

/** The operators' notification log: what was sent, when, delivered or not. */
export function NotificationLogPage(props: { rows: NotificationLogRow[]; q: string }) {
  return (
    <Layout title="Journal des notifications">
      <Breadcrumb items={[{ href: '/agents', label: 'Espace agent' }, { label: 'Journal des notifications' }]} />
      <h1>Journal des notifications</h1>
      <p>Les courriels et SMS envoyés par le portail, les plus récents d’abord, avec leur état de remise. Chaque consultation filtrée est journalisée.</p>
      <Form action="/agents/notifications" method="get">
        <TextInput name="q" type="search" label="Destinataire" hint="Adresse électronique ou numéro de mobile, en entier" value={props.q} />
        <SubmitButton>Rechercher</SubmitButton>
      </Form>
      <Table
        caption="Les 100 derniers messages"
        headers={['Date', 'Canal', 'Destinataire', 'Objet', 'État']}
        empty="Aucun message."
        rows={props.rows.map((r) => [
          formatShortDateTime(r.created_at),
          r.channel === 'email' ? 'Courriel' : 'SMS',
          r.recipient,
          r.subject ?? '—',
          r.status === 'sent' ? `Remis (${r.transport === 'outbox' ? 'boîte de développement' : r.transport})` : `Échec : ${r.error ?? 'inconnu'}`,
        ])}
      />
    </Layout>
  );
}
