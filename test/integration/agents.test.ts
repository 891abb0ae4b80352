import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DEMO_TOTP_SECRET } from '../../src/demo/agents-totp.ts';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';
import { groupSecret, totpAt, totpNow } from '../../src/domains/agents/totp.ts';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { signInAgent } from '../helpers/agents.ts';
import { lastEmailTo } from '../helpers/outbox.ts';

describe('agents: habilitations and accounts administration', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  const agent = (email: string) => signInAgent(new TestClient(t.app), email);
  async function user(email: string, password = DEMO_PASSWORD) {
    const client = new TestClient(t.app);
    await client.get('/connexion');
    return { client, res: await client.post('/connexion', { email, password }) };
  }

  it('a professional asks for the habilitation; the prefecture validates it; the professional sets a password and signs in certified', async () => {
    const pro = new TestClient(t.app);
    await pro.get('/habilitation-siv');
    const sent = await pro.post('/habilitation-siv', {
      company_name: 'Garage des Pins',
      siret: '35600000000048',
      habilitation_number: 'hab-75-0042',
      department: '75',
      contact_given_name: 'Hugo',
      contact_family_name: 'Lambert',
      email: 'hugo@garage-des-pins.example',
      terms: 'oui',
    });
    expect(sent.headers.location).toBe('/habilitation-siv/envoyee');
    expect((await lastEmailTo(t.app, 'hugo@garage-des-pins.example')).subject).toBe('Demande d’habilitation SIV reçue');
    expect(await t.database.db.selectFrom('accounts').select('id').where('email', '=', 'hugo@garage-des-pins.example').execute()).toEqual([]);

    const prefecture = await agent('agent.prefecture@example.fr');
    const list = await prefecture.get('/agents/habilitations?statut=requested');
    expect(textOf(list.body)).toContain('Garage des Pins');
    const id = /href="\/agents\/habilitations\/(\d+)">Garage des Pins/.exec(list.body)![1];
    await prefecture.get(`/agents/habilitations/${id}`);
    const validated = await prefecture.post(`/agents/habilitations/${id}/validate`, {});
    expect(validated.headers.location).toBe(`/agents/habilitations/${id}`);

    const mail = await lastEmailTo(t.app, 'hugo@garage-des-pins.example');
    expect(mail.subject).toBe('Votre compte est prêt : choisissez votre mot de passe');
    await pro.get(mail.link!);
    await pro.post(mail.link!, { password: 'une phrase de passe pour le garage' });
    const { res } = await user('hugo@garage-des-pins.example', 'une phrase de passe pour le garage');
    expect(res.headers.location).toBe('/compte');
    const account = await t.database.db.selectFrom('accounts').selectAll().where('email', '=', 'hugo@garage-des-pins.example').executeTakeFirstOrThrow();
    expect(account.profile).toBe('automotive_professional');
    expect(account.certified).toBe(true);
    expect(account.terms_version).toBe('2');
  });

  it('suspending the habilitation deactivates the account (refused at sign-in, data kept); reinstating restores it', async () => {
    const prefecture = await agent('agent.prefecture@example.fr');
    const row = await t.database.db.selectFrom('siv_habilitations').select(['id', 'account_id']).where('email', '=', 'demo.garage@example.fr').executeTakeFirstOrThrow();
    await prefecture.get(`/agents/habilitations/${row.id}`);
    const missing = await prefecture.post(`/agents/habilitations/${row.id}/suspend`, { reason: '' });
    expect(textOf(missing.body)).toContain('Saisissez le motif de la décision');
    await prefecture.get(`/agents/habilitations/${row.id}`);
    await prefecture.post(`/agents/habilitations/${row.id}/suspend`, { reason: 'Contrôle en cours' });
    expect((await lastEmailTo(t.app, 'demo.garage@example.fr')).text).toContain('Motif : Contrôle en cours');

    const refused = await user('demo.garage@example.fr');
    expect(refused.res.statusCode).toBe(403);
    expect(textOf(refused.res.body)).toContain('Votre compte est désactivé : votre habilitation a été suspendue par la préfecture');
    expect(await t.database.db.selectFrom('accounts').select('status').where('id', '=', row.account_id!).executeTakeFirst()).toEqual({ status: 'deactivated' });

    await prefecture.get(`/agents/habilitations/${row.id}`);
    await prefecture.post(`/agents/habilitations/${row.id}/reinstate`, {});
    expect((await user('demo.garage@example.fr')).res.headers.location).toBe('/compte');
  });

  it('terminating the habilitation deletes the account and its data', async () => {
    const prefecture = await agent('agent.prefecture@example.fr');
    const row = await t.database.db.selectFrom('siv_habilitations').select(['id', 'account_id']).where('email', '=', 'demo.garage@example.fr').executeTakeFirstOrThrow();
    await prefecture.get(`/agents/habilitations/${row.id}`);
    await prefecture.post(`/agents/habilitations/${row.id}/terminate`, { reason: 'Fin d’activité' });
    expect(await t.database.db.selectFrom('accounts').select('id').where('id', '=', row.account_id!).execute()).toEqual([]);
    expect(textOf((await user('demo.garage@example.fr')).res.body)).toContain('Adresse électronique ou mot de passe incorrect');
  });

  it('a prefecture sees only its department; a decision not allowed from the current state is refused', async () => {
    await t.database.db.updateTable('agents').set({ scope: '13' }).where('email', '=', 'agent.prefecture@example.fr').execute();
    const prefecture = await agent('agent.prefecture@example.fr');
    // the demo directory has a validated garage in every département; the Paris request stays out of sight
    const list = await prefecture.get('/agents/habilitations?statut=requested');
    expect(textOf(list.body)).toContain('Aucune demande dans cet état.');
    const row = await t.database.db.selectFrom('siv_habilitations').select(['id', 'company_name']).where('status', '=', 'requested').executeTakeFirstOrThrow();
    expect(textOf((await prefecture.get('/agents/habilitations')).body)).not.toContain(row.company_name);
    expect((await prefecture.get(`/agents/habilitations/${row.id}`)).statusCode).toBe(404);

    await t.database.db.updateTable('agents').set({ scope: '75' }).execute();
    const ok = await agent('agent.prefecture@example.fr');
    await ok.get(`/agents/habilitations/${row.id}`);
    const wrong = await ok.post(`/agents/habilitations/${row.id}/reinstate`, {});
    expect(textOf(wrong.body)).toContain('Cette décision n’est plus possible');
  });

  it('the end of a suspension is typed JJ/MM/AAAA like every other date, its errors naming the field (issue 16)', async () => {
    const operator = await agent('agent.operateur@example.fr');
    const search = await operator.get('/agents/comptes?q=demo.part');
    const id = /href="\/agents\/comptes\/(\d+)">demo.particulier@example.fr/.exec(search.body)![1];
    const page = await operator.get(`/agents/comptes/${id}`);
    expect(page.body).not.toContain('type="date"');
    expect(textOf(page.body)).toContain('Format JJ/MM/AAAA, par exemple 31/12/2026');
    const unreal = await operator.post(`/agents/comptes/${id}/suspendre`, { reason: 'Usage frauduleux suspecté', until: '30/02/2027' });
    expect(textOf(unreal.body)).toContain('La date de fin de la suspension n’existe pas');
    expect(unreal.body).toContain('value="30/02/2027"');
    await operator.get(`/agents/comptes/${id}`);
    await operator.post(`/agents/comptes/${id}/suspendre`, { reason: 'Usage frauduleux suspecté', until: '15/01/2027' });
    const account = await t.database.db.selectFrom('accounts').select(['status', 'suspended_until']).where('email', '=', 'demo.particulier@example.fr').executeTakeFirstOrThrow();
    expect(account.status).toBe('suspended');
    expect(account.suspended_until?.toISOString()).toBe('2027-01-15T00:00:00.000Z');
  });

  it('an operator suspends an account with a reason and an end date, then reactivates it', async () => {
    const operator = await agent('agent.operateur@example.fr');
    const search = await operator.get('/agents/comptes?q=demo.part');
    const id = /href="\/agents\/comptes\/(\d+)">demo.particulier@example.fr/.exec(search.body)![1];
    await operator.get(`/agents/comptes/${id}`);
    const bad = await operator.post(`/agents/comptes/${id}/suspendre`, { reason: '', until: '2001-01-01' });
    expect(textOf(bad.body)).toContain('Saisissez le motif de la suspension');
    expect(textOf(bad.body)).toContain('La fin de la suspension doit être dans le futur');
    const until = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    await operator.post(`/agents/comptes/${id}/suspendre`, { reason: 'Usage frauduleux suspecté', until });
    const mail = await lastEmailTo(t.app, 'demo.particulier@example.fr');
    expect(mail.subject).toBe('Votre compte est suspendu');
    expect(mail.text).toContain('Usage frauduleux suspecté');
    const refused = await user('demo.particulier@example.fr');
    expect(textOf(refused.res.body)).toMatch(/Votre compte est suspendu jusqu’au .* : Usage frauduleux suspecté/);

    await operator.get(`/agents/comptes/${id}`);
    await operator.post(`/agents/comptes/${id}/reactiver`, {});
    expect((await user('demo.particulier@example.fr')).res.headers.location).toBe('/compte');
  });

  it('an operator deletes an account with a reason; the audit keeps who did it', async () => {
    const operator = await agent('agent.operateur@example.fr');
    const acc = await t.database.db.selectFrom('accounts').select('id').where('email', '=', 'demo.entreprise@example.fr').executeTakeFirstOrThrow();
    await operator.get(`/agents/comptes/${acc.id}`);
    await operator.post(`/agents/comptes/${acc.id}/supprimer`, { delete_reason: 'Manquements répétés' });
    expect(await t.database.db.selectFrom('accounts').select('id').where('id', '=', acc.id).execute()).toEqual([]);
    const trail = await t.database.db.selectFrom('audit_events').select(['actor_kind', 'action']).where('subject_id', '=', acc.id).where('action', '=', 'account.deleted').execute();
    expect(trail).toEqual([{ actor_kind: 'agent', action: 'account.deleted' }]);
  });

  it('an operator creates a town hall account; the town hall accepts the terms while setting its password', async () => {
    const operator = await agent('agent.operateur@example.fr');
    await operator.get('/agents/mairies/nouvelle');
    const bad = await operator.post('/agents/mairies/nouvelle', { commune: 'Ville-Neuve', department: '99', email: 'mairie@ville-neuve.example', scanner_count: '0' });
    expect(textOf(bad.body)).toContain('Saisissez un numéro de département valide');
    expect(textOf(bad.body)).toContain('La mairie doit avoir au moins un dispositif de recueil');
    expect(bad.body).toContain('value="Ville-Neuve"');
    await operator.post('/agents/mairies/nouvelle', { commune: 'Ville-Neuve', department: '33', email: 'mairie@ville-neuve.example', scanner_count: '3' });
    const mail = await lastEmailTo(t.app, 'mairie@ville-neuve.example');
    expect(mail.text).toContain('pour 3 dispositif(s) de recueil');
    const townHall = new TestClient(t.app);
    const page = await townHall.get(mail.link!);
    expect(textOf(page.body)).toContain('J’ai lu les conditions générales d’utilisation');
    const noTerms = await townHall.post(mail.link!, { password: 'les clés du beffroi sont bleues' });
    expect(textOf(noTerms.body)).toContain('Cochez la case pour indiquer que vous avez lu les conditions générales d’utilisation');
    const guessable = await townHall.post(mail.link!, { password: 'la mairie choisit une phrase', terms: 'oui' });
    expect(textOf(guessable.body)).toContain('trop facile à deviner'); // contains the address' local part
    await townHall.post(mail.link!, { password: 'les clés du beffroi sont bleues', terms: 'oui' });
    expect((await user('mairie@ville-neuve.example', 'les clés du beffroi sont bleues')).res.headers.location).toBe('/compte');
  });

  it('keeps users and agents apart: a user never reaches the back office, an agent never a user page', async () => {
    const { client } = await user('demo.particulier@example.fr');
    expect((await client.get('/agents')).headers.location).toBe('/agents/connexion');
    expect((await client.get('/agents/comptes')).headers.location).toBe('/agents/connexion');
    const operator = await agent('agent.operateur@example.fr');
    expect((await operator.get('/compte')).headers.location).toBe('/connexion?retour=%2Fcompte');
    // and an agent only reaches the tools of its role
    expect((await operator.get('/agents/habilitations')).statusCode).toBe(403);
    expect(textOf((await operator.get('/agents/habilitations')).body)).toContain('Accès refusé');
  });

  it('an agent with a wrong password is refused with a generic message', async () => {
    const client = new TestClient(t.app);
    await client.get('/agents/connexion');
    const res = await client.post('/agents/connexion', { email: 'agent.operateur@example.fr', password: 'mauvais' });
    expect(res.statusCode).toBe(401);
    expect(textOf(res.body)).toContain('Adresse électronique ou mot de passe incorrect');
  });
});

