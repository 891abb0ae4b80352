import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../src/demo/seed.ts';
import { createTestApp, TestClient, textOf, type TestApp } from '../helpers/app.ts';
import { HeldRoute } from '../helpers/held-route.ts';
import { signInUser } from '../helpers/users.ts';

/**
 * Issue 20, F2 (helper H): the agents' password post was always served and took no place, so a
 * flood of it (argon2 hashes) never made the node count as full and slowed every signed-in user.
 * Now it takes a place and, on a full node, someone not signed in gets the waiting page, except one
 * such post at a time within its address's budget (agents can still sign in); a signed-in citizen is
 * still served. The node is filled by two held requests (ADMISSION_MAX_CONCURRENT=2); behind a
 * trusted proxy (127.0.0.1), the flood comes from 20 addresses.
 */
let t: TestApp;
let app: FastifyInstance;
const held = new HeldRoute();

beforeAll(async () => {
  t = await createTestApp({ ADMISSION_MAX_CONCURRENT: '2', TRUST_PROXY: '127.0.0.1' }, held.register);
  app = t.app;
  await seedDemoData(t.database.db, app.config);
});
afterAll(() => t.close());

const fillTheNode = () => held.fill(app, 2);

describe('the agents’ sign-in post on a full node', () => {
  it('sends a flood of anonymous agents’ sign-in posts to the waiting room, while a signed-in citizen is served', async () => {
    const camille = await signInUser(app, 'demo.particulier@example.fr');
    // the attacker's form: a session cookie and its CSRF token, taken on the sign-in page
    const attacker = new TestClient(app);
    await attacker.get('/agents/connexion');
    const csrf = attacker.csrfToken();
    const cookie = attacker.cookieHeader();

    const release = await fillTheNode();
    try {
      const flood = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          app.inject({
            method: 'POST',
            url: '/agents/connexion',
            headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', cookie, 'x-forwarded-for': `198.51.100.${i + 1}` },
            payload: new URLSearchParams({ _csrf: csrf, email: `agent${i}@example.fr`, password: 'mauvais-mot-de-passe' }).toString(),
          }),
        ),
      );
      const shed = flood.filter((r) => r.statusCode === 503);
      expect(shed.length).toBeGreaterThanOrEqual(17); // one at a time is let in past the full node
      expect(shed[0]!.headers['x-admission']).toBe('waiting-room');
      const page = textOf(shed[0]!.body);
      expect(page).toContain('Salle d’attente');
      // the form comes back without its password
      expect(shed[0]!.body).toContain('agent');
      expect(shed[0]!.body).not.toContain('mauvais-mot-de-passe');
      for (const r of flood.filter((r) => r.statusCode !== 503)) expect(r.statusCode).toBe(401);

      const account = await camille.get('/compte');
      expect(account.statusCode).toBe(200);
      expect(account.headers['x-admission']).toBeUndefined();
    } finally {
      await release();
    }
    expect(app.admission.stats().inFlight).toBe(0);
  });

  it('counts an agents’ sign-in post among the requests in progress while its password is checked', async () => {
    const attacker = new TestClient(app);
    await attacker.get('/agents/connexion');
    const posting = attacker.post('/agents/connexion', { email: 'personne@example.fr', password: 'mauvais-mot-de-passe' });
    let seen = 0;
    for (let i = 0; i < 500 && seen === 0; i++) {
      seen = app.admission.stats().inFlight;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(seen).toBe(1);
    expect((await posting).statusCode).toBe(401);
    expect(app.admission.stats().inFlight).toBe(0);
  });
});
