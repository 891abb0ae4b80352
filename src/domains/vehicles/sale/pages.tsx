import { DownloadLink } from '../../../ui/components/download-link.tsx';
import type { ComponentChildren } from 'preact';
import { DOCUMENT_TITLES, ENCUMBRANCE_LABELS, type SaleDocumentContent } from '../procedures/documents.ts';
import { SALE_PAGE_SLUGS, SALE_STEP_TITLES, SALE_STEPS, type SalePage, type SaleStep } from './model.ts';
import type { IssuedDocumentKind } from '../tables.ts';
import { Alert, SummaryList } from '../../../ui/components/content.tsx';
import { Checkbox, Form, RadioGroup, SubmitButton, TextInput, type FieldErrors } from '../../../ui/components/form.tsx';
import { formatDate, formatDateTime } from '../../../ui/format.ts';
import { DateInput } from '../../../ui/components/date-input.tsx';
import { toFrenchDate } from '../../../platform/french-date.ts';
import { BackToMyRequests, StepButtons } from '../../../ui/components/step-navigation.tsx';
import { Layout } from '../../../ui/layout.tsx';
import { ProcedureStepsLayout } from '../procedures/step-pages.tsx';
import { FALSE_DECLARATION_WARNING } from '../../../ui/components/false-declaration.ts';

type Values = Record<string, string | undefined>;

/** A page's own address: /vehicules/demandes/<file>/cession/<slug>. */
export const salePageUrl = (fileNumber: string, page: SalePage): string => `/vehicules/demandes/${fileNumber}/cession/${SALE_PAGE_SLUGS[page]}`;

function SaleLayout(props: { fileNumber: string; plate: string; step: SaleStep; previous?: SalePage; errors?: FieldErrors; order?: string[]; children: ComponentChildren }) {
  const { previous, ...rest } = props;
  return (
    <ProcedureStepsLayout
      procedure="Déclaration de cession"
      steps={SALE_STEPS}
      titles={SALE_STEP_TITLES}
      help="declaration-de-cession"
      previous={previous ? salePageUrl(props.fileNumber, previous) : undefined}
      {...rest}
    />
  );
}

export function SaleStartPage({ fileNumber, plate, blocked, errors }: { fileNumber: string; plate: string; blocked: string | null; errors: FieldErrors }) {
  if (blocked)
    return (
      <SaleLayout fileNumber={fileNumber} plate={plate} step="start">
        <Alert kind="error" title="Vente impossible">
          <p>{blocked}</p>
        </Alert>
      </SaleLayout>
    );
  return (
    <SaleLayout fileNumber={fileNumber} plate={plate} step="start" errors={errors} order={['understood']}>
      <p>Vous vendez ou donnez votre véhicule : déclarez-le dans les 15 jours qui suivent la remise du véhicule.</p>
      <ul>
        <li>Vous pouvez commencer la déclaration avant la vente et la terminer après.</li>
        <li>À la fin, vous obtenez le code de cession, à remettre à l’acheteur : il ne sera affiché qu’une seule fois.</li>
        <li>Une opposition au transfert (OTCI) empêche la vente tant qu’elle n’est pas levée ; un gage ne l’empêche pas.</li>
      </ul>
      <Form action={`/vehicules/demandes/${fileNumber}/cession/commencer`}>
        <Checkbox name="understood" label="J’ai compris ces informations" error={errors.understood} />
        <SubmitButton>Poursuivre</SubmitButton>
      </Form>
    </SaleLayout>
  );
}

export function SaleDocumentsPage({ fileNumber, plate }: { fileNumber: string; plate: string }) {
  return (
    <SaleLayout fileNumber={fileNumber} plate={plate} step="documents" previous="start">
      <p>Le jour de la vente, vous remettez à l’acheteur :</p>
      <ul>
        <li>l’exemplaire n° 2 du certificat de cession (cerfa n° 15776*02), que vous téléchargerez à la fin ;</li>
        <li>un certificat de situation administrative (CSA) de moins de 15 jours, téléchargeable à la fin ;</li>
        <li>la carte grise barrée avec la mention « Vendu le » ou « Cédé le » (jour et heure), signée, le coupon détachable rempli (sauf vente à un professionnel) ;</li>
        <li>si le véhicule a plus de 4 ans, un contrôle technique de moins de 6 mois (2 mois en cas de contre-visite) ;</li>
        <li>le code de cession, affiché à la fin de cette déclaration.</li>
      </ul>
      <Form action={`/vehicules/demandes/${fileNumber}/cession/documents`}>
        <SubmitButton>Poursuivre</SubmitButton>
      </Form>
    </SaleLayout>
  );
}

