import { CORRECTION_ERRORS, decisionsFrom, PIECES, REASON_KEYS, REASONS, STATUS_KEYS, STATUSES, TRANSITIONS, type Piece, type Reason, type Status } from '../model.ts';
import type { LicenceData, LicenceRequest } from '../tables.ts';
import { formatSize, REFUSAL_REASONS } from '../../../platform/files/attachments.ts';
import type { Attachment } from '../../../platform/files/tables.ts';
import { Alert, Breadcrumb, SummaryList, Table } from '../../../ui/components/content.tsx';
import { ErrorSummary, Form, RadioGroup, Select, SubmitButton, TextArea, TextInput, type FieldErrors } from '../../../ui/components/form.tsx';
import { formatShortDateTime } from '../../../ui/format.ts';
import { Layout } from '../../../ui/layout.tsx';
import { Timeline } from '../../../ui/components/timeline.tsx';
import type { TimelineEntry } from '../../my-requests/timeline.ts';
import { StatusBadge } from './components.tsx';

export interface QueueRow {
  id: number;
  file_number: string;
  reason: Reason;
  status: Status;
  person_name: string | null;
  submitted_at: Date | null;
  assignee: string | null;
}

export function LicenceQueuePage(props: { rows: QueueRow[]; filters: { statut: string; motif: string; q: string }; nextHref: string | null; firstHref: string | null }) {
  const f = props.filters;
  return (
    <Layout title="Demandes de permis de conduire à instruire">
      <Breadcrumb items={[{ href: '/agents', label: 'Espace agent' }, { label: 'Demandes de permis de conduire' }]} />
      <h1>Demandes de permis de conduire</h1>
      <Form action="/agents/permis" method="get">
        <div class="fr-grid-row fr-grid-row--gutters">
          <div class="fr-col-12 fr-col-md-4">
            <Select name="statut" label="État" options={STATUS_KEYS.filter((s) => s !== 'draft').map((s) => ({ value: s, label: STATUSES[s].label }))} value={f.statut || undefined} placeholder="Tous les états" />
          </div>
          <div class="fr-col-12 fr-col-md-4">
            <Select name="motif" label="Motif" options={REASON_KEYS.map((r) => ({ value: r, label: REASONS[r].short }))} value={f.motif || undefined} placeholder="Tous les motifs" />
          </div>
          <div class="fr-col-12 fr-col-md-4">
            <TextInput name="q" type="search" label="Numéro de dossier ou nom" value={f.q} />
          </div>
        </div>
        <ul class="fr-btns-group fr-btns-group--inline-sm">
          <li>
            <SubmitButton secondary>Filtrer</SubmitButton>
          </li>
          <li>
            <a class="fr-btn fr-btn--tertiary" href="/agents/permis">
              Effacer les filtres
            </a>
          </li>
        </ul>
      </Form>
      <Table
        caption="Demandes, de la plus ancienne à la plus récente"
        headers={['Envoyée le', 'Dossier', 'Personne concernée', 'Motif', 'État', 'Prise par']}
        empty="Aucune demande ne correspond."
        rows={props.rows.map((r) => [
          r.submitted_at ? formatShortDateTime(r.submitted_at) : '—',
          <a href={`/agents/permis/${r.id}`}>{r.file_number}</a>,
          r.person_name ?? '—',
          REASONS[r.reason].short,
          <StatusBadge status={r.status} />,
          r.assignee ?? 'Personne',
        ])}
      />
      <nav class="fr-pagination fr-mt-3w" aria-label="Pagination">
        <ul class="fr-pagination__list">
          {props.firstHref && (
            <li>
              <a class="fr-pagination__link fr-pagination__link--first" href={props.firstHref}>
                Première page
              </a>
            </li>
          )}
          {props.nextHref && (
            <li>
              <a class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label" href={props.nextHref}>
                Page suivante
              </a>
            </li>
          )}
        </ul>
      </nav>
    </Layout>
  );
}

const frDate = (iso: string | undefined) => (iso && /^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso.split('-').reverse().join('/') : (iso ?? ''));

