import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { birthDateProblem, isPlausiblePostcode, POSTCODE_UNKNOWN } from '../../platform/plausible.ts';

/**
 * Identity card and passport pre-applications (pré-demandes): the user fills the form online,
 * gets a number and a QR code, and a town hall equipped with a fingerprint scanner retrieves the
 * data at the appointment (terms of use §1.2, §1.6; ../shared/french-rules.md §5).
 */
export type TravelDocument = 'identity_card' | 'passport';
export type Reason = 'first' | 'renewal' | 'loss' | 'theft';
export type PreApplicationStatus = 'draft' | 'submitted' | 'taken';
export type PreApplicationStep = 'document' | 'identity' | 'parents' | 'address' | 'summary';

export const STEPS: readonly PreApplicationStep[] = ['document', 'identity', 'parents', 'address', 'summary'];
export const STEP_TITLES: Record<PreApplicationStep, string> = {
  document: 'Titre demandé',
  identity: 'État civil',
  parents: 'Filiation',
  address: 'Adresse et signalement',
  summary: 'Récapitulatif et timbre fiscal',
};
export const STEP_SLUGS: Record<PreApplicationStep, string> = {
  document: 'titre',
  identity: 'etat-civil',
  parents: 'filiation',
  address: 'adresse',
  summary: 'recapitulatif',
};

export const DOCUMENT_LABELS: Record<TravelDocument, string> = { identity_card: 'Carte nationale d’identité', passport: 'Passeport' };
export const REASON_LABELS: Record<Reason, string> = {
  first: 'Première demande',
  renewal: 'Renouvellement (titre expiré ou bientôt expiré)',
  loss: 'Perte',
  theft: 'Vol',
};
export const EYE_COLOURS = ['bleus', 'bleu-vert', 'verts', 'gris', 'noisette', 'marron', 'noirs', 'vairons'] as const;
export const EYE_LABELS: Record<(typeof EYE_COLOURS)[number], string> = {
  bleus: 'Bleus',
  'bleu-vert': 'Bleu-vert',
  verts: 'Verts',
  gris: 'Gris',
  noisette: 'Noisette',
  marron: 'Marron',
  noirs: 'Noirs',
  vairons: 'Vairons (deux couleurs différentes)',
};

/** Everything the user typed, step by step (stored as jsonb). */
export interface PreApplicationData {
  forWhom?: 'self' | 'other';
  reason?: Reason;
  sex?: 'F' | 'M';
  birthName?: string;
  usageName?: string;
  givenNames?: string;
  birthDate?: string; // YYYY-MM-DD
  birthPlace?: string;
  birthCountry?: string;
  parent1Name?: string;
  parent1GivenNames?: string;
  parent2Name?: string;
  parent2GivenNames?: string;
  line1?: string;
  line2?: string;
  postcode?: string;
  commune?: string;
  heightCm?: number;
  eyes?: (typeof EYE_COLOURS)[number];
}

// ---------------------------------------------------------------------------------------------
// The state machine, as data: who may move a pre-application from one state to the next.

export type Mover = 'user' | 'town_hall';
export const TRANSITIONS: Record<PreApplicationStatus, Partial<Record<PreApplicationStatus, Mover>>> = {
  draft: { submitted: 'user' },
  submitted: { taken: 'town_hall' },
  taken: {},
};
export function canMove(from: PreApplicationStatus, to: PreApplicationStatus, by: Mover): boolean {
  return TRANSITIONS[from][to] === by;
}

/** How long a submitted pre-application can be presented at a town hall ([UNVERIFIED]: docs/decisions/0011-…). */
export const VALIDITY_MONTHS = 6;

// ---------------------------------------------------------------------------------------------
// Fees (french-rules.md §5): amounts of the timbre fiscal, in cents.

/** A postcode of Guyane (973xx), where the amounts are halved. */
export const isGuyane = (postcode: string | undefined): boolean => /^973\d{2}$/.test(postcode ?? '');

/** Age in whole years on `today` (YYYY-MM-DD, Paris), from a birth date YYYY-MM-DD. */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

export interface Fee {
  cents: number;
  why: string;
}

/**
 * What the pre-application costs. ID card: free for a first request or a renewal, 25 € after loss
 * or theft. Passport: 86 € adult, 42 € aged 15–17, 17 € under 15. Guyane: halved (43 € adult per
 * french-rules.md; the halves for minors and the ID card are derived the same way).
 */
export function feeFor(document: TravelDocument, reason: Reason, age: number | null, guyane: boolean): Fee {
  const half = (c: number) => (guyane ? c / 2 : c);
  const where = guyane ? ' (tarif Guyane)' : '';
  if (document === 'identity_card') {
    if (reason === 'loss' || reason === 'theft') return { cents: half(2500), why: `Carte d’identité après ${reason === 'loss' ? 'une perte' : 'un vol'}${where}` };
    return { cents: 0, why: 'Carte d’identité : gratuite pour une première demande ou un renouvellement' };
  }
  if (age !== null && age < 15) return { cents: half(1700), why: `Passeport d’un mineur de moins de 15 ans${where}` };
  if (age !== null && age < 18) return { cents: half(4200), why: `Passeport d’un mineur de 15 à 17 ans${where}` };
  return { cents: half(8600), why: `Passeport d’une personne majeure${where}` };
}

// ---------------------------------------------------------------------------------------------
// The pre-application number: 10 characters, letters and digits without the look-alikes
// (0/O, 1/I), the last one a check character so a typo is caught before any lookup.

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const NUMBER_LENGTH = 10;

