import { z } from 'zod';
import type { ProcedureStatus } from '../tables.ts';
import { plausibleBirthDate } from '../procedures/model.ts';
import { frenchDate } from '../../../platform/french-date.ts';

/**
 * The complementary procedure (téléprocédure complémentaire, TPC), as the training slides list it:
 * categories, their sub-categories, and the pieces to scan for each. Every TPC needs pieces, except
 * for a diplomatic vehicle; someone acting for another person adds the mandate (cerfa 13757) and
 * the mandant's identity document.
 */
export const TPC_PIECES = {
  mandant_id: 'Justificatif d’identité du mandant',
  mandate_13757: 'Mandat signé (cerfa n° 13757)',
  address_proof: 'Justificatif d’adresse',
  cerfa_13749: 'Demande d’immatriculation d’un véhicule neuf signée (cerfa n° 13749)',
  sale_proof: 'Justificatif de vente',
  conformity: 'Certificat de conformité ou pièce équivalente justifiant les caractéristiques techniques du véhicule',
  tax_proof_abroad: 'Justificatif fiscal (si le véhicule a été acquis à l’étranger)',
  tax_proof: 'Justificatif fiscal',
  sale_or_ownership_proof: 'Justificatif de vente ou de propriété',
  foreign_certificate: 'Certificat d’immatriculation étranger ou pièce équivalente justifiant les caractéristiques techniques du véhicule',
  foreign_certificate_ownership: 'Certificat d’immatriculation étranger ou pièces équivalentes justifiant les caractéristiques techniques et la propriété du véhicule',
  correction_holder: 'Pièce justificative de la correction à effectuer sur les informations nominatives du titre',
  correction_admin: 'Pièce justificative de la correction à effectuer sur les informations administratives du véhicule',
  correction_technical: 'Pièce justificative de la correction à effectuer sur les informations techniques du véhicule',
  correction_other: 'Pièce justificative de la correction à effectuer',
  succession: 'Pièce justificative de la succession',
  civil_status_change: 'Pièce justificative du changement d’état',
  co_holder_change: 'Pièce justificative de l’ajout ou du retrait de cotitulaire',
  technical_change: 'Pièce justificative de la modification technique du véhicule',
  usage_change: 'Pièce justificative de l’ajout ou du retrait d’usage',
  withdrawal_13756: 'Demande de retrait de la circulation (cerfa n° 13756)',
  recirculation_13750: 'Demande de remise en circulation (cerfa n° 13750)',
  vehicle_situation: 'Pièce justificative de la situation du véhicule',
  no_certificate: 'Pièce justificative de l’absence de certificat d’immatriculation',
  operation_proof: 'Pièce(s) justificative(s) de l’opération à effectuer',
  input_error_proof: 'Pièce(s) justificative(s) de l’erreur à corriger',
  other: 'Autre pièce',
} as const;
export type TpcPiece = keyof typeof TPC_PIECES;

export interface TpcSubcategory {
  key: string;
  label: string;
  /** pieces always required (unless diplomatic) */
  pieces: TpcPiece[];
  /** pieces the user may add (required only in their situation) */
  optional?: TpcPiece[];
  /** at least one of these */
  anyOf?: TpcPiece[];
}
export interface TpcCategory {
  key: string;
  label: string;
  /** whether the request is about a vehicle already in the registry (plate asked) */
  plate: 'required' | 'optional' | 'none';
  subcategories: TpcSubcategory[];
}

