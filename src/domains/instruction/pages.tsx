import type { QueueFilters } from './vehicle-instruction.ts';
import { QUEUE_STATUSES } from './vehicle-instruction.ts';
import type { ThreadMessage } from './threads.ts';
import { DUPLICATE_REASONS, type DuplicateReason } from '../vehicles/duplicate/model.ts';
import { ENCUMBRANCE_LABELS } from '../vehicles/procedures/documents.ts';
import { AGENT_ACTION_LABELS, STATUS_LABELS, type ProcedureAction } from '../vehicles/procedures/model.ts';
import { PROCEDURE_LABELS } from '../vehicles/procedures/requirements.ts';
import type { ProcedureKind, ProcedureStatus, Vehicle, VehicleHolder, VehicleProcedure } from '../vehicles/tables.ts';
import { REFUSAL_REASONS } from '../../platform/files/attachments.ts';
import type { Attachment } from '../../platform/files/tables.ts';
import type { Agent } from '../../schema.ts';
import { AttachmentList, MessageThread } from '../../ui/components/attachments.tsx';
import { Alert, Breadcrumb, SummaryList, Table } from '../../ui/components/content.tsx';
import { Timeline } from '../../ui/components/timeline.tsx';
import type { TimelineEntry } from '../my-requests/timeline.ts';
import { ErrorSummary, Form, RadioGroup, Select, SubmitButton, TextArea, TextInput, type FieldErrors } from '../../ui/components/form.tsx';
import { DateInput } from '../../ui/components/date-input.tsx';
import { formatDate, formatShortDateTime } from '../../ui/format.ts';
import { Layout } from '../../ui/layout.tsx';

import { PIECE_LABELS } from '../vehicles/complementary/pages.tsx';
import { categoryOf, subcategoryOf, type TpcState } from '../vehicles/complementary/model.ts';

export interface QueueRow {
  id: number;
  file_number: string;
  kind: ProcedureKind;
  status: ProcedureStatus;
  submitted_at: Date | null;
  department: string | null;
  assigned_to: string | null;
  plate: string;
  holder: string;
  /** who filed the request, when filed for someone else */
  filed_by: string | null;
  unread: number;
}

function queueHref(f: QueueFilters, after: string | null): string {
  const params = new URLSearchParams();
  params.set('statut', f.status);
  if (f.kind) params.set('demarche', f.kind);
  if (f.department) params.set('departement', f.department);
  if (f.from) params.set('du', f.from);
  if (f.to) params.set('au', f.to);
  if (f.q) params.set('q', f.q);
  if (after) params.set('apres', after);
  return `/agents/vehicules?${params.toString()}`;
}

