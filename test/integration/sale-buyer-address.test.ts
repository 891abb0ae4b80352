import { describe, expect, it } from 'vitest';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { validateDeclaration } from '../../src/domains/vehicles/sale/model.ts';
import { type TestApp, textOf, useSeededApp } from '../helpers/app.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

/** Task Z2, point 2: the buyer's French address is checked against the commune reference, as the change of address is. */
const BUYER = {
  buyer_kind: 'natural',
  buyer_birth_name: 'Lemaire',
  buyer_given_names: 'Sophie Anne',
  buyer_birth_date: '1990-04-15',
  buyer_address_line1: '8 rue des Acacias',
  buyer_postcode: '24680',
  buyer_commune: 'Paris',
  buyer_country: 'FRANCE',
  sale_date: '2026-11-20',
  sale_time: '14:30',
  mileage: '84500',
};

describe('the buyer’s address in a declaration of sale', () => {
  it('refuses a commune that is not one of the postcode’s, names the right ones, and spells an accepted one as the reference does', () => {
    const wrong = validateDeclaration(BUYER);
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.errors.buyer_commune).toMatch(/^Cette commune ne correspond pas au code postal 24680 : .*Gardonne/);
    const right = validateDeclaration({ ...BUYER, buyer_postcode: '33000', buyer_commune: 'bordeaux' });
    expect(right.ok && right.data.buyer_commune).toBe('Bordeaux');
    // a buyer living abroad: the French reference does not apply
    const abroad = validateDeclaration({ ...BUYER, buyer_postcode: '1000', buyer_commune: 'Bruxelles', buyer_country: 'Belgique' });
    expect(abroad.ok && abroad.data.buyer_commune).toBe('Bruxelles');
  });

  describe('on the declaration page', () => {
    let t!: TestApp;
    useSeededApp((app) => (t = app));

    it('sends the form back with the error next to the commune and in the summary, the values kept, and issues nothing', async () => {
      const client = await signInUser(t.app, 'demo.particulier@example.fr');
      const page = await client.follow(await postNewProcedure(client, { kind: 'sale_declaration', initiator: 'self', plate: 'AB-123-CD' }));
      await client.post(`${page.url}/code`, { code: DEMO_VEHICLE_CODES['AB-123-CD'] });
      const base = `${page.url}/cession`;
      await client.post(`${base}/commencer`, { understood: 'oui' });
      await client.post(`${base}/documents`, {});
      const refused = await client.post(`${base}/declaration`, BUYER);
      expect(refused.statusCode).toBe(400);
      const html = refused.body;
      expect(html).toMatch(/id="error-summary"[\s\S]*Cette commune ne correspond pas au code postal 24680/);
      expect(html).toMatch(/<p class="fr-message fr-message--error">Cette commune ne correspond pas au code postal 24680/); // next to the field
      expect(html).toContain('value="Paris"');
      expect(html).toContain('value="24680"');
      expect(textOf((await client.get(`${base}/recapitulatif`)).body)).not.toContain('24680');
      const file = page.url.split('/').pop()!;
      const procedure = await t.database.db.selectFrom('vehicle_procedures').select(['id', 'status']).where('file_number', '=', file).executeTakeFirstOrThrow();
      expect(procedure.status).toBe('in_progress');
      const issued = await t.database.db.selectFrom('issued_documents').select('token').where('procedure_id', '=', procedure.id).execute();
      expect(issued).toEqual([]);
    });
  });
});