describe('agents: second factor (TOTP)', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  const OPERATOR = 'agent.operateur@example.fr';
  const auditActions = async () => (await t.database.db.selectFrom('audit_events').select('action').where('actor_kind', '=', 'agent').orderBy('id').execute()).map((r) => r.action);
  const throttle = (key: string) => t.database.db.selectFrom('sign_in_throttle').select(['failures', 'locked_until']).where('key', '=', key).executeTakeFirst();
  const operatorRow = () => t.database.db.selectFrom('agents').selectAll().where('email', '=', OPERATOR).executeTakeFirstOrThrow();

  async function password(email = OPERATOR) {
    const client = new TestClient(t.app);
    await client.get('/agents/connexion');
    const res = await client.post('/agents/connexion', { email, password: DEMO_PASSWORD });
    return { client, res };
  }

  it('the demo agents are enrolled with the demo secret documented in the README', async () => {
    const rows = await t.database.db.selectFrom('agents').select(['email', 'totp_secret', 'totp_confirmed_at']).execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.totp_confirmed_at, row.email).toBeInstanceOf(Date);
      expect(row.totp_secret, row.email).not.toContain(DEMO_TOTP_SECRET);
    }
    expect(textOf(readFileSync('README.md', 'utf8'))).toContain(DEMO_TOTP_SECRET);
  });

  it('a correct password alone does not sign the agent in: the back office stays closed until the code', async () => {
    const { client, res } = await password();
    expect(res.headers.location).toBe('/agents/connexion/code');
    for (const url of ['/agents', '/agents/comptes', '/agents/maintenance'])
      expect((await client.get(url)).headers.location, url).toBe('/agents/connexion');
    const page = await client.get('/agents/connexion/code');
    expect(page.statusCode).toBe(200);
    expect(textOf(page.body)).toContain('Votre mot de passe est correct. Pour terminer la connexion, saisissez le code');
    expect(textOf(page.body)).not.toContain('Opérateur de l’agence (démo)'); // not shown as signed in
    expect(await auditActions()).toEqual(['agent.password_verified']);

    const done = await client.post('/agents/connexion/code', { code: totpNow(DEMO_TOTP_SECRET) });
    expect(done.headers.location).toBe('/agents');
    expect((await client.get('/agents')).statusCode).toBe(200);
    expect(await auditActions()).toEqual(['agent.password_verified', 'agent.signed_in']);
  });

  it('refuses a wrong code with a French message, counts it in the throttle, then locks', async () => {
    const { client } = await password();
    await client.get('/agents/connexion/code');
    const wrong = await client.post('/agents/connexion/code', { code: totpNow(DEMO_TOTP_SECRET) === '000000' ? '111111' : '000000' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('<title>Erreur : ');
    expect(textOf(wrong.body)).toContain('Le code est incorrect ou a expiré : saisissez le code affiché en ce moment par votre application');
    const malformed = await client.post('/agents/connexion/code', { code: '12ab' });
    expect(textOf(malformed.body)).toContain('Le code comporte 6 chiffres');
    const empty = await client.post('/agents/connexion/code', { code: '' });
    expect(textOf(empty.body)).toContain('Saisissez le code à 6 chiffres affiché par votre application d’authentification');
    const { id } = await operatorRow();
    expect((await throttle(`agent-totp:${id}`))?.failures).toBe(2); // the empty field is not an attempt
    expect((await client.get('/agents')).headers.location).toBe('/agents/connexion');

    await client.get('/agents/connexion/code');
    for (let i = 0; i < 4; i++) await client.post('/agents/connexion/code', { code: '999999' === totpNow(DEMO_TOTP_SECRET) ? '888888' : '999999' });
    const locked = await client.post('/agents/connexion/code', { code: totpNow(DEMO_TOTP_SECRET) }); // even the right code, now
    expect(locked.statusCode).toBe(429);
    expect(textOf(locked.body)).toContain('Connexion temporairement bloquée');
    expect((await throttle(`agent-totp:${id}`))?.locked_until).toBeInstanceOf(Date);
    expect(await auditActions()).not.toContain('agent.signed_in');
    expect((await auditActions()).filter((a) => a === 'agent.second_factor_failed')).toHaveLength(6);
  });

  it('accepts a code once: the same code is refused on the next sign-in, in every session', async () => {
    const code = totpNow(DEMO_TOTP_SECRET);
    const first = await password();
    await first.client.get('/agents/connexion/code');
    expect((await first.client.post('/agents/connexion/code', { code })).headers.location).toBe('/agents');

    const second = await password();
    await second.client.get('/agents/connexion/code');
    const replay = await second.client.post('/agents/connexion/code', { code });
    expect(replay.statusCode).toBe(400);
    expect(textOf(replay.body)).toContain('Ce code a déjà été utilisé : attendez le code suivant de votre application');
    expect((await second.client.get('/agents')).headers.location).toBe('/agents/connexion');
    await second.client.get('/agents/connexion/code');
    // the code of the previous step, older than the one used, is refused too
    const older = await second.client.post('/agents/connexion/code', { code: totpAt(DEMO_TOTP_SECRET, Date.now() - 30_000) });
    expect(older.statusCode).toBe(400);
    // the next step's code is a new one
    expect((await second.client.post('/agents/connexion/code', { code: totpAt(DEMO_TOTP_SECRET, Date.now() + 30_000) })).headers.location).toBe('/agents');
  });

  it('an agent without a second factor enrols: secret and otpauth link shown, a first code confirms, never shown again', async () => {
    await t.database.db.updateTable('agents').set({ totp_secret: null, totp_confirmed_at: null, totp_last_step: null }).where('email', '=', OPERATOR).execute();
    const { client, res } = await password();
    expect(res.headers.location).toBe('/agents/connexion/enrolement');
    expect((await client.get('/agents/connexion/code')).headers.location).toBe('/agents/connexion/enrolement');
    const page = await client.get('/agents/connexion/enrolement');
    expect(page.headers['cache-control']).toBe('no-store');
    const text = textOf(page.body);
    expect(text).toContain('Activer la double authentification');
    const secret = /<code id="cle-totp">([A-Z2-7 ]+)<\/code>/.exec(page.body)![1]!.replace(/ /g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(page.body).toContain(`otpauth://totp/Portail%20des%20titres%20s%C3%A9curis%C3%A9s:agent.operateur%40example.fr?secret=${secret}&amp;issuer=`);
    const stored = await operatorRow();
    expect(stored.totp_secret).not.toContain(secret); // encrypted at rest
    expect(stored.totp_confirmed_at).toBeNull();
    expect((await client.get('/agents')).headers.location).toBe('/agents/connexion');

    // reloading shows the same secret (an app already set up stays valid)
    expect((await client.get('/agents/connexion/enrolement')).body).toContain(groupSecret(secret));
    const wrong = await client.post('/agents/connexion/enrolement', { code: totpNow(secret) === '123456' ? '654321' : '123456' });
    expect(wrong.statusCode).toBe(400);
    expect(textOf(wrong.body)).toContain('Le code est incorrect ou a expiré');
    expect(wrong.body).toContain(groupSecret(secret)); // still there to finish the set-up

    const ok = await client.post('/agents/connexion/enrolement', { code: totpNow(secret) });
    expect(ok.headers.location).toBe('/agents');
    expect(textOf((await client.get('/agents')).body)).toContain('La double authentification est activée');
    expect((await operatorRow()).totp_confirmed_at).toBeInstanceOf(Date);
    expect(await auditActions()).toEqual(['agent.password_verified', 'agent.second_factor_failed', 'agent.totp_enrolled', 'agent.signed_in']);

    // from now on: the code page, and the secret is never shown again
    const next = await password();
    expect(next.res.headers.location).toBe('/agents/connexion/code');
    const again = await next.client.get('/agents/connexion/enrolement');
    expect(again.headers.location).toBe('/agents/connexion/code');
    expect(again.body).not.toContain(secret);
    await signInAgent(new TestClient(t.app), OPERATOR, secret);
  });

  it('the pending sign-in expires after 10 minutes; the code pages need a password first', async () => {
    const stranger = new TestClient(t.app);
    expect((await stranger.get('/agents/connexion/code')).headers.location).toBe('/agents/connexion');
    expect((await stranger.get('/agents/connexion/enrolement')).headers.location).toBe('/agents/connexion');

    const { client } = await password();
    await client.get('/agents/connexion/code');
    await sql`update sessions set data = jsonb_set(data, '{agentPending,at}', to_jsonb(${Date.now() - 11 * 60_000}::bigint))`.execute(t.database.db);
    const late = await client.post('/agents/connexion/code', { code: totpNow(DEMO_TOTP_SECRET) });
    expect(late.headers.location).toBe('/agents/connexion');
    expect(textOf((await client.get('/agents/connexion')).body)).toContain('Votre connexion a expiré : saisissez de nouveau votre adresse électronique et votre mot de passe.');
    expect((await client.get('/agents')).headers.location).toBe('/agents/connexion');
  });

  it('a disabled agent, or a session without the second factor, never reaches the back office', async () => {
    const { client } = await password();
    await client.get('/agents/connexion/code');
    await t.database.db.updateTable('agents').set({ status: 'disabled' }).where('email', '=', OPERATOR).execute();
    expect((await client.post('/agents/connexion/code', { code: totpNow(DEMO_TOTP_SECRET) })).headers.location).toBe('/agents/connexion');

    // a session that names an agent without a confirmed second factor is refused too
    await t.database.db.updateTable('agents').set({ status: 'active' }).execute();
    const signedIn = await signInAgent(new TestClient(t.app), OPERATOR);
    await t.database.db.updateTable('agents').set({ totp_confirmed_at: null }).where('email', '=', OPERATOR).execute();
    expect((await signedIn.get('/agents')).headers.location).toBe('/agents/connexion');
  });
});
