import PDFDocument from 'pdfkit';
import { formatDateTime } from '../../../platform/format-date.ts';

/** What the summary of a filed change of holder states. */
export interface TransferSummary {
  fileNumber: string;
  filedAt: Date;
  vehicle: string;
  formerHolder: string;
  newHolder: string;
  address: string;
  use: string;
  paid: boolean;
}

/** The request's summary as a PDF: vehicle, former and new holder, state. */
export function transferSummaryPdf(s: TransferSummary): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: 'Récapitulatif de la demande de changement de titulaire' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.font('Helvetica-Bold').fontSize(10).text('RÉPUBLIQUE FRANÇAISE').font('Helvetica').fontSize(9).text('Agence nationale des titres sécurisés');
    doc.moveDown(2).font('Helvetica-Bold').fontSize(14).text('Récapitulatif de la demande de changement de titulaire');
    doc.moveDown().font('Helvetica').fontSize(10);
    const line = (label: string, value: string) => doc.font('Helvetica-Bold').text(`${label} : `, { continued: true }).font('Helvetica').text(value);
    line('Numéro de dossier', s.fileNumber);
    line('Déposée le', formatDateTime(s.filedAt));
    line('Véhicule', s.vehicle);
    line('Ancien titulaire', s.formerHolder);
    line('Nouveau titulaire', s.newHolder);
    line('Adresse', s.address);
    line('Usage', s.use);
    line('État', s.paid ? 'Payée, certificat provisoire délivré' : 'En attente de paiement');
    doc.end();
  });
}
