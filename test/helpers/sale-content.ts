import type { SaleDocumentContent } from '../../src/domains/vehicles/procedures/documents.ts';

/**
 * The content of a declaration of sale for the document tests: Camille MARTIN sells her car to
 * Julien LEROY on 30 November 2026, issued on 1 December. `changes` replaces fields, `buyerName`
 * the buyer's name only.
 */
export function saleContent({ buyerName, ...changes }: Partial<SaleDocumentContent> & { buyerName?: string } = {}): SaleDocumentContent {
  return {
    fileNumber: 'VH-2026-000123',
    plate: 'AB-123-CD',
    vin: 'VF1RFB00012345678',
    certificateNumber: '2019AB12345',
    certificateDate: '2019-03-04',
    firstRegistrationDate: '2019-03-04',
    category: 'VP',
    seller: { name: 'Camille MARTIN', address: ['12 RUE DES LILAS', '69003 LYON'] },
    buyer: { name: buyerName ?? 'Julien LEROY', birthDate: '1990-05-06', address: ['3 QUAI SAINT ANTOINE', '69002 LYON'], professional: false },
    saleAt: '2026-11-30T14:30:00.000Z',
    mileage: 45_210,
    encumbrances: [],
    issuedAt: '2026-12-01T09:00:00.000Z',
    ...changes,
  };
}