const DECLARATION_ORDER = ['buyer_kind', 'buyer_birth_name', 'buyer_given_names', 'buyer_birth_date', 'buyer_company_name', 'buyer_siren', 'buyer_address_line1', 'buyer_postcode', 'buyer_commune', 'buyer_country', 'sale_date', 'sale_time', 'mileage'];
const BUYER_KINDS = [
  { value: 'natural', label: 'Une personne physique' },
  { value: 'legal', label: 'Une personne morale (entreprise, association…)' },
];

/** The buyer's kind first, on its own page: the next page asks only that kind's fields. */
export function SaleBuyerPage({ fileNumber, plate, holder, kind, errors }: { fileNumber: string; plate: string; holder: string; kind?: string; errors: FieldErrors }) {
  return (
    <SaleLayout fileNumber={fileNumber} plate={plate} step="declaration" previous="documents" errors={errors} order={['buyer_kind']}>
      <p>
        Titulaire actuel : <strong>{holder}</strong>
      </p>
      <Form action={`/vehicules/demandes/${fileNumber}/cession/acheteur`}>
        <RadioGroup name="buyer_kind" label="L’acheteur est" value={kind} error={errors.buyer_kind} options={BUYER_KINDS} />
        <StepButtons />
      </Form>
    </SaleLayout>
  );
}

export function SaleDeclarationPage({ fileNumber, plate, holder, kind, values, errors }: { fileNumber: string; plate: string; holder: string; kind: 'natural' | 'legal'; values: Values; errors: FieldErrors }) {
  return (
    <SaleLayout fileNumber={fileNumber} plate={plate} step="declaration" previous="buyer" errors={errors} order={DECLARATION_ORDER}>
      <p>
        Titulaire actuel : <strong>{holder}</strong>
      </p>
      <Form action={`/vehicules/demandes/${fileNumber}/cession/declaration`}>
        <h2 class="fr-h4">L’acheteur</h2>
        <p>
          L’acheteur est {kind === 'natural' ? 'une personne physique' : 'une personne morale'}.{' '}
          <a class="fr-link" href={salePageUrl(fileNumber, 'buyer')}>
            Modifier<span class="fr-sr-only"> : l’acheteur est une personne physique ou morale</span>
          </a>
        </p>
        {kind === 'natural' ? (
          <>
            <TextInput name="buyer_birth_name" label="Nom de naissance" value={values.buyer_birth_name} error={errors.buyer_birth_name} />
            <TextInput name="buyer_given_names" label="Prénoms" value={values.buyer_given_names} error={errors.buyer_given_names} />
            <DateInput name="buyer_birth_date" label="Date de naissance" hint="Obligatoire, même si l’acheteur réside à l’étranger" value={values.buyer_birth_date} error={errors.buyer_birth_date} />
          </>
        ) : (
          <>
            <TextInput name="buyer_company_name" label="Raison sociale" value={values.buyer_company_name} error={errors.buyer_company_name} />
            <TextInput name="buyer_siren" label="Numéro SIREN" hint="9 chiffres" inputMode="numeric" value={values.buyer_siren} error={errors.buyer_siren} />
          </>
        )}
        <Checkbox name="buyer_is_professional" label="L’acheteur est un professionnel de l’automobile" checked={values.buyer_is_professional === 'oui'} />
        <h2 class="fr-h4 fr-mt-4w">Adresse de l’acheteur</h2>
        <TextInput name="buyer_address_line1" label="Numéro et voie" autocomplete="street-address" value={values.buyer_address_line1} error={errors.buyer_address_line1} />
        <TextInput name="buyer_postcode" label="Code postal" autocomplete="postal-code" value={values.buyer_postcode} error={errors.buyer_postcode} />
        <TextInput name="buyer_commune" label="Commune" autocomplete="address-level2" value={values.buyer_commune} error={errors.buyer_commune} />
        <TextInput name="buyer_country" label="Pays" hint="Laissez FRANCE, ou indiquez le pays si l’acheteur réside à l’étranger" value={values.buyer_country ?? 'FRANCE'} error={errors.buyer_country} />
        <h2 class="fr-h4 fr-mt-4w">La vente</h2>
        <DateInput name="sale_date" label="Date de la vente" example="21/11/2026" value={values.sale_date} error={errors.sale_date} />
        <TextInput name="sale_time" label="Heure de la vente" hint="Par exemple 14:30 ou 14h30" value={values.sale_time} error={errors.sale_time} />
        <TextInput name="mileage" label="Kilométrage inscrit au compteur" inputMode="numeric" value={values.mileage} error={errors.mileage} />
        <StepButtons later />
      </Form>
    </SaleLayout>
  );
}

