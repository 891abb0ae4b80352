/**
 * "Mes démarches": every request of an account in one list (issue 16, decision 0025). Each kind of
 * request keeps its own state machine; this model only reads their states and says, for each, in
 * which tab the request belongs and what the user is expected to do next — the status shown.
 */

import { USER_STATE_LABELS } from '../vehicles/procedures/model.ts';

export type Tab = 'brouillons' | 'en-cours' | 'a-completer' | 'terminees';
export const TABS: readonly { key: Tab; label: string; empty: string }[] = [
  { key: 'brouillons', label: 'Brouillons', empty: 'Aucun brouillon : les démarches commencées et pas encore envoyées apparaissent ici.' },
  { key: 'en-cours', label: 'En cours', empty: 'Aucune démarche en cours d’examen.' },
  { key: 'a-completer', label: 'À compléter', empty: 'Rien à compléter : aucune démarche n’attend d’action de votre part.' },
  { key: 'terminees', label: 'Terminées', empty: 'Aucune démarche terminée.' },
];
export const isTab = (value: unknown): value is Tab => TABS.some((t) => t.key === value);

/** The four kinds of request listed, in the order they sort among requests updated at the same instant. */
export type Source = 'contact' | 'licence' | 'pre_application' | 'vehicle';
export const SOURCES: readonly Source[] = ['vehicle', 'pre_application', 'licence', 'contact'];

export type Badge = 'new' | 'info' | 'warning' | 'success' | 'error';
export interface StateView {
  tab: Tab;
  /** what the user reads as the status: the action expected from them when there is one */
  label: string;
  badge: Badge;
}

/**
 * Per kind of request, its states as the dashboard reads them. A state is the request's status,
 * refined where the status alone does not say what the user must do (service.ts computes it in SQL):
 * - a vehicle procedure `in_progress` after the instruction centre validated its pieces
 *   (`submitted_at` set) is `in_progress_reviewed`: the user finalises and pays;
 * - a pre-application `submitted` past its validity is `expired`.
 */
export const STATES = {
  vehicle: {
    awaiting_code: { tab: 'brouillons', label: USER_STATE_LABELS.awaiting_code, badge: 'new' },
    in_progress: { tab: 'brouillons', label: USER_STATE_LABELS.in_progress, badge: 'new' },
    in_progress_reviewed: { tab: 'a-completer', label: USER_STATE_LABELS.in_progress_reviewed, badge: 'warning' },
    to_complete: { tab: 'a-completer', label: USER_STATE_LABELS.to_complete, badge: 'warning' },
    awaiting_payment: { tab: 'a-completer', label: USER_STATE_LABELS.awaiting_payment, badge: 'warning' },
    awaiting_review: { tab: 'en-cours', label: USER_STATE_LABELS.awaiting_review, badge: 'info' },
    completed: { tab: 'terminees', label: USER_STATE_LABELS.completed, badge: 'success' },
    rejected: { tab: 'terminees', label: USER_STATE_LABELS.rejected, badge: 'error' },
    cancelled: { tab: 'terminees', label: USER_STATE_LABELS.cancelled, badge: 'info' },
  },
  licence: {
    draft: { tab: 'brouillons', label: 'Demande à terminer', badge: 'new' },
    sent: { tab: 'en-cours', label: 'Envoyée à l’administration', badge: 'info' },
    images_check: { tab: 'en-cours', label: 'Photo et signature en cours de vérification', badge: 'info' },
    instruction: { tab: 'en-cours', label: 'En cours d’instruction', badge: 'info' },
    to_complete: { tab: 'a-completer', label: 'Demande à compléter', badge: 'warning' },
    images_rejected: { tab: 'terminees', label: 'Photo ou signature refusée : nouvelle demande à faire', badge: 'error' },
    rejected: { tab: 'terminees', label: 'Rejetée', badge: 'error' },
    validated: { tab: 'terminees', label: 'Validée : permis envoyé sous 15 jours', badge: 'success' },
  },
  pre_application: {
    draft: { tab: 'brouillons', label: 'Pré-demande à terminer', badge: 'new' },
    submitted: { tab: 'en-cours', label: 'À présenter en mairie avec vos justificatifs', badge: 'info' },
    taken: { tab: 'terminees', label: 'Recueillie en mairie', badge: 'success' },
    expired: { tab: 'terminees', label: 'Expirée : non présentée en mairie à temps', badge: 'error' },
  },
  contact: {
    open: { tab: 'en-cours', label: 'En attente de réponse de l’assistance', badge: 'info' },
    answered: { tab: 'terminees', label: 'Réponse reçue', badge: 'success' },
  },
} as const satisfies Record<Source, Record<string, StateView>>;

const UNKNOWN: StateView = { tab: 'en-cours', label: 'En cours', badge: 'info' };
export function stateView(source: Source, state: string): StateView {
  return (STATES[source] as Record<string, StateView>)[state] ?? UNKNOWN;
}

/** The states of a kind of request that fall in a tab (for the SQL filter of a tab's page). */
export function statesIn(source: Source, tab: Tab): string[] {
  return Object.entries(STATES[source] as Record<string, StateView>)
    .filter(([, view]) => view.tab === tab)
    .map(([state]) => state);
}

/** How many requests a page shows. */
export const PAGE_SIZE = 20;

/**
 * A search by file number or plate, normalised the way both are compared: upper case, without
 * spaces or dashes ("ab-123 cd" finds AB-123-CD). Null when there is nothing to search.
 */
export function normaliseSearch(input: string | undefined): string | null {
  const value = (input ?? '').toUpperCase().replace(/[\s-]+/g, '');
  if (!value) return null;
  return /^[A-Z0-9]{1,40}$/.test(value) ? value : null;
}

/**
 * The stored forms a normalised search may have: file numbers are written "V26-ABCD2345" (a letter,
 * the year, a dash, 8 characters), plates "AB-123-CD" (SIV) or "1234 AB 75" (FNI). Compared with
 * `in (…)` on the stored columns, so that the unique indexes answer instead of a scan of the account.
 */
export function searchCandidates(q: string): { references: string[]; plates: string[] } {
  const references = [q];
  if (/^[A-Z]\d{2}[A-Z0-9]{8}$/.test(q)) references.push(`${q.slice(0, 3)}-${q.slice(3)}`);
  const plates = [q];
  const siv = /^([A-Z]{2})(\d{3})([A-Z]{2})$/.exec(q);
  if (siv) plates.push(`${siv[1]}-${siv[2]}-${siv[3]}`);
  const fni = /^(\d{1,4})([A-Z]{1,3})(\d{2,3}|2A|2B)$/.exec(q);
  if (fni) plates.push(`${fni[1]} ${fni[2]} ${fni[3]}`);
  return { references, plates };
}
