import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';
import { TestClient, useSeededApp, type TestApp } from '../helpers/app.ts';
import { lastEmailTo } from '../helpers/outbox.ts';
import { signInUser } from '../helpers/users.ts';

const EMAIL = 'demo.particulier@example.fr';
const NEW_PASSWORD = 'une toute nouvelle phrase de passe';

describe('a signed-in user changes the password ("Modifier : mot de passe" on the account page)', () => {
  let t: TestApp;
  useSeededApp((app) => (t = app));

  const audited = async (action: string) =>
    (await t.database.db.selectFrom('audit_events').select('id').where('action', '=', action).execute()).length;

  it('the account page links to the change of password, not to "Mot de passe oublié"', async () => {
    const client = await signInUser(t.app, EMAIL);
    const page = await client.get('/compte');
    expect(page.body).toContain('href="/compte/mot-de-passe"');
    expect(page.body).not.toContain('href="/mot-de-passe-oublie"');
  });

  it('refuses a wrong current password, next to the field, and changes nothing', async () => {
    const client = await signInUser(t.app, EMAIL);
    await client.get('/compte/mot-de-passe');
    const res = await client.post('/compte/mot-de-passe', { current_password: 'pas le bon mot de passe', new_password: NEW_PASSWORD });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Le mot de passe actuel est incorrect');
    expect(res.body).toContain('href="#champ-current_password"');
    expect(await audited('account.password_change_failed')).toBe(1);
    expect(await audited('account.password_changed')).toBe(0);
    // the old password still opens the account
    const check = new TestClient(t.app);
    await check.get('/connexion');
    expect((await check.post('/connexion', { email: EMAIL, password: DEMO_PASSWORD })).headers.location).toBe('/compte');
  });

  it('is throttled like sign-in: after 5 wrong current passwords the 6th locks, and even the right one is refused for a while', async () => {
    const client = await signInUser(t.app, EMAIL);
    await client.get('/compte/mot-de-passe');
    for (let i = 0; i < 5; i++) {
      const res = await client.post('/compte/mot-de-passe', { current_password: `mauvais essai ${i}`, new_password: NEW_PASSWORD });
      expect(res.statusCode).toBe(400);
    }
    expect((await client.post('/compte/mot-de-passe', { current_password: 'mauvais essai 6', new_password: NEW_PASSWORD })).statusCode).toBe(429);
    const locked = await client.post('/compte/mot-de-passe', { current_password: DEMO_PASSWORD, new_password: NEW_PASSWORD });
    expect(locked.statusCode).toBe(429);
    expect(locked.body).toContain('Trop d’essais');
    expect(locked.body).toMatch(/réessayer à partir du [^<]*2026/);
    expect(await audited('account.password_changed')).toBe(0);
    // the same lock applies to the sign-in form (same keys)
    const other = new TestClient(t.app);
    await other.get('/connexion');
    expect((await other.post('/connexion', { email: EMAIL, password: DEMO_PASSWORD })).statusCode).toBe(429);
  });

  it('refuses a weak new password or the same one, keeping nothing typed in the page', async () => {
    const client = await signInUser(t.app, EMAIL);
    await client.get('/compte/mot-de-passe');
    const weak = await client.post('/compte/mot-de-passe', { current_password: DEMO_PASSWORD, new_password: 'court' });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('au moins 12 caractères');
    const same = await client.post('/compte/mot-de-passe', { current_password: DEMO_PASSWORD, new_password: DEMO_PASSWORD });
    expect(same.body).toContain('doit être différent du mot de passe actuel');
    expect(same.body).not.toContain(DEMO_PASSWORD);
  });

  it('with the right current password: the new one works, the old one no longer does, other sessions end, this one stays, an email and an audit row', async () => {
    const elsewhere = await signInUser(t.app, EMAIL);
    expect((await elsewhere.get('/compte')).statusCode).toBe(200);
    const client = await signInUser(t.app, EMAIL);
    const before = (await t.database.db.selectFrom('sessions').select('id_hash').where('user_id', 'is not', null).execute()).map((s) => s.id_hash);
    await client.get('/compte/mot-de-passe');
    const res = await client.post('/compte/mot-de-passe', { current_password: DEMO_PASSWORD, new_password: NEW_PASSWORD });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/compte');
    const account = await client.get('/compte');
    expect(account.statusCode).toBe(200);
    expect(account.body).toContain('Votre mot de passe est modifié');
    // this session got a new id; the other one is gone
    const after = (await t.database.db.selectFrom('sessions').select('id_hash').where('user_id', 'is not', null).execute()).map((s) => s.id_hash);
    expect(after).toHaveLength(1);
    expect(before).not.toContain(after[0]);
    expect((await elsewhere.get('/compte')).headers.location).toMatch(/^\/connexion/);
    // old password refused, new one accepted
    const old = new TestClient(t.app);
    await old.get('/connexion');
    expect((await old.post('/connexion', { email: EMAIL, password: DEMO_PASSWORD })).statusCode).toBe(401);
    const fresh = new TestClient(t.app);
    await fresh.get('/connexion');
    expect((await fresh.post('/connexion', { email: EMAIL, password: NEW_PASSWORD })).headers.location).toBe('/compte');
    expect(await audited('account.password_changed')).toBe(1);
    const mail = await lastEmailTo(t.app, EMAIL);
    expect(mail.subject).toBe('Votre mot de passe a été modifié');
    expect(mail.text).toContain('Vos autres connexions ouvertes ont été fermées');
  });

  it('a visitor who is not signed in is sent to the sign-in page', async () => {
    const res = await new TestClient(t.app).get('/compte/mot-de-passe');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/connexion/);
  });
});
