import type { ComponentChildren } from 'preact';
import { Breadcrumb, Stepper } from '../../components/content.tsx';
import { ErrorSummary, fieldId, type FieldErrors, type Option } from '../../components/form.tsx';
import { Layout } from '../../layout.tsx';
import { STEP_TITLES, STEPS, STATUSES, type Status, type Step } from '../../../domains/licences/model.ts';

/** Checkboxes in a fieldset (DSFR); the first box carries the field id the error summary links to. */
export function CheckboxGroup(props: { name: string; label: string; hint?: string; options: Option[]; values: string[]; error?: string }) {
  const id = fieldId(props.name);
  return (
    <fieldset class={`fr-fieldset${props.error ? ' fr-fieldset--error' : ''}`} aria-labelledby={`${id}-legend ${id}-messages`}>
      <legend class="fr-fieldset__legend" id={`${id}-legend`}>
        {props.label}
        {props.hint && <span class="fr-hint-text">{props.hint}</span>}
      </legend>
      {props.options.map((o, i) => {
        const optionId = i === 0 ? id : `${id}-${i}`;
        return (
          <div class="fr-fieldset__element" key={o.value}>
            <div class="fr-checkbox-group">
              <input type="checkbox" id={optionId} name={props.name} value={o.value} checked={props.values.includes(o.value)} />
              <label class="fr-label" for={optionId}>
                {o.label}
                {o.hint && <span class="fr-hint-text">{o.hint}</span>}
              </label>
            </div>
          </div>
        );
      })}
      <div class="fr-messages-group" id={`${id}-messages`} aria-live="polite">
        {props.error && <p class="fr-message fr-message--error">{props.error}</p>}
      </div>
    </fieldset>
  );
}

/** A file input (DSFR upload group) with its French error. */
export function FileInput(props: { name: string; label: string; hint: string; accept: string; error?: string }) {
  const id = fieldId(props.name);
  return (
    <div class={`fr-upload-group${props.error ? ' fr-upload-group--error' : ''} fr-mb-3w`}>
      <label class="fr-label" for={id}>
        {props.label}
        <span class="fr-hint-text">{props.hint}</span>
      </label>
      <input class="fr-upload" type="file" id={id} name={props.name} accept={props.accept} aria-invalid={props.error ? 'true' : undefined} aria-describedby={`${id}-messages`} />
      <div class="fr-messages-group" id={`${id}-messages`} aria-live="polite">
        {props.error && <p class="fr-message fr-message--error">{props.error}</p>}
      </div>
    </div>
  );
}

export function StatusBadge({ status }: { status: Status }) {
  return <p class={`fr-badge fr-badge--sm fr-badge--${STATUSES[status].badge}`}>{STATUSES[status].label}</p>;
}

/** URL slugs of the steps. */
export const STEP_SLUGS: Record<Exclude<Step, 'reason'>, string> = { details: 'precisions', identity: 'etat-civil', contact: 'coordonnees', pieces: 'pieces', summary: 'envoi' };
export const stepHref = (file: string, step: Exclude<Step, 'reason'>) => `/permis/demandes/${file}/etape/${STEP_SLUGS[step]}`;

/** The frame of a step: title, breadcrumb, error summary in field order, stepper. */
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
    </Layout>
  );
}
