import { fileDetail } from '../../platform/pdf/measured-size.ts';
import { REFUSAL_REASONS, type RefusalReason } from '../../platform/files/attachments.ts';
import type { Attachment } from '../../platform/files/tables.ts';
import type { ThreadMessage } from '../../domains/instruction/threads.ts';
import { formatShortDateTime } from '../format.ts';
import { FileInput, Form, SubmitButton, TextArea } from './form.tsx';

const REVIEW_BADGES = {
  pending: ['fr-badge--info', 'En attente de contrôle'],
  accepted: ['fr-badge--success', 'Acceptée'],
  refused: ['fr-badge--error', 'Refusée'],
} as const;

/** The pieces sent with a request, each with its review by the instruction centre. */
export function AttachmentList(props: { items: Attachment[]; hrefFor: (a: Attachment) => string; labels?: Record<string, string> }) {
  if (!props.items.length) return <p>Aucune pièce jointe.</p>;
  return (
    <ul class="app-attachments">
      {props.items.map((a) => {
        const [badge, label] = REVIEW_BADGES[a.review_status];
        return (
          <li key={a.id} class="fr-mb-2w">
            <a href={props.hrefFor(a)} target="_blank" rel="noopener">
              {props.labels?.[a.purpose] ?? 'Pièce jointe'} : {a.filename}
              <span class="fr-sr-only"> (ouvre un nouvel onglet)</span>
            </a>{' '}
            <span class="fr-hint-text">
              {fileDetail(a.size_bytes, a.mime === 'application/pdf' ? 'PDF' : a.mime.replace('image/', '').toUpperCase())}, envoyée le {formatShortDateTime(a.created_at)}
            </span>
            <p class={`fr-badge fr-badge--sm ${badge} fr-mt-1v`}>{label}</p>
            {a.review_status === 'refused' && (
              <p class="fr-text--sm fr-mb-0">
                Motif : {REFUSAL_REASONS[a.review_reason as RefusalReason] ?? a.review_reason}
                {a.review_note ? ` — ${a.review_note}` : ''}
              </p>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** A request's messages, oldest first; the user sees "Centre d'instruction", agents see names. */
export function MessageThread(props: { messages: ThreadMessage[]; viewer: 'user' | 'agent' }) {
  if (!props.messages.length) return <p>Aucun message pour l’instant.</p>;
  return (
    <ol class="app-thread fr-raw-list">
      {props.messages.map((m) => {
        const author = m.authorKind === 'user' ? (props.viewer === 'user' ? 'Vous' : 'L’usager') : props.viewer === 'agent' ? (m.agentName ?? 'Agent') : 'Centre d’instruction';
        return (
          <li key={m.id} class={`app-thread__message app-thread__message--${m.authorKind}`}>
            <p class="fr-text--sm fr-mb-1v">
              <strong>{author}</strong>, le {formatShortDateTime(m.createdAt)}
              {m.unread && <span class="fr-badge fr-badge--sm fr-badge--new fr-ml-1w">Nouveau</span>}
            </p>
            <p class="app-thread__body">{m.body}</p>
          </li>
        );
      })}
    </ol>
  );
}

/** "Écrire au centre d'instruction" while it examines the request: a message and, if useful, a file. */
export function UserMessageForm(props: { action: string; value?: string; errors: Record<string, string> }) {
  return (
    <Form action={props.action} enctype="multipart/form-data">
      <TextArea name="user_message" label="Écrire au centre d’instruction" hint="Une précision sur votre demande ; le centre vous répond sur cette page." value={props.value} error={props.errors.user_message} maxLength={2000} />
      <FileInput name="user_message_file" label="Joindre un fichier (facultatif)" error={props.errors.user_message_file} />
      <SubmitButton secondary>Envoyer le message</SubmitButton>
    </Form>
  );
}
