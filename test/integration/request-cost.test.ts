import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { testConfig } from '../../src/config.ts';
import { seedDemoData } from '../../src/demo/seed.ts';
import type { FastifyInstance } from 'fastify';
import { TestClient } from '../helpers/app.ts';
import { openTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { SqlRecorder } from '../helpers/sql-recorder.ts';
import { sellCamillesCar } from '../helpers/sales.ts';
import { signInUser } from '../helpers/users.ts';

/** The SQL budget of a signed-in page (issue 20): the session and its account in one query, then the page's own. */
const SIGNED_IN_PAGE_BUDGET = 3;
/** A whole declaration of sale (test/helpers/sales.ts): 85 statements now; 124 for the 15 requests of a sale before issue 20. */
const SALE_BUDGET = 90;

describe('what one request costs the database', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  const recorder = new SqlRecorder();
  beforeAll(async () => {
    database = await openTestDatabase();
    await seedDemoData(database.db, testConfig());
    app = await buildApp(testConfig({ MAINTENANCE_CACHE_SECONDS: '5' }), recorder.database(database)); // the deployed default: the maintenance notices read once per 5 s
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  const sessionRows = async () => Number((await database.db.selectFrom('sessions').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it(`"Mon espace véhicule" signed in runs at most ${SIGNED_IN_PAGE_BUDGET} SQL statements, session and account read in one`, async () => {
    const client = await signInUser(app, 'demo.particulier@example.fr');
    await client.get('/vehicules'); // a first view may touch the session's last_seen_at (once a minute)
    const statements = await recorder.during(async () => {
      const page = await client.get('/vehicules');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Camille Martin'); // the header's name comes from the account read with the session
      expect(page.body).toContain('<h1>Mon espace véhicule</h1>');
    });
    expect(statements.length, statements.join('\n')).toBeLessThanOrEqual(SIGNED_IN_PAGE_BUDGET);
    expect(statements.filter((s) => /from "sessions"/.test(s))).toHaveLength(1);
    expect(statements.filter((s) => /from "accounts"/.test(s) && !/"sessions"/.test(s))).toEqual([]);
  });

  it('a complete declaration of sale stays within its SQL budget, its audit rows written without a lock', async () => {
    const client = await signInUser(app, 'demo.particulier@example.fr');
    let code = '';
    const statements = await recorder.during(async () => {
      code = await sellCamillesCar(client);
    });
    expect(code).toMatch(/^[A-Z0-9]{11}$/);
    console.log(`declaration of sale: ${statements.length} SQL statements`);
    expect(statements.length, statements.join('\n')).toBeLessThanOrEqual(SALE_BUDGET);
    expect(statements.filter((s) => /pg_advisory/.test(s))).toEqual([]);
  });

  it('anonymous GETs of the public pages and of the sign-in and sign-up forms insert no session row', async () => {
    const before = await sessionRows();
    for (const url of ['/', '/connexion', '/inscription', '/connexion', '/mot-de-passe-oublie', '/simulateur-taxes']) {
      const page = await new TestClient(app).get(url);
      expect(page.statusCode, url).toBe(200);
    }
    const client = new TestClient(app);
    await client.get('/connexion');
    await client.get('/connexion'); // the same browser again
    expect(await sessionRows()).toBe(before);
  });

  it('the sign-in form of an anonymous visitor carries a CSRF token that a POST from the same browser passes, and one from another browser fails', async () => {
    const before = await sessionRows();
    const visitor = new TestClient(app);
    const form = await visitor.get('/connexion');
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    expect(await sessionRows()).toBe(before);
    // the token alone, from a browser without the cookie that goes with it, is refused
    const stranger = new TestClient(app);
    await stranger.get('/'); // no cookie handed out for a page without a form
    const forged = await stranger.post('/connexion', { email: 'demo.particulier@example.fr', password: 'demo demo demo demo' }, { csrf: token });
    expect(forged.statusCode).toBe(403);
    // the visitor's own browser signs in
    const signIn = await visitor.post('/connexion', { email: 'demo.particulier@example.fr', password: 'demo demo demo demo' }, { csrf: token });
    expect(signIn.statusCode).toBe(303);
    expect((await visitor.get('/vehicules')).body).toContain('Camille Martin');
  });
});
