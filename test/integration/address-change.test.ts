import { describe, expect, it } from 'vitest';
import { checkAddress } from '../../src/domains/vehicles/registry/communes.ts';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { type TestApp, type TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { pdfText } from '../helpers/pdf.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

/** The size in Ko a download link states after its label: « Récapitulatif de la demande (PDF – 45 Ko) »; NaN when it states none. */
const statedKo = (text: string, label: string): number => Number(new RegExp(`${label} \\(PDF – (\\d+) Ko\\)`).exec(text)?.[1] ?? Number.NaN);

describe('change of address', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  async function open(plate: keyof typeof DEMO_VEHICLE_CODES): Promise<{ client: TestClient; base: string; file: string }> {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    const page = await client.follow(await postNewProcedure(client, { kind: 'address_change', initiator: 'self', plate }));
    await client.post(`${page.url}/code`, { code: DEMO_VEHICLE_CODES[plate] });
    const base = `${page.url}/adresse`;
    await client.get(base);
    return { client, base, file: page.url.split('/').pop()! };
  }

  it('checks the commune against the reference and proposes the address to the postal norm', () => {
    expect(checkAddress({ line1: '12, rue de la République', postcode: '69003', commune: 'lyon' })).toEqual({
      ok: true,
      proposed: { line1: '12 RUE DE LA REPUBLIQUE', line2: null, postcode: '69003', commune: 'LYON' },
      corrected: true,
    });
    expect(checkAddress({ line1: '1 place Saint-Étienne', postcode: '20000', commune: 'Ajaccio' })).toMatchObject({ ok: true, proposed: { line1: '1 PLACE SAINT ETIENNE', commune: 'AJACCIO' } });
    const bad = checkAddress({ line1: '', postcode: '99999', commune: 'Nulle part' });
    expect(bad).toEqual({ ok: false, errors: { line1: 'Saisissez le numéro et le nom de la voie', postcode: 'Ce code postal n’existe pas : vérifiez-le' } });
    const mismatch = checkAddress({ line1: '1 rue A', postcode: '69003', commune: 'Marseille' });
    expect(mismatch.ok ? '' : mismatch.errors.commune).toBe('Cette commune ne correspond pas au code postal 69003 : Lyon');
  });

  it('the 1st to 3rd change: a free label by post, the registry updated at once', async () => {
    const { client, base } = await open('AB-123-CD');
    const form = textOf(client.lastHtml);
    expect(form).toContain('Adresse actuelle 12 RUE DE LA ROQUETTE, 75011 PARIS');
    const bad = await client.post(base, { line1: '8 rue Mercière', postcode: '69003', commune: 'Marseille' });
    expect(textOf(bad.body)).toContain('Cette commune ne correspond pas au code postal 69003');
    expect(bad.body).toContain('value="8 rue Mercière"');
    await client.post(base, { line1: '8, rue Mercière', postcode: '69002', commune: 'lyon' });
    const summary = textOf((await client.get(base)).body);
    expect(summary).toContain('Votre adresse a été vérifiée et mise à la norme postale');
    expect(summary).toContain('Nouvelle adresse 8 RUE MERCIERE, 69002 LYON');
    expect(summary).toContain('Une étiquette gratuite, à coller sur votre carte grise');
    expect(summary).toContain('Montant à payer 0,00 €');
    await client.post(`${base}/confirmer`, { clu: 'oui' });
    const done = textOf((await client.get(base)).body);
    expect(done).toContain('Changement d’adresse enregistré');
    const recapPdf = (await client.get(`${base.replace('/adresse', '')}/recapitulatif.pdf`)).rawPayload;
    // the link states format and size, the downloaded document's within 1 Ko
    expect(Math.abs(statedKo(done, 'Récapitulatif de la demande') - recapPdf.length / 1024)).toBeLessThanOrEqual(1);
    const recap = pdfText(recapPdf);
    expect(recap).toContain('Nouvelle adresse : 8 RUE MERCIERE, 69002 LYON');
    expect(recap).toContain('Ancienne adresse : 12 RUE DE LA ROQUETTE, 75011 PARIS');
    const vehicle = await t.database.db.selectFrom('vehicles').innerJoin('vehicle_holders', 'vehicle_holders.id', 'vehicles.holder_id').select(['address_line1', 'postcode', 'commune', 'address_changes_since_siv']).where('plate', '=', 'AB-123-CD').executeTakeFirstOrThrow();
    expect(vehicle).toEqual({ address_line1: '8 RUE MERCIERE', postcode: '69002', commune: 'LYON', address_changes_since_siv: 1 });
    await t.app.worker.drain();
    const letter = await t.database.db.selectFrom('postal_letters').select(['recipient_lines', 'subject']).executeTakeFirstOrThrow();
    expect(letter.subject).toBe('Étiquette de changement d’adresse — véhicule AB-123-CD');
    expect(letter.recipient_lines).toEqual(['CAMILLE MARTIN', '8 RUE MERCIERE', '69002 LYON']);
  });

  it('the 4th change makes a new certificate: paid 2,76 €, CPI issued, the cycle restarts', async () => {
    const { client, base, file } = await open('VW-654-XY');
    await client.post(base, { line1: '3 quai Saint-Antoine', postcode: '69002', commune: 'Lyon' });
    const summary = textOf((await client.get(base)).body);
    expect(summary).toContain('Un nouveau certificat d’immatriculation');
    expect(summary).toContain('Montant à payer 2,76 €');
    await client.post(`${base}/confirmer`, { clu: 'oui' });
    await client.get(base);
    const key = /name="idempotency_key" value="([^"]+)"/.exec(client.lastHtml)![1]!;
    await client.follow(await client.post(`${base}/payer`, { idempotency_key: key }));
    await client.submit(/paiement-simule/, { card_number: '4242424242424242', expiry: '12/30', cvc: '123', action: 'valider' });
    const back = await client.follow(await client.get('/paiement/retour'));
    expect(textOf(back.body)).toContain('Changement d’adresse payé et enregistré');
    const cpiBytes = (await client.get(`/vehicules/demandes/${file}/cpi.pdf`)).rawPayload.length;
    expect(Math.abs(statedKo(textOf(back.body), 'Certificat provisoire d’immatriculation') - cpiBytes / 1024)).toBeLessThanOrEqual(1);
    expect(Math.abs(statedKo(textOf(back.body), 'Récapitulatif de la demande') - (await client.get(`/vehicules/demandes/${file}/recapitulatif.pdf`)).rawPayload.length / 1024)).toBeLessThanOrEqual(1);
    const vehicle = await t.database.db.selectFrom('vehicles').select(['certificate_number', 'address_changes_since_siv']).where('plate', '=', 'VW-654-XY').executeTakeFirstOrThrow();
    expect(vehicle.address_changes_since_siv).toBe(0);
    expect(vehicle.certificate_number).not.toBe('2023VW65432');
    const cpi = await client.get(`/vehicules/demandes/${file}/cpi.pdf`);
    expect(pdfText(cpi.rawPayload)).toContain('3 QUAI SAINT ANTOINE');
  });

  it('an FNI certificate moves to a SIV number once paid', async () => {
    const { client, base } = await open('1234 AB 75');
    await client.post(base, { line1: '5 rue de Rivoli', postcode: '75004', commune: 'Paris' });
    await client.get(base);
    await client.post(`${base}/confirmer`, { clu: 'oui' });
    await client.get(base);
    const key = /name="idempotency_key" value="([^"]+)"/.exec(client.lastHtml)![1]!;
    await client.follow(await client.post(`${base}/payer`, { idempotency_key: key }));
    await client.submit(/paiement-simule/, { card_number: '4242424242424242', expiry: '12/30', cvc: '123', action: 'valider' });
    await client.follow(await client.get('/paiement/retour'));
    const old = await t.database.db.selectFrom('vehicles').select('id').where('plate', '=', '1234 AB 75').execute();
    expect(old).toEqual([]);
    const moved = await t.database.db.selectFrom('vehicles').select(['plate', 'plate_kind']).where('vin', '=', 'VF7NCRFJF73456789').executeTakeFirstOrThrow();
    expect(moved.plate_kind).toBe('siv');
    expect(moved.plate).toMatch(/^[A-HJ-NP-TV-Z]{2}-\d{3}-[A-HJ-NP-TV-Z]{2}$/);
  });
});
