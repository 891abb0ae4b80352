import { describe, expect, it } from 'vitest';
import { saleDocumentPdf, type SaleDocumentContent } from '../../src/domains/vehicles/procedures/documents.ts';
import { pdfText } from '../helpers/pdf.ts';

const sale: SaleDocumentContent = {
  fileNumber: 'VH-2026-000123',
  plate: 'AB-123-CD',
  vin: 'VF1RFB00012345678',
  certificateNumber: '2019AB12345',
  certificateDate: '2019-03-04',
  firstRegistrationDate: '2019-03-04',
  category: 'VP',
  seller: { name: 'Camille MARTIN', address: ['12 RUE DES LILAS', '69003 LYON'] },
  buyer: { name: 'Julien LEROY', birthDate: '1990-05-06', address: ['3 QUAI SAINT ANTOINE', '69002 LYON'], professional: false },
  saleAt: '2026-11-30T14:30:00.000Z',
  mileage: 45210,
  encumbrances: [],
  issuedAt: '2026-12-01T09:00:00.000Z',
};

describe('numbers in issued documents', () => {
  it('prints a mileage of 45 210 km with a no-break space, not the narrow one the font lacks', async () => {
    const text = pdfText(await saleDocumentPdf('certificat_cession', sale, 'https://example.test/verification/x'));
    expect(text).toContain("45 210 km");
    expect(text).not.toContain('45 /210');
  });
});
