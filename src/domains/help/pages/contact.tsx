import { FILE_KIND_LABELS, STATUS_LABELS, TOPIC_LABELS, MAX_CONTACT_FILES } from '../contact-model.ts';
import { formatDay, type Deadline } from '../contact-service.ts';
import type { ContactRequest, ContactTopic } from '../tables.ts';
import type { Attachment } from '../../../platform/files/tables.ts';
import { formatSize } from '../../../platform/files/attachments.ts';
import { ACCEPT_ATTRIBUTE, UPLOAD_HINT } from '../../../platform/files/validation.ts';
import { formatDateTime, formatShortDateTime } from '../../../ui/format.ts';
import { Alert, Breadcrumb, SummaryList, Table } from '../../../ui/components/content.tsx';
import { ErrorSummary, fieldId, Form, RadioGroup, SubmitButton, TextArea, TextInput, type FieldErrors } from '../../../ui/components/form.tsx';
import { Layout } from '../../../ui/layout.tsx';
import { Timeline } from '../../../ui/components/timeline.tsx';
import type { TimelineEntry } from '../../my-requests/timeline.ts';

const ORDER = ['sender_name', 'sender_email', 'topic', 'file_number', 'subject', 'message', 'pieces', 'idempotency_key', 'form'];
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

export function ContactFormPage({ signedIn, values, errors }: { signedIn: boolean; values: Record<string, string | undefined>; errors: FieldErrors }) {
  const hasErrors = Object.keys(errors).length > 0;
  return (
    <Layout title="Écrire à l’agence" hasErrors={hasErrors}>
      <Breadcrumb items={[{ href: '/aide', label: 'Centre d’aide' }, { label: 'Écrire à l’agence' }]} />
      <ErrorSummary errors={sorted(errors)} />
      <h1>Écrire à l’agence</h1>
      {signedIn ? (
        <p>
          Une question sur votre compte ou sur une démarche en cours ? L’agence vous répond <strong>sous 15 jours ouvrés</strong> : la réponse
          s’affiche dans <a href="/contact/demandes">Mes demandes de contact</a> et vous est envoyée par courriel. Avant d’écrire, consultez le{' '}
          <a href="/aide">centre d’aide</a>.
        </p>
      ) : (
        <>
          <p>
            Vous pouvez écrire à l’agence sans compte : elle vous répond <strong>par courriel sous 15 jours ouvrés</strong>, à l’adresse que vous
            indiquez. Avant d’écrire, consultez le <a href="/aide">centre d’aide</a>.
          </p>
          <p>
            Mairie équipée d’un dispositif de recueil d’empreintes digitales : demandez ici la création du compte de la mairie (sujet « Ma mairie »),
            en indiquant le nom de la commune, le nombre de dispositifs et l’adresse électronique du compte.
          </p>
          <p>
            Vous avez un compte ? <a href="/connexion?retour=%2Fcontact">Connectez-vous</a> pour joindre des fichiers, relier votre message à l’une
            de vos démarches et suivre la réponse dans votre espace.
          </p>
        </>
      )}
      {errors.form && <Alert kind="error">{errors.form}</Alert>}
      <Form action="/contact" enctype={signedIn ? 'multipart/form-data' : undefined}>
        <input type="hidden" name="idempotency_key" value={values.idempotency_key ?? ''} />
        {!signedIn && (
          <>
            <TextInput name="sender_name" label="Votre nom" hint="Ou celui de votre mairie, de votre entreprise ou de votre organisme" value={values.sender_name} error={errors.sender_name} autocomplete="name" maxLength={100} />
            <TextInput
              name="sender_email"
              type="email"
              label="Votre adresse électronique"
              hint="L’agence vous répond à cette adresse. Format attendu : nom@exemple.fr"
              value={values.sender_email}
              error={errors.sender_email}
              autocomplete="email"
              spellcheck={false}
            />
          </>
        )}
        <RadioGroup name="topic" label="Votre demande concerne" options={TOPIC_OPTIONS} value={values.topic} error={errors.topic} />
        {signedIn && (
          <TextInput
            name="file_number"
            label="Numéro de la démarche (facultatif)"
            hint="Numéro de dossier de carte grise ou de permis de conduire, ou numéro de pré-demande de carte d’identité ou de passeport, tel qu’il figure dans votre espace"
            value={values.file_number}
            error={errors.file_number}
            spellcheck={false}
          />
        )}
        <TextInput name="subject" label="Objet" hint="En quelques mots, 150 caractères au plus" value={values.subject} error={errors.subject} maxLength={150} />
        <TextArea name="message" label="Votre message" hint="Ne donnez ni mot de passe ni code confidentiel : l’agence ne vous les demandera jamais" value={values.message} error={errors.message} rows={8} maxLength={4000} />
        {signedIn && (
          <FileInput
            name="pieces"
            label="Pièces jointes (facultatif)"
            hint={`${UPLOAD_HINT} ${MAX_CONTACT_FILES} fichiers au plus. Si le formulaire signale une erreur, joignez de nouveau vos fichiers.`}
            error={errors.pieces}
            multiple
          />
        )}
        <SubmitButton>Envoyer ma demande</SubmitButton>
      </Form>
    </Layout>
  );
}

/** After a message sent without an account: the flash names the reference; what happens next. */
export function ContactSentPage() {
  return (
    <Layout title="Message envoyé">
      <Breadcrumb items={[{ href: '/aide', label: 'Centre d’aide' }, { label: 'Message envoyé' }]} />
      <h1>Message envoyé</h1>
      <p>
        L’agence a reçu votre message. Elle vous répond par courriel sous 15 jours ouvrés ; gardez la référence indiquée dans l’accusé de
        réception si vous lui écrivez de nouveau à ce sujet.
      </p>
      <ul class="fr-btns-group fr-btns-group--inline-md">
        <li>
          <a class="fr-btn fr-btn--secondary" href="/aide">
            Retour au centre d’aide
          </a>
        </li>
        <li>
          <a class="fr-btn fr-btn--tertiary" href="/contact">
            Écrire un autre message
          </a>
        </li>
      </ul>
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

export function ContactRequestPage({ request, deadline, files, timeline }: { request: ContactRequest; deadline: Deadline; files: Attachment[]; timeline?: TimelineEntry[] }) {
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
          ...(request.file_number ? [{ key: 'Démarche concernée', value: `${request.file_kind ? `${FILE_KIND_LABELS[request.file_kind]} ` : ''}${request.file_number}` }] : []),
          { key: 'Objet', value: request.subject },
          { key: 'Votre message', value: <Lines text={request.message} /> },
          { key: 'Pièces jointes', value: <Files files={files} href={(f) => `/contact/demandes/${request.reference}/pieces/${f.id}`} /> },
        ]}
      />
      {timeline && <Timeline entries={timeline} />}
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
