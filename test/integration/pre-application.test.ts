import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemoData } from '../../src/demo/seed.ts';
import { hashPassword } from '../../src/domains/accounts/passwords.ts';
import { currentTerms } from '../../src/domains/site/terms.ts';
import { DEMO_PRE_APPLICATION_NUMBER } from '../../src/domains/identity-docs/demo.ts';
import { groupNumber } from '../../src/domains/identity-docs/model.ts';
import { PRE_APPLICATION_REMINDERS_JOB } from '../../src/domains/identity-docs/service.ts';
import { enqueue } from '../../src/platform/jobs/queue.ts';
import { createTestApp, TestClient, textOf, type TestApp } from '../helpers/app.ts';
import { lastEmailTo } from '../helpers/outbox.ts';
import { pdfText } from '../helpers/pdf.ts';
import { signInUser } from '../helpers/users.ts';
import { decodeQrFromPdf } from './pre-application-qr.ts';

const USER = 'demo.particulier@example.fr';
const TOWN_HALL = 'demo.mairie@example.fr';
const OTHER_TOWN_HALL = 'mairie.autre@example.fr';

export const ADULT = {
  identity: { sex: 'F', birthName: 'Martin', usageName: '', givenNames: 'Camille, Marie', birthDate: '04/05/1990', birthPlace: 'Lyon', birthCountry: 'France' },
  parents: { parent1Name: 'Martin', parent1GivenNames: 'Paul', parent2Name: 'Durand', parent2GivenNames: 'Claire' },
  address: { line1: '12 rue de la Roquette', line2: '', postcode: '75011', commune: 'Paris', heightCm: '168', eyes: 'verts' },
};