export function SaleSummaryPage({ fileNumber, plate, content, errors }: { fileNumber: string; plate: string; content: SaleDocumentContent; errors: FieldErrors }) {
  const change = salePageUrl(fileNumber, 'declaration');
  return (
    <SaleLayout fileNumber={fileNumber} plate={plate} step="summary" previous="declaration" errors={errors} order={['certify']}>
      <SummaryList
        rows={[
          { key: 'Véhicule', value: `${content.plate} (${content.category}), VIN ${content.vin}` },
          { key: 'Vendeur', value: content.seller.name },
          { key: 'Acheteur', value: `${content.buyer.name}${content.buyer.professional ? ', professionnel de l’automobile' : ''}`, changeHref: change },
          ...(content.buyer.birthDate ? [{ key: 'Date de naissance de l’acheteur', value: toFrenchDate(content.buyer.birthDate) }] : []),
          { key: 'Adresse de l’acheteur', value: content.buyer.address.join(', '), changeHref: change },
          { key: 'Date et heure de la vente', value: formatDateTime(new Date(content.saleAt)), changeHref: change },
          { key: 'Kilométrage', value: `${content.mileage.toLocaleString('fr-FR')} km`, changeHref: change },
          { key: 'Gages et oppositions', value: content.encumbrances.length ? content.encumbrances.map((e) => ENCUMBRANCE_LABELS[e.kind] ?? e.kind).join(' ; ') : 'Aucun' },
        ]}
      />
      <Form action={`/vehicules/demandes/${fileNumber}/cession/confirmer`}>
        <Checkbox name="certify" label="Je certifie exactes les informations de cette déclaration *" hint={FALSE_DECLARATION_WARNING} error={errors.certify} />
        <p class="fr-hint-text">* Case obligatoire.</p>
        <SubmitButton>Valider la déclaration</SubmitButton>
      </Form>
    </SaleLayout>
  );
}

export function SaleDonePage({ fileNumber, plate, code, documents, receiptBytes }: { fileNumber: string; plate: string; code: string | null; documents: { kind: IssuedDocumentKind; bytes?: number | null }[]; receiptBytes?: number | null }) {
  return (
    <SaleLayout fileNumber={fileNumber} plate={plate} step="done">
      <Alert kind="success" title="Votre déclaration est terminée">
        <p>
          Numéro de dossier : <span class="app-nowrap">{fileNumber}</span>
        </p>
      </Alert>
      {code ? (
        <div class="fr-callout app-cession-code">
          <h2 class="fr-callout__title">Code de cession du véhicule</h2>
          <p class="fr-callout__text">
            <strong class="app-code app-code--one-line" id="code-de-cession">
              {code}
            </strong>
          </p>
          <p>
            L’acheteur en aura besoin pour immatriculer le véhicule à son nom. Il est valable 15 jours. <strong>Notez-le maintenant :</strong> il ne
            sera plus affiché et n’est envoyé ni par courriel ni par courrier.
          </p>
        </div>
      ) : (
        <p>Le code de cession a été affiché une seule fois, à la fin de la déclaration.</p>
      )}
      <h2>Documents à télécharger</h2>
      <ul>
        {documents.map((d) => (
          <li key={d.kind}>
            <DownloadLink href={`/vehicules/demandes/${fileNumber}/documents/${d.kind}.pdf`} label={DOCUMENT_TITLES[d.kind]} bytes={d.bytes} />
          </li>
        ))}
        <li>
          <DownloadLink href={`/vehicules/demandes/${fileNumber}/accuse-enregistrement.pdf`} label="Accusé d’enregistrement de la déclaration de cession" bytes={receiptBytes} />
          <p class="fr-text--sm fr-mb-0">
            À signer par vous et par l’acheteur, puis à envoyer au service administratif compétent. L’acheteur le télécharge aussi depuis sa
            demande de changement de titulaire.
          </p>
        </li>
      </ul>
      <BackToMyRequests />
    </SaleLayout>
  );
}

export function VerificationPage({ doc }: { doc: { kind: IssuedDocumentKind; plate: string; issued_at: Date; content: { fileNumber: string; saleAt?: string; validUntil?: string } } | null }) {
  return (
    <Layout title="Vérification d’un document">
      <h1>Vérification d’un document</h1>
      {doc ? (
        <Alert kind="success" title="Ce document a bien été délivré par le portail">
          <SummaryList
            rows={[
              { key: 'Document', value: DOCUMENT_TITLES[doc.kind] },
              { key: 'Immatriculation', value: doc.plate },
              { key: 'Numéro de dossier', value: doc.content.fileNumber },
              ...(doc.content.saleAt ? [{ key: 'Date de la cession', value: formatDate(new Date(doc.content.saleAt)) }] : []),
              ...(doc.content.validUntil
                ? [{ key: 'Valable jusqu’au', value: `${formatDate(new Date(doc.content.validUntil))}${new Date(doc.content.validUntil) < new Date() ? ' (expiré)' : ''}` }]
                : []),
              { key: 'Délivré le', value: formatDateTime(doc.issued_at) },
            ]}
          />
        </Alert>
      ) : (
        <Alert kind="error" title="Document inconnu">
          <p>Aucun document délivré par le portail ne correspond à ce code. Le document présenté n’est peut-être pas authentique.</p>
        </Alert>
      )}
    </Layout>
  );
}
