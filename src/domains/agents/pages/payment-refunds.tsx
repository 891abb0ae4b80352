import type { RefundRow } from '../../../platform/payment/refunds.ts';
import { Breadcrumb, Table } from '../../../ui/components/content.tsx';
import { Form } from '../../../ui/components/form.tsx';
import { formatShortDateTime } from '../../../ui/format.ts';
import { Layout } from '../../../ui/layout.tsx';
import { formatEuros } from '../../vehicles/taxes/model.ts';

const PROVIDER_LABELS: Record<string, string> = { payfip: 'PayFiP', simulateur: 'Simulateur (démonstration)' };
const REASON_LABELS: Record<RefundRow['reason'], string> = {
  already_paid: 'Démarche déjà payée par un autre paiement',
  not_payable: 'Démarche qui n’attendait plus de paiement',
};

export function PaymentRefundsPage({ rows }: { rows: RefundRow[] }) {
  const open = rows.filter((r) => !r.refunded_at).length;
  return (
    <Layout title="Paiements à rembourser">
      <Breadcrumb items={[{ href: '/agents', label: 'Espace agent' }, { label: 'Paiements à rembourser' }]} />
      <h1>Paiements à rembourser</h1>
      <p>
        Le prestataire de paiement a débité la carte de l’usager alors que la démarche était déjà payée (par exemple, un paiement dans deux onglets) ou
        n’attendait plus de paiement. Remboursez chaque paiement depuis l’espace du prestataire, avec sa référence de transaction, puis marquez-le comme
        remboursé : l’action est journalisée.
      </p>
      <p>{open === 0 ? 'Aucun paiement à rembourser.' : open === 1 ? '1 paiement à rembourser.' : `${open} paiements à rembourser.`}</p>
      <Table
        caption="Paiements à rembourser, les plus anciens d’abord, puis les derniers remboursés"
        headers={['Détecté le', 'Demande', 'Montant', 'Prestataire et transaction', 'Motif', 'État']}
        empty="Aucun paiement en double n’a été signalé par le prestataire."
        rows={rows.map((r) => [
          formatShortDateTime(r.detected_at),
          r.file_number,
          formatEuros(r.amount_cents),
          `${PROVIDER_LABELS[r.provider] ?? r.provider} : ${r.provider_transaction_id ?? '—'} (référence ${r.reference})`,
          REASON_LABELS[r.reason],
          r.refunded_at ? (
            `Remboursé le ${formatShortDateTime(r.refunded_at)}`
          ) : (
            <>
              <p class="fr-mb-1w">À rembourser</p>
              <Form action={`/agents/paiements-a-rembourser/${r.payment_id}/rembourse`}>
                <button type="submit" class="fr-btn fr-btn--sm fr-btn--secondary">
                  Marquer comme remboursé<span class="fr-sr-only"> : paiement de la demande {r.file_number}</span>
                </button>
              </Form>
            </>
          ),
        ])}
      />
    </Layout>
  );
}
