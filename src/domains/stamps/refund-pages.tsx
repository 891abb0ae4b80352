import { formatCents, STAMP_REFUND_MONTHS } from './model.ts';
import { CHANNEL_LABELS, maskIban, REFUND_DECISIONS, REFUND_PIECES, REFUND_STATUS_LABELS, type RefundChannel, type RefundStatus } from './refund-model.ts';
import { formatSize } from '../../platform/files/attachments.ts';
import type { Attachment } from '../../platform/files/tables.ts';
import { Alert, Breadcrumb, SummaryList, Table } from '../../ui/components/content.tsx';
import { ErrorSummary, FileInput, Form, RadioGroup, SubmitButton, TextArea, TextInput, type FieldErrors } from '../../ui/components/form.tsx';
import { formatDate, formatShortDateTime } from '../../ui/format.ts';
import { Layout } from '../../ui/layout.tsx';

type Values = Record<string, string | string[] | undefined>;
const str = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';
const ORDER = ['form', 'stamp_number', 'channel', 'transaction_ref', 'amount', 'account_holder', 'iban', 'rib', 'identity'];

/** The refund request: the FAQ's two cases in one form (the tobacconist's fields are said to be for that case only). */
export function RefundFormPage(props: { values: Values; errors: FieldErrors }) {
  const { values, errors } = props;
  const ordered = Object.fromEntries(ORDER.filter((k) => errors[k]).map((k) => [k, errors[k]!]));
  return (
    <Layout title="Demander le remboursement d’un timbre fiscal" hasErrors={Object.keys(errors).length > 0}>
      <Breadcrumb items={[{ href: '/timbres', label: 'Timbres fiscaux' }, { label: 'Demander un remboursement' }]} />
      <ErrorSummary errors={ordered} />
      <h1>Demander le remboursement d’un timbre fiscal</h1>
      <p>
        Un timbre fiscal électronique qui n’a pas servi peut être remboursé dans les {STAMP_REFUND_MONTHS} mois suivant son achat. Votre demande est vérifiée par le service
        compétent ; vous recevez un courriel de confirmation, puis la décision. Le timbre ne peut plus être utilisé dès la demande.
      </p>
      <Form action="/timbres/remboursements/nouvelle" enctype="multipart/form-data">
        <input type="hidden" name="idempotency_key" value={str(values.idempotency_key)} />
        <TextInput name="stamp_number" label="Numéro du timbre" hint="16 chiffres, sur le justificatif d’achat" inputMode="numeric" value={str(values.stamp_number)} error={errors.stamp_number} />
        <RadioGroup
          name="channel"
          label="Où avez-vous acheté le timbre ?"
          options={(Object.keys(CHANNEL_LABELS) as RefundChannel[]).map((c) => ({
            value: c,
            label: CHANNEL_LABELS[c],
            hint: c === 'online' ? 'Remboursement sur la carte bancaire utilisée pour l’achat.' : 'Remboursement par virement : remplissez aussi la partie « Timbre acheté chez un buraliste ».',
          }))}
          value={str(values.channel)}
          error={errors.channel}
        />
        <TextInput name="transaction_ref" label="Référence ou numéro de transaction" hint="Sur le justificatif d’achat (en ligne) ou sur le ticket du buraliste" value={str(values.transaction_ref)} error={errors.transaction_ref} />
        <fieldset class="fr-fieldset fr-mt-4w" aria-labelledby="buraliste-legend">
          <legend class="fr-fieldset__legend" id="buraliste-legend">
            Timbre acheté chez un buraliste : à remplir en plus
          </legend>
          <div class="fr-fieldset__content">
            <TextInput name="amount" label="Montant du timbre (en euros)" hint="Par exemple 25,00" value={str(values.amount)} error={errors.amount} />
            <TextInput name="account_holder" label="Titulaire du compte à créditer" hint="Le compte doit être à votre nom ; un livret d’épargne (livret A) ne peut pas être crédité." value={str(values.account_holder)} error={errors.account_holder} />
            <TextInput name="iban" label="IBAN" hint="Sur votre RIB, par exemple FR76 3000 6000 0112 3456 7890 189" value={str(values.iban)} error={errors.iban} />
            <FileInput name="rib" label={REFUND_PIECES.rib} error={errors.rib} />
            <FileInput name="identity" label={REFUND_PIECES.identity} error={errors.identity} />
          </div>
        </fieldset>
        <SubmitButton>Envoyer la demande de remboursement</SubmitButton>
      </Form>
    </Layout>
  );
}

export interface RefundView {
  reference: string;
  channel: RefundChannel;
  iban: string | null;
  status: RefundStatus;
  decision_note: string | null;
  created_at: Date;
  decided_at: Date | null;
  last4: string;
  amount_cents: number;
}

