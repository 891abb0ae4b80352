import { describe, expect, it } from 'vitest';
import { type TestApp, TestClient, useSeededApp } from '../helpers/app.ts';

/** Issue 16, found by an outside user: the Atom feed before any article, and the feed announced in the news page's head. */
describe('the news feed', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  it('without any published article, the feed’s <updated> is the app clock’s now, not 1970', async () => {
    expect(await t.database.db.selectFrom('news_articles').select('id').where('published_at', 'is not', null).execute()).toEqual([]);
    const before = Date.now();
    const feed = (await new TestClient(t.app).get('/actualites/flux.atom')).body;
    const updated = /<feed[^]*?<updated>([^<]+)<\/updated>/.exec(feed)?.[1];
    expect(updated).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(updated).not.toMatch(/^1970/);
    // the app clock (test/setup/clock.ts moves it to 1 Dec 2026), not the machine's
    expect(Date.parse(updated!)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(updated!)).toBeLessThanOrEqual(Date.now() + 1000);
    expect(updated!.slice(0, 7)).toBe(new Date().toISOString().slice(0, 7));
  });

  it('is announced in the head of /actualites, and only there', async () => {
    const client = new TestClient(t.app);
    const head = (html: string) => /<head>([^]*)<\/head>/.exec(html)![1]!;
    expect(head((await client.get('/actualites')).body)).toMatch(/<link rel="alternate" type="application\/atom\+xml" href="\/actualites\/flux\.atom" title="Actualités – Agence nationale des titres sécurisés"\/?>/);
    for (const other of ['/', '/agence', '/formulaires-cerfa']) expect(head((await client.get(other)).body)).not.toContain('application/atom+xml');
  });
});