export const TPC_CATEGORIES: TpcCategory[] = [
  {
    key: 'first_registration',
    label: 'Immatriculer pour la première fois un véhicule en France',
    plate: 'none',
    subcategories: [
      { key: 'new_vehicle', label: 'Immatriculation d’un véhicule neuf', pieces: ['address_proof', 'cerfa_13749', 'sale_proof', 'conformity'], optional: ['tax_proof_abroad'] },
      { key: 'from_abroad', label: 'Immatriculation d’un véhicule en provenance de l’étranger', pieces: ['address_proof', 'sale_or_ownership_proof', 'foreign_certificate', 'tax_proof', 'foreign_certificate_ownership'] },
    ],
  },
  {
    key: 'correction',
    label: 'Corriger une erreur sur mon certificat d’immatriculation ou mon dossier administratif',
    plate: 'required',
    subcategories: [
      { key: 'holder_data', label: 'Correction des informations du titulaire, locataire ou co-titulaire du véhicule', pieces: ['correction_holder'] },
      { key: 'administrative', label: 'Correction des informations sur la situation administrative de mon véhicule', pieces: ['correction_admin'] },
      { key: 'technical', label: 'Correction des informations sur mon véhicule', pieces: ['correction_technical'] },
      { key: 'other', label: 'Autre demande de correction', pieces: ['correction_other'] },
    ],
  },
  {
    key: 'personal_change',
    label: 'Signaler un changement sur ma situation personnelle',
    plate: 'required',
    subcategories: [
      { key: 'death_inheritance', label: 'Actualisation du certificat d’immatriculation suite à un décès ou héritage', pieces: ['succession'] },
      { key: 'civil_status', label: 'Changement d’état civil, de raison sociale ou d’état matrimonial', pieces: ['civil_status_change'] },
      { key: 'co_holder', label: 'Ajout ou retrait d’un co-titulaire', pieces: ['co_holder_change'] },
    ],
  },
  {
    key: 'vehicle_change',
    label: 'Signaler un changement sur la situation de mon véhicule',
    plate: 'required',
    subcategories: [
      { key: 'technical', label: 'Modification technique du véhicule', pieces: ['technical_change'] },
      { key: 'usage', label: 'Ajout ou retrait d’une mention d’usage sur le véhicule', pieces: ['usage_change'] },
      { key: 'circulation', label: 'Retrait ou remise en circulation du véhicule', pieces: [], anyOf: ['withdrawal_13756', 'recirculation_13750'] },
      { key: 'dangerous', label: 'Déclaration liée à un véhicule dangereux ou à détruire', pieces: ['vehicle_situation'] },
    ],
  },
  {
    key: 'document',
    label: 'Obtenir un justificatif',
    plate: 'required',
    subcategories: [
      { key: 'detailed_csa', label: 'Certificat de situation administrative détaillé', pieces: [] },
      { key: 'identification_sheet', label: 'Fiche d’identification du véhicule', pieces: ['no_certificate'] },
      { key: 'other', label: 'Autre demande de justificatif', pieces: [] },
    ],
  },
  {
    key: 'professional_operation',
    label: 'Demander une opération non télétransmise par habilitation professionnelle au SIV',
    plate: 'required',
    subcategories: [
      { key: 'trade', label: 'Opération liée au commerce de l’automobile', pieces: ['operation_proof'] },
      { key: 'rental', label: 'Opération liée à la location de véhicules', pieces: ['operation_proof'] },
      { key: 'expertise', label: 'Opération liée à l’expertise automobile', pieces: ['operation_proof'] },
      { key: 'pledges', label: 'Opération liée aux gages et saisies', pieces: ['operation_proof'] },
      { key: 'destruction', label: 'Opération liée à la destruction de véhicules', pieces: ['operation_proof'] },
      { key: 'input_error', label: 'Correction d’une erreur de saisie sur mon interface', pieces: ['input_error_proof'] },
    ],
  },
  {
    key: 'question',
    label: 'Poser une question ou faire une autre demande',
    plate: 'optional',
    subcategories: [{ key: 'free', label: 'Champ libre', pieces: [] }],
  },
];

/**
 * The sub-categories with taxes, paid by card before the request goes to the centre: those that
 * issue a new certificate without a change of owner, so the fixed tax (Y.4, 11 €, L421-38) and the
 * delivery (Y.5, 2,76 €) are due and known from the registry (french-rules.md §2.1, "civil-status
 * change" row). The others are free, or their taxes depend on what the centre establishes.
 */
