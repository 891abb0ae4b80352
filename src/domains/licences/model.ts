import { z } from 'zod';
import { birthDateProblem, isPlausiblePostcode, POSTCODE_UNKNOWN } from '../../platform/plausible.ts';

/**
 * Driving-licence requests (issue 8). Sources: the ANTS FAQ (../shared/seeds/driving-licence-faq.txt)
 * is the specification of the statuses and the reasons; ../shared/french-rules.md §4 gives the
 * categories, ages, validity and fees. Everything here is data: routes and services read it.
 */

// ---------------------------------------------------------------- reasons (motifs)

export const REASONS = {
  registration: { label: 'Je m’inscris à l’examen du permis de conduire (premier permis ou nouvelle catégorie)', short: 'Inscription (numéro NEPH)', group: 'inscription' },
  title_exam: { label: 'Fabrication d’un titre : après la réussite à l’examen', short: 'Titre après réussite à l’examen', group: 'fabrication' },
  title_diploma: { label: 'Fabrication d’un titre : il s’agit d’une validation de diplôme professionnel', short: 'Validation de diplôme professionnel', group: 'fabrication' },
  title_military: { label: 'Fabrication d’un titre : il s’agit d’une conversion de brevet militaire', short: 'Conversion de brevet militaire', group: 'fabrication' },
  title_invalidation: { label: 'Fabrication d’un titre : demande à la suite d’une invalidation ou d’une annulation de permis', short: 'Après invalidation ou annulation', group: 'fabrication' },
  title_suspension: { label: 'Fabrication d’un titre : demande à la suite d’une suspension de permis', short: 'Après suspension', group: 'fabrication' },
  renewal: { label: 'Renouvellement : fin de validité ou visite médicale', short: 'Renouvellement', group: 'fabrication' },
  loss: { label: 'Perte du permis de conduire', short: 'Perte', group: 'fabrication' },
  theft: { label: 'Vol du permis de conduire', short: 'Vol', group: 'fabrication' },
  damage: { label: 'Détérioration du permis de conduire', short: 'Détérioration', group: 'fabrication' },
  foreign_exchange: { label: 'Échange d’un permis de conduire étranger', short: 'Échange d’un permis étranger', group: 'fabrication' },
  international: { label: 'Demande de permis de conduire international', short: 'Permis international', group: 'fabrication' },
  correction: { label: 'Je souhaite signaler une erreur sur mon permis de conduire reçu il y a moins de 6 mois', short: 'Correction d’une erreur', group: 'correction' },
} as const;
export type Reason = keyof typeof REASONS;
export const REASON_KEYS = Object.keys(REASONS) as Reason[];

/** Reasons whose request names categories (registration, titles). */
export const reasonHasCategories = (r: Reason): boolean =>
  ['registration', 'title_exam', 'title_diploma', 'title_military', 'title_invalidation', 'title_suspension', 'renewal', 'foreign_exchange'].includes(r);
/** After an invalidation, a cancellation or a suspension, a title with the AM category alone may be asked for (FAQ). */
export const AM_ONLY_REASONS: readonly Reason[] = ['title_invalidation', 'title_suspension'];
/** Reasons about a licence the person already holds: its number is asked. */
export const reasonHasLicenceNumber = (r: Reason): boolean => ['renewal', 'loss', 'theft', 'damage', 'international', 'correction', 'title_suspension'].includes(r);
/** The correction takes the photo and signature of the initial request (FAQ): no photo step. */
export const reasonNeedsPhoto = (r: Reason): boolean => r !== 'correction';
/**
 * "Avec quel document circuler en attendant de recevoir le nouveau permis ?" — the FAQ's answers,
 * shown on the request page and printed on the récépissé. Loss has its own rule (the attestation de
 * droits à conduire, `attestationAvailable`); reasons the FAQ does not answer get nothing.
 */
export const DRIVING_WHILE_WAITING: Partial<Record<Reason, readonly string[]>> = {
  title_diploma: [
    'S’il s’agit d’une nouvelle catégorie (extension) : vous pouvez continuer à circuler avec votre permis actuel.',
    'S’il s’agit de votre premier permis : vous devez attendre de recevoir le nouveau permis de conduire.',
  ],
  title_military: [
    'Vous pouvez continuer à circuler avec votre brevet militaire en attendant le nouveau permis de conduire.',
    'Munissez-vous en complément du récépissé de dépôt de votre demande.',
  ],
};
/** The official rules of each category (FAQ: "Trouver les informations règlementaires concernant les différentes catégories"). */
export const CATEGORY_RULES_URL = 'https://www.service-public.fr/particuliers/vosdroits/N530';
/** FAQ, suspension: "Il est recommandé de réaliser cette demande 7 jours avant la fin de la suspension." */
export const SUSPENSION_ADVICE_DAYS = 7;
/** Driving schools may file a registration for their student, and nothing else (the correction is explicitly refused to them). */
export const DRIVING_SCHOOL_REASONS: readonly Reason[] = ['registration'];

