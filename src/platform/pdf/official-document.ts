import { dataMatrix, type Modules } from './datamatrix.ts';
import { pdfLibraries } from './libraries.ts';
import { documentSigner } from '../seal/keys.ts';
import { createSeal, type SealDocumentType, type SealFields } from '../seal/two-d-doc.ts';
import { FONT, registerFonts } from './fonts.ts';
import { printable } from './text.ts';
import { qrCodePng } from './qr-image.ts';
import { reuseDeflatedStreams } from './deflate-reuse.ts';
import { keepTextWrites } from './text-writes.ts';

export const AGENCY = 'Agence nationale des titres sécurisés';

/** A box of an official form: its code on the certificate (A, D.1, J.3…), its label, its value. */
export interface Field {
  code?: string;
  label: string;
  value: string;
  /** a box across the whole row */
  wide?: boolean;
}

export interface OfficialPage {
  doc: PDFKit.PDFDocument;
  /** "Label : value" on one line, the label in bold (a paragraph) */
  line(label: string, value: string): void;
  /** a section heading (H2) on a tinted band */
  section(title: string): void;
  /** framed boxes, two per row unless `wide`, as a table (label header cell, value cell) */
  fields(fields: Field[]): void;
  paragraph(text: string, opts?: { bold?: boolean; size?: number; gap?: number }): void;
  list(items: string[]): void;
  /** framed signature boxes side by side, each with its label and what to write */
  signatures(boxes: { label: string; hint?: string }[]): void;
  /** an empty framed area to fill in by hand (a photo, a signature), with its label inside */
  frame(label: string, width: number, height: number): void;
}

export interface OfficialDocumentOptions {
  title: string;
  /** the legal basis or a second title line, under the title */
  subtitle?: string;
  /** e.g. "15776*02": printed in the cerfa box of the header */
  cerfa?: string;
  /** printed with the issue date in the footer of every page */
  fileNumber?: string;
  issuedAt?: Date | string;
  qrUrl: string;
  /** the text beside the QR code (by default, the verification invitation with the URL) */
  footer: string;
  qrWidth?: number;
  headerLines?: string[];
  /**
   * the 2D-Doc to print top right: the document type and its data fields, signed with the portal's
   * key — or `signed`, the message as signed when the document was issued, printed as is: an ECDSA
   * signature differs at each signing, so only a seal signed once makes every render of a document
   * the same bytes (and the size stated on its link the size downloaded)
   */
  seal?: { type: SealDocumentType; fields: SealFields; signed?: string };
}

const MM = 72 / 25.4;
const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = { top: 15 * MM, bottom: 22 * MM, x: 15 * MM };
const CONTENT_WIDTH = PAGE.width - 2 * MARGIN.x;
const INK = '#161616';
const GREY = '#666666';
const LINE = '#929292';
const BLUE = '#000091';
const RED = '#e1000f';
const BAND = '#eeeeee';

const FR_DATE = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short' }); // made once: building one costs more than formatting
const frDate = (d: Date) => FR_DATE.format(d);

/**
 * Draws a 2D code as black squares on white (`quiet` modules of white around), one filled path of
 * each row's runs: vector, so no picture is rasterised, encoded as PNG, decoded by pdfkit and
 * compressed again (a large share of a document's CPU), and it stays sharp at any zoom. (The QR
 * code stays a picture: the tests read it from the embedded image.)
 */
function drawModules(doc: PDFKit.PDFDocument, m: Modules, x: number, y: number, size: number, quiet: number): void {
  const cell = size / (Math.max(m.columns, m.rows) + 2 * quiet);
  doc.save();
  doc.rect(x, y, size, size).fill('#ffffff');
  for (let row = 0; row < m.rows; row++)
    for (let column = 0; column < m.columns; column++) {
      if (!m.dark(row, column)) continue;
      const start = column;
      while (column + 1 < m.columns && m.dark(row, column + 1)) column++;
      doc.rect(x + (quiet + start) * cell, y + (quiet + row) * cell, (column - start + 1) * cell, cell);
    }
  doc.fill('#000000');
  doc.restore();
}

/**
 * Every document the portal issues (CPI, certificat de cession, CSA, summaries, receipts,
 * attestations, forms), laid out like the official forms: the Marianne block and the agency, the
 * cerfa box, the 2D-Doc seal top right, the title, framed boxes with their official codes,
 * signature boxes, a QR code to the verification page, and on every page the file number, the
 * issue date and "Page n sur N".
 *
 * PDF/A-2b (XMP metadata, sRGB output intent, Marianne embedded), tagged for real: headings,
 * tables, paragraphs, lists and figures (with alt text) in the structure tree; lines, frames and
 * the footer are artifacts. Document language fr-FR, title shown by readers.
 */
