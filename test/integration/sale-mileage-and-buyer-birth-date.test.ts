import { describe, expect, it } from 'vitest';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { type TestApp, textOf, useSeededApp } from '../helpers/app.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

const BUYER = {
  buyer_kind: 'natural',
  buyer_birth_name: 'Lemaire',
  buyer_given_names: 'Sophie Anne',
  buyer_birth_date: '15/04/1990',
  buyer_address_line1: '8 rue des Acacias',
  buyer_postcode: '33000',
  buyer_commune: 'Bordeaux',
  buyer_country: 'FRANCE',
  sale_date: '20/11/2026',
  sale_time: '14:30',
  mileage: '84500',
};

/** Issue 16, found in Chromium by an outside user: the mileage as people type it, the buyer's date of birth on the summary. */
describe('the declaration of sale reads a mileage as written and shows every buyer field on its summary', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  /** Camille's sale of AB-123-CD, up to the declaration page. */
  async function toDeclaration() {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    const page = await client.follow(await postNewProcedure(client, { kind: 'sale_declaration', initiator: 'self', plate: 'AB-123-CD' }));
    await client.post(`${page.url}/code`, { code: DEMO_VEHICLE_CODES['AB-123-CD'] });
    const base = `${page.url}/cession`;
    await client.post(`${base}/commencer`, { understood: 'oui' });
    await client.post(`${base}/documents`, {});
    return { client, base, file: page.url.split('/').pop()! };
  }

  const storedMileage = async (file: string) => {
    const p = await t.database.db.selectFrom('vehicle_procedures').select('data').where('file_number', '=', file).executeTakeFirstOrThrow();
    return (p.data as { sale?: { declaration?: { mileage?: unknown } } }).sale?.declaration?.mileage;
  };

  it('stores the integer for "12 000 km", a no-break or narrow no-break space, "12.000", "12’000 kilomètres" and "12000km"', async () => {
    const { client, base, file } = await toDeclaration();
    for (const typed of ['12 000 km', '12\u00a0000', '12\u202f000\u202fkm', '12.000', '12’000 kilomètres', '12000km', ' 12 000 KM ']) {
      const posted = await client.post(`${base}/declaration`, { ...BUYER, mileage: typed });
      expect(posted.headers.location, `"${typed}" refused`).toBe(`${base}/recapitulatif`);
      expect(await storedMileage(file)).toBe(12000);
      expect(textOf((await client.get(`${base}/recapitulatif`)).body)).toMatch(/Kilométrage\s+12\s000 km/u);
    }
  });

  it('still refuses a real mistake with the French error, the value kept as typed', async () => {
    const { client, base } = await toDeclaration();
    const problems: [string, string][] = [
      ['12 00', 'Saisissez le kilométrage en chiffres, par exemple 84500'],
      ['12,5', 'Saisissez le kilométrage en chiffres, par exemple 84500'],
      ['1.2.3', 'Saisissez le kilométrage en chiffres, par exemple 84500'],
      ['douze mille', 'Saisissez le kilométrage en chiffres, par exemple 84500'],
      ['-5 km', 'Le kilométrage ne peut pas être négatif'],
      ['km', 'Saisissez le kilométrage inscrit au compteur'],
      ['3 000 000 km', 'Vérifiez le kilométrage'],
    ];
    for (const [typed, message] of problems) {
      const refused = await client.post(`${base}/declaration`, { ...BUYER, mileage: typed });
      expect(refused.statusCode, `"${typed}" accepted`).toBe(400);
      expect(textOf(refused.body)).toContain(message);
      expect(refused.body).toContain(`value="${typed}"`);
    }
  });

  it('shows the buyer’s date of birth as JJ/MM/AAAA on the summary, among the buyer’s fields; a company has none', async () => {
    const { client, base } = await toDeclaration();
    await client.post(`${base}/declaration`, BUYER);
    const summary = textOf((await client.get(`${base}/recapitulatif`)).body);
    expect(summary).toMatch(/Acheteur\s+Sophie Anne LEMAIRE.*Date de naissance de l’acheteur\s+15\/04\/1990\s+Adresse de l’acheteur/su);

    await client.post(`${base}/acheteur`, { buyer_kind: 'legal' });
    const company = await client.post(`${base}/declaration`, { ...BUYER, buyer_kind: 'legal', buyer_company_name: 'Transports Lemaire', buyer_siren: '732829320' });
    expect(company.headers.location).toBe(`${base}/recapitulatif`);
    const companySummary = textOf((await client.get(`${base}/recapitulatif`)).body);
    expect(companySummary).toContain('TRANSPORTS LEMAIRE (SIREN 732829320)');
    expect(companySummary).not.toContain('Date de naissance');
  });
});
