import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { pdfText } from '../helpers/pdf.ts';
import { JULIEN_BUYER, sellCamillesCar as declareSale } from '../helpers/sales.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

const JULIEN = JULIEN_BUYER;
const GARAGE = { buyer_kind: 'legal', buyer_company_name: 'Garage du Centre', buyer_siren: '356000000', buyer_is_professional: 'oui' };

describe('change of holder with the code de cession', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  const signIn = (email: string) => signInUser(t.app, email);
  const start = async (client: TestClient, fields: Record<string, string>) => client.follow(await postNewProcedure(client, fields));

  /** Camille sells AB-123-CD (to Julien Leroy unless told) and reads the code de cession. */
  const sellCamillesCar = async (buyer: Record<string, string> = JULIEN) => declareSale(await signIn('demo.particulier@example.fr'), buyer);
  const certify = (email: string) => sql`update accounts set certified = true where email = ${email}`.execute(t.database.db);
  /** The declared buyer signs in with FranceConnect: Julien Leroy's pivot identity on the company's demo account. */
  const julienThroughFranceConnect = async (email: string) => {
    await certify(email);
    await sql`insert into franceconnect_identities (sub, account_id, given_name, family_name, birthdate, gender, birthplace, birthcountry, email)
      select 'julien-leroy', id, 'Julien', 'LEROY', '1985-02-03', 'male', '69123', '99100', email from accounts where email = ${email}`.execute(t.database.db);
  };
  const JULIEN_HOLDER = { birth_name: 'Leroy', given_names: 'Julien', birth_date: '1985-02-03', birth_place: 'Lyon', address_line1: '4 quai de la Gare', postcode: '69003', commune: 'Lyon' };

  it('a certified buyer changes the holder with the code; the summary PDF names both; a second use is refused', async () => {
    const code = await sellCamillesCar();
    await julienThroughFranceConnect('demo.entreprise@example.fr');
    const buyer = await signIn('demo.entreprise@example.fr');
    const proc = await start(buyer, { kind: 'holder_change', initiator: 'self', plate: 'AB-123-CD' });
    expect(textOf(proc.body)).toContain('Continuer le changement de titulaire');
    expect(textOf(proc.body)).not.toContain('MARTIN'); // the seller is shown once the code is proven
    const base = `${proc.url}/titulaire`;
    await buyer.get(base);
    const bad = await buyer.post(`${base}/code`, { has_code: 'oui', cession_code: 'AAAAAAAAAAA' });
    expect(textOf(bad.body)).toContain('Ce code de cession ne correspond pas à ce véhicule');
    expect(bad.body).toContain('value="AAAAAAAAAAA"');
    await buyer.post(`${base}/code`, { has_code: 'oui', cession_code: code.toLowerCase() });
    const holderPage = await buyer.get(base);
    expect(textOf(holderPage.body)).toContain('Ancien titulaire : Camille MARTIN');
    const missing = await buyer.post(`${base}/nouveau-titulaire`, { birth_name: 'Durand' });
    expect(textOf(missing.body)).toContain('Choisissez l’usage du véhicule');
    expect(textOf(missing.body)).toContain('Saisissez le code postal');
    expect(missing.body).toContain('value="Durand"');
    await buyer.post(`${base}/nouveau-titulaire`, { use: 'professionnel', ...JULIEN_HOLDER });
    const summary = await buyer.get(base);
    const summaryText = textOf(summary.body);
    expect(summaryText).toContain('Détail des taxes');
    expect(summaryText).not.toContain('+ Détail'); // a DSFR accordion, not a bare "+"
    // 5 CV, Auvergne-Rhône-Alpes (69003) at 43 €/CV: 215 € + 11 € = 226 €, plus 2,76 € delivery.
    expect(summaryText).toContain('Montant à payer 228,76 €');
    expect(summaryText).toContain('Y.1 Taxe régionale 215,00 €');
    const noClu = await buyer.post(`${base}/confirmer`, {});
    expect(textOf(noClu.body)).toContain('Cochez la case pour accepter les conditions légales d’utilisation');
    await buyer.get(base);
    const filed = await buyer.follow(await buyer.post(`${base}/confirmer`, { clu: 'oui' }));
    expect(textOf(filed.body)).toContain('Montant à payer : 228,76 €');
    const pdf = await buyer.get(`${proc.url}/recapitulatif.pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf.rawPayload);
    expect(text).toContain('Ancien titulaire');
    expect(text).toContain('Camille MARTIN');
    expect(text).toContain('Julien LEROY');
    const used = await t.database.db.selectFrom('cession_codes').select(['used_at']).executeTakeFirstOrThrow();
    expect(used.used_at).not.toBeNull();

    // A second buyer with the same code is refused.
    await certify('demo.auto-ecole@example.fr');
    const other = await signIn('demo.auto-ecole@example.fr');
    const second = await start(other, { kind: 'holder_change', initiator: 'self', plate: 'AB-123-CD' });
    await other.get(`${second.url}/titulaire`);
    const reuse = await other.post(`${second.url}/titulaire/code`, { has_code: 'oui', cession_code: code });
    expect(textOf(reuse.body)).toContain('Ce code de cession a déjà été utilisé');
  });

  it('a declined card then a good one: paid once, the registry shows the new holder, the CPI names them', async () => {
    const code = await sellCamillesCar();
    await julienThroughFranceConnect('demo.entreprise@example.fr');
    const buyer = await signIn('demo.entreprise@example.fr');
    const proc = await start(buyer, { kind: 'holder_change', initiator: 'self', plate: 'AB-123-CD' });
    const base = `${proc.url}/titulaire`;
    await buyer.get(base);
    await buyer.post(`${base}/code`, { has_code: 'oui', cession_code: code });
    await buyer.get(base);
    await buyer.post(`${base}/nouveau-titulaire`, { use: 'personnel', ...JULIEN_HOLDER });
    await buyer.get(base);
    await buyer.post(`${base}/confirmer`, { clu: 'oui' });

    const pay = async (card: string) => {
      await buyer.get(base);
      const key = /name="idempotency_key" value="([^"]+)"/.exec(buyer.lastHtml)![1]!;
      const toProvider = await buyer.post(`${base}/payer`, { idempotency_key: key });
      const providerPage = await buyer.follow(toProvider);
      expect(textOf(providerPage.body)).toContain('Montant : 228,76 €');
      const done = await buyer.submit(/paiement-simule/, { card_number: card, expiry: '12/30', cvc: '123', action: 'valider' });
      expect(textOf(done.body)).toMatch(card.startsWith('4242') ? /Cliquer ici pour enregistrer votre paiement/ : /Revenir sur le portail/);
      return buyer.follow(await buyer.get('/paiement/retour'));
    };
    const declined = await pay('4000 0000 0000 0002');
    expect(textOf(declined.body)).toContain('Le paiement a été refusé par la banque. Votre demande est conservée');
    expect(textOf(declined.body)).toContain('Payer par carte bancaire');
    const paid = await pay('4242 4242 4242 4242');
    expect(textOf(paid.body)).toContain('Votre paiement est enregistré.');
    expect(textOf(paid.body)).toContain('Le véhicule AB-123-CD est enregistré à votre nom');

    // The provider's notifications arrive afterwards (durable job): applied at most once.
    await t.app.worker.drain();
    const attempts = await t.database.db.selectFrom('payments').select(['status']).orderBy('id').execute();
    expect(attempts.map((a) => a.status)).toEqual(['failed', 'success']);
    const vehicle = await t.database.db.selectFrom('vehicles').innerJoin('vehicle_holders', 'vehicle_holders.id', 'vehicles.holder_id').select(['birth_name', 'given_names', 'sold_at', 'certificate_number']).where('plate', '=', 'AB-123-CD').executeTakeFirstOrThrow();
    expect(vehicle).toMatchObject({ birth_name: 'LEROY', given_names: 'Julien', sold_at: null });
    expect(vehicle.certificate_number).not.toBe('2019AB12345');
    const cpi = await buyer.get(`${proc.url}/cpi.pdf`);
    expect(cpi.headers['content-type']).toBe('application/pdf');
    expect(pdfText(cpi.rawPayload)).toContain('Julien LEROY');

    // A replayed notification changes nothing; a forged one is refused.
    const reference = (await t.database.db.selectFrom('payments').select('reference').where('status', '=', 'success').executeTakeFirstOrThrow()).reference;
    const forged = await t.app.inject({ method: 'POST', url: '/paiement/notification', headers: { 'content-type': 'application/json', 'x-signature': '0'.repeat(64) }, payload: JSON.stringify({ reference, status: 'paid' }) });
    expect(forged.statusCode).toBe(400);
    expect(await t.database.db.selectFrom('payments').select('id').where('status', '=', 'success').execute()).toHaveLength(1);
    // The seller's old code is gone for good, and paying again is impossible.
    await buyer.get(base);
    expect(textOf(buyer.lastHtml)).not.toContain('Payer par carte bancaire');
  });

  it('refuses an expired code, and without a code accepts the old certificate only once the seller declared the sale', async () => {
    await julienThroughFranceConnect('demo.entreprise@example.fr');
    const buyer = await signIn('demo.entreprise@example.fr');
    const before = await start(buyer, { kind: 'holder_change', initiator: 'self', plate: 'AB-123-CD' });
    await buyer.get(`${before.url}/titulaire`);
    const notDeclared = await buyer.post(`${before.url}/titulaire/code`, { has_code: 'non', certificate_number: '2019AB12345', certificate_date: '2019-03-14' });
    expect(textOf(notDeclared.body)).toContain('Sans code de cession, la démarche n’est possible que si le vendeur a déclaré la vente');

    const code = await sellCamillesCar();
    await sql`update cession_codes set expires_at = now() - interval '1 hour'`.execute(t.database.db);
    await buyer.get(`${before.url}/titulaire`);
    const expired = await buyer.post(`${before.url}/titulaire/code`, { has_code: 'oui', cession_code: code });
    expect(textOf(expired.body)).toContain('Ce code de cession a expiré');
    await buyer.get(`${before.url}/titulaire`);
    const wrongNumber = await buyer.post(`${before.url}/titulaire/code`, { has_code: 'non', certificate_number: '2019AB99999', certificate_date: '2019-03-14' });
    expect(textOf(wrongNumber.body)).toContain('Le numéro de formule et la date ne correspondent pas à la carte grise de ce véhicule');
    await buyer.get(`${before.url}/titulaire`);
    await buyer.post(`${before.url}/titulaire/code`, { has_code: 'non', certificate_number: '2019 ab 12345', certificate_date: '2019-03-14' });
    expect(textOf((await buyer.get(`${before.url}/titulaire`)).body)).toContain('Ancien titulaire : Camille MARTIN');
  });

  it('a habilitated professional may go on without the code for a vehicle declared sold to his company (decision 0004), not for another', async () => {
    await sellCamillesCar(GARAGE);
    const pro = await signIn('demo.garage@example.fr');
    const other = await start(pro, { kind: 'holder_change', initiator: 'other', plate: 'QR-321-ST' });
    await pro.get(`${other.url}/titulaire`);
    expect(textOf((await pro.post(`${other.url}/titulaire/code`, { has_code: 'non' })).body)).toContain('que si le vendeur a déclaré la vente à votre nom');
    const proc = await start(pro, { kind: 'holder_change', initiator: 'other', plate: 'AB-123-CD' });
    await pro.get(`${proc.url}/titulaire`);
    await pro.post(`${proc.url}/titulaire/code`, { has_code: 'non' });
    expect(textOf((await pro.get(`${proc.url}/titulaire`)).body)).toContain('Ancien titulaire : Camille MARTIN');
  });
});
