import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { postNewProcedure } from '../helpers/users.ts';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';

const CAMILLE = 'demo.particulier@example.fr';
const LUC = 'demo.garage@example.fr';
const TYPED = {
  buyer_birth_name: 'Lemaire',
  buyer_given_names: 'Sophie Anne',
  buyer_birth_date: '15/04/1990',
  buyer_address_line1: '8 rue des Acacias',
  buyer_postcode: '33000',
  buyer_commune: 'Bordeaux',
  buyer_country: 'FRANCE',
  sale_date: '20/11/2026',
  sale_time: '14:30',
  mileage: '84500',
};

describe('a form posted after the session expired (issue 16: nothing typed is lost)', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  const signIn = async (client: TestClient, email: string) => {
    await client.get('/connexion');
    return client.post('/connexion', { email, password: DEMO_PASSWORD });
  };
  const userId = async (email: string) => (await t.database.db.selectFrom('accounts').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
  /** 31 idle minutes: the session no longer signs anyone in. */
  const expire = (email: string) =>
    userId(email).then((id) => t.database.db.updateTable('sessions').set({ last_seen_at: sql<Date>`now() - interval '31 minutes'` }).where('user_id', '=', id).execute());
  const drafts = () => t.database.db.withTables<{ form_drafts: { user_id: number; path: string; field_values: Record<string, string> } }>().selectFrom('form_drafts').selectAll().execute();
  const cookieOf = (client: TestClient) => (client as unknown as { withCookies(h: Record<string, string>): Record<string, string> }).withCookies({}).cookie!;

  /** Camille on the declaration page of her sale, buyer kind chosen. */
  async function camilleOnTheDeclaration() {
    const client = new TestClient(t.app);
    await signIn(client, CAMILLE);
    const page = await client.follow(await postNewProcedure(client, { kind: 'sale_declaration', initiator: 'self', plate: 'AB-123-CD' }));
    await client.post(`${page.url}/code`, { code: DEMO_VEHICLE_CODES['AB-123-CD'] });
    const base = `${page.url}/cession`;
    await client.get(`${base}/commencer`);
    await client.post(`${base}/commencer`, { understood: 'oui' });
    await client.get(`${base}/documents`);
    await client.post(`${base}/documents`, {});
    await client.get(`${base}/acheteur`);
    await client.post(`${base}/acheteur`, { buyer_kind: 'natural' });
    const form = await client.get(`${base}/declaration`);
    expect(form.statusCode).toBe(200);
    return { client, base, path: `${base}/declaration` };
  }

  it('keeps what was typed for the account, refuses the post, and gives it back once after signing in again', async () => {
    const { client, base, path } = await camilleOnTheDeclaration();
    const token = client.csrfToken();
    await expire(CAMILLE);
    const refused = await client.post(path, { ...TYPED, password: 'secret-typed', cession_code: 'ABCDEFGHIJK' }, { csrf: token });
    expect(refused.statusCode).toBe(403);
    const page = textOf(refused.body);
    expect(page).toContain('Session expirée');
    expect(page).toContain('ce que vous avez saisi est conservé');
    expect(refused.body).toContain(`href="/connexion?retour=${encodeURIComponent(path)}"`);
    // the post itself changed nothing: the declaration is not saved
    const procedure = await t.database.db.selectFrom('vehicle_procedures').select('data').where('kind', '=', 'sale_declaration').executeTakeFirstOrThrow();
    expect(JSON.stringify(procedure.data)).not.toContain('Lemaire');
    // kept for Camille only, without the CSRF token, the password nor the code
    const kept = await drafts();
    expect(kept).toHaveLength(1);
    expect(kept[0]!.user_id).toBe(await userId(CAMILLE));
    expect(kept[0]!.path).toBe(path);
    expect(kept[0]!.field_values).toMatchObject({ buyer_birth_name: 'Lemaire', mileage: '84500' });
    expect(Object.keys(kept[0]!.field_values)).not.toContain('_csrf');
    expect(Object.keys(kept[0]!.field_values)).not.toContain('password');
    expect(Object.keys(kept[0]!.field_values)).not.toContain('cession_code');

    // signed in again in the same browser: the sign-in page leads back to the form, filled
    const signInPage = await client.get(`/connexion?retour=${encodeURIComponent(path)}`);
    expect(signInPage.body).toContain(`name="retour" value="${path}"`);
    const back = await client.follow(await client.post('/connexion', { email: CAMILLE, password: DEMO_PASSWORD, retour: path }));
    expect(back.url).toBe(path);
    expect(textOf(back.body)).toContain('Nous avons retrouvé ce que vous aviez saisi');
    expect(back.body).toContain('value="Lemaire"');
    expect(back.body).toContain('value="15/04/1990"');
    expect(back.body).toContain('value="84500"');
    expect(await drafts()).toHaveLength(0); // given back once
    // sent again with a fresh token: the sale goes on
    const sent = await client.post(path, TYPED);
    expect(sent.headers.location).toBe(`${base}/recapitulatif`);
  });

  it('never shows the values to another account signing in on the same browser', async () => {
    const client = new TestClient(t.app);
    await signIn(client, CAMILLE);
    await client.get('/vehicules/demandes/nouvelle');
    const token = client.csrfToken();
    await expire(CAMILLE);
    const refused = await client.post('/vehicules/demandes/nouvelle', { kind: 'sale_declaration', initiator: 'self', plate: 'GH-789-IJ' }, { csrf: token });
    expect(refused.statusCode).toBe(403);
    expect(await drafts()).toHaveLength(1);
    // Luc signs in on the same computer and opens the same page: nothing of Camille's
    await signIn(client, LUC);
    const luc = await client.get('/vehicules/demandes/nouvelle');
    expect(luc.statusCode).toBe(200);
    expect(luc.body).not.toContain('GH-789-IJ');
    expect(textOf(luc.body)).not.toContain('Nous avons retrouvé');
    expect(await drafts()).toHaveLength(1);
    // Camille, signed in again elsewhere, finds it
    const camille = new TestClient(t.app);
    await signIn(camille, CAMILLE);
    const hers = await camille.get('/vehicules/demandes/nouvelle');
    expect(hers.body).toContain('value="GH-789-IJ"');
  });

  it('keeps nothing from a post another site made, one without the expired session\'s token, or an anonymous one', async () => {
    const { client, path } = await camilleOnTheDeclaration();
    const token = client.csrfToken();
    await expire(CAMILLE);
    const cookie = cookieOf(client);
    const body = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const post = (headers: Record<string, string>, fields: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: path, payload: body(fields), headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', cookie, ...headers } });
    // a page of another site makes Camille's browser post (the cookie goes with it; the token cannot be known… or was stolen)
    expect((await post({ origin: 'https://attaquant.example' }, { _csrf: token, ...TYPED })).statusCode).toBe(403);
    expect((await post({ 'sec-fetch-site': 'cross-site' }, { _csrf: token, ...TYPED })).statusCode).toBe(403);
    // without the token, with a made-up one, with another session's
    expect((await post({}, TYPED)).statusCode).toBe(403);
    expect((await post({}, { _csrf: 'x'.repeat(token.length), ...TYPED })).statusCode).toBe(403);
    const other = new TestClient(t.app);
    await signIn(other, LUC);
    await other.get('/vehicules');
    expect((await post({}, { _csrf: other.csrfToken(), ...TYPED })).statusCode).toBe(403);
    // a forged cookie (not signed by the server)
    expect((await post({ cookie: 'sid=forged-session-id' }, { _csrf: token, ...TYPED })).statusCode).toBe(403);
    expect(await drafts()).toHaveLength(0);
    // an anonymous visitor (no session row: the form's token rides on a signed cookie): nobody to give it back to
    const visitor = new TestClient(t.app);
    await visitor.get('/connexion');
    const anonymousToken = visitor.csrfToken();
    expect((await visitor.post('/connexion', { email: CAMILLE, password: 'wrong' }, { csrf: anonymousToken })).statusCode).toBe(401);
    expect(await drafts()).toHaveLength(0);
    // and the control: the very same post from Camille's page is kept
    expect((await post({ referer: `http://localhost:80${path}` }, { _csrf: token, ...TYPED })).statusCode).toBe(403);
    expect(await drafts()).toHaveLength(1);
  });
});