// ---------------------------------------------------------------- categories (R221-4, R221-5, R221-1)

export const CATEGORIES = {
  AM: { minAge: 14, validityYears: 15, label: 'AM (cyclomoteur, voiturette)' },
  A1: { minAge: 16, validityYears: 15, label: 'A1 (moto légère 125 cm³)' },
  A2: { minAge: 18, validityYears: 15, label: 'A2 (moto de puissance moyenne)' },
  A: { minAge: 24, validityYears: 15, label: 'A (moto)' },
  B1: { minAge: 16, validityYears: 15, label: 'B1 (quadricycle lourd)' },
  B: { minAge: 17, validityYears: 15, label: 'B (voiture)' },
  BE: { minAge: 18, validityYears: 15, label: 'BE (voiture et remorque)' },
  C1: { minAge: 18, validityYears: 5, label: 'C1 (camion moyen)' },
  C1E: { minAge: 18, validityYears: 5, label: 'C1E' },
  C: { minAge: 21, validityYears: 5, label: 'C (poids lourd)' },
  CE: { minAge: 21, validityYears: 5, label: 'CE' },
  D1: { minAge: 21, validityYears: 5, label: 'D1 (minibus)' },
  D1E: { minAge: 21, validityYears: 5, label: 'D1E' },
  D: { minAge: 24, validityYears: 5, label: 'D (autocar)' },
  DE: { minAge: 24, validityYears: 5, label: 'DE' },
} as const;
export type Category = keyof typeof CATEGORIES;
export const CATEGORY_KEYS = Object.keys(CATEGORIES) as Category[];
/** Heavy categories: the medical opinion (cerfa 14880) is required. */
export const isHeavyCategory = (c: Category): boolean => /^[CD]/.test(c);

