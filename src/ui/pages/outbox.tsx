import type { OutgoingMessage } from '../../schema.ts';
import { Alert, Breadcrumb, Pagination, SummaryList, Table } from '../components/content.tsx';
import { formatShortDateTime } from '../format.ts';
import { Layout } from '../layout.tsx';
import { ErrorPage } from './errors.tsx';

const channelLabel = (c: OutgoingMessage['channel']) => (c === 'email' ? 'Courriel' : 'SMS');

interface LetterRow {
  id: number;
  recipient_lines: unknown;
  subject: string;
  status: 'queued' | 'sent';
  created_at: Date;
}

export function OutboxListPage({ messages, letters, page, pageCount }: { messages: OutgoingMessage[]; letters: LetterRow[]; page: number; pageCount: number }) {
  return (
    <Layout title="Boîte d’envoi de développement">
      <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { label: 'Boîte d’envoi' }]} />
      <h1>Boîte d’envoi de développement</h1>
      <Alert kind="info" small>
        En mode embarqué, les courriels et SMS du portail ne partent pas : ils sont conservés ici. Cette page n’existe pas
        en production.
      </Alert>
      <Table
        caption="Messages envoyés, du plus récent au plus ancien"
        headers={['Date', 'Canal', 'Destinataire', 'Objet']}
        empty="Aucun message n’a encore été envoyé."
        rows={messages.map((m) => [
          formatShortDateTime(m.created_at),
          channelLabel(m.channel),
          m.recipient,
          <a href={`/dev/outbox/${m.id}`}>{m.subject ?? m.body_text.slice(0, 60)}</a>,
        ])}
      />
      <Pagination page={page} pageCount={pageCount} hrefFor={(n) => `/dev/outbox?page=${n}`} />
      <h2 class="fr-mt-6w">Courriers postaux</h2>
      <Table
        caption="Les 25 derniers courriers, du plus récent au plus ancien"
        headers={['Date', 'Destinataire', 'Objet', 'État']}
        empty="Aucun courrier."
        rows={letters.map((l) => [
          formatShortDateTime(l.created_at),
          ((l.recipient_lines as string[])[0] ?? '') + ((l.recipient_lines as string[]).length > 1 ? `, ${(l.recipient_lines as string[]).at(-1)}` : ''),
          l.status === 'sent' ? <a href={`/dev/outbox/courriers/${l.id}.pdf`}>{l.subject} (PDF)</a> : l.subject,
          l.status === 'sent' ? 'Envoyé' : 'En préparation',
        ])}
      />
    </Layout>
  );
}

export function OutboxMessagePage({ message }: { message: OutgoingMessage }) {
  const title = message.subject ?? `SMS à ${message.recipient}`;
  return (
    <Layout title={title}>
      <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { href: '/dev/outbox', label: 'Boîte d’envoi' }, { label: title }]} />
      <h1>{title}</h1>
      <SummaryList
        rows={[
          { key: 'Canal', value: channelLabel(message.channel) },
          { key: 'Destinataire', value: message.recipient },
          { key: 'Date', value: formatShortDateTime(message.created_at) },
          { key: 'État', value: message.status === 'sent' ? 'Envoyé' : `Échec : ${message.error ?? ''}` },
        ]}
      />
      {message.body_html && (
        <p>
          <a class="fr-link fr-icon-mail-line fr-link--icon-left" href={`/dev/outbox/${message.id}/html`}>
            Voir la version HTML du courriel
          </a>
        </p>
      )}
      <h2>Texte du message</h2>
      <pre class="app-message-body">
        <Linkified text={message.body_text} />
      </pre>
    </Layout>
  );
}

/** Answered (403) to a reader who is neither on this machine nor holding the token link (src/web/dev-outbox-access.ts). */
export function OutboxRefusedPage() {
  return (
    <ErrorPage
      title="Boîte d’envoi réservée"
      code={403}
      lead="La boîte d’envoi de développement contient les liens d’activation et de réinitialisation des mots de passe : elle ne s’ouvre que sur la machine qui fait tourner le portail."
    >
      <p>
        Depuis un autre poste, ouvrez le lien avec le jeton que le portail affiche à son démarrage (« Boîte d’envoi de
        développement : … »).
      </p>
    </ErrorPage>
  );
}

/** Links in a message body become clickable, as in a mail client. */
function Linkified({ text }: { text: string }) {
  return (
    <>
      {text.split(/(https?:\/\/[^\s<>"]+)/g).map((part, i) => (i % 2 === 1 ? <a href={part} key={i}>{part}</a> : part))}
    </>
  );
}
