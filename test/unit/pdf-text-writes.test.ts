import { describe, expect, it } from 'vitest';
import { saleDocumentPdf } from '../../src/domains/vehicles/procedures/documents.ts';
import { pdfLibraries } from '../../src/platform/pdf/libraries.ts';
import { keepTextWrites, streamBytes } from '../../src/platform/pdf/text-writes.ts';
import { pdfObjects, pdfText } from '../helpers/pdf.ts';
import { qpdfCheck } from '../helpers/pdf-tools.ts';
import { saleContent } from '../helpers/sale-content.ts';

/**
 * pdfkit's lines kept as text until bytes are needed (src/platform/pdf/text-writes.ts): the bytes
 * are those pdfkit wrote (the low byte of each character), every offset of the cross-reference
 * table and every stream length still right, and a document leaves pdfkit in a few chunks instead
 * of one per line.
 */
const sale = saleContent({ fileNumber: 'VH-2026-000456', plate: 'EF-456-GH', buyerName: 'Bérénice L’HÔPITAL' });

describe('pdfkit writes kept as text', () => {
  it('turns lines and binary parts into the bytes pdfkit made of them, in order, one byte per character', () => {
    const bytes = streamBytes(['BT\n', '(é) Tj\n', Uint8Array.of(0, 255, 7), '\u2019\n', 'ET\n']);
    // pdfkit kept `charCode & 0xff` of each character: « ’ » (U+2019) is the byte 0x19
    expect([...bytes]).toEqual([...Buffer.from('BT\n(\xe9) Tj\n', 'latin1'), 0, 255, 7, 0x19, 10, ...Buffer.from('ET\n')]);
    expect(streamBytes(['q\n', 'Q\n']).toString('latin1')).toBe('q\nQ\n');
    expect(streamBytes([]).length).toBe(0);
  });

  it('leaves a certificate of sale whole: every cross-reference offset names its object, every stream has its length, qpdf finds nothing', async () => {
    const pdf = await saleDocumentPdf('certificat_cession', sale, 'https://example.test/verification/AbCdEfGhIjKlMnOpQrStUv');
    const raw = pdf.toString('latin1');
    const xref = raw.slice(raw.lastIndexOf('\nxref\n') + 6);
    const offsets = [...xref.matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    expect(offsets.length).toBeGreaterThan(30);
    offsets.forEach((offset, i) => expect(raw.startsWith(`${i + 1} 0 obj`, offset), `object ${i + 1} at ${offset}`).toBe(true));
    expect(Number(/startxref\n(\d+)/.exec(raw)![1])).toBe(raw.lastIndexOf('\nxref\n') + 1);
    for (const m of raw.matchAll(/\/Length (\d+)[^]*?\bstream\n/g)) {
      const start = m.index! + m[0].length;
      expect(raw.slice(start + Number(m[1]), start + Number(m[1]) + 10)).toBe('\nendstream');
    }
    expect(qpdfCheck(pdf).status).toBe(0);
    expect(pdfText(pdf)).toContain('HÔPITAL');
    expect([...pdfObjects(pdf).values()].filter((o) => o.stream).length).toBeGreaterThan(5);
  });

  it('hands a document over in a few chunks (before: one per line of the file, several per object)', async () => {
    const { PDFDocument } = await pdfLibraries();
    const doc = new PDFDocument({ size: 'A4', compress: false });
    keepTextWrites(doc);
    const chunks: Buffer[] = [];
    const done = new Promise<void>((resolve) => doc.on('end', resolve));
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    for (let i = 0; i < 40; i++) doc.text(`Ligne ${i}`);
    doc.addPage().text('Page deux');
    doc.end();
    await done;
    const objects = [...pdfObjects(Buffer.concat(chunks)).values()];
    const streams = objects.filter((o) => o.stream).length;
    expect(objects.length).toBeGreaterThan(10);
    expect(streams).toBe(2); // the two pages' contents
    expect(chunks.length).toBeLessThanOrEqual(2 * streams + 1); // the text between the streams, and each stream's bytes (76 chunks before)
  });
});