/** Full years between a birth date and a day (both "YYYY-MM-DD"). */
export function ageOn(birthDate: string, day: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** The first category the person is too young for, with the age it needs; null when all are possible. */
export function categoryTooYoung(categories: readonly Category[], birthDate: string, today: string): { category: Category; minAge: number; age: number } | null {
  const age = ageOn(birthDate, today);
  for (const c of categories) if (age < CATEGORIES[c].minAge) return { category: c, minAge: CATEGORIES[c].minAge, age };
  return null;
}

export const categoryAgeMessage = (p: { category: Category; minAge: number; age: number }): string =>
  `Avec cette date de naissance (${p.age} ans aujourd’hui), la catégorie ${p.category} n’est pas possible : il faut avoir au moins ${p.minAge} ans. Vérifiez la date de naissance ou les catégories demandées.`;

// ---------------------------------------------------------------- identifiers

/** NEPH: 12 digits, YY MM département(2) préfecture(2) order(4). Optional in the form (FAQ). */
export const NEPH = /^\d{12}$/;
export const normalizeNeph = (v: string): string => v.replace(/[\s.-]/g, '');
/** The photo-signature code printed by an approved photographer or booth: 22 characters, letters and digits. */
export const PHOTO_CODE = /^\d{22}$/;
export const normalizePhotoCode = (v: string): string => v.replace(/[\s-]/g, '').toUpperCase();
/** Timbre fiscal électronique: 16 digits. */
export const STAMP_NUMBER = /^\d{16}$/;
export const normalizeStamp = (v: string): string => v.replace(/[\s-]/g, '');

/** Builds a NEPH from its parts (département "2A"/"2B" counts as 20, overseas as 97). */
export function formatNeph(at: Date, department: string, order: number): string {
  const yy = String(at.getUTCFullYear()).slice(2);
  const mm = String(at.getUTCMonth() + 1).padStart(2, '0');
  const dep = /^\d{2}/.test(department) ? department.slice(0, 2) : '20';
  return `${yy}${mm}${dep}01${String(order).padStart(4, '0')}`;
}

// ---------------------------------------------------------------- fees (timbre fiscal, CIBS / F34118)

/** The timbre due, in cents, or 0: 25 € for loss, theft and damage; 12,50 € in Guyane (973). */
export function stampAmountCents(reason: Reason, postcode: string | undefined): number {
  if (!['loss', 'theft', 'damage'].includes(reason)) return 0;
  return postcode?.startsWith('973') ? 1250 : 2500;
}

// ---------------------------------------------------------------- attachments per reason

export const PIECES = {
  identity: { label: 'Pièce d’identité (carte d’identité, passeport ou titre de séjour)', hint: 'Recto et verso.' },
  address: { label: 'Justificatif de domicile de moins de 6 mois', hint: 'Facture, avis d’imposition, quittance de loyer…' },
  medical: { label: 'Avis médical (cerfa n° 14880)', hint: 'Obligatoire pour les catégories C et D, et après une suspension.' },
  police_report: { label: 'Récépissé de déclaration de vol (police ou gendarmerie)', hint: 'Valable 2 mois.' },
  foreign_licence: { label: 'Permis de conduire étranger (recto et verso)', hint: undefined },
  rights_certificate: { label: 'Attestation de droits à conduire de moins de 3 mois délivrée par l’autorité étrangère', hint: 'Elle indique l’absence de suspension ou d’annulation.' },
  military_licence: { label: 'Brevet militaire de conduite', hint: undefined },
  diploma: { label: 'Diplôme professionnel obtenu', hint: undefined },
} as const;
export type Piece = keyof typeof PIECES;

/** The pieces a request must carry, from its reason and categories (as data). */
export function requiredPieces(reason: Reason, categories: readonly Category[]): Piece[] {
  const pieces: Piece[] = ['identity', 'address'];
  // heavy categories, and the end of a suspension (the FAQ: "dont la visite médicale")
  if (categories.some(isHeavyCategory) || reason === 'title_suspension') pieces.push('medical');
  if (reason === 'theft') pieces.push('police_report');
  if (reason === 'foreign_exchange') pieces.push('foreign_licence', 'rights_certificate');
  if (reason === 'title_military') pieces.push('military_licence');
  if (reason === 'title_diploma') pieces.push('diploma');
  return pieces;
}

// ---------------------------------------------------------------- correction: the FAQ's exclusions

export const CORRECTION_EXCLUSIONS = {
  not_mine: { question: 'J’ai reçu un titre qui n’est pas le mien', refusal: 'Cette démarche ne s’applique pas à un titre qui n’est pas le vôtre : renvoyez-le et contactez l’agence depuis la page d’aide.' },
  moved: { question: 'J’ai déménagé dans un autre département depuis ma demande initiale', refusal: 'Cette démarche ne s’applique pas si vous avez déménagé dans un autre département depuis votre demande initiale.' },
  foreign_exchange: { question: 'Ma demande initiale était un échange de permis étranger', refusal: 'Cette démarche ne s’applique pas à un titre obtenu par échange d’un permis étranger.' },
  international: { question: 'Ma demande initiale était un permis de conduire international', refusal: 'Cette démarche ne s’applique pas au permis de conduire international.' },
  old_format: { question: 'Mon permis est sous l’ancien format (papier rose, autre que le format « carte bancaire »)', refusal: 'Un titre sous l’ancien format ne peut pas être corrigé : faites une demande de fabrication pour détérioration.' },
} as const;
export type CorrectionExclusion = keyof typeof CORRECTION_EXCLUSIONS;
export const CORRECTION_ERRORS = {
  civil_status: 'Une faute d’orthographe ou de saisie sur mon état civil',
  category: 'Une mauvaise catégorie ou un oubli de catégorie',
  validity: 'Une erreur dans la date de validité du nouveau titre',
  mention: 'Une mention restrictive (boîte automatique) ou un droit supplémentaire (remorque lourde) oublié',
} as const;
export type CorrectionError = keyof typeof CORRECTION_ERRORS;

/** "YYYY-MM-DD" six months before `today` (same day of month, clamped). */
export function sixMonthsBefore(today: string): string {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const month = m - 6 <= 0 ? m + 6 : m - 6;
  const year = m - 6 <= 0 ? y - 1 : y;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}
/**
 * FAQ: "Seuls les titres issus d'une demande en ligne peuvent être corrigés" — the title to correct
 * must come from a request validated in this account, for a reason that issues a title the
 * correction applies to (not an exchange of a foreign licence, not an international licence).
 */
export const CORRECTABLE_ORIGINS: readonly Reason[] = ['title_exam', 'title_diploma', 'title_military', 'title_invalidation', 'title_suspension', 'renewal', 'loss', 'theft', 'damage'];
export const CORRECTION_NOT_ONLINE =
  'Seuls les titres issus d’une demande en ligne faite depuis votre compte peuvent être corrigés : choisissez cette demande. Pour un titre obtenu autrement, faites une demande de fabrication pour détérioration.';
export const CORRECTION_TOO_OLD =
  'Votre titre a été reçu il y a plus de 6 mois : la demande de correction n’est plus possible. Faites une demande de fabrication d’un titre pour détérioration.';

// ---------------------------------------------------------------- statuses: the FAQ's table

export const STATUSES = {
  draft: { label: 'Brouillon', meaning: 'Vous n’avez pas terminé votre demande.', actions: 'Modifier ou supprimer le brouillon', badge: 'new' },
  sent: { label: 'Envoyée', meaning: 'Votre demande a été envoyée à l’administration.', actions: 'Aucune action, merci de patienter', badge: 'info' },
  images_check: { label: 'Vérification des images', meaning: 'L’administration est en cours de vérification de votre photo et votre signature.', actions: 'Aucune action, merci de patienter', badge: 'info' },
  instruction: { label: 'En cours d’instruction', meaning: 'L’administration analyse votre demande.', actions: 'Aucune action, merci de patienter', badge: 'info' },
  to_complete: { label: 'À compléter', meaning: 'Après analyse, certaines pièces sont manquantes ou incorrectes.', actions: 'Modifier la demande', badge: 'warning' },
  images_rejected: { label: 'Rejet des images', meaning: 'La photo et/ou la signature n’est pas conforme : vous devez les refaire.', actions: 'Faire une nouvelle demande', badge: 'error' },
  rejected: { label: 'Rejet par l’instruction', meaning: 'Votre demande a été rejetée : le motif est indiqué ci-dessous.', actions: 'Faire une nouvelle demande', badge: 'error' },
  validated: { label: 'Validée par l’administration', meaning: 'La demande a été validée, le permis vous sera envoyé dans les 15 jours.', actions: 'Aucune action', badge: 'success' },
} as const;
export type Status = keyof typeof STATUSES;
export const STATUS_KEYS = Object.keys(STATUSES) as Status[];

/** Statuses in which the user may change the request (everything but the reason). */
export const EDITABLE: readonly Status[] = ['draft', 'to_complete'];
/** Statuses after which a new request is the way forward. */
export const NEW_REQUEST_AFTER: readonly Status[] = ['images_rejected', 'rejected'];

/**
 * The state machine. `by` says who may fire it; `note` whether a text is required (shown to the
 * user); `notify` the message sent by email and SMS. Nothing changes a status but these.
 */
export const TRANSITIONS = {
  submit: { from: ['draft'], to: 'sent', by: 'user', note: false, label: 'Valider la demande', notify: 'Votre demande de permis de conduire est envoyée à l’administration.' },
  resubmit: { from: ['to_complete'], to: 'instruction', by: 'user', note: false, label: 'Renvoyer la demande complétée', notify: 'Votre demande complétée est renvoyée à l’administration.' },
  check_images: { from: ['sent'], to: 'images_check', by: 'agent', note: false, label: 'Prendre la demande', notify: 'L’administration vérifie votre photo et votre signature.' },
  accept_images: { from: ['images_check'], to: 'instruction', by: 'agent', note: false, label: 'Accepter la photo et la signature', notify: 'Votre photo et votre signature sont acceptées : votre demande est en cours d’instruction.' },
  reject_images: { from: ['images_check'], to: 'images_rejected', by: 'agent', note: true, label: 'Rejeter la photo et la signature', notify: 'Votre photo et/ou votre signature ne sont pas conformes : faites une nouvelle demande avec une nouvelle photo.' },
  request_complement: { from: ['instruction'], to: 'to_complete', by: 'agent', note: true, label: 'Demander un complément', notify: 'Votre demande est à compléter : connectez-vous pour voir ce qui manque.' },
  reject: { from: ['instruction'], to: 'rejected', by: 'agent', note: true, label: 'Rejeter la demande', notify: 'Votre demande a été rejetée : connectez-vous pour connaître le motif du rejet.' },
  validate: { from: ['instruction'], to: 'validated', by: 'agent', note: false, label: 'Valider la demande', notify: 'Votre demande est validée par l’administration : le permis vous sera envoyé dans les 15 jours.' },
} as const satisfies Record<string, { from: readonly Status[]; to: Status; by: 'user' | 'agent'; note: boolean; label: string; notify: string }>;
export type Transition = keyof typeof TRANSITIONS;
export const AGENT_DECISIONS = (Object.keys(TRANSITIONS) as Transition[]).filter((t) => TRANSITIONS[t].by === 'agent' && t !== 'check_images');

export const canFire = (t: Transition, status: Status): boolean => (TRANSITIONS[t].from as readonly Status[]).includes(status);
export const decisionsFrom = (status: Status): Transition[] => AGENT_DECISIONS.filter((t) => canFire(t, status));

/** After a loss, the attestation de droits à conduire is available once the administration has checked the request. */
export const attestationAvailable = (reason: Reason, status: Status): boolean => reason === 'loss' && ['instruction', 'to_complete', 'validated'].includes(status);

/** Every request is deleted this long after its creation, whatever its status; warned a week before. */
export const RETENTION_MONTHS = 6;
export const PURGE_WARNING_DAYS = 7;

/** The page size of the back-office queue. */
export const QUEUE_PAGE_SIZE = 20;

// ---------------------------------------------------------------- the form, step by step

export const STEP_TITLES = {
  reason: 'Motif de la demande',
  details: 'Précisions sur la demande',
  identity: 'État civil de la personne concernée',
  contact: 'Coordonnées et photo-signature',
  pieces: 'Pièces justificatives',
  summary: 'Récapitulatif, timbre fiscal et envoi',
} as const;
export type Step = keyof typeof STEP_TITLES;
/** The steps, in order; the timbre fiscal (when due) is typed on the last one and consumed at sending. */
export const STEPS = Object.keys(STEP_TITLES) as Step[];

// ---------------------------------------------------------------- form schemas (zod, French messages)

const text = (message: string, max = 100) => z.string({ error: message }).trim().min(1, message).max(max, `${max} caractères au plus`);
const isoDate = (message: string) =>
  z
    .string({ error: message })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, message)
    .refine((v) => {
      const d = new Date(`${v}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
    }, message);

export const startSchema = z.object({
  reason: z.enum(REASON_KEYS as [Reason, ...Reason[]], { error: 'Choisissez le motif de votre demande' }),
  for_whom: z.enum(['self', 'other'], { error: 'Indiquez pour qui est la demande' }),
  idempotency_key: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'Le formulaire a expiré : rechargez la page'),
});

export const nephField = z
  .string()
  .optional()
  .transform((v) => normalizeNeph(v ?? ''))
  .refine((v) => v === '' || NEPH.test(v), 'Le numéro NEPH comporte 12 chiffres, par exemple 240375010123 (laissez le champ vide si vous ne le connaissez pas)');

export const identitySchema = z.object({
  family_name: text('Saisissez le nom de naissance'),
  usage_name: z.string().trim().max(100, '100 caractères au plus').optional().default(''),
  given_names: text('Saisissez le ou les prénoms'),
  sex: z.enum(['F', 'M'], { error: 'Indiquez le sexe tel qu’il figure sur la pièce d’identité' }),
  birth_date: isoDate('Saisissez une date de naissance valide, au format jj/mm/aaaa').superRefine((v, ctx) => {
    const problem = birthDateProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  birth_place: text('Saisissez la commune (et le pays si hors de France) de naissance'),
  address_line1: text('Saisissez le numéro et le nom de la voie', 38),
  postcode: z.string({ error: 'Saisissez le code postal' }).trim().regex(/^\d{5}$/, 'Le code postal comporte 5 chiffres, par exemple 75011').refine(isPlausiblePostcode, POSTCODE_UNKNOWN),
  commune: text('Saisissez la commune', 60),
});

export const contactSchema = z.object({
  email: z.string({ error: 'Saisissez l’adresse électronique' }).trim().toLowerCase().email('Saisissez une adresse électronique valide, par exemple nom@exemple.fr').max(254),
  mobile: z
    .string()
    .optional()
    .transform((v) => (v ?? '').replace(/[\s.-]/g, ''))
    .refine((v) => v === '' || /^(0[67]\d{8}|\+33[67]\d{8})$/.test(v), 'Le numéro de portable comporte 10 chiffres et commence par 06 ou 07, par exemple 06 12 34 56 78'),
  photo_mode: z.enum(['code', 'classic'], { error: 'Indiquez comment vous fournissez la photo et la signature' }),
  photo_code: z.string().optional().default(''),
});

/** "jj/mm/aaaa" or "aaaa-mm-jj" → "aaaa-mm-jj" (or the input, for the schema to refuse). */
export function normalizeDateInput(v: string | undefined): string {
  const s = (v ?? '').trim();
  const fr = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  return fr ? `${fr[3]}-${fr[2]!.padStart(2, '0')}-${fr[1]!.padStart(2, '0')}` : s;
}
