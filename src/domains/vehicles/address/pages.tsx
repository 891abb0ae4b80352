import { DownloadLink } from '../../../ui/components/download-link.tsx';
import { NewCodeNotice } from '../confidential-code/pages.tsx';
import type { ComponentChildren } from 'preact';
import type { PostalAddress } from '../registry/communes.ts';
import { formatEuros, type TaxLine } from '../taxes/model.ts';
import { Accordion, Alert, SummaryList } from '../../../ui/components/content.tsx';
import { Checkbox, Form, SubmitButton, TextInput, type FieldErrors } from '../../../ui/components/form.tsx';
import { PaymentDue, ProcedureStepsLayout } from '../procedures/step-pages.tsx';
import { TaxDetail } from '../taxes/pages.tsx';
import { ADDRESS_FIELDS, ADDRESS_STEP_SLUGS, ADDRESS_STEP_TITLES, ADDRESS_STEPS, type AddressStep } from './model.ts';
import { FALSE_DECLARATION_WARNING } from '../../../ui/components/false-declaration.ts';

/** A step's own address: /vehicules/demandes/<file>/adresse/<slug>. */
export const addressStepUrl = (fileNumber: string, step: AddressStep): string => `/vehicules/demandes/${fileNumber}/adresse/${ADDRESS_STEP_SLUGS[step]}`;

function AddressLayout(props: { fileNumber: string; plate: string; step: AddressStep; previous?: AddressStep; errors?: FieldErrors; order?: string[]; children: ComponentChildren }) {
  const { previous, ...rest } = props;
  return (
    <ProcedureStepsLayout
      procedure="Changement d’adresse"
      steps={ADDRESS_STEPS}
      titles={ADDRESS_STEP_TITLES}
      help="changement-adresse"
      previous={previous ? addressStepUrl(props.fileNumber, previous) : undefined}
      {...rest}
    />
  );
}

export function AddressFormPage(props: { fileNumber: string; plate: string; holder: string; current: string[]; values: Record<string, string | undefined>; errors: FieldErrors }) {
  const { values, errors } = props;
  return (
    <AddressLayout fileNumber={props.fileNumber} plate={props.plate} step="address" errors={errors} order={[...ADDRESS_FIELDS]}>
      <SummaryList
        rows={[
          { key: 'Titulaire', value: props.holder },
          { key: 'Adresse actuelle', value: props.current.join(', ') },
        ]}
      />
      <p>Vous avez un mois après votre déménagement pour déclarer votre nouvelle adresse.</p>
      <Form action={addressStepUrl(props.fileNumber, 'address')}>
        <TextInput name="line1" label="Numéro et voie" hint="Par exemple 12 rue de la République" autocomplete="address-line1" value={values.line1} error={errors.line1} />
        <TextInput name="line2" label="Complément d’adresse (facultatif)" hint="Bâtiment, résidence, lieu-dit" autocomplete="address-line2" value={values.line2} error={errors.line2} />
        <TextInput name="postcode" label="Code postal" autocomplete="postal-code" inputMode="numeric" value={values.postcode} error={errors.postcode} />
        <TextInput name="commune" label="Commune" autocomplete="address-level2" value={values.commune} error={errors.commune} />
        <SubmitButton>Poursuivre</SubmitButton>
      </Form>
    </AddressLayout>
  );
}

export function AddressSummaryPage(props: { fileNumber: string; plate: string; proposed: PostalAddress; corrected: boolean; taxes: TaxLine[]; certificate: boolean; errors: FieldErrors }) {
  const a = props.proposed;
  return (
    <AddressLayout fileNumber={props.fileNumber} plate={props.plate} step="summary" previous="address" errors={props.errors} order={['clu']}>
      {props.corrected && (
        <Alert kind="info" small>
          Votre adresse a été vérifiée et mise à la norme postale (majuscules, sans accents, 38 caractères par ligne). Vérifiez-la ; vous pouvez
          la modifier.
        </Alert>
      )}
      <SummaryList
        rows={[
          { key: 'Nouvelle adresse', value: [a.line1, a.line2, `${a.postcode} ${a.commune}`].filter(Boolean).join(', '), changeHref: addressStepUrl(props.fileNumber, 'address') },
          { key: 'Ce que vous recevrez', value: props.certificate ? 'Un nouveau certificat d’immatriculation, et un certificat provisoire à imprimer' : 'Une étiquette gratuite, à coller sur votre carte grise' },
          { key: 'Montant à payer', value: formatEuros(props.taxes.at(-1)!.amountCents) },
        ]}
      />
      <Accordion title="Détail des taxes">
        <TaxDetail lines={props.taxes} />
      </Accordion>
      <Form action={`/vehicules/demandes/${props.fileNumber}/adresse/confirmer`}>
        <Checkbox name="clu" label="J’accepte les conditions légales d’utilisation et je certifie exactes les informations de la demande *" hint={FALSE_DECLARATION_WARNING} error={props.errors.clu} />
        <p class="fr-hint-text">* Case obligatoire.</p>
        <SubmitButton>Valider la demande</SubmitButton>
      </Form>
    </AddressLayout>
  );
}

export function AddressDonePage(props: { fileNumber: string; plate: string; outcome: 'label' | 'certificate'; paid: boolean; amountCents: number; canPay: boolean; idempotencyKey: string; documents: { kind: string; bytes: number | null }[] }) {
  const bytes = (kind: string) => props.documents.find((d) => d.kind === kind)?.bytes;
  const summary = <DownloadLink href={`/vehicules/demandes/${props.fileNumber}/recapitulatif.pdf`} label="Récapitulatif de la demande" bytes={bytes('recapitulatif')} />;
  return (
    <AddressLayout fileNumber={props.fileNumber} plate={props.plate} step="done">
      {props.outcome === 'label' ? (
        <Alert kind="success" title="Changement d’adresse enregistré">
          <p>Une étiquette gratuite vous est envoyée par courrier à votre nouvelle adresse : collez-la sur votre carte grise.</p>
          <p>{summary}</p>
        </Alert>
      ) : props.paid ? (
        <>
          <Alert kind="success" title="Changement d’adresse payé et enregistré">
            <p>Un nouveau certificat d’immatriculation vous est envoyé. Imprimez le certificat provisoire pour circuler en France pendant un mois.</p>
            <NewCodeNotice />
          </Alert>
          <ul>
            <li>
              <DownloadLink href={`/vehicules/demandes/${props.fileNumber}/cpi.pdf`} label="Certificat provisoire d’immatriculation" bytes={bytes('cpi')} />
            </li>
            <li>{summary}</li>
          </ul>
        </>
      ) : (
        <PaymentDue
          intro="Ce changement produit un nouveau certificat d’immatriculation : votre demande vous attend dans « Mon espace véhicule » jusqu’au paiement."
          action={`/vehicules/demandes/${props.fileNumber}/adresse/payer`}
          amountCents={props.amountCents}
          canPay={props.canPay}
          idempotencyKey={props.idempotencyKey}
        />
      )}
    </AddressLayout>
  );
}