/** The instruction centre's queue: one status at a time, oldest first, filters and search, keyset pages. */
export function VehicleQueuePage(props: { agent: Agent; filters: QueueFilters; rows: QueueRow[]; next: string | null; kinds: ProcedureKind[] }) {
  const f = props.filters;
  return (
    <Layout title={`Demandes véhicules : ${STATUS_LABELS[f.status]}`}>
      <Breadcrumb items={[{ href: '/agents', label: 'Espace agent' }, { label: 'Demandes véhicules' }]} />
      <h1>Demandes véhicules à instruire</h1>
      <ErrorSummary errors={f.errors ?? {}} />
      <p>{props.agent.scope ? `Périmètre : département ${props.agent.scope}.` : 'Périmètre : national.'} Les demandes les plus anciennes sont en premier.</p>
      <Form action="/agents/vehicules" method="get">
        <div class="fr-grid-row fr-grid-row--gutters">
          <div class="fr-col-12 fr-col-md-4">
            <Select name="statut" label="État" value={f.status} options={QUEUE_STATUSES.map((s) => ({ value: s, label: s === 'to_complete' ? `${STATUS_LABELS[s]} (en attente de l’usager)` : STATUS_LABELS[s] }))} />
          </div>
          <div class="fr-col-12 fr-col-md-4">
            <Select name="demarche" label="Démarche" value={f.kind ?? ''} placeholder="Toutes" options={props.kinds.map((k) => ({ value: k, label: PROCEDURE_LABELS[k] }))} />
          </div>
          {!props.agent.scope && (
            <div class="fr-col-12 fr-col-md-4">
              <TextInput name="departement" label="Département (facultatif)" hint="Par exemple 75, 2A ou 974" value={f.department ?? ''} width="sm" />
            </div>
          )}
          <div class="fr-col-12 fr-col-md-4">
            <DateInput name="du" label="Transmise à partir du (facultatif)" example="01/12/2026" value={f.typed?.du ?? f.from ?? ''} error={f.errors?.du} />
          </div>
          <div class="fr-col-12 fr-col-md-4">
            <DateInput name="au" label="Transmise jusqu’au (facultatif)" example="01/12/2026" value={f.typed?.au ?? f.to ?? ''} error={f.errors?.au} />
          </div>
          <div class="fr-col-12 fr-col-md-4">
            <TextInput name="q" type="search" label="Rechercher" hint="Numéro de dossier, immatriculation, nom du titulaire ou du déposant, ou courriel" value={f.q} />
          </div>
        </div>
        <SubmitButton>Filtrer</SubmitButton>
      </Form>
      {Object.keys(f.errors ?? {}).length ? (
        <p class="fr-mt-4w">Corrigez les dates pour afficher les demandes.</p>
      ) : (
      <Table
        caption={`Demandes « ${STATUS_LABELS[f.status]} »`}
        headers={['Dossier', 'Démarche', 'Immatriculation', 'Titulaire', 'Département', 'Transmise le', 'Prise par', 'Messages']}
        empty="Aucune demande ne correspond à ces critères."
        rows={props.rows.map((r) => [
          <a href={`/agents/vehicules/${r.file_number}`}>{r.file_number}</a>,
          PROCEDURE_LABELS[r.kind],
          r.plate,
          r.filed_by ? (
            <>
              {r.holder}
              <br />
              <span class="fr-text--sm">Déposée par {r.filed_by}</span>
            </>
          ) : (
            r.holder
          ),
          r.department ?? '—',
          r.submitted_at ? formatShortDateTime(r.submitted_at) : '—',
          r.assigned_to ?? 'Personne',
          r.unread ? <span class="fr-badge fr-badge--sm fr-badge--new">{r.unread === 1 ? '1 non lu' : `${r.unread} non lus`}</span> : '—',
        ])}
      />
      )}
      <ul class="fr-btns-group fr-btns-group--inline-sm">
        {f.after && (
          <li>
            <a class="fr-btn fr-btn--secondary" href={queueHref(f, null)}>
              Revenir aux plus anciennes
            </a>
          </li>
        )}
        {props.next && (
          <li>
            <a class="fr-btn" href={queueHref(f, props.next)}>
              Demandes suivantes
            </a>
          </li>
        )}
      </ul>
    </Layout>
  );
}


export interface RequestView {
  p: VehicleProcedure;
  vehicle: Vehicle | null;
  holder: VehicleHolder | null;
  encumbrances: { kind: string; registered_at: Date }[];
  invalidated: { certificate_number: string; reason: string; invalidated_at: Date }[];
  account: { email: string; given_name: string | null; family_name: string | null; organisation_name: string | null; certified: boolean };
  assignee: string | null;
  pieces: Attachment[];
  messages: ThreadMessage[];
  history: { id: number; at: Date; actor_kind: 'user' | 'agent' | 'system'; action: string; display_name: string | null }[];
  actions: ProcedureAction[];
}

