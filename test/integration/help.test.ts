import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTICLES, articleBySlug, searchArticles } from '../../src/domains/help/articles.ts';
import { HelpLink } from '../../src/domains/help/pages/help-link.tsx';
import { createTestApp, TestClient, textOf, type TestApp } from '../helpers/app.ts';

describe('help centre', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('lists the articles by section, with the digital assistance points and the ways to contact the agency', async () => {
    const res = await new TestClient(t.app).get('/aide');
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    for (const section of ['Carte grise (certificat d’immatriculation)', 'Permis de conduire', 'Carte d’identité et passeport', 'Mon compte et le portail']) expect(text).toContain(section);
    for (const a of ARTICLES) expect(res.body).toContain(`href="/aide/${a.slug}"`);
    expect(text).toContain('Vous n’avez pas d’ordinateur, de scanner ou d’accès à internet ?');
    expect(text).toContain('points d’accompagnement numérique');
    expect(text).toContain('initiative du ministère de l’Intérieur');
    expect(res.body).toContain('href="/contact"');
    expect(res.body).toContain('href="/aide/reclamations"');
  });

  it('answers the FAQ topics the seed covers: suspension, diploma, military conversion, AM only, driving while waiting, identity card and passport', async () => {
    const client = new TestClient(t.app);
    const expected: [string, string[]][] = [
      ['permis-apres-suspension', ['recommandé de la faire 7 jours avant la fin de la suspension', 'avis de la visite médicale']],
      ['permis-diplome-professionnel', ['validation de diplôme professionnel', 'récépissé de dépôt']],
      ['permis-brevet-militaire', ['continuer à circuler avec le brevet militaire']],
      ['permis-categorie-am', ['seule catégorie AM', 'invalidé ou annulé']],
      ['permis-circuler-en-attendant', ['Premier permis : vous devez attendre', 'attestation de droits à conduire']],
      ['pre-demande-cni-passeport', ['numéro de pré-demande et un QR code', 'prend vos empreintes']],
      ['cni-passeport-tarifs', ['25 € (12,50 € en Guyane)', '86 € (43 € en Guyane)']],
    ];
    for (const [slug, phrases] of expected) {
      const page = await client.get(`/aide/${slug}`);
      expect(page.statusCode, slug).toBe(200);
      for (const phrase of phrases) expect(textOf(page.body), slug).toContain(phrase);
    }
    expect((await client.get('/aide/permis-circuler-en-attendant')).body).toContain('href="https://www.service-public.fr/particuliers/vosdroits/N530"');
  });

  it('searches the articles, accents and case ignored, best title match first', async () => {
    expect(searchArticles('code de cession')[0]!.slug).toBe('code-de-cession');
    expect(searchArticles('CODE CONFIDENTIEL')[0]!.slug).toBe('code-confidentiel');
    expect(searchArticles('neph').map((a) => a.slug)).toContain('neph');
    expect(searchArticles('timbre rembourse')[0]!.slug).toBe('timbre-remboursement');
    expect(searchArticles('numerique photo').map((a) => a.slug)).toContain('photo-signature');
    expect(searchArticles('le')).toEqual([]);
    const client = new TestClient(t.app);
    const found = textOf((await client.get('/aide?q=code+de+cession')).body);
    expect(found).toMatch(/\d+ articles? pour « code de cession »/);
    expect(found).toContain('Le code de cession : où le trouver, combien de temps est-il valable ?');
    expect(textOf((await client.get('/aide?q=zzzzqqq')).body)).toContain('Aucun article pour « zzzzqqq »');
  });

  it('shows an article from the agency’s texts, and 404 for an unknown one', async () => {
    const client = new TestClient(t.app);
    const text = textOf((await client.get('/aide/code-confidentiel')).body);
    expect(text).toContain('Le code confidentiel est un numéro à 5 chiffres');
    expect(text).toContain('« Pour quelqu’un d’autre » : le code est envoyé par courrier au titulaire de la carte grise');
    expect(text).toContain('Cet article ne répond pas à votre question ?');
    const licence = textOf((await client.get('/aide/permis-suivi')).body);
    expect(licence).toContain('Validée par l’administration Le permis vous sera envoyé dans les 15 jours');
    expect((await client.get('/aide/nexistepas')).statusCode).toBe(404);
  });

  it('explains claims and the amicable settlement with their deadlines', async () => {
    const text = textOf((await new TestClient(t.app).get('/aide/reclamations')).body);
    expect(text).toContain('30 jours au plus après l’événement en cause');
    expect(text).toContain('60 jours après sa réception');
    expect(text).toContain('2 mois après réception de votre lettre');
    expect(text).toContain('sans réponse dans ce délai, votre demande est rejetée');
    expect(text).toContain('2 mois après réception de sa réponse');
    expect(text).toContain('ANTS, 18 rue Irénée Carré, BP 70474, 08101 Charleville-Mézières');
    expect(text).toContain('sous 15 jours ouvrés');
  });

  it('gives procedure pages a small « Aide » link to an article', () => {
    const html = renderToString(h(HelpLink, { topic: 'code-de-cession' }));
    expect(html).toContain('href="/aide/code-de-cession"');
    expect(textOf(html)).toBe('Aide : Le code de cession : où le trouver, combien de temps est-il valable ?');
    expect(textOf(renderToString(h(HelpLink, { topic: 'code-confidentiel', label: 'le code confidentiel' })))).toBe('Aide : le code confidentiel');
    expect(renderToString(h(HelpLink, { topic: 'inconnu' }))).toBe('');
  });

  it('every <HelpLink topic> and procedure layout help="…" used in the pages names an existing article', () => {
    const files = (readdirSync('src', { recursive: true }) as string[]).filter((f) => f.endsWith('.tsx')).map((f) => path.join('src', f));
    const topics = files.flatMap((f) => {
      const text = readFileSync(f, 'utf8');
      const links = [...text.matchAll(/<HelpLink[^>]*\stopic="([^"]+)"/g)].map((m) => m[1]!);
      // help="duplicata", or help={step === 'pieces' ? 'pieces-justificatives' : 'autres-demandes'}
      const layouts = [...text.matchAll(/\shelp=(?:"([^"]+)"|\{([^}]*)\})/g)].flatMap((m) => (m[1] ? [m[1]] : [...m[2]!.matchAll(/'([a-z0-9-]+)'(?!\s*\?)/g)].map((q) => q[1]!)));
      return [...links, ...layouts].map((topic) => ({ file: f, topic }));
    });
    expect(topics.map((t) => t.topic)).toEqual(expect.arrayContaining(['duplicata', 'changement-adresse', 'autres-demandes', 'pieces-justificatives', 'code-confidentiel']));
    expect(topics.length).toBeGreaterThan(0);
    expect(topics.filter((t) => !articleBySlug(t.topic))).toEqual([]);
  });
});
