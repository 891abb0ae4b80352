import { describe, expect, it } from 'vitest';
import { saleDocumentPdf, withSignedSeal } from '../../src/domains/vehicles/procedures/documents.ts';
import { saleReceiptPdf } from '../../src/domains/vehicles/sale/receipt.ts';
import { decodeQrFromPdf } from '../integration/pre-application-qr.ts';
import { pdfObjects, pdfText } from '../helpers/pdf.ts';
import { saleContent } from '../helpers/sale-content.ts';

/**
 * The layouts and font subsets that documents reuse from one another (src/platform/pdf/font-reuse.ts)
 * and the QR code drawn as a greyscale picture (qr-image.ts): what each document prints and embeds
 * stays its own.
 */
const sale = (buyer: string, mileage = 45210) => saleContent({ buyerName: buyer, mileage });
const URL = 'https://example.test/verification/AbCdEfGhIjKlMnOpQrStUv';

/** The embedded font program (CFF) of each face of a PDF, by its PostScript name without the subset tag. */
function fontPrograms(pdf: Buffer): Map<string, Buffer> {
  const objects = pdfObjects(pdf);
  const programs = new Map<string, Buffer>();
  for (const { dict } of objects.values()) {
    const name = /\/FontName \/[A-Z]{6}\+([\w-]+)/.exec(dict)?.[1];
    const file = /\/FontFile[23]? (\d+) 0 R/.exec(dict)?.[1];
    if (name && file) programs.set(name, objects.get(Number(file))!.stream!);
  }
  return programs;
}

describe('documents reuse layouts and font subsets, each keeping its own text and bytes', () => {
  it('draws a document again with the same bytes after other documents were drawn with other words', async () => {
    const issued = withSignedSeal('certificat_cession', sale('Julien LEROY'), 'AbCdEfGhIjKlMnOpQrStUv'); // its seal signed once, as when issued
    const first = await saleDocumentPdf('certificat_cession', issued, URL);
    await saleDocumentPdf('certificat_cession', sale('Bérénice DUPONT-GRAND', 123456), URL);
    await saleReceiptPdf(sale('Anne-Sophie VIDAL', 7), URL);
    const again = await saleDocumentPdf('certificat_cession', issued, URL);
    expect(again.equals(first)).toBe(true);
  });

  it('embeds the same subset of a face in documents that print only French letters, with different names', async () => {
    const a = fontPrograms(await saleDocumentPdf('certificat_cession', sale('Julien LEROY'), URL));
    const b = fontPrograms(await saleDocumentPdf('csa', sale('Zoé ŒUVRARD-ÇA', 98765), URL));
    expect(a.has('Marianne-Bold') && a.has('Marianne-Regular')).toBe(true);
    expect(a.get('Marianne-Bold')!.equals(b.get('Marianne-Bold')!)).toBe(true);
    expect(a.get('Marianne-Regular')!.equals(b.get('Marianne-Regular')!)).toBe(true);
  });

  it('gives a letter beyond French its own glyph in a subset of its own, and the text still reads', async () => {
    const plain = await saleDocumentPdf('certificat_cession', sale('Lukasz NOWAK'), URL);
    const polish = await saleDocumentPdf('certificat_cession', sale('Łukasz NOWAK'), URL);
    expect(pdfText(polish)).toContain('Łukasz NOWAK');
    const bold = (pdf: Buffer) => fontPrograms(pdf).get('Marianne-Bold')!;
    expect(bold(polish).length).toBeGreaterThan(bold(plain).length);
    // the shared subset was not changed by it: a later French document embeds the first one's
    expect(bold(await saleDocumentPdf('certificat_cession', sale('Lukasz NOWAK'), URL)).equals(bold(plain))).toBe(true);
  });

  it('prints a QR code that reads back as the verification address', async () => {
    expect(decodeQrFromPdf(await saleReceiptPdf(sale('Julien LEROY'), URL))).toBe(URL);
  });
});
