import { describe, expect, it } from 'vitest';
import { saleDocumentPdf } from '../../src/domains/vehicles/procedures/documents.ts';
import { qrCodePng } from '../../src/platform/pdf/qr-image.ts';
import { saleReceiptPdf } from '../../src/domains/vehicles/sale/receipt.ts';
import { decodeQrFromPdf } from '../integration/pre-application-qr.ts';
import { saleContent } from '../helpers/sale-content.ts';

/**
 * The QR code's picture (src/platform/pdf/qr-image.ts): the address as one byte segment, read back
 * whatever its letters, and the last pictures kept, so that the accusé of a sale, which prints the
 * address of its certificate of sale, does not encode it again.
 */
const sale = saleContent({ fileNumber: 'VH-2026-000457', plate: 'EF-457-GH' });

describe('the QR code of a document', () => {
  it('reads back as its address, lower-case, upper-case and digits alike, on the certificate and on the accusé', async () => {
    for (const url of ['https://titres.example.fr/verification/AbCdEfGhIjKlMnOpQrStUv', 'HTTPS://TITRES.EXAMPLE.FR/VERIFICATION/ABCDEFGHIJ0123456789AB']) {
      expect(decodeQrFromPdf(await saleDocumentPdf('certificat_cession', sale, url))).toBe(url);
      expect(decodeQrFromPdf(await saleReceiptPdf(sale, url))).toBe(url);
    }
  });

  it('is encoded once for the same address and width: the accusé after its certificate takes the same picture', async () => {
    const url = 'https://titres.example.fr/verification/Zz9Yy8Xx7Ww6Vv5Uu4Tt3S';
    const first = await qrCodePng(url, { minWidth: 240 });
    expect(await qrCodePng(url, { minWidth: 240 })).toBe(first);
    expect(await qrCodePng(url, { minWidth: 300 })).not.toBe(first);
    expect(await qrCodePng(`${url}x`, { minWidth: 240 })).not.toBe(first);
  });
});
