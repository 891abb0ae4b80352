import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { isValidSiren } from '../../accounts/identifiers.ts';
import { birthDateProblem, POSTCODE_UNKNOWN } from '../../../platform/plausible.ts';
import { checkCommune, communesForPostcode } from '../registry/communes.ts';
import { readFrenchTime } from '../../../platform/french-time.ts';
import { parseParisTime } from '../../../platform/time.ts';
import { dateProblemMessage, frenchDate, readFrenchDate } from '../../../platform/french-date.ts';

/** The declaration of sale ("Vendre ou donner") as the agency's page lays it out: five tabs. */
export const SALE_STEPS = ['start', 'documents', 'declaration', 'summary', 'done'] as const;
export type SaleStep = (typeof SALE_STEPS)[number];
export const SALE_STEP_TITLES: Record<SaleStep, string> = {
  start: 'Pour commencer',
  documents: 'Documents nécessaires à la vente',
  declaration: 'Déclaration de cession',
  summary: 'Récapitulatif',
  done: 'Pour terminer',
};

/**
 * The pages of the declaration, each at its own address (…/cession/<slug>): the "declaration" tab is
 * two pages, the buyer's kind first (a person or a company), then the fields of that kind.
 */
export const SALE_PAGES = ['start', 'documents', 'buyer', 'declaration', 'summary', 'done'] as const;
export type SalePage = (typeof SALE_PAGES)[number];
export const SALE_PAGE_SLUGS: Record<SalePage, string> = {
  start: 'commencer',
  documents: 'documents',
  buyer: 'acheteur',
  declaration: 'declaration',
  summary: 'recapitulatif',
  done: 'fin',
};
/** The tab of the stepper each page belongs to. */
export const SALE_PAGE_TAB: Record<SalePage, SaleStep> = { start: 'start', documents: 'documents', buyer: 'declaration', declaration: 'declaration', summary: 'summary', done: 'done' };
export const salePageOfSlug = (slug: string): SalePage | undefined => SALE_PAGES.find((p) => SALE_PAGE_SLUGS[p] === slug);

/** The fields of the declaration page, in the order of the form (the draft keeps only these). */
export const DECLARATION_FIELDS = ['buyer_kind', 'buyer_birth_name', 'buyer_given_names', 'buyer_birth_date', 'buyer_company_name', 'buyer_siren', 'buyer_is_professional', 'buyer_address_line1', 'buyer_postcode', 'buyer_commune', 'buyer_country', 'sale_date', 'sale_time', 'mileage'] as const;

export const CESSION_CODE_VALID_DAYS = 15;
/**
 * Crockford's base 32: the digits and the letters but I, L, O and U. I, L and O are the ones read
 * or copied as 1 and 0 (a code shown as MS8OZZ6R6MO was typed MS80ZZ6R6M0); U goes with them in
 * Crockford's choice (no accidental words), which leaves 32 signs, drawn uniformly. 11 of them are
 * still 55 bits, far beyond what the guess limits let anyone try.
 */
export const CESSION_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 11 letters and digits, like 4KFNTNJJ7P2. */
export const newCessionCode = (): string => Array.from({ length: 11 }, () => CESSION_CODE_ALPHABET[randomInt(CESSION_CODE_ALPHABET.length)]).join('');
/** A code as typed, read: upper case, without spaces or hyphens, O as 0, I and L as 1 (as Crockford decodes them). */
export const normalizeCessionCode = (s: string): string => s.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');

/**
 * The spellings a read code may have been issued with before the alphabet above (every 0 may have
 * been an O, every 1 an I or an L): the codes already issued are stored as the hash of their own
 * spelling. At most `max` of them (3^6: six ambiguous signs); beyond, the code as read only. The
 * older codes expire 15 days after this change, after which only the first spelling can match.
 */
