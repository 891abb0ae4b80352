import { request as httpRequest } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../src/demo/seed.ts';
import { createTestApp, TestClient, type TestApp } from '../helpers/app.ts';
import { HeldRoute } from '../helpers/held-route.ts';
import { signInUser } from '../helpers/users.ts';

/**
 * The waiting room with a limit of 2 requests in progress: two requests held open on a test route
 * fill the node, then newcomers, signed-in users, form fillers and payment returns arrive.
 */
let t: TestApp;
let app: FastifyInstance;
const held = new HeldRoute();

beforeAll(async () => {
  t = await createTestApp({ ADMISSION_MAX_CONCURRENT: '2', ADMISSION_RETRY_SECONDS: '7' }, held.register);
  app = t.app;
  await seedDemoData(t.database.db, app.config);
});
afterAll(() => t.close());

const until = async (check: () => boolean) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
};

/** Holds two requests in progress until the returned function is called. */
async function fillTheNode(): Promise<() => Promise<void>> {
  const release = await held.fill(app, 2);
  return async () => {
    await release();
    await until(() => app.admission.stats().inFlight === 0);
  };
}

describe('waiting room', () => {
  let release: () => Promise<void>;

  it('serves a newcomer normally while the node has room', async () => {
    const res = await app.inject({ url: '/', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-admission']).toBeUndefined();
    expect(res.body).toContain('<h1>Portail des titres sécurisés</h1>');
  });

  it('sends a newcomer to the waiting room past the limit: 503, Retry-After, automatic reload, no page computed, no session written', async () => {
    release = await fillTheNode();
    try {
      const before = await t.database.db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const res = await app.inject({ url: '/vehicules?tri=date', headers: { accept: 'text/html,application/xhtml+xml' } });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('7');
      expect(res.headers['refresh']).toBe('7');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.body).toContain('<h1>Salle d’attente</h1>');
      expect(res.body).toContain('toutes les 7 secondes');
      // only what is known: a place kept, the automatic reload; no rank, no time (issue 20)
      expect(res.body).toContain('Une place vous est gardée dans la file d’attente');
      expect(res.body).not.toMatch(/position|tête de la file|estimé|minute/);
      // "Réessayer maintenant" reloads the very page asked for; the other link stops the reload
      expect(res.body).toContain('<a class="fr-btn" href="/vehicules?tri=date">Réessayer maintenant</a>');
      expect(res.body).toContain('href="/vehicules?tri=date&amp;attente=manuelle">Arrêter le rechargement automatique</a>');
      expect(res.body).not.toContain('<script');
      expect(res.body).not.toContain('http-equiv="refresh"');
      const after = await t.database.db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(after.n).toBe(before.n);
      expect(app.admission.stats().inFlight).toBe(2);
    } finally {
      await release();
    }
  });

  it('lets the visitor stop the automatic reload and resume it (RGAA 13.1.1)', async () => {
    release = await fillTheNode();
    try {
      const res = await app.inject({ url: '/?attente=manuelle', headers: { accept: 'text/html' } });
      expect(res.statusCode).toBe(503);
      expect(res.headers['refresh']).toBeUndefined();
      expect(res.headers['retry-after']).toBe('7');
      expect(res.body).toContain('Le rechargement automatique est arrêté');
      expect(res.body).toContain('<a class="fr-btn fr-btn--secondary" href="/">Reprendre le rechargement automatique</a>');
    } finally {
      await release();
    }
  });

  it('answers machines (no text/html in Accept) with a bare 503 and Retry-After', async () => {
    release = await fillTheNode();
    try {
      const res = await app.inject({ url: '/', headers: { accept: 'application/json' } });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('7');
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.body).toBe('Service très demandé : réessayez dans 7 secondes.\n');
    } finally {
      await release();
    }
  });

  it('always serves a signed-in user, the back office, assets and payment returns', async () => {
    const camille = await signInUser(app, 'demo.particulier@example.fr');
    release = await fillTheNode();
    try {
      const account = await camille.get('/compte');
      expect(account.statusCode).toBe(200);
      expect(account.body).toContain('Camille');
      const paymentReturn = await app.inject({ url: '/paiement/retour', headers: { accept: 'text/html' } });
      expect(paymentReturn.statusCode).toBe(303);
      expect(paymentReturn.headers.location).toBe('/vehicules');
      const agents = await app.inject({ url: '/agents/connexion', headers: { accept: 'text/html' } });
      expect(agents.statusCode).toBe(200);
      expect(agents.body).toContain('name="_csrf"');
      const probe = await app.inject({ url: '/healthz', headers: { accept: 'application/json' } });
      expect(probe.statusCode).toBe(200);
      expect(probe.json()).toEqual({ status: 'ok' });
    } finally {
      await release();
    }
  });

  it('does not let the cookie of the sign-in form (anyone can take one and keep it) post the form past a full node', async () => {
    const visitor = new TestClient(app);
    await visitor.get('/connexion'); // the form: the session that carries its CSRF token is written now
    release = await fillTheNode();
    try {
      const res = await visitor.post('/connexion', { email: 'demo.particulier@example.fr', password: 'demo demo demo demo' });
      expect(res.statusCode).toBe(503);
      expect(res.body).toContain('<h1>Salle d’attente</h1>');
    } finally {
      await release();
    }
    await visitor.get('/connexion'); // the waiting page reloads the form once there is room
    const res = await visitor.post('/connexion', { email: 'demo.particulier@example.fr', password: 'demo demo demo demo' });
    expect(res.statusCode).toBe(303);
  });

  it('does not let the cookie of the sign-in form (anyone can take one) open any other page', async () => {
    const bot = new TestClient(app);
    await bot.get('/connexion'); // a signed, cookie-only session, no sign-in
    release = await fillTheNode();
    try {
      const res = await bot.get('/');
      expect(res.statusCode).toBe(503);
      expect(res.body).toContain('<h1>Salle d’attente</h1>');
      expect((await bot.get('/cgu')).statusCode).toBe(503);
    } finally {
      await release();
    }
  });

  it('does not let a forged session cookie jump the queue', async () => {
    release = await fillTheNode();
    try {
      const res = await app.inject({ url: '/', headers: { accept: 'text/html', cookie: 'sid=n1mporte-quoi.Zm9yZ2Vk' } });
      expect(res.statusCode).toBe(503);
      expect(res.body).toContain('<h1>Salle d’attente</h1>');
    } finally {
      await release();
    }
  });

  it('serves newcomers again once the requests in progress end, and counts those it sent to wait', async () => {
    const waitedBefore = app.admission.stats().waited;
    release = await fillTheNode();
    const waiting = await app.inject({ url: '/', headers: { accept: 'text/html' } });
    expect(waiting.statusCode).toBe(503);
    await release();
    const res = await app.inject({ url: '/', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Portail des titres sécurisés</h1>');
    expect(app.admission.stats().waited).toBe(waitedBefore + 1);
  });

  it('frees the place of a request whose client went away', async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    held.close();
    const req = httpRequest({ host: '127.0.0.1', port, path: '/test/occupe' });
    req.on('error', () => undefined);
    req.end();
    await until(() => app.admission.stats().inFlight === 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(app.admission.stats().inFlight).toBe(1); // a request still being answered keeps its place
    req.destroy();
    await until(() => app.admission.stats().inFlight === 0);
    held.open();
  });
});
