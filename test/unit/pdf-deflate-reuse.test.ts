import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { saleDocumentPdf } from '../../src/domains/vehicles/procedures/documents.ts';
import { deflateStream, streamCompressions } from '../../src/platform/pdf/deflate-reuse.ts';
import { pdfObjects, pdfText } from '../helpers/pdf.ts';
import { saleContent } from '../helpers/sale-content.ts';

/**
 * The streams of a PDF compressed once per content (src/platform/pdf/deflate-reuse.ts): the same
 * bytes as pdfkit's own compression, each content compressed from its own bytes, and the streams
 * every document shares (fonts, their maps, the colour profile) not compressed again.
 */
const sale = (buyer: string, mileage: number) => saleContent({ fileNumber: 'VH-2026-000456', plate: 'EF-456-GH', buyerName: buyer, mileage });
const URL = 'https://example.test/verification/AbCdEfGhIjKlMnOpQrStUv';

describe('streams compressed once per content', () => {
  it('gives the bytes deflateSync gives, and a content seen lately is not compressed again', () => {
    const content = Buffer.from('BT /F1 10 Tf (Certificat de cession) Tj ET\n'.repeat(200));
    const first = deflateStream(content);
    expect(first.equals(deflateSync(content))).toBe(true);
    const before = streamCompressions();
    const again = deflateStream(Buffer.from(content)); // the same content in another buffer
    expect(streamCompressions()).toBe(before);
    expect(again.equals(first)).toBe(true);
    const other = Buffer.from(content);
    other[other.length - 2] = 0x41; // one byte differs: compressed from its own bytes
    expect(deflateStream(other).equals(deflateSync(other))).toBe(true);
    expect(streamCompressions()).toBe(before + 1);
  });

  it('a second document compresses only its own streams, and every stream of it reads back', async () => {
    await saleDocumentPdf('certificat_cession', sale('Julien LEROY', 45_210), URL);
    const before = streamCompressions();
    const pdf = await saleDocumentPdf('certificat_cession', sale('Bérénice DUPONT', 98_765), URL);
    const compressed = [...pdfObjects(pdf).values()].filter((o) => /\/FlateDecode/.test(o.dict));
    expect(compressed.length).toBeGreaterThanOrEqual(6);
    expect(compressed.every((o) => o.stream !== null), 'each stream inflates').toBe(true);
    // the faces' subsets, their ToUnicode maps and the sRGB profile came from the first document
    expect(streamCompressions() - before).toBeLessThanOrEqual(compressed.length - 4);
    expect(streamCompressions() - before).toBeGreaterThan(0); // its own page content
    expect(pdfText(pdf)).toContain('Bérénice DUPONT');
  });
});