export function issuedSpellings(read: string, max = 729): string[] {
  let spellings = [''];
  for (const c of read) {
    const options = c === '0' ? ['0', 'O'] : c === '1' ? ['1', 'I', 'L'] : [c];
    if (spellings.length * options.length > max) return [read];
    spellings = spellings.flatMap((s) => options.map((o) => s + o));
  }
  return spellings;
}

/**
 * A number of kilometres as people write it: "84500", "84 500" (a space, a no-break or a narrow
 * no-break space, as a phone's keyboard or a copy from a document gives it), "84.500" or "84’500"
 * (thousands grouped by three), followed or not by "km" or "kilomètres". Anything else is left as
 * typed for the French error; an empty field is undefined (no mileage, never 0 km).
 */
export function readMileage(raw: string): string | undefined {
  const v = raw.trim().replace(/\s*(km|kilom[eè]tres?)\.?$/iu, '');
  if (!v) return undefined;
  if (/^\d{1,3}([\s.'’]\d{3})+$/u.test(v)) return v.replace(/[\s.'’]/gu, '');
  return v;
}

const text = (message: string, max = 100) => z.string({ error: message }).trim().min(1, message).max(max, `${max} caractères au plus`);

/** Whole years between two ISO dates. */
export function ageAt(birthDate: string, at: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ay, am, ad] = at.split('-').map(Number) as [number, number, number];
  return ay - by - (am < bm || (am === bm && ad < bd) ? 1 : 0);
}

/** Paris wall-clock date and time → UTC instant (platform/time.ts: no formatter built per call). */
export function parisInstant(date: string, time: string): Date {
  return parseParisTime(`${date}T${time}`);
}

