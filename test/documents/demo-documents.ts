import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { DEMO_PHOTO_CODES } from '../../src/domains/licences/photo-service.ts';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { type TestApp, TestClient } from '../helpers/app.ts';
import { signInAgent } from '../helpers/agents.ts';
import { sellCamillesCar } from '../helpers/sales.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';
import { IDENTITY, PDF, PNG, postMultipart } from '../integration/licence-helpers.ts';

/** One document as a user downloads it at the end of a demo flow. */
export interface DemoDocument {
  /** file name in docs/documents/ (without extension) */
  name: string;
  /** what it is, in French, for the README and the messages */
  title: string;
  pdf: Buffer;
  /** whether it carries a 2D-Doc (every issued document does; the letters do not) */
  sealed: boolean;
}

const CAMILLE = 'demo.particulier@example.fr';
const JULIEN_HOLDER = { birth_name: 'Leroy', given_names: 'Julien', birth_date: '1985-02-03', birth_place: 'Lyon', address_line1: '4 quai de la Gare', postcode: '69003', commune: 'Lyon' };

/** A response that must have this status (the flow stops with what the page said otherwise). */
function expectStatus(res: LightMyRequestResponse, status: number, what: string): LightMyRequestResponse {
  if (res.statusCode !== status) throw new Error(`${what}: HTTP ${res.statusCode} instead of ${status}\n${res.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 600)}`);
  return res;
}
async function download(client: TestClient, url: string, what: string): Promise<Buffer> {
  const res = expectStatus(await client.get(url), 200, what);
  if (!String(res.headers['content-type']).startsWith('application/pdf')) throw new Error(`${what}: ${url} is not a PDF`);
  return res.rawPayload;
}

/**
 * Runs the demo flows on the app's (freshly seeded) demo database, as the users and agents do them
 * through the portal's pages, and downloads each kind of document they are issued:
 * - Camille Martin changes the address of AB-123-CD → récapitulatif de demande;
 * - she declares its sale → certificat de cession (cerfa 15776), certificat de situation
 *   administrative, accusé d’enregistrement (not sealed: it restates the certificat de cession);
 * - Julien Leroy changes the holder with the code de cession → the summary of his request (before
 *   payment, not sealed), then pays → certificat provisoire d’immatriculation, and the letter of
 *   the new certificate (the postal-letter job; letters carry no 2D-Doc);
 * - Camille declares the loss of her licence with a photo code and a timbre, an agent checks the
 *   photo → récépissé de dépôt and attestation de droits à conduire; a renewal with a classic photo
 *   → formulaire de dépôt photo et signature;
 * - Camille makes an identity-card pre-application → its summary.
 */
