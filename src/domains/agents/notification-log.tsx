import type { FastifyInstance } from 'fastify';
import { audit } from '../../platform/audit.ts';
import { Breadcrumb, Table } from '../../ui/components/content.tsx';
import { Form, SubmitButton, TextInput } from '../../ui/components/form.tsx';
import { formatShortDateTime } from '../../ui/format.ts';
import { Layout } from '../../ui/layout.tsx';
import { agentGuard } from './routes.tsx';
import type { AgentsService } from './service.ts';

interface Row {
  id: number;
  created_at: Date;
  channel: 'email' | 'sms';
  recipient: string;
  subject: string | null;
  status: 'sent' | 'failed';
  transport: string;
  error: string | null;
}

function NotificationLogPage(props: { rows: Row[]; q: string }) {
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

/** Operators read the notification log (what was sent, when, delivered or not) to answer users. */
export function registerNotificationLogRoutes(app: FastifyInstance, agents: AgentsService): void {
  app.register(async (scope) => {
    scope.addHook('preHandler', agentGuard(agents));
    scope.get('/agents/notifications', async (request, reply) => {
      if (request.agent!.role !== 'operator') {
        request.session.flash('error', 'Le journal des notifications est réservé aux opérateurs de l’agence.');
        return reply.redirect('/agents', 303);
      }
      const q = String((request.query as Record<string, string | undefined>).q ?? '').trim().toLowerCase().slice(0, 254);
      let query = app.database.db
        .selectFrom('outgoing_messages')
        .select(['id', 'created_at', 'channel', 'recipient', 'subject', 'status', 'transport', 'error'])
        .orderBy('id', 'desc')
        .limit(100);
      if (q) {
        query = query.where('recipient', '=', q.replace(/\s/g, '').startsWith('+') ? q.replace(/\s/g, '') : q);
        await audit(app.database.db, { kind: 'agent', id: request.agent!.id, ip: request.ip }, 'agent.searched_notifications', null, { recipient_length: q.length });
      }
      return reply.render(<NotificationLogPage rows={await query.execute()} q={q} />);
    });
  });
}
