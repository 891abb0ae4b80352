import { describe, expect, it } from 'vitest';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { parisInstant } from '../../src/domains/vehicles/sale/model.ts';
import { formatDateTime } from '../../src/platform/format-date.ts';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { pdfText } from '../helpers/pdf.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

const BUYER = {
  buyer_kind: 'natural',
  buyer_birth_name: 'Lemaire',
  buyer_given_names: 'Sophie Anne',
  buyer_birth_date: '1990-04-15',
  buyer_address_line1: '8 rue des Acacias',
  buyer_postcode: '33000',
  buyer_commune: 'Bordeaux',
  buyer_country: 'FRANCE',
  sale_date: '2026-11-20',
  sale_time: '14:30',
  mileage: '84500',
};

describe('declaration of sale', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  /** Signs in the demo individual, starts the sale of AB-123-CD and enters its confidential code. */
  async function saleOfCamillesCar() {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    const page = await client.follow(await postNewProcedure(client, { kind: 'sale_declaration', initiator: 'self', plate: 'AB-123-CD' }));
    await client.post(`${page.url}/code`, { code: DEMO_VEHICLE_CODES['AB-123-CD'] });
    const base = `${page.url}/cession`;
    return { client, base, file: page.url.split('/').pop()! };
  }

  it('changes an answer from the summary: each "Modifier" is a link to the declaration page\'s own address, the answers kept', async () => {
    const { client, base } = await saleOfCamillesCar();
    await client.post(`${base}/commencer`, { understood: 'oui' });
    await client.post(`${base}/documents`, {});
    const posted = await client.post(`${base}/declaration`, BUYER);
    expect(posted.headers.location).toBe(`${base}/recapitulatif`);
    const summary = await client.get(`${base}/recapitulatif`);
    expect(textOf(summary.body)).toContain('Récapitulatif Étape 4 sur 5');
    // never a form to a POST-only route: a plain link to the page of the answers (issue 16)
    expect(summary.body).not.toContain(`action="${base}/modifier"`);
    const links = summary.body.match(new RegExp(`<a class="fr-link" href="${base}/declaration">Modifier`, 'g')) ?? [];
    expect(links).toHaveLength(4);
    for (const what of ['acheteur', 'adresse de l’acheteur', 'date et heure de la vente', 'kilométrage']) expect(textOf(summary.body)).toContain(`Modifier : ${what}`);
    const back = await client.get(`${base}/declaration`);
    expect(back.statusCode).toBe(200);
    expect(textOf(back.body)).toContain('Étape 3 sur 5');
    expect(back.body).toContain('value="Lemaire"');
    expect(back.body).toContain('value="84500"');
    expect(back.body).toContain('value="20/11/2026"'); // the one date style: JJ/MM/AAAA
  });

  it('goes through the five tabs and ends with the code de cession shown once, the vehicle sold, two PDFs with a QR code', async () => {
    const { client, base, file } = await saleOfCamillesCar();
    const start = await client.get(base);
    expect(textOf(start.body)).toContain('Pour commencer Étape 1 sur 5');
    expect(textOf(start.body)).not.toContain('Vérification'); // signed in: no anti-robot question (issue 14)
    const unticked = await client.post(`${base}/commencer`, {});
    expect(textOf(unticked.body)).toContain('Cochez la case pour indiquer que vous avez compris ces informations');
    await client.post(`${base}/commencer`, { understood: 'oui' });
    expect(textOf((await client.get(base)).body)).toContain('Documents nécessaires à la vente Étape 2 sur 5');
    await client.post(`${base}/documents`, {});
    const form = await client.get(base);
    expect(textOf(form.body)).toContain('Titulaire actuel : Camille MARTIN');
    await client.post(`${base}/declaration`, BUYER);
    const summary = await client.get(base);
    const s = textOf(summary.body);
    expect(s).toContain('Récapitulatif Étape 4 sur 5');
    expect(s).toContain('Sophie Anne LEMAIRE');
    expect(s).toContain('84 500 km');
    expect(s).toContain('Gage (n’empêche pas la vente)');
    expect(s).toMatch(/vendredi 20 novembre 2026 à 14 h 30/);
    const notCertified = await client.post(`${base}/confirmer`, {});
    expect(textOf(notCertified.body)).toContain('Cochez la case pour certifier les informations de la déclaration');
    await client.get(base);
    const done = await client.follow(await client.post(`${base}/confirmer`, { certify: 'oui' }));
    const d = textOf(done.body);
    expect(d).toContain(`Numéro de dossier : ${file}`);
    const code = /id="code-de-cession">([A-Z0-9]{11})</.exec(done.body)?.[1];
    expect(code).toMatch(/^[A-Z0-9]{11}$/);
    // the end of the sale leads back to "Mes démarches" (issue 16)
    expect(done.body).toMatch(/<a[^>]*href="\/mes-demarches"[^>]*>\s*Retour à mes démarches\s*<\/a>/);
    // shown once
    const again = await client.get(base);
    expect(again.body).not.toContain(code!);
    expect(textOf(again.body)).toContain('Le code de cession a été affiché une seule fois');

    const vehicle = await t.database.db.selectFrom('vehicles').select('sold_at').where('plate', '=', 'AB-123-CD').executeTakeFirstOrThrow();
    expect(vehicle.sold_at?.toISOString()).toBe('2026-11-20T13:30:00.000Z');
    const stored = await t.database.db.selectFrom('cession_codes').selectAll().executeTakeFirstOrThrow();
    expect(stored.code_hash).not.toContain(code!);
    expect(Math.round((stored.expires_at.getTime() - Date.now()) / 86_400_000)).toBe(15);

    const texts: Record<string, string> = {};
    for (const kind of ['certificat_cession', 'csa']) {
      const pdf = await client.get(`/vehicules/demandes/${file}/documents/${kind}.pdf`);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
      texts[kind] = pdfText(pdf.rawPayload);
    }
    expect(texts.certificat_cession).toContain('Camille MARTIN');
    expect(texts.certificat_cession).toContain('Sophie Anne LEMAIRE');
    expect(texts.certificat_cession).toContain('20/11/2026 14:30');
    expect(texts.csa).toContain('Gage');
    expect(texts.csa).not.toContain('LEMAIRE');
    const doc = await t.database.db.selectFrom('issued_documents').select('token').where('kind', '=', 'certificat_cession').executeTakeFirstOrThrow();
    const verify = await new TestClient(t.app).get(`/verification/${doc.token}`);
    expect(textOf(verify.body)).toContain('Ce document a bien été délivré par le portail');
    expect(textOf(verify.body)).toContain('AB-123-CD');
    expect((await new TestClient(t.app).get('/verification/AAAAAAAAAAAAAAAAAAAAAA')).statusCode).toBe(404);
  });

  it('reads the time of the sale as people write it (« 14 h 05 », « 14h »), and still refuses « 25h » on its field, keeping it', async () => {
    const { client, base } = await saleOfCamillesCar();
    await client.post(`${base}/commencer`, { understood: 'oui' });
    await client.post(`${base}/documents`, {});
    const refused = await client.post(`${base}/declaration`, { ...BUYER, sale_time: '25h' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toMatch(/id="champ-sale_time-messages"[^>]*><p class="fr-message fr-message--error">Saisissez l’heure de la vente au format hh:mm/);
    expect(refused.body).toContain('value="25h"');
    for (const [typed, hhmm] of [['14 h 05', '14:05'], ['14h', '14:00'], ['9h30', '09:30']] as const) {
      const posted = await client.post(`${base}/declaration`, { ...BUYER, sale_time: typed });
      expect({ typed, location: posted.headers.location }).toEqual({ typed, location: `${base}/recapitulatif` });
      expect(textOf((await client.get(`${base}/recapitulatif`)).body)).toContain(formatDateTime(parisInstant('2026-11-20', hhmm)));
    }
  });

  it('refuses a sale in the future, an under-age buyer and missing fields, keeping what was typed', async () => {
    const { client, base } = await saleOfCamillesCar();
    await client.get(base);
    await client.post(`${base}/commencer`, { understood: 'oui' });
    await client.post(`${base}/documents`, {});
    await client.get(base);
    const future = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const res = await client.post(`${base}/declaration`, { ...BUYER, sale_date: future, buyer_birth_date: new Date(Date.now() - 16 * 365 * 86_400_000).toISOString().slice(0, 10), buyer_commune: '', mileage: 'beaucoup' });
    const text = textOf(res.body);
    expect(res.statusCode).toBe(400);
    expect(text).toContain('La date et l’heure de la vente ne peuvent pas être dans le futur');
    expect(text).toContain('L’acheteur doit être majeur à la date de la vente');
    expect(text).toContain('Saisissez la commune de l’acheteur');
    expect(text).toContain('Saisissez le kilométrage en chiffres, par exemple 84500');
    expect(res.body).toContain('value="Lemaire"');
    expect(res.body).toContain('value="beaucoup"');
    const legal = await client.post(`${base}/declaration`, { ...BUYER, buyer_kind: 'legal', buyer_company_name: '', buyer_siren: '123' });
    expect(textOf(legal.body)).toContain('Saisissez la raison sociale de l’acheteur');
    expect(textOf(legal.body)).toContain('Le numéro SIREN comporte 9 chiffres et doit être valide');
    // an empty mileage is no mileage: never "0 km" on the certificate
    const noMileage = await client.post(`${base}/declaration`, { ...BUYER, mileage: '' });
    expect(noMileage.statusCode).toBe(400);
    expect(textOf(noMileage.body)).toContain('Saisissez le kilométrage inscrit au compteur');
    expect(textOf((await client.get(base)).body)).toContain('Étape 3 sur 5');
    // typed as people write it, with a space
    await client.post(`${base}/declaration`, { ...BUYER, mileage: '84 500' });
    expect(textOf((await client.get(base)).body)).toContain('84 500 km');
  });

  it('a vehicle already sold cannot be declared again', async () => {
    const first = await saleOfCamillesCar();
    await first.client.get(first.base);
    await first.client.post(`${first.base}/commencer`, { understood: 'oui' });
    await first.client.post(`${first.base}/documents`, {});
    await first.client.get(first.base);
    await first.client.post(`${first.base}/declaration`, BUYER);
    await first.client.get(first.base);
    await first.client.post(`${first.base}/confirmer`, { certify: 'oui' });
    // told once the code is proven (before it, nothing about the vehicle's status is shown)
    const second = await signInUser(t.app, 'demo.particulier@example.fr');
    const page = await second.follow(await postNewProcedure(second, { kind: 'sale_declaration', initiator: 'self', plate: 'AB-123-CD' }));
    expect(textOf(page.body)).not.toContain('vendu');
    // refused where the code is accepted, and abandoned: no « Démarche à terminer » left behind
    const res = await second.post(`${page.url}/code`, { code: DEMO_VEHICLE_CODES['AB-123-CD'] });
    expect(res.statusCode).toBe(409);
    expect(textOf(res.body)).toContain('Ce véhicule a déjà été déclaré vendu');
    expect(res.body).not.toContain('cession/commencer');
    expect((await second.get(`${page.url}/cession`)).statusCode).toBe(404);
  });

  it('a double click on "Valider" issues one code and one pair of documents', async () => {
    const { client, base } = await saleOfCamillesCar();
    await client.get(base);
    await client.post(`${base}/commencer`, { understood: 'oui' });
    await client.post(`${base}/documents`, {});
    await client.get(base);
    await client.post(`${base}/declaration`, BUYER);
    await client.get(base);
    const token = client.csrfToken();
    await client.post(`${base}/confirmer`, { certify: 'oui' }, { csrf: token });
    const second = await client.post(`${base}/confirmer`, { certify: 'oui' }, { csrf: token });
    expect(second.statusCode).toBe(303);
    expect(await t.database.db.selectFrom('cession_codes').select('id').execute()).toHaveLength(1);
    expect(await t.database.db.selectFrom('issued_documents').select('token').execute()).toHaveLength(2);
  });
  /** Camille's sale of AB-123-CD up to its summary (the last page before « Valider »). */
  async function atTheSummary() {
    const sale = await saleOfCamillesCar();
    await sale.client.get(sale.base);
    await sale.client.post(`${sale.base}/commencer`, { understood: 'oui' });
    await sale.client.post(`${sale.base}/documents`, {});
    await sale.client.get(sale.base);
    await sale.client.post(`${sale.base}/declaration`, BUYER);
    expect(textOf((await sale.client.get(sale.base)).body)).toContain('Récapitulatif Étape 4 sur 5');
    return sale;
  }
  const nothingIssued = async () => {
    expect(await t.database.db.selectFrom('cession_codes').select('id').execute()).toEqual([]);
    expect(await t.database.db.selectFrom('issued_documents').select('token').execute()).toEqual([]);
    expect(await t.database.db.selectFrom('audit_events').select('id').where('action', 'in', ['vehicle.sale_declared', 'vehicle_procedure.complete_free']).execute()).toEqual([]);
  };

  it('an opposition registered after the summary refuses the confirmation: the vehicle stays unsold, no code, no document, no audit row', async () => {
    const { client, base } = await atTheSummary();
    const vehicle = await t.database.db.selectFrom('vehicles').select('id').where('plate', '=', 'AB-123-CD').executeTakeFirstOrThrow();
    await t.database.db.insertInto('vehicle_encumbrances').values({ vehicle_id: vehicle.id, kind: 'otci_tresor', registered_at: '2026-11-30' }).execute();
    const refused = await client.post(`${base}/confirmer`, { certify: 'oui' });
    expect(textOf(refused.body)).toContain('Une opposition au transfert du certificat d’immatriculation empêche la vente.');
    expect((await t.database.db.selectFrom('vehicles').select('sold_at').where('id', '=', vehicle.id).executeTakeFirstOrThrow()).sold_at).toBeNull();
    await nothingIssued();
  });

  it('a vehicle sold meanwhile by another declaration refuses the confirmation as already sold, nothing issued', async () => {
    const { client, base } = await atTheSummary();
    await t.database.db.updateTable('vehicles').set({ sold_at: new Date('2026-11-25T10:00:00Z') }).where('plate', '=', 'AB-123-CD').execute();
    const refused = await client.post(`${base}/confirmer`, { certify: 'oui' });
    expect(textOf(refused.body)).toContain('Ce véhicule a déjà été déclaré vendu.');
    expect((await t.database.db.selectFrom('vehicles').select('sold_at').where('plate', '=', 'AB-123-CD').executeTakeFirstOrThrow()).sold_at?.toISOString()).toBe('2026-11-25T10:00:00.000Z');
    await nothingIssued();
  });

  it('a confirmed sale writes the transition and the sale in the audit trail, in that order, for the seller', async () => {
    const { client, base, file } = await atTheSummary();
    await client.post(`${base}/confirmer`, { certify: 'oui' });
    const rows = await t.database.db.selectFrom('audit_events').select(['action', 'actor_kind', 'subject_kind', 'details']).where('action', 'in', ['vehicle.sale_declared', 'vehicle_procedure.complete_free']).orderBy('id').execute();
    expect(rows.map((r) => [r.action, r.actor_kind, r.subject_kind])).toEqual([
      ['vehicle_procedure.complete_free', 'user', 'vehicle_procedure'],
      ['vehicle.sale_declared', 'user', 'vehicle'],
    ]);
    expect(rows[1]!.details).toEqual({ procedure: file, buyer_kind: 'natural' });
  });
});
