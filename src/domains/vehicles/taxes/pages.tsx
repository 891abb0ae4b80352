import { formatEuros, type TaxLine } from './model.ts';
import { Breadcrumb } from '../../../ui/components/content.tsx';
import { ErrorSummary, Form, RadioGroup, Select, SubmitButton, TextInput, type FieldErrors } from '../../../ui/components/form.tsx';
import { Layout } from '../../../ui/layout.tsx';
import { DateInput } from '../../../ui/components/date-input.tsx';

/** The tax detail, as a table with the rule applied on each line; reused by procedure summaries. */
export function TaxDetail({ lines }: { lines: TaxLine[] }) {
  return (
    <div class="fr-table fr-table--no-scroll app-table">
      <table>
        <caption>Détail des taxes</caption>
        <thead>
          <tr>
            <th scope="col">Repère</th>
            <th scope="col">Taxe</th>
            <th scope="col">Montant</th>
            <th scope="col">Règle appliquée</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={l.field}>
              <td data-label="Repère">{l.field}</td>
              <td data-label="Taxe">{l.label}</td>
              <td data-label="Montant">{formatEuros(l.amountCents)}</td>
              {/* a rate still to be checked is the operators' business (back office, /agents/taxes), never shown to citizens */}
              <td data-label="Règle appliquée">{l.rule}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type Values = Record<string, string | undefined>;
const ORDER = ['procedure', 'region', 'plate', 'category', 'fiscal_power', 'energy', 'first_registration_date'];

export function TaxSimulatorPage({ regions, values, errors, lines }: { regions: { code: string; name: string }[]; values: Values; errors: FieldErrors; lines: TaxLine[] | null }) {
  const sorted = Object.fromEntries(ORDER.filter((k) => errors[k]).map((k) => [k, errors[k]!]));
  return (
    <Layout title="Simulateur du coût d’une carte grise" hasErrors={Object.keys(errors).length > 0}>
      <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { href: '/demarches/carte-grise', label: 'Carte grise' }, { label: 'Simulateur' }]} />
      <ErrorSummary errors={sorted} />
      <h1>Simulateur du coût d’une carte grise</h1>
      <p>Indiquez la démarche, la région de votre domicile et le véhicule (son immatriculation, ou ses caractéristiques).</p>
      {lines && (
        <div class="fr-mb-6w" id="resultat">
          <h2>Résultat : {formatEuros(lines.at(-1)!.amountCents)}</h2>
          <TaxDetail lines={lines} />
          <p class="fr-text--sm">Ce montant est une estimation : le montant exact est celui affiché au moment du paiement.</p>
        </div>
      )}
      <Form action="/simulateur-taxes" method="get">
        <RadioGroup
          name="procedure"
          label="Démarche"
          value={values.procedure}
          error={errors.procedure}
          options={[
            { value: 'holder_change', label: 'Changement de titulaire (véhicule d’occasion acheté en France)' },
            { value: 'duplicate', label: 'Duplicata (perte, vol, détérioration)' },
            { value: 'address_change', label: 'Changement d’adresse' },
          ]}
        />
        <Select name="region" label="Région de votre domicile" value={values.region} error={errors.region} options={regions.map((r) => ({ value: r.code, label: r.name }))} />
        <TextInput name="plate" label="Immatriculation (facultatif)" hint="Si vous la saisissez, les caractéristiques ci-dessous sont lues dans le registre" value={values.plate} error={errors.plate} />
        <h2 class="fr-h5">Ou les caractéristiques du véhicule</h2>
        <Select
          name="category"
          label="Catégorie (repère J.1)"
          value={values.category}
          error={errors.category}
          options={[
            { value: 'M1', label: 'M1 – voiture particulière' },
            { value: 'N1', label: 'N1 – camionnette' },
            { value: 'L3e', label: 'L3e – moto' },
            { value: 'L1e', label: 'L1e – cyclomoteur' },
          ]}
        />
        <TextInput name="fiscal_power" label="Puissance fiscale en CV (repère P.6)" inputMode="numeric" value={values.fiscal_power} error={errors.fiscal_power} />
        <Select
          name="energy"
          label="Énergie (repère P.3)"
          value={values.energy}
          error={errors.energy}
          options={[
            { value: 'ES', label: 'Essence' },
            { value: 'GO', label: 'Gazole' },
            { value: 'EL', label: 'Électricité' },
            { value: 'EE', label: 'Hybride essence-électricité' },
          ]}
        />
        <DateInput name="first_registration_date" label="Date de première immatriculation (repère B)" example="21/06/2018" value={values.first_registration_date} error={errors.first_registration_date} />
        <TextInput name="address_changes" label="Changement d’adresse : nombre de changements déjà faits depuis l’immatriculation au SIV" inputMode="numeric" value={values.address_changes} />
        <SubmitButton>Calculer</SubmitButton>
      </Form>
    </Layout>
  );
}
