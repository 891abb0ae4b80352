import { DateInput } from '../../../ui/components/date-input.tsx';
import { toFrenchDate } from '../../../platform/french-date.ts';
import { RATE_KINDS, WEIGHT_CLASSES } from './admin.ts';
import type { TaxRateKind } from '../tables.ts';
import { formatEuros } from './model.ts';
import { Alert, Breadcrumb, Table } from '../../../ui/components/content.tsx';
import { Checkbox, ErrorSummary, Form, Select, SubmitButton, TextInput, type FieldErrors } from '../../../ui/components/form.tsx';
import { formatDate } from '../../../ui/format.ts';
import { Layout } from '../../../ui/layout.tsx';

interface Rate {
  id: number;
  kind: TaxRateKind;
  key: string;
  effective_from: Date;
  amount_cents: number;
  verified: boolean;
  source: string;
  updated_by: string;
}

/** The rates in force and scheduled, and the form to schedule a new one (operators). */
export function TaxRatesPage(props: { rows: Rate[]; regions: { code: string; name: string }[]; today: string; values: Record<string, string | undefined>; errors: FieldErrors }) {
  const keyLabel = (r: Rate) => (RATE_KINDS[r.kind].keys === 'region' ? (props.regions.find((g) => g.code === r.key)?.name ?? r.key) : RATE_KINDS[r.kind].keys === 'weight' ? WEIGHT_CLASSES[r.key as keyof typeof WEIGHT_CLASSES] : '—');
  const v = props.values;
  return (
    <Layout title="Taux des taxes" hasErrors={Object.keys(props.errors).length > 0}>
      <Breadcrumb items={[{ href: '/agents', label: 'Espace agent' }, { label: 'Taux des taxes' }]} />
      <ErrorSummary errors={props.errors} />
      <h1>Taux des taxes sur les certificats d’immatriculation</h1>
      <p>Un taux n’est jamais réécrit : on programme le suivant, qui s’applique à partir de sa date. Les calculs passés restent ainsi explicables. Les serveurs prennent un nouveau taux en compte dans la minute.</p>
      <h2>Programmer un nouveau taux</h2>
      <Form action="/agents/taxes">
        <Select name="kind" label="Taxe" placeholder="Choisir une taxe" value={v.kind} error={props.errors.kind} options={Object.entries(RATE_KINDS).map(([value, k]) => ({ value, label: k.label }))} />
        <Select
          name="key"
          label="Région ou classe de poids (selon la taxe)"
          hint="Sans objet pour la taxe fixe et la redevance d’acheminement"
          placeholder="Sans objet"
          value={v.key}
          error={props.errors.key}
          options={[...props.regions.map((r) => ({ value: r.code, label: `Région : ${r.name}` })), ...Object.entries(WEIGHT_CLASSES).map(([value, label]) => ({ value, label: `Poids : ${label}` }))]}
        />
        <DateInput name="effective_from" label="En vigueur à partir du" example="01/01/2027" hint={`Aujourd’hui (${toFrenchDate(props.today)}) ou plus tard`} value={v.effective_from} error={props.errors.effective_from} />
        <TextInput name="amount" label="Montant" hint="En euros (par exemple 46,00), ou en pourcentage entier pour la réduction des véhicules électriques" inputMode="text" value={v.amount} error={props.errors.amount} />
        <TextInput name="source" label="Source" hint="Texte officiel, délibération du conseil régional, arrêté…" value={v.source} error={props.errors.source} />
        <Checkbox name="verified" value="oui" checked={v.verified === 'oui'} label="Valeur vérifiée sur Légifrance ou le texte officiel" />
        <SubmitButton>Programmer le taux</SubmitButton>
      </Form>
      <h2 class="fr-mt-4w">Taux en vigueur et programmés</h2>
      <Alert kind="info" small>
        Les valeurs « non vérifiées » viennent de sources secondaires : à confirmer avant la mise en service.
      </Alert>
      <Table
        caption="Taux en vigueur aujourd’hui et taux à venir"
        headers={['Taxe', 'Région ou poids', 'À partir du', 'Montant', 'Vérifié', 'Source', 'Saisi par']}
        rows={props.rows.map((r) => [
          RATE_KINDS[r.kind].label,
          keyLabel(r),
          `${formatDate(r.effective_from)}${r.effective_from.toISOString().slice(0, 10) > props.today ? ' (à venir)' : ''}`,
          RATE_KINDS[r.kind].unit === 'percent' ? `${r.amount_cents} %` : formatEuros(r.amount_cents),
          r.verified ? 'Oui' : 'Non vérifié',
          r.source,
          r.updated_by === 'migration' ? 'Chargement initial' : r.updated_by,
        ])}
      />
    </Layout>
  );
}
