import PDFDocument from 'pdfkit';

/**
 * A letter as a PDF (A4): sender block, the recipient's address block placed for a window
 * envelope (DL, window at 100 mm from the left, 45 mm from the top), subject, body, date.
 */
const MM = 72 / 25.4;

export function letterPdf(opts: { recipient: string[]; subject: string; body: string; date: Date }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margins: { top: 20 * MM, bottom: 20 * MM, left: 20 * MM, right: 20 * MM }, info: { Title: opts.subject, Author: 'Agence nationale des titres sécurisés' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.font('Helvetica-Bold').fontSize(10).text('RÉPUBLIQUE FRANÇAISE', 20 * MM, 20 * MM);
    doc.font('Helvetica').fontSize(9).text('Agence nationale des titres sécurisés', 20 * MM, 26 * MM).text('Portail des titres sécurisés');
    doc.font('Helvetica').fontSize(11);
    opts.recipient.forEach((line, i) => doc.text(line, 100 * MM, 45 * MM + i * 5 * MM, { width: 90 * MM, lineBreak: false }));
    const when = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long' }).format(opts.date);
    doc.text(`Le ${when}`, 100 * MM, 85 * MM);
    doc.font('Helvetica-Bold').text(`Objet : ${opts.subject}`, 20 * MM, 100 * MM, { width: 170 * MM });
    doc.moveDown().font('Helvetica').text(opts.body, { width: 170 * MM, align: 'left' });
    doc.end();
  });
}
