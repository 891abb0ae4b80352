import { STATUS_GROUPS, userStateLabel } from './model.ts';
import { PROCEDURE_LABELS } from './requirements.ts';
import type { ProcedureKind, ProcedureStatus, Vehicle, VehicleHolder, VehicleProcedure } from '../tables.ts';
import { Alert, Breadcrumb, SummaryList, Table } from '../../../ui/components/content.tsx';
import { ErrorSummary, Form, RadioGroup, SubmitButton, TextInput, type FieldErrors } from '../../../ui/components/form.tsx';
import { formatDate, formatShortDateTime } from '../../../ui/format.ts';
import { Layout } from '../../../ui/layout.tsx';
import { Timeline } from '../../../ui/components/timeline.tsx';
import type { TimelineEntry } from '../../my-requests/timeline.ts';
import { CodeEntry } from '../confidential-code/pages.tsx';

type Row = { file_number: string; kind: ProcedureKind; status: ProcedureStatus; submitted_at: Date | null; updated_at: Date; plate: string | null; unread: number };
type Values = Record<string, string | undefined>;

export function VehicleSpacePage({ groups }: { groups: Record<keyof typeof STATUS_GROUPS, Row[]> }) {
  return (
    <Layout title="Mon espace véhicule">
      <Breadcrumb items={[{ href: '/compte', label: 'Mon compte' }, { label: 'Mon espace véhicule' }]} />
      <h1>Mon espace véhicule</h1>
      <p>
        <a class="fr-btn fr-icon-add-line fr-btn--icon-left" href="/vehicules/demandes/nouvelle">
          Ajouter une demande
        </a>
      </p>
      {(Object.keys(STATUS_GROUPS) as (keyof typeof STATUS_GROUPS)[]).map((key) => (
        <section class="fr-mt-4w" key={key}>
          <h2>{STATUS_GROUPS[key].label}</h2>
          <Table
            caption={null}
            headers={['Numéro de dossier', 'Démarche', 'Immatriculation', 'État', 'Mise à jour']}
            empty="Aucune démarche."
            rows={groups[key].map((r) => [
              <a href={`/vehicules/demandes/${r.file_number}`}>{r.file_number}</a>,
              PROCEDURE_LABELS[r.kind],
              r.plate ?? '—',
              <>
                {userStateLabel(r)}
                {r.status === 'to_complete' && <p class="fr-badge fr-badge--sm fr-badge--warning fr-mb-0">Action requise</p>}
                {r.unread > 0 && <p class="fr-badge fr-badge--sm fr-badge--new fr-mb-0">{r.unread === 1 ? '1 message non lu' : `${r.unread} messages non lus`}</p>}
              </>,
              formatShortDateTime(r.updated_at),
            ])}
          />
        </section>
      ))}
    </Layout>
  );
}

export function StartProcedurePage({ values, errors, certified, resume }: { values: Values; errors: FieldErrors; certified: boolean; resume?: string }) {
  const order = ['kind', 'initiator', 'plate'];
  const sorted = Object.fromEntries(order.filter((k) => errors[k]).map((k) => [k, errors[k]!]));
  return (
    <Layout title="Ajouter une demande" hasErrors={Object.keys(errors).length > 0}>
      <Breadcrumb items={[{ href: '/vehicules', label: 'Mon espace véhicule' }, { label: 'Ajouter une demande' }]} />
      <ErrorSummary errors={sorted} />
      <h1>Ajouter une demande</h1>
      {resume && (
        <p>
          <a class="fr-btn" href={`/vehicules/demandes/${resume}`}>
            Reprendre la démarche en cours ({resume})
          </a>
        </p>
      )}
      {!certified && (
        <Alert kind="info" small>
          Avec un compte du portail, le code confidentiel du véhicule vous sera demandé. Connecté avec FranceConnect, vous
          n’en avez pas besoin pour vos propres véhicules.
        </Alert>
      )}
      <Form action="/vehicules/demandes/nouvelle">
        <input type="hidden" name="idempotency_key" value={values.idempotency_key} />
        <RadioGroup
          name="kind"
          label="Quelle démarche ?"
          value={values.kind}
          error={errors.kind}
          options={(Object.keys(PROCEDURE_LABELS) as ProcedureKind[]).map((k) => ({
            value: k,
            label: PROCEDURE_LABELS[k],
            hint:
              k === 'holder_change'
                ? 'Réservé aux comptes certifiés (FranceConnect ou professionnel habilité), avec le code de cession remis par le vendeur'
                : k === 'complementary'
                  ? 'Toute autre demande (première immatriculation en France, correction, changement de situation, justificatif…), transmise au centre d’instruction. Réservé aux comptes certifiés ; la plaque du véhicule, s’il y en a une, est demandée ensuite.'
                  : undefined,
          }))}
        />
        <RadioGroup
          name="initiator"
          label="Pour qui ?"
          value={values.initiator}
          error={errors.initiator}
          inline
          options={[
            { value: 'self', label: 'Pour moi-même' },
            { value: 'other', label: 'Pour quelqu’un d’autre' },
          ]}
        />
        <TextInput name="plate" label="Numéro d’immatriculation" hint="Repère A de la carte grise, par exemple AB-123-CD ou 1234 AB 75 (à laisser vide pour une demande complémentaire)" value={values.plate} error={errors.plate} spellcheck={false} />
        <SubmitButton>Commencer la démarche</SubmitButton>
      </Form>
    </Layout>
  );
}