const declarationFields = z.object({
  buyer_kind: z.enum(['natural', 'legal'], { error: 'Indiquez si l’acheteur est une personne physique ou une personne morale' }),
  buyer_birth_name: z.string().trim().max(100).optional(),
  buyer_given_names: z.string().trim().max(100).optional(),
  buyer_birth_date: z.string().trim().optional(), // checked in crossProblems, for a person only
  buyer_company_name: z.string().trim().max(200).optional(),
  buyer_siren: z.string().trim().optional(),
  buyer_address_line1: text('Saisissez l’adresse de l’acheteur', 38 * 2),
  buyer_postcode: text('Saisissez le code postal de l’acheteur', 12),
  buyer_commune: text('Saisissez la commune de l’acheteur'),
  buyer_country: z.string().trim().max(60).optional(),
  sale_date: frenchDate('la date de la vente', '21/11/2026'),
  // « 14h30 », « 14 h 30 », « 14:30 », « 14h »: kept as hh:mm; what cannot be read keeps its message
  sale_time: z.preprocess(
    (v) => {
      if (typeof v !== 'string') return v;
      const reading = readFrenchTime(v);
      return reading.ok ? reading.hhmm : v;
    },
    z.string({ error: 'Saisissez l’heure de la vente' }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Saisissez l’heure de la vente au format hh:mm, par exemple 14:30 ou 14h30'),
  ),
  // An empty field is no mileage, never 0 km (it is printed on the certificate); see readMileage.
  mileage: z.preprocess(
    (v) => (typeof v === 'string' ? readMileage(v) : v),
    z
      .string({ error: 'Saisissez le kilométrage inscrit au compteur' })
      .regex(/^-?\d+$/, 'Saisissez le kilométrage en chiffres, par exemple 84500')
      .transform(Number)
      .pipe(z.number().int().min(0, 'Le kilométrage ne peut pas être négatif').max(2_000_000, 'Vérifiez le kilométrage')),
  ),
  buyer_is_professional: z.literal('oui').optional(),
});
export type Declaration = z.infer<typeof declarationFields>;

/** Checks that involve several fields; they run on what was typed even when other fields are wrong. */
function crossProblems(raw: Record<string, unknown>): Record<string, string> {
  const v = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string).trim() : '');
  const problems: Record<string, string> = {};
  const abroad = v('buyer_country') && v('buyer_country').toUpperCase() !== 'FRANCE';
  if (v('buyer_postcode') && !abroad && !/^\d{5}$/.test(v('buyer_postcode'))) problems.buyer_postcode = 'Le code postal comporte 5 chiffres';
  else if (v('buyer_postcode') && !abroad && !communesForPostcode(v('buyer_postcode')).length) problems.buyer_postcode = POSTCODE_UNKNOWN;
  else if (v('buyer_postcode') && v('buyer_commune') && !abroad) {
    // the same reference as the change of address: the commune must be one of the postcode's
    const place = checkCommune(v('buyer_postcode'), v('buyer_commune'));
    if (!place.ok && place.errors.commune) problems.buyer_commune = place.errors.commune;
  }
  const sale = readFrenchDate(v('sale_date'));
  const saleDate = sale.ok ? sale.iso : null;
  if (v('buyer_kind') === 'natural') {
    if (!v('buyer_birth_name')) problems.buyer_birth_name = 'Saisissez le nom de naissance de l’acheteur';
    if (!v('buyer_given_names')) problems.buyer_given_names = 'Saisissez les prénoms de l’acheteur';
    const birth = readFrenchDate(v('buyer_birth_date'));
    if (!birth.ok) problems.buyer_birth_date = birth.problem === 'empty' ? 'Saisissez la date de naissance de l’acheteur, même s’il réside à l’étranger' : dateProblemMessage(birth.problem, 'la date de naissance de l’acheteur');
    else if (birthDateProblem(birth.iso)) problems.buyer_birth_date = birthDateProblem(birth.iso)!;
    else if (ageAt(birth.iso, saleDate ?? new Date().toISOString().slice(0, 10)) < 18) problems.buyer_birth_date = 'L’acheteur doit être majeur à la date de la vente';
  } else if (v('buyer_kind') === 'legal') {
    if (!v('buyer_company_name')) problems.buyer_company_name = 'Saisissez la raison sociale de l’acheteur';
    if (!v('buyer_siren')) problems.buyer_siren = 'Saisissez le numéro SIREN de l’acheteur';
    else if (!isValidSiren(v('buyer_siren').replace(/\s/g, ''))) problems.buyer_siren = 'Le numéro SIREN comporte 9 chiffres et doit être valide';
  }
  const reading = readFrenchTime(v('sale_time'));
  const time = reading.ok ? reading.hhmm : '00:00';
  if (saleDate && parisInstant(saleDate, time) > new Date()) problems.sale_date = 'La date et l’heure de la vente ne peuvent pas être dans le futur';
  return problems;
}

/** Every problem of the declaration form at once, each on its field; or the clean values. */
export function validateDeclaration(raw: Record<string, unknown>): { ok: true; data: Declaration } | { ok: false; errors: Record<string, string> } {
  const parsed = declarationFields.safeParse(raw);
  const errors: Record<string, string> = {};
  if (!parsed.success) for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
  for (const [k, m] of Object.entries(crossProblems(raw))) errors[k] ??= m;
  if (!parsed.success || Object.keys(errors).length) return { ok: false, errors };
  // only the fields of the buyer's kind are kept (the other kind's, typed before a change of mind, go)
  const d = parsed.data;
  // a French commune as the reference spells it (« bordeaux » → « Bordeaux »)
  const abroad = d.buyer_country && d.buyer_country.toUpperCase() !== 'FRANCE';
  const place = abroad ? null : checkCommune(d.buyer_postcode, d.buyer_commune);
  if (place?.ok) d.buyer_commune = place.commune;
  const data: Declaration =
    d.buyer_kind === 'natural'
      ? { ...d, buyer_birth_date: (readFrenchDate(d.buyer_birth_date) as { iso: string }).iso, buyer_company_name: undefined, buyer_siren: undefined }
      : { ...d, buyer_birth_name: undefined, buyer_given_names: undefined, buyer_birth_date: undefined };
  return { ok: true, data };
}
