import { luhnValid } from '../accounts/identifiers.ts';

export { luhnValid };
/**
 * The electronic fiscal stamp (timbre fiscal électronique): a 16-digit number, usable once by a
 * procedure within 12 months of purchase, refundable if unused within 18 months
 * (../shared/french-rules.md §1). The numbers of this portal end with a Luhn check digit, so a
 * mistyped digit is caught before any lookup (docs/decisions/0011-fiscal-stamps.md).
 */
import type { StampStatus } from './tables.ts';

export const STAMP_DIGITS = 16;
/** usable for a procedure this many months after purchase */
export const STAMP_VALIDITY_MONTHS = 12;
/** refundable, if unused, this many months after purchase */
export const STAMP_REFUND_MONTHS = 18;

/** The amounts sold by the demo shop: the tariffs of the procedures that take a stamp. */
export const SHOP_AMOUNTS_CENTS = [2500, 1250, 8600, 4300, 4200, 2100, 1700, 850] as const;

/**
 * The state machine, as data: a stamp is used or refunded once, never both. A refund is asked, then
 * decided by an operator: refunded, or refused (the stamp is available again). Each move names the
 * audit code it writes; only `moveStamp` (transitions.ts) writes `fiscal_stamps.status`.
 */
export const STAMP_MOVES = {
  consume: { from: 'available', to: 'used', audit: 'stamp.consumed' },
  request_refund: { from: 'available', to: 'refund_requested', audit: 'stamp.refund_requested' },
  refund: { from: 'refund_requested', to: 'refunded', audit: 'stamp.refunded' },
  refuse_refund: { from: 'refund_requested', to: 'available', audit: 'stamp.refund_refused' },
} as const satisfies Record<string, { from: StampStatus; to: StampStatus; audit: string }>;
export type StampMove = keyof typeof STAMP_MOVES;

export const STAMP_STATUS_LABELS: Record<StampStatus, string> = {
  available: 'Disponible',
  used: 'Utilisé',
  refund_requested: 'Remboursement demandé',
  refunded: 'Remboursé',
};

export const formatCents = (cents: number): string =>
  `${(cents / 100).toLocaleString('fr-FR', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} €`;

/** The check digit that makes `partial` + digit pass Luhn. */
export function luhnDigit(partial: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(partial + d)) return String(d);
  throw new Error('unreachable');
}

export type ParsedStamp = { ok: true; digits: string } | { ok: false; error: string };

/** A typed stamp number: 16 digits, spaces (or dashes) allowed between them. */
export function parseStampNumber(input: string): ParsedStamp {
  const compact = input.replace(/[\s\u00a0\u202f-]/g, '');
  if (!compact) return { ok: false, error: 'Saisissez le numéro du timbre fiscal électronique (16 chiffres)' };
  if (!/^\d+$/.test(compact) || compact.length !== STAMP_DIGITS)
    return { ok: false, error: 'Le numéro du timbre doit comporter 16 chiffres, par exemple 1234 5678 9012 3456' };
  if (!luhnValid(compact)) return { ok: false, error: 'Ce numéro de timbre n’est pas valide : vérifiez chacun des 16 chiffres' };
  return { ok: true, digits: compact };
}

/** 1234 5678 9012 3456 */
export const groupDigits = (digits: string): string => digits.replace(/(\d{4})(?=\d)/g, '$1 ');

export function addMonths(date: Date, months: number): Date {
  const d = new Date(date);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d;
}

/** Why a known stamp cannot pay `dueCents` at `now`, or null if it can. */
export function stampProblem(
  stamp: { status: StampStatus; amount_cents: number; purchased_at: Date },
  dueCents: number,
  now: Date,
): string | null {
  if (stamp.status === 'used') return 'Ce timbre a déjà été utilisé pour une autre démarche : achetez un nouveau timbre';
  if (stamp.status === 'refunded') return 'Ce timbre a été remboursé : il ne peut plus être utilisé. Achetez un nouveau timbre';
  if (stamp.status === 'refund_requested') return 'Le remboursement de ce timbre est demandé : il ne peut plus être utilisé. Achetez un nouveau timbre';
  if (addMonths(stamp.purchased_at, STAMP_VALIDITY_MONTHS) <= now)
    return `Ce timbre a été acheté il y a plus de ${STAMP_VALIDITY_MONTHS} mois : il n’est plus utilisable. Vous pouvez en demander le remboursement dans les ${STAMP_REFUND_MONTHS} mois suivant l’achat`;
  if (stamp.amount_cents < dueCents) return `Le timbre vaut ${formatCents(stamp.amount_cents)} : il faut un timbre de ${formatCents(dueCents)}`;
  return null;
}

/** Why a stamp cannot be refunded at `now`, or null if it can. */
export function refundProblem(stamp: { status: StampStatus; purchased_at: Date }, now: Date): string | null {
  if (stamp.status === 'used') return 'Ce timbre a été utilisé : il ne peut pas être remboursé';
  if (stamp.status === 'refunded') return 'Ce timbre a déjà été remboursé';
  if (stamp.status === 'refund_requested') return 'Le remboursement de ce timbre est déjà demandé : il est en cours de vérification';
  if (addMonths(stamp.purchased_at, STAMP_REFUND_MONTHS) <= now)
    return `Le remboursement n’est possible que dans les ${STAMP_REFUND_MONTHS} mois suivant l’achat : ce délai est dépassé`;
  return null;
}
