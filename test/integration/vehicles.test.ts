import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { type TestApp, textOf, useSeededApp } from '../helpers/app.ts';
import { lastEmailTo } from '../helpers/outbox.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

describe('Mon espace véhicule: starting a procedure and the confidential code', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  const signedIn = (email: string) => signInUser(t.app, email);
  const start = postNewProcedure;

  it('an ANTS account starting an address change for itself waits for the code, then continues with the right code', async () => {
    const client = await signedIn('demo.particulier@example.fr');
    const res = await start(client, { kind: 'address_change', initiator: 'self', plate: 'ab123cd' });
    expect(res.statusCode).toBe(303);
    const page = await client.follow(res);
    const text = textOf(page.body);
    expect(text).toContain('Changement d’adresse — AB-123-CD');
    expect(text).toContain('Code confidentiel à saisir');
    expect(text).not.toContain('Camille MARTIN'); // holder data only once the code is proven

    const space = textOf((await client.get('/vehicules')).body);
    expect(space).toMatch(/Démarches en attente .*AB-123-CD Code confidentiel à saisir/);

    const wrong = await client.post(`${page.url}/code`, { code: '00000' });
    expect(textOf(wrong.body)).toContain('Le code confidentiel est incorrect');
    await client.get(page.url);
    const malformed = await client.post(`${page.url}/code`, { code: '12a' });
    expect(textOf(malformed.body)).toContain('Le code confidentiel comporte 5 chiffres');
    await client.get(page.url);
    const ok = await client.follow(await client.post(`${page.url}/code`, { code: DEMO_VEHICLE_CODES['AB-123-CD'] }));
    expect(textOf(ok.body)).toContain('Code confidentiel accepté.');
    expect(textOf(ok.body)).toContain('Camille MARTIN');
    expect(textOf((await client.get('/vehicules')).body)).toMatch(/Démarches en cours .*AB-123-CD Démarche à terminer/);
  });

  it('wrong codes slow down the account that types them, not the vehicle: nothing is locked, the holder is not written to', async () => {
    const client = await signedIn('demo.auto-ecole@example.fr');
    const page = await client.follow(await start(client, { kind: 'duplicate', initiator: 'other', plate: 'AB-123-CD' }));
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      await client.get(page.url);
      statuses.push((await client.post(`${page.url}/code`, { code: '11111' })).statusCode);
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400, 400, 429]);
    expect(textOf(client.lastHtml)).toMatch(/Trop de codes erronés ont été saisis depuis votre compte ou votre connexion : par sécurité, réessayez après le \p{L}+ \d+(?:er)? \p{L}+ \d{4} à \d+ h \d{2}/u);
    // even the right code waits for the end of the delay
    expect((await client.post(`${page.url}/code`, { code: DEMO_VEHICLE_CODES['AB-123-CD'] }, { csrf: client.csrfToken() })).statusCode).toBe(429);
    const code = await t.database.db.selectFrom('confidential_codes').innerJoin('vehicles', 'vehicles.id', 'confidential_codes.vehicle_id').select(['locked_until', 'failed_attempts']).where('plate', '=', 'AB-123-CD').executeTakeFirstOrThrow();
    expect(code).toEqual({ locked_until: null, failed_attempts: 6 });
    expect(await t.database.db.selectFrom('outgoing_messages').select('id').where('recipient', '=', 'demo.particulier@example.fr').execute()).toEqual([]);
  });

  it('"pour quelqu’un d’autre": a new code goes by post to the holder’s address on the certificate', async () => {
    const client = await signedIn('demo.auto-ecole@example.fr');
    const page = await client.follow(await start(client, { kind: 'address_change', initiator: 'other', plate: 'QR-321-ST' }));
    await client.get(`${page.url}/nouveau-code`);
    const wrong = await client.post(`${page.url}/nouveau-code`, { birth_name: 'DUPONT', given_names: 'Jean', birth_date: '1950-02-01', birth_place: 'Lille' });
    expect(textOf(wrong.body)).toContain('Ces informations ne correspondent pas au titulaire');
    expect(wrong.body).toContain('value="DUPONT"');
    const ok = await client.follow(await client.post(`${page.url}/nouveau-code`, { birth_name: 'Dupont', given_names: 'Jean', birth_date: '1950-01-31', birth_place: 'LILLE' }));
    expect(textOf(ok.body)).toContain('Un nouveau code est envoyé par courrier à l’adresse du titulaire');
    expect(textOf(ok.body)).toContain('Code confidentiel à saisir');
    await t.app.worker.drain();
    const letter = await t.database.db.selectFrom('postal_letters').selectAll().executeTakeFirstOrThrow();
    expect(letter.status).toBe('sent');
    expect(letter.recipient_lines).toEqual(['JEAN DUPONT', 'RESIDENCE LES ACACIAS BAT B', '3 RUE PASTEUR', '59000 LILLE']);
    expect(Buffer.from(letter.pdf!).subarray(0, 5).toString()).toBe('%PDF-');
    expect(await t.database.db.selectFrom('outgoing_messages').select('id').where('recipient', '=', 'demo.auto-ecole@example.fr').execute()).toEqual([]);
    // the new code works; the letter's text carries it
    const code = /est : (\d{5})/.exec(letter.body)![1]!;
    await client.get(page.url);
    expect(textOf((await client.follow(await client.post(`${page.url}/code`, { code }))).body)).toContain('Code confidentiel accepté.');
  });

  it('"pour moi-même" on an uncertified account: the new code comes by letter only, an email says so; a long-term lease letter goes to the previous title’s address', async () => {
    const client = await signedIn('demo.entreprise@example.fr');
    const page = await client.follow(await start(client, { kind: 'duplicate', initiator: 'self', plate: 'GH-456-JK' }));
    await client.get(`${page.url}/nouveau-code`);
    await client.post(`${page.url}/nouveau-code`, { birth_name: 'Transports Démo SARL' });
    const mail = await lastEmailTo(t.app, 'demo.entreprise@example.fr');
    expect(mail.subject).toBe('Un nouveau code confidentiel vous est envoyé par courrier (GH-456-JK)');
    expect(mail.text).not.toMatch(/est : \d{5}/);
    const letter = await t.database.db.selectFrom('postal_letters').select('recipient_lines').executeTakeFirstOrThrow();
    expect(letter.recipient_lines).toEqual(['LOCAVIA LLD', '8 AVENUE DE FRANCE', '75013 PARIS']);
  });

  it('refuses bad input on each field, keeping what was typed', async () => {
    const client = await signedIn('demo.particulier@example.fr');
    const empty = await start(client, { plate: '' });
    const text = textOf(empty.body);
    expect(text).toContain('Choisissez la démarche');
    expect(text).toContain('Indiquez pour qui vous faites la démarche');
    expect(text).toContain('Saisissez le numéro d’immatriculation');
    const badPlate = await start(client, { kind: 'duplicate', initiator: 'self', plate: 'AI-123-CD' });
    expect(textOf(badPlate.body)).toContain('ne contient jamais les lettres I, O ou U');
    expect(badPlate.body).toContain('value="AI-123-CD"');
    const unknown = await start(client, { kind: 'duplicate', initiator: 'self', plate: 'ZZ-999-ZZ' });
    expect(textOf(unknown.body)).toContain('Nous ne pouvons pas commencer cette démarche avec ce numéro d’immatriculation. Vérifiez-le sur la carte grise (repère A)');
  });

  it('opens the change of holder to certified accounts only, and refuses a sale blocked by an opposition once the code is proven', async () => {
    const ants = await signedIn('demo.particulier@example.fr');
    const holder = await start(ants, { kind: 'holder_change', initiator: 'self', plate: 'AB-123-CD' });
    expect(textOf(holder.body)).toContain('Le changement de titulaire est réservé aux comptes certifiés');
    const company = await signedIn('demo.entreprise@example.fr');
    const page = await company.follow(await start(company, { kind: 'sale_declaration', initiator: 'self', plate: 'LM-789-NP' }));
    expect(textOf(page.body)).not.toContain('opposition');
    await company.post(`${page.url}/code`, { code: DEMO_VEHICLE_CODES['LM-789-NP'] });
    const blocked = await company.get(`${page.url}/cession`);
    expect(textOf(blocked.body)).toContain('Une opposition au transfert du certificat d’immatriculation (OTCI) empêche la vente');
    expect(blocked.body).not.toContain('cession/commencer');
  });

  it('a certified account needs no code for its own vehicle, but must be its holder', async () => {
    await sql`update accounts set certified = true where email = 'demo.particulier@example.fr'`.execute(t.database.db);
    const client = await signedIn('demo.particulier@example.fr');
    const own = await client.follow(await start(client, { kind: 'address_change', initiator: 'self', plate: 'AB-123-CD' }));
    expect(textOf(own.body)).toContain('Identification faite');
    const notHers = await start(client, { kind: 'address_change', initiator: 'self', plate: 'QR-321-ST' });
    expect(textOf(notHers.body)).toContain('Si le véhicule n’est pas à votre nom, choisissez « Pour quelqu’un d’autre »');
  });

  it('a double submission starts one procedure; another user never sees it', async () => {
    const client = await signedIn('demo.particulier@example.fr');
    await client.get('/vehicules/demandes/nouvelle');
    const key = /name="idempotency_key" value="([^"]+)"/.exec(client.lastHtml)![1]!;
    const token = client.csrfToken();
    const fields = { idempotency_key: key, kind: 'duplicate', initiator: 'self', plate: 'AB-123-CD' };
    const a = await client.post('/vehicules/demandes/nouvelle', fields, { csrf: token });
    const b = await client.post('/vehicules/demandes/nouvelle', fields, { csrf: token });
    expect(a.headers.location).toBe(b.headers.location);
    expect(await t.database.db.selectFrom('vehicle_procedures').select('id').execute()).toHaveLength(1);
    const other = await signedIn('demo.entreprise@example.fr');
    expect((await other.get(String(a.headers.location))).statusCode).toBe(404);
    await other.get('/vehicules');
    expect((await other.post(`${a.headers.location}/code`, { code: DEMO_VEHICLE_CODES['AB-123-CD'] })).statusCode).toBe(404);
  });

  it('imports a CSV of vehicles all or nothing, and the imported vehicle can be used at once', async () => {
    const { importVehiclesCsv } = await import('../../src/domains/vehicles/registry/csv-import.ts');
    const header = 'plate,vin,certificate_date,first_registration_date,category,fiscal_power,energy,holder_kind,birth_name,given_names,birth_date,birth_place,address_line1,postcode,commune';
    const good = `${header}\nCD-456-EF,VF1RFB00X56789012,2020-05-01,2020-05-01,M1,5,ES,natural,Morel,Anne,1975-03-09,Nantes,1 rue A,44000,Nantes`;
    const clash = `${header}\nEF-789-GH,VF1RFB00X56789012,2020-05-01,2020-05-01,M1,5,ES,natural,Morel,Anne,1975-03-09,Nantes,1 rue A,44000,Nantes\nAB-123-CD,VF1RFB00X56789012,2020-05-01,2020-05-01,M1,5,ES,natural,Morel,Anne,1975-03-09,Nantes,1 rue A,44000,Nantes`;
    expect(await importVehiclesCsv(t.database, t.app.config.sessionSecret, clash)).toEqual({ imported: 0, errors: ['Ces immatriculations existent déjà : AB-123-CD'] });
    expect(await t.database.db.selectFrom('vehicles').select('id').where('plate', '=', 'EF-789-GH').execute()).toEqual([]);
    expect(await importVehiclesCsv(t.database, t.app.config.sessionSecret, good)).toEqual({ imported: 1, errors: [] });
    const client = await signedIn('demo.particulier@example.fr');
    const res = await start(client, { kind: 'duplicate', initiator: 'other', plate: 'cd-456-ef' });
    expect(res.statusCode).toBe(303);
  });

  it('abandoning a procedure moves it to the finished list', async () => {
    const client = await signedIn('demo.particulier@example.fr');
    const page = await client.follow(await start(client, { kind: 'duplicate', initiator: 'self', plate: '1234 AB 75' }));
    // the procedure page links to a confirmation: one click never abandons a procedure
    expect(page.body).toContain(`href="${new URL(page.url, 'http://x').pathname}/abandon"`);
    expect(page.body).not.toMatch(/<form[^>]*action="[^"]*\/abandon"/);
    const confirm = await client.get(`${page.url}/abandon`);
    expect(textOf(confirm.body)).toContain('ce que vous avez saisi sera perdu');
    expect(textOf((await client.get('/vehicules')).body)).not.toMatch(/1234 AB 75 Abandonnée/);
    const stranger = await signedIn('demo.garage@example.fr');
    expect((await stranger.get(`${page.url}/abandon`)).statusCode).toBe(404);
    await client.get(`${page.url}/abandon`);
    await client.follow(await client.submit(/\/abandon$/));
    expect(textOf((await client.get('/vehicules')).body)).toMatch(/Démarches terminées .*1234 AB 75 Abandonnée/);
  });
});
