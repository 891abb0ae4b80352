import { z } from 'zod';
import type { ProcedureStatus } from '../tables.ts';

/**
 * Duplicate (duplicata) of a registration certificate: lost, stolen or damaged. Loss and damage
 * are declared in the procedure; theft follows the slides' iterative mode: the police report is
 * sent, the instruction centre checks it, the user pays once it is accepted.
 */
export const DUPLICATE_REASONS = {
  loss: 'Perte',
  theft: 'Vol',
  damage: 'Détérioration',
} as const;
export type DuplicateReason = keyof typeof DUPLICATE_REASONS;

export const DUPLICATE_STEPS = ['reason', 'report', 'summary', 'done'] as const;
export type DuplicateStep = (typeof DUPLICATE_STEPS)[number];
export const DUPLICATE_STEP_TITLES: Record<DuplicateStep, string> = {
  reason: 'Motif de la demande',
  report: 'Déclaration de vol',
  summary: 'Récapitulatif',
  done: 'Pour terminer',
};

/** Each step at its own address: /vehicules/demandes/<file>/duplicata/<slug>. */
export const DUPLICATE_STEP_SLUGS: Record<DuplicateStep, string> = { reason: 'motif', report: 'declaration-vol', summary: 'recapitulatif', done: 'fin' };
export const duplicateStepOfSlug = (slug: string): DuplicateStep | undefined => DUPLICATE_STEPS.find((s) => DUPLICATE_STEP_SLUGS[s] === slug);

/** The fields of the reason's and the police report's forms (a draft keeps only these, never a file). */
export const DUPLICATE_DRAFT_FIELDS = ['reason', 'declaration', 'special', 'comment'] as const;

/** Where a request stands, for its steps: its status, its reason, whether the summary can be validated, whether a police report went to the centre. */
export interface DuplicateProgress {
  status: ProcedureStatus;
  state: DuplicateState;
  ready: boolean;
  reportSent: boolean;
}

/**
 * The first unfinished step: the reason; for a theft the SIV does not record, the police report and
 * the centre's check (its page follows the request while the centre has it); the summary once it
 * can be validated; once validated, the payment and the documents.
 */
export function duplicateCurrentStep(d: DuplicateProgress): DuplicateStep {
  if (d.status === 'awaiting_payment' || d.status === 'completed') return 'done';
  if (d.status !== 'in_progress') return 'report';
  if (d.ready) return 'summary';
  return d.state.reason === 'theft' && d.state.step === 'report' ? 'report' : 'reason';
}

/** Whether a theft goes through the centre's check of the police report (the SIV does not record it yet). */
const checkedTheft = (d: DuplicateProgress) => d.state.reason === 'theft' && !d.state.theftRecordedOn;

/**
 * Whether a step can be shown: every step up to the first unfinished one, except the reason once a
 * police report is sent (it can no longer change) and the police report's page for a request that
 * has none; once validated, only the last page.
 */
export function duplicateCanShow(d: DuplicateProgress, step: DuplicateStep): boolean {
  const current = duplicateCurrentStep(d);
  if (current === 'done' || step === 'done') return step === current;
  if (step === 'reason') return d.status === 'in_progress' && !d.reportSent;
  if (step === 'report' && !checkedTheft(d)) return false;
  return DUPLICATE_STEPS.indexOf(step) <= DUPLICATE_STEPS.indexOf(current);
}

/**
 * The steps of the request's own path, for the stepper: a theft the centre checks goes through the
 * police report (4 steps); a loss, a damage or a theft the SIV already records skip it (3 steps).
 * `known` is false while no reason is chosen: the path, and so the step after the reason, is not known yet.
 */
export function duplicatePath(state: Pick<DuplicateState, 'reason' | 'theftRecordedOn'>): { steps: readonly DuplicateStep[]; known: boolean } {
  if (state.reason === 'theft' && !state.theftRecordedOn) return { steps: DUPLICATE_STEPS, known: true };
  return { steps: DUPLICATE_STEPS.filter((s) => s !== 'report'), known: state.reason !== undefined };
}

/** The step before, for "Étape précédente": none before the reason, nor once the reason is locked by a report sent, nor after validation. */
export function duplicatePreviousStep(d: DuplicateProgress, step: DuplicateStep): DuplicateStep | undefined {
  const before = step === 'summary' && checkedTheft(d) ? 'report' : step === 'summary' || step === 'report' ? 'reason' : undefined;
  return before && duplicateCanShow(d, before) ? before : undefined;
}

export interface DuplicateState {
  step: DuplicateStep;
  reason?: DuplicateReason;
  /** theft: the date (ISO) the SIV recorded the certificate's theft when the reason was chosen; the centre's check is then skipped */
  theftRecordedOn?: string;
  /** the slides' "cas particulier" box: certificate destroyed or damaged in a weather event (L421-40) */
  weatherEvent?: boolean;
  /** what was last typed on the reason's or the report's page, refused or saved for later (unchecked) */
  draft?: Partial<Record<(typeof DUPLICATE_DRAFT_FIELDS)[number], string>>;
}

/** The "cas particulier" box, as the summary and the PDF name it. */
export const WEATHER_EVENT = 'Certificat détruit ou abîmé lors d’un événement climatique (tempête, inondation, grêle…) : taxe fixe non due (article L421-40 du code des impositions sur les biens et services)';

export const DECLARATIONS: Record<Exclude<DuplicateReason, 'theft'>, string> = {
  loss: 'Je déclare sur l’honneur avoir perdu le certificat d’immatriculation de ce véhicule. Je sais qu’il ne sera plus valable une fois le duplicata demandé, même si je le retrouve.',
  damage: 'Je déclare sur l’honneur que le certificat d’immatriculation de ce véhicule est détérioré ou illisible. Je le détruirai à la réception du duplicata.',
};

export const reasonSchema = z
  .object({
    reason: z.enum(['loss', 'theft', 'damage'], { error: 'Indiquez le motif de la demande' }),
    declaration: z.string().optional(),
    special: z.literal('intemperies').optional(),
  })
  .superRefine((v, ctx) => {
    if (v.reason === 'theft' && v.special)
      ctx.addIssue({ code: 'custom', path: ['special'], message: 'Ce cas particulier concerne une perte ou une détérioration, pas un vol : décochez la case ou changez de motif' });
    if (v.reason !== 'theft' && v.declaration !== 'oui')
      ctx.addIssue({ code: 'custom', path: ['declaration'], message: 'Cochez la case pour faire la déclaration sur l’honneur' });
  });

/** A police report is the receipt of the theft declaration (récépissé de déclaration de vol). */
export const POLICE_REPORT = 'police_report';
export const ANSWER_MAX = 2000;
