import { describe, expect, it } from 'vitest';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { type TestApp, textOf, useSeededApp } from '../helpers/app.ts';
import { sellCamillesCar } from '../helpers/sales.ts';
import { duplicateReadyToPay } from '../helpers/duplicates.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

const CAMILLE = 'demo.particulier@example.fr';

/** The timeline section of a page, as text. */
const timelineOf = (html: string) => {
  const start = html.indexOf('id="historique-demande"');
  expect(start).toBeGreaterThan(0);
  return textOf(html.slice(start, html.indexOf('</section>', start)));
};
/** The text of `main` once the identifiers kept whole (.app-nowrap) are taken out: what is left could break. */
const breakableText = (html: string, ids: string[]) => {
  let main = html.slice(html.indexOf('<main'), html.indexOf('</main>'));
  for (const id of ids) main = main.split(`<span class="app-nowrap">${id}</span>`).join('');
  return textOf(main);
};

describe('an outsider’s findings on the demo data', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  /** Camille's duplicate after a loss, filed and awaiting payment; then on the card page, card paid. */
  async function duplicatePaidOnProvider(card = '4242424242424242') {
    const client = await signInUser(t.app, CAMILLE);
    const { url, base, file } = await duplicateReadyToPay(client);
    const key = /name="idempotency_key" value="([^"]+)"/.exec(client.lastHtml)![1]!;
    await client.follow(await client.post(`${base}/payer`, { idempotency_key: key }));
    const providerPage = client.lastHtml.match(/action="(\/paiement-simule\/[^"]+)"/)![1]!;
    const done = await client.submit(/paiement-simule/, { card_number: card, expiry: '12/30', cvc: '123', action: 'valider' });
    return { client, file, requestUrl: url, providerPage, done };
  }

  it('coming back from the payment a second time (another tab, a double click) lands on the request, saying the payment is already recorded', async () => {
    const { client, requestUrl, providerPage } = await duplicatePaidOnProvider();
    const first = await client.follow(await client.get('/paiement/retour'));
    expect(first.url.startsWith(requestUrl)).toBe(true);
    expect(textOf(first.body)).toContain('Votre paiement est enregistré.');

    // the second tab, paid on the same provider page, clicks its own link back
    expect(textOf((await client.get(providerPage)).body)).toContain('Paiement accepté');
    const second = await client.follow(await client.get('/paiement/retour'));
    expect(second.url).toBe(first.url);
    expect(textOf(second.body)).toContain('Votre paiement est déjà enregistré.');
    expect(textOf(second.body)).not.toContain('Aucun paiement en cours');

    // a double click: the first answer is never read, the second one is shown
    await client.get('/paiement/retour');
    const shown = await client.follow(await client.get('/paiement/retour'));
    expect(shown.url).toBe(first.url);
    const text = textOf(shown.body);
    expect(text).not.toContain('Aucun paiement en cours');
    expect(text.match(/Votre paiement est (déjà )?enregistré/g)).toHaveLength(1);
    expect(await t.database.db.selectFrom('payments').select('status').where('status', '=', 'success').execute()).toHaveLength(1);
  });

  it.each(['4000000000000002', '4000000000000119'])('after card %s (refused, technical error), the provider’s page does not speak of recording a payment', async (card) => {
    const { done } = await duplicatePaidOnProvider(card);
    const text = textOf(done.body);
    expect(text).not.toContain('enregistrer votre paiement');
    expect(text).toContain('Aucune somme n’a été débitée');
    expect(text).toContain('Revenir sur le portail');
  });

  it('a duplicate’s timeline tells the payment accepted before the request paid and finished', async () => {
    const { client, requestUrl } = await duplicatePaidOnProvider();
    await client.follow(await client.get('/paiement/retour'));
    const timeline = timelineOf((await client.get(requestUrl)).body);
    const accepted = timeline.indexOf('Paiement accepté');
    expect(accepted).toBeGreaterThan(0);
    expect(timeline.indexOf('Demande payée et terminée')).toBeGreaterThan(accepted);
  });

  it('a sale: the timeline lists the accusé d’enregistrement with its link, the request shows plate and file number unbroken, each group of /vehicules is named once', async () => {
    const client = await signInUser(t.app, CAMILLE);
    await sellCamillesCar(client);
    const fin = client.lastHtml;
    const file = /V26-[A-Z0-9]{8}/.exec(fin)![0];
    const ids = ['AB-123-CD', file];

    // the note on the accusé d'enregistrement is a sentence of its own, not a colon after the link
    expect(textOf(fin)).not.toMatch(/\s:\sà signer par vous/);
    expect(textOf(fin)).toContain('À signer par vous et par l’acheteur');
    expect(breakableText(fin, ids)).not.toContain(file);
    expect(breakableText(fin, ids)).not.toContain('AB-123-CD');

    const request = (await client.get(`/vehicules/demandes/${file}`)).body;
    const timeline = timelineOf(request);
    expect(timeline).toContain('Certificat de cession délivré');
    expect(timeline).toContain('Accusé d’enregistrement délivré');
    expect(request).toContain(`href="/vehicules/demandes/${file}/accuse-enregistrement.pdf">Accusé d’enregistrement délivré`);
    expect(breakableText(request, ids)).not.toContain(file);

    const step = (await client.get(`/vehicules/demandes/${file}/cession`)).body;
    expect(breakableText(step, ids)).not.toContain('AB-123-CD');
    expect(breakableText(step, ids)).not.toContain(file);

    const home = (await client.get('/vehicules')).body;
    for (const heading of ['Démarches en cours', 'Démarches en attente', 'Démarches terminées']) expect(home.split(heading).length - 1, heading).toBe(1);
    expect(home).toMatch(/<h2[^>]*>Démarches terminées<\/h2>/);
  });

  it('an empty SIREN asks for it; a wrong one says it is wrong', async () => {
    const client = await signInUser(t.app, CAMILLE);
    const page = await client.follow(await postNewProcedure(client, { kind: 'sale_declaration', initiator: 'self', plate: 'AB-123-CD' }));
    await client.post(`${page.url}/code`, { code: DEMO_VEHICLE_CODES['AB-123-CD'] });
    const base = `${page.url}/cession`;
    await client.get(base);
    await client.post(`${base}/commencer`, { understood: 'oui' });
    await client.post(`${base}/documents`, {});
    await client.get(base);
    const form = {
      buyer_kind: 'legal', buyer_birth_name: '', buyer_given_names: '', buyer_birth_date: '', buyer_company_name: 'Garage du Parc', buyer_siren: '',
      buyer_address_line1: '2 place Bellecour', buyer_postcode: '69002', buyer_commune: 'Lyon', buyer_country: 'FRANCE',
      sale_date: '21/11/2026', sale_time: '10:00', mileage: '60000',
    };
    const empty = textOf((await client.post(`${base}/declaration`, form)).body);
    expect(empty).toContain('Saisissez le numéro SIREN de l’acheteur');
    expect(empty).not.toContain('comporte 9 chiffres');
    const wrong = textOf((await client.post(`${base}/declaration`, { ...form, buyer_siren: '123' })).body);
    expect(wrong).toContain('Le numéro SIREN comporte 9 chiffres et doit être valide');
  });
});
