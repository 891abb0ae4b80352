import { describe, expect, it } from 'vitest';
import { signInAgent } from '../helpers/agents.ts';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { signInUser } from '../helpers/users.ts';

/** Issue 18, public side: the agency and its missions, the news (managed by operators, Atom feed), the CERFA forms, the closure rule. */
describe('agency, news and CERFA pages', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  it('presents the agency and its missions, the CERFA forms with the procedure that needs each, and the closure rule', async () => {
    const client = new TestClient(t.app);
    const agency = textOf((await client.get('/agence')).body);
    expect(agency).toContain('L’agence et ses missions');
    expect(agency).toContain('établissement public administratif placé sous la tutelle du ministère de l’Intérieur');
    const cerfa = await client.get('/formulaires-cerfa');
    const text = textOf(cerfa.body);
    for (const n of ['13750', '13757', '15776', '13753', '14882', '14948', '12100']) {
      expect(text).toContain(`cerfa n° ${n}`);
      expect(cerfa.body).toContain(`href="https://www.service-public.fr/particuliers/recherche?keyword=cerfa%20${n}"`);
    }
    expect(text).toMatch(/cerfa n° 15776 Certificat de cession d’un véhicule d’occasion Délivré par la déclaration de cession en ligne/);
    const closure = textOf((await client.get('/fermeture-du-portail')).body);
    expect(closure).toContain('les comptes sont supprimés après notification de la fin du service');
    const map = await client.get('/plan-du-site');
    for (const href of ['/agence', '/actualites', '/formulaires-cerfa', '/fermeture-du-portail', '/contact']) expect(map.body).toContain(`href="${href}"`);
  });

  it('an operator writes a draft (not public), publishes it: list, article and Atom feed show it; withdrawn, it disappears', async () => {
    const operator = await signInAgent(new TestClient(t.app), 'agent.operateur@example.fr');
    await operator.get('/agents/actualites');
    const invalid = await operator.post('/agents/actualites', { title: '', summary: 'Un chapeau', body: 'Texte' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.body).toContain('<a href="#champ-title">Saisissez le titre</a>');
    expect(invalid.body).toContain('Un chapeau');
    const saved = await operator.post('/agents/actualites', { title: 'Carte grise : la démarche évolue !', summary: 'Le changement de titulaire se fait désormais en ligne.', body: 'Premier paragraphe.\n\nSecond paragraphe <b>sans HTML</b>.' });
    expect(saved.headers.location).toBe('/agents/actualites');
    const visitor = new TestClient(t.app);
    expect(textOf((await visitor.get('/actualites')).body)).toContain('Aucune actualité publiée pour le moment.');
    expect((await visitor.get('/actualites/carte-grise-la-demarche-evolue')).statusCode).toBe(404);

    const admin = await operator.get('/agents/actualites');
    expect(textOf(admin.body)).toMatch(/Carte grise : la démarche évolue ! .* Brouillon/);
    const id = /action="\/agents\/actualites\/(\d+)\/publier"/.exec(admin.body)![1]!;
    await operator.post(`/agents/actualites/${id}/publier`, {});
    const list = textOf((await visitor.get('/actualites')).body);
    expect(list).toContain('Carte grise : la démarche évolue !');
    expect(list).toContain('Publiée le 1er décembre 2026');
    const article = await visitor.get('/actualites/carte-grise-la-demarche-evolue');
    expect(article.statusCode).toBe(200);
    expect(article.body).toMatch(/<p>Second paragraphe &lt;b>sans HTML&lt;\/b>.<\/p>/);
    expect(article.body).not.toContain('<b>sans HTML');
    // sharing (terms 1.9.5): links to each network's own page with this article's address, no script of theirs
    const articleUrl = encodeURIComponent(new URL('/actualites/carte-grise-la-demarche-evolue', t.app.config.publicUrl).href);
    expect(article.body).toContain(`href="https://www.facebook.com/sharer.php?u=${articleUrl}"`);
    expect(article.body).toContain(`https://www.linkedin.com/shareArticle?url=${articleUrl}&amp;title=Carte%20grise%20%3A%20la%20d%C3%A9marche%20%C3%A9volue%20!`);
    expect(textOf(article.body)).toContain('Partager sur Facebook');
    expect(article.body).not.toMatch(/<script[^>]+(facebook|twitter|linkedin)/);
    const feed = await visitor.get('/actualites/flux.atom');
    expect(feed.headers['content-type']).toContain('application/atom+xml');
    expect(feed.body).toContain('<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">');
    expect(feed.body).toContain('<title>Carte grise : la démarche évolue !</title>');
    expect(feed.body).toMatch(/<link rel="alternate" type="text\/html" href="[^"]+\/actualites\/carte-grise-la-demarche-evolue"\/>/);
    const audit = await t.database.db.selectFrom('audit_events').select('action').where('action', 'like', 'news.%').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['news.created', 'news.published']);

    // a second article with the same title gets its own address
    await operator.get('/agents/actualites');
    await operator.post('/agents/actualites', { title: 'Carte grise : la démarche évolue !', summary: 'Suite.', body: 'Suite.', publish: 'oui' });
    expect((await visitor.get('/actualites/carte-grise-la-demarche-evolue-2')).statusCode).toBe(200);

    await operator.get('/agents/actualites');
    await operator.post(`/agents/actualites/${id}/retirer`, {});
    expect((await visitor.get('/actualites/carte-grise-la-demarche-evolue')).statusCode).toBe(404);
    expect((await visitor.get('/actualites/flux.atom')).body).not.toContain('/actualites/carte-grise-la-demarche-evolue"');
  });

  it('keeps the news back office to operators: another agent gets 403, a user or a visitor goes to the agents’ sign-in', async () => {
    const cert = await signInAgent(new TestClient(t.app), 'agent.cert@example.fr');
    expect((await cert.get('/agents/actualites')).statusCode).toBe(403);
    const user = await signInUser(t.app, 'demo.particulier@example.fr');
    expect((await user.get('/agents/actualites')).headers.location).toBe('/agents/connexion');
    expect((await new TestClient(t.app).get('/agents/actualites')).headers.location).toBe('/agents/connexion');
  });
});

describe('town halls’ documentation area', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  it('is in the town hall’s menu and shows its scanners; any other profile gets 403, a visitor the sign-in', async () => {
    const townHall = await signInUser(t.app, 'demo.mairie@example.fr');
    const home = await townHall.get('/');
    expect(home.body).toContain('href="/mairie/documentation"');
    const page = await townHall.get('/mairie/documentation');
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('Documentation des mairies équipées');
    expect(text).toContain('2 dispositifs de recueil d’empreintes digitales enregistrés');
    expect(page.body).toContain('href="/mairie/pre-demandes"');
    for (const email of ['demo.particulier@example.fr', 'demo.garage@example.fr', 'demo.cssr@example.fr']) {
      const other = await signInUser(t.app, email);
      expect((await other.get('/mairie/documentation')).statusCode, email).toBe(403);
    }
    const visitor = await new TestClient(t.app).get('/mairie/documentation');
    expect(visitor.headers.location).toBe('/connexion?retour=%2Fmairie%2Fdocumentation');
  });
});