/** The user's page of one request. */
export function RefundPage({ r }: { r: RefundView }) {
  return (
    <Layout title={`Remboursement de timbre ${r.reference}`}>
      <Breadcrumb items={[{ href: '/timbres', label: 'Timbres fiscaux' }, { label: `Remboursement ${r.reference}` }]} />
      <h1>Remboursement de timbre {r.reference}</h1>
      <p class={`fr-badge ${r.status === 'refunded' ? 'fr-badge--success' : r.status === 'refused' ? 'fr-badge--error' : 'fr-badge--info'}`}>{REFUND_STATUS_LABELS[r.status]}</p>
      {r.status === 'refused' && r.decision_note && (
        <Alert kind="error" title="Motif du refus">
          <p>{r.decision_note}</p>
        </Alert>
      )}
      <SummaryList
        rows={[
          { key: 'Timbre', value: `•••• ${r.last4}, ${formatCents(r.amount_cents)}` },
          { key: 'Acheté', value: CHANNEL_LABELS[r.channel] },
          { key: 'Remboursement', value: r.channel === 'online' ? 'Sur la carte bancaire utilisée pour l’achat' : `Par virement sur le compte ${maskIban(r.iban!)}` },
          { key: 'Demandé le', value: formatShortDateTime(r.created_at) },
          ...(r.decided_at ? [{ key: 'Décidé le', value: formatShortDateTime(r.decided_at) }] : []),
        ]}
      />
    </Layout>
  );
}

type QueueRow = { id: number; reference: string; channel: RefundChannel; created_at: Date; last4: string; amount_cents: number; purchased_at: Date; email: string };

export function RefundQueuePage({ rows }: { rows: QueueRow[] }) {
  return (
    <Layout title="Remboursements de timbres à vérifier">
      <Breadcrumb items={[{ href: '/agents', label: 'Espace agent' }, { label: 'Remboursements de timbres' }]} />
      <h1>Remboursements de timbres à vérifier</h1>
      <Table
        caption="Demandes en attente, de la plus ancienne à la plus récente"
        headers={['Référence', 'Timbre', 'Acheté', 'Demandeur', 'Demandé le']}
        empty="Aucune demande en attente."
        rows={rows.map((r) => [
          <a href={`/agents/timbres/remboursements/${r.id}`}>{r.reference}</a>,
          `•••• ${r.last4}, ${formatCents(r.amount_cents)} (acheté le ${formatDate(r.purchased_at)})`,
          CHANNEL_LABELS[r.channel],
          r.email,
          formatShortDateTime(r.created_at),
        ])}
      />
    </Layout>
  );
}

export interface RefundCase {
  id: number;
  reference: string;
  channel: RefundChannel;
  iban: string | null;
  account_holder: string | null;
  status: RefundStatus;
  decision_note: string | null;
  created_at: Date;
  last4: string;
  amount_cents: number;
  purchased_at: Date;
  email: string;
  family_name: string | null;
  given_name: string | null;
  organisation_name: string | null;
}

export function RefundCasePage(props: { r: RefundCase; pieces: Attachment[]; errors: FieldErrors; values: Values }) {
  const { r, errors } = props;
  const base = `/agents/timbres/remboursements/${r.id}`;
  const who = r.organisation_name ?? [r.given_name, r.family_name].filter(Boolean).join(' ');
  return (
    <Layout title={`Remboursement ${r.reference}`} hasErrors={Object.keys(errors).length > 0}>
      <Breadcrumb items={[{ href: '/agents', label: 'Espace agent' }, { href: '/agents/timbres/remboursements', label: 'Remboursements de timbres' }, { label: r.reference }]} />
      <ErrorSummary errors={errors} />
      <h1>Remboursement {r.reference}</h1>
      <p class="fr-badge fr-badge--info">{REFUND_STATUS_LABELS[r.status]}</p>
      <SummaryList
        rows={[
          { key: 'Demandeur', value: `${who || '—'} (${r.email})` },
          { key: 'Timbre', value: `•••• ${r.last4}, ${formatCents(r.amount_cents)}, acheté le ${formatDate(r.purchased_at)}` },
          { key: 'Acheté', value: CHANNEL_LABELS[r.channel] },
          ...(r.channel === 'tobacconist' ? [{ key: 'Compte à créditer', value: `${r.iban} (titulaire : ${r.account_holder})` }] : [{ key: 'Remboursement', value: 'Sur la carte bancaire utilisée pour l’achat' }]),
          { key: 'Demandé le', value: formatShortDateTime(r.created_at) },
        ]}
      />
      {r.channel === 'tobacconist' && (
        <Table
          caption="Pièces jointes"
          headers={['Pièce', 'Fichier']}
          empty="Aucune pièce."
          rows={props.pieces.map((a) => [
            REFUND_PIECES[a.purpose as keyof typeof REFUND_PIECES] ?? a.purpose,
            <>
              <a href={`${base}/pieces/${a.id}`} target="_blank" rel="noopener" title={`${a.filename} - nouvelle fenêtre`}>
                {a.filename}
              </a>{' '}
              ({formatSize(a.size_bytes)})
            </>,
          ])}
        />
      )}
      {r.status === 'pending' && (
        <>
          <h2>Décision</h2>
          <Form action={`${base}/decision/refund`}>
            <SubmitButton>{REFUND_DECISIONS.refund.label}</SubmitButton>
          </Form>
          <Form action={`${base}/decision/refuse`}>
            <TextArea name="note" label="Motif du refus (envoyé à l’usager)" maxLength={1000} value={str(props.values.note)} error={errors.note} />
            <SubmitButton secondary>{REFUND_DECISIONS.refuse.label}</SubmitButton>
          </Form>
        </>
      )}
      {r.status === 'refused' && r.decision_note && <p>Motif du refus : {r.decision_note}</p>}
    </Layout>
  );
}
