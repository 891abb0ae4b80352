import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { sellCamillesCar } from '../helpers/sales.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';
import { createSaleService } from '../../src/domains/vehicles/sale/service.ts';

/**
 * The new holder of a change of holder is the buyer the seller declared, whoever files it (an
 * outsider's finding: « pour quelqu'un d'autre » registered a vehicle sold to a company in the name
 * of « Personne AUTRE »). And a code de cession read with O for 0, or L for 1, is the same code.
 */
describe('the new holder is the declared buyer; the code de cession reads O as 0 and I/L as 1', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));
  const PLATE = 'AB-123-CD';
  const GARAGE_TEST = { buyer_kind: 'legal', buyer_company_name: 'GARAGE TEST SARL', buyer_siren: '732829320' };

  /** Lucía García Fernández, signed in through FranceConnect on the driving school's demo account: neither the seller nor the buyer. */
  async function lucia(): Promise<TestClient> {
    const email = 'demo.auto-ecole@example.fr';
    const account = await t.database.db.selectFrom('accounts').select('id').where('email', '=', email).executeTakeFirstOrThrow();
    await t.database.db
      .insertInto('franceconnect_identities')
      .values({ sub: 'lucia', account_id: account.id, given_name: 'Lucía', family_name: 'GARCÍA FERNÁNDEZ', birthdate: '1990-07-14', gender: 'female', birthplace: '99134', birthcountry: '99134', email })
      .execute();
    await sql`update accounts set certified = true where id = ${account.id}`.execute(t.database.db);
    return signInUser(t.app, email);
  }
  /** « Pour quelqu'un d'autre », the code accepted: the new holder's page address. */
  async function forSomeoneElse(client: TestClient, code: string): Promise<string> {
    const page = await client.follow(await postNewProcedure(client, { kind: 'holder_change', initiator: 'other', plate: PLATE }));
    const base = `${page.url}/titulaire`;
    await client.get(`${base}/code`);
    const accepted = await client.post(`${base}/code`, { has_code: 'oui', cession_code: code, certificate_number: '', certificate_date: '' });
    expect(accepted.statusCode).toBe(303);
    return base;
  }
  const ADDRESS = { address_line1: '2 place Bellecour', postcode: '69002', commune: 'Lyon' };
  /** Every field of the person's form, as a browser posts it. */
  const person = (fields: Record<string, string>) => ({ use: 'personnel', birth_name: '', given_names: '', birth_date: '', birth_place: '', ...ADDRESS, ...fields });
  /** Every field of the company's form, as a browser posts it. */
  const company = (fields: Record<string, string>) => ({ use: 'professionnel', company_name: '', siren: '', ...ADDRESS, ...fields });

  it('refuses another person than the declared buyer next to the fields, keeps the values, and accepts the buyer', async () => {
    const code = await sellCamillesCar(await signInUser(t.app, 'demo.particulier@example.fr'));
    const client = await lucia();
    const base = await forSomeoneElse(client, code);
    await client.get(`${base}/nouveau-titulaire`);
    const other = await client.post(`${base}/nouveau-titulaire`, person({ birth_name: 'AUTRE', given_names: 'Personne', birth_date: '01/01/1980', birth_place: 'Paris' }));
    expect(other.statusCode).toBe(400);
    const text = textOf(other.body);
    expect(text).toContain('Erreur');
    expect(text).toContain('Ce nom de naissance n’est pas celui de l’acheteur déclaré par le vendeur');
    expect(text).toContain('Cette date de naissance n’est pas celle de l’acheteur déclaré par le vendeur');
    expect(other.body).toContain('value="AUTRE"');
    expect(other.body).toMatch(/<input[^>]*name="birth_name"[^>]*aria-invalid="true"/);
    expect(other.body).toMatch(/<input[^>]*name="birth_date"[^>]*aria-invalid="true"/);
    // nothing was saved as the holder: the summary cannot be reached
    const summary = await client.follow(await client.get(`${base}/recapitulatif`));
    expect(summary.url).toBe(`${base}/nouveau-titulaire`);

    const julien = await client.post(`${base}/nouveau-titulaire`, person({ birth_name: 'leroy', given_names: 'Julien', birth_date: '03/02/1985', birth_place: 'Lyon' }));
    expect(julien.statusCode).toBe(303);
    expect(textOf((await client.get(`${base}/recapitulatif`)).body)).toContain('Nouveau titulaire Julien LEROY');
  });

  it('a vehicle sold to a company: the form asks for the company, refuses a person or another SIREN, and registers the company once paid', async () => {
    const code = await sellCamillesCar(await signInUser(t.app, 'demo.particulier@example.fr'), GARAGE_TEST);
    const client = await lucia();
    const base = await forSomeoneElse(client, code);
    const page = textOf((await client.get(`${base}/nouveau-titulaire`)).body);
    expect(page).toContain('Raison sociale');
    expect(page).toContain('Numéro SIREN');
    expect(page).not.toContain('Nom de naissance');

    // the outsider's post: a person's fields, the company's left empty
    const asPerson = await client.post(`${base}/nouveau-titulaire`, { ...company({}), birth_name: 'AUTRE', given_names: 'Personne', birth_date: '01/01/1980', birth_place: 'Paris' });
    expect(asPerson.statusCode).toBe(400);
    expect(textOf(asPerson.body)).toContain('Saisissez la raison sociale du nouveau titulaire');

    const otherSiren = await client.post(`${base}/nouveau-titulaire`, company({ company_name: 'GARAGE TEST SARL', siren: '356000000' }));
    expect(otherSiren.statusCode).toBe(400);
    expect(textOf(otherSiren.body)).toContain('Ce numéro SIREN n’est pas celui de l’acheteur déclaré par le vendeur');
    expect(otherSiren.body).toContain('value="356000000"');
    const otherName = await client.post(`${base}/nouveau-titulaire`, company({ company_name: 'AUTRE SOCIETE', siren: '732 829 320' }));
    expect(otherName.statusCode).toBe(400);
    expect(textOf(otherName.body)).toContain('Cette raison sociale n’est pas celle de l’acheteur déclaré par le vendeur');

    const right = await client.post(`${base}/nouveau-titulaire`, company({ company_name: 'Garage Test S.A.R.L.', siren: '732 829 320' }));
    expect(right.statusCode).toBe(303);
    const summary = textOf((await client.get(`${base}/recapitulatif`)).body);
    expect(summary).toContain('Nouveau titulaire GARAGE TEST SARL (SIREN 732 829 320)');
    await client.post(`${base}/confirmer`, { clu: 'oui' });
    await client.get(`${base}/paiement`);
    const key = /name="idempotency_key" value="([^"]+)"/.exec(client.lastHtml)![1]!;
    await client.follow(await client.post(`${base}/payer`, { idempotency_key: key }));
    await client.submit(/paiement-simule/, { card_number: '4242 4242 4242 4242', expiry: '12/30', cvc: '123', action: 'valider' });
    const paid = await client.follow(await client.get('/paiement/retour'));
    expect(textOf(paid.body)).toContain(`Le véhicule ${PLATE} est enregistré au nom de GARAGE TEST SARL`);
    const holder = await t.database.db
      .selectFrom('vehicles')
      .innerJoin('vehicle_holders', 'vehicle_holders.id', 'vehicles.holder_id')
      .select(['kind', 'company_name', 'siren', 'birth_name', 'account_id'])
      .where('plate', '=', PLATE)
      .executeTakeFirstOrThrow();
    expect(holder).toEqual({ kind: 'legal', company_name: 'GARAGE TEST SARL', siren: '732829320', birth_name: null, account_id: null });
  });

  it('accepts a code typed with 0 for O and 1 for L, for a code already issued and for a new one', async () => {
    const sales = createSaleService({ db: t.database.db, config: t.app.config });
    await sellCamillesCar(await signInUser(t.app, 'demo.particulier@example.fr'));
    // a code issued before the change, from the old alphabet (its hash is of the code as shown)
    await t.database.db.updateTable('cession_codes').set({ code_hash: sales.hashSpelling('MS8OZZ6R6MO') }).execute();
    const client = await lucia();
    const page = await client.follow(await postNewProcedure(client, { kind: 'holder_change', initiator: 'other', plate: PLATE }));
    await client.get(`${page.url}/titulaire/code`);
    const typed = await client.post(`${page.url}/titulaire/code`, { has_code: 'oui', cession_code: 'ms80zz6r6m0', certificate_number: '', certificate_date: '' });
    expect(textOf(typed.body)).not.toContain('ne correspond pas');
    expect(typed.statusCode).toBe(303);
  });

  it('draws new codes without O, I, L or U, and reads a typed O, I or L as 0, 1, 1', async () => {
    const { newCessionCode } = await import('../../src/domains/vehicles/sale/model.ts');
    for (let i = 0; i < 200; i++) expect(newCessionCode()).toMatch(/^[0-9A-HJKMNP-TV-Z]{11}$/);
    const sales = createSaleService({ db: t.database.db, config: t.app.config });
    await sellCamillesCar(await signInUser(t.app, 'demo.particulier@example.fr'));
    await t.database.db.updateTable('cession_codes').set({ code_hash: sales.hashCode('4KFNTNJJ701') }).execute();
    const client = await lucia();
    const page = await client.follow(await postNewProcedure(client, { kind: 'holder_change', initiator: 'other', plate: PLATE }));
    await client.get(`${page.url}/titulaire/code`);
    const typed = await client.post(`${page.url}/titulaire/code`, { has_code: 'oui', cession_code: '4KFNTNJJ7OL', certificate_number: '', certificate_date: '' });
    expect(typed.statusCode).toBe(303);
  });
});
