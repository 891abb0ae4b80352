import { z } from 'zod';
import type { AccountStatus, Profile } from '../../schema.ts';
import { isPlausibleEmail, isValidApprovalNumber, isValidSiret, normalizeApprovalNumber, normalizeSiret } from './identifiers.ts';

/** The six profiles of terms of use §1.5, and how each account comes to exist. */
export interface ProfileDefinition {
  label: string;
  /** URL segment of the self-service sign-up form, when there is one */
  slug: string | null;
  description: string;
}

export const PROFILES: Record<Profile, ProfileDefinition> = {
  individual: { label: 'Particulier', slug: 'particulier', description: 'Pour vos démarches personnelles. Vous pouvez aussi vous connecter directement avec FranceConnect.' },
  driving_school: { label: 'Auto-école', slug: 'auto-ecole', description: 'Avec le numéro d’agrément délivré par la préfecture, pour inscrire vos élèves au permis.' },
  road_safety_centre: { label: 'Centre de sensibilisation à la sécurité routière (CSSR)', slug: 'cssr', description: 'Avec le numéro d’agrément du centre.' },
  legal_entity: { label: 'Personne morale', slug: 'personne-morale', description: 'Entreprise, association ou administration, avec son numéro SIRET.' },
  automotive_professional: { label: 'Professionnel de l’automobile habilité SIV', slug: null, description: 'Le compte est créé quand la préfecture valide votre habilitation : faites la demande d’habilitation.' },
  town_hall: { label: 'Mairie équipée d’un dispositif de recueil', slug: null, description: 'Le compte est créé par l’agence à la demande de la mairie.' },
};

export const SELF_SERVICE_PROFILES = (Object.keys(PROFILES) as Profile[]).filter((p) => PROFILES[p].slug);
export const profileBySlug = (slug: string): Profile | undefined => SELF_SERVICE_PROFILES.find((p) => PROFILES[p].slug === slug);

/**
 * The account status machine, as data: which action moves which status where, and the audit code
 * it writes. Only `transitionAccount` (transitions.ts) writes `accounts.status`; creation inserts
 * `pending_activation` (or `active` for FranceConnect), deletion removes the row.
 */
export const ACCOUNT_TRANSITIONS = {
  /** the emailed link is opened, or the first password is set */
  activate: { from: ['pending_activation'], to: 'active', audit: 'account.activated' },
  /** an operator suspends for a time (terms of use §1.11.1) */
  suspend: { from: ['active'], to: 'suspended', audit: 'account.suspended' },
  /** an operator lifts a suspension */
  reactivate: { from: ['suspended'], to: 'active', audit: 'account.reactivated' },
  /** a suspension's end has passed: lifted at the next sign-in */
  end_suspension: { from: ['suspended'], to: 'active', audit: 'account.suspension_ended' },
  /** the professional's SIV habilitation is suspended */
  deactivate: { from: ['active', 'suspended', 'pending_activation'], to: 'deactivated', audit: 'account.deactivated' },
  /** the habilitation is reinstated: usable again if a password was ever set… */
  reinstate: { from: ['deactivated'], to: 'active', audit: 'account.reinstated' },
  /** …or waiting for it otherwise */
  reinstate_unactivated: { from: ['deactivated'], to: 'pending_activation', audit: 'account.reinstated' },
} as const satisfies Record<string, { from: readonly AccountStatus[]; to: AccountStatus; audit: string }>;
export type AccountAction = keyof typeof ACCOUNT_TRANSITIONS;

export function canTransition(status: AccountStatus, action: AccountAction): boolean {
  return (ACCOUNT_TRANSITIONS[action].from as readonly AccountStatus[]).includes(status);
}

/** Certified account: signed in with FranceConnect, or a habilitated professional. */
export const isCertifiedProfile = (profile: Profile): boolean => profile === 'automotive_professional';

const text = (label: string, max = 100) =>
  z.string({ error: `Saisissez ${label}` }).trim().min(1, `Saisissez ${label}`).max(max, `${label[0]!.toUpperCase()}${label.slice(1)} : ${max} caractères au plus`);

export const emailField = z
  .string({ error: 'Saisissez votre adresse électronique' })
  .trim()
  .toLowerCase()
  .min(1, 'Saisissez votre adresse électronique')
  .refine(isPlausibleEmail, 'Saisissez une adresse électronique valide, par exemple nom@exemple.fr');

const termsBox = z.literal('oui', { error: 'Cochez la case pour indiquer que vous avez lu les conditions générales d’utilisation' });
const password = z.string({ error: 'Saisissez un mot de passe' }).min(1, 'Saisissez un mot de passe');

const approval = (kind: 'E' | 'R') =>
  z
    .string({ error: 'Saisissez le numéro d’agrément' })
    .trim()
    .min(1, 'Saisissez le numéro d’agrément')
    .refine((v) => isValidApprovalNumber(v, kind), `Le numéro d’agrément doit être de la forme ${kind} 24 075 0012 0`)
    .transform(normalizeApprovalNumber);

/** The sign-up form of each self-service profile. */
export const SIGN_UP_SCHEMAS = {
  individual: z.object({ given_name: text('votre prénom'), family_name: text('votre nom'), email: emailField, password, terms: termsBox }),
  driving_school: z.object({ organisation_name: text('le nom de l’auto-école', 200), approval_number: approval('E'), email: emailField, password, terms: termsBox }),
  road_safety_centre: z.object({ organisation_name: text('le nom du centre', 200), approval_number: approval('R'), email: emailField, password, terms: termsBox }),
  legal_entity: z.object({
    organisation_name: text('la raison sociale', 200),
    siret: z
      .string({ error: 'Saisissez le numéro SIRET' })
      .trim()
      .min(1, 'Saisissez le numéro SIRET')
      .refine(isValidSiret, 'Le numéro SIRET doit comporter 14 chiffres et être valide, par exemple 732 829 320 00074')
      .transform(normalizeSiret),
    email: emailField,
    password,
    terms: termsBox,
  }),
} satisfies Partial<Record<Profile, z.ZodType>>;
export type SelfServiceProfile = keyof typeof SIGN_UP_SCHEMAS;

/** The name shown in the header for an account. */
export function displayName(a: { profile: Profile; given_name: string | null; family_name: string | null; organisation_name: string | null; email: string }): string {
  if (a.organisation_name) return a.organisation_name;
  if (a.given_name || a.family_name) return [a.given_name, a.family_name].filter(Boolean).join(' ');
  return a.email;
}
