import type { ComponentChildren } from 'preact';
import { Breadcrumb, Stepper } from '../../../ui/components/content.tsx';
import { ErrorSummary, type FieldErrors } from '../../../ui/components/form.tsx';
import { Layout } from '../../../ui/layout.tsx';
import { PreviousStepLink } from '../../../ui/components/step-navigation.tsx';
import { STEP_TITLES, STEPS, STATUSES, type Status, type Step } from '../model.ts';

export function StatusBadge({ status }: { status: Status }) {
  return <p class={`fr-badge fr-badge--sm fr-badge--${STATUSES[status].badge}`}>{STATUSES[status].label}</p>;
}

/** URL slugs of the steps. */
export const STEP_SLUGS: Record<Exclude<Step, 'reason'>, string> = { details: 'precisions', identity: 'etat-civil', contact: 'coordonnees', pieces: 'pieces', summary: 'envoi' };
export const stepHref = (file: string, step: Exclude<Step, 'reason'>) => `/permis/demandes/${file}/etape/${STEP_SLUGS[step]}`;

/** Where "Étape précédente" leads: the step before, or the request's page from the first step (its reason is fixed). */
function previousHref(file: string, step: Exclude<Step, 'reason'>): string {
  const before = STEPS[STEPS.indexOf(step) - 1];
  return !before || before === 'reason' ? `/permis/demandes/${file}` : stepHref(file, before);
}

/** The frame of a step: title, breadcrumb, error summary in field order, stepper, "Étape précédente". */
export function StepLayout(props: { file: string; reason: string; step: Step; errors?: FieldErrors; order?: string[]; children: ComponentChildren }) {
  const errors = props.errors ?? {};
  const keys = [...(props.order ?? []), ...Object.keys(errors)].filter((k, i, all) => errors[k] && all.indexOf(k) === i && k !== 'form');
  const sorted = Object.fromEntries([...keys, ...(errors.form ? ['form'] : [])].map((k) => [k, errors[k]!]));
  return (
    <Layout title={`Demande de permis ${props.file} : ${STEP_TITLES[props.step]}`} hasErrors={Object.keys(errors).length > 0}>
      <Breadcrumb items={[{ href: '/permis', label: 'Mon espace permis de conduire' }, { label: `Demande ${props.file}` }]} />
      <ErrorSummary errors={sorted} fieldIds={errors.form ? { form: 'contenu' } : undefined} />
      <h1>Demande de permis de conduire</h1>
      <p>
        Dossier n° <strong>{props.file}</strong> — motif : {props.reason}
      </p>
      <Stepper steps={STEPS.map((s) => STEP_TITLES[s])} current={STEPS.indexOf(props.step)} />
      {props.children}
      {props.step !== 'reason' && <PreviousStepLink href={previousHref(props.file, props.step)} />}
    </Layout>
  );
}
