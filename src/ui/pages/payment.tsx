import { formatEuros } from '../../domains/vehicles/taxes/model.ts';
import { Alert } from '../components/content.tsx';
import { ErrorSummary, TextInput, type FieldErrors } from '../components/form.tsx';
import { Layout } from '../layout.tsx';

/** The built-in provider's hosted card page (embedded mode), clearly labelled as a simulator. */
export function SimulatedPaymentPage({ id, amountCents, values, errors }: { id: string; amountCents: number; values: Record<string, string | undefined>; errors: FieldErrors }) {
  return (
    <Layout title="Paiement par carte bancaire (simulateur)" hasErrors={Object.keys(errors).length > 0}>
      <ErrorSummary errors={errors} />
      <Alert kind="warning" small>
        Prestataire de paiement simulé — environnement de démonstration, aucune carte n’est débitée. Cartes de test : 4242 4242 4242 4242
        (acceptée), 4000 0000 0000 0002 (refusée), 4000 0000 0000 0119 (erreur technique).
      </Alert>
      <h1>Paiement par carte bancaire</h1>
      <p class="fr-text--lead">Montant : {formatEuros(amountCents)}</p>
      <form method="post" action={`/paiement-simule/${id}`} noValidate>
        <TextInput name="card_number" label="Numéro de la carte" hint="16 chiffres" inputMode="numeric" autocomplete="cc-number" error={errors.card_number} />
        <TextInput name="expiry" label="Date d’expiration" hint="MM/AA" autocomplete="cc-exp" value={values.expiry} error={errors.expiry} />
        <TextInput name="cvc" label="Cryptogramme" hint="3 chiffres au dos de la carte" inputMode="numeric" autocomplete="cc-csc" error={errors.cvc} />
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <button type="submit" class="fr-btn" name="action" value="valider">
              Valider
            </button>
          </li>
          <li>
            <button type="submit" class="fr-btn fr-btn--secondary" name="action" value="annuler">
              Annuler le paiement
            </button>
          </li>
        </ul>
      </form>
    </Layout>
  );
}

const OUTCOME: Record<string, { kind: 'success' | 'error' | 'info'; title: string; text: string; link: string }> = {
  paid: { kind: 'success', title: 'Paiement accepté', text: 'Pour finaliser, revenez sur le portail : votre démarche y est enregistrée.', link: 'Cliquer ici pour enregistrer votre paiement' },
  declined: {
    kind: 'error',
    title: 'Paiement refusé par la banque',
    text: 'Aucune somme n’a été débitée. Votre demande est conservée sur le portail : vous pouvez payer de nouveau, avec une autre carte si besoin.',
    link: 'Revenir sur le portail',
  },
  error: {
    kind: 'error',
    title: 'Erreur technique du prestataire',
    text: 'Aucune somme n’a été débitée. Votre demande est conservée sur le portail : vous pouvez payer de nouveau dans quelques minutes.',
    link: 'Revenir sur le portail',
  },
  cancelled: { kind: 'info', title: 'Paiement annulé', text: 'Aucune somme n’a été débitée. Votre demande est conservée sur le portail : vous pouvez payer quand vous voulez.', link: 'Revenir sur le portail' },
};

/** The attempt's outcome: only a payment that happened is "recorded" on the way back. */
export function SimulatedPaymentDonePage({ status, returnUrl }: { status: string; returnUrl: string }) {
  const o = OUTCOME[status] ?? { kind: 'info' as const, title: 'Paiement en cours', text: 'Revenez sur le portail : il vous dira où en est votre paiement.', link: 'Revenir sur le portail' };
  return (
    <Layout title={o.title}>
      <h1>{o.title}</h1>
      <Alert kind={o.kind}>{o.text}</Alert>
      <p>
        <a class="fr-btn" href={returnUrl}>
          {o.link}
        </a>
      </p>
    </Layout>
  );
}