/** A request's full view for the instruction centre: data, registry, pieces, thread, history, decisions. */
export function VehicleRequestPage(props: { agent: Agent; view: RequestView; timeline: TimelineEntry[]; errors: FieldErrors; values: Record<string, string | undefined> }) {
  const { p, vehicle, holder, account } = props.view;
  const mine = p.assigned_agent_id === props.agent.id;
  const reason = (p.data as { duplicate?: { reason?: DuplicateReason } }).duplicate?.reason;
  const tpc = (p.data as { tpc?: TpcState }).tpc;
  const reviewable = mine && p.status === 'awaiting_review';
  return (
    <Layout title={`Demande ${p.file_number}`} hasErrors={Object.keys(props.errors).length > 0}>
      <Breadcrumb items={[{ href: '/agents', label: 'Espace agent' }, { href: `/agents/vehicules?statut=${p.status}`, label: 'Demandes véhicules' }, { label: p.file_number }]} />
      <ErrorSummary errors={props.errors} />
      <h1>
        {PROCEDURE_LABELS[p.kind]} {p.file_number}
      </h1>
      <SummaryList
        rows={[
          { key: 'État', value: STATUS_LABELS[p.status] },
          { key: 'Transmise le', value: p.submitted_at ? formatShortDateTime(p.submitted_at) : '—' },
          { key: 'Prise par', value: props.view.assignee ?? 'Personne' },
          ...(reason ? [{ key: 'Motif', value: DUPLICATE_REASONS[reason] }] : []),
          { key: 'Déposée par', value: `${[account.given_name, account.family_name].filter(Boolean).join(' ') || account.organisation_name || '—'} (${account.email})${account.certified ? ', compte certifié' : ''}` },
          { key: 'Pour', value: p.initiator === 'self' ? 'Lui-même (titulaire)' : 'Quelqu’un d’autre' },
        ]}
      />
      {mine ? (
        <Form action={`/agents/vehicules/${p.file_number}/liberer`}>
          <SubmitButton secondary>Remettre la demande dans la file</SubmitButton>
        </Form>
      ) : (
        props.view.actions.length === 0 &&
        ['awaiting_review', 'to_complete'].includes(p.status) && (
          <Form action={`/agents/vehicules/${p.file_number}/prendre`}>
            <SubmitButton>Prendre la demande</SubmitButton>
          </Form>
        )
      )}

      {tpc?.subcategory && (
        <>
          <h2 class="fr-mt-4w">Demande complémentaire</h2>
          <SummaryList
            rows={[
              { key: 'Catégorie', value: categoryOf(tpc.category)?.label ?? '—' },
              { key: 'Sous-catégorie', value: subcategoryOf(tpc.category, tpc.subcategory)?.label ?? '—' },
              { key: 'Objet', value: <span class="app-thread__body">{tpc.object}</span> },
              { key: 'Véhicule diplomatique', value: tpc.diplomatic ? 'Oui (pièces facultatives)' : 'Non' },
              ...(tpc.holder
                ? [
                    {
                      key: 'Titulaire déclaré',
                      value:
                        tpc.holder.kind === 'natural'
                          ? `${tpc.holder.given_names} ${tpc.holder.birth_name}, né(e) le ${tpc.holder.birth_date?.split('-').reverse().join('/')} à ${tpc.holder.birth_place}`
                          : `${tpc.holder.company_name} (SIREN ${tpc.holder.siren})`,
                    },
                    { key: 'Adresse déclarée', value: [tpc.holder.line1, tpc.holder.line2, `${tpc.holder.postcode} ${tpc.holder.commune}`].filter(Boolean).join(', ') },
                  ]
                : []),
            ]}
          />
        </>
      )}

      <h2 class="fr-mt-4w">Données du registre (SIV)</h2>
      {vehicle && holder ? (
        <SummaryList
          rows={[
            { key: 'Immatriculation', value: `${vehicle.plate} (${vehicle.plate_kind === 'siv' ? 'SIV' : 'FNI'})` },
            { key: 'Numéro d’identification (VIN)', value: vehicle.vin },
            { key: 'Certificat', value: vehicle.certificate_number ? `${vehicle.certificate_number} du ${formatDate(vehicle.certificate_date)}` : `du ${formatDate(vehicle.certificate_date)}` },
            { key: 'Titulaire', value: holder.kind === 'natural' ? `${holder.given_names} ${holder.birth_name}${holder.birth_date ? `, né(e) le ${formatDate(holder.birth_date)}` : ''}` : `${holder.company_name} (SIREN ${holder.siren ?? '—'})` },
            { key: 'Adresse', value: [holder.address_line1, holder.address_line2, `${holder.postcode} ${holder.commune}`].filter(Boolean).join(', ') },
            { key: 'Gages et oppositions', value: props.view.encumbrances.length ? props.view.encumbrances.map((e) => ENCUMBRANCE_LABELS[e.kind] ?? e.kind).join(' ; ') : 'Aucun' },
            ...(props.view.invalidated.length ? [{ key: 'Certificats invalidés', value: props.view.invalidated.map((c) => `${c.certificate_number} (${formatDate(c.invalidated_at)})`).join(', ') }] : []),
          ]}
        />
      ) : (
        <p>Cette demande ne concerne pas un véhicule inscrit au registre (par exemple une première immatriculation en France).</p>
      )}

      <h2 class="fr-mt-4w">Pièces jointes</h2>
      <AttachmentList items={props.view.pieces} hrefFor={(a) => `/agents/vehicules/${p.file_number}/pieces/${a.id}`} labels={PIECE_LABELS} />
      {reviewable &&
        props.view.pieces
          .filter((a) => a.review_status === 'pending')
          .map((a) => (
            <div class="fr-card fr-p-3w fr-mb-3w" key={a.id}>
              <h3 class="fr-h6">Examiner : {a.filename}</h3>
              <Form action={`/agents/vehicules/${p.file_number}/pieces/${a.id}/examen`}>
                <RadioGroup
                  name="decision"
                  idSuffix={String(a.id)}
                  label="Décision sur la pièce"
                  value={props.values[`decision-${a.id}`]}
                  error={props.errors[`decision-${a.id}`]}
                  options={[
                    { value: 'accepted', label: 'Accepter la pièce' },
                    { value: 'refused', label: 'Refuser la pièce' },
                  ]}
                />
                <Select name="reason" idSuffix={String(a.id)} label="Motif du refus" placeholder="Choisir un motif" value={props.values[`reason-${a.id}`]} error={props.errors[`reason-${a.id}`]} options={Object.entries(REFUSAL_REASONS).map(([value, label]) => ({ value, label }))} />
                <TextArea name="note" idSuffix={String(a.id)} label="Précision (montrée à l’usager)" value={props.values[`note-${a.id}`]} error={props.errors[`note-${a.id}`]} maxLength={500} />
                <SubmitButton>Enregistrer l’examen</SubmitButton>
              </Form>
            </div>
          ))}

      {props.view.actions.length > 0 && (
        <>
          <h2 class="fr-mt-4w">Décision</h2>
          {props.view.actions.map((a) => (
            <div class="fr-card fr-p-3w fr-mb-3w" key={a}>
              <Form action={`/agents/vehicules/${p.file_number}/decision/${a}`}>
                <h3 class="fr-h6">{AGENT_ACTION_LABELS[a]}</h3>
                <TextArea
                  name="note"
                  idSuffix={a}
                  label={a === 'reject' ? 'Motif du rejet (montré à l’usager)' : a === 'ask_complement' ? 'Note à l’usager : ce qu’il doit compléter' : a === 'process' ? 'Réponse à l’usager : ce qui a été fait' : 'Message à l’usager (facultatif)'}
                  value={props.values[`note-${a}`]}
                  error={props.errors[`note-${a}`]}
                  maxLength={4000}
                />
                <SubmitButton secondary={a !== 'accept_pieces' && a !== 'process'}>{AGENT_ACTION_LABELS[a]}</SubmitButton>
              </Form>
            </div>
          ))}
        </>
      )}

      <h2 class="fr-mt-4w">Messages avec l’usager</h2>
      <MessageThread messages={props.view.messages} viewer="agent" />
      <Form action={`/agents/vehicules/${p.file_number}/message`}>
        <TextArea name="message" label="Écrire à l’usager" value={props.values.message} error={props.errors.message} maxLength={4000} />
        <SubmitButton secondary>Envoyer le message</SubmitButton>
      </Form>

      <Timeline entries={props.timeline} title="Historique" />
    </Layout>
  );
}

/** Operators export a request's history (CSV) as evidence (terms of use §1.17). */
export function HistoryExportPage(props: { values: Record<string, string | undefined>; errors: FieldErrors }) {
  return (
    <Layout title="Exporter l’historique d’une demande" hasErrors={Object.keys(props.errors).length > 0}>
      <Breadcrumb items={[{ href: '/agents', label: 'Espace agent' }, { label: 'Historique d’une demande' }]} />
      <ErrorSummary errors={props.errors} />
      <h1>Exporter l’historique d’une demande</h1>
      <p>L’historique (journal d’audit chaîné) sert de preuve en cas de litige, conformément aux conditions d’utilisation (§ 1.17). L’export est lui-même journalisé.</p>
      <Form action="/agents/historique">
        <TextInput name="dossier" label="Numéro de dossier" hint="Par exemple V26-7K3M9QXD" value={props.values.dossier} error={props.errors.dossier} />
        <SubmitButton>Télécharger l’historique (CSV)</SubmitButton>
      </Form>
      <Alert kind="info" small>
        Chaque ligne porte son empreinte SHA-256 ; « npm run audit:verify » vérifie toute la chaîne.
      </Alert>
    </Layout>
  );
}
