import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { missingPieces, piecesFor, subcategoryOf, TPC_CATEGORIES } from '../../src/domains/vehicles/complementary/model.ts';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { signInAgent } from '../helpers/agents.ts';
import { lastEmailTo } from '../helpers/outbox.ts';
import { pdfText } from '../helpers/pdf.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

const PDF = readFileSync('test/fixtures/recepisse-vol.pdf');
const PNG = readFileSync('test/fixtures/scan.png');
const FAKE = readFileSync('test/fixtures/not-a-pdf.pdf');
const CERTIFIED = 'demo.garage@example.fr';
const HOLDER = { kind: 'natural', birth_name: 'Moreau', given_names: 'Lucie', birth_date: '1985-06-14', birth_place: 'Nantes', line1: '3, place du Commerce', postcode: '44000', commune: 'nantes' };

describe('complementary procedure (TPC)', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  it('has exactly the slides’ tree: 7 categories, their sub-categories and pieces, mandate pieces for someone else, none required for a diplomatic vehicle', () => {
    expect(TPC_CATEGORIES.map((c) => c.subcategories.length)).toEqual([2, 4, 3, 4, 3, 6, 1]);
    const fromAbroad = subcategoryOf('first_registration', 'from_abroad')!;
    expect(piecesFor(fromAbroad, { initiator: 'other', diplomatic: false }).required).toEqual(['mandant_id', 'mandate_13757', 'address_proof', 'sale_or_ownership_proof', 'foreign_certificate', 'tax_proof', 'foreign_certificate_ownership']);
    expect(piecesFor(fromAbroad, { initiator: 'other', diplomatic: true }).required).toEqual([]);
    const circulation = subcategoryOf('vehicle_change', 'circulation')!;
    expect(missingPieces(circulation, { initiator: 'self', diplomatic: false }, [])).toEqual({ piece_withdrawal_13756: 'Joignez l’une de ces pièces : Demande de retrait de la circulation (cerfa n° 13756) ou Demande de remise en circulation (cerfa n° 13750)' });
    expect(missingPieces(circulation, { initiator: 'self', diplomatic: false }, ['recirculation_13750'])).toEqual({});
  });

  async function start(email = CERTIFIED, initiator = 'self') {
    const client = await signInUser(t.app, email);
    const res = await client.follow(await postNewProcedure(client, { kind: 'complementary', initiator, plate: '' }));
    return { client, base: res.url, file: res.url.split('/')[3]!, res };
  }

  it('is reserved to certified accounts', async () => {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    const res = await postNewProcedure(client, { kind: 'complementary', initiator: 'self', plate: '' });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain('La téléprocédure complémentaire est réservée aux comptes certifiés');
  });

  it('a first registration in France: parts 1, 2, 3 with pieces kept as they come, summary, terms, then the instruction centre processes it', async () => {
    const { client, base, file, res } = await start();
    expect(base).toBe(`/vehicules/demandes/${file}/complementaire`);
    expect(textOf(res.body)).toContain('Catégorie de votre demande');
    expect(textOf((await client.post(`${base}/categorie`, {})).body)).toContain('Choisissez la catégorie de votre demande');
    await client.post(`${base}/categorie`, { category: 'first_registration' });
    const subs = textOf((await client.get(base)).body);
    expect(subs).toContain('Immatriculation d’un véhicule neuf');
    expect(subs).toContain('Immatriculation d’un véhicule en provenance de l’étranger');
    await client.post(`${base}/sous-categorie`, { subcategory: 'new_vehicle' });
    const part1 = await client.get(base);
    expect(textOf(part1.body)).toContain('Partie 1 : objet de la demande');
    expect(part1.body).not.toContain('name="plate"'); // a first registration has no plate yet
    expect(textOf((await client.post(`${base}/objet`, { object: ' ' })).body)).toContain('Décrivez l’objet de votre demande');
    await client.post(`${base}/objet`, { object: 'Immatriculer une voiture neuve achetée en Belgique.' });
    const bad = await client.post(`${base}/titulaire`, { ...HOLDER, birth_name: '', postcode: '99999' });
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('Saisissez le nom de naissance du titulaire');
    expect(textOf(bad.body)).toContain('Ce code postal n’existe pas');
    expect(bad.body).toContain('value="Lucie"');
    await client.post(`${base}/titulaire`, HOLDER);
    const part3 = textOf((await client.get(base)).body);
    for (const piece of ['Justificatif d’adresse', 'cerfa n° 13749', 'Justificatif de vente', 'Certificat de conformité', 'Justificatif fiscal (si le véhicule a été acquis à l’étranger) (facultatif)']) expect(part3).toContain(piece);
    expect(part3).not.toContain('Mandat signé');
    // a wrong file is refused next to its field; the good ones sent with it are kept
    const mixed = await client.postFiles(`${base}/pieces`, {}, [
      { field: 'piece_address_proof', filename: 'facture.pdf', bytes: PDF },
      { field: 'piece_cerfa_13749', filename: 'cerfa.pdf', bytes: FAKE },
      { field: 'piece_sale_proof', filename: 'vente.png', bytes: PNG },
    ]);
    expect(mixed.statusCode).toBe(400);
    expect(textOf(mixed.body)).toContain('Le fichier « cerfa.pdf » n’est pas au format JPG, PNG, BMP, TIFF ou PDF');
    expect(textOf(mixed.body)).toContain('Fichier déjà joint : facture.pdf');
    const missing = await client.post(`${base}/poursuivre`, {});
    expect(textOf(missing.body)).toContain('Joignez : demande d’immatriculation d’un véhicule neuf signée (cerfa n° 13749)');
    expect(textOf(missing.body)).toContain('Joignez : certificat de conformité');
    await client.postFiles(`${base}/pieces`, {}, [
      { field: 'piece_cerfa_13749', filename: 'cerfa.pdf', bytes: PDF },
      { field: 'piece_conformity', filename: 'coc.pdf', bytes: PDF },
    ]);
    await client.post(`${base}/poursuivre`, {});
    const summary = textOf((await client.get(base)).body);
    expect(summary).toContain('Objet de la demande Immatriculer une voiture neuve achetée en Belgique.');
    expect(summary).toContain('Lucie Moreau, né(e) le 14/06/1985 à Nantes');
    expect(summary).toContain('3 PLACE DU COMMERCE, 44000 NANTES');
    expect(textOf((await client.post(`${base}/confirmer`, {})).body)).toContain('Cochez la case pour accepter les conditions légales d’utilisation');
    await client.post(`${base}/confirmer`, { clu: 'oui' });
    const sent = textOf((await client.get(base)).body);
    expect(sent).toContain('Demande transmise au centre d’instruction');
    const recap = pdfText((await client.get(`/vehicules/demandes/${file}/recapitulatif.pdf`)).rawPayload);
    expect(recap).toContain('Sous-catégorie : Immatriculation d’un véhicule neuf');
    expect(recap).toContain('coc.pdf');
    const p = await t.database.db.selectFrom('vehicle_procedures').select(['status', 'department', 'vehicle_id']).where('file_number', '=', file).executeTakeFirstOrThrow();
    expect(p).toEqual({ status: 'awaiting_review', department: '44', vehicle_id: null });

    // it reaches the instruction queue; the agent processes it with an answer
    const agent = await signInAgent(new TestClient(t.app), 'agent.cert@example.fr');
    const queue = textOf((await agent.get('/agents/vehicules?demarche=complementary')).body);
    expect(queue).toContain(file);
    expect(queue).toContain('Lucie Moreau');
    expect(textOf((await agent.get('/agents/vehicules?q=moreau')).body)).toContain(file);
    const view = textOf((await agent.get(`/agents/vehicules/${file}`)).body);
    expect(view).toContain('Immatriculation d’un véhicule neuf');
    expect(view).toContain('ne concerne pas un véhicule inscrit au registre');
    await agent.post(`/agents/vehicules/${file}/prendre`, {});
    const html = (await agent.get(`/agents/vehicules/${file}`)).body;
    for (const m of html.matchAll(/\/pieces\/(\d+)\/examen/g)) {
      await agent.get(`/agents/vehicules/${file}`);
      await agent.post(`/agents/vehicules/${file}/pieces/${m[1]}/examen`, { decision: 'accepted' });
    }
    await agent.get(`/agents/vehicules/${file}`);
    expect(textOf((await agent.post(`/agents/vehicules/${file}/decision/process`, { note: '' })).body)).toContain('Écrivez la réponse à l’usager');
    await agent.post(`/agents/vehicules/${file}/decision/process`, { note: 'Le véhicule est immatriculé GA-512-QT ; le certificat vous est envoyé.' });
    const done = textOf((await client.get(base)).body);
    expect(done).toContain('Demande traitée');
    expect(done).toContain('Le véhicule est immatriculé GA-512-QT');
    expect((await lastEmailTo(t.app, CERTIFIED)).subject).toContain('Votre demande est traitée');
  });

  it('for someone else: the mandate and the mandant’s ID are required; a diplomatic vehicle needs no piece; a correction needs a known plate', async () => {
    const other = await start(CERTIFIED, 'other');
    await other.client.post(`${other.base}/categorie`, { category: 'correction' });
    await other.client.post(`${other.base}/sous-categorie`, { subcategory: 'technical' });
    const unknown = await other.client.post(`${other.base}/objet`, { object: 'Puissance fiscale erronée.', plate: 'ZZ-999-ZZ' });
    expect(textOf(unknown.body)).toContain('Aucun véhicule ne porte ce numéro d’immatriculation');
    await other.client.post(`${other.base}/objet`, { object: 'Puissance fiscale erronée.', plate: 'ab-123-cd' });
    expect((await t.database.db.selectFrom('vehicle_procedures').select('vehicle_id').where('file_number', '=', other.file).executeTakeFirstOrThrow()).vehicle_id).not.toBeNull();
    await other.client.post(`${other.base}/titulaire`, HOLDER);
    const part3 = textOf((await other.client.get(other.base)).body);
    expect(part3).toContain('Mandat signé (cerfa n° 13757)');
    expect(part3).toContain('Justificatif d’identité du mandant');
    const missing = textOf((await other.client.post(`${other.base}/poursuivre`, {})).body);
    expect(missing).toContain('Joignez : mandat signé (cerfa n° 13757)');

    const diplomatic = await start(CERTIFIED, 'other');
    await diplomatic.client.post(`${diplomatic.base}/categorie`, { category: 'question' });
    await diplomatic.client.post(`${diplomatic.base}/sous-categorie`, { subcategory: 'free' });
    await diplomatic.client.post(`${diplomatic.base}/objet`, { object: 'Question sur un véhicule du corps diplomatique.', diplomatic: 'oui' });
    await diplomatic.client.post(`${diplomatic.base}/titulaire`, { kind: 'legal', company_name: 'Ambassade de Démonstration', siren: '130 000 004', line1: '1 avenue Foch', postcode: '75016', commune: 'Paris' });
    expect(textOf((await diplomatic.client.get(diplomatic.base)).body)).toContain('Véhicule diplomatique : aucune pièce n’est obligatoire');
    await diplomatic.client.post(`${diplomatic.base}/poursuivre`, {});
    expect(textOf((await diplomatic.client.get(diplomatic.base)).body)).toContain('Récapitulatif');
    // another user never sees it
    const stranger = await signInUser(t.app, 'demo.particulier@example.fr');
    expect((await stranger.get(diplomatic.base)).statusCode).toBe(404);
  });
  it('a sub-category with taxes (civil-status change) is paid by card after validation, then reaches the centre; a free one is never charged', async () => {
    const { client, base, file } = await start();
    await client.post(`${base}/categorie`, { category: 'personal_change' });
    await client.post(`${base}/sous-categorie`, { subcategory: 'civil_status' });
    await client.post(`${base}/objet`, { object: 'Nom d’usage après mariage.', plate: 'AB-123-CD' });
    await client.post(`${base}/titulaire`, HOLDER);
    await client.get(base);
    await client.postFiles(`${base}/pieces`, {}, [{ field: 'piece_civil_status_change', filename: 'acte.pdf', bytes: PDF, contentType: 'application/pdf' }]);
    await client.get(base);
    await client.post(`${base}/poursuivre`, {});
    const summary = textOf((await client.get(base)).body);
    expect(summary).toMatch(/Montant à payer 13,76\s€/);
    expect(summary).toContain('Y.4');
    await client.post(`${base}/confirmer`, { clu: 'oui' });
    const status = async () => (await t.database.db.selectFrom('vehicle_procedures').select('status').where('file_number', '=', file).executeTakeFirstOrThrow()).status;
    expect(await status()).toBe('awaiting_payment');
    // not in the centre's queue before it is paid
    const agent = await signInAgent(new TestClient(t.app), 'agent.cert@example.fr');
    expect(textOf((await agent.get('/agents/vehicules?demarche=complementary')).body)).not.toContain(file);
    // a double click on "Valider" changes nothing
    await client.get(base);
    await client.post(`${base}/confirmer`, { clu: 'oui' });
    expect(await status()).toBe('awaiting_payment');
    const page = await client.get(base);
    expect(textOf(page.body)).toMatch(/Montant à payer : 13,76\s€/);
    const key = /name="idempotency_key" value="([^"]+)"/.exec(page.body)![1]!;
    await client.follow(await client.post(`${base}/payer`, { idempotency_key: key }));
    await client.submit(/paiement-simule/, { card_number: '4242424242424242', expiry: '12/30', cvc: '123', action: 'valider' });
    await client.follow(await client.get('/paiement/retour'));
    expect(await status()).toBe('awaiting_review');
    expect((await t.database.db.selectFrom('payments').select('amount_cents').where('status', '=', 'success').execute()).map((p) => p.amount_cents)).toEqual([1376]);
    expect(pdfText((await client.get(`/vehicules/demandes/${file}/recapitulatif.pdf`)).rawPayload)).toContain('Montant payé');
    expect((await lastEmailTo(t.app, CERTIFIED)).subject).toContain('Votre paiement est enregistré : demande transmise au centre d’instruction');
    expect(textOf((await agent.get('/agents/vehicules?demarche=complementary')).body)).toContain(file);

    // a question is free: sent at once, and its payment address refuses to charge it
    const free = await start();
    await free.client.post(`${free.base}/categorie`, { category: 'question' });
    await free.client.post(`${free.base}/sous-categorie`, { subcategory: 'free' });
    await free.client.post(`${free.base}/objet`, { object: 'Une question.' });
    await free.client.post(`${free.base}/titulaire`, HOLDER);
    await free.client.post(`${free.base}/poursuivre`, {});
    expect(textOf((await free.client.get(free.base)).body)).not.toContain('Montant à payer');
    await free.client.post(`${free.base}/confirmer`, { clu: 'oui' });
    await free.client.get(free.base);
    await free.client.post(`${free.base}/payer`, { idempotency_key: 'abcdefghijklmnopqrstuv' });
    expect(await t.database.db.selectFrom('payments').select('id').execute()).toHaveLength(1);
    expect((await t.database.db.selectFrom('vehicle_procedures').select('status').where('file_number', '=', free.file).executeTakeFirstOrThrow()).status).toBe('awaiting_review');
  });
});