export const TAXED_SUBCATEGORIES: readonly string[] = ['personal_change/civil_status', 'vehicle_change/usage'];
export const hasTaxes = (category: string | undefined, subcategory: string | undefined) => TAXED_SUBCATEGORIES.includes(`${category}/${subcategory}`);

export const categoryOf = (key: string | undefined) => TPC_CATEGORIES.find((c) => c.key === key);
export const subcategoryOf = (category: string | undefined, key: string | undefined) => categoryOf(category)?.subcategories.find((s) => s.key === key);

/** The pieces of a request: what is required, what may be added, and the "one of" group. */
export function piecesFor(sub: TpcSubcategory, opts: { initiator: 'self' | 'other'; diplomatic: boolean }) {
  const mandate: TpcPiece[] = opts.initiator === 'other' ? ['mandant_id', 'mandate_13757'] : [];
  const all = [...mandate, ...sub.pieces];
  return {
    required: opts.diplomatic ? [] : all,
    optional: [...(opts.diplomatic ? all : []), ...(sub.optional ?? []), ...(sub.anyOf ?? [])],
    anyOf: opts.diplomatic ? [] : (sub.anyOf ?? []),
  };
}

/** What is missing among the pieces sent (purposes), in French, by piece. */
export function missingPieces(sub: TpcSubcategory, opts: { initiator: 'self' | 'other'; diplomatic: boolean }, sent: string[]): Record<string, string> {
  const { required, anyOf } = piecesFor(sub, opts);
  const errors: Record<string, string> = {};
  for (const piece of required) if (!sent.includes(piece)) errors[`piece_${piece}`] = `Joignez : ${TPC_PIECES[piece].charAt(0).toLowerCase()}${TPC_PIECES[piece].slice(1)}`;
  if (anyOf.length && !anyOf.some((p) => sent.includes(p))) errors[`piece_${anyOf[0]}`] = `Joignez l’une de ces pièces : ${anyOf.map((p) => TPC_PIECES[p]).join(' ou ')}`;
  return errors;
}

export const TPC_STEPS = ['category', 'object', 'holder', 'pieces', 'summary', 'done'] as const;
export type TpcStep = (typeof TPC_STEPS)[number];
export const TPC_STEP_TITLES: Record<TpcStep, string> = {
  category: 'Motif de la demande',
  object: 'Partie 1 : objet de la demande',
  holder: 'Partie 2 : identité du titulaire',
  pieces: 'Partie 3 : pièces justificatives',
  summary: 'Récapitulatif',
  done: 'Demande transmise',
};

/**
 * The pages of the procedure, each at its own address (…/complementaire/<slug>): the reason's tab is
 * two pages (the category, then its sub-category); once validated, the payment (a sub-category with
 * taxes) and the request's follow-up with the centre.
 */
export const TPC_PAGES = ['category', 'subcategory', 'object', 'holder', 'pieces', 'summary', 'payment', 'done'] as const;
export type TpcPage = (typeof TPC_PAGES)[number];
export const TPC_PAGE_SLUGS: Record<TpcPage, string> = {
  category: 'categorie',
  subcategory: 'sous-categorie',
  object: 'objet',
  holder: 'titulaire',
  pieces: 'pieces',
  summary: 'recapitulatif',
  payment: 'paiement',
  done: 'suivi',
};
/** The tab of the stepper each page belongs to. */
export const TPC_PAGE_TAB: Record<TpcPage, TpcStep> = { category: 'category', subcategory: 'category', object: 'object', holder: 'holder', pieces: 'pieces', summary: 'summary', payment: 'summary', done: 'done' };
export const tpcPageOfSlug = (slug: string): TpcPage | undefined => TPC_PAGES.find((p) => TPC_PAGE_SLUGS[p] === slug);

/** The fields of parts 1 and 2 (a draft keeps only these). */
export const TPC_OBJECT_FIELDS = ['object', 'plate', 'diplomatic'] as const;
export const TPC_HOLDER_FIELDS = ['kind', 'birth_name', 'given_names', 'birth_date', 'birth_place', 'company_name', 'siren', 'line1', 'line2', 'postcode', 'commune'] as const;