function checkChar(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += ALPHABET.indexOf(body[i]!) * (i + 1);
  return ALPHABET[sum % ALPHABET.length]!;
}

/** A number made of these 9 characters and its check character (demo data). */
export const numberWithCheck = (body: string): string => body + checkChar(body);

export function newPreApplicationNumber(): string {
  let body = '';
  for (let i = 0; i < NUMBER_LENGTH - 1; i++) body += ALPHABET[randomInt(ALPHABET.length)];
  return body + checkChar(body);
}

export const MALFORMED_NUMBER =
  'Le numéro de pré-demande est mal saisi : il comporte 10 caractères, lettres et chiffres (sans O ni I), comme sur le récapitulatif de l’usager';

export function parsePreApplicationNumber(input: string): { ok: true; number: string } | { ok: false; error: string } {
  const compact = input.toUpperCase().replace(/[\s-]/g, '');
  if (!compact) return { ok: false, error: 'Saisissez le numéro de pré-demande' };
  if (compact.length !== NUMBER_LENGTH || [...compact].some((c) => !ALPHABET.includes(c)) || checkChar(compact.slice(0, -1)) !== compact.at(-1))
    return { ok: false, error: MALFORMED_NUMBER };
  return { ok: true, number: compact };
}

/** The number as printed: ABCDE FGHJK. */
export const groupNumber = (n: string): string => `${n.slice(0, 5)} ${n.slice(5)}`;

/** The application number the town hall records at the appointment (format of its own software). */
export const APPLICATION_NUMBER = /^[A-Z0-9][A-Z0-9-]{4,19}$/;

// ---------------------------------------------------------------------------------------------
// Validation of each step (server side; the forms are `novalidate`).

const text = (label: string, max = 80) =>
  z
    .string()
    .trim()
    .min(1, `Saisissez ${label}`)
    .max(max, `${label[0]!.toUpperCase()}${label.slice(1)} : ${max} caractères au plus`)
    .regex(/^[\p{L}' ,.-]+$/u, `${label[0]!.toUpperCase()}${label.slice(1)} : lettres, espaces, apostrophes et traits d’union seulement`);
const optionalText = (label: string, max = 80) =>
  z
    .string()
    .trim()
    .max(max, `${label} : ${max} caractères au plus`)
    .regex(/^[\p{L}' ,.-]*$/u, `${label} : lettres, espaces, apostrophes et traits d’union seulement`)
    .optional()
    .transform((v) => v || undefined);

/** "2012-03-04" or "04/03/2012" → "2012-03-04", checked as a real past date. */
export function parseBirthDate(input: string | undefined, today: string): { ok: true; date: string } | { ok: false; error: string } {
  const v = (input ?? '').trim();
  if (!v) return { ok: false, error: 'Saisissez la date de naissance' };
  const isoMatch = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  const frMatch = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(v);
  const iso = isoMatch ? v : frMatch ? `${frMatch[3]}-${frMatch[2]}-${frMatch[1]}` : null;
  if (!iso) return { ok: false, error: 'La date de naissance doit être une date réelle, par exemple 27/03/2007' };
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso) return { ok: false, error: 'La date de naissance doit être une date réelle, par exemple 27/03/2007' };
  const problem = birthDateProblem(iso, today);
  if (problem) return { ok: false, error: problem };
  return { ok: true, date: iso };
}

export const documentStep = z.object({
  document: z.enum(['identity_card', 'passport'], { error: 'Choisissez le titre demandé' }),
  forWhom: z.enum(['self', 'other'], { error: 'Indiquez pour qui est la demande' }),
  reason: z.enum(['first', 'renewal', 'loss', 'theft'], { error: 'Choisissez le motif de la demande' }),
});

export const identityStep = z.object({
  sex: z.enum(['F', 'M'], { error: 'Indiquez le sexe' }),
  birthName: text('le nom de naissance'),
  usageName: optionalText('Nom d’usage'),
  givenNames: text('les prénoms', 120),
  birthPlace: text('la commune de naissance'),
  birthCountry: text('le pays de naissance', 60),
});

export const parentsStep = z.object({
  parent1Name: text('le nom du premier parent'),
  parent1GivenNames: text('les prénoms du premier parent', 120),
  parent2Name: optionalText('Nom du second parent'),
  parent2GivenNames: optionalText('Prénoms du second parent', 120),
});

export const addressStep = z.object({
  line1: z.string().trim().min(1, 'Saisissez le numéro et le nom de la voie').max(38, 'Numéro et voie : 38 caractères au plus'),
  line2: z.string().trim().max(38, 'Complément d’adresse : 38 caractères au plus').optional().transform((v) => v || undefined),
  postcode: z.string().trim().regex(/^\d{5}$/, 'Le code postal comporte 5 chiffres, par exemple 75011').refine(isPlausiblePostcode, POSTCODE_UNKNOWN),
  commune: z.string().trim().min(1, 'Saisissez la commune').max(60, 'Commune : 60 caractères au plus'),
  heightCm: z
    .string()
    .trim()
    .min(1, 'Saisissez la taille en centimètres')
    .regex(/^\d{2,3}$/, 'La taille s’écrit en centimètres, par exemple 172')
    .transform(Number)
    .refine((n) => n >= 40 && n <= 250, 'La taille doit être comprise entre 40 et 250 centimètres'),
  eyes: z.enum(EYE_COLOURS, { error: 'Choisissez la couleur des yeux' }),
});

/** Field name → first French message, in the order of the issues. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? 'form');
    errors[key] ??= issue.message;
  }
  return errors;
}