export async function officialDocumentPdf(opts: OfficialDocumentOptions, draw: (page: OfficialPage) => void): Promise<Buffer> {
  const issuedAt = opts.issuedAt ? new Date(opts.issuedAt) : new Date();
  const qrWidth = opts.qrWidth ?? 80;
  const { PDFDocument, fontkit } = await pdfLibraries();
  const qr = await qrCodePng(opts.qrUrl, { minWidth: Math.max(240, qrWidth * 3) });
  const sealMessage = opts.seal ? (opts.seal.signed ?? createSeal(documentSigner(), opts.seal.type, opts.seal.fields, issuedAt)) : null;
  const seal = sealMessage ? dataMatrix(sealMessage) : null;
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margins: { top: MARGIN.top, bottom: MARGIN.bottom, left: MARGIN.x, right: MARGIN.x },
      lang: 'fr-FR',
      tagged: true,
      displayTitle: true,
      pdfVersion: '1.7',
      subset: 'PDF/A-2b',
      bufferPages: true,
      font: null, // no font made before ours are registered (registerFonts selects Marianne)
      info: { Title: printable(opts.title), Author: AGENCY, Subject: opts.fileNumber ? `Dossier ${opts.fileNumber}` : opts.title, Creator: 'Portail des titres sécurisés', CreationDate: issuedAt, ModDate: issuedAt },
    } as unknown as PDFKit.PDFDocumentOptions);
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    reuseDeflatedStreams(doc);
    keepTextWrites(doc);
    registerFonts(doc, fontkit);
    const text = doc.text.bind(doc);
    doc.text = ((t: string, ...rest: unknown[]) => text(printable(String(t)), ...(rest as []))) as typeof doc.text;

    const root = doc.struct('Document');
    doc.addStructure(root);
    const tag = (type: string, body: () => void, options: Record<string, unknown> = {}) => {
      const el = doc.struct(type, options, body);
      root.add(el);
      el.end();
    };
    const artifact = (body: () => void) => {
      doc.markContent('Artifact', { type: 'Layout' });
      body();
      doc.endMarkedContent();
    };
    const bottom = () => PAGE.height - MARGIN.bottom;
    const ensureRoom = (height: number) => {
      if (doc.y + height > bottom()) doc.addPage();
    };

    // ---- header: the Marianne block, the agency, the cerfa box, the 2D-Doc
    const top = MARGIN.top;
    artifact(() => {
      doc.rect(MARGIN.x, top, 8, 3).fill(BLUE);
      doc.rect(MARGIN.x + 8, top, 8, 3).fill('#ffffff');
      doc.rect(MARGIN.x + 16, top, 8, 3).fill(RED);
      doc.rect(MARGIN.x, top, 24, 3).lineWidth(0.3).stroke(LINE);
    });
    tag('P', () => {
      doc.fillColor(INK).font(FONT.bold).fontSize(10.5).text('RÉPUBLIQUE\nFRANÇAISE', MARGIN.x, top + 8, { lineGap: -1.5 });
      doc.font(FONT.italic).fontSize(7.5).text('Liberté\nÉgalité\nFraternité', MARGIN.x, doc.y + 3, { lineGap: -1 });
    });
    const agencyX = MARGIN.x + 95;
    tag('P', () => {
      doc.font(FONT.bold).fontSize(9.5).fillColor(INK).text(AGENCY, agencyX, top + 9, { width: 170 });
      doc.font(FONT.regular).fontSize(8).fillColor(GREY);
      for (const l of opts.headerLines ?? ['Portail des titres sécurisés']) doc.text(l, { width: 170 });
      doc.fillColor(INK);
    });
    const sealSize = 74;
    const sealX = PAGE.width - MARGIN.x - sealSize;
    if (seal)
      tag(
        'Figure',
        () => {
          drawModules(doc, seal, sealX, top, sealSize, 1);
          doc.font(FONT.regular).fontSize(6.5).fillColor(GREY).text('2D-Doc', sealX, top + sealSize + 2, { width: sealSize, align: 'center' }).fillColor(INK);
        },
        { alt: 'Code 2D-Doc : cachet électronique signé par l’agence, qui reprend les données du document' },
      );
    if (opts.cerfa) {
      const w = 88;
      const x = (seal ? sealX - 10 : PAGE.width - MARGIN.x) - w;
      artifact(() => doc.rect(x, top, w, 40).lineWidth(0.8).stroke(INK));
      tag('P', () => {
        doc.font(FONT.bold).fontSize(13).text('cerfa', x, top + 5, { width: w, align: 'center' });
        doc.font(FONT.regular).fontSize(8.5).text(`N° ${opts.cerfa}`, x, top + 23, { width: w, align: 'center' });
      });
    }

    // ---- title and the file box
    doc.y = top + 98;
    tag('H1', () => doc.font(FONT.bold).fontSize(15).fillColor(INK).text(opts.title, MARGIN.x, doc.y, { width: CONTENT_WIDTH, align: 'center' }));
    if (opts.subtitle) tag('P', () => doc.font(FONT.regular).fontSize(8.5).fillColor(GREY).text(opts.subtitle!, MARGIN.x, doc.y + 2, { width: CONTENT_WIDTH, align: 'center' }).fillColor(INK));
    doc.y += 10;

    const page: OfficialPage = {
      doc,
      line(label, value) {
        ensureRoom(16);
        tag('P', () => doc.font(FONT.bold).fontSize(10).text(`${label} : `, MARGIN.x, doc.y, { continued: true }).font(FONT.regular).text(value, { width: CONTENT_WIDTH }));
      },
      section(title) {
        ensureRoom(60);
        doc.y += 8;
        const y = doc.y;
        artifact(() => doc.rect(MARGIN.x, y, CONTENT_WIDTH, 17).fill(BAND).fillColor(INK));
        tag('H2', () => doc.font(FONT.bold).fontSize(10).fillColor(INK).text(title, MARGIN.x + 6, y + 4, { width: CONTENT_WIDTH - 12 }));
        doc.y = y + 17;
      },
      fields(fields) {
        const gap = 0;
        const rows: Field[][] = [];
        for (const f of fields) {
          const last = rows[rows.length - 1];
          if (!f.wide && last && last.length === 1 && !last[0]!.wide) last.push(f);
          else rows.push([f]);
        }
        const table = doc.struct('Table');
        root.add(table);
        for (const row of rows) {
          const w = row.length === 1 && row[0]!.wide ? CONTENT_WIDTH : (CONTENT_WIDTH - gap) / 2;
          const heights = row.map((f) => {
            doc.font(FONT.regular).fontSize(7.5);
            const lh = doc.heightOfString(printable(labelOf(f)), { width: w - 10 });
            doc.font(FONT.bold).fontSize(10.5);
            return lh + doc.heightOfString(printable(f.value || '—'), { width: w - 10 }) + 10;
          });
          const h = Math.max(...heights, 30);
          ensureRoom(h);
          const y = doc.y;
          artifact(() => row.forEach((_, i) => doc.rect(MARGIN.x + i * (w + gap), y, w, h).lineWidth(0.6).stroke(LINE)));
          const tr = doc.struct('TR');
          table.add(tr);
          row.forEach((f, i) => {
            const x = MARGIN.x + i * (w + gap) + 5;
            let valueY = y;
            tr.add(
              doc.struct('TH', { scope: 'Row' } as never, () => {
                doc.font(FONT.regular).fontSize(7.5).fillColor(GREY).text(labelOf(f), x, y + 4, { width: w - 10 });
                valueY = doc.y + 1;
              }),
            );
            tr.add(doc.struct('TD', {}, () => doc.font(FONT.bold).fontSize(10.5).fillColor(INK).text(f.value || '—', x, valueY, { width: w - 10 })));
          });
          tr.end();
          doc.x = MARGIN.x;
          doc.y = y + h;
        }
        table.end();
        doc.fillColor(INK).font(FONT.regular).fontSize(10);
      },
      paragraph(t, o = {}) {
        doc.font(o.bold ? FONT.bold : FONT.regular).fontSize(o.size ?? 9.5);
        ensureRoom(Math.min(doc.heightOfString(printable(t), { width: CONTENT_WIDTH }), 40) + (o.gap ?? 6));
        doc.y += o.gap ?? 6;
        tag('P', () => doc.fillColor(INK).text(t, MARGIN.x, doc.y, { width: CONTENT_WIDTH }));
      },
      list(items) {
        const l = doc.struct('L');
        root.add(l);
        doc.font(FONT.regular).fontSize(9.5);
        for (const item of items) {
          ensureRoom(14);
          const li = doc.struct('LI');
          l.add(li);
          li.add(doc.struct('Lbl', {}, () => doc.text('•', MARGIN.x + 4, doc.y)));
          doc.y -= doc.currentLineHeight(true);
          li.add(doc.struct('LBody', {}, () => doc.text(item, MARGIN.x + 16, doc.y, { width: CONTENT_WIDTH - 16 })));
          li.end();
        }
        l.end();
        doc.x = MARGIN.x;
      },
      signatures(boxes) {
        const h = 92;
        ensureRoom(h + 10);
        doc.y += 8;
        const y = doc.y;
        const w = (CONTENT_WIDTH - 12 * (boxes.length - 1)) / boxes.length;
        artifact(() => boxes.forEach((_, i) => doc.rect(MARGIN.x + i * (w + 12), y, w, h).lineWidth(0.8).stroke(INK)));
        boxes.forEach((b, i) =>
          tag('P', () => {
            doc.font(FONT.bold).fontSize(8.5).fillColor(INK).text(b.label, MARGIN.x + i * (w + 12) + 6, y + 5, { width: w - 12 });
            if (b.hint) doc.font(FONT.regular).fontSize(7.5).fillColor(GREY).text(b.hint, { width: w - 12 }).fillColor(INK);
          }),
        );
        doc.x = MARGIN.x;
        doc.y = y + h;
      },
      frame(label, width, height) {
        ensureRoom(height + 10);
        doc.y += 8;
        const y = doc.y;
        artifact(() => doc.rect(MARGIN.x, y, width, height).lineWidth(0.8).stroke(INK));
        tag('P', () => doc.font(FONT.regular).fontSize(8.5).fillColor(GREY).text(label, MARGIN.x, y + height / 2 - 5, { width, align: 'center' }).fillColor(INK));
        doc.x = MARGIN.x;
        doc.y = y + height;
      },
    };
    doc.font(FONT.regular).fontSize(10).fillColor(INK);
    draw(page);

    // ---- the QR code for people, with the verification text beside it
    ensureRoom(qrWidth + 16);
    doc.y += 14;
    const qrY = doc.y;
    tag('Figure', () => doc.image(qr, MARGIN.x, qrY, { width: qrWidth }), { alt: `QR code menant à la page de vérification : ${opts.qrUrl}` });
    // the URL on a line of its own, small enough not to be cut (a reader copies it whole)
    const url = /https?:\/\/\S+$/.exec(opts.footer)?.[0];
    const sentence = url ? opts.footer.slice(0, -url.length).trim() : opts.footer;
    tag('P', () => {
      doc.font(FONT.regular).fontSize(8.5).fillColor(INK).text(sentence, MARGIN.x + qrWidth + 12, qrY + 4, { width: CONTENT_WIDTH - qrWidth - 12 });
      if (url) doc.fontSize(url.length > 90 ? 6.5 : 7.5).text(url, { width: CONTENT_WIDTH - qrWidth - 12 });
    });
    if (seal)
      tag('P', () =>
        doc
          .fontSize(7.5)
          .fillColor(GREY)
          .text('Le code 2D-Doc en haut à droite reprend les données de ce document avec la signature électronique de l’agence : il se vérifie sans réseau.', { width: CONTENT_WIDTH - qrWidth - 12 })
          .fillColor(INK),
      );
    root.end();

    // ---- every page: file number, issue date, page n of N (artifacts)
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      doc.page.margins.bottom = 0; // the footer sits in the bottom margin: no page break for it
      doc.markContent('Artifact', { type: 'Pagination' });
      const y = PAGE.height - MARGIN.bottom + 14;
      doc.moveTo(MARGIN.x, y - 5).lineTo(PAGE.width - MARGIN.x, y - 5).lineWidth(0.4).stroke(LINE);
      const left = [opts.fileNumber ? `Dossier n° ${opts.fileNumber}` : null, `délivré le ${frDate(issuedAt)}`].filter(Boolean).join(' — ');
      doc.font(FONT.regular).fontSize(7.5).fillColor(GREY);
      doc.text(left, MARGIN.x, y, { width: CONTENT_WIDTH * 0.7, lineBreak: false, height: 10 });
      doc.text(`Page ${i - range.start + 1} sur ${range.count}`, MARGIN.x + CONTENT_WIDTH * 0.7, y, { width: CONTENT_WIDTH * 0.3, align: 'right', lineBreak: false, height: 10 });
      doc.endMarkedContent();
    }
    doc.end();
  });
}

const labelOf = (f: Field) => (f.code ? `(${f.code}) ${f.label}` : f.label);
