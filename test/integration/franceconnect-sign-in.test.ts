import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { lastEmailTo } from '../helpers/outbox.ts';

describe('signing in to the portal with FranceConnect (built-in simulator)', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  /** Clicks "S'identifier avec FranceConnect", picks an identity on the simulator, comes back to the portal. */
  async function franceConnect(client: TestClient, identity: string, action = 'connexion') {
    const login = await client.follow(await client.get('/connexion/franceconnect'));
    expect(textOf(login.body)).toContain('Simulateur FranceConnect');
    return client.follow(await client.submit(/fc-simulateur/, { identite: identity, action }));
  }

  it('a first sign-in asks to accept the terms, then creates a certified account keyed on the pairwise sub', async () => {
    const client = new TestClient(t.app);
    const terms = await franceConnect(client, 'jean-baptiste-de-la-fontaine-dupont');
    expect(terms.url).toBe('/connexion/franceconnect/premiere-connexion');
    expect(textOf(terms.body)).toContain('Bienvenue Jean-Baptiste Marie');
    const refused = await client.post('/connexion/franceconnect/premiere-connexion', {});
    expect(textOf(refused.body)).toContain('Cochez la case pour indiquer que vous avez lu les conditions générales d’utilisation');
    const done = await client.follow(await client.post('/connexion/franceconnect/premiere-connexion', { terms: 'oui' }));
    expect(done.url).toBe('/compte');
    const text = textOf(done.body);
    expect(text).toContain('Compte certifié');
    expect(text).toContain('Jean-Baptiste Marie de La Fontaine-Dupont');
    expect(text).toMatch(/127\.0\.0\.1 FranceConnect/); // the connection history names the method

    const stored = await t.database.db.selectFrom('franceconnect_identities').selectAll().executeTakeFirstOrThrow();
    expect(stored.family_name).toBe('de La Fontaine-Dupont');
    expect(stored.sub.length).toBeGreaterThanOrEqual(22);
    const account = await t.database.db.selectFrom('accounts').selectAll().where('id', '=', stored.account_id).executeTakeFirstOrThrow();
    expect(account.certified).toBe(true);
    expect(account.password_hash).toBeNull();
    expect(account.terms_version).toBe('2');

    // Next time: straight in, same account.
    const again = new TestClient(t.app);
    const second = await franceConnect(again, 'jean-baptiste-de-la-fontaine-dupont');
    expect(second.url).toBe('/compte');
    expect(await t.database.db.selectFrom('accounts').select('id').where('profile', '=', 'individual').where('certified', '=', true).execute()).toHaveLength(1);
    const history = await t.database.db.selectFrom('connection_history').select('method').where('account_id', '=', account.id).execute();
    expect(history.map((h) => h.method)).toEqual(['franceconnect', 'franceconnect']);
  });

  it('keeps a presumed birth date and an empty birthplace for a person born abroad', async () => {
    const client = new TestClient(t.app);
    await franceConnect(client, 'lucia-garcia-fernandez');
    await client.post('/connexion/franceconnect/premiere-connexion', { terms: 'oui' });
    const stored = await t.database.db.selectFrom('franceconnect_identities').selectAll().executeTakeFirstOrThrow();
    expect(stored.birthdate).toBe('1992-11-00');
    expect(stored.birthplace).toBe('');
    expect(stored.birthcountry).toBe('99134');
  });

  it('links to the existing account of the same email only after its password confirms it', async () => {
    const client = new TestClient(t.app);
    const link = await franceConnect(client, 'dominique-bernard');
    expect(link.url).toBe('/connexion/franceconnect/lier');
    expect(textOf(link.body)).toContain('Un compte du portail existe déjà avec l’adresse demo.particulier@example.fr');
    const wrong = await client.post('/connexion/franceconnect/lier', { password: 'pas le bon' });
    expect(textOf(wrong.body)).toContain('Le mot de passe est incorrect');
    expect(await t.database.db.selectFrom('franceconnect_identities').select('sub').execute()).toEqual([]);
    const ok = await client.follow(await client.post('/connexion/franceconnect/lier', { password: DEMO_PASSWORD }));
    expect(ok.url).toBe('/compte');
    expect(textOf(ok.body)).toContain('Votre compte est relié à FranceConnect : il est désormais certifié.');
    const account = await t.database.db.selectFrom('accounts').select(['certified', 'given_name']).where('email', '=', 'demo.particulier@example.fr').executeTakeFirstOrThrow();
    expect(account).toEqual({ certified: true, given_name: 'Camille' });
  });

  it('links through a one-hour link emailed to that address instead', async () => {
    const client = new TestClient(t.app);
    await franceConnect(client, 'dominique-bernard');
    const sent = await client.post('/connexion/franceconnect/lier/courriel', {});
    expect(textOf(sent.body)).toContain('Ouvrez le lien reçu à l’adresse demo.particulier@example.fr');
    const mail = await lastEmailTo(t.app, 'demo.particulier@example.fr');
    expect(mail.subject).toBe('Confirmez la liaison de votre compte avec FranceConnect');
    const other = new TestClient(t.app);
    await other.get(mail.link!);
    const done = await other.follow(await other.post(mail.link!, {}));
    expect(done.url).toBe('/compte');
    expect(await t.database.db.selectFrom('franceconnect_identities').select('email').execute()).toEqual([{ email: 'demo.particulier@example.fr' }]);
    await other.get(mail.link!);
    expect(textOf((await other.post(mail.link!, {})).body)).toContain('Ce lien n’est plus valable');
  });

  it('refuses a tampered callback, a provider failure and a cancelled login, in French, and creates nothing', async () => {
    const cases: [string, string, string][] = [
      ['tampered-state', 'connexion', 'La connexion avec FranceConnect a échoué'],
      ['userinfo-500', 'connexion', 'FranceConnect est momentanément indisponible'],
      ['missing-sub', 'connexion', 'La connexion avec FranceConnect a échoué'],
      ['camille-martin', 'annulation', 'Vous avez annulé la connexion avec FranceConnect.'],
    ];
    for (const [identity, action, message] of cases) {
      const client = new TestClient(t.app);
      const res = await franceConnect(client, identity, action);
      expect(res.statusCode, identity).toBe(400);
      expect(textOf(res.body), identity).toContain(message);
      expect(textOf(res.body), identity).toContain('Réessayer avec FranceConnect');
    }
    expect(await t.database.db.selectFrom('franceconnect_identities').select('sub').execute()).toEqual([]);
  });

  it('refuses a callback replayed without the login that started it', async () => {
    const client = new TestClient(t.app);
    const res = await client.get('/connexion/franceconnect/retour?code=abc&state=xyz');
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain('Votre connexion avec FranceConnect a expiré. Recommencez.');
  });

  it('signs out through the provider and ends the portal session', async () => {
    const client = new TestClient(t.app);
    await franceConnect(client, 'camille-martin');
    await client.post('/connexion/franceconnect/premiere-connexion', { terms: 'oui' });
    await client.get('/compte');
    const out = await client.post('/deconnexion', {});
    expect(String(out.headers.location)).toMatch(/\/fc-simulateur\/session\/end\?.*id_token_hint=/);
    expect(await t.database.db.selectFrom('sessions').select('id_hash').where('user_id', 'is not', null).execute()).toEqual([]);
    expect((await client.get('/compte')).statusCode).toBe(303);
  });
});
