import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { forgetDrawnDocuments, issuedDocumentDrawings } from '../../src/domains/vehicles/procedures/issued-documents.ts';
import { type TestApp, textOf, useSeededApp } from '../helpers/app.ts';
import { sellCamillesCar } from '../helpers/sales.ts';
import { signInUser } from '../helpers/users.ts';

/**
 * Issue 20: the declaration's last page states its documents' sizes without drawing them. Each
 * document's PDF is drawn once when the sale is confirmed, its 2D-Doc signed once, and its size
 * recorded with it: every download gives those very bytes.
 */
describe('sizes of the documents of a declaration of sale', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  async function sold() {
    const camille = await signInUser(t.app, 'demo.particulier@example.fr');
    await sellCamillesCar(camille);
    const sale = await t.database.db.selectFrom('vehicle_procedures').select(['id', 'file_number', 'data']).where('kind', '=', 'sale_declaration').executeTakeFirstOrThrow();
    const documents = await t.database.db.selectFrom('issued_documents').select(['kind', 'pdf_bytes']).where('procedure_id', '=', sale.id).orderBy('kind').execute();
    return { camille, sale, documents, base: `/vehicules/demandes/${sale.file_number}` };
  }

  it('records each size when the sale is confirmed, and every download is exactly that many bytes, the same bytes each time', async () => {
    const { camille, sale, documents, base } = await sold();
    expect(documents.map((d) => d.kind)).toEqual(['certificat_cession', 'csa']);
    for (const d of documents) {
      expect(d.pdf_bytes).toBeGreaterThan(10_000);
      // each download drawn again, as after a restart or on another node (not the copy kept from the confirmation)
      forgetDrawnDocuments();
      const first = await camille.get(`${base}/documents/${d.kind}.pdf`);
      forgetDrawnDocuments();
      const second = await camille.get(`${base}/documents/${d.kind}.pdf`);
      expect(first.statusCode).toBe(200);
      expect(first.rawPayload.length, d.kind).toBe(d.pdf_bytes);
      expect(first.rawPayload.equals(second.rawPayload), `${d.kind}: the same bytes at each download (its seal signed once)`).toBe(true);
    }
    const receiptBytes = (sale.data as { sale: { receiptBytes?: number } }).sale.receiptBytes;
    const receipt = await camille.get(`${base}/accuse-enregistrement.pdf`);
    expect(receipt.statusCode).toBe(200);
    expect(receipt.rawPayload.length).toBe(receiptBytes);
  });

  it('the seller downloads the three documents drawn at the confirmation: three drawings for the whole sale, none at the downloads', async () => {
    const before = issuedDocumentDrawings();
    const { camille, sale, documents, base } = await sold();
    expect(issuedDocumentDrawings() - before, 'the certificate, the CSA and the accusé, each drawn once at the confirmation').toBe(3);
    const receiptBytes = (sale.data as { sale: { receiptBytes?: number } }).sale.receiptBytes;
    for (const [url, bytes] of [...documents.map((d) => [`${base}/documents/${d.kind}.pdf`, d.pdf_bytes] as const), [`${base}/accuse-enregistrement.pdf`, receiptBytes] as const]) {
      const download = await camille.get(url);
      expect(download.statusCode, url).toBe(200);
      expect(download.rawPayload.length, url).toBe(bytes);
    }
    expect(issuedDocumentDrawings() - before, 'no document drawn again for its download').toBe(3);
  });

  it('the last page states the recorded sizes: it draws no document to measure it', async () => {
    const { camille, sale, base } = await sold();
    // recorded sizes no drawing would give: the page can only have read them
    await t.database.db.updateTable('issued_documents').set({ pdf_bytes: 2_000_000 }).where('procedure_id', '=', sale.id).execute();
    await sql`update vehicle_procedures set data = jsonb_set(data, '{sale,receiptBytes}', '3145728') where id = ${sale.id}`.execute(t.database.db);
    const page = await camille.get(`${base}/cession/fin`);
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text.match(/\(PDF – 1,9 Mo\)/g)).toHaveLength(2);
    expect(text).toContain('Accusé d’enregistrement de la déclaration de cession (PDF – 3 Mo)');
  });

  it('a declaration confirmed before sizes were recorded: its sizes are measured, within 1 Ko of the download', async () => {
    const { camille, sale, base } = await sold();
    await t.database.db.updateTable('issued_documents').set({ pdf_bytes: null }).where('procedure_id', '=', sale.id).execute();
    await sql`update vehicle_procedures set data = data #- '{sale,receiptBytes}' where id = ${sale.id}`.execute(t.database.db);
    const text = textOf((await camille.get(`${base}/cession/fin`)).body);
    const stated = /Certificat de situation administrative \(CSA\) \(PDF – (\d+) Ko\)/.exec(text);
    expect(stated, text).not.toBeNull();
    const csa = await camille.get(`${base}/documents/csa.pdf`);
    expect(Math.abs(Number(stated![1]) - csa.rawPayload.length / 1024)).toBeLessThanOrEqual(1);
    expect(text).toMatch(/Accusé d’enregistrement de la déclaration de cession \(PDF – \d+ Ko\)/);
  });
});
