import { describe, expect, it } from 'vitest';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { PAGE_SIZE } from '../../src/domains/my-requests/model.ts';
import { type TestApp, textOf, useSeededApp } from '../helpers/app.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

const CAMILLE = 'demo.particulier@example.fr';
const COMPANY = 'demo.entreprise@example.fr';

describe('“Mes démarches”: every request of the account, by tab', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  const db = () => t.database.db;
  const accountId = async (email: string) => Number((await db().selectFrom('accounts').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id);
  const vehicleId = async (plate: string) => Number((await db().selectFrom('vehicles').select('id').where('plate', '=', plate).executeTakeFirstOrThrow()).id);
  let seq = 0;

  async function vehicleProcedure(account: number, status: string, opts: { plate?: string; submitted?: boolean; kind?: string; at?: Date } = {}) {
    const file = `V26-TEST${String(++seq).padStart(4, '0')}`;
    const row = await db()
      .insertInto('vehicle_procedures')
      .values({
        file_number: file,
        account_id: account,
        kind: (opts.kind ?? 'duplicate') as 'duplicate',
        initiator: 'self',
        vehicle_id: await vehicleId(opts.plate ?? 'AB-123-CD'),
        status: status as 'in_progress',
        data: JSON.stringify({}),
        updated_at: opts.at ?? new Date(),
        submitted_at: opts.submitted ? new Date() : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { file, id: Number(row.id) };
  }
  async function licenceRequest(account: number, status: string) {
    const file = `P26-TEST${String(++seq).padStart(4, '0')}`;
    await db()
      .insertInto('licence_requests')
      .values({ file_number: file, account_id: account, reason: 'renewal' as never, for_other: false, status: status as 'draft', data: JSON.stringify({}), idempotency_key: `k${seq}` })
      .execute();
    return file;
  }
  async function preApplication(account: number, status: 'draft' | 'submitted' | 'taken', expiresAt: Date | null = null) {
    const number = status === 'draft' ? null : `TEST${String(++seq).padStart(8, '0')}`;
    const row = await db()
      .insertInto('pre_applications')
      .values({ account_id: account, number, document: 'passport', status, data: JSON.stringify({}), idempotency_key: `p${++seq}`, expires_at: expiresAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { number, id: Number(row.id) };
  }
  async function contactRequest(account: number, status: 'open' | 'answered', subject: string) {
    const reference = `C26TEST${String(++seq).padStart(3, '0')}`;
    await db()
      .insertInto('contact_requests')
      .values({
        reference,
        account_id: account,
        topic: 'other',
        subject,
        message: 'Bonjour',
        status,
        received_at: new Date(),
        due_on: '2026-12-21',
        idempotency_key: `c${seq}`,
        ...(status === 'answered' ? { answer: 'Voici notre réponse.', answered_at: new Date() } : {}),
      })
      .execute();
    return reference;
  }
  /** The table rows of a page, as text: one string per request. */
  const rowsOf = (html: string) => [...html.matchAll(/<tr>(.*?)<\/tr>/gs)].slice(1).map((m) => textOf(m[1]!));

  it('puts each kind of request in its tab, with the action expected from the user as its status', async () => {
    const me = await accountId(CAMILLE);
    await db().deleteFrom('licence_requests').execute();
    await db().deleteFrom('pre_applications').execute();
    const draft = await vehicleProcedure(me, 'in_progress');
    const code = await vehicleProcedure(me, 'awaiting_code');
    const payment = await vehicleProcedure(me, 'awaiting_payment');
    const reviewed = await vehicleProcedure(me, 'in_progress', { submitted: true });
    const complement = await vehicleProcedure(me, 'to_complete');
    const review = await vehicleProcedure(me, 'awaiting_review');
    const done = await vehicleProcedure(me, 'completed');
    const licenceDraft = await licenceRequest(me, 'draft');
    const licenceSent = await licenceRequest(me, 'instruction');
    const licenceToComplete = await licenceRequest(me, 'to_complete');
    const licenceValidated = await licenceRequest(me, 'validated');
    const preDraft = await preApplication(me, 'draft');
    const preValid = await preApplication(me, 'submitted', new Date('2027-05-01T00:00:00Z'));
    const preExpired = await preApplication(me, 'submitted', new Date('2026-11-01T00:00:00Z'));
    const contactOpen = await contactRequest(me, 'open', 'Question sur ma carte grise');
    const contactAnswered = await contactRequest(me, 'answered', 'Question sur mon permis');

    const client = await signInUser(t.app, CAMILLE);
    const tab = async (name: string) => rowsOf((await client.get(`/mes-demarches?onglet=${name}`)).body);

    const drafts = await tab('brouillons');
    expect(drafts).toHaveLength(4);
    expect(drafts.find((r) => r.includes(draft.file))).toContain('Démarche à terminer');
    expect(drafts.find((r) => r.includes(code.file))).toContain('Code confidentiel à saisir');
    expect(drafts.find((r) => r.includes(licenceDraft))).toContain('Demande à terminer');
    expect(drafts.find((r) => r.includes('Pré-demande'))).toContain('Pré-demande à terminer');

    const toComplete = await tab('a-completer');
    expect(toComplete).toHaveLength(4);
    expect(toComplete.find((r) => r.includes(payment.file))).toContain('Paiement à effectuer');
    expect(toComplete.find((r) => r.includes(reviewed.file))).toContain('Pièces validées : demande à finaliser et payer');
    expect(toComplete.find((r) => r.includes(complement.file))).toContain('Complément à fournir');
    expect(toComplete.find((r) => r.includes(licenceToComplete))).toContain('Demande à compléter');

    const ongoing = await tab('en-cours');
    expect(ongoing).toHaveLength(4);
    expect(ongoing.find((r) => r.includes(review.file))).toContain('En cours d’examen par le centre d’instruction');
    expect(ongoing.find((r) => r.includes(licenceSent))).toContain('En cours d’instruction');
    expect(ongoing.find((r) => r.includes(preValid.number!))).toContain('À présenter en mairie');
    expect(ongoing.find((r) => r.includes('Question sur ma carte grise'))).toContain('En attente de réponse de l’assistance');

    const finished = await tab('terminees');
    expect(finished).toHaveLength(4);
    expect(finished.find((r) => r.includes(done.file))).toContain('Terminée');
    expect(finished.find((r) => r.includes(licenceValidated))).toContain('Validée');
    expect(finished.find((r) => r.includes(preExpired.number!))).toContain('Expirée');
    expect(finished.find((r) => r.includes('Question sur mon permis'))).toContain('Réponse reçue');

    // opened without a tab, the page shows first what waits for the user; each row links to its request's page
    const home = await client.get('/mes-demarches');
    expect(textOf(home.body)).toContain('Brouillons (4)');
    expect(textOf(home.body)).toContain('À compléter (4)');
    expect(home.body).toMatch(/<a class="fr-tabs__tab" href="\/mes-demarches\?onglet=a-completer" aria-current="page">/);
    expect(home.body).toContain(`href="/vehicules/demandes/${payment.file}"`);
    expect(home.body).toContain(`href="/permis/demandes/${licenceToComplete}"`);
    const all = (await tab('en-cours')).join(' ') + (await tab('terminees')).join(' ');
    expect(all).toContain(contactOpen.slice(0, 4));
    expect((await client.get('/mes-demarches?onglet=terminees')).body).toContain(`href="/contact/demandes/${contactAnswered}"`);
    expect((await client.get('/mes-demarches?onglet=brouillons')).body).toContain(`href="/pre-demandes/${preDraft.id}"`);
  });

  it('lists a vehicle procedure started in the portal under “Brouillons” until it is sent', async () => {
    const client = await signInUser(t.app, CAMILLE);
    const page = await client.follow(await postNewProcedure(client, { kind: 'address_change', initiator: 'self', plate: 'AB-123-CD' }));
    const file = /\/vehicules\/demandes\/([A-Z0-9-]+)/.exec(page.url)![1]!;
    expect((await client.get('/mes-demarches?onglet=brouillons')).body).toContain(file);
    await client.post(`/vehicules/demandes/${file}/code`, { code: DEMO_VEHICLE_CODES['AB-123-CD'] });
    const drafts = rowsOf((await client.get('/mes-demarches?onglet=brouillons')).body);
    expect(drafts.find((r) => r.includes(file))).toContain('Démarche à terminer');
  });

  it('a vehicle draft past its code links straight to its first unfinished step, where the values typed are (issue 16)', async () => {
    const client = await signInUser(t.app, CAMILLE);
    const page = await client.follow(await postNewProcedure(client, { kind: 'address_change', initiator: 'self', plate: 'AB-123-CD' }));
    const file = /\/vehicules\/demandes\/([A-Z0-9-]+)/.exec(page.url)![1]!;
    const resume = `/vehicules/demandes/${file}/adresse`;
    expect((await client.get('/mes-demarches?onglet=brouillons')).body, 'no step before the code').not.toContain(`href="${resume}"`);
    await client.post(`/vehicules/demandes/${file}/code`, { code: DEMO_VEHICLE_CODES['AB-123-CD'] });
    await client.get(resume);
    await client.post(`${resume}/nouvelle-adresse`, { line1: '8, rue Mercière', line2: '', postcode: '69002', commune: 'Marseille' }); // refused: kept as a draft
    const row = [...(await client.get('/mes-demarches?onglet=brouillons')).body.matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) => m[1]!).find((r) => r.includes(file))!;
    expect(row).toMatch(new RegExp(`<a[^>]*href="${resume}"[^>]*>\\s*Reprendre la démarche`));
    const step = await client.get(resume);
    expect(step.body).toContain('value="8, rue Mercière"');
    expect(step.body).toContain('value="Marseille"');
  });

  it('finds a request by file number or plate, typed loosely, and says when nothing matches', async () => {
    const me = await accountId(CAMILLE);
    const a = await vehicleProcedure(me, 'awaiting_review', { plate: '1234 AB 75' });
    const client = await signInUser(t.app, CAMILLE);
    const byFile = rowsOf((await client.get(`/mes-demarches?q=${encodeURIComponent(a.file.toLowerCase())}`)).body);
    expect(byFile).toHaveLength(1);
    expect(byFile[0]).toContain(a.file);
    const byPlate = rowsOf((await client.get(`/mes-demarches?q=${encodeURIComponent('1234ab-75')}`)).body);
    expect(byPlate.some((r) => r.includes(a.file))).toBe(true);
    const none = await client.get('/mes-demarches?q=ZZ-999-ZZ');
    expect(textOf(none.body)).toContain('Aucune démarche trouvée');
    const bad = await client.get(`/mes-demarches?q=${encodeURIComponent('<script>')}`);
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('Saisissez un numéro de dossier ou une immatriculation');
    expect(bad.body).toMatch(/name="q" type="search" value="&lt;script(&gt;|>)"/); // the value typed is kept, escaped
  });

  it('never shows one account’s requests to another: list, counts, search, cursor (attack)', async () => {
    const camille = await accountId(CAMILLE);
    const company = await accountId(COMPANY);
    const secret = await vehicleProcedure(camille, 'awaiting_payment', { plate: 'VW-654-XY' });
    const secretLicence = await licenceRequest(camille, 'to_complete');
    const secretContact = await contactRequest(camille, 'open', 'Sujet confidentiel de Camille');
    const mine = await vehicleProcedure(company, 'awaiting_payment', { plate: 'GH-456-JK' });

    const attacker = await signInUser(t.app, COMPANY);
    for (const tab of ['brouillons', 'en-cours', 'a-completer', 'terminees']) {
      const body = (await attacker.get(`/mes-demarches?onglet=${tab}`)).body;
      expect(body).not.toContain(secret.file);
      expect(body).not.toContain(secretLicence);
      expect(body).not.toContain('Sujet confidentiel de Camille');
    }
    expect(textOf((await attacker.get('/mes-demarches?onglet=a-completer')).body)).toContain('À compléter (1)');
    for (const q of [secret.file, 'VW-654-XY', secretLicence, secretContact]) {
      const body = (await attacker.get(`/mes-demarches?q=${encodeURIComponent(q)}`)).body;
      expect(textOf(body)).toContain('Aucune démarche trouvée');
      expect(rowsOf(body)).toEqual([]); // the page repeats what was typed, and lists nothing
    }
    // a cursor forged to start above Camille's request still reads only the attacker's own rows
    const forged = Buffer.from(JSON.stringify(['2099-01-01 00:00:00+00', 'vehicle', 2 ** 40])).toString('base64url');
    const page = (await attacker.get(`/mes-demarches?onglet=a-completer&apres=${forged}`)).body;
    expect(page).toContain(mine.file);
    expect(page).not.toContain(secret.file);
    // a broken cursor is ignored: the first page
    expect((await attacker.get('/mes-demarches?onglet=a-completer&apres=%7B%7D')).statusCode).toBe(200);
  });

  it('pages a long list by keyset: every request once, in order, across pages', async () => {
    const company = await accountId(COMPANY);
    const base = Date.parse('2026-11-30T12:00:00Z');
    const files: string[] = [];
    // several requests at the very same instant, to check the ties
    for (let i = 0; i < PAGE_SIZE * 2 + 5; i++) files.push((await vehicleProcedure(company, 'completed', { plate: 'GH-456-JK', at: new Date(base - Math.floor(i / 3) * 60_000) })).file);
    const client = await signInUser(t.app, COMPANY);
    const seen: string[] = [];
    let url: string | null = '/mes-demarches?onglet=terminees';
    let pages = 0;
    while (url) {
      const body: string = (await client.get(url)).body;
      seen.push(...rowsOf(body).map((r) => /V26-TEST\d{4}/.exec(r)?.[0] ?? r));
      const next: RegExpExecArray | null = /href="(\/mes-demarches\?onglet=terminees&amp;apres=[^"]+)" *>\s*Page suivante/.exec(body) ?? /class="[^"]*fr-pagination__link--next[^"]*" href="([^"]+)"/.exec(body);
      url = next ? next[1]!.replace(/&amp;/g, '&') : null;
      pages++;
    }
    expect(pages).toBe(3);
    const ours = seen.filter((f) => files.includes(f));
    expect(ours).toHaveLength(files.length);
    expect(new Set(ours).size).toBe(files.length);
  });
});
