import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { printable } from './text.ts';

export const AGENCY = 'Agence nationale des titres sécurisés';

export interface OfficialPage {
  doc: PDFKit.PDFDocument;
  /** "Label : value" on one line, the label in bold */
  line(label: string, value: string): void;
}

/**
 * Every document the portal issues (CPI, summaries, receipts, attestations, forms): A4, tagged,
 * in French; the agency header, a QR code top right (a PNG, so a scanner or a test can read it
 * back), the title, the body drawn by `draw`, and a footer line (usually the verification URL).
 */
export async function officialDocumentPdf(
  opts: { title: string; qrUrl: string; footer: string; qrWidth?: number; headerLines?: string[] },
  draw: (page: OfficialPage) => void,
): Promise<Buffer> {
  const qrWidth = opts.qrWidth ?? 100;
  const qr = await QRCode.toBuffer(opts.qrUrl, { type: 'png', margin: 1, width: Math.max(240, qrWidth * 2.5), errorCorrectionLevel: 'M' });
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 50, lang: 'fr-FR', tagged: true, displayTitle: true, info: { Title: opts.title, Author: AGENCY } } as PDFKit.PDFDocumentOptions);
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    const text = doc.text.bind(doc);
    doc.text = ((t: string, ...rest: unknown[]) => text(printable(String(t)), ...(rest as []))) as typeof doc.text;
    doc.font('Helvetica-Bold').fontSize(10).text('RÉPUBLIQUE FRANÇAISE');
    doc.font('Helvetica').fontSize(9).text(AGENCY);
    for (const l of opts.headerLines ?? []) doc.text(l);
    doc.image(qr, 545 - qrWidth, 40, { width: qrWidth });
    doc.moveDown(2).font('Helvetica-Bold').fontSize(14).text(opts.title, { width: 480 - qrWidth });
    doc.moveDown().font('Helvetica').fontSize(10);
    const line = (label: string, value: string) => doc.font('Helvetica-Bold').text(`${label} : `, { continued: true }).font('Helvetica').text(value, { width: 495 });
    draw({ doc, line });
    doc.moveDown(2).fontSize(8).text(opts.footer, 50, undefined, { width: 495 });
    doc.end();
  });
}
