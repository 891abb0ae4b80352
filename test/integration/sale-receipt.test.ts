import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { pdfText } from '../helpers/pdf.ts';
import { sellCamillesCar } from '../helpers/sales.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

/** Issue 18 (code de cession sheet): the accusé d'enregistrement of a declaration of sale, for the seller and for the buyer. */
describe('accusé d’enregistrement of a declaration of sale', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  async function julien(): Promise<TestClient> {
    const account = await t.database.db.selectFrom('accounts').select('id').where('email', '=', 'demo.cssr@example.fr').executeTakeFirstOrThrow();
    await t.database.db
      .insertInto('franceconnect_identities')
      .values({ sub: `sub-${account.id}`, account_id: account.id, family_name: 'LEROY', given_name: 'Julien', birthdate: '1985-02-03', gender: 'male', birthplace: '75056', birthcountry: '99100', email: 'demo.cssr@example.fr' })
      .execute();
    await sql`update accounts set certified = true where id = ${account.id}`.execute(t.database.db);
    return signInUser(t.app, 'demo.cssr@example.fr');
  }

  it('the seller downloads it at the end of the declaration, the buyer once the code de cession ties the change of holder to it; nobody else', async () => {
    const camille = await signInUser(t.app, 'demo.particulier@example.fr');
    const code = await sellCamillesCar(camille);
    const stated = /Accusé d’enregistrement de la déclaration de cession \(PDF – (\d+) Ko\)/.exec(textOf(camille.lastHtml));
    expect(stated, 'the link states the format and size').not.toBeNull();
    const sale = await t.database.db.selectFrom('vehicle_procedures').select('file_number').where('kind', '=', 'sale_declaration').executeTakeFirstOrThrow();
    const url = `/vehicules/demandes/${sale.file_number}/accuse-enregistrement.pdf`;
    expect(camille.lastHtml).toContain(`href="${url}"`);
    const res = await camille.get(url);
    // the size stated is the downloaded document's (rendered again for the download: within 1 Ko)
    expect(Math.abs(Number(stated![1]) - res.rawPayload.length / 1024)).toBeLessThanOrEqual(1);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = pdfText(res.rawPayload);
    expect(text).toContain('Accusé d’enregistrement de la déclaration de cession');
    expect(text).toContain(sale.file_number);
    expect(text).toContain('AB-123-CD');
    expect(text).toMatch(/Camille MARTIN|Camille Martin/i);
    expect(text).toMatch(/Julien LEROY|Julien Leroy/i);
    expect(text).toContain('Signature de l’ancien propriétaire');
    expect(text).toContain('Signature du nouveau propriétaire');
    expect(text).toContain('doit être signé par le nouveau et l’ancien propriétaire, puis envoyé au service administratif compétent');
    expect(text).not.toContain(code);

    // another account: the seller's file number answers nothing
    const stranger = await signInUser(t.app, 'demo.entreprise@example.fr');
    expect((await stranger.get(url)).statusCode).toBe(404);

    // the buyer: nothing before the code de cession, the accusé after it
    const buyer = await julien();
    const page = await buyer.follow(await postNewProcedure(buyer, { kind: 'holder_change', initiator: 'self', plate: 'AB-123-CD' }));
    const mine = `${page.url}/accuse-enregistrement.pdf`;
    expect((await buyer.get(mine)).statusCode).toBe(404);
    expect((await buyer.get(url)).statusCode).toBe(404); // the seller's own file number stays the seller's
    const base = `${page.url}/titulaire`;
    await buyer.get(base);
    await buyer.post(`${base}/code`, { has_code: 'oui', cession_code: code });
    const holderPage = await buyer.get(base);
    expect(textOf(holderPage.body)).toContain('Accusé d’enregistrement de la déclaration de cession (PDF) : à signer par le vendeur et par vous');
    const forBuyer = await buyer.get(mine);
    expect(forBuyer.statusCode).toBe(200);
    const buyerText = pdfText(forBuyer.rawPayload);
    expect(buyerText).toContain(sale.file_number);
    expect(buyerText).toContain('Signature du nouveau propriétaire');
  });
});
