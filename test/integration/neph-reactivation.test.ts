import { describe, expect, it } from 'vitest';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { signInAgent } from '../helpers/agents.ts';
import { signInUser } from '../helpers/users.ts';

/**
 * NEPH reactivation routed by département (driving-licence FAQ): referenced départements go to
 * démarches-simplifiées, the others to the bureau d'éducation routière of the DDT; the licence
 * service keeps the list.
 */
describe('NEPH reactivation by département', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  it('sends a referenced département to démarches-simplifiées and another to its DDT, with the 48-hour delay', async () => {
    const client = new TestClient(t.app);
    const help = await client.get('/aide/neph');
    expect(help.body).toContain('href="/permis/reactivation-neph"');
    const space = await (await signInUser(t.app, 'demo.particulier@example.fr')).get('/permis');
    expect(space.body).toContain('href="/permis/reactivation-neph"');
    const form = await client.get('/permis/reactivation-neph');
    expect(textOf(form.body)).toContain('La démarche dépend de votre département');
    expect(form.body).toContain('<option value="2A"');

    const lyon = textOf((await client.get('/permis/reactivation-neph?departement=69')).body);
    expect(lyon).toContain('69 – Rhône');
    expect(lyon).toContain('Votre département est référencé : faites la demande de réactivation en ligne sur demarches-simplifiees.fr');
    expect(lyon).toContain('comptez 48 heures');

    const ain = textOf((await client.get('/permis/reactivation-neph?departement=01')).body);
    expect(ain).toContain('01 – Ain');
    expect(ain).toContain('bureau de l’éducation routière (BER) de la direction départementale des territoires');
    expect(ain).not.toContain('Votre département est référencé');
  });

  it('refuses an unknown département with a French error next to the field', async () => {
    const res = await new TestClient(t.app).get('/permis/reactivation-neph?departement=00');
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain('Choisissez votre département dans la liste');
    expect(res.body).toContain('href="#champ-departement"');
    // the form sent without a choice, as a browser sends it
    for (const url of ['/permis/reactivation-neph?envoye=oui', '/permis/reactivation-neph?envoye=oui&departement=']) {
      const empty = await new TestClient(t.app).get(url);
      expect(empty.statusCode, url).toBe(400);
      expect(textOf(empty.body)).toContain('Choisissez votre département dans la liste');
    }
  });

  it('the licence service changes the list, audited; a user or another agent cannot', async () => {
    const agent = await signInAgent(new TestClient(t.app), 'agent.permis@example.fr');
    const page = await agent.get('/agents/permis/reactivation-neph');
    expect(page.body).toMatch(/value="69"[^>]*checked/);
    const saved = await agent.post('/agents/permis/reactivation-neph', { departements: ['01', '69', 'ZZ'] });
    expect(saved.statusCode).toBe(303);
    expect(textOf((await agent.get('/agents/permis/reactivation-neph')).body)).toContain('Liste enregistrée : 1 département(s) ajouté(s), 1 retiré(s).');
    const rows = await t.database.db.selectFrom('neph_referenced_departments').select('department').orderBy('department').execute();
    expect(rows.map((r) => r.department)).toEqual(['01', '69']);
    const trail = await t.database.db.selectFrom('audit_events').select(['action', 'details']).where('action', '=', 'licence.neph_departments_changed').executeTakeFirstOrThrow();
    expect(typeof trail.details === 'string' ? JSON.parse(trail.details) : trail.details).toMatchObject({ added: ['01'], removed: ['75'] });
    expect(textOf((await new TestClient(t.app).get('/permis/reactivation-neph?departement=01')).body)).toContain('Votre département est référencé');

    const user = await signInUser(t.app, 'demo.particulier@example.fr');
    const byUser = await user.post('/agents/permis/reactivation-neph', { departements: ['13'] });
    expect([303, 403]).toContain(byUser.statusCode); // the agents' sign-in, or the form refused
    expect(byUser.headers.location ?? '/agents/connexion').toBe('/agents/connexion');
    const other = await signInAgent(new TestClient(t.app), 'agent.cert@example.fr');
    expect((await other.get('/agents/permis/reactivation-neph')).statusCode).toBe(403);
    expect((await other.post('/agents/permis/reactivation-neph', { departements: ['13'] })).statusCode).toBe(403);
    expect((await t.database.db.selectFrom('neph_referenced_departments').select('department').where('department', '=', '13').execute()).length).toBe(0);
  });
});
