import { describe, expect, it } from 'vitest';
import { saleDocumentPdf } from '../../src/domains/vehicles/procedures/documents.ts';
import { pdfText } from '../helpers/pdf.ts';
import { saleContent } from '../helpers/sale-content.ts';

const sale = saleContent();

describe('numbers in issued documents', () => {
  it('prints a mileage of 45 210 km with a no-break space, not the narrow one the font lacks', async () => {
    const text = pdfText(await saleDocumentPdf('certificat_cession', sale, 'https://example.test/verification/x'));
    expect(text).toContain("45 210 km");
    expect(text).not.toContain('45 /210');
  });
});
