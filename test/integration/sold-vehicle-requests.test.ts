import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { type TestApp, type TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { lastEmailTo } from '../helpers/outbox.ts';
import { sellDemoVehicle } from '../helpers/sales.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

/**
 * An outsider's finding: the seller went on changing a vehicle after declaring its sale (a duplicate
 * paid and issued in their name, the buyer's certificate invalidated; a change of address). A
 * vehicle declared sold admits no new sale, no duplicate and no change of address from its seller:
 * refused once the code is proven (not before), abandoned (not left among the drafts), and stopped
 * at the payment too when the sale comes in another tab — nothing issued, the charge refunded.
 */
const USER = 'demo.particulier@example.fr';
const CARD = { card_number: '4242 4242 4242 4242', expiry: '12/30', cvc: '123', action: 'valider' };

describe('a vehicle declared sold: its seller can no longer change it', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));
  const db = () => t.database.db;

  const procedure = (file: string) => db().selectFrom('vehicle_procedures').select(['status', 'claimed']).where('file_number', '=', file).executeTakeFirstOrThrow();
  const vehicle = (plate: string) =>
    db().selectFrom('vehicles').innerJoin('vehicle_holders as h', 'h.id', 'vehicles.holder_id').select(['vehicles.id', 'certificate_number', 'sold_at', 'address_changes_since_siv', 'h.address_line1', 'h.commune']).where('plate', '=', plate).executeTakeFirstOrThrow();
  const issuedFor = async (file: string) =>
    (await db().selectFrom('issued_documents').innerJoin('vehicle_procedures as p', 'p.id', 'issued_documents.procedure_id').select('issued_documents.kind').where('p.file_number', '=', file).execute()).map((d) => d.kind);

  /** « Ajouter une demande » → the kind → « Pour moi-même » → the plate, then the code typed; the page the code leads to. */
  async function askWithCode(client: TestClient, kind: 'duplicate' | 'address_change' | 'sale_declaration', plate: keyof typeof DEMO_VEHICLE_CODES) {
    const page = await client.follow(await postNewProcedure(client, { kind, initiator: 'self', plate }));
    const before = textOf(page.body);
    const coded = await client.post(`${page.url}/code`, { code: DEMO_VEHICLE_CODES[plate] });
    return { before, coded, file: page.url.split('/').pop()!, url: page.url };
  }

  /** A request to finish is one that still shows « Démarche à terminer » in « Mon espace véhicule ». */
  async function listedToFinish(client: TestClient, file: string): Promise<boolean> {
    const space = await client.get('/vehicules');
    const row = new RegExp(`${file}[\\s\\S]{0,600}?Démarche à terminer`).exec(space.body);
    return !!row && !row[0].includes('</tr>');
  }

  it('a duplicate asked after the sale (VW-654-XY) is refused once the code is accepted, abandoned; nothing paid, nothing issued', async () => {
    const seller = await signInUser(t.app, USER);
    await sellDemoVehicle(seller, 'VW-654-XY');
    const sold = await vehicle('VW-654-XY');
    expect(sold.sold_at).not.toBeNull();

    const { before, coded, file, url } = await askWithCode(seller, 'duplicate', 'VW-654-XY');
    expect(before).not.toContain('vendu'); // nothing told before the code proves possession
    expect(coded.statusCode).toBe(409);
    const page = textOf(coded.body);
    expect(page).toContain('Ce véhicule a été déclaré vendu : son ancien titulaire ne peut plus en demander le duplicata.');
    expect(page).toContain('Ce dossier est abandonné : il ne reste pas dans vos brouillons.');
    expect(await procedure(file)).toEqual({ status: 'cancelled', claimed: false });
    expect(await listedToFinish(seller, file)).toBe(false);
    // the duplicate's own steps are closed to it
    const reason = await seller.post(`${url}/duplicata/motif`, { reason: 'loss', declaration: 'oui', comment: '' });
    expect(reason.statusCode).not.toBe(200);
    expect(await db().selectFrom('payments').select('id').execute()).toEqual([]);
    expect(await db().selectFrom('invalidated_certificates').select('certificate_number').execute()).toEqual([]);
    expect((await vehicle('VW-654-XY')).certificate_number).toBe(sold.certificate_number);
    expect(await issuedFor(file)).toEqual([]);
  });

  it('a change of address asked after the sale (AB-123-CD) is refused once the code is accepted, abandoned; the registry unchanged', async () => {
    const seller = await signInUser(t.app, USER);
    await sellDemoVehicle(seller, 'AB-123-CD');
    const { before, coded, file, url } = await askWithCode(seller, 'address_change', 'AB-123-CD');
    expect(before).not.toContain('vendu');
    expect(coded.statusCode).toBe(409);
    expect(textOf(coded.body)).toContain('Ce véhicule a été déclaré vendu : son ancien titulaire ne peut plus changer l’adresse de sa carte grise.');
    expect(await procedure(file)).toEqual({ status: 'cancelled', claimed: false });
    expect(await listedToFinish(seller, file)).toBe(false);
    const posted = await seller.post(`${url}/adresse/nouvelle-adresse`, { line1: '8 rue Mercière', line2: '', postcode: '69002', commune: 'Lyon' });
    expect(posted.statusCode).toBe(404); // an abandoned change of address has no form any more
    const after = await vehicle('AB-123-CD');
    expect(after).toMatchObject({ address_line1: '12 RUE DE LA ROQUETTE', commune: 'PARIS', address_changes_since_siv: 0 });
    expect(await db().selectFrom('postal_letters').select('subject').where('subject', 'like', 'Étiquette%').execute()).toEqual([]);
  });

  it('a second sale is refused where the code is accepted, and not left as « Démarche à terminer »', async () => {
    const seller = await signInUser(t.app, USER);
    await sellDemoVehicle(seller, 'AB-123-CD');
    const { before, coded, file, url } = await askWithCode(seller, 'sale_declaration', 'AB-123-CD');
    expect(before).not.toContain('vendu');
    expect(coded.statusCode).toBe(409);
    expect(textOf(coded.body)).toContain('Ce véhicule a déjà été déclaré vendu : une nouvelle déclaration de cession n’est pas possible.');
    expect(textOf(coded.body)).toContain('Ce dossier est abandonné');
    expect(await procedure(file)).toEqual({ status: 'cancelled', claimed: false });
    expect(await listedToFinish(seller, file)).toBe(false);
    expect((await seller.get(`${url}/cession`)).statusCode).toBe(404);
    expect(await db().selectFrom('cession_codes').select('id').execute()).toHaveLength(1);
  });

  /** Camille's duplicate of `plate` after a loss, through its reason and confirmation, up to « Payer »: its payment form's key. */
  async function duplicateConfirmed(client: TestClient, plate: 'AB-123-CD' | 'VW-654-XY') {
    const { coded, file, url } = await askWithCode(client, 'duplicate', plate);
    expect(coded.statusCode).toBe(303);
    const base = `${url}/duplicata`;
    await client.get(base);
    await client.post(`${base}/motif`, { reason: 'loss', declaration: 'oui', comment: '' });
    await client.get(base);
    await client.post(`${base}/confirmer`, { clu: 'oui' });
    await client.get(base);
    const key = /name="idempotency_key" value="([^"]+)"/.exec(client.lastHtml)![1]!;
    return { file, url, base, key };
  }

  /** The same, sent to the card page (the provider's page shown). */
  async function duplicateAtTheCardPage(client: TestClient, plate: 'AB-123-CD' | 'VW-654-XY') {
    const { file, base, key } = await duplicateConfirmed(client, plate);
    const provider = await client.follow(await client.post(`${base}/payer`, { idempotency_key: key }));
    expect(provider.url).toMatch(/paiement-simule/);
    return { file, base };
  }

  /** The charge taken for `file` is kept to refund; no payment succeeded. */
  async function chargeToRefund(file: string) {
    const rows = await db()
      .selectFrom('payments')
      .innerJoin('vehicle_procedures as p', 'p.id', 'payments.procedure_id')
      .leftJoin('payment_refunds as r', 'r.payment_id', 'payments.id')
      .select(['payments.status', 'payments.failure_reason', 'r.reason'])
      .where('p.file_number', '=', file)
      .execute();
    expect(rows).toEqual([{ status: 'to_refund', failure_reason: 'not_payable', reason: 'not_payable' }]);
  }

  it('sold in a second tab between the code and the payment: the card is charged, but nothing is issued, the request closed and the charge refunded', async () => {
    const tab1 = await signInUser(t.app, USER);
    const before = await vehicle('AB-123-CD');
    const { file } = await duplicateAtTheCardPage(tab1, 'AB-123-CD');
    // the second tab declares the sale while the first one is on the card page
    const tab2 = await signInUser(t.app, USER);
    await sellDemoVehicle(tab2, 'AB-123-CD');
    await tab1.submit(/paiement-simule/, CARD);
    const back = await tab1.follow(await tab1.get('/paiement/retour'));
    expect(textOf(back.body)).toContain('Cette démarche ne pouvait plus être payée : elle a été close entre-temps');
    expect(textOf(back.body)).toContain('Ce paiement vous sera remboursé sur votre carte bancaire.');
    expect((await procedure(file)).status).toBe('cancelled');
    await chargeToRefund(file);
    const after = await vehicle('AB-123-CD');
    expect(after.certificate_number).toBe(before.certificate_number); // the buyer's certificate stays valid
    expect(await db().selectFrom('invalidated_certificates').select('certificate_number').execute()).toEqual([]);
    expect(await issuedFor(file)).toEqual([]);
    const mail = await lastEmailTo(t.app, USER);
    expect(mail.subject).toBe(`Votre démarche est close : le véhicule a été déclaré vendu (Demande de duplicata ${file})`);
  });

  it('sold at the very moment of the payment (the request not closed yet): the final write refuses it, nothing issued, the charge refunded', async () => {
    const client = await signInUser(t.app, USER);
    const before = await vehicle('AB-123-CD');
    const { file } = await duplicateAtTheCardPage(client, 'AB-123-CD');
    // the sale's own write lands, its closing of the seller's requests not yet run
    await db().updateTable('vehicles').set({ sold_at: new Date('2026-11-30T09:00:00Z') }).where('id', '=', before.id).execute();
    await client.submit(/paiement-simule/, CARD);
    const back = await client.follow(await client.get('/paiement/retour'));
    expect(textOf(back.body)).toContain('Ce paiement vous sera remboursé sur votre carte bancaire.');
    expect((await procedure(file)).status).toBe('cancelled');
    await chargeToRefund(file);
    expect((await vehicle('AB-123-CD')).certificate_number).toBe(before.certificate_number);
    expect(await db().selectFrom('invalidated_certificates').select('certificate_number').execute()).toEqual([]);
    expect(await issuedFor(file)).toEqual([]);
    expect(await db().selectFrom('audit_events').select('action').where('action', '=', 'vehicle.certificate_invalidated').execute()).toEqual([]);
  });

  it('a paid change of address (VW-654-XY, 4th change) whose vehicle is sold at the moment of the payment changes nothing and is refunded', async () => {
    const client = await signInUser(t.app, USER);
    const before = await vehicle('VW-654-XY');
    const { coded, file, url } = await askWithCode(client, 'address_change', 'VW-654-XY');
    expect(coded.statusCode).toBe(303);
    const base = `${url}/adresse`;
    await client.get(base);
    await client.post(`${base}/nouvelle-adresse`, { line1: '3 quai Saint-Antoine', line2: '', postcode: '69002', commune: 'Lyon' });
    await client.get(base);
    await client.post(`${base}/confirmer`, { clu: 'oui' });
    await client.get(base);
    const key = /name="idempotency_key" value="([^"]+)"/.exec(client.lastHtml)![1]!;
    await client.follow(await client.post(`${base}/payer`, { idempotency_key: key }));
    await db().updateTable('vehicles').set({ sold_at: new Date('2026-11-30T09:00:00Z') }).where('id', '=', before.id).execute();
    await client.submit(/paiement-simule/, CARD);
    await client.follow(await client.get('/paiement/retour'));
    expect((await procedure(file)).status).toBe('cancelled');
    await chargeToRefund(file);
    expect(await vehicle('VW-654-XY')).toMatchObject({ certificate_number: before.certificate_number, address_line1: before.address_line1, address_changes_since_siv: 3 });
    expect(await issuedFor(file)).toEqual([]);
  });

  it('« Payer » on a request whose vehicle was sold meanwhile: refused before the card page, no payment opened, the request abandoned', async () => {
    const client = await signInUser(t.app, USER);
    const { file, url, base, key } = await duplicateConfirmed(client, 'AB-123-CD');
    await db().updateTable('vehicles').set({ sold_at: new Date('2026-11-30T09:00:00Z') }).where('plate', '=', 'AB-123-CD').execute();
    const pay = await client.post(`${base}/payer`, { idempotency_key: key });
    expect(pay.headers.location).toBe(url);
    const page = await client.follow(pay);
    expect(textOf(page.body)).toContain('son ancien titulaire ne peut plus en demander le duplicata');
    expect((await procedure(file)).status).toBe('cancelled');
    expect(await db().selectFrom('payments').select('id').execute()).toEqual([]);
  });
  it('the holder proven by FranceConnect (no code asked) is told at once, on the plate field: no request created', async () => {
    const account = await db().selectFrom('accounts').select('id').where('email', '=', USER).executeTakeFirstOrThrow();
    await db()
      .insertInto('franceconnect_identities')
      .values({ sub: `sub-${account.id}`, account_id: account.id, family_name: 'MARTIN', given_name: 'Camille', birthdate: '1988-06-02', gender: 'female', birthplace: '75056', birthcountry: '99100', email: USER })
      .execute();
    await sql`update accounts set certified = true where id = ${account.id}`.execute(db());
    const camille = await signInUser(t.app, USER);
    await sellDemoVehicle(camille, 'AB-123-CD');
    const count = async () => (await db().selectFrom('vehicle_procedures').select('id').execute()).length;
    const before = await count();
    for (const [kind, message] of [
      ['duplicate', 'son ancien titulaire ne peut plus en demander le duplicata'],
      ['address_change', 'son ancien titulaire ne peut plus changer l’adresse de sa carte grise'],
      ['sale_declaration', 'Ce véhicule a déjà été déclaré vendu'],
    ] as const) {
      const res = await postNewProcedure(camille, { kind, initiator: 'self', plate: 'AB-123-CD' });
      expect(res.statusCode, kind).toBe(400);
      expect(textOf(res.body)).toContain(message);
      expect(res.body).toContain('<a href="#champ-plate">');
      expect(res.body).toContain('value="AB-123-CD"');
    }
    expect(await count()).toBe(before);
  });
});
