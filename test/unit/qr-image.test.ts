import { describe, expect, it } from 'vitest';
import { saleDocumentPdf, type SaleDocumentContent } from '../../src/domains/vehicles/procedures/documents.ts';
import { qrCodePng } from '../../src/platform/pdf/qr-image.ts';
import { saleReceiptPdf } from '../../src/domains/vehicles/sale/receipt.ts';
import { decodeQrFromPdf } from '../integration/pre-application-qr.ts';

/**
 * The QR code's picture (src/platform/pdf/qr-image.ts): the address as one byte segment, read back
 * whatever its letters, and the last pictures kept, so that the accusé of a sale, which prints the
 * address of its certificate of sale, does not encode it again.
 */
const sale: SaleDocumentContent = {
  fileNumber: 'VH-2026-000457',
  plate: 'EF-457-GH',
  vin: 'VF1RFB00012345678',
  certificateNumber: '2019AB12345',
  certificateDate: '2019-03-04',
  firstRegistrationDate: '2019-03-04',
  category: 'VP',
  seller: { name: 'Camille MARTIN', address: ['12 RUE DES LILAS', '69003 LYON'] },
  buyer: { name: 'Julien LEROY', birthDate: '1990-05-06', address: ['3 QUAI SAINT ANTOINE', '69002 LYON'], professional: false },
  saleAt: '2026-11-30T14:30:00.000Z',
  mileage: 45_210,
  encumbrances: [],
  issuedAt: '2026-12-01T09:00:00.000Z',
};

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
