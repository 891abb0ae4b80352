import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, TestClient, textOf, type TestApp } from '../helpers/app.ts';

describe('public pages', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, (app) => {
      app.get('/test/boom', async () => {
        throw new Error('secret internal detail: password=hunter2');
      });
    });
  });
  afterAll(() => t.close());
  beforeEach(() => t.database.reset());

  it('home page shows the catalogue of procedures and the sign-in entry', async () => {
    const res = await new TestClient(t.app).get('/');
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    for (const family of ['Carte grise', 'Permis de conduire', 'Carte d’identité et passeport']) expect(text).toContain(family);
    expect(res.body).toContain('href="/demarches/carte-grise"');
    expect(res.body).toContain('href="/connexion"');
    expect(text).toContain('Se connecter');
    expect(res.body).toMatch(/<html lang="fr"/);
    expect(res.body).toContain('<title>Accueil - Portail des titres sécurisés</title>');
  });

  it('layout has the République Française block, skip links and the mandatory footer links', async () => {
    const res = await new TestClient(t.app).get('/');
    expect(res.body).toContain('<p class="fr-logo">République<br/>Française</p>');
    expect(res.body).toContain('href="#contenu"');
    expect(res.body).toContain('<main id="contenu"');
    for (const [href, label] of [
      ['/accessibilite', 'Accessibilité : non conforme'],
      ['/mentions-legales', 'Mentions légales'],
      ['/donnees-personnelles', 'Données personnelles'],
      ['/cookies', 'Gestion des cookies'],
      ['/cgu', 'Conditions générales d’utilisation'],
    ]) expect(res.body).toContain(`href="${href}">${label}</a>`);
    // the institutional links of every State site's footer
    for (const site of ['legifrance.gouv.fr', 'info.gouv.fr', 'service-public.fr', 'data.gouv.fr'])
      expect(res.body).toContain(`href="https://www.${site}" rel="noopener">${site}</a>`);
  });

  it('the accessibility statement follows the RGAA model: compliance level, date, contact, remedies, multi-year plan', async () => {
    const text = textOf((await new TestClient(t.app).get('/accessibilite')).body);
    expect(text).toContain('est non conforme avec le référentiel général d’amélioration de l’accessibilité (RGAA), version 4.1');
    expect(text).toContain('Cette déclaration a été établie le 1er décembre 2026.');
    expect(text).toMatch(/Retour d’information et contact .*formulaire de contact/);
    expect(text).toContain('Défenseur des droits');
    expect(text).toMatch(/Schéma pluriannuel de mise en accessibilité 2027-2029 .*2027 .*Audit complet RGAA 4\.1.*2028 .*2029 /);
  });

  it('the sign-up pages show the official FranceConnect button with "Qu’est-ce que FranceConnect ?"', async () => {
    for (const url of ['/inscription', '/inscription/particulier']) {
      const body = (await new TestClient(t.app).get(url)).body;
      expect(body).toMatch(/<a class="fr-connect[^"]*" href="\/connexion\/franceconnect">/);
      expect(body).toContain('Qu’est-ce que FranceConnect ?');
    }
  });

  it('every page linked from the layout exists and has its own title', async () => {
    const client = new TestClient(t.app);
    const pages: [string, string][] = [
      ['/demarches/carte-grise', 'Carte grise'],
      ['/demarches/permis-de-conduire', 'Permis de conduire'],
      ['/demarches/carte-identite-passeport', 'Carte d’identité et passeport'],
      ['/cgu', 'Conditions générales d’utilisation'],
      ['/mentions-legales', 'Mentions légales'],
      ['/donnees-personnelles', 'Données personnelles'],
      ['/cookies', 'Gestion des cookies'],
      ['/accessibilite', 'Déclaration d’accessibilité'],
      ['/plan-du-site', 'Plan du site'],
    ];
    for (const [url, title] of pages) {
      const res = await client.get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toContain(`<h1>${title}</h1>`);
      expect(res.body, url).toContain(`<title>${title} - Portail des titres sécurisés</title>`);
    }
  });

  it('terms of use show the French text in force, the version history, and the English version 1 marked as such', async () => {
    const client = new TestClient(t.app);
    const res = await client.get('/cgu');
    const text = textOf(res.body);
    expect(text).toContain('Version 2, en vigueur depuis le 1er décembre 2026');
    expect(res.body).toContain('<div lang="fr" class="app-terms">');
    expect(text).toContain('1.17. Convention de preuve');
    expect(text).toContain('1.9.1. Créations graphiques, crédits photographiques et vidéo du Portail');
    expect(text).toContain('Historique des versions');
    expect(text).toMatch(/version 1 25 novembre 2026 anglais \(traduction\)/);
    expect(res.body).toContain('href="/cgu?version=1"');

    const v1 = await client.get('/cgu?version=1');
    const v1Text = textOf(v1.body);
    expect(v1Text).toContain('Version 1, en vigueur depuis le 25 novembre 2026');
    expect(v1.body).toContain('<div lang="en" class="app-terms">');
    expect(v1Text).toContain('1.17. Agreement on proof');
    expect(v1Text).toContain('Seul le texte en langue française fait foi (article 1.18)');
    expect(v1.body).toContain('href="/cgu?version=2"');
    expect((await client.get('/cgu?version=42')).statusCode).toBe(404);
  });

  it('neither the footer nor the legal notice offers the site under a free licence: reproduction is prohibited (CGU 1.9.1)', async () => {
    for (const url of ['/', '/mentions-legales', '/cgu']) {
      const text = textOf((await new TestClient(t.app).get(url)).body);
      expect(text, url).not.toContain('etalab');
    }
    const notice = textOf((await new TestClient(t.app).get('/mentions-legales')).body);
    expect(notice).toContain('Toute reproduction totale ou partielle de ce site ou de l’un de ses éléments est interdite');
  });

  it('answers an unknown page with a French 404 page', async () => {
    const res = await new TestClient(t.app).get('/nulle-part');
    expect(res.statusCode).toBe(404);
    expect(textOf(res.body)).toContain('Page non trouvée');
    expect(textOf(res.body)).toContain('La page que vous cherchez est introuvable');
  });

  it('answers a crash with a French 500 page that leaks nothing', async () => {
    const res = await new TestClient(t.app).get('/test/boom');
    expect(res.statusCode).toBe(500);
    const text = textOf(res.body);
    expect(text).toContain('Erreur inattendue');
    expect(text).toContain(`Référence de la requête : ${res.headers['x-request-id']}`);
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toContain('secret internal detail');
    expect(res.body).not.toMatch(/at .*\.ts:\d+/);
  });

  it('sends the security headers: strict CSP without unsafe-inline, nosniff, referrer policy', async () => {
    const res = await t.app.inject({ method: 'HEAD', url: '/' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['strict-transport-security']).toBeUndefined(); // HSTS only in production
  });

  it('keeps a valid incoming request id and makes one otherwise', async () => {
    const kept = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'lb-1234567890' } });
    expect(kept.headers['x-request-id']).toBe('lb-1234567890');
    const made = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'bad id <script>' } });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('compresses pages with brotli or gzip', async () => {
    const br = await t.app.inject({ url: '/cgu', headers: { 'accept-encoding': 'br' } });
    expect(br.headers['content-encoding']).toBe('br');
    const gz = await t.app.inject({ url: '/cgu', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
  });

  it('serves the DSFR from the package and our assets under hashed names, cached for a year', async () => {
    const home = await new TestClient(t.app).get('/');
    const dsfr = /href="(\/assets\/dsfr\/[\d.]+\/dsfr\.min\.css)"/.exec(home.body)?.[1];
    const app = /href="(\/assets\/app\.[0-9a-f]{10}\.css)"/.exec(home.body)?.[1];
    expect(dsfr).toBeDefined();
    expect(app).toBeDefined();
    for (const url of [dsfr!, app!]) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('public, max-age=31536000, immutable');
      expect(res.headers['content-type'], url).toContain('text/css');
      expect(res.headers['set-cookie'], url).toBeUndefined();
    }
    expect((await t.app.inject({ url: '/assets/app.0000000000.css' })).statusCode).toBe(404);
    const br = await t.app.inject({ url: dsfr!, headers: { 'accept-encoding': 'gzip, br' } });
    expect(br.headers['content-encoding']).toBe('br'); // compressed once at start-up, not per request
    expect(br.rawPayload.length).toBeLessThan((await t.app.inject({ url: dsfr! })).rawPayload.length / 4);
  });

  it('reports health and Prometheus metrics', async () => {
    const health = await t.app.inject({ url: '/healthz' });
    expect(health.json()).toEqual({ status: 'ok' });
    await t.app.inject({ url: '/' });
    const metrics = await t.app.inject({ url: '/metrics' });
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/",status="200"\} \d+/);
    expect(metrics.body).toContain('process_cpu_user_seconds_total');
  });
});
