import { z } from 'zod';
import { birthDateProblem } from '../../../platform/plausible.ts';
import type { ProcedureKind, ProcedureStatus } from '../tables.ts';

/** Procedure statuses, the lists of "Mon espace véhicule" they fall into, and who moves them. */
export const STATUS_LABELS: Record<ProcedureStatus, string> = {
  awaiting_code: 'En attente du code confidentiel',
  in_progress: 'En cours',
  awaiting_review: 'En attente de contrôle',
  to_complete: 'À compléter',
  awaiting_payment: 'En attente de paiement',
  completed: 'Terminée',
  rejected: 'Rejetée',
  cancelled: 'Abandonnée',
};

/**
 * A vehicle request's state as its user reads it, in "Mon espace véhicule", on the request's page and
 * in "Mes démarches" alike (one label source, issue 16): the action expected from them when there is
 * one. `in_progress` after the instruction centre validated the pieces (`submitted_at` set) is
 * `in_progress_reviewed`: the user finalises and pays. STATUS_LABELS stay the back office's words.
 */
export type UserState = ProcedureStatus | 'in_progress_reviewed';
export const USER_STATE_LABELS = {
  awaiting_code: 'Code confidentiel à saisir',
  in_progress: 'Démarche à terminer',
  in_progress_reviewed: 'Pièces validées : demande à finaliser et payer',
  to_complete: 'Complément à fournir',
  awaiting_payment: 'Paiement à effectuer',
  awaiting_review: 'En cours d’examen par le centre d’instruction',
  completed: 'Terminée',
  rejected: 'Rejetée',
  cancelled: 'Abandonnée',
} as const satisfies Record<UserState, string>;
export const userStateOf = (p: { status: ProcedureStatus; submitted_at: Date | null }): UserState =>
  p.status === 'in_progress' && p.submitted_at ? 'in_progress_reviewed' : p.status;
export const userStateLabel = (p: { status: ProcedureStatus; submitted_at: Date | null }): string => USER_STATE_LABELS[userStateOf(p)];

/** The "panier": requests in progress (to resume), waiting (for a code or the instruction centre), finished. */
export const STATUS_GROUPS = {
  in_progress: { label: 'Démarches en cours', statuses: ['in_progress', 'to_complete', 'awaiting_payment'] },
  waiting: { label: 'Démarches en attente', statuses: ['awaiting_code', 'awaiting_review'] },
  finished: { label: 'Démarches terminées', statuses: ['completed', 'rejected', 'cancelled'] },
} as const satisfies Record<string, { label: string; statuses: readonly ProcedureStatus[] }>;

interface Transition {
  from: readonly ProcedureStatus[];
  to: ProcedureStatus;
  /** who may fire it: the account's user, an instruction agent, or the system (payment, new certificate); any other actor is refused */
  by: 'user' | 'agent' | 'system';
  /** the only kinds of procedure it applies to (every kind when absent) */
  kinds?: readonly ProcedureKind[];
  /** the email the user receives (and an SMS when `sms` and a mobile is known); none when the user's own click is the whole story */
  notify?: { subject: string; text: string; sms?: boolean };
}

/**
 * The state machine of a vehicle procedure, as data: every status change goes through
 * `applyTransition` (transitions.ts), which checks it here — from which status, by whom, for which
 * kinds — and audits it as `vehicle_procedure.<action>`.
 */
