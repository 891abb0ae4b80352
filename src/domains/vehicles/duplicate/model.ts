import { z } from 'zod';

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

export interface DuplicateState {
  step: DuplicateStep;
  reason?: DuplicateReason;
  /** theft: the date (ISO) the SIV recorded the certificate's theft when the reason was chosen; the centre's check is then skipped */
  theftRecordedOn?: string;
  /** the slides' "cas particulier" box: certificate destroyed or damaged in a weather event (L421-40) */
  weatherEvent?: boolean;
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
