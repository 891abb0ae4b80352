import { z } from 'zod';
import type { ProcedureKind, ProcedureStatus } from './tables.ts';

/** Procedure statuses, the lists of "Mon espace véhicule" they fall into, and who moves them. */
export const STATUS_LABELS: Record<ProcedureStatus, string> = {
  awaiting_code: 'En attente du code confidentiel',
  in_progress: 'En cours',
  awaiting_payment: 'En attente de paiement',
  completed: 'Terminée',
  cancelled: 'Abandonnée',
};

export const STATUS_GROUPS = {
  in_progress: { label: 'Démarches en cours', statuses: ['in_progress', 'awaiting_payment'] },
  waiting: { label: 'Démarches en attente', statuses: ['awaiting_code'] },
  finished: { label: 'Démarches terminées', statuses: ['completed', 'cancelled'] },
} as const satisfies Record<string, { label: string; statuses: readonly ProcedureStatus[] }>;

export const PROCEDURE_TRANSITIONS = {
  code_verified: { from: ['awaiting_code'], to: 'in_progress' },
  cancel: { from: ['awaiting_code', 'in_progress', 'awaiting_payment'], to: 'cancelled' },
} as const satisfies Record<string, { from: readonly ProcedureStatus[]; to: ProcedureStatus }>;
export type ProcedureAction = keyof typeof PROCEDURE_TRANSITIONS;

export const canApply = (status: ProcedureStatus, action: ProcedureAction): boolean =>
  (PROCEDURE_TRANSITIONS[action].from as readonly ProcedureStatus[]).includes(status);

export const PROCEDURE_KINDS: ProcedureKind[] = ['address_change', 'duplicate', 'sale_declaration', 'holder_change'];

export const startSchema = z.object({
  kind: z.enum(PROCEDURE_KINDS as [ProcedureKind, ...ProcedureKind[]], { error: 'Choisissez la démarche' }),
  initiator: z.enum(['self', 'other'], { error: 'Indiquez pour qui vous faites la démarche' }),
  plate: z.string({ error: 'Saisissez le numéro d’immatriculation' }),
});

/** What "Demander un nouveau code" asks: the holder's identity, checked against the registry. */
export const codeRequestSchema = z.object({
  birth_name: z.string({ error: 'Saisissez le nom de naissance du titulaire' }).trim().min(1, 'Saisissez le nom de naissance du titulaire (ou la raison sociale)').max(100),
  given_names: z.string().trim().max(100).optional(),
  birth_date: z.union([z.literal(''), z.iso.date({ error: 'Saisissez une date de naissance valide' })]).optional(),
  birth_place: z.string().trim().max(100).optional(),
});

/** A natural person's identity needs every field; a legal person only its name. */
export function missingIdentityFields(d: z.infer<typeof codeRequestSchema>): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!d.given_names) errors.given_names = 'Saisissez le premier prénom du titulaire';
  if (!d.birth_date) errors.birth_date = 'Saisissez la date de naissance du titulaire';
  if (!d.birth_place) errors.birth_place = 'Saisissez la commune de naissance du titulaire';
  return errors;
}

/** Names compared without accents, case, hyphens or extra spaces. */
export const sameName = (a: string | null, b: string | null): boolean => {
  const norm = (s: string | null) => (s ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase().replace(/[-'’\s]+/g, ' ').trim();
  return norm(a) === norm(b) && norm(a) !== '';
};

/** A file number like "V26-7K3M9QXD": the year and 8 characters without ambiguous letters. */
export function newFileNumber(random: (n: number) => number): string {
  const alphabet = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
  const year = String(new Date().getFullYear()).slice(2);
  return `V${year}-${Array.from({ length: 8 }, () => alphabet[random(alphabet.length)]).join('')}`;
}
