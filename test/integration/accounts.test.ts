import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, TestClient, textOf, type TestApp } from '../helpers/app.ts';
import { emailCount, lastEmailTo } from '../helpers/outbox.ts';

const PASSWORD = 'cheval batterie agrafe';

describe('accounts: sign-up, activation, sign-in', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(() => t.database.reset());

  async function signUp(client: TestClient, slug: string, fields: Record<string, string>) {
    await client.get(`/inscription/${slug}`);
    const key = /name="idempotency_key" value="([^"]+)"/.exec(client.lastHtml)?.[1] ?? '';
    return client.post(`/inscription/${slug}`, { idempotency_key: key, password: PASSWORD, terms: 'oui', ...fields });
  }

  async function activate(client: TestClient, email: string) {
    const mail = await lastEmailTo(t.app, email);
    expect(mail.subject).toBe('Activez votre compte');
    const page = await client.get(mail.link!);
    expect(textOf(page.body)).toContain('Activer votre compte');
    return client.post(mail.link!, {});
  }

  it('an individual creates an account, activates it through the emailed link, signs in and sees the connection', async () => {
    const client = new TestClient(t.app);
    const res = await signUp(client, 'particulier', { given_name: 'Jeanne', family_name: 'Moreau', email: 'Jeanne.Moreau@Example.fr' });
    expect(res.statusCode).toBe(303);
    const confirmation = await client.get(res.headers.location as string);
    expect(textOf(confirmation.body)).toContain('Nous avons envoyé un lien d’activation à jeanne.moreau@example.fr');

    const stored = await t.database.db.selectFrom('accounts').selectAll().executeTakeFirstOrThrow();
    expect(stored.status).toBe('pending_activation');
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);
    expect(stored.terms_version).toBe('2');
    expect(stored.terms_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.certified).toBe(false);

    // Not yet activated: a clear message.
    await client.get('/connexion');
    const early = await client.post('/connexion', { email: 'jeanne.moreau@example.fr', password: PASSWORD });
    expect(textOf(early.body)).toContain('Votre compte n’est pas encore activé');

    const activated = await activate(client, 'jeanne.moreau@example.fr');
    expect(activated.headers.location).toBe('/connexion');
    const signInPage = await client.get('/connexion');
    expect(textOf(signInPage.body)).toContain('Votre compte est activé. Vous pouvez vous connecter.');
    const signedIn = await client.post('/connexion', { email: 'jeanne.moreau@example.fr', password: PASSWORD });
    expect(signedIn.headers.location).toBe('/compte');
    const account = await client.get('/compte');
    const text = textOf(account.body);
    expect(text).toContain('Jeanne Moreau');
    expect(text).toContain('Particulier');
    expect(text).toContain('Version 2');
    expect(text).toMatch(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2} 127\.0\.0\.1 Mot de passe/);
  });

  it('a used or unknown activation link is refused with a way to get a new one', async () => {
    const client = new TestClient(t.app);
    await signUp(client, 'particulier', { given_name: 'Paul', family_name: 'Roux', email: 'paul@example.fr' });
    const mail = await lastEmailTo(t.app, 'paul@example.fr');
    await client.get(mail.link!);
    await client.post(mail.link!, {});
    const reused = await client.get(mail.link!);
    expect(reused.statusCode).toBe(410);
    expect(textOf(reused.body)).toContain('Ce lien a déjà été utilisé.');
    const unknown = await client.get('/activation/AAAAAAAAAAAAAAAAAAAAAA');
    expect(textOf(unknown.body)).toContain('Ce lien n’est pas valide');
    expect(textOf(unknown.body)).toContain('Recevoir un nouveau lien');
  });

  it('an expired activation link (72 h) is refused; a new link replaces the old one', async () => {
    const client = new TestClient(t.app);
    await signUp(client, 'particulier', { given_name: 'Lou', family_name: 'Petit', email: 'lou@example.fr' });
    const first = await lastEmailTo(t.app, 'lou@example.fr');
    await sql`update account_tokens set expires_at = now() - interval '1 minute'`.execute(t.database.db);
    expect(textOf((await client.get(first.link!)).body)).toContain('Ce lien a expiré.');
    await client.post('/activation/renvoyer', { email: 'lou@example.fr' });
    const second = await lastEmailTo(t.app, 'lou@example.fr');
    expect(second.link).not.toBe(first.link);
    await client.get(second.link!);
    expect((await client.post(second.link!, {})).headers.location).toBe('/connexion');
  });

  it('resending an activation link answers the same whether or not the address has an account', async () => {
    const client = new TestClient(t.app);
    await client.get('/connexion');
    const unknown = await client.post('/activation/renvoyer', { email: 'personne@example.fr' });
    expect(textOf(unknown.body)).toContain('Si un compte en attente d’activation correspond à cette adresse');
    expect(await emailCount(t.app, 'personne@example.fr')).toBe(0);
  });

  it('creates driving-school, road-safety-centre and legal-entity accounts with their numbers', async () => {
    const client = new TestClient(t.app);
    await signUp(client, 'auto-ecole', { organisation_name: 'Auto-école du Centre', approval_number: 'e 24 075 0012 0', email: 'ae@example.fr' });
    await signUp(client, 'cssr', { organisation_name: 'Stage Prévention 13', approval_number: 'R 23 013 0005 1', email: 'cssr@example.fr' });
    await signUp(client, 'personne-morale', { organisation_name: 'Transports Durand SARL', siret: '732 829 320 00074', email: 'durand@example.fr' });
    const rows = await t.database.db.selectFrom('accounts').select(['profile', 'approval_number', 'siret']).orderBy('id').execute();
    expect(rows).toEqual([
      { profile: 'driving_school', approval_number: 'E2407500120', siret: null },
      { profile: 'road_safety_centre', approval_number: 'R2301300051', siret: null },
      { profile: 'legal_entity', approval_number: null, siret: '73282932000074' },
    ]);
    for (const email of ['ae@example.fr', 'cssr@example.fr', 'durand@example.fr']) expect((await lastEmailTo(t.app, email)).subject).toBe('Activez votre compte');
  });

  it('refuses bad input field by field, in French, keeping what was typed but never the password', async () => {
    const client = new TestClient(t.app);
    const res = await signUp(client, 'personne-morale', { organisation_name: 'Garage <Martin>', siret: '73282932000075', email: 'pas-une-adresse', terms: '', password: 'court' });
    expect(res.statusCode).toBe(400);
    const html = res.body;
    const text = textOf(html);
    expect(html).toContain('<title>Erreur : Créer un compte personne morale - Portail des titres sécurisés</title>');
    expect(text).toContain('Le formulaire contient 4 erreurs');
    expect(text).toContain('Le numéro SIRET doit comporter 14 chiffres et être valide');
    expect(text).toContain('Saisissez une adresse électronique valide, par exemple nom@exemple.fr');
    expect(text).toContain('Le mot de passe doit contenir au moins 12 caractères');
    expect(text).toContain('Cochez la case pour indiquer que vous avez lu les conditions générales d’utilisation');
    expect(html).toContain('href="#champ-siret"');
    expect(html).toContain('value="Garage &lt;Martin>"');
    expect(html).toContain('value="73282932000075"');
    expect(html).not.toContain('value="court"');
    expect(await t.database.db.selectFrom('accounts').select('id').execute()).toEqual([]);
  });

  it('refuses a trivially guessable password and a duplicate email', async () => {
    const client = new TestClient(t.app);
    const weak = await signUp(client, 'particulier', { given_name: 'Anne', family_name: 'Lenoir', email: 'anne@example.fr', password: 'motdepasse123456' });
    expect(textOf(weak.body)).toContain('Ce mot de passe est trop facile à deviner');
    await signUp(client, 'particulier', { given_name: 'Anne', family_name: 'Lenoir', email: 'anne@example.fr' });
    const dup = await signUp(new TestClient(t.app), 'auto-ecole', { organisation_name: 'AE', approval_number: 'E 24 075 0012 0', email: 'ANNE@example.fr' });
    expect(dup.statusCode).toBe(400);
    expect(textOf(dup.body)).toContain('Un compte existe déjà avec cette adresse électronique');
  });

  it('a double submission of the sign-up form creates one account and shows the confirmation twice', async () => {
    const client = new TestClient(t.app);
    await client.get('/inscription/particulier');
    const key = /name="idempotency_key" value="([^"]+)"/.exec(client.lastHtml)![1]!;
    const token = client.csrfToken();
    const fields = { idempotency_key: key, given_name: 'Rémi', family_name: 'Faure', email: 'remi@example.fr', password: PASSWORD, terms: 'oui' };
    const first = await client.post('/inscription/particulier', fields, { csrf: token });
    const second = await client.post('/inscription/particulier', fields, { csrf: token });
    expect(first.headers.location).toBe('/inscription/confirmation');
    expect(second.headers.location).toBe('/inscription/confirmation');
    expect(await t.database.db.selectFrom('accounts').select('id').execute()).toHaveLength(1);
    expect(await emailCount(t.app, 'remi@example.fr')).toBe(1);
  });

  describe('sign-in', () => {
    async function activeAccount(email: string) {
      const client = new TestClient(t.app);
      await signUp(client, 'particulier', { given_name: 'Test', family_name: 'Compte', email });
      await activate(client, email);
    }

    it('gives the same message for an unknown email and a wrong password, keeping the email', async () => {
      await activeAccount('ines@example.fr');
      const client = new TestClient(t.app);
      await client.get('/connexion');
      const wrong = await client.post('/connexion', { email: 'ines@example.fr', password: 'pas le bon mot de passe' });
      const unknown = await client.post('/connexion', { email: 'nobody@example.fr', password: 'pas le bon mot de passe' });
      for (const res of [wrong, unknown]) {
        expect(res.statusCode).toBe(401);
        expect(textOf(res.body)).toContain('Adresse électronique ou mot de passe incorrect');
      }
      expect(wrong.body).toContain('value="ines@example.fr"');
      expect(wrong.body).not.toContain('pas le bon mot de passe');
    });

    it('locks the account after 5 failures with a clear message, even with the right password, then backs off', async () => {
      await activeAccount('lock@example.fr');
      const client = new TestClient(t.app);
      await client.get('/connexion');
      for (let i = 0; i < 5; i++) expect((await client.post('/connexion', { email: 'lock@example.fr', password: 'mauvais mot de passe' })).statusCode).toBe(401);
      const sixth = await client.post('/connexion', { email: 'lock@example.fr', password: 'mauvais mot de passe' });
      expect(sixth.statusCode).toBe(429);
      expect(textOf(sixth.body)).toContain('Connexion temporairement bloquée');
      const right = await client.post('/connexion', { email: 'lock@example.fr', password: PASSWORD });
      expect(right.statusCode).toBe(429);
      const row = await t.database.db.selectFrom('sign_in_throttle').selectAll().where('key', '=', 'account:lock@example.fr|ip:127.0.0.1').executeTakeFirstOrThrow(); // the account with this address
      expect(row.failures).toBe(6);
      expect(row.locked_until!.getTime() - Date.now()).toBeGreaterThan(50_000);
      expect(row.locked_until!.getTime() - Date.now()).toBeLessThanOrEqual(60_000);
      // Lock over: the right password works and clears the account's counter.
      await sql`update sign_in_throttle set locked_until = now() - interval '1 second'`.execute(t.database.db);
      expect((await client.post('/connexion', { email: 'lock@example.fr', password: PASSWORD })).headers.location).toBe('/compte');
    });

    it('locks an address that tries many accounts', async () => {
      const client = new TestClient(t.app);
      await client.get('/connexion');
      for (let i = 0; i < 20; i++) await client.post('/connexion', { email: `user${i}@example.fr`, password: 'mauvais mot de passe' });
      const res = await client.post('/connexion', { email: 'another@example.fr', password: 'mauvais mot de passe' });
      expect(res.statusCode).toBe(429);
    });

    it('rotates the session at sign-in and really ends it at sign-out', async () => {
      await activeAccount('rot@example.fr');
      const client = new TestClient(t.app);
      const hashes = async () => (await t.database.db.selectFrom('sessions').select('id_hash').execute()).map((s) => s.id_hash);
      const others = await hashes();
      const form = await client.get('/connexion');
      expect((await hashes()).filter((h) => !others.includes(h))).toEqual([]); // the form's token rides on a signed cookie, no row
      const anonymousId = decodeURIComponent(form.cookies.find((c) => c.name === 'sid')!.value).split('.')[0]!;
      const anonymous = createHash('sha256').update(anonymousId).digest('hex');
      await client.post('/connexion', { email: 'rot@example.fr', password: PASSWORD });
      const after = await hashes();
      expect(after).not.toContain(anonymous);
      expect(after.filter((h) => !others.includes(h))).toHaveLength(1);
      await client.get('/compte');
      await client.post('/deconnexion', {});
      expect(await t.database.db.selectFrom('sessions').select('id_hash').where('user_id', 'is not', null).execute()).toEqual([]);
      const back = await client.get('/compte');
      expect(back.statusCode).toBe(303);
      expect(back.headers.location).toBe('/connexion?retour=%2Fcompte');
    });

    it('returns to the page asked for after sign-in, never to another site', async () => {
      await activeAccount('ret@example.fr');
      const client = new TestClient(t.app);
      await client.get('/connexion?retour=/compte/suppression');
      const res = await client.post('/connexion', { email: 'ret@example.fr', password: PASSWORD, retour: '/compte/suppression' });
      expect(res.headers.location).toBe('/compte/suppression');
      const evil = new TestClient(t.app);
      await evil.get('/connexion');
      const res2 = await evil.post('/connexion', { email: 'ret@example.fr', password: PASSWORD, retour: '//evil.example/x' });
      expect(res2.headers.location).toBe('/compte');
    });
  });

  describe('password reset', () => {
    it('answers the same for a known and an unknown address; the 1-hour link sets a new password once and ends other sessions', async () => {
      const client = new TestClient(t.app);
      await signUp(client, 'particulier', { given_name: 'Eva', family_name: 'Blanc', email: 'eva@example.fr' });
      await activate(client, 'eva@example.fr');
      const other = new TestClient(t.app);
      await other.get('/connexion');
      await other.post('/connexion', { email: 'eva@example.fr', password: PASSWORD });
      expect((await other.get('/compte')).statusCode).toBe(200);

      await client.get('/mot-de-passe-oublie');
      const known = await client.post('/mot-de-passe-oublie', { email: 'eva@example.fr' });
      await client.get('/mot-de-passe-oublie');
      const unknown = await client.post('/mot-de-passe-oublie', { email: 'ghost@example.fr' });
      expect(textOf(known.body)).toBe(textOf(unknown.body));
      expect(await emailCount(t.app, 'ghost@example.fr')).toBe(0);

      const mail = await lastEmailTo(t.app, 'eva@example.fr');
      expect(mail.subject).toBe('Choisissez un nouveau mot de passe');
      const token = await t.database.db.selectFrom('account_tokens').select(['expires_at', 'token_hash']).where('purpose', '=', 'password_reset').executeTakeFirstOrThrow();
      expect(token.expires_at.getTime() - Date.now()).toBeGreaterThan(3_500_000);
      expect(token.expires_at.getTime() - Date.now()).toBeLessThanOrEqual(3_600_000);
      expect(mail.text).not.toContain(token.token_hash);

      await client.get(mail.link!);
      const weak = await client.post(mail.link!, { password: 'azertyuiopqsdf' });
      expect(textOf(weak.body)).toContain('trop facile à deviner');
      const done = await client.post(mail.link!, { password: 'nouvelle phrase de passe solide' });
      expect(done.headers.location).toBe('/connexion');
      expect((await other.get('/compte')).statusCode).toBe(303); // the other session ended
      expect(textOf((await client.get(mail.link!)).body)).toContain('Ce lien a déjà été utilisé.');
      await client.get('/connexion');
      expect((await client.post('/connexion', { email: 'eva@example.fr', password: 'nouvelle phrase de passe solide' })).headers.location).toBe('/compte');
    });
  });

  it('the user deletes the account after confirming the password: data erased, audit trace kept', async () => {
    const client = new TestClient(t.app);
    await signUp(client, 'particulier', { given_name: 'Zoé', family_name: 'Garnier', email: 'zoe@example.fr' });
    await activate(client, 'zoe@example.fr');
    await client.get('/connexion');
    await client.post('/connexion', { email: 'zoe@example.fr', password: PASSWORD });
    await client.get('/compte/suppression');
    const wrong = await client.post('/compte/suppression', { password: 'pas le bon' });
    expect(textOf(wrong.body)).toContain('Le mot de passe est incorrect');
    const res = await client.post('/compte/suppression', { password: PASSWORD });
    expect(textOf(res.body)).toContain('Votre compte et vos données personnelles ont été effacés');
    expect(await t.database.db.selectFrom('accounts').select('id').execute()).toEqual([]);
    expect(await t.database.db.selectFrom('connection_history').select('id').execute()).toEqual([]);
    const trail = await t.database.db.selectFrom('audit_events').select(['action', 'details']).orderBy('id').execute();
    expect(trail.map((e) => e.action)).toEqual(['account.created', 'account.activated', 'account.signed_in', 'account.deletion_password_failed', 'account.deleted_by_user']);
    expect(JSON.stringify(trail)).not.toContain('zoe@example.fr');
    expect((await lastEmailTo(t.app, 'zoe@example.fr')).subject).toBe('Votre compte a été supprimé');
  });

  it('throttles the password asked to delete the account: a stolen session cannot guess it', async () => {
    const client = new TestClient(t.app);
    await signUp(client, 'particulier', { given_name: 'Yves', family_name: 'Garnier', email: 'yves@example.fr' });
    await activate(client, 'yves@example.fr');
    await client.get('/connexion');
    await client.post('/connexion', { email: 'yves@example.fr', password: PASSWORD });
    await client.get('/compte/suppression');
    let refusedRight = '';
    for (let i = 0; i < 8; i++) {
      const text = textOf((await client.post('/compte/suppression', { password: `devine-${i}` })).body);
      if (text.includes('Trop de mots de passe erronés')) {
        refusedRight = textOf((await client.post('/compte/suppression', { password: PASSWORD })).body);
        break;
      }
      expect(text).toContain('Le mot de passe est incorrect');
    }
    expect(refusedRight).toContain('Trop de mots de passe erronés : réessayez à partir du');
    expect(await t.database.db.selectFrom('accounts').select('id').where('email', '=', 'yves@example.fr').execute()).toHaveLength(1);
  });
});