export async function runDemoFlows(t: TestApp): Promise<DemoDocument[]> {
  const db = t.database.db;
  const out: DemoDocument[] = [];

  // ---- change of address of AB-123-CD (the first of the cycle: a label by post, the summary issued at once)
  const camille = await signInUser(t.app, CAMILLE);
  const moving = await camille.follow(await postNewProcedure(camille, { kind: 'address_change', initiator: 'self', plate: 'AB-123-CD' }));
  await camille.post(`${moving.url}/code`, { code: DEMO_VEHICLE_CODES['AB-123-CD'] });
  await camille.get(`${moving.url}/adresse`);
  expectStatus(await camille.post(`${moving.url}/adresse`, { line1: '8, rue Mercière', postcode: '69002', commune: 'lyon' }), 303, 'address change: new address');
  await camille.get(`${moving.url}/adresse`);
  expectStatus(await camille.post(`${moving.url}/adresse/confirmer`, { clu: 'oui' }), 303, 'address change: confirmation');
  out.push({ name: 'recapitulatif-de-demande', title: 'Récapitulatif de demande (changement d’adresse)', pdf: await download(camille, `${moving.url}/recapitulatif.pdf`, 'address change summary'), sealed: true });

  // ---- sale of AB-123-CD
  const code = await sellCamillesCar(camille);
  const sale = await db.selectFrom('vehicle_procedures').select('file_number').where('kind', '=', 'sale_declaration').orderBy('id', 'desc').executeTakeFirstOrThrow();
  const saleBase = `/vehicules/demandes/${sale.file_number}`;
  out.push({ name: 'certificat-de-cession', title: 'Certificat de cession (cerfa 15776)', pdf: await download(camille, `${saleBase}/documents/certificat_cession.pdf`, 'certificat de cession'), sealed: true });
  out.push({ name: 'certificat-de-situation-administrative', title: 'Certificat de situation administrative', pdf: await download(camille, `${saleBase}/documents/csa.pdf`, 'CSA'), sealed: true });
  out.push({ name: 'accuse-enregistrement-cession', title: 'Accusé d’enregistrement de la déclaration de cession', pdf: await download(camille, `${saleBase}/accuse-enregistrement.pdf`, 'accusé d’enregistrement'), sealed: false });

  // ---- change of holder by the buyer, certified through FranceConnect, paid by card
  const buyerEmail = 'demo.entreprise@example.fr';
  await sql`update accounts set certified = true where email = ${buyerEmail}`.execute(db);
  await sql`insert into franceconnect_identities (sub, account_id, given_name, family_name, birthdate, gender, birthplace, birthcountry, email)
    select 'julien-leroy', id, 'Julien', 'LEROY', '1985-02-03', 'male', '69123', '99100', email from accounts where email = ${buyerEmail}`.execute(db);
  const buyer = await signInUser(t.app, buyerEmail);
  const proc = await buyer.follow(await postNewProcedure(buyer, { kind: 'holder_change', initiator: 'self', plate: 'AB-123-CD' }));
  const base = `${proc.url}/titulaire`;
  await buyer.get(base);
  await buyer.post(`${base}/code`, { has_code: 'oui', cession_code: code });
  await buyer.get(base);
  await buyer.post(`${base}/nouveau-titulaire`, { use: 'personnel', ...JULIEN_HOLDER });
  await buyer.get(base);
  await buyer.post(`${base}/confirmer`, { clu: 'oui' });
  // filed, not paid: the request's summary (not an issued document: no 2D-Doc)
  out.push({ name: 'recapitulatif-changement-de-titulaire', title: 'Récapitulatif de la demande de changement de titulaire', pdf: await download(buyer, `${proc.url}/recapitulatif.pdf`, 'holder change summary'), sealed: false });
  await buyer.get(base);
  const key = /name="idempotency_key" value="([^"]+)"/.exec(buyer.lastHtml)?.[1];
  if (!key) throw new Error('change of holder: no payment form after the confirmation');
  await buyer.follow(await buyer.post(`${base}/payer`, { idempotency_key: key }));
  await buyer.submit(/paiement-simule/, { card_number: '4242 4242 4242 4242', expiry: '12/30', cvc: '123', action: 'valider' });
  await buyer.follow(await buyer.get('/paiement/retour'));
  out.push({ name: 'certificat-provisoire-d-immatriculation', title: 'Certificat provisoire d’immatriculation', pdf: await download(buyer, `${proc.url}/cpi.pdf`, 'CPI'), sealed: true });
  await t.app.worker.drain();
  const letter = await db.selectFrom('postal_letters').select(['pdf', 'subject']).where('status', '=', 'sent').orderBy('id', 'desc').executeTakeFirst();
  if (!letter?.pdf) throw new Error('change of holder: no postal letter produced by the letter job');
  out.push({ name: 'courrier', title: `Courrier : ${letter.subject}`, pdf: Buffer.from(letter.pdf), sealed: false });

  // ---- driving licence: a loss (photo code, timbre, photo checked by an agent), then a renewal with a classic photo
  const licence = await signInUser(t.app, CAMILLE);
  const loss = await startLicenceRequest(t, licence, 'loss', { licence_number: '13AB12345' }, { photo_mode: 'code', photo_code: DEMO_PHOTO_CODES[3]! });
  const account = await db.selectFrom('accounts').select('id').where('email', '=', CAMILLE).executeTakeFirstOrThrow();
  const stamp = await db.transaction().execute((trx) => t.app.stamps.buy(trx, { amountCents: 2500, accountId: account.id }));
  expectStatus(await licence.post(`/permis/demandes/${loss}/etape/envoi`, { stamp_number: stamp.number, clu: 'oui' }), 303, 'licence loss: sending');
  out.push({ name: 'recepisse-permis', title: 'Récépissé de dépôt (permis de conduire)', pdf: await download(licence, `/permis/demandes/${loss}/documents/recepisse.pdf`, 'récépissé'), sealed: true });
  const agent = await signInAgent(new TestClient(t.app), 'agent.permis@example.fr');
  const id = (await db.selectFrom('licence_requests').select('id').where('file_number', '=', loss).executeTakeFirstOrThrow()).id;
  await agent.get(`/agents/permis/${id}`);
  await agent.post(`/agents/permis/${id}/prendre`, {});
  await agent.get(`/agents/permis/${id}`);
  await agent.post(`/agents/permis/${id}/decision/accept_images`, {});
  out.push({ name: 'attestation-de-droits-a-conduire', title: 'Attestation de droits à conduire', pdf: await download(licence, `/permis/demandes/${loss}/documents/attestation.pdf`, 'attestation'), sealed: true });
  const renewal = await startLicenceRequest(t, licence, 'renewal', { categories: 'B', licence_number: '13AB12345' }, { photo_mode: 'classic' });
  expectStatus(await licence.post(`/permis/demandes/${renewal}/etape/envoi`, { clu: 'oui' }), 303, 'licence renewal: sending');
  out.push({ name: 'formulaire-photo-signature', title: 'Formulaire de dépôt photo et signature', pdf: await download(licence, `/permis/demandes/${renewal}/documents/fps.pdf`, 'FPS'), sealed: true });

  // ---- identity card pre-application
  const pre = await signInUser(t.app, CAMILLE);
  const preBase = await submitPreApplication(pre);
  out.push({ name: 'recapitulatif-de-pre-demande', title: 'Récapitulatif de pré-demande (carte d’identité)', pdf: await download(pre, `${preBase}/recapitulatif.pdf`, 'pre-application summary'), sealed: true });
  return out;
}