export function ProcedurePage(props: {
  procedure: VehicleProcedure;
  label: string;
  vehicle: Vehicle;
  holder: VehicleHolder | null;
  lockedUntil: Date | null;
  errors: FieldErrors;
  timeline?: TimelineEntry[];
  /** a code that proved possession too late: another procedure of this kind took the vehicle, and this one is abandoned */
  refusal?: { message: string; resume?: string };
}) {
  const { procedure, vehicle, holder } = props;
  return (
    <Layout title={`${props.label} ${vehicle.plate}`} hasErrors={Object.keys(props.errors).length > 0}>
      <Breadcrumb items={[{ href: '/vehicules', label: 'Mon espace véhicule' }, { label: procedure.file_number }]} />
      <ErrorSummary errors={props.errors} />
      <h1>
        {props.label} — <span class="app-nowrap">{vehicle.plate}</span>
      </h1>
      {props.refusal && (
        <Alert kind="error" title="Cette démarche ne peut pas continuer">
          <p>{props.refusal.message}</p>
          <p>Ce dossier est abandonné : il ne reste pas dans vos brouillons.</p>
          {props.refusal.resume && (
            <p>
              <a href={`/vehicules/demandes/${props.refusal.resume}`}>Reprendre la démarche en cours ({props.refusal.resume})</a>
            </p>
          )}
        </Alert>
      )}
      <SummaryList
        rows={[
          { key: 'Numéro de dossier', value: procedure.file_number },
          { key: 'État', value: userStateLabel(procedure) },
          { key: 'Pour', value: procedure.initiator === 'self' ? 'Moi-même' : 'Quelqu’un d’autre' },
          { key: 'Commencée le', value: formatShortDateTime(procedure.created_at) },
          ...(holder
            ? [
                { key: 'Titulaire', value: holder.kind === 'natural' ? `${holder.given_names} ${holder.birth_name}` : (holder.company_name ?? '') },
                { key: 'Certificat', value: vehicle.certificate_number ? `${vehicle.certificate_number} du ${formatDate(vehicle.certificate_date)}` : `Ancien numéro, certificat du ${formatDate(vehicle.certificate_date)}` },
              ]
            : []),
        ]}
      />
      {procedure.status === 'awaiting_code' && <CodeEntry fileNumber={procedure.file_number} lockedUntil={props.lockedUntil} error={props.errors.code} />}
      {procedure.kind === 'sale_declaration' && (procedure.status === 'in_progress' || procedure.status === 'completed') && (
        <p>
          <a class="fr-btn" href={`/vehicules/demandes/${procedure.file_number}/cession`}>
            {procedure.status === 'completed' ? 'Voir la déclaration et ses documents' : 'Continuer la déclaration de cession'}
          </a>
        </p>
      )}
      {procedure.kind === 'holder_change' && procedure.status !== 'cancelled' && (
        <p>
          <a class="fr-btn" href={`/vehicules/demandes/${procedure.file_number}/titulaire`}>
            {procedure.status === 'awaiting_payment' ? 'Voir la demande' : 'Continuer le changement de titulaire'}
          </a>
        </p>
      )}
      {procedure.kind === 'address_change' && ['in_progress', 'awaiting_payment', 'completed'].includes(procedure.status) && (
        <p>
          <a class="fr-btn" href={`/vehicules/demandes/${procedure.file_number}/adresse`}>
            {procedure.status === 'in_progress' ? 'Continuer le changement d’adresse' : 'Voir la demande'}
          </a>
        </p>
      )}
      {procedure.kind === 'duplicate' && !['awaiting_code', 'cancelled'].includes(procedure.status) && (
        <p>
          <a class="fr-btn" href={`/vehicules/demandes/${procedure.file_number}/duplicata`}>
            {procedure.status === 'to_complete' ? 'Répondre au centre d’instruction' : procedure.status === 'in_progress' ? 'Continuer la demande de duplicata' : 'Voir la demande'}
          </a>
        </p>
      )}
      {procedure.status === 'in_progress' && procedure.kind !== 'sale_declaration' && (procedure.kind !== 'holder_change' || procedure.claimed) && (
        <Alert kind="success" title="Identification faite">
          <p>
            Le véhicule et votre droit à faire la démarche sont vérifiés. Votre dossier {procedure.file_number} est enregistré dans « Mon espace
            véhicule ».
          </p>
        </Alert>
      )}
      {ABANDONABLE.includes(procedure.status) && (
        <p class="fr-mt-4w">
          <a class="fr-link fr-icon-delete-line fr-link--icon-left" href={`/vehicules/demandes/${procedure.file_number}/abandon`}>
            Abandonner la démarche
          </a>
        </p>
      )}
      {props.timeline && <Timeline entries={props.timeline} />}
    </Layout>
  );
}

/** The statuses a user may abandon a procedure from (a confirmation page first: one click never loses a procedure). */
export const ABANDONABLE: readonly ProcedureStatus[] = ['awaiting_code', 'in_progress', 'awaiting_payment'];

export function AbandonPage({ fileNumber, label }: { fileNumber: string; label: string }) {
  const base = `/vehicules/demandes/${fileNumber}`;
  return (
    <Layout title={`Abandonner la démarche ${fileNumber}`}>
      <Breadcrumb items={[{ href: '/vehicules', label: 'Mon espace véhicule' }, { href: base, label: `Démarche ${fileNumber}` }, { label: 'Abandonner' }]} />
      <h1>Abandonner la démarche {fileNumber} ?</h1>
      <p>
        {label} : si vous l’abandonnez, elle ne pourra pas être reprise et ce que vous avez saisi sera perdu. Vous pourrez commencer une nouvelle démarche.
      </p>
      <Form action={`${base}/abandon`}>
        <ul class="fr-btns-group fr-btns-group--inline-sm">
          <li>
            <SubmitButton>Oui, abandonner la démarche</SubmitButton>
          </li>
          <li>
            <a class="fr-btn fr-btn--secondary" href={base}>
              Non, revenir à la démarche
            </a>
          </li>
        </ul>
      </Form>
    </Layout>
  );
}
