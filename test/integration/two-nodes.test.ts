import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { testConfig } from '../../src/config.ts';
import { createTestApp, TestClient, textOf, type TestApp } from '../helpers/app.ts';

/** Two portal processes ("nodes") on one database, each request of a browser going to the other node. */
describe('two nodes on one database', () => {
  let t: TestApp;
  let second: FastifyInstance;
  beforeAll(async () => {
    t = await createTestApp();
    second = await buildApp(testConfig(), t.database);
    await second.ready();
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('a FranceConnect sign-in started on one node ends on the other: every step of the flow alternates nodes', async () => {
    const client = new TestClient(t.app, second);
    const login = await client.follow(await client.get('/connexion/franceconnect'));
    expect(textOf(login.body)).toContain('Simulateur FranceConnect');
    const terms = await client.follow(await client.submit(/fc-simulateur/, { identite: 'jean-baptiste-de-la-fontaine-dupont', action: 'connexion' }));
    expect(terms.url).toBe('/connexion/franceconnect/premiere-connexion');
    expect(textOf(terms.body)).toContain('Bienvenue Jean-Baptiste Marie');
    const done = await client.follow(await client.post('/connexion/franceconnect/premiere-connexion', { terms: 'oui' }));
    expect(done.url).toBe('/compte');
    expect(textOf(done.body)).toContain('Compte certifié');
    // the provider's state lived in the database, not in either process
    const models = await sql<{ model: string }>`select distinct model from oidc_payloads order by model`.execute(t.database.db);
    expect(models.rows.map((r) => r.model)).toEqual(expect.arrayContaining(['AccessToken', 'AuthorizationCode', 'Grant', 'Session'])); // the interaction, done, is gone
  });

  it('an authorization code is accepted once, whichever node redeems it', async () => {
    const client = new TestClient(t.app, second);
    await client.follow(await client.get('/connexion/franceconnect'));
    const back = await client.submit(/fc-simulateur/, { identite: 'lucia-garcia-fernandez', action: 'connexion' });
    // follow the simulator's redirects up to the portal's callback, without calling it
    let res = back;
    let callback = '';
    for (let i = 0; i < 10 && res.statusCode >= 300 && res.statusCode < 400; i++) {
      const next = new URL(String(res.headers.location), 'http://localhost:3000/');
      if (next.pathname.startsWith('/connexion/franceconnect/retour') || next.searchParams.has('code')) {
        callback = next.pathname + next.search;
        break;
      }
      res = await client.get(next.pathname + next.search);
    }
    expect(callback).toMatch(/code=/);
    const first = await client.follow(await client.get(callback));
    expect(first.url).toBe('/connexion/franceconnect/premiere-connexion');
    const replay = await client.get(callback); // the other node this time
    expect(replay.statusCode).not.toBe(200);
    const after = await client.follow(replay);
    expect(after.url).not.toBe('/compte');
  });

  it('the sign-in throttle counts the attempts made on both nodes together', async () => {
    const client = new TestClient(t.app, second);
    await client.get('/connexion');
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) {
      const res = await client.post('/connexion', { email: `node${i}@example.fr`, password: 'mauvais mot de passe' });
      statuses.push(res.statusCode);
      await client.get('/connexion');
    }
    expect(statuses).toContain(429); // 20 tries per address in all, not 20 per node
    expect(statuses.indexOf(429)).toBeLessThanOrEqual(20);
  });
});