export const PROCEDURE_TRANSITIONS = {
  code_verified: { from: ['awaiting_code'], to: 'in_progress', by: 'user' },
  submit_for_review: {
    from: ['in_progress'],
    to: 'awaiting_review',
    by: 'user',
    notify: { subject: 'Votre demande est transmise au centre d’instruction', text: 'Votre demande et ses pièces justificatives sont transmises au centre d’expertise et de ressources des titres (CERT), qui va les contrôler. Vous recevrez un message dès qu’il aura répondu ; vous n’avez rien à faire d’ici là.' } },
  resubmit: {
    from: ['to_complete'],
    to: 'awaiting_review',
    by: 'user',
    notify: { subject: 'Votre réponse est transmise au centre d’instruction', text: 'Votre réponse et vos pièces sont transmises au centre d’instruction, qui va les contrôler de nouveau. Vous recevrez un message dès qu’il aura répondu.' } },
  ask_complement: {
    from: ['awaiting_review'],
    to: 'to_complete',
    by: 'agent',
    notify: { subject: 'Votre demande est à compléter', text: 'Le centre d’instruction a examiné votre demande et vous demande un complément. Lisez sa note sur la page de votre demande, puis répondez et joignez de nouveau le document demandé.', sms: true } },
  accept_pieces: {
    from: ['awaiting_review'],
    to: 'in_progress',
    by: 'agent',
    notify: { subject: 'Vos pièces sont validées : finalisez votre demande', text: 'Le centre d’instruction a validé vos pièces justificatives. Reprenez votre demande depuis « Mon espace véhicule » pour la finaliser et payer.', sms: true } },
  process: {
    from: ['awaiting_review'],
    to: 'completed',
    by: 'agent',
    notify: { subject: 'Votre demande est traitée', text: 'Le centre d’instruction a traité votre demande. Sa réponse est sur la page de votre demande.', sms: true } },
  reject: {
    from: ['awaiting_review', 'to_complete'],
    to: 'rejected',
    by: 'agent',
    notify: { subject: 'Votre demande est rejetée', text: 'Le centre d’instruction a rejeté votre demande. Le motif est indiqué sur la page de votre demande ; vous pouvez faire une nouvelle demande.', sms: true } },
  file_for_payment: { from: ['in_progress'], to: 'awaiting_payment', by: 'user', kinds: ['address_change', 'duplicate', 'holder_change', 'complementary'] },
  // A complementary procedure with taxes is paid first, then goes to the instruction centre.
  paid_for_review: {
    from: ['awaiting_payment'],
    to: 'awaiting_review',
    by: 'system',
    kinds: ['complementary'],
    notify: { subject: 'Votre paiement est enregistré : demande transmise au centre d’instruction', text: 'Votre paiement est enregistré. Votre demande et ses pièces justificatives sont transmises au centre d’instruction, qui va les examiner. Vous recevrez un message dès qu’il aura répondu.' } },
  // Done at the user's own click, nothing to pay: the declaration of sale, a change of address that sends a label.
  complete_free: { from: ['in_progress'], to: 'completed', by: 'user', kinds: ['sale_declaration', 'address_change'] },
  paid: {
    from: ['awaiting_payment'],
    to: 'completed',
    by: 'system',
    kinds: ['address_change', 'duplicate', 'holder_change'],
    notify: { subject: 'Votre demande est terminée', text: 'Votre paiement est enregistré et votre demande est terminée. Vos documents (certificat provisoire, récapitulatif) sont téléchargeables sur la page de votre demande.' } },
  cancel: { from: ['awaiting_code', 'in_progress', 'awaiting_review', 'to_complete', 'awaiting_payment'], to: 'cancelled', by: 'user' },
  // A new certificate (change of holder, duplicate, paid change of address) ends the possession every
  // other open procedure of the vehicle had proven: whoever opened it must prove it again.
  superseded: {
    from: ['in_progress', 'awaiting_review', 'to_complete', 'awaiting_payment'],
    to: 'cancelled',
    by: 'system',
    notify: {
      subject: 'Votre démarche est close : le véhicule a un nouveau certificat',
      text: 'Un nouveau certificat d’immatriculation a été établi pour ce véhicule (changement de titulaire, duplicata ou changement d’adresse). Les démarches ouvertes auparavant sur ce véhicule sont closes. Si vous en êtes le titulaire, faites une nouvelle demande avec le code confidentiel envoyé avec le nouveau certificat.',
    },
  },
  // The vehicle was declared sold: its seller's request that would change it (a new sale, a
  // duplicate, a change of address) can never go on; only the buyer's change of holder moves it on.
  // Fired by the system (payment, sale confirmed meanwhile) or at the user's own step (`sold_refused`).
  vehicle_sold: {
    from: ['in_progress', 'awaiting_review', 'to_complete', 'awaiting_payment'],
    to: 'cancelled',
    by: 'system',
    kinds: ['sale_declaration', 'duplicate', 'address_change'],
    notify: {
      subject: 'Votre démarche est close : le véhicule a été déclaré vendu',
      text: 'Ce véhicule a été déclaré vendu : sa vente, son duplicata ou le changement d’adresse de sa carte grise ne peuvent plus être demandés par son ancien titulaire. C’est l’acheteur qui demande le changement de titulaire. Si vous aviez payé cette démarche, le paiement vous est remboursé sur votre carte bancaire : vous n’avez rien à faire.',
    },
  },
  sold_refused: { from: ['awaiting_code', 'in_progress', 'awaiting_payment'], to: 'cancelled', by: 'user', kinds: ['sale_declaration', 'duplicate', 'address_change'] },
} as const satisfies Record<string, Transition>;
export type ProcedureAction = keyof typeof PROCEDURE_TRANSITIONS;

/** Whether the machine lets `action` move a procedure in `status` (and, when given, of that kind, fired by that kind of actor). */
export function canApply(status: ProcedureStatus, action: ProcedureAction, who?: { kind?: ProcedureKind; by?: Transition['by'] }): boolean {
  const t: Transition = PROCEDURE_TRANSITIONS[action];
  if (!t.from.includes(status)) return false;
  if (who?.kind !== undefined && t.kinds && !t.kinds.includes(who.kind)) return false;
  return who?.by === undefined || who.by === t.by;
}

/** What the instruction centre may decide, per kind of procedure (the others never reach it). */
export const AGENT_ACTIONS: Partial<Record<ProcedureKind, readonly ProcedureAction[]>> = {
  duplicate: ['accept_pieces', 'ask_complement', 'reject'],
  complementary: ['process', 'ask_complement', 'reject'],
};
export const AGENT_ACTION_LABELS: Partial<Record<ProcedureAction, string>> = {
  accept_pieces: 'Valider les pièces (l’usager finalise et paie)',
  process: 'Demande traitée (réponse à l’usager)',
  ask_complement: 'Demander un complément',
  reject: 'Rejeter la demande',
};
export const agentActionsFor = (kind: ProcedureKind, status: ProcedureStatus): ProcedureAction[] =>
  (AGENT_ACTIONS[kind] ?? []).filter((a) => canApply(status, a));

export const PROCEDURE_KINDS: ProcedureKind[] = ['address_change', 'duplicate', 'sale_declaration', 'holder_change'];

export const startSchema = z.object({
  kind: z.enum(PROCEDURE_KINDS as [ProcedureKind, ...ProcedureKind[]], { error: 'Choisissez la démarche' }),
  initiator: z.enum(['self', 'other'], { error: 'Indiquez pour qui vous faites la démarche' }),
  plate: z.string({ error: 'Saisissez le numéro d’immatriculation' }),
});

/** A zod refinement: a birth date from 1900 to today (platform/plausible.ts), in French. */
export function plausibleBirthDate(value: string, ctx: z.RefinementCtx): void {
  const problem = birthDateProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
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
