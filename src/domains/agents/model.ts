import { frenchDate } from '../../platform/french-date.ts';
import { z } from 'zod';
import type { AgentRole, HabilitationStatus } from '../../schema.ts';
import { emailField } from '../accounts/model.ts';
import { isValidSiret, normalizeSiret } from '../accounts/identifiers.ts';

export const ROLE_LABELS: Record<AgentRole, string> = {
  instruction_centre: 'Centre d’instruction (véhicules)',
  licence_service: 'Service d’instruction (permis de conduire)',
  prefecture: 'Préfecture (habilitations SIV)',
  operator: 'Opérateur de l’agence',
};

/**
 * SIV habilitation lifecycle (terms of use §1.11.4), as data. Each action names the statuses it
 * leaves from, the status it reaches, and what happens to the professional's account.
 */
export const HABILITATION_TRANSITIONS = {
  validate: { from: ['requested'], to: 'validated', account: 'create', label: 'Valider l’habilitation' },
  refuse: { from: ['requested'], to: 'refused', account: 'none', label: 'Refuser la demande' },
  suspend: { from: ['validated'], to: 'suspended', account: 'deactivate', label: 'Suspendre l’habilitation' },
  reinstate: { from: ['suspended'], to: 'validated', account: 'reactivate', label: 'Rétablir l’habilitation' },
  terminate: { from: ['validated', 'suspended'], to: 'terminated', account: 'delete', label: 'Mettre fin à l’habilitation' },
} as const satisfies Record<string, { from: readonly HabilitationStatus[]; to: HabilitationStatus; account: string; label: string }>;
export type HabilitationAction = keyof typeof HABILITATION_TRANSITIONS;
export const HABILITATION_ACTIONS = Object.keys(HABILITATION_TRANSITIONS) as HabilitationAction[];

export const HABILITATION_STATUS_LABELS: Record<HabilitationStatus, string> = {
  requested: 'Demandée',
  validated: 'Validée',
  refused: 'Refusée',
  suspended: 'Suspendue',
  terminated: 'Terminée',
};

export const actionsFrom = (status: HabilitationStatus): HabilitationAction[] =>
  HABILITATION_ACTIONS.filter((a) => (HABILITATION_TRANSITIONS[a].from as readonly HabilitationStatus[]).includes(status));

/** A reason is required for every decision that takes something away. */
export const needsReason = (action: HabilitationAction): boolean => action !== 'validate' && action !== 'reinstate';

const required = (message: string, max = 200) => z.string({ error: message }).trim().min(1, message).max(max, `${max} caractères au plus`);

/** Département code: 01–95, 2A, 2B, 971–976. */
export const departmentField = z
  .string({ error: 'Saisissez le numéro du département' })
  .trim()
  .toUpperCase()
  .regex(/^(0[1-9]|[1-8]\d|9[0-5]|2A|2B|97[1-6])$/, 'Saisissez un numéro de département valide, par exemple 75, 2A ou 974');

export const habilitationRequestSchema = z.object({
  company_name: required('Saisissez la raison sociale de l’entreprise'),
  siret: z
    .string({ error: 'Saisissez le numéro SIRET' })
    .trim()
    .min(1, 'Saisissez le numéro SIRET')
    .refine(isValidSiret, 'Le numéro SIRET doit comporter 14 chiffres et être valide, par exemple 732 829 320 00074')
    .transform(normalizeSiret),
  habilitation_number: z
    .string({ error: 'Saisissez le numéro d’habilitation' })
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9-]{4,20}$/, 'Le numéro d’habilitation comporte de 4 à 20 lettres ou chiffres, tel qu’il figure sur l’arrêté préfectoral'),
  department: departmentField,
  contact_given_name: required('Saisissez le prénom de la personne à contacter', 100),
  contact_family_name: required('Saisissez le nom de la personne à contacter', 100),
  email: emailField,
  terms: z.literal('oui', { error: 'Cochez la case pour indiquer que vous avez lu les conditions générales d’utilisation' }),
});

export const townHallSchema = z.object({
  commune: required('Saisissez le nom de la commune', 100),
  department: departmentField,
  email: emailField,
  scanner_count: z.coerce
    .number({ error: 'Saisissez le nombre de dispositifs de recueil' })
    .int('Saisissez un nombre entier de dispositifs')
    .min(1, 'La mairie doit avoir au moins un dispositif de recueil')
    .max(50, 'Une mairie a au plus 50 dispositifs de recueil'),
});

export const suspensionSchema = z.object({
  reason: required('Saisissez le motif de la suspension, envoyé à l’usager', 500),
  // JJ/MM/AAAA (or ISO), read as the start of that day in UTC, as the browser's date field was
  until: frenchDate('la date de fin de la suspension', '31/12/2026')
    .transform((iso) => new Date(`${iso}T00:00:00Z`))
    .refine((d) => d.getTime() > Date.now(), 'La fin de la suspension doit être dans le futur'),
});