describe('identity card and passport pre-applications', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.database.reset();
    await seedDemoData(t.database.db, t.app.config);
    await t.database.db
      .insertInto('accounts')
      .values({ profile: 'town_hall', email: OTHER_TOWN_HALL, organisation_name: 'Mairie d’Autreville', commune: 'Autreville (69)', scanner_count: 1, password_hash: await hashPassword(DEMO_PASSWORD), status: 'active', activated_at: new Date(), terms_version: currentTerms().version, terms_sha256: currentTerms().sha256, terms_accepted_at: new Date() })
      .execute();
  });

  const db = () => t.database.db;

  async function buyStamp(amountCents: number): Promise<string> {
    const account = await db().selectFrom('accounts').select('id').where('email', '=', USER).executeTakeFirstOrThrow();
    return (await db().transaction().execute((trx) => t.app.stamps.buy(trx, { amountCents, accountId: account.id }))).number;
  }

  /** Starts a pre-application and fills every step up to the summary; returns its base path. */
  async function draft(client: TestClient, document: 'passport' | 'identity_card', reason = 'first', overrides: Partial<typeof ADULT> = {}): Promise<string> {
    await client.get('/pre-demandes');
    const started = await client.follow(await client.submit(/\/pre-demandes\/nouvelle$/));
    const base = started.url.replace(/\/titre$/, '');
    await client.post(`${base}/titre`, { document, forWhom: 'self', reason });
    await client.get(`${base}/etat-civil`);
    await client.post(`${base}/etat-civil`, { ...ADULT.identity, ...overrides.identity });
    await client.get(`${base}/filiation`);
    await client.post(`${base}/filiation`, { ...ADULT.parents, ...overrides.parents });
    await client.get(`${base}/adresse`);
    await client.post(`${base}/adresse`, { ...ADULT.address, ...overrides.address });
    await client.get(`${base}/recapitulatif`);
    return base;
  }

  async function submitted(document: 'passport' | 'identity_card' = 'passport'): Promise<{ client: TestClient; base: string; number: string }> {
    const client = await signInUser(t.app, USER);
    const base = await draft(client, document);
    const fields: Record<string, string> = { certify: 'oui' };
    if (document === 'passport') fields.stamp = await buyStamp(8600);
    await client.post(`${base}/valider`, fields);
    const row = await db().selectFrom('pre_applications').select('number').where('id', '=', Number(base.split('/').pop())).executeTakeFirstOrThrow();
    return { client, base, number: row.number! };
  }

  it('a passport pre-application: steps with a stepper and the fee, the stamp consumed, a number and a QR code on the PDF', async () => {
    const client = await signInUser(t.app, USER);
    await client.get('/pre-demandes');
    // the demo data's pre-application is listed
    expect(textOf(client.lastHtml)).toContain(`Carte nationale d’identité Camille MARTIN ${groupNumber(DEMO_PRE_APPLICATION_NUMBER)} Enregistrée`);
    // a double click on "Faire une pré-demande" starts one draft
    const key = /name="idempotency_key" value="([^"]+)"/.exec(client.lastHtml)![1]!;
    const first = await client.post('/pre-demandes/nouvelle', { idempotency_key: key });
    const second = await client.post('/pre-demandes/nouvelle', { idempotency_key: key });
    expect(second.headers.location).toBe(first.headers.location);
    const base = String(first.headers.location);
    const step1 = await client.follow(first);
    expect(step1.url).toBe(`${base}/titre`);
    expect(textOf(step1.body)).toContain('Titre demandé Étape 1 sur 5');

    await client.post(`${base}/titre`, { document: 'passport', forWhom: 'self', reason: 'renewal' });
    const identity = textOf((await client.get(`${base}/etat-civil`)).body);
    expect(identity).toContain('État civil Étape 2 sur 5');
    expect(identity).toContain('Le montant exact s’affiche dès que la date de naissance est connue');
    expect(client.lastHtml).toContain('value="Camille"'); // prefilled from the account, "pour moi"
    await client.post(`${base}/etat-civil`, ADULT.identity);
    const parents = textOf((await client.get(`${base}/filiation`)).body);
    expect(parents).toContain('Timbre fiscal à fournir : 86,00 € (Passeport d’une personne majeure)');
    await client.post(`${base}/filiation`, ADULT.parents);
    await client.get(`${base}/adresse`);
    await client.post(`${base}/adresse`, ADULT.address);
    const summary = textOf((await client.get(`${base}/recapitulatif`)).body);
    expect(summary).toContain('Récapitulatif et timbre fiscal Étape 5 sur 5');
    expect(summary).toContain('Nom de naissance MARTIN');
    expect(summary).toContain('Naissance 04/05/1990, Lyon (France)');
    expect(summary).toContain('Timbre fiscal de 86,00 €');

    // a 17 € stamp does not pay a 86 € passport; an unknown one is refused; values are kept
    const small = await buyStamp(1700);
    const low = await client.post(`${base}/valider`, { stamp: small, certify: 'oui' });
    expect(low.statusCode).toBe(400);
    expect(textOf(low.body)).toContain('Le timbre vaut 17,00 € : il faut un timbre de 86,00 €');
    expect(low.body).toContain(`value="${small}"`);
    expect(low.body).toContain('href="#champ-stamp"');
    const missing = await client.post(`${base}/valider`, { stamp: '' });
    expect(textOf(missing.body)).toContain('Le formulaire contient 2 erreurs');
    expect(textOf(missing.body)).toContain('Cochez la case pour certifier l’exactitude des informations');

    const stamp = await buyStamp(8600);
    const done = await client.follow(await client.post(`${base}/valider`, { stamp: `${stamp.slice(0, 4)} ${stamp.slice(4, 8)} ${stamp.slice(8, 12)} ${stamp.slice(12)}`, certify: 'oui' }));
    const row = await db().selectFrom('pre_applications').selectAll().where('id', '=', Number(base.split('/').pop())).executeTakeFirstOrThrow();
    expect(row.status).toBe('submitted');
    expect(row.fee_cents).toBe(8600);
    expect(row.stamp_last4).toBe(stamp.slice(-4));
    const page = textOf(done.body);
    expect(page).toContain('Pré-demande enregistrée');
    expect(page).toContain(`Numéro de pré-demande ${groupNumber(row.number!)}`);
    expect(page).toContain(`86,00 €, timbre se terminant par ${stamp.slice(-4)}`);
    expect(done.body).toMatch(/<img src="data:image\/png;base64,[^"]+"[^>]*alt="QR code de la pré-demande/);
    // the stamp is used: it cannot serve again
    expect(await t.app.stamps.check(stamp, 8600)).toEqual({ ok: false, error: 'Ce timbre a déjà été utilisé pour une autre démarche : achetez un nouveau timbre' });
    // a second click on "Valider" changes nothing
    const again = await client.post(`${base}/valider`, { stamp, certify: 'oui' });
    expect(again.headers.location).toBe(base);

    const pdf = await client.get(`${base}/recapitulatif.pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = pdfText(pdf.rawPayload);
    expect(text).toContain(groupNumber(row.number!));
    expect(text).toContain('Nom de naissance : MARTIN');
    expect(decodeQrFromPdf(pdf.rawPayload)).toBe(`${t.app.config.publicUrl}/mairie/pre-demandes/${row.number}`);

    const mail = await lastEmailTo(t.app, USER);
    expect(mail.subject).toBe('Votre pré-demande de passeport est enregistrée');
    expect(mail.text).toContain(groupNumber(row.number!));
    expect(mail.link).toBe(base);

    const list = textOf((await client.get('/pre-demandes')).body);
    expect(list).toContain(`Passeport Camille, Marie MARTIN ${groupNumber(row.number!)} Enregistrée, à présenter en mairie avant le`);
  });

  it('rate-limits unknown stamp numbers typed on the last step (per session and IP)', async () => {
    const client = await signInUser(t.app, USER);
    const base = await draft(client, 'passport');
    const unknown = '4000 0000 0000 0002'; // passes the check digit, sold to nobody
    for (let i = 0; i < 5; i++) expect(textOf((await client.post(`${base}/valider`, { stamp: unknown, certify: 'oui' })).body)).toContain('Ce numéro ne correspond à aucun timbre fiscal électronique');
    await client.post(`${base}/valider`, { stamp: unknown, certify: 'oui' });
    const good = await buyStamp(8600);
    const locked = await client.post(`${base}/valider`, { stamp: good, certify: 'oui' });
    expect(textOf(locked.body)).toMatch(/Trop de numéros de timbre inconnus ont été saisis : réessayez dans \d+ minutes?/);
    expect((await db().selectFrom('pre_applications').select('status').where('id', '=', Number(base.split('/').pop())).executeTakeFirstOrThrow()).status).toBe('draft');
    expect(await t.app.stamps.check(good, 8600)).toEqual({ ok: true }); // not consumed
  });

  it('an identity card for a first request is free: no stamp asked', async () => {
    const client = await signInUser(t.app, USER);
    const base = await draft(client, 'identity_card');
    const summary = textOf(client.lastHtml);
    expect(summary).toContain('Gratuit : Carte d’identité : gratuite pour une première demande ou un renouvellement');
    expect(summary).not.toContain('Numéro du timbre fiscal');
    await client.post(`${base}/valider`, { certify: 'oui' });
    const row = await db().selectFrom('pre_applications').select(['status', 'fee_cents', 'stamp_id']).where('id', '=', Number(base.split('/').pop())).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'submitted', fee_cents: 0, stamp_id: null });
  });

  it('prices a lost ID card 25 €, halved in Guyane, and a passport for a child of 10 at 17 €', async () => {
    const client = await signInUser(t.app, USER);
    await draft(client, 'identity_card', 'loss', { address: { ...ADULT.address, postcode: '97300', commune: 'Cayenne' } });
    expect(textOf(client.lastHtml)).toContain('Timbre fiscal à fournir : 12,50 € (Carte d’identité après une perte (tarif Guyane))');
    const year = new Date().getUTCFullYear() - 10;
    await draft(client, 'passport', 'first', { identity: { ...ADULT.identity, birthDate: `01/01/${year}` } });
    expect(textOf(client.lastHtml)).toContain('Timbre fiscal à fournir : 17,00 € (Passeport d’un mineur de moins de 15 ans)');
  });

  it('validates each step with French messages next to the fields, keeping what was typed', async () => {
    const client = await signInUser(t.app, USER);
    await client.get('/pre-demandes');
    const started = await client.follow(await client.submit(/\/pre-demandes\/nouvelle$/));
    const base = started.url.replace(/\/titre$/, '');
    const empty = await client.post(`${base}/titre`, {});
    expect(empty.statusCode).toBe(400);
    const e1 = textOf(empty.body);
    expect(e1).toContain('Le formulaire contient 3 erreurs');
    expect(e1).toContain('Choisissez le titre demandé');
    expect(e1).toContain('Indiquez pour qui est la demande');
    // a later step cannot be opened before the earlier ones
    expect((await client.get(`${base}/adresse`)).headers.location).toBe(base);
    await client.get(`${base}/titre`);
    await client.post(`${base}/titre`, { document: 'passport', forWhom: 'other', reason: 'first' });
    await client.get(`${base}/etat-civil`);
    const bad = await client.post(`${base}/etat-civil`, { ...ADULT.identity, birthName: 'Martin3', birthDate: '31/02/2010' });
    const e2 = textOf(bad.body);
    expect(e2).toContain('Le nom de naissance : lettres, espaces, apostrophes et traits d’union seulement');
    expect(e2).toContain('La date de naissance doit être une date réelle, par exemple 27/03/2007');
    expect(bad.body).toContain('value="31/02/2010"');
    expect(bad.body).toContain('value="Lyon"');
    expect(bad.body).toContain('href="#champ-birthDate"');
    await client.post(`${base}/etat-civil`, ADULT.identity);
    await client.get(`${base}/filiation`);
    const half = await client.post(`${base}/filiation`, { ...ADULT.parents, parent2GivenNames: '' });
    expect(textOf(half.body)).toContain('Saisissez le nom et les prénoms du second parent, ou laissez les deux champs vides');
    await client.post(`${base}/filiation`, ADULT.parents);
    await client.get(`${base}/adresse`);
    const addr = await client.post(`${base}/adresse`, { ...ADULT.address, postcode: '7501', heightCm: '1m68', eyes: '' });
    const e3 = textOf(addr.body);
    expect(e3).toContain('Le code postal comporte 5 chiffres, par exemple 75011');
    expect(e3).toContain('La taille s’écrit en centimètres, par exemple 172');
    expect(e3).toContain('Choisissez la couleur des yeux');
    expect(addr.body).toContain('value="12 rue de la Roquette"');
  });

  it('another user’s pre-application is not found, and its PDF neither', async () => {
    const { base } = await submitted('identity_card');
    const stranger = await signInUser(t.app, 'demo.garage@example.fr');
    expect((await stranger.get(base)).statusCode).toBe(404);
    expect((await stranger.get(`${base}/recapitulatif.pdf`)).statusCode).toBe(404);
    expect((await stranger.get(`${base}/titre`)).statusCode).toBe(404);
  });

  it('the town hall retrieves it by the QR code’s URL or the typed number, records the application, and the user sees it', async () => {
    const { client, base, number } = await submitted();
    const hall = await signInUser(t.app, TOWN_HALL);
    // typed number, with spaces and in lower case: sent to the same page as the QR code's URL
    const search = await hall.get(`/mairie/pre-demandes?numero=${encodeURIComponent(groupNumber(number).toLowerCase())}`);
    expect(search.headers.location).toBe(`/mairie/pre-demandes/${number}`);
    const page = await hall.get(`/mairie/pre-demandes/${number}`);
    const text = textOf(page.body);
    expect(text).toContain(`Pré-demande ${groupNumber(number)} — Passeport`);
    expect(text).toContain('Nom de naissance MARTIN');
    expect(text).toContain('Premier parent MARTIN Paul');
    expect(text).toContain('Taille 168 cm');
    expect(text).toContain('Enregistrer le dépôt du dossier');

    const bad = await hall.post(`/mairie/pre-demandes/${number}/depot`, { applicationNumber: '12' });
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('Le numéro de demande comporte de 5 à 20 caractères : lettres, chiffres et traits d’union');
    const taken = await hall.follow(await hall.post(`/mairie/pre-demandes/${number}/depot`, { applicationNumber: 'dr-75-2026-000123' }));
    expect(textOf(taken.body)).toContain('Dépôt enregistré : demande n° DR-75-2026-000123');
    expect(textOf(taken.body)).toContain('Dossier enregistré par votre mairie');
    // a double click changes nothing
    const twice = await hall.post(`/mairie/pre-demandes/${number}/depot`, { applicationNumber: 'AUTRE-0001' });
    expect(twice.headers.location).toBe(`/mairie/pre-demandes/${number}`);
    expect((await db().selectFrom('pre_applications').select('application_number').where('number', '=', number).executeTakeFirstOrThrow()).application_number).toBe('DR-75-2026-000123');

    const mine = textOf((await client.get(base)).body);
    expect(mine).toContain('Demande déposée en mairie');
    expect(mine).toContain('La Mairie de Villedémo — Villedémo (75) a enregistré votre demande');
    expect(mine).toContain('DR-75-2026-000123');
    expect(textOf((await client.get('/pre-demandes')).body)).toContain('Demande déposée à la Mairie de Villedémo — Villedémo (75) le');
    const mail = await lastEmailTo(t.app, USER);
    expect(mail.subject).toBe('Votre demande de passeport est déposée en mairie');

    const audits = await db().selectFrom('audit_events').select(['action', 'actor_kind', 'details']).where('action', 'like', 'pre_application.%').where('actor_kind', '!=', 'system').orderBy('id').execute();
    expect(audits.map((a) => a.action)).toEqual(['pre_application.started', 'pre_application.submitted', 'pre_application.lookup', 'pre_application.lookup', 'pre_application.taken', 'pre_application.lookup', 'pre_application.lookup']);
    expect(audits.filter((a) => a.action === 'pre_application.lookup').map((a) => (a.details as { result: string }).result)).toEqual(['open', 'open', 'taken_here', 'taken_here']);
  });

  it('a number is taken by one town hall only: the other is told the state, without the data', async () => {
    const { number } = await submitted();
    const hall = await signInUser(t.app, TOWN_HALL);
    const other = await signInUser(t.app, OTHER_TOWN_HALL);
    await hall.get(`/mairie/pre-demandes/${number}`);
    await other.get(`/mairie/pre-demandes/${number}`);
    const [a, b] = await Promise.all([
      hall.post(`/mairie/pre-demandes/${number}/depot`, { applicationNumber: 'VILLEDEMO-1' }),
      other.post(`/mairie/pre-demandes/${number}/depot`, { applicationNumber: 'AUTREVILLE-1' }),
    ]);
    const winner = a.statusCode === 303 ? 'VILLEDEMO-1' : 'AUTREVILLE-1';
    expect([a.statusCode, b.statusCode].sort()).toEqual([303, 409]);
    const loser = a.statusCode === 409 ? a : b;
    const text = textOf(loser.body);
    expect(text).toContain(`Pré-demande ${groupNumber(number)} déjà utilisée`);
    expect(text).toContain('Cette pré-demande a déjà été déposée dans une autre mairie le');
    expect(text).not.toContain('MARTIN');
    expect(text).not.toContain(winner);
    const row = await db().selectFrom('pre_applications').select(['status', 'application_number']).where('number', '=', number).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'taken', application_number: winner });
    // and looking it up later from the losing town hall shows no data either
    const loserClient = a.statusCode === 409 ? hall : other;
    const later = await loserClient.get(`/mairie/pre-demandes/${number}`);
    expect(later.statusCode).toBe(409);
    expect(textOf(later.body)).not.toContain('MARTIN');
  });

  it('refuses a malformed number, an unknown one, and an expired pre-application, in French', async () => {
    const { number } = await submitted('identity_card');
    const hall = await signInUser(t.app, TOWN_HALL);
    const malformed = await hall.get('/mairie/pre-demandes/ABC');
    expect(malformed.statusCode).toBe(400);
    expect(textOf(malformed.body)).toContain('Le numéro de pré-demande est mal saisi : il comporte 10 caractères');
    expect(malformed.body).toContain('href="#champ-numero"');
    const empty = await hall.get('/mairie/pre-demandes?numero=');
    expect(textOf(empty.body)).toContain('Saisissez le numéro de pré-demande');
    // same length and alphabet, wrong check character: caught as a typo; a valid but unused number: unknown
    const typo = `${number.slice(0, 9)}${number[9] === 'A' ? 'B' : 'A'}`;
    expect(textOf((await hall.get(`/mairie/pre-demandes/${typo}`)).body)).toContain('Le numéro de pré-demande est mal saisi');
    await db().updateTable('pre_applications').set({ number: 'AAAAAAAAAA' }).where('number', '=', number).execute(); // frees the real number
    const unknown = await hall.get(`/mairie/pre-demandes/${number}`);
    expect(unknown.statusCode).toBe(404);
    expect(textOf(unknown.body)).toContain(`Aucune pré-demande ne porte le numéro ${groupNumber(number)} : vérifiez le numéro avec l’usager`);
    await db().updateTable('pre_applications').set({ number, expires_at: sql<Date>`now() - interval '1 day'` }).where('number', '=', 'AAAAAAAAAA').execute();
    const expired = await hall.get(`/mairie/pre-demandes/${number}`);
    expect(expired.statusCode).toBe(410);
    expect(textOf(expired.body)).toContain('Cette pré-demande n’est plus valable depuis le');
    expect(textOf(expired.body)).not.toContain('MARTIN');
    const take = await hall.post(`/mairie/pre-demandes/${number}/depot`, { applicationNumber: 'DR-75-1' });
    expect(take.statusCode).toBe(410);
    expect((await db().selectFrom('pre_applications').select('status').where('number', '=', number).executeTakeFirstOrThrow()).status).toBe('submitted');
    const results = (await db().selectFrom('audit_events').select('details').where('action', '=', 'pre_application.lookup').orderBy('id').execute()).map((a) => (a.details as { result: string }).result);
    expect(results).toEqual(['malformed', 'malformed', 'unknown', 'expired', 'expired']);
  });

  it('reminds the user once, 14 days before the pre-application expires', async () => {
    const { number } = await submitted('identity_card');
    await db().updateTable('pre_applications').set({ expires_at: sql<Date>`now() + interval '10 days'` }).where('number', '=', number).execute();
    const reminders = async () =>
      (await db().selectFrom('outgoing_messages').select(['subject', 'body_text']).where('recipient', '=', USER).where('subject', 'like', '%expire bientôt').execute());
    for (const day of ['2026-11-25', '2026-11-26']) {
      await enqueue(db(), PRE_APPLICATION_REMINDERS_JOB, { day }, { dedupeKey: `pre-application-reminders-${day}` });
      await t.app.worker.drain();
    }
    const sent = await reminders();
    expect(sent).toHaveLength(1); // the demo pre-application (6 months ahead) is not reminded
    expect(sent[0]!.subject).toBe('Votre pré-demande de carte nationale d’identité expire bientôt');
    expect(sent[0]!.body_text).toContain(`n° ${groupNumber(number)} n’est valable que jusqu’au`);
  });

  it('the demo town hall retrieves the demo pre-application; a town hall is sent to its retrieval page', async () => {
    expect(DEMO_PRE_APPLICATION_NUMBER).toBe('DEMNSTRA2V'); // as documented in the README
    const hall = await signInUser(t.app, TOWN_HALL);
    const page = textOf((await hall.get(`/mairie/pre-demandes/${DEMO_PRE_APPLICATION_NUMBER}`)).body);
    expect(page).toContain(`Pré-demande ${groupNumber(DEMO_PRE_APPLICATION_NUMBER)} — Carte nationale d’identité`);
    expect(page).toContain('Prénoms Camille');
    expect((await hall.get('/pre-demandes')).headers.location).toBe('/mairie/pre-demandes');
    expect(textOf((await hall.get('/mairie/pre-demandes')).body)).toContain('Scannez le QR code du récapitulatif');
  });

  it('rate-limits unknown numbers per town hall, and only town halls reach the retrieval pages', async () => {
    const { number } = await submitted('identity_card');
    const user = await signInUser(t.app, USER);
    const forbidden = await user.get(`/mairie/pre-demandes/${number}`);
    expect(forbidden.statusCode).toBe(403);
    expect(textOf(forbidden.body)).toContain('Accès refusé');
    expect(textOf(forbidden.body)).not.toContain('MARTIN');
    const hall = await signInUser(t.app, TOWN_HALL);
    await db().updateTable('pre_applications').set({ number: 'AAAAAAAAAA' }).where('number', '=', number).execute();
    for (let i = 0; i < 11; i++) expect((await hall.get(`/mairie/pre-demandes/${number}`)).statusCode).toBe(404);
    await db().updateTable('pre_applications').set({ number }).where('number', '=', 'AAAAAAAAAA').execute();
    const locked = await hall.get(`/mairie/pre-demandes/${number}`);
    expect(locked.statusCode).toBe(429);
    expect(textOf(locked.body)).toMatch(/Trop de numéros inconnus ont été saisis : réessayez dans \d+ minutes?/);
  });
});
