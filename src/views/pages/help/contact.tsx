import { STATUS_LABELS, TOPIC_LABELS, MAX_CONTACT_FILES } from '../../../domains/help/contact-model.ts';
import { formatDay, type Deadline } from '../../../domains/help/contact-service.ts';
import type { ContactRequest, ContactTopic } from '../../../domains/help/tables.ts';
import type { Attachment } from '../../../platform/files/tables.ts';
import { formatSize } from '../../../platform/files/attachments.ts';
import { ACCEPT_ATTRIBUTE, UPLOAD_HINT } from '../../../platform/files/validation.ts';
import { formatDateTime, formatShortDateTime } from '../../format.ts';
import { Alert, Breadcrumb, SummaryList, Table } from '../../components/content.tsx';
import { ErrorSummary, fieldId, Form, RadioGroup, SubmitButton, TextArea, TextInput, type FieldErrors } from '../../components/form.tsx';
import { Layout } from '../../layout.tsx';

const ORDER = ['topic', 'file_number', 'subject', 'message', 'pieces', 'idempotency_key', 'form'];
const sorted = (errors: FieldErrors) => Object.fromEntries(ORDER.filter((k) => errors[k]).map((k) => [k, errors[k]!]));

/** A DSFR file input with its error state; files are never kept on re-render (the browser forbids it). */
export function FileInput(props: { name: string; label: string; hint: string; error?: string; multiple?: boolean }) {
  const id = fieldId(props.name);
  return (
    <div class={`fr-upload-group fr-input-group${props.error ? ' fr-upload-group--error fr-input-group--error' : ''}`}>
      <label class="fr-label" for={id}>
        {props.label}
        <span class="fr-hint-text">{props.hint}</span>
      </label>
      <input class="fr-upload" type="file" id={id} name={props.name} accept={ACCEPT_ATTRIBUTE} multiple={props.multiple} aria-invalid={props.error ? 'true' : undefined} aria-describedby={`${id}-messages`} />
      <div class="fr-messages-group" id={`${id}-messages`} aria-live="polite">
        {props.error && <p class="fr-message fr-message--error">{props.error}</p>}
      </div>
    </div>
  );
}

const TOPIC_OPTIONS = (Object.keys(TOPIC_LABELS) as ContactTopic[]).map((t) => ({ value: t, label: TOPIC_LABELS[t] }));

export function ContactFormPage({ values, errors }: { values: Record<string, string | undefined>; errors: FieldErrors }) {
  const hasErrors = Object.keys(errors).length > 0;
  return (
    <Layout title="Écrire à l’agence" hasErrors={hasErrors}>
      <Breadcrumb items={[{ href: '/aide', label: 'Centre d’aide' }, { label: 'Écrire à l’agence' }]} />
      <ErrorSummary errors={sorted(errors)} />
      <h1>Écrire à l’agence</h1>
      <p>
        Une question sur votre compte ou sur une démarche en cours ? L’agence vous répond <strong>sous 15 jours ouvrés</strong> : la réponse
        s’affiche dans <a href="/contact/demandes">Mes demandes de contact</a> et vous est envoyée par courriel. Avant d’écrire, consultez le{' '}
        <a href="/aide">centre d’aide</a>.
      </p>
      {errors.form && <Alert kind="error">{errors.form}</Alert>}
      <Form action="/contact" enctype="multipart/form-data">
        <input type="hidden" name="idempotency_key" value={values.idempotency_key ?? ''} />
        <RadioGroup name="topic" label="Votre demande concerne" options={TOPIC_OPTIONS} value={values.topic} error={errors.topic} />
        <TextInput
          name="file_number"
          label="Numéro de dossier de la démarche (facultatif)"
          hint="Tel qu’il figure dans « Mon espace véhicule », si votre demande porte sur une démarche en cours"
          value={values.file_number}
          error={errors.file_number}
          spellcheck={false}
        />
        <TextInput name="subject" label="Objet" hint="En quelques mots, 150 caractères au plus" value={values.subject} error={errors.subject} maxLength={150} />
        <TextArea name="message" label="Votre message" hint="Ne donnez ni mot de passe ni code confidentiel : l’agence ne vous les demandera jamais" value={values.message} error={errors.message} rows={8} maxLength={4000} />
        <FileInput
          name="pieces"
          label="Pièces jointes (facultatif)"
          hint={`${UPLOAD_HINT} ${MAX_CONTACT_FILES} fichiers au plus. Si le formulaire signale une erreur, joignez de nouveau vos fichiers.`}
          error={errors.pieces}
          multiple
        />
        <SubmitButton>Envoyer ma demande</SubmitButton>
      </Form>
    </Layout>
  );
}