export function LicenceCasePage(props: {
  request: LicenceRequest;
  data: LicenceData;
  pieces: Attachment[];
  account: { email: string; profile: string } | undefined;
  assignee: string | null;
  mine: boolean;
  errors: FieldErrors;
  values: Record<string, string | undefined>;
  timeline?: TimelineEntry[];
}) {
  const { request: r, data: d, errors } = props;
  const i = d.identity;
  const decisions = decisionsFrom(r.status);
  const base = `/agents/permis/${r.id}`;
  return (
    <Layout title={`Demande de permis ${r.file_number}`} hasErrors={Object.keys(errors).length > 0}>
      <Breadcrumb items={[{ href: '/agents', label: 'Espace agent' }, { href: '/agents/permis', label: 'Demandes de permis de conduire' }, { label: r.file_number }]} />
      <ErrorSummary errors={errors} fieldIds={errors.form ? { form: 'decision' } : undefined} />
      <h1>Demande {r.file_number}</h1>
      <StatusBadge status={r.status} />
      <p class="fr-mt-2w">
        {props.assignee ? `Prise par : ${props.assignee}${props.mine ? ' (vous)' : ''}` : 'Personne n’a encore pris cette demande.'}
      </p>
      {!props.mine && !props.assignee && (
        <Form action={`${base}/prendre`}>
          <SubmitButton>Prendre la demande</SubmitButton>
        </Form>
      )}
      <h2>Données de la demande</h2>
      <SummaryList
        rows={[
          { key: 'Motif', value: REASONS[r.reason].label },
          { key: 'Déposée par', value: `${props.account?.email ?? '—'}${r.for_other ? ' (pour une autre personne)' : ''}${props.account?.profile === 'driving_school' ? ' — école de conduite' : ''}` },
          { key: 'Personne concernée', value: i ? `${i.given_names} ${i.family_name.toUpperCase()}${i.usage_name ? ` (usage ${i.usage_name})` : ''}, ${i.sex === 'F' ? 'féminin' : 'masculin'}` : '—' },
          { key: 'Naissance', value: i ? `${frDate(i.birth_date)} à ${i.birth_place}` : '—' },
          { key: 'Adresse', value: i ? `${i.address_line1}, ${i.postcode} ${i.commune}` : '—' },
          { key: 'Contact', value: d.contact ? [d.contact.email, d.contact.mobile].filter(Boolean).join(' — ') : '—' },
          { key: 'Catégories', value: d.details?.categories?.join(', ') || '—' },
          { key: 'NEPH', value: r.neph ?? '—' },
          ...(d.details?.licence_number ? [{ key: 'Numéro du permis', value: d.details.licence_number }] : []),
          ...(d.details?.country ? [{ key: 'Pays de délivrance', value: d.details.country }] : []),
          ...(d.details?.correction_error ? [{ key: 'Erreur signalée', value: `${CORRECTION_ERRORS[d.details.correction_error as keyof typeof CORRECTION_ERRORS] ?? ''} : ${d.details.correction_detail ?? ''} (titre reçu le ${frDate(d.details.received_on)})` }] : []),
          { key: 'Photo et signature', value: r.photo_mode === 'code' ? 'Code photo-signature numérique' : r.photo_mode === 'classic' ? 'Formulaire papier (FPS) envoyé par courrier' : 'Reprises de la demande initiale' },
          { key: 'Timbre fiscal', value: r.fee_cents ? `${(r.fee_cents / 100).toFixed(2).replace('.', ',')} € (•••• ${r.stamp_last4 ?? ''})` : 'Non dû' },
          { key: 'Envoyée le', value: r.submitted_at ? formatShortDateTime(r.submitted_at) : '—' },
          ...(r.decision_note ? [{ key: 'Dernière note', value: r.decision_note }] : []),
        ]}
      />
      <h2>Pièces justificatives</h2>
      {props.pieces.length === 0 && <p>Aucune pièce jointe.</p>}
      {props.pieces.map((a) => (
        <section class="fr-mb-4w" key={a.id} aria-labelledby={`piece-${a.id}`}>
          <h3 class="fr-h5" id={`piece-${a.id}`}>
            {PIECES[a.purpose as Piece]?.label ?? a.purpose}
          </h3>
          <p>
            <a href={`${base}/pieces/${a.id}`} target="_blank" rel="noopener" title={`${a.filename} - nouvelle fenêtre`}>
              {a.filename}
            </a>{' '}
            ({formatSize(a.size_bytes)})
          </p>
          {a.mime.startsWith('image/') && a.mime !== 'image/tiff' && <img src={`${base}/pieces/${a.id}`} alt={`Aperçu : ${PIECES[a.purpose as Piece]?.label ?? a.purpose}`} class="fr-responsive-img fr-mb-2w" />}
          {a.review_status === 'pending' ? (
            props.mine && (
              <Form action={`${base}/pieces/${a.id}/examen`}>
                <RadioGroup name={`verdict-${a.id}`} label="Examen de la pièce" inline options={[{ value: 'accepted', label: 'Accepter' }, { value: 'refused', label: 'Refuser' }]} error={errors[`verdict-${a.id}`]} />
                <Select name={`reason-${a.id}`} label="Motif du refus" options={Object.entries(REFUSAL_REASONS).map(([value, label]) => ({ value, label }))} placeholder="Choisissez un motif (si refus)" error={errors[`reason-${a.id}`]} />
                <TextInput name={`precision-${a.id}`} label="Précision (facultatif)" />
                <SubmitButton secondary>Enregistrer l’examen</SubmitButton>
              </Form>
            )
          ) : (
            <p>
              {a.review_status === 'accepted' ? 'Acceptée' : `Refusée : ${REFUSAL_REASONS[a.review_reason as keyof typeof REFUSAL_REASONS] ?? ''}${a.review_note ? ` (${a.review_note})` : ''}`}
            </p>
          )}
        </section>
      ))}
      <h2 id="decision" tabIndex={-1}>
        Décision
      </h2>
      {errors.form && (
        <Alert kind="error" small>
          {errors.form}
        </Alert>
      )}
      {decisions.length === 0 ? (
        <p>Aucune décision n’est possible à l’état « {STATUSES[r.status].label} ».</p>
      ) : !props.mine ? (
        <p>{props.assignee ? 'Seul l’agent qui a pris cette demande peut la décider.' : 'Prenez la demande pour la décider.'}</p>
      ) : (
        decisions.map((t) => (
          <div class="fr-mb-5w" key={t}>
            <Form action={`${base}/decision/${t}`}>
              {TRANSITIONS[t].note && (
                <TextArea
                  name={`note-${t}`}
                  label={t === 'request_complement' ? 'Ce que l’usager doit compléter' : t === 'reject_images' ? 'Motif du rejet de la photo ou de la signature' : 'Motif du rejet'}
                  hint="Ce texte est montré à l’usager et lui est envoyé par courriel."
                  rows={3}
                  maxLength={1000}
                  value={props.values[`note-${t}`]}
                  error={errors[`note-${t}`]}
                />
              )}
              <SubmitButton secondary={t !== 'validate' && t !== 'accept_images'}>{TRANSITIONS[t].label}</SubmitButton>
            </Form>
          </div>
        ))
      )}
      {props.timeline && <Timeline entries={props.timeline} title="Historique" />}
    </Layout>
  );
}
