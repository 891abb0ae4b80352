import { formatDate } from '../format-date.ts';
import { pdfLibraries } from './libraries.ts';
import { FONT, registerFonts } from './fonts.ts';
import { printable } from './text.ts';
import { keepTextWrites } from './text-writes.ts';

/**
 * A letter as a PDF (A4): sender block, the recipient's address block placed for a window
 * envelope (DL, window at 100 mm from the left, 45 mm from the top), subject, body, date.
 * The Marianne block heads it; Marianne is embedded (PDF/A-2b, tagged like the other documents).
 */
const MM = 72 / 25.4;

export async function letterPdf(opts: { recipient: string[]; subject: string; body: string; date: Date }): Promise<Buffer> {
  const { PDFDocument, fontkit } = await pdfLibraries();
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margins: { top: 20 * MM, bottom: 20 * MM, left: 20 * MM, right: 20 * MM },
      lang: 'fr-FR',
      tagged: true,
      displayTitle: true,
      pdfVersion: '1.7',
      subset: 'PDF/A-2b',
      font: null, // no font made before ours are registered (registerFonts selects Marianne)
      info: { Title: printable(opts.subject), Author: 'Agence nationale des titres sécurisés', CreationDate: opts.date, ModDate: opts.date },
    } as unknown as PDFKit.PDFDocumentOptions);
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    keepTextWrites(doc);
    registerFonts(doc, fontkit);
    const root = doc.struct('Document');
    doc.addStructure(root);
    const p = (body: () => void, type = 'P') => {
      const el = doc.struct(type, {}, body);
      root.add(el);
      el.end();
    };
    doc.markContent('Artifact', { type: 'Layout' });
    doc.rect(20 * MM, 14 * MM, 8, 3).fill('#000091').rect(20 * MM + 8, 14 * MM, 8, 3).fill('#ffffff').rect(20 * MM + 16, 14 * MM, 8, 3).fill('#e1000f').fillColor('#161616');
    doc.endMarkedContent();
    p(() => {
      doc.font(FONT.bold).fontSize(10).text('RÉPUBLIQUE\nFRANÇAISE', 20 * MM, 20 * MM, { lineGap: -1.5 });
      doc.font(FONT.italic).fontSize(7).text('Liberté\nÉgalité\nFraternité', { lineGap: -1 });
    });
    p(() => doc.font(FONT.bold).fontSize(9).text('Agence nationale des titres sécurisés', 20 * MM, 40 * MM).font(FONT.regular).text('Portail des titres sécurisés'));
    p(() => {
      doc.font(FONT.regular).fontSize(11);
      opts.recipient.forEach((line, i) => doc.text(printable(line), 100 * MM, 45 * MM + i * 5 * MM, { width: 90 * MM, lineBreak: false }));
    });
    const when = formatDate(opts.date);
    p(() => doc.font(FONT.regular).fontSize(11).text(`Le ${when}`, 100 * MM, 85 * MM));
    p(() => doc.font(FONT.bold).text(printable(`Objet : ${opts.subject}`), 20 * MM, 100 * MM, { width: 170 * MM }));
    for (const para of opts.body.split(/\n{2,}/)) p(() => doc.moveDown().font(FONT.regular).text(printable(para), 20 * MM, doc.y, { width: 170 * MM, align: 'left' }));
    root.end();
    doc.end();
  });
}
