import { Timeline } from '../../../ui/components/timeline.tsx';
import type { TimelineEntry } from '../../my-requests/timeline.ts';
import { FILE_KIND_LABELS, STATUS_LABELS, TOPIC_LABELS } from '../contact-model.ts';
import { formatDay, type Deadline } from '../contact-service.ts';
import type { ContactRequest } from '../tables.ts';
import type { Attachment } from '../../../platform/files/tables.ts';
import { formatDateTime, formatShortDateTime } from '../../../ui/format.ts';
import { Alert, Breadcrumb, SummaryList, Table } from '../../../ui/components/content.tsx';
import { ErrorSummary, Form, SubmitButton, TextArea, type FieldErrors } from '../../../ui/components/form.tsx';
import { Layout } from '../../../ui/layout.tsx';
import { Files, Lines } from './contact.tsx';

type WithUser = ContactRequest & { email: string | null; given_name: string | null; family_name: string | null; organisation_name: string | null };
/** The account's name, or the name a sender without an account gave. */
const userName = (r: WithUser) => (r.account_id === null ? `${r.sender_name} (sans compte)` : (r.organisation_name ?? ([r.given_name, r.family_name].filter(Boolean).join(' ') || r.email!)));
const emailOf = (r: WithUser) => r.email ?? r.sender_email!;

function Due({ deadline }: { deadline: Deadline }) {
  return (
    <>
      {formatDay(deadline.dueOn)}
      {deadline.overdue ? (
        <span class="fr-badge fr-badge--error fr-badge--sm fr-ml-1w">En retard</span>
      ) : (
        <span class="fr-text--xs fr-ml-1w">
          ({deadline.workingDaysLeft} jour{deadline.workingDaysLeft > 1 ? 's' : ''} ouvré{deadline.workingDaysLeft > 1 ? 's' : ''} restant{deadline.workingDaysLeft > 1 ? 's' : ''})
        </span>
      )}
    </>
  );
}

/** The operators' queue of open contact requests, oldest first, overdue ones flagged. */
export function ContactQueuePage({ requests }: { requests: (WithUser & { deadline: Deadline })[] }) {
  const overdue = requests.filter((r) => r.deadline.overdue).length;
  return (
    <Layout title="Demandes de contact à traiter">
      <Breadcrumb items={[{ href: '/agents', label: 'Espace agent' }, { label: 'Demandes de contact' }]} />
      <h1>Demandes de contact à traiter</h1>
      <p>
        {requests.length} demande{requests.length > 1 ? 's' : ''} en attente de réponse
        {overdue > 0 && `, dont ${overdue} en retard`}. L’agence répond sous 15 jours ouvrés (conditions générales d’utilisation, article 1.15).
      </p>
      <Table
        caption="Demandes en attente, de la plus ancienne à la plus récente"
        headers={['Référence', 'Reçue le', 'Usager', 'Objet', 'Réponse due le']}
        empty="Aucune demande en attente de réponse."
        rows={requests.map((r) => [
          <a href={`/agents/demandes-de-contact/${r.id}`}>{r.reference}</a>,
          formatShortDateTime(r.received_at),
          userName(r),
          r.subject,
          <Due deadline={r.deadline} />,
        ])}
      />
    </Layout>
  );
}

export function ContactAdminPage({ request, deadline, files, timeline, values, errors }: { request: WithUser; deadline: Deadline; files: Attachment[]; timeline: TimelineEntry[]; values: Record<string, string | undefined>; errors: FieldErrors }) {
  return (
    <Layout title={`Demande de contact ${request.reference}`} hasErrors={Object.keys(errors).length > 0}>
      <Breadcrumb items={[{ href: '/agents', label: 'Espace agent' }, { href: '/agents/demandes-de-contact', label: 'Demandes de contact' }, { label: request.reference }]} />
      <ErrorSummary errors={Object.fromEntries(['answer'].filter((k) => errors[k]).map((k) => [k, errors[k]!]))} />
      <h1>Demande de contact {request.reference}</h1>
      {errors.form && <Alert kind="error">{errors.form}</Alert>}
      <SummaryList
        rows={[
          { key: 'État', value: STATUS_LABELS[request.status] },
          { key: 'Reçue le', value: formatDateTime(request.received_at) },
          { key: 'Réponse due le', value: <Due deadline={deadline} /> },
          { key: 'Usager', value: `${userName(request)} (${emailOf(request)})` },
          ...(request.account_id === null ? [{ key: 'Envoyée sans compte', value: `Depuis l’adresse ${request.sender_ip ?? 'inconnue'} ; la réponse part par courriel à ${emailOf(request)}` }] : []),
          { key: 'Sujet', value: TOPIC_LABELS[request.topic] },
          ...(request.file_number ? [{ key: 'Démarche concernée', value: `${request.file_kind ? `${FILE_KIND_LABELS[request.file_kind]} ` : ''}${request.file_number}` }] : []),
          { key: 'Objet', value: request.subject },
          { key: 'Message', value: <Lines text={request.message} /> },
          { key: 'Pièces jointes', value: <Files files={files} href={(f) => `/agents/demandes-de-contact/${request.id}/pieces/${f.id}`} /> },
        ]}
      />
      {request.status === 'answered' ? (
        <Alert kind="success" title={`Répondue le ${formatDateTime(request.answered_at!)}`}>
          <Lines text={request.answer!} />
        </Alert>
      ) : (
        <Form action={`/agents/demandes-de-contact/${request.id}/repondre`}>
          <TextArea name="answer" label="Réponse à l’usager" hint="Elle lui est envoyée par courriel et s’affiche dans « Mes demandes de contact »" value={values.answer} error={errors.answer} rows={8} maxLength={4000} />
          <SubmitButton>Envoyer la réponse</SubmitButton>
        </Form>
      )}
      <Timeline entries={timeline} title="Historique" />
    </Layout>
  );
}