/** An identity-card pre-application filled and validated by a signed-in user; the base of its pages (/pre-demandes/<id>). */
export async function submitPreApplication(pre: TestClient): Promise<string> {
  await pre.get('/pre-demandes');
  const started = await pre.follow(await pre.submit(/\/pre-demandes\/nouvelle$/));
  const preBase = started.url.replace(/\/titre$/, '');
  const steps: [string, Record<string, string>][] = [
    ['titre', { document: 'identity_card', forWhom: 'self', reason: 'first' }],
    ['etat-civil', { sex: 'F', birthName: 'Martin', usageName: '', givenNames: 'Camille, Marie', birthDate: '04/05/1990', birthPlace: 'Lyon', birthCountry: 'France' }],
    ['filiation', { parent1Name: 'Martin', parent1GivenNames: 'Paul', parent2Name: 'Durand', parent2GivenNames: 'Claire' }],
    ['adresse', { line1: '12 rue de la Roquette', line2: '', postcode: '75011', commune: 'Paris', heightCm: '168', eyes: 'verts' }],
  ];
  for (const [slug, fields] of steps) {
    await pre.get(`${preBase}/${slug}`);
    expectStatus(await pre.post(`${preBase}/${slug}`, fields), 303, `pre-application: ${slug}`);
  }
  await pre.get(`${preBase}/recapitulatif`);
  expectStatus(await pre.post(`${preBase}/valider`, { certify: 'oui' }), 303, 'pre-application: validation');
  return preBase;
}

/** A licence request started from "Nouvelle demande" and filled up to the sending step; its file number. */
export async function startLicenceRequest(t: TestApp, client: TestClient, reason: string, details: Record<string, string>, contact: Record<string, string>): Promise<string> {
  await client.get('/permis/demandes/nouvelle');
  const key = /name="idempotency_key" value="([^"]+)"/.exec(client.lastHtml)![1]!;
  const res = expectStatus(await client.post('/permis/demandes/nouvelle', { idempotency_key: key, reason, for_whom: 'self' }), 303, `licence ${reason}: start`);
  const file = /\/permis\/demandes\/([^/]+)\/etape/.exec(String(res.headers.location))![1]!;
  const step = (slug: string) => `/permis/demandes/${file}/etape/${slug}`;
  for (const [slug, fields] of [['precisions', details], ['etat-civil', IDENTITY], ['coordonnees', { email: 'camille@example.fr', mobile: '0612345678', ...contact }]] as const) {
    await client.get(step(slug));
    expectStatus(await client.post(step(slug), fields), 303, `licence ${reason}: ${slug}`);
  }
  await client.get(step('pieces'));
  expectStatus(await postMultipart(t.app, client, step('pieces'), { action: 'continue' }, { identity: { filename: 'cni.png', bytes: PNG }, address: { filename: 'facture.pdf', bytes: PDF } }), 303, `licence ${reason}: pieces`);
  await client.get(step('envoi'));
  return file;
}
