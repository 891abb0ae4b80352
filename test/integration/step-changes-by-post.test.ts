import { describe, expect, it } from 'vitest';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { type TestApp, type TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

/**
 * Issue 15, point 7: a GET (a link followed by a crawler, a prefetch, an <img> on another site)
 * changes nothing. Issue 16: the steps have their own addresses, so going back a step is no state
 * change at all: "Modifier" is a link to the step's page.
 */
describe('going back a step changes nothing on the server', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  async function open(kind: 'address_change' | 'duplicate', plate: keyof typeof DEMO_VEHICLE_CODES = 'AB-123-CD') {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    const page = await client.follow(await postNewProcedure(client, { kind, initiator: 'self', plate }));
    await client.post(`${page.url}/code`, { code: DEMO_VEHICLE_CODES[plate] });
    return { client, file: page.url.split('/').pop()! };
  }

  /**
   * Issue 16: a procedure whose steps have their own addresses needs no "going back" on the server:
   * "Modifier" is a link to the step's page, whose GET shows it and changes nothing; the old POST
   * address is gone.
   */
  async function expectLinkToStep(client: TestClient, page: string, step: string, stepMarker: RegExp, summaryMarker: RegExp) {
    const summary = (await client.get(page)).body;
    expect(summary).toMatch(summaryMarker);
    expect(summary).toMatch(new RegExp(`<a[^>]*href="${step}"`));
    expect(summary).not.toContain(`${page}/modifier`);
    const get = await client.get(step);
    expect(get.statusCode).toBe(200);
    expect(get.body).toMatch(stepMarker);
    expect((await client.get(page)).body, 'still on the summary').toMatch(summaryMarker);
    expect((await client.post(`${page}/modifier`, {})).statusCode).toBe(404);
  }

  it('change of address: "Modifier" on the summary is a link to the address form\'s own address; following it changes nothing', async () => {
    const { client, file } = await open('address_change');
    const base = `/vehicules/demandes/${file}/adresse`;
    await client.get(base);
    await client.post(base, { line1: '8, rue Mercière', postcode: '69002', commune: 'lyon' });
    expect(textOf((await client.get(base)).body)).toContain('Nouvelle adresse');
    await expectLinkToStep(client, base, `${base}/nouvelle-adresse`, /name="line1"/, /action="[^"]*\/adresse\/confirmer"/);
  });

  it('duplicate: "Modifier" on the summary is a link to the reason\'s own address; following it changes nothing', async () => {
    const { client, file } = await open('duplicate');
    const base = `/vehicules/demandes/${file}/duplicata`;
    await client.get(base);
    await client.post(base, { reason: 'loss', declaration: 'oui' });
    await expectLinkToStep(client, base, `${base}/motif`, /name="reason"/, /action="[^"]*\/duplicata\/confirmer"/);
  });

  it('complementary procedure: each "Modifier" of the summary is a link to its part\'s own address; following it changes nothing', async () => {
    const client = await signInUser(t.app, 'demo.garage@example.fr');
    const base = (await client.follow(await postNewProcedure(client, { kind: 'complementary', initiator: 'other', plate: '' }))).url;
    await client.post(`${base}/categorie`, { category: 'question' });
    await client.post(`${base}/sous-categorie`, { subcategory: 'free' });
    await client.post(`${base}/objet`, { object: 'Question sur un véhicule du corps diplomatique.', diplomatic: 'oui' });
    await client.post(`${base}/titulaire`, { kind: 'legal', company_name: 'Ambassade de Démonstration', siren: '130 000 004', line1: '1 avenue Foch', postcode: '75016', commune: 'Paris' });
    await client.get(base);
    await client.post(`${base}/poursuivre`, {});
    expect(textOf((await client.get(base)).body)).toContain('Récapitulatif');
    await expectLinkToStep(client, base, `${base}/objet`, /name="object"/, /action="[^"]*\/complementaire\/confirmer"/);
  });
});
