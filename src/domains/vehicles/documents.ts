import { officialDocumentPdf } from '../../platform/pdf/official-document.ts';
import type { IssuedDocumentKind } from './tables.ts';

/** What the certificate of sale and the CSA print; kept with the issued document to render it again. */
export interface SaleDocumentContent {
  fileNumber: string;
  plate: string;
  vin: string;
  certificateNumber: string | null;
  certificateDate: string;
  firstRegistrationDate: string;
  category: string;
  seller: { name: string; address: string[] };
  buyer: { name: string; birthDate: string | null; address: string[]; professional: boolean };
  saleAt: string; // ISO instant
  mileage: number;
  encumbrances: { kind: string; registeredAt: string }[];
  issuedAt: string;
}

export const DOCUMENT_TITLES: Record<IssuedDocumentKind, string> = {
  certificat_cession: 'Certificat de cession d’un véhicule d’occasion (cerfa n° 15776*02)',
  csa: 'Certificat de situation administrative (CSA)',
  cpi: 'Certificat provisoire d’immatriculation (CPI)',
  recapitulatif: 'Récapitulatif de la demande',
};

/** What the CPI prints: valid one month, in France only. */
export interface CpiContent {
  fileNumber: string;
  plate: string;
  vin: string;
  category: string;
  holder: string;
  address: string[];
  issuedAt: string;
  validUntil: string;
}

export function cpiPdf(c: CpiContent, verifyUrl: string): Promise<Buffer> {
  return officialDocumentPdf({ title: DOCUMENT_TITLES.cpi, qrUrl: verifyUrl, footer: `Vérifiez l’authenticité de ce document : ${verifyUrl}` }, ({ doc, line }) => {
    line('Numéro de dossier', c.fileNumber);
    line('Numéro d’immatriculation (A)', c.plate);
    line('Numéro d’identification (E)', c.vin);
    line('Genre national (J.1)', c.category);
    line('Titulaire (C.1)', c.holder);
    line('Adresse (C.3)', c.address.join(', '));
    line('Délivré le', paris(c.issuedAt));
    line('Valable jusqu’au', paris(c.validUntil, false));
    doc.moveDown().text('Ce certificat permet de circuler en France uniquement, pendant un mois, dans l’attente du certificat d’immatriculation envoyé au domicile du titulaire.', { width: 495 });
  });
}

export const ENCUMBRANCE_LABELS: Record<string, string> = {
  gage: 'Gage (n’empêche pas la vente)',
  otci_judiciaire: 'Opposition judiciaire (véhicule volé)',
  otci_huissier: 'Opposition d’un commissaire de justice',
  otci_tresor: 'Opposition du Trésor public (amende impayée)',
  otci_vei: 'Opposition VEI/VGA (véhicule endommagé)',
};

const paris = (iso: string, withTime = true) =>
  new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', ...(withTime ? { timeStyle: 'short' } : {}) }).format(new Date(iso));

/** Renders one of the sale documents as a PDF, with a QR code to its public verification page. */
export function saleDocumentPdf(kind: IssuedDocumentKind, c: SaleDocumentContent, verifyUrl: string): Promise<Buffer> {
  return officialDocumentPdf({ title: DOCUMENT_TITLES[kind], qrUrl: verifyUrl, footer: `Vérifiez l’authenticité de ce document : ${verifyUrl}` }, ({ doc, line }) => {
    line('Numéro de dossier', c.fileNumber);
    line('Numéro d’immatriculation (A)', c.plate);
    line('Numéro d’identification (E)', c.vin);
    line('Date de première immatriculation (B)', paris(c.firstRegistrationDate, false));
    line('Genre national (J.1)', c.category);
    line('Certificat d’immatriculation', c.certificateNumber ? `${c.certificateNumber} du ${paris(c.certificateDate, false)}` : `du ${paris(c.certificateDate, false)}`);
    doc.moveDown();
    if (kind === 'certificat_cession') {
      doc.font('Helvetica-Bold').text('Ancien propriétaire (vendeur)');
      doc.font('Helvetica').text([c.seller.name, ...c.seller.address].join('\n'));
      doc.moveDown().font('Helvetica-Bold').text(c.buyer.professional ? 'Nouveau propriétaire (professionnel de l’automobile)' : 'Nouveau propriétaire (acheteur)');
      doc.font('Helvetica').text([c.buyer.name, ...(c.buyer.birthDate ? [`Né(e) le ${paris(c.buyer.birthDate, false)}`] : []), ...c.buyer.address].join('\n'));
      doc.moveDown();
      line('Date et heure de la cession', paris(c.saleAt));
      line('Kilométrage inscrit au compteur', `${c.mileage.toLocaleString('fr-FR')} km`);
      doc.moveDown().text('Exemplaire n° 2 destiné à l’acheteur. La déclaration de cession a été enregistrée en ligne ; le vendeur remet aussi à l’acheteur le code de cession, le certificat d’immatriculation barré avec la mention « Vendu le » ou « Cédé le » (date et heure) et signé, et le certificat de situation administrative.', { width: 495 });
    } else {
      line('Titulaire', c.seller.name);
      line('Situation au', paris(c.issuedAt));
      doc.moveDown().font('Helvetica-Bold').text('Gages et oppositions');
      doc.font('Helvetica');
      if (!c.encumbrances.length) doc.text('Aucun gage ni aucune opposition n’est inscrit.');
      for (const e of c.encumbrances) doc.text(`• ${ENCUMBRANCE_LABELS[e.kind] ?? e.kind}, inscrit le ${paris(e.registeredAt, false)}`);
      doc.moveDown().text('Un certificat de situation administrative de moins de 15 jours est remis à l’acheteur.', { width: 495 });
    }
  });
}

/** What the summary of a request (récapitulatif) prints: what was asked, by whom, what was paid. */
export interface SummaryContent {
  fileNumber: string;
  procedure: string;
  plate: string;
  rows: { label: string; value: string }[];
  taxes: { field: string; label: string; amountCents: number }[];
  issuedAt: string;
}

const euros = (cents: number) => new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(cents / 100);

export function summaryPdf(c: SummaryContent, verifyUrl: string): Promise<Buffer> {
  return officialDocumentPdf(
    { title: `${DOCUMENT_TITLES.recapitulatif} : ${c.procedure}`, qrUrl: verifyUrl, footer: `Vérifiez l’authenticité de ce document : ${verifyUrl}` },
    ({ doc, line }) => {
      line('Numéro de dossier', c.fileNumber);
      line('Numéro d’immatriculation', c.plate);
      line('Date', paris(c.issuedAt));
      doc.moveDown();
      for (const r of c.rows) line(r.label, r.value);
      if (c.taxes.length) {
        doc.moveDown().font('Helvetica-Bold').text('Taxes et redevances');
        doc.font('Helvetica');
        for (const t of c.taxes) doc.text(`${t.field} — ${t.label} : ${euros(t.amountCents)}`, { width: 495 });
      }
    },
  );
}
