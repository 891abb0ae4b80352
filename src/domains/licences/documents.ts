import { formatDate, formatLongDateTime } from '../../platform/format-date.ts';
import { officialDocumentPdf } from '../../platform/pdf/official-document.ts';
import { sealDate, type SealDocumentType, type SealFields } from '../../platform/seal/two-d-doc.ts';

const MM = 72 / 25.4;
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

const paris = (d: Date, withTime = true) => (withTime ? formatLongDateTime : formatDate)(d);
const frDate = (iso: string) => iso.split('-').reverse().join('/');

const SEAL_TYPES: Record<LicenceDocument, SealDocumentType> = { recepisse: 'P5', fps: 'P6', attestation: 'P7' };

/** The data a licence document's 2D-Doc carries (the verification reads them back from the request). */
export const licenceSeal = (kind: LicenceDocument, c: DocumentContent): { type: SealDocumentType; fields: SealFields } => ({
  type: SEAL_TYPES[kind],
  fields: { F0: c.fileNumber, F4: c.person.name, FA: sealDate(c.person.birthDate), F5: sealDate(c.issuedAt) },
});

export function licencePdf(kind: LicenceDocument, c: DocumentContent, verifyUrl: string): Promise<Buffer> {
  return officialDocumentPdf(
    {
      title: DOCUMENT_TITLES[kind],
      subtitle: kind === 'attestation' ? 'Valable 2 mois, en France, avec une pièce d’identité' : undefined,
      fileNumber: c.fileNumber,
      issuedAt: c.issuedAt,
      qrUrl: verifyUrl,
      footer: `Vérifiez l’authenticité de ce document en ligne : ${verifyUrl}`,
      seal: licenceSeal(kind, c),
    },
    (page) => {
      page.section('La demande');
      page.fields([
        { label: 'Numéro de dossier', value: c.fileNumber },
        { label: 'Motif', value: c.reason },
        { label: 'Demande envoyée le', value: paris(c.submittedAt) },
        { label: 'Document édité le', value: paris(c.issuedAt) },
        ...(c.categories.length ? [{ label: 'Catégories', value: c.categories.join(', ') }] : []),
        ...(c.neph ? [{ label: 'Numéro de dossier permis (NEPH)', value: c.neph }] : []),
        ...(kind === 'recepisse' && c.fee ? [{ label: 'Timbre fiscal', value: c.fee, wide: true }] : []),
      ]);
      page.section('La personne concernée');
      page.fields([
        { label: 'Nom et prénoms', value: c.person.name, wide: true },
        { label: 'Née ou né le', value: `${frDate(c.person.birthDate)} à ${c.person.birthPlace}`, wide: true },
        { label: 'Adresse', value: c.person.address.join(', '), wide: true },
      ]);
      if (kind === 'recepisse') {
        page.paragraph('Votre demande a été enregistrée. Suivez son avancement depuis votre espace. Les demandes sont supprimées 6 mois après leur création, quel que soit leur statut.', { gap: 10 });
        if (c.whileWaiting.length) {
          page.section('Avec quel document circuler en attendant le nouveau permis ?');
          page.paragraph(c.whileWaiting.join(' '));
        }
        if (c.photo === 'classic')
          page.paragraph('Votre demande ne comporte pas de photo-signature numérique : imprimez le formulaire de dépôt photo et signature, collez-y votre photo, signez-le et envoyez-le par courrier simple.');
      } else if (kind === 'fps') {
        page.section('À compléter et à envoyer');
        page.paragraph('1. Collez ici une photo d’identité récente et conforme (35 × 45 mm), sans l’agrafer.');
        page.frame('Photo (35 × 45 mm)', 35 * MM, 45 * MM);
        page.paragraph('2. Signez dans le cadre, sans déborder, à l’encre noire.', { gap: 10 });
        page.signatures([{ label: 'Signature de la personne concernée', hint: 'sans déborder du cadre' }]);
        page.paragraph('3. Envoyez ce formulaire en courrier simple (pas de lettre suivie ni de recommandé), sans aucun autre document, à l’adresse :', { gap: 10 });
        page.paragraph(FPS_POSTAL_ADDRESS.join('\n'), { bold: true });
      } else {
        page.paragraph(
          `L’Agence nationale des titres sécurisés atteste que la personne ci-dessus a déclaré la perte de son permis de conduire${c.neph ? ` (NEPH ${c.neph})` : ''} et que sa demande de nouveau titre a été vérifiée par l’administration. Ses droits à conduire sont en cours de validité. Cette attestation est valable 2 mois, en France, avec une pièce d’identité, dans l’attente du nouveau titre.`,
          { gap: 10 },
        );
      }
    },
  );
}