/** Where a request stands, for its pages: its status, its answers, whether a required piece is missing. */
export interface TpcProgress {
  status: ProcedureStatus;
  state: TpcState;
  piecesMissing: boolean;
}

/**
 * The first unfinished page, from the answers themselves: the category, its sub-category, part 1
 * (with the plate when the category asks for one), part 2, part 3 until the pieces are confirmed
 * complete, then the summary; once validated, the payment or the follow-up.
 */
export function tpcCurrentPage(d: TpcProgress): TpcPage {
  if (d.status === 'awaiting_payment') return 'payment';
  if (d.status !== 'in_progress') return 'done';
  const s = d.state;
  const category = categoryOf(s.category);
  if (!category) return 'category';
  if (!subcategoryOf(s.category, s.subcategory)) return 'subcategory';
  if (!s.object || (category.plate === 'required' && !s.plate)) return 'object';
  if (!s.holder) return 'holder';
  return s.step === 'summary' && !d.piecesMissing ? 'summary' : 'pieces';
}

/** Whether a page can be shown: every page up to the first unfinished one; once validated, only the payment or the follow-up. */
export function tpcCanShow(d: TpcProgress, page: TpcPage): boolean {
  const current = tpcCurrentPage(d);
  if (current === 'payment' || current === 'done' || page === 'payment' || page === 'done') return page === current;
  return TPC_PAGES.indexOf(page) <= TPC_PAGES.indexOf(current);
}

/** The page before, for "Étape précédente" (none before the category, nor after validation). */
export function tpcPreviousPage(page: TpcPage): TpcPage | undefined {
  const i = TPC_PAGES.indexOf(page);
  return i > 0 && i <= TPC_PAGES.indexOf('summary') ? TPC_PAGES[i - 1] : undefined;
}

/** Where a page posted with success leads: the next page; back to the summary once it was reached (or to the first unfinished page). */
export function tpcNextPage(d: TpcProgress, page: TpcPage): TpcPage {
  const current = tpcCurrentPage(d);
  if (d.state.step === 'summary') return current;
  const next = TPC_PAGES[TPC_PAGES.indexOf(page) + 1];
  return next && tpcCanShow(d, next) ? next : current;
}

export interface TpcHolder {
  kind: 'natural' | 'legal';
  birth_name?: string;
  given_names?: string;
  birth_date?: string;
  birth_place?: string;
  company_name?: string;
  siren?: string;
  line1: string;
  line2?: string;
  postcode: string;
  commune: string;
}

export interface TpcState {
  step: TpcStep;
  category?: string;
  subcategory?: string;
  object?: string;
  plate?: string;
  diplomatic?: boolean;
  holder?: TpcHolder;
  /** what was last typed in parts 1 and 2, refused or saved for later (unchecked) */
  draft?: Record<string, string>;
}

const text = (message: string, max: number) => z.string({ error: message }).trim().min(1, message).max(max, `${max} caractères au plus`);

export const objectSchema = z.object({
  object: text('Décrivez l’objet de votre demande', 2000),
  plate: z.string().trim().max(20).optional(),
  diplomatic: z.literal('oui').optional(),
});

export const holderSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('natural'),
    birth_name: text('Saisissez le nom de naissance du titulaire', 100),
    given_names: text('Saisissez le ou les prénoms du titulaire', 100),
    birth_date: frenchDate('la date de naissance du titulaire', '27/04/1980').superRefine(plausibleBirthDate),
    birth_place: text('Saisissez la commune de naissance du titulaire', 100),
  }),
  z.object({
    kind: z.literal('legal'),
    company_name: text('Saisissez la raison sociale', 200),
    siren: z.string({ error: 'Saisissez le numéro SIREN' }).trim().min(1, { error: 'Saisissez le numéro SIREN', abort: true }).regex(/^\d{3}\s?\d{3}\s?\d{3}$/, 'Le numéro SIREN comporte 9 chiffres'),
  }),
], { error: 'Indiquez si le titulaire est une personne physique ou une personne morale' });
