import { formatCents, groupDigits, SHOP_AMOUNTS_CENTS, STAMP_REFUND_MONTHS, STAMP_STATUS_LABELS, STAMP_VALIDITY_MONTHS } from './model.ts';
import type { StampStatus } from './tables.ts';
import { Alert, Breadcrumb, SummaryList, Table } from '../../ui/components/content.tsx';
import { ErrorSummary, Form, RadioGroup, SubmitButton, type FieldErrors } from '../../ui/components/form.tsx';
import { formatDate, formatShortDateTime } from '../../ui/format.ts';
import { Layout } from '../../ui/layout.tsx';

export interface StampRow {
  id: number;
  last4: string;
  amount_cents: number;
  status: StampStatus;
  purchased_at: Date;
  used_at: Date | null;
  usage: string | null;
  refunded_at: Date | null;
  /** the purchase's reference, asked for a refund */
  transaction_ref: string;
  refundable: boolean;
}

const AMOUNT_HINTS: Record<number, string> = {
  2500: 'Carte d’identité ou permis de conduire après une perte ou un vol',
  1250: 'Les mêmes démarches en Guyane',
  8600: 'Passeport d’une personne majeure',
  4300: 'Passeport d’une personne majeure, en Guyane',
  4200: 'Passeport d’un mineur de 15 à 17 ans',
  2100: 'Passeport d’un mineur de 15 à 17 ans, en Guyane',
  1700: 'Passeport d’un mineur de moins de 15 ans',
  850: 'Passeport d’un mineur de moins de 15 ans, en Guyane',
};

function DemoNotice() {
  return (
    <Alert kind="warning" title="Boutique de démonstration">
      <p>
        Cette boutique simule l’achat d’un timbre fiscal électronique : aucun paiement n’est demandé et les timbres n’ont de valeur que sur ce
        portail de démonstration. Les vrais timbres s’achètent sur timbres.impots.gouv.fr ou chez un buraliste agréé.
      </p>
    </Alert>
  );
}

function stateText(s: StampRow): string {
  if (s.status === 'used' && s.used_at) return `${STAMP_STATUS_LABELS.used} le ${formatDate(s.used_at)}${s.usage ? ` (${s.usage})` : ''}`;
  if (s.status === 'refunded' && s.refunded_at) return `${STAMP_STATUS_LABELS.refunded} le ${formatDate(s.refunded_at)}`;
  return STAMP_STATUS_LABELS[s.status];
}

export function StampShopPage(props: { stamps: StampRow[]; values: Record<string, string | undefined>; errors: FieldErrors }) {
  const { errors } = props;
  return (
    <Layout title="Timbres fiscaux électroniques" hasErrors={Object.keys(errors).length > 0}>
      <Breadcrumb items={[{ href: '/compte', label: 'Mon compte' }, { label: 'Timbres fiscaux' }]} />
      <ErrorSummary errors={errors} />
      <h1>Timbres fiscaux électroniques</h1>
      <DemoNotice />
      <p>
        Un timbre fiscal électronique est un numéro de 16 chiffres. Il s’utilise une seule fois, dans les {STAMP_VALIDITY_MONTHS} mois suivant son
        achat ; s’il n’a pas servi, vous pouvez en demander le remboursement dans les {STAMP_REFUND_MONTHS} mois suivant l’achat.
      </p>
      <h2>Acheter un timbre</h2>
      {props.values.retour && (
        <Alert kind="info" title="Vous venez d’une demande en cours">
          <p>
            Une fois le timbre acheté, vous revenez à votre demande, son numéro affiché au-dessus du champ où le saisir.{' '}
            <a href={props.values.retour}>Revenir à ma demande sans acheter de timbre</a>
          </p>
        </Alert>
      )}
      <Form action="/timbres/acheter">
        <input type="hidden" name="idempotency_key" value={props.values.idempotency_key} />
        {props.values.retour && <input type="hidden" name="retour" value={props.values.retour} />}
        <RadioGroup
          name="amount"
          label="Montant du timbre"
          hint="Choisissez le montant demandé par votre démarche."
          value={props.values.amount}
          error={errors.amount}
          options={SHOP_AMOUNTS_CENTS.map((c) => ({ value: String(c), label: formatCents(c), hint: AMOUNT_HINTS[c] }))}
        />
        <SubmitButton>Acheter ce timbre (démonstration, sans paiement)</SubmitButton>
      </Form>
      <h2 class="fr-mt-6w">Mes timbres</h2>
      {props.stamps.length === 0 ? (
        <p>Vous n’avez acheté aucun timbre.</p>
      ) : (
        <Table
          caption="Les timbres que vous avez achetés"
          headers={['Numéro', 'Montant', 'Acheté le', 'État', 'Action']}
          rows={props.stamps.map((s) => [
            <a href={`/timbres/${s.id}`}>
              <span class="fr-sr-only">Timbre se terminant par </span>•••• {s.last4}
            </a>,
            formatCents(s.amount_cents),
            formatShortDateTime(s.purchased_at),
            stateText(s),
            s.refundable ? (
              <a class="fr-btn fr-btn--sm fr-btn--secondary" href="/timbres/remboursements/nouvelle">
                Demander le remboursement<span class="fr-sr-only"> du timbre se terminant par {s.last4}</span>
              </a>
            ) : (
              '—'
            ),
          ])}
        />
      )}
    </Layout>
  );
}

export function StampPage(props: { stamp: StampRow; number: string | null }) {
  const s = props.stamp;
  return (
    <Layout title={`Timbre fiscal se terminant par ${s.last4}`}>
      <Breadcrumb items={[{ href: '/compte', label: 'Mon compte' }, { href: '/timbres', label: 'Timbres fiscaux' }, { label: `Timbre •••• ${s.last4}` }]} />
      <h1>Timbre fiscal électronique</h1>
      <DemoNotice />
      {props.number && (
        <Alert kind="success" title="Votre timbre est acheté">
          <p>
            Numéro du timbre : <strong class="app-stamp-number" data-stamp-number={props.number}>{groupDigits(props.number)}</strong>
          </p>
          <p>Notez ce numéro maintenant : pour le protéger, le portail n’en garde que les 4 derniers chiffres et ne pourra plus vous l’afficher.</p>
        </Alert>
      )}
      <SummaryList
        rows={[
          { key: 'Numéro', value: props.number ? groupDigits(props.number) : `•••• •••• •••• ${s.last4}` },
          { key: 'Montant', value: formatCents(s.amount_cents) },
          { key: 'Acheté le', value: formatShortDateTime(s.purchased_at) },
          { key: 'Référence de transaction', value: s.transaction_ref },
          { key: 'État', value: stateText(s) },
        ]}
      />
      {s.refundable && (
        <p>
          Ce timbre n’a pas servi : vous pouvez <a href="/timbres/remboursements/nouvelle">en demander le remboursement</a> avec son numéro et sa référence de transaction.
        </p>
      )}
      <p>
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/timbres">
          Retour à mes timbres
        </a>
      </p>
    </Layout>
  );
}
