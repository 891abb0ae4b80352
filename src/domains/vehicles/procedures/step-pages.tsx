import type { ComponentChildren } from 'preact';
import { Breadcrumb, Stepper } from '../../../ui/components/content.tsx';
import { ErrorSummary, Form, SubmitButton, type FieldErrors } from '../../../ui/components/form.tsx';
import { Alert } from '../../../ui/components/content.tsx';
import { formatEuros } from '../taxes/model.ts';
import { Layout } from '../../../ui/layout.tsx';
import { HelpLink } from '../../help/pages/help-link.tsx';
import { PreviousStepLink } from '../../../ui/components/step-navigation.tsx';

/**
 * The frame of a step-by-step vehicle procedure: title with the step, breadcrumb back to "Mon espace
 * véhicule", the error summary (fields in form order, then the form-wide problem), the stepper.
 */
export function ProcedureStepsLayout<S extends string>(props: {
  procedure: string;
  fileNumber: string;
  plate: string;
  steps: readonly S[];
  titles: Record<S, string>;
  step: S;
  errors?: FieldErrors;
  order?: string[];
  /** the help centre's article for this procedure (a slug of src/domains/help/articles.ts) */
  help?: string;
  /** the previous step's own address: an "Étape précédente" link above the step */
  previous?: string;
  /** false while the step after this one depends on an answer not given yet: no « Étape suivante » */
  nextKnown?: boolean;
  children: ComponentChildren;
}) {
  const errors = props.errors ?? {};
  const sorted = Object.fromEntries([...(props.order ?? []), 'form'].filter((k) => errors[k]).map((k) => [k, errors[k]!]));
  return (
    <Layout title={`${props.procedure} ${props.plate} : ${props.titles[props.step]}`} hasErrors={Object.keys(errors).length > 0}>
      <Breadcrumb items={[{ href: '/vehicules', label: 'Mon espace véhicule' }, { label: `${props.procedure} ${props.fileNumber}` }]} />
      <ErrorSummary errors={sorted} />
      <h1>
        {props.procedure} — <span class="app-nowrap">{props.plate}</span>
      </h1>
      <Stepper steps={props.steps.map((s) => props.titles[s])} current={props.steps.indexOf(props.step)} nextKnown={props.nextKnown} />
      {props.previous && <PreviousStepLink href={props.previous} />}
      {props.help && <HelpLink topic={props.help} />}
      {props.children}
    </Layout>
  );
}

/** A filed request waiting for its payment: the amount and the card button (with its idempotency key). */
export function PaymentDue(props: { intro: string; action: string; amountCents: number; canPay: boolean; idempotencyKey: string }) {
  return (
    <>
      <p>{props.intro}</p>
      <p class="fr-text--lead">Montant à payer : {formatEuros(props.amountCents)}</p>
      {props.canPay ? (
        <Form action={props.action}>
          <input type="hidden" name="idempotency_key" value={props.idempotencyKey} />
          <SubmitButton>Payer par carte bancaire</SubmitButton>
        </Form>
      ) : (
        <Alert kind="info" small>
          Le paiement en ligne n’est pas encore ouvert sur ce portail.
        </Alert>
      )}
    </>
  );
}
