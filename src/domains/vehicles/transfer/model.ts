import { z } from 'zod';
import { POSTCODE_UNKNOWN } from '../../../platform/plausible.ts';
import { communesForPostcode } from '../registry/communes.ts';
import { plausibleBirthDate } from '../procedures/model.ts';
import { frenchDate } from '../../../platform/french-date.ts';
import { isValidSiren } from '../../accounts/identifiers.ts';

/**
 * Change of holder (changement de titulaire), for certified accounts: the code de cession (or,
 * without it, the old certificate's number or date when the seller declared the sale), the new
 * holder, the summary with the terms to tick, then payment.
 */
export const TRANSFER_STEPS = ['code', 'holder', 'summary', 'payment'] as const;
export type TransferStep = (typeof TRANSFER_STEPS)[number];
export const TRANSFER_STEP_TITLES: Record<TransferStep, string> = {
  code: 'Code de cession',
  holder: 'Nouveau titulaire',
  summary: 'Récapitulatif',
  payment: 'Paiement',
};

/** Each step at its own address: /vehicules/demandes/<file>/titulaire/<slug>. */
export const TRANSFER_STEP_SLUGS: Record<TransferStep, string> = { code: 'code', holder: 'nouveau-titulaire', summary: 'recapitulatif', payment: 'paiement' };
export const transferStepOfSlug = (slug: string): TransferStep | undefined => TRANSFER_STEPS.find((s) => TRANSFER_STEP_SLUGS[s] === slug);

/**
 * Whether a step can be shown when the request has reached `reached`: every step up to it (the code's
 * page then says it is accepted, and is not asked again); once filed, only the payment page.
 */
export function transferCanShow(reached: TransferStep, step: TransferStep): boolean {
  if (reached === 'payment') return step === 'payment';
  return TRANSFER_STEPS.indexOf(step) <= TRANSFER_STEPS.indexOf(reached);
}

/**
 * The fields of the new holder's page, in the order of the form: a person's, or a company's when the
 * seller declared a company as the buyer (the new holder is always the declared buyer). A draft keeps
 * only these.
 */
export const HOLDER_FIELDS = ['use', 'birth_name', 'given_names', 'birth_date', 'birth_place', 'address_line1', 'postcode', 'commune'] as const;
export const COMPANY_HOLDER_FIELDS = ['use', 'company_name', 'siren', 'address_line1', 'postcode', 'commune'] as const;
export const DRAFT_FIELDS = [...new Set([...HOLDER_FIELDS, ...COMPANY_HOLDER_FIELDS])];

export const USES = [
  { value: 'personnel', label: 'Usage personnel' },
  { value: 'professionnel', label: 'Usage professionnel' },
  { value: 'location', label: 'Location' },
  { value: 'collection', label: 'Véhicule de collection' },
] as const;

const text = (message: string, max = 100) => z.string({ error: message }).trim().min(1, message).max(max, `${max} caractères au plus`);

const use = z.enum(USES.map((u) => u.value) as ['personnel', 'professionnel', 'location', 'collection'], { error: 'Choisissez l’usage du véhicule' });
const address = {
  address_line1: text('Saisissez l’adresse du nouveau titulaire', 76),
  postcode: z.string({ error: 'Saisissez le code postal' }).trim().regex(/^\d{5}$/, 'Le code postal comporte 5 chiffres').refine((p) => communesForPostcode(p).length > 0, POSTCODE_UNKNOWN),
  commune: text('Saisissez la commune'),
};

export const newHolderSchema = z.object({
  use,
  birth_name: text('Saisissez le nom de naissance du nouveau titulaire'),
  given_names: text('Saisissez les prénoms du nouveau titulaire'),
  birth_date: frenchDate('la date de naissance du nouveau titulaire').superRefine(plausibleBirthDate),
  birth_place: text('Saisissez la commune de naissance du nouveau titulaire'),
  ...address,
});

/** A company as the new holder: its name and SIREN (spaces allowed as typed, kept as 9 digits). */
export const companyHolderSchema = z.object({
  use,
  company_name: text('Saisissez la raison sociale du nouveau titulaire', 200),
  siren: z
    .string({ error: 'Saisissez le numéro SIREN du nouveau titulaire' })
    .transform((s) => s.replace(/[\s.]/g, ''))
    .pipe(z.string().min(1, 'Saisissez le numéro SIREN du nouveau titulaire').refine(isValidSiren, 'Le numéro SIREN comporte 9 chiffres et doit être valide, par exemple 732 829 320')),
  ...address,
});

/** A person (requests saved before companies were offered have no `kind`: a person). */
export type PersonHolder = z.infer<typeof newHolderSchema> & { kind?: 'natural' };
export type CompanyHolder = z.infer<typeof companyHolderSchema> & { kind: 'legal' };
export type NewHolder = PersonHolder | CompanyHolder;
export const isCompanyHolder = (h: NewHolder): h is CompanyHolder => h.kind === 'legal';

/** 732829320 → « 732 829 320 », as a SIREN is printed. */
export const spacedSiren = (siren: string): string => siren.replace(/^(\d{3})(\d{3})(\d{3})$/, '$1 $2 $3');
/** The new holder as the pages and documents name it. */
export const holderName = (h: NewHolder): string => (isCompanyHolder(h) ? `${h.company_name.toUpperCase()} (SIREN ${spacedSiren(h.siren)})` : `${h.given_names} ${h.birth_name.toUpperCase()}`);
