import { DownloadLink } from '../../../ui/components/download-link.tsx';
import { NewCodeNotice } from '../confidential-code/pages.tsx';
import type { ComponentChildren } from 'preact';
import { COMPANY_HOLDER_FIELDS, HOLDER_FIELDS, holderName, isCompanyHolder, spacedSiren, TRANSFER_STEP_SLUGS, TRANSFER_STEP_TITLES, TRANSFER_STEPS, USES, type NewHolder, type TransferStep } from './model.ts';
import { Accordion, Alert, SummaryList } from '../../../ui/components/content.tsx';
import { Checkbox, Form, RadioGroup, SubmitButton, TextInput, type FieldErrors } from '../../../ui/components/form.tsx';
import { ProcedureStepsLayout } from '../procedures/step-pages.tsx';
import { DateInput } from '../../../ui/components/date-input.tsx';
import { StepButtons } from '../../../ui/components/step-navigation.tsx';
import { formatEuros, type TaxLine } from '../taxes/model.ts';
import { TaxDetail } from '../taxes/pages.tsx';
import { FALSE_DECLARATION_WARNING } from '../../../ui/components/false-declaration.ts';

type Values = Record<string, string | undefined>;

/** A step's own address: /vehicules/demandes/<file>/titulaire/<slug>. */
export const transferStepUrl = (fileNumber: string, step: TransferStep): string => `/vehicules/demandes/${fileNumber}/titulaire/${TRANSFER_STEP_SLUGS[step]}`;

function TransferLayout(props: { fileNumber: string; plate: string; step: TransferStep; previous?: TransferStep; errors?: FieldErrors; order?: string[]; children: ComponentChildren }) {
  const { previous, ...rest } = props;
  return (
    <ProcedureStepsLayout
      procedure="Changement de titulaire"
      steps={TRANSFER_STEPS}
      titles={TRANSFER_STEP_TITLES}
      help="changement-de-titulaire"
      previous={previous ? transferStepUrl(props.fileNumber, previous) : undefined}
      {...rest}
    />
  );
}

export function TransferCodePage({
  fileNumber,
  plate,
  fni,
  accepted,
  values,
  errors,
  lockedUntil,
  refusal,
}: {
  fileNumber: string;
  plate: string;
  fni: boolean;
  accepted: boolean;
  values: Values;
  errors: FieldErrors;
  lockedUntil?: string;
  /** a code that proved the sale too late: another change of holder took the vehicle, and this one is abandoned */
  refusal?: { message: string; resume?: string };
}) {
  if (refusal)
    return (
      <TransferLayout fileNumber={fileNumber} plate={plate} step="code">
        <Alert kind="error" title="Cette démarche ne peut pas continuer">
          <p>{refusal.message}</p>
          <p>Ce dossier est abandonné : il ne reste pas dans vos brouillons.</p>
        </Alert>
        <p class="fr-mt-3w">
          {refusal.resume ? (
            <a class="fr-btn" href={`/vehicules/demandes/${refusal.resume}`}>
              Reprendre la démarche en cours ({refusal.resume})
            </a>
          ) : (
            <a class="fr-btn" href="/vehicules">
              Retour à mon espace véhicule
            </a>
          )}
        </p>
      </TransferLayout>
    );
  if (accepted)
    return (
      <TransferLayout fileNumber={fileNumber} plate={plate} step="code">
        <Alert kind="success" title="Étape validée">
          <p>La vente du véhicule {plate} a été vérifiée : le code de cession ne vous sera plus demandé pour cette démarche.</p>
        </Alert>
        <p class="fr-mt-3w">
          <a class="fr-btn" href={transferStepUrl(fileNumber, 'holder')}>
            Poursuivre
          </a>
        </p>
      </TransferLayout>
    );
  return (
    <TransferLayout fileNumber={fileNumber} plate={plate} step="code" errors={errors} order={['has_code', 'cession_code', 'certificate_number', 'certificate_date']}>
      {lockedUntil && <Alert kind="error" title="Trop d’essais">{`Trop de codes erronés ont été saisis depuis votre compte ou votre connexion : par sécurité, réessayez après le ${lockedUntil}.`}</Alert>}
      <Form action={`/vehicules/demandes/${fileNumber}/titulaire/code`}>
        <RadioGroup
          name="has_code"
          label="Avez-vous un code de cession ?"
          hint="Le vendeur l’obtient à la fin de sa déclaration de cession ; il est valable 15 jours."
          value={values.has_code}
          error={errors.has_code}
          inline
          options={[
            { value: 'oui', label: 'Oui' },
            { value: 'non', label: 'Non' },
          ]}
        />
        <TextInput name="cession_code" label="Si oui : code de cession" hint="11 lettres et chiffres, par exemple 4KFNTNJJ7P2" value={values.cession_code} error={errors.cession_code} spellcheck={false} autocomplete="off" />
        {fni ? (
          <DateInput name="certificate_date" label="Si non : date du certificat d’immatriculation (repère I)" example="21/06/2018" value={values.certificate_date} error={errors.certificate_date} />
        ) : (
          <>
            <TextInput name="certificate_number" label="Si non : numéro de formule de la carte grise" hint="11 caractères, par exemple 2017RV48832" value={values.certificate_number} error={errors.certificate_number} spellcheck={false} autocomplete="off" />
            <DateInput name="certificate_date" label="Si non : date du certificat d’immatriculation (repère I)" example="21/06/2018" value={values.certificate_date} error={errors.certificate_date} />
          </>
        )}
        <p class="fr-hint-text">
          Sans code de cession, seul l’acheteur que le vendeur a déclaré, connecté avec FranceConnect, peut faire la démarche pour lui-même, avec le
          numéro de formule et la date de l’ancienne carte grise.
        </p>
        <SubmitButton>Poursuivre</SubmitButton>
      </Form>
    </TransferLayout>
  );
}