function DeadlineText({ deadline, status }: { deadline: Deadline; status: ContactRequest['status'] }) {
  if (status === 'answered') return <>Répondue</>;
  return (
    <>
      Réponse au plus tard le {formatDay(deadline.dueOn)}
      {deadline.overdue && <span class="fr-badge fr-badge--error fr-badge--sm fr-ml-1w">Délai dépassé</span>}
    </>
  );
}

export function MyContactRequestsPage({ requests }: { requests: (ContactRequest & { deadline: Deadline })[] }) {
  return (
    <Layout title="Mes demandes de contact">
      <Breadcrumb items={[{ href: '/compte', label: 'Mon compte' }, { label: 'Mes demandes de contact' }]} />
      <h1>Mes demandes de contact</h1>
      <p>
        <a class="fr-btn" href="/contact">
          Écrire à l’agence
        </a>
      </p>
      <Table
        caption="Vos demandes, de la plus récente à la plus ancienne"
        headers={['Référence', 'Envoyée le', 'Objet', 'État', 'Délai de réponse']}
        empty="Vous n’avez encore écrit aucune demande à l’agence."
        rows={requests.map((r) => [
          <a href={`/contact/demandes/${r.reference}`}>{r.reference}</a>,
          formatShortDateTime(r.received_at),
          r.subject,
          <span class={`fr-badge fr-badge--sm ${r.status === 'answered' ? 'fr-badge--success' : 'fr-badge--info'}`}>{STATUS_LABELS[r.status]}</span>,
          <DeadlineText deadline={r.deadline} status={r.status} />,
        ])}
      />
    </Layout>
  );
}

export function Files({ files, href }: { files: Attachment[]; href: (a: Attachment) => string }) {
  if (!files.length) return <>Aucune</>;
  return (
    <ul class="fr-mb-0">
      {files.map((f) => (
        <li key={f.id}>
          <a href={href(f)} download>
            {f.filename} <span class="fr-text--xs">({formatSize(f.size_bytes)})</span>
          </a>
        </li>
      ))}
    </ul>
  );
}

export function ContactRequestPage({ request, deadline, files }: { request: ContactRequest; deadline: Deadline; files: Attachment[] }) {
  return (
    <Layout title={`Demande de contact ${request.reference}`}>
      <Breadcrumb items={[{ href: '/compte', label: 'Mon compte' }, { href: '/contact/demandes', label: 'Mes demandes de contact' }, { label: request.reference }]} />
      <h1>Demande de contact {request.reference}</h1>
      {request.status === 'answered' ? (
        <Alert kind="success" title={`Réponse de l’agence, le ${formatDateTime(request.answered_at!)}`}>
          <Lines text={request.answer!} />
        </Alert>
      ) : (
        <Alert kind={deadline.overdue ? 'warning' : 'info'} title={deadline.overdue ? 'Le délai de réponse est dépassé' : 'Votre demande est en cours de traitement'}>
          <p>
            L’agence vous répondra au plus tard le {formatDay(deadline.dueOn)} (15 jours ouvrés après sa réception). Vous recevrez la réponse
            par courriel et ici.
          </p>
        </Alert>
      )}
      <SummaryList
        rows={[
          { key: 'Envoyée le', value: formatDateTime(request.received_at) },
          { key: 'Sujet', value: TOPIC_LABELS[request.topic] },
          ...(request.file_number ? [{ key: 'Démarche concernée', value: request.file_number }] : []),
          { key: 'Objet', value: request.subject },
          { key: 'Votre message', value: <Lines text={request.message} /> },
          { key: 'Pièces jointes', value: <Files files={files} href={(f) => `/contact/demandes/${request.reference}/pieces/${f.id}`} /> },
        ]}
      />
      <p>
        <a href="/contact/demandes">Retour à mes demandes de contact</a>
      </p>
    </Layout>
  );
}

/** A typed text with its line breaks kept, one paragraph per line (no inline style: the CSP forbids them). */
export function Lines({ text }: { text: string }) {
  return (
    <>
      {text
        .split(/\r?\n/)
        .filter((l) => l.trim())
        .map((l, i) => (
          <p class="fr-mb-1w" key={i}>
            {l}
          </p>
        ))}
    </>
  );
}
