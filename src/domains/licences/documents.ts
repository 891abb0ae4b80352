import { officialDocumentPdf } from '../../platform/pdf/official-document.ts';
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * The PDFs of a licence request: the récépissé de dépôt (at submission), the formulaire de dépôt
 * photo et signature (FPS, when the user has a classic photo) and the attestation de droits à
 * conduire (after a loss, once checked). Each carries the agency header, the file number, the date
 * and a QR code to the public verification page.
 */
export type LicenceDocument = 'recepisse' | 'fps' | 'attestation';

export const DOCUMENT_TITLES: Record<LicenceDocument, string> = {
  recepisse: 'Récépissé de dépôt d’une demande de permis de conduire',
  fps: 'Formulaire de dépôt photo et signature (FPS)',
  attestation: 'Attestation de droits à conduire',
};

/** Where the FPS is posted (courrier simple, nothing else in the envelope). */
export const FPS_POSTAL_ADDRESS = ['Agence nationale des titres sécurisés', 'Service photo-signature permis de conduire', 'TSA 71234', '75941 PARIS CEDEX 19'];

function key(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'licence-documents', 'portail-titres', 32));
}
/** The signature in a verification link: only the agency can make one for a file number. */
export const verificationSignature = (secret: string, fileNumber: string): string => createHmac('sha256', key(secret)).update(fileNumber).digest('base64url').slice(0, 32);
export function verificationMatches(secret: string, fileNumber: string, signature: string): boolean {
  const expected = Buffer.from(verificationSignature(secret, fileNumber));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface DocumentContent {
  fileNumber: string;
  reason: string;
  person: { name: string; birthDate: string; birthPlace: string; address: string[] };
  categories: string[];
  neph: string | null;
  submittedAt: Date;
  issuedAt: Date;
  fee: string | null;
  photo: 'code' | 'classic' | null;
  /** the FAQ's "Avec quel document circuler en attendant ?" for this reason (printed on the récépissé) */
  whileWaiting: readonly string[];
}

const paris = (d: Date, withTime = true) =>
  new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', ...(withTime ? { timeStyle: 'short' } : {}) }).format(d);
const frDate = (iso: string) => iso.split('-').reverse().join('/');

export function licencePdf(kind: LicenceDocument, c: DocumentContent, verifyUrl: string): Promise<Buffer> {
  return officialDocumentPdf({ title: DOCUMENT_TITLES[kind], qrUrl: verifyUrl, footer: `Vérifiez l’authenticité de ce document : ${verifyUrl}` }, ({ doc, line }) => {
    line('Numéro de dossier', c.fileNumber);
    line('Motif', c.reason);
    line('Personne concernée', c.person.name);
    line('Née ou né le', `${frDate(c.person.birthDate)} à ${c.person.birthPlace}`);
    line('Adresse', c.person.address.join(', '));
    if (c.categories.length) line('Catégories', c.categories.join(', '));
    if (c.neph) line('Numéro de dossier permis (NEPH)', c.neph);
    line('Demande envoyée le', paris(c.submittedAt));
    line('Document édité le', paris(c.issuedAt));
    doc.moveDown();
    if (kind === 'recepisse') {
      if (c.fee) line('Timbre fiscal', c.fee);
      doc.moveDown().text(
        'Votre demande a été enregistrée. Suivez son avancement depuis votre espace. Les demandes sont supprimées 6 mois après leur création, quel que soit leur statut.',
        { width: 495 },
      );
      if (c.whileWaiting.length) doc.moveDown().font('Helvetica-Bold').text('Avec quel document circuler en attendant le nouveau permis ?').font('Helvetica').text(c.whileWaiting.join(' '), { width: 495 });
      if (c.photo === 'classic')
        doc.moveDown().text('Votre demande ne comporte pas de photo-signature numérique : imprimez le formulaire de dépôt photo et signature, collez-y votre photo, signez-le et envoyez-le par courrier simple.', { width: 495 });
    } else if (kind === 'fps') {
      doc.text('1. Collez ici une photo d’identité récente et conforme (35 × 45 mm), sans l’agrafer.', { width: 495 });
      doc.rect(50, doc.y + 10, 100, 128).stroke();
      doc.text('Photo', 85, doc.y + 70);
      doc.text('2. Signez dans le cadre, sans déborder, à l’encre noire.', 50, doc.y + 80, { width: 495 });
      doc.rect(50, doc.y + 10, 250, 70).stroke();
      doc.text('Signature', 150, doc.y + 40);
      doc.text('3. Envoyez ce formulaire en courrier simple (pas de lettre suivie ni de recommandé), sans aucun autre document, à l’adresse :', 50, doc.y + 50, { width: 495 });
      doc.moveDown().font('Helvetica-Bold').text(FPS_POSTAL_ADDRESS.join('\n'));
      doc.font('Helvetica');
    } else {
      doc.text(
        `L’Agence nationale des titres sécurisés atteste que la personne ci-dessus a déclaré la perte de son permis de conduire${c.neph ? ` (NEPH ${c.neph})` : ''} et que sa demande de nouveau titre a été vérifiée par l’administration. Ses droits à conduire sont en cours de validité. Cette attestation est valable 2 mois, en France, avec une pièce d’identité, dans l’attente du nouveau titre.`,
        { width: 495 },
      );
    }
  });
}