export function TransferHolderPage({
  fileNumber,
  plate,
  formerHolder,
  company,
  values,
  errors,
}: {
  fileNumber: string;
  plate: string;
  formerHolder: string;
  /** the seller declared a company as the buyer: the company's fields instead of a person's */
  company: boolean;
  values: Values;
  errors: FieldErrors;
}) {
  return (
    <TransferLayout fileNumber={fileNumber} plate={plate} step="holder" previous="code" errors={errors} order={[...(company ? COMPANY_HOLDER_FIELDS : HOLDER_FIELDS)]}>
      <p>
        Ancien titulaire : <strong>{formerHolder}</strong>
      </p>
      <p>
        <a href={`/vehicules/demandes/${fileNumber}/accuse-enregistrement.pdf`}>Accusé d’enregistrement de la déclaration de cession (PDF)</a> : à
        signer par le vendeur et par vous, puis à envoyer au service administratif compétent.
      </p>
      <p class="fr-hint-text">
        {company
          ? 'Le vendeur a déclaré une entreprise comme acheteur : le nouveau titulaire est cette entreprise, avec sa raison sociale et son numéro SIREN tels qu’ils figurent sur le certificat de cession.'
          : 'Le nouveau titulaire est l’acheteur déclaré par le vendeur : saisissez son nom de naissance, ses prénoms et sa date de naissance tels qu’ils figurent sur le certificat de cession.'}
      </p>
      <Form action={`/vehicules/demandes/${fileNumber}/titulaire/nouveau-titulaire`}>
        <RadioGroup name="use" label="Usage du véhicule" value={values.use} error={errors.use} options={USES.map((u) => ({ value: u.value, label: u.label }))} />
        {company ? (
          <>
            <TextInput name="company_name" label="Raison sociale" autocomplete="organization" value={values.company_name} error={errors.company_name} />
            <TextInput name="siren" label="Numéro SIREN" hint="9 chiffres, par exemple 732 829 320" inputMode="numeric" value={values.siren} error={errors.siren} />
          </>
        ) : (
          <>
            <TextInput name="birth_name" label="Nom de naissance" autocomplete="family-name" value={values.birth_name} error={errors.birth_name} />
            <TextInput name="given_names" label="Prénoms" autocomplete="given-name" value={values.given_names} error={errors.given_names} />
            <DateInput name="birth_date" label="Date de naissance" autocomplete="bday" value={values.birth_date} error={errors.birth_date} />
            <TextInput name="birth_place" label="Commune de naissance" value={values.birth_place} error={errors.birth_place} />
          </>
        )}
        <TextInput name="address_line1" label="Numéro et voie" autocomplete="street-address" value={values.address_line1} error={errors.address_line1} />
        <TextInput name="postcode" label="Code postal" autocomplete="postal-code" inputMode="numeric" value={values.postcode} error={errors.postcode} />
        <TextInput name="commune" label="Commune" autocomplete="address-level2" value={values.commune} error={errors.commune} />
        <StepButtons later />
      </Form>
    </TransferLayout>
  );
}

