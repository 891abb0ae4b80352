import { officialDocumentPdf } from '../../../platform/pdf/official-document.ts';
import { formatDateTime } from '../../../platform/format-date.ts';

/** What the summary of a change of holder awaiting payment shows. */
export interface PendingSummary {
  fileNumber: string;
  filedAt: Date;
  plate: string;
  category: string;
  vin: string;
  formerHolder: string;
  newHolder: string;
  address: string;
  use: string;
  state: string;
}

/**
 * The summary of a change of holder filed and not paid yet, in the official layout (Marianne header,
 * boxes, embedded fonts, PDF/A). It is not an issued document: no 2D-Doc, and its QR code leads to
 * the request in the user's space. Once paid, the issued récapitulatif (sealed) replaces it.
 */
export function pendingSummaryPdf(s: PendingSummary, requestUrl: string): Promise<Buffer> {
  return officialDocumentPdf(
    { title: 'Récapitulatif de la demande de changement de titulaire', fileNumber: s.fileNumber, issuedAt: s.filedAt, qrUrl: requestUrl, footer: `Suivez cette demande dans votre espace : ${requestUrl}` },
    (page) => {
      page.fields([
        { label: 'Numéro de dossier', value: s.fileNumber },
        { label: 'Déposée le', value: formatDateTime(s.filedAt) },
        { code: 'A', label: 'Numéro d’immatriculation', value: s.plate },
        { code: 'J', label: 'Catégorie du véhicule', value: s.category },
        { code: 'E', label: 'Numéro d’identification du véhicule', value: s.vin, wide: true },
      ]);
      page.section('La demande');
      page.line('Ancien titulaire', s.formerHolder);
      page.line('Nouveau titulaire', s.newHolder);
      page.line('Adresse', s.address);
      page.line('Usage', s.use);
      page.line('État', s.state);
    },
  );
}
