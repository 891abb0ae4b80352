import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { emailCount, lastEmailTo } from '../helpers/outbox.ts';
import { sellCamillesCar as declareSale } from '../helpers/sales.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

/**
 * The two chains of issue 14, played by an attacker on the demo data, and the rules that stop them:
 * a new confidential code travels only to the holder; nothing about the holder is shown before
 * proof; the change of holder without a code needs the declared buyer's identity; guessing costs
 * the guesser; one open procedure per vehicle and kind.
 */
const JULIEN = { family_name: 'LEROY', given_name: 'Julien', birthdate: '1985-02-03' };
const PAUL = { family_name: 'DURAND', given_name: 'Paul', birthdate: '1970-05-05' };
const CAMILLE_IDENTITY = { birth_name: 'Martin', given_names: 'Camille', birth_date: '1988-06-02', birth_place: 'Paris 11e arrondissement' };

describe('nobody can take a vehicle that is not theirs', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  const signIn = (email: string) => signInUser(t.app, email);
  const start = async (client: TestClient, fields: Record<string, string>) => client.follow(await postNewProcedure(client, fields));

  /** A FranceConnect identity on a demo account (as a first FranceConnect sign-in would link it): the account becomes certified. */
  async function franceConnected(email: string, who: { family_name: string; given_name: string; birthdate: string }) {
    const account = await t.database.db.selectFrom('accounts').select('id').where('email', '=', email).executeTakeFirstOrThrow();
    await t.database.db
      .insertInto('franceconnect_identities')
      .values({ sub: `sub-${account.id}-${who.family_name}`, account_id: account.id, ...who, gender: 'male', birthplace: '75056', birthcountry: '99100', email })
      .execute();
    await sql`update accounts set certified = true where id = ${account.id}`.execute(t.database.db);
    return signIn(email);
  }

  /** Camille sells AB-123-CD to Julien Leroy (born 3 February 1985); returns the code de cession. */
  const sellCamillesCar = async () => declareSale(await signIn('demo.particulier@example.fr'));


  /** Julien Leroy (FranceConnect, on the CSSR demo account) changes the holder with the code de cession and pays: AB-123-CD is his. */
  async function julienBuysCamillesCar(code: string) {
    const julien = await franceConnected('demo.cssr@example.fr', JULIEN);
    const page = await start(julien, { kind: 'holder_change', initiator: 'self', plate: 'AB-123-CD' });
    const base = `${page.url}/titulaire`;
    await julien.get(base);
    await julien.post(`${base}/code`, { has_code: 'oui', cession_code: code });
    await julien.get(base);
    await julien.post(`${base}/nouveau-titulaire`, { use: 'personnel', birth_name: 'Leroy', given_names: 'Julien', birth_date: '1985-02-03', birth_place: 'Lyon', address_line1: '2 place Bellecour', postcode: '69002', commune: 'Lyon' });
    await julien.get(base);
    await julien.post(`${base}/confirmer`, { clu: 'oui' });
    await julien.get(base);
    const key = /name="idempotency_key" value="([^"]+)"/.exec(julien.lastHtml)![1]!;
    await julien.follow(await julien.post(`${base}/payer`, { idempotency_key: key }));
    await julien.submit(/paiement-simule/, { card_number: '4242 4242 4242 4242', expiry: '12/30', cvc: '123', action: 'valider' });
    return julien.follow(await julien.get('/paiement/retour'));
  }

  const lettersFor = async (plate: string) =>
    t.database.db.selectFrom('postal_letters').innerJoin('vehicles', 'vehicles.id', 'postal_letters.vehicle_id').select(['postal_letters.body', 'postal_letters.recipient_lines']).where('vehicles.plate', '=', plate).execute();
  const NEUTRAL = /Nous ne pouvons pas commencer cette démarche avec ce numéro d’immatriculation.*Pour quelqu’un d’autre/;

  describe('chain 1: a new confidential code for someone else’s vehicle', () => {
    it('"pour moi-même" on a plate he does not hold is refused, with the same message as an unknown plate', async () => {
      const stranger = await signIn('demo.auto-ecole@example.fr');
      const notHis = await postNewProcedure(stranger, { kind: 'address_change', initiator: 'self', plate: 'AB-123-CD' });
      expect(notHis.statusCode).toBe(400);
      expect(textOf(notHis.body)).toMatch(NEUTRAL);
      const unknown = await postNewProcedure(stranger, { kind: 'address_change', initiator: 'self', plate: 'ZZ-998-ZZ' });
      expect(textOf(unknown.body)).toMatch(NEUTRAL);
      // the same page, word for word, whatever the reason (nothing an enumeration could read)
      expect(textOf(notHis.body)).toBe(textOf(unknown.body));
      expect(await t.database.db.selectFrom('vehicle_procedures').select('id').execute()).toEqual([]);
      // an opposition is told only once the code is proven
      const company = await signIn('demo.entreprise@example.fr');
      const opposed = await start(company, { kind: 'sale_declaration', initiator: 'self', plate: 'LM-789-NP' });
      expect(textOf(opposed.body)).toContain('Code confidentiel à saisir');
      expect(textOf(opposed.body)).not.toMatch(/opposition/i);
      await company.post(`${opposed.url}/code`, { code: DEMO_VEHICLE_CODES['LM-789-NP'] });
      expect(textOf((await company.get(`${opposed.url}/cession`)).body)).toContain('Une opposition au transfert du certificat d’immatriculation (OTCI) empêche la vente');
    });

    it('asking a new code for someone else sends him nothing, and the holder gets one letter however often he asks', async () => {
      const stranger = await signIn('demo.auto-ecole@example.fr');
      const page = await start(stranger, { kind: 'duplicate', initiator: 'other', plate: 'AB-123-CD' });
      expect(textOf(page.body)).not.toContain('MARTIN');
      expect(textOf(page.body)).not.toContain('Camille');
      expect(textOf(page.body)).not.toContain('2019AB12345');
      await stranger.get(`${page.url}/nouveau-code`);
      const wrong = await stranger.post(`${page.url}/nouveau-code`, { ...CAMILLE_IDENTITY, birth_date: '1988-06-03' });
      expect(textOf(wrong.body)).toContain('Ces informations ne correspondent pas au titulaire');
      expect(await lettersFor('AB-123-CD')).toEqual([]);
      // the right answers (an identity is not a secret): a letter to the holder, nothing to him
      const ok = await stranger.follow(await stranger.post(`${page.url}/nouveau-code`, CAMILLE_IDENTITY));
      expect(textOf(ok.body)).toContain('Un nouveau code est envoyé par courrier à l’adresse du titulaire');
      await stranger.get(`${page.url}/nouveau-code`);
      const again = await stranger.post(`${page.url}/nouveau-code`, CAMILLE_IDENTITY);
      expect(textOf(again.body)).toMatch(/Un courrier contenant un nouveau code confidentiel a déjà été envoyé au titulaire le \d+(?:er)? \p{L}+ \d{4}/u);
      const letters = await lettersFor('AB-123-CD');
      expect(letters).toHaveLength(1);
      expect(letters[0]!.recipient_lines).toEqual(['CAMILLE MARTIN', '12 RUE DE LA ROQUETTE', '75011 PARIS']);
      expect(await emailCount(t.app, 'demo.auto-ecole@example.fr')).toBe(0);
      // the holder's own (uncertified) account is told a letter is on its way, without the code
      const code = /est : (\d{5})/.exec(letters[0]!.body)![1]!;
      const notice = await lastEmailTo(t.app, 'demo.particulier@example.fr');
      expect(notice.subject).toContain('courrier');
      expect(notice.text).not.toContain(code);
    });

    it('asking a new code for someone else locks no one out: the holder’s code works until the new one is used', async () => {
      const stranger = await signIn('demo.auto-ecole@example.fr');
      const page = await start(stranger, { kind: 'duplicate', initiator: 'other', plate: 'AB-123-CD' });
      await stranger.get(`${page.url}/nouveau-code`);
      await stranger.post(`${page.url}/nouveau-code`, CAMILLE_IDENTITY);
      const letter = (await lettersFor('AB-123-CD'))[0]!;
      expect(letter.body).toContain('qui reste valable jusqu’à la première utilisation de ce nouveau code (30 jours au plus)');
      const fresh = /est : (\d{5})/.exec(letter.body)![1]!;
      // the holder, who has not received the letter yet, still gets in with her code
      const camille = await signIn('demo.particulier@example.fr');
      const withOld = await start(camille, { kind: 'address_change', initiator: 'self', plate: 'AB-123-CD' });
      expect((await camille.post(`${withOld.url}/code`, { code: DEMO_VEHICLE_CODES['AB-123-CD'] })).statusCode).toBe(303);
      // the letter arrives: the new code works, and from then on the old one is refused
      const withNew = await start(camille, { kind: 'duplicate', initiator: 'self', plate: 'AB-123-CD' });
      expect((await camille.post(`${withNew.url}/code`, { code: fresh })).statusCode).toBe(303);
      const late = await start(camille, { kind: 'sale_declaration', initiator: 'self', plate: 'AB-123-CD' });
      const refused = await camille.post(`${late.url}/code`, { code: DEMO_VEHICLE_CODES['AB-123-CD'] });
      expect(textOf(refused.body)).toContain('Le code confidentiel est incorrect');
    });

    it('a habilitated professional asking for someone else gets no email either (the slides’ EMAIL + COURRIER is not followed)', async () => {
      const garage = await signIn('demo.garage@example.fr');
      const page = await start(garage, { kind: 'address_change', initiator: 'other', plate: 'QR-321-ST' });
      await garage.get(`${page.url}/nouveau-code`);
      await garage.follow(await garage.post(`${page.url}/nouveau-code`, { birth_name: 'Dupont', given_names: 'Jean', birth_date: '1950-01-31', birth_place: 'Lille' }));
      expect(await emailCount(t.app, 'demo.garage@example.fr')).toBe(0);
      expect(await lettersFor('QR-321-ST')).toHaveLength(1);
    });

    it('an uncertified holder asking "pour moi-même" is told by email that the code comes by letter', async () => {
      const camille = await signIn('demo.particulier@example.fr');
      const page = await start(camille, { kind: 'duplicate', initiator: 'self', plate: 'VW-654-XY' });
      await camille.get(`${page.url}/nouveau-code`);
      const done = await camille.follow(await camille.post(`${page.url}/nouveau-code`, CAMILLE_IDENTITY));
      expect(textOf(done.body)).toContain('votre compte n’est pas certifié');
      const mail = await lastEmailTo(t.app, 'demo.particulier@example.fr');
      expect(mail.text).toContain('par courrier');
      const letters = await lettersFor('VW-654-XY');
      expect(letters).toHaveLength(1);
      expect(mail.text).not.toContain(/est : (\d{5})/.exec(letters[0]!.body)![1]!);
    });

    it('a FranceConnect holder asking a new code gets it by email and by letter', async () => {
      const jean = await franceConnected('demo.cssr@example.fr', { family_name: 'DUPONT', given_name: 'Jean', birthdate: '1950-01-31' });
      const page = await start(jean, { kind: 'duplicate', initiator: 'other', plate: 'QR-321-ST' });
      await jean.get(`${page.url}/nouveau-code`);
      await jean.post(`${page.url}/nouveau-code`, { birth_name: 'Dupont', given_names: 'Jean', birth_date: '1950-01-31', birth_place: 'Lille' });
      const mail = await lastEmailTo(t.app, 'demo.cssr@example.fr');
      expect(mail.text).toMatch(/est : \d{5}/);
      expect(await lettersFor('QR-321-ST')).toHaveLength(1);
    });
  });

  describe('chain 2: the change of holder without the code de cession', () => {
    it('shows nothing of the holder or the certificate before proof', async () => {
      await sellCamillesCar();
      const paul = await franceConnected('demo.auto-ecole@example.fr', PAUL);
      const page = await start(paul, { kind: 'holder_change', initiator: 'self', plate: 'AB-123-CD' });
      const code = await paul.get(`${page.url}/titulaire`);
      for (const html of [page.body, code.body]) {
        const text = textOf(html);
        expect(text).toContain('AB-123-CD');
        expect(text).not.toMatch(/MARTIN|Camille|2019AB12345|14\/03\/2019|14 mars 2019|vendu/i);
      }
      expect(textOf(page.body)).not.toContain('Identification faite'); // nothing is proven yet
    });

    it('a FranceConnect user who is not the declared buyer cannot change the holder with the certificate references; the refusal is audited', async () => {
      await sellCamillesCar();
      const paul = await franceConnected('demo.auto-ecole@example.fr', PAUL);
      const page = await start(paul, { kind: 'holder_change', initiator: 'self', plate: 'AB-123-CD' });
      await paul.get(`${page.url}/titulaire`);
      const onlyNumber = await paul.post(`${page.url}/titulaire/code`, { has_code: 'non', certificate_number: '2019AB12345' });
      expect(textOf(onlyNumber.body)).toContain('Saisissez la date du certificat d’immatriculation');
      expect(onlyNumber.body).toContain('value="2019AB12345"');
      await paul.get(`${page.url}/titulaire`);
      const both = await paul.post(`${page.url}/titulaire/code`, { has_code: 'non', certificate_number: '2019AB12345', certificate_date: '2019-03-14' });
      expect(both.statusCode).toBe(400);
      expect(textOf(both.body)).toContain('Sans code de cession, la démarche n’est possible que si le vendeur a déclaré la vente à votre nom');
      expect(textOf((await paul.get(`${page.url}/titulaire`)).body)).toContain('Avez-vous un code de cession ?');
      const refused = await t.database.db.selectFrom('audit_events').select(['action', 'details']).where('action', '=', 'vehicle.holder_change_refused').execute();
      expect(refused).toHaveLength(1);

      // the declared buyer, with both references, goes on
      const julien = await franceConnected('demo.cssr@example.fr', JULIEN);
      const his = await start(julien, { kind: 'holder_change', initiator: 'self', plate: 'AB-123-CD' });
      await julien.get(`${his.url}/titulaire`);
      const wrongDate = await julien.post(`${his.url}/titulaire/code`, { has_code: 'non', certificate_number: '2019AB12345', certificate_date: '2019-03-15' });
      expect(textOf(wrongDate.body)).toContain('ne correspondent pas à la carte grise de ce véhicule');
      await julien.get(`${his.url}/titulaire`);
      await julien.post(`${his.url}/titulaire/code`, { has_code: 'non', certificate_number: '2019ab12345', certificate_date: '2019-03-14' });
      expect(textOf((await julien.get(`${his.url}/titulaire`)).body)).toContain('Ancien titulaire : Camille MARTIN');
    });

    it('with the code de cession but another identity than the declared buyer, the refusal is clear and the code stays unused', async () => {
      const code = await sellCamillesCar();
      const paul = await franceConnected('demo.auto-ecole@example.fr', PAUL);
      const page = await start(paul, { kind: 'holder_change', initiator: 'self', plate: 'AB-123-CD' });
      await paul.get(`${page.url}/titulaire`);
      const res = await paul.post(`${page.url}/titulaire/code`, { has_code: 'oui', cession_code: code });
      expect(res.statusCode).toBe(400);
      expect(textOf(res.body)).toContain('le vendeur a déclaré un autre acheteur');
      expect((await t.database.db.selectFrom('cession_codes').select('used_at').executeTakeFirstOrThrow()).used_at).toBeNull();
      // someone acting for the buyer with the code must name the declared buyer as the new holder
      const helper = await franceConnected('demo.cssr@example.fr', { family_name: 'LEROY', given_name: 'Anne', birthdate: '1960-01-01' });
      const forJulien = await start(helper, { kind: 'holder_change', initiator: 'other', plate: 'AB-123-CD' });
      await helper.get(`${forJulien.url}/titulaire`);
      await helper.post(`${forJulien.url}/titulaire/code`, { has_code: 'oui', cession_code: code });
      await helper.get(`${forJulien.url}/titulaire`);
      const other = await helper.post(`${forJulien.url}/titulaire/nouveau-titulaire`, { use: 'personnel', birth_name: 'Durand', given_names: 'Paul', birth_date: '1970-05-05', birth_place: 'Lyon', address_line1: '4 quai de la Gare', postcode: '69003', commune: 'Lyon' });
      expect(textOf(other.body)).toContain('Ce nom de naissance n’est pas celui de l’acheteur déclaré par le vendeur');
      expect(other.body).toContain('value="Durand"');
      // done for Julien: the final page names him, not the person who did it
      await helper.post(`${forJulien.url}/titulaire/nouveau-titulaire`, { use: 'personnel', birth_name: 'Leroy', given_names: 'Julien', birth_date: '1985-02-03', birth_place: 'Lyon', address_line1: '2 place Bellecour', postcode: '69002', commune: 'Lyon' });
      await helper.get(`${forJulien.url}/titulaire`);
      await helper.post(`${forJulien.url}/titulaire/confirmer`, { clu: 'oui' });
      await helper.get(`${forJulien.url}/titulaire`);
      const key = /name="idempotency_key" value="([^"]+)"/.exec(helper.lastHtml)![1]!;
      await helper.follow(await helper.post(`${forJulien.url}/titulaire/payer`, { idempotency_key: key }));
      await helper.submit(/paiement-simule/, { card_number: '4242 4242 4242 4242', expiry: '12/30', cvc: '123', action: 'valider' });
      const done = textOf((await helper.follow(await helper.get('/paiement/retour'))).body);
      expect(done).toContain('Le véhicule AB-123-CD est enregistré au nom de Julien LEROY');
      expect(done).not.toContain('enregistré à votre nom');
    });

    it('a professional goes on without the code only for a vehicle declared sold to him', async () => {
      const garage = await signIn('demo.garage@example.fr');
      const page = await start(garage, { kind: 'holder_change', initiator: 'other', plate: 'QR-321-ST' });
      await garage.get(`${page.url}/titulaire`);
      const res = await garage.post(`${page.url}/titulaire/code`, { has_code: 'non' });
      expect(res.statusCode).toBe(400);
      expect(textOf(res.body)).toContain('que si le vendeur a déclaré la vente à votre nom');
      expect(textOf(res.body)).not.toContain('DUPONT');
    });
  });

  describe('guessing costs the guesser, not the holder', () => {
    it('50 wrong codes spread over 10 vehicles from one account are throttled after the limit; no vehicle is locked for its holder', async () => {
      const others = await t.database.db
        .selectFrom('vehicles')
        .innerJoin('vehicle_holders', 'vehicle_holders.id', 'vehicles.holder_id')
        .select('vehicles.plate')
        .where('vehicle_holders.account_id', 'is', null)
        .where('vehicles.plate', 'not in', Object.keys(DEMO_VEHICLE_CODES))
        .orderBy('vehicles.id')
        .limit(5)
        .execute();
      const plates = [...Object.keys(DEMO_VEHICLE_CODES).slice(0, 5), ...others.map((o) => o.plate)];
      expect(plates).toHaveLength(10);
      const stranger = await signIn('demo.auto-ecole@example.fr');
      const pages: string[] = [];
      for (const plate of plates) pages.push((await start(stranger, { kind: 'duplicate', initiator: 'other', plate })).url);
      const outcomes: number[] = [];
      for (let round = 0; round < 5; round++)
        for (const url of pages) {
          await stranger.get(url);
          outcomes.push((await stranger.post(`${url}/code`, { code: '00000' })).statusCode);
        }
      const evaluated = outcomes.filter((s) => s === 400).length;
      expect(evaluated).toBeGreaterThanOrEqual(5);
      expect(evaluated).toBeLessThanOrEqual(6);
      expect(outcomes.filter((s) => s === 429)).toHaveLength(50 - evaluated);
      expect(textOf(stranger.lastHtml)).toMatch(/Trop de codes erronés ont été saisis depuis votre compte ou votre connexion.*réessayez après le/);
      // even the right code is not evaluated for him while he is throttled
      await stranger.get(pages[4]!);
      expect((await stranger.post(`${pages[4]}/code`, { code: DEMO_VEHICLE_CODES['QR-321-ST'] })).statusCode).toBe(429);
      // no vehicle is locked, no holder was written to, and the holder types her code at once
      expect(await t.database.db.selectFrom('confidential_codes').select('vehicle_id').where('locked_until', 'is not', null).execute()).toEqual([]);
      expect(await t.database.db.selectFrom('postal_letters').select('id').execute()).toEqual([]);
      const camille = await signIn('demo.particulier@example.fr');
      const own = await start(camille, { kind: 'duplicate', initiator: 'self', plate: 'AB-123-CD' });
      expect(textOf((await camille.follow(await camille.post(`${own.url}/code`, { code: DEMO_VEHICLE_CODES['AB-123-CD'] }))).body)).toContain('Code confidentiel accepté.');
    });

    it('wrong identity answers count in the same limit, and post nothing', async () => {
      const stranger = await signIn('demo.auto-ecole@example.fr');
      const page = await start(stranger, { kind: 'duplicate', initiator: 'other', plate: 'QR-321-ST' });
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        await stranger.get(`${page.url}/nouveau-code`);
        statuses.push((await stranger.post(`${page.url}/nouveau-code`, { birth_name: 'Dupont', given_names: 'Jean', birth_date: `1950-01-0${i + 1}`, birth_place: 'Lille' })).statusCode);
      }
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
      expect(await t.database.db.selectFrom('postal_letters').select('id').execute()).toEqual([]);
    });

    it('the per-vehicle cap is a last line: the holder’s own account is emailed and still gets in, others wait', async () => {
      const { VEHICLE_GUESS_CAP } = await import('../../src/domains/vehicles/procedures/guess-limits.ts');
      await sql`update confidential_codes set failed_attempts = ${VEHICLE_GUESS_CAP - 1} where vehicle_id = (select id from vehicles where plate = 'AB-123-CD')`.execute(t.database.db);
      const stranger = await signIn('demo.auto-ecole@example.fr');
      const page = await start(stranger, { kind: 'duplicate', initiator: 'other', plate: 'AB-123-CD' });
      await stranger.post(`${page.url}/code`, { code: '00000' });
      await stranger.get(page.url);
      expect((await stranger.post(`${page.url}/code`, { code: DEMO_VEHICLE_CODES['AB-123-CD'] })).statusCode).toBe(429);
      const mail = await lastEmailTo(t.app, 'demo.particulier@example.fr');
      expect(mail.subject).toBe('Saisie du code confidentiel suspendue');
      expect(await t.database.db.selectFrom('postal_letters').select('id').execute()).toEqual([]);
      const camille = await signIn('demo.particulier@example.fr');
      const own = await start(camille, { kind: 'duplicate', initiator: 'self', plate: 'AB-123-CD' });
      expect(textOf((await camille.follow(await camille.post(`${own.url}/code`, { code: DEMO_VEHICLE_CODES['AB-123-CD'] }))).body)).toContain('Code confidentiel accepté.');
    });

    it('a SIRET an account only declared does not make it the holder’s own account: a suspended vehicle stays suspended for it', async () => {
      const db = t.database.db;
      // a company vehicle of the generated registry: same SIREN as the demo company, not linked to its account
      const theirs = await db
        .selectFrom('vehicles')
        .innerJoin('vehicle_holders', 'vehicle_holders.id', 'vehicles.holder_id')
        .select(['vehicles.id', 'vehicles.plate'])
        .where('vehicle_holders.kind', '=', 'legal')
        .where('vehicle_holders.siren', '=', '732829320')
        .where('vehicle_holders.account_id', 'is', null)
        .orderBy('vehicles.id')
        .executeTakeFirstOrThrow();
      const { hashConfidentialCode } = await import('../../src/domains/vehicles/confidential-code/code.ts');
      const cert = await db.selectFrom('vehicles').select('certificate_number').where('id', '=', theirs.id).executeTakeFirstOrThrow();
      await db.updateTable('confidential_codes').set({ code_hash: hashConfidentialCode(t.app.config.sessionSecret, theirs.id, cert.certificate_number, '12345'), locked_until: new Date(Date.now() + 3_600_000) }).where('vehicle_id', '=', theirs.id).execute();
      const company = await signIn('demo.entreprise@example.fr');
      const page = await start(company, { kind: 'duplicate', initiator: 'self', plate: theirs.plate });
      expect(textOf(page.body)).toContain('Code confidentiel à saisir'); // declared SIREN: "pour moi-même", with the code
      expect(textOf(page.body)).toContain('la saisie du code confidentiel de ce véhicule est suspendue');
      expect((await company.post(`${page.url}/code`, { code: '12345' })).statusCode).toBe(429);
    });
  });

  describe('one open procedure per vehicle and kind', () => {
    it('two simultaneous changes of holder on one vehicle: one wins, the other is told', async () => {
      const code = await sellCamillesCar();
      const julien = await franceConnected('demo.cssr@example.fr', JULIEN);
      const helper = await franceConnected('demo.auto-ecole@example.fr', PAUL);
      const mine = await start(julien, { kind: 'holder_change', initiator: 'self', plate: 'AB-123-CD' });
      const his = await start(helper, { kind: 'holder_change', initiator: 'other', plate: 'AB-123-CD' });
      await julien.get(`${mine.url}/titulaire`);
      await helper.get(`${his.url}/titulaire`);
      const [a, b] = await Promise.all([
        julien.post(`${mine.url}/titulaire/code`, { has_code: 'oui', cession_code: code }),
        helper.post(`${his.url}/titulaire/code`, { has_code: 'oui', cession_code: code }),
      ]);
      expect([a.statusCode, b.statusCode].sort()).toEqual([303, 409]);
      const loser = a.statusCode === 409 ? a : b;
      expect(textOf(loser.body)).toContain('Une démarche « Changement de titulaire » est déjà en cours pour ce véhicule');
    });

    it('two sales and two duplicates of one vehicle cannot run at once', async () => {
      const camille = await signIn('demo.particulier@example.fr');
      for (const kind of ['sale_declaration', 'duplicate']) {
        const first = await start(camille, { kind, initiator: 'self', plate: '1234 AB 75' });
        const second = await start(camille, { kind, initiator: 'self', plate: '1234 AB 75' });
        const token = camille.csrfToken();
        const [a, b] = await Promise.all([
          camille.post(`${first.url}/code`, { code: DEMO_VEHICLE_CODES['1234 AB 75'] }, { csrf: token }),
          camille.post(`${second.url}/code`, { code: DEMO_VEHICLE_CODES['1234 AB 75'] }, { csrf: token }),
        ]);
        expect([a.statusCode, b.statusCode].sort()).toEqual([303, 409]);
        expect(textOf((a.statusCode === 409 ? a : b).body)).toMatch(/est déjà en cours pour ce véhicule/);
      }
    });

    it('the database itself refuses a second open procedure of the same kind on one vehicle', async () => {
      const db = t.database.db;
      const vehicle = await db.selectFrom('vehicles').select('id').where('plate', '=', 'AB-123-CD').executeTakeFirstOrThrow();
      const account = await db.selectFrom('accounts').select('id').where('email', '=', 'demo.particulier@example.fr').executeTakeFirstOrThrow();
      const row = (file: string) => ({ file_number: file, account_id: account.id, kind: 'duplicate' as const, initiator: 'self' as const, vehicle_id: vehicle.id, status: 'in_progress' as const, claimed: true, data: '{}', updated_at: new Date() });
      await db.insertInto('vehicle_procedures').values(row('V26-AAAAAAAA')).execute();
      await expect(db.insertInto('vehicle_procedures').values(row('V26-BBBBBBBB')).execute()).rejects.toThrow(/vehicle_procedures_one_open|duplicate key/);
      await db.updateTable('vehicle_procedures').set({ status: 'cancelled' }).where('file_number', '=', 'V26-AAAAAAAA').execute();
      await db.insertInto('vehicle_procedures').values(row('V26-BBBBBBBB')).execute();
    });
  });

  describe('what comes with a new certificate, and the new holder’s address', () => {
    it('the new holder’s address is checked against the commune reference: "75004 MARSEILLE" is refused with the communes of 75004', async () => {
      const code = await sellCamillesCar();
      const julien = await franceConnected('demo.cssr@example.fr', JULIEN);
      const page = await start(julien, { kind: 'holder_change', initiator: 'self', plate: 'AB-123-CD' });
      await julien.get(`${page.url}/titulaire`);
      await julien.post(`${page.url}/titulaire/code`, { has_code: 'oui', cession_code: code });
      await julien.get(`${page.url}/titulaire`);
      const holder = { use: 'personnel', birth_name: 'Leroy', given_names: 'Julien', birth_date: '1985-02-03', birth_place: 'Lyon', address_line1: '5 rue de Rivoli', postcode: '75004', commune: 'Marseille' };
      const res = await julien.post(`${page.url}/titulaire/nouveau-titulaire`, holder);
      expect(res.statusCode).toBe(400);
      expect(textOf(res.body)).toContain('Cette commune ne correspond pas au code postal 75004 : Paris');
      expect(res.body).toContain('value="Marseille"');
      await julien.post(`${page.url}/titulaire/nouveau-titulaire`, { ...holder, commune: 'paris' });
      expect(textOf((await julien.get(`${page.url}/titulaire`)).body)).toContain('5 RUE DE RIVOLI, 75004 PARIS');
    });

    it('a paid change of holder sends the new confidential code: letter with the certificate and email to the new holder’s account; the final page says so', async () => {
      const paid = await julienBuysCamillesCar(await sellCamillesCar());
      expect(textOf(paid.body)).toContain('Le nouveau code confidentiel du véhicule');
      await t.app.worker.drain();
      const mails = await t.database.db.selectFrom('outgoing_messages').select('body_text').where('recipient', '=', 'demo.cssr@example.fr').execute();
      const emailed = mails.map((m) => /est : (\d{5})/.exec(m.body_text)?.[1]).find(Boolean);
      expect(emailed).toMatch(/^\d{5}$/);
      const letters = await lettersFor('AB-123-CD');
      const withCertificate = letters.find((l) => l.body.includes('certificat d’immatriculation'))!;
      expect(withCertificate.recipient_lines).toEqual(['JULIEN LEROY', '2 PLACE BELLECOUR', '69002 LYON']);
      expect(withCertificate.body).toContain(`est : ${emailed}`);
      // the code works: the new holder, as a portal user, could use it
      const row = await t.database.db.selectFrom('vehicles').select(['id', 'certificate_number']).where('plate', '=', 'AB-123-CD').executeTakeFirstOrThrow();
      const { confidentialCodeMatches } = await import('../../src/domains/vehicles/confidential-code/code.ts');
      const stored = await t.database.db.selectFrom('confidential_codes').select('code_hash').where('vehicle_id', '=', row.id).executeTakeFirstOrThrow();
      expect(confidentialCodeMatches(t.app.config.sessionSecret, stored.code_hash, row.id, row.certificate_number, emailed!)).toBe(true);
    });

    it('a procedure the former holder opened before the sale ends with the sale (at the latest with the change of holder): it shows nothing of the buyer and goes no further', async () => {
      // Camille proves her code on an address change, then sells the car; Julien registers it.
      const camille = await signIn('demo.particulier@example.fr');
      const opened = await start(camille, { kind: 'address_change', initiator: 'self', plate: 'AB-123-CD' });
      await camille.post(`${opened.url}/code`, { code: DEMO_VEHICLE_CODES['AB-123-CD'] });
      expect(textOf((await camille.get(`${opened.url}/adresse`)).body)).toContain('Camille');
      await julienBuysCamillesCar(await sellCamillesCar());
      const vehicle = await t.database.db.selectFrom('vehicles').select('certificate_number').where('plate', '=', 'AB-123-CD').executeTakeFirstOrThrow();

      const page = textOf((await camille.get(opened.url)).body);
      expect(page).toContain('Abandonnée');
      expect(page).not.toMatch(/Leroy|LEROY|Bellecour|BELLECOUR/);
      expect(page).not.toContain(vehicle.certificate_number!);
      const moved = await camille.post(`${opened.url}/adresse`, { line1: '10 rue de Rivoli', line2: '', postcode: '75004', commune: 'Paris' });
      expect(moved.statusCode).not.toBe(303);
      const holder = await t.database.db
        .selectFrom('vehicles')
        .innerJoin('vehicle_holders', 'vehicle_holders.id', 'vehicles.holder_id')
        .select(['vehicle_holders.address_line1'])
        .where('plate', '=', 'AB-123-CD')
        .executeTakeFirstOrThrow();
      expect(holder.address_line1).toMatch(/BELLECOUR/i);
      // her finished sale no longer reads the buyer's certificate either
      const sales = await t.database.db.selectFrom('vehicle_procedures').select('file_number').where('kind', '=', 'sale_declaration').execute();
      expect(textOf((await camille.get(`/vehicules/demandes/${sales[0]!.file_number}`)).body)).not.toContain(vehicle.certificate_number!);
      // she is told why: the sale closed it (a change of address is no longer hers to ask)
      await t.app.worker.drain();
      const mails = await t.database.db.selectFrom('outgoing_messages').select('subject').where('recipient', '=', 'demo.particulier@example.fr').execute();
      expect(mails.map((m) => m.subject)).toContainEqual(expect.stringContaining('le véhicule a été déclaré vendu'));
      const audit = await t.database.db.selectFrom('audit_events').select('action').where('action', 'in', ['vehicle_procedure.vehicle_sold', 'vehicle_procedure.superseded']).execute();
      expect(audit.map((a) => a.action)).toEqual(['vehicle_procedure.vehicle_sold']);
    });

    it('the sale asks no anti-robot question of a signed-in user', async () => {
      const camille = await signIn('demo.particulier@example.fr');
      const page = await start(camille, { kind: 'sale_declaration', initiator: 'self', plate: 'AB-123-CD' });
      await camille.post(`${page.url}/code`, { code: DEMO_VEHICLE_CODES['AB-123-CD'] });
      const first = await camille.get(`${page.url}/cession`);
      expect(textOf(first.body)).not.toContain('Combien font');
      await camille.post(`${page.url}/cession/commencer`, { understood: 'oui' });
      expect(textOf((await camille.get(`${page.url}/cession`)).body)).toContain('Documents nécessaires à la vente Étape 2 sur 5');
    });
  });
});