export function TransferSummaryPage({ fileNumber, plate, formerHolder, holder, taxes, errors }: { fileNumber: string; plate: string; formerHolder: string; holder: NewHolder; taxes: TaxLine[] | null; errors: FieldErrors }) {
  return (
    <TransferLayout fileNumber={fileNumber} plate={plate} step="summary" previous="holder" errors={errors} order={['clu']}>
      <SummaryList
        rows={[
          { key: 'Véhicule', value: plate },
          { key: 'Ancien titulaire', value: formerHolder },
          { key: 'Nouveau titulaire', value: holderName(holder) },
          { key: 'Usage', value: USES.find((u) => u.value === holder.use)?.label ?? holder.use },
          ...(taxes ? [{ key: 'Montant à payer', value: formatEuros(taxes.at(-1)!.amountCents) }] : []),
        ]}
      />
      <Accordion title="Détail de l’identité et de l’adresse">
        <p>
          {isCompanyHolder(holder) ? (
            <>
              {holder.company_name.toUpperCase()}, SIREN {spacedSiren(holder.siren)}
            </>
          ) : (
            <>
              {holder.given_names} {holder.birth_name.toUpperCase()}, né(e) le {holder.birth_date.split('-').reverse().join('/')} à {holder.birth_place}
            </>
          )}
          <br />
          {holder.address_line1}, {holder.postcode} {holder.commune.toUpperCase()}
        </p>
      </Accordion>
      <Accordion title="Détail des taxes">
        {taxes ? <TaxDetail lines={taxes} /> : <p>La région du nouveau titulaire n’a pas pu être déterminée depuis son code postal : les taxes seront calculées au paiement.</p>}
      </Accordion>
      <p>
        <a class="fr-btn fr-btn--tertiary fr-btn--sm fr-mb-3w" href={transferStepUrl(fileNumber, 'holder')}>
          Modifier le nouveau titulaire
        </a>
      </p>
      <Form action={`/vehicules/demandes/${fileNumber}/titulaire/confirmer`}>
        <Checkbox name="clu" label="J’accepte les conditions légales d’utilisation et je certifie exactes les informations de la demande *" hint={FALSE_DECLARATION_WARNING} error={errors.clu} />
        <p class="fr-hint-text">* Case obligatoire.</p>
        <SubmitButton>Valider la demande</SubmitButton>
      </Form>
    </TransferLayout>
  );
}

export function TransferPaymentPage(props: {
  fileNumber: string;
  plate: string;
  paid: boolean;
  amountCents: number | null;
  canPay: boolean;
  lastAttempt: string | null;
  idempotencyKey: string;
  /** the documents its links serve, with their PDF's size */
  documents: { kind: string; bytes: number | null }[];
  /** "pour quelqu'un d'autre": the name of the holder the vehicle is now registered to */
  newHolder?: string;
}) {
  const { fileNumber, plate } = props;
  const bytes = (kind: string) => props.documents.find((d) => d.kind === kind)?.bytes;
  return (
    <TransferLayout fileNumber={fileNumber} plate={plate} step="payment">
      {props.paid ? (
        <>
          <Alert kind="success" title="Demande payée et enregistrée">
            <p>
              {props.newHolder
                ? `Le véhicule ${plate} est enregistré au nom de ${props.newHolder}. Imprimez le certificat provisoire d’immatriculation et remettez-le au nouveau titulaire : il lui permet de circuler en France pendant un mois, en attendant la carte grise envoyée à son domicile.`
                : `Le véhicule ${plate} est enregistré à votre nom. Imprimez le certificat provisoire d’immatriculation : il vous permet de circuler en France pendant un mois, en attendant la carte grise envoyée à votre domicile.`}
            </p>
            <NewCodeNotice />
          </Alert>
          <ul>
            <li>
              <DownloadLink href={`/vehicules/demandes/${fileNumber}/cpi.pdf`} label="Certificat provisoire d’immatriculation" bytes={bytes('cpi')} />
            </li>
            <li>
              <DownloadLink href={`/vehicules/demandes/${fileNumber}/recapitulatif.pdf`} label="Récapitulatif de la demande" bytes={bytes('recapitulatif')} />
            </li>
          </ul>
        </>
      ) : (
        <>
          <p>
            Votre demande {fileNumber} est enregistrée et le code de cession est utilisé. Elle vous attend dans « Mon espace véhicule » tant
            qu’elle n’est pas payée.
          </p>
          {props.lastAttempt && ['failed', 'error', 'cancelled', 'expired'].includes(props.lastAttempt) && (
            <Alert kind="warning" small>
              Le dernier paiement n’a pas abouti. Vous pouvez payer de nouveau : rien ne sera débité deux fois.
            </Alert>
          )}
          {props.amountCents !== null && <p class="fr-text--lead">Montant à payer : {formatEuros(props.amountCents)}</p>}
          {props.canPay && props.amountCents !== null ? (
            <Form action={`/vehicules/demandes/${fileNumber}/titulaire/payer`}>
              <input type="hidden" name="idempotency_key" value={props.idempotencyKey} />
              <SubmitButton>Payer par carte bancaire</SubmitButton>
            </Form>
          ) : (
            <Alert kind="info" small>
              Le paiement en ligne n’est pas encore ouvert sur ce portail.
            </Alert>
          )}
          <p class="fr-mt-3w">
            <DownloadLink href={`/vehicules/demandes/${fileNumber}/recapitulatif.pdf`} label="Télécharger le récapitulatif de la demande" bytes={bytes('recapitulatif')} />
          </p>
        </>
      )}
    </TransferLayout>
  );
}
