import { formatDate } from '../../platform/format-date.ts';
import { STATUSES, type Status as LicenceStatus } from '../licences/model.ts';
import type { PreApplicationStatus } from '../identity-docs/model.ts';

/**
 * How long a document issued for a request stays valid: an authentic 2D-Doc of a request that was
 * refused, or of a pre-application that expired or was used at a town hall, no longer proves anything.
 * The one place that says, for each 2D-Doc type, in which statuses of its request the document holds.
 */
export const LICENCE_DOCUMENT_VALID_IN: Record<'P5' | 'P6' | 'P7', readonly LicenceStatus[]> = {
  /** récépissé de dépôt: the request was filed and is not refused */
  P5: ['sent', 'images_check', 'instruction', 'to_complete', 'validated'],
  /** formulaire de dépôt photo et signature: only while the request waits for its photo and signature to be checked or instructed */
  P6: ['sent', 'images_check', 'instruction', 'to_complete'],
  /** attestation de droits à conduire: the statuses in which the request offers it (licences/model.ts attestationAvailable) */
  P7: ['instruction', 'to_complete', 'validated'],
};

/** A pre-application summary (P8) is valid while the pre-application waits to be taken, until its expiry date. */
export const PRE_APPLICATION_VALID_IN: readonly PreApplicationStatus[] = ['submitted'];

/** Why a licence document is no longer valid, in French; null while it is. */
export function licenceDocumentInvalidity(type: keyof typeof LICENCE_DOCUMENT_VALID_IN, r: { status: LicenceStatus; decided_at: Date | null; updated_at: Date }): string | null {
  if (LICENCE_DOCUMENT_VALID_IN[type].includes(r.status)) return null;
  const on = formatDate(r.decided_at ?? r.updated_at);
  switch (r.status) {
    case 'rejected':
      return `la demande a été refusée le ${on}`;
    case 'images_rejected':
      return `la photo et la signature de la demande ont été refusées le ${on}`;
    case 'validated':
      return `la demande a été validée le ${on} : ce document ne sert plus`;
    default:
      return `la demande est à l’état « ${STATUSES[r.status].label} »`;
  }
}

/** Why a pre-application summary is no longer valid, in French; null while it is. */
export function preApplicationInvalidity(
  p: { status: PreApplicationStatus; expires_at: Date | null; taken_at: Date | null; town_hall_name: string | null },
  now: Date = new Date(),
): string | null {
  if (p.status === 'taken') return `la pré-demande a déjà été reprise${p.town_hall_name ? ` par la mairie « ${p.town_hall_name} »` : ' en mairie'}${p.taken_at ? ` le ${formatDate(p.taken_at)}` : ''}`;
  if (!PRE_APPLICATION_VALID_IN.includes(p.status)) return 'la pré-demande n’est pas validée';
  if (p.expires_at && p.expires_at <= now) return `la pré-demande a expiré le ${formatDate(p.expires_at)}`;
  return null;
}
