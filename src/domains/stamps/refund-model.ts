/**
 * Refund of an unused fiscal stamp, as the driving-licence FAQ describes it: within 18 months of
 * purchase; two cases. Bought online: the stamp's number and the transaction reference, refunded to
 * the card used. Bought at a tobacconist: the number, the amount, the transaction number, bank
 * details in the buyer's name (no livret A) and a copy of an ID (a Kbis for a professional). The
 * request is confirmed by email, checked by an operator, then refunded or refused.
 */
import type { StampMove } from './model.ts';

export type RefundChannel = 'online' | 'tobacconist';
export type RefundStatus = 'pending' | 'refunded' | 'refused';

export const CHANNEL_LABELS: Record<RefundChannel, string> = {
  online: 'En ligne (timbres.impots.gouv.fr ou le portail)',
  tobacconist: 'Chez un buraliste',
};
export const REFUND_STATUS_LABELS: Record<RefundStatus, string> = {
  pending: 'En cours de vérification',
  refunded: 'Remboursé',
  refused: 'Refusé',
};
/**
 * The request's machine, as data: created `pending`, then one operator's decision, which moves the
 * stamp too (model.ts STAMP_MOVES). Only `decideRefund` (transitions.ts) writes the request's status.
 */
export const REFUND_DECISIONS = {
  refund: { from: 'pending', to: 'refunded', stampMove: 'refund', label: 'Rembourser', note: false },
  refuse: { from: 'pending', to: 'refused', stampMove: 'refuse_refund', label: 'Refuser', note: true },
} as const satisfies Record<string, { from: RefundStatus; to: RefundStatus; stampMove: StampMove; label: string; note: boolean }>;
export type RefundDecision = keyof typeof REFUND_DECISIONS;

/** The pieces of the tobacconist case (file fields of the form). */
export const REFUND_PIECES = {
  rib: 'Relevé d’identité bancaire (RIB) à votre nom',
  identity: 'Copie d’une pièce d’identité avec photo (carte d’identité, passeport ou titre de séjour) ; pour un professionnel, un extrait Kbis',
} as const;
export type RefundPiece = keyof typeof REFUND_PIECES;

/** An IBAN, spaces removed, upper case; checked with ISO 13616's mod 97. */
export function normalizeIban(v: string): string {
  return v.replace(/[\s\u00a0\u202f-]/g, '').toUpperCase();
}
export function ibanValid(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const moved = iban.slice(4) + iban.slice(0, 4);
  const digits = moved.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  return rest === 1;
}
/** "FR76 •••• •••• 0189": what a page or an email shows of an IBAN. */
export const maskIban = (iban: string): string => `${iban.slice(0, 4)} •••• •••• ${iban.slice(-4)}`;

/** "1250" or "12,50" or "12,50 €" → cents, or null. */
export function parseEuros(v: string): number | null {
  const m = /^(\d{1,4})(?:[.,](\d{1,2}))?\s*€?$/.exec(v.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}
