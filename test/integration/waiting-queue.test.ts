import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClockAt } from '../../src/platform/time.ts';
import { createTestApp, textOf, type TestApp } from '../helpers/app.ts';

/**
 * The waiting room's queue (per node, in memory): with 2 places, two requests held open, visitors
 * sent to wait get a position that they keep across reloads, and a freed place goes to the front.
 */
let t: TestApp;
let app: FastifyInstance;
const gates: (() => void)[] = [];

beforeAll(async () => {
  t = await createTestApp({ ADMISSION_MAX_CONCURRENT: '2', ADMISSION_RETRY_SECONDS: '7' }, (a) => {
    a.get('/test/occupe', async () => {
      await new Promise<void>((resolve) => gates.push(resolve));
      return 'fini';
    });
  });
  app = t.app;
});
afterAll(async () => {
  for (const open of gates.splice(0)) open(); // a failed test leaves no request held
  await t?.close();
});

const until = async (check: () => boolean) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
};

/** A visitor's browser: recognised across reloads by its address, User-Agent and languages (no cookie). */
const rank = (browser: string) => app.admission.queuePosition({ ip: '127.0.0.1', userAgent: `Mozilla/5.0 (${browser})`, acceptLanguage: 'fr-FR' });
const visit = (browser: string, url = '/') => app.inject({ url, headers: { accept: 'text/html', 'user-agent': `Mozilla/5.0 (${browser})`, 'accept-language': 'fr-FR' } });

describe('waiting room queue', () => {
  it('gives each visitor a position kept across reloads, lets the front in first, and puts newcomers behind', async () => {
    const held = [app.inject('/test/occupe'), app.inject('/test/occupe')];
    await until(() => app.admission.stats().inFlight === 2 && gates.length === 2);

    const anna = await visit('Anna');
    const basile = await visit('Basile');
    const chloe = await visit('Chloé');
    expect([anna, basile, chloe].map((r) => r.statusCode)).toEqual([503, 503, 503]);
    expect(anna.headers['refresh']).toBe('7'); // reloads itself without JavaScript
    // the page says a place is kept, never a rank nor a time (issue 20); the rank is read from the node
    for (const res of [anna, basile, chloe]) {
      expect(textOf(res.body)).toContain('Une place vous est gardée dans la file d’attente');
      expect(textOf(res.body)).not.toMatch(/position|tête de la file|minute/);
    }
    expect([rank('Anna'), rank('Basile'), rank('Chloé')]).toEqual([1, 2, 3]);
    expect(app.admission.stats().queued).toBe(3);

    // reloading keeps one's place: Chloé is still third, not sent to the end
    expect((await visit('Chloé')).statusCode).toBe(503);
    expect(rank('Chloé')).toBe(3);

    // one place frees up: it is Anna's, even though Basile reloads first
    gates.shift()!();
    await until(() => app.admission.stats().inFlight === 1);
    const basileAgain = await visit('Basile');
    expect(basileAgain.statusCode).toBe(503);
    expect(rank('Basile')).toBe(2);
    // a newcomer does not take it either: behind Anna, Basile and Chloé
    const david = await visit('David');
    expect(david.statusCode).toBe(503);
    expect(rank('David')).toBe(4);

    const annaIn = await visit('Anna');
    expect(annaIn.statusCode).toBe(200);
    expect(annaIn.body).toContain('<h1>Portail des titres sécurisés</h1>');
    // Anna's page is done: the place is free again, and it goes to the new front, Basile
    expect(app.admission.stats().inFlight).toBe(1);
    expect((await visit('Basile')).statusCode).toBe(200);
    // everyone moved up: Chloé first, David second (his reload stopped, his place kept)
    const davidPaused = await visit('David', '/?attente=manuelle');
    expect(davidPaused.statusCode).toBe(503);
    expect(davidPaused.headers['refresh']).toBeUndefined();
    expect(rank('David')).toBe(2);
    expect(textOf(davidPaused.body)).toContain('Votre place est gardée 60 secondes');
    expect(app.admission.stats().queued).toBe(2);

    gates.shift()!();
    for (const res of await Promise.all(held)) expect(res.body).toBe('fini');
    await until(() => app.admission.stats().inFlight === 0);
    for (const who of ['Chloé', 'David']) expect((await visit(who)).statusCode).toBe(200);
    expect(app.admission.stats().queued).toBe(0);
  });

  it('lets a newcomer into an idle node even while places of visitors who stopped reloading are kept (helper H, issue 20 F1)', async () => {
    const held = [app.inject('/test/occupe'), app.inject('/test/occupe')];
    await until(() => app.admission.stats().inFlight === 2 && gates.length === 2);
    // a burst from six addresses is queued, then its clients go away (they never reload)
    for (let i = 1; i <= 6; i++) {
      const res = await app.inject({ url: '/', remoteAddress: `192.0.2.${i}`, headers: { accept: 'text/html', 'user-agent': `Robot/${i}` } });
      expect(res.statusCode).toBe(503);
    }
    for (const open of gates.splice(0)) open();
    await Promise.all(held);
    await until(() => app.admission.stats().inFlight === 0);
    expect(app.admission.stats().queued).toBe(6);
    // nothing is in progress: the places the queue's front does not come back for are not left empty
    const newcomer = await visit('Élodie');
    expect(newcomer.statusCode).toBe(200);
    expect(newcomer.headers['x-admission']).toBeUndefined();
  });

  it('gives a free place to a newcomer when those ahead stopped reloading, while someone still reloading keeps their turn (issue 20)', async () => {
    startClockAt(new Date(Date.now() + 61_000)); // the places of the tests above are given up (kept a minute)
    const held = [app.inject('/test/occupe'), app.inject('/test/occupe')];
    await until(() => app.admission.stats().inFlight === 2 && gates.length === 2);
    // a burst from six addresses is queued; its clients go away without reloading
    for (let i = 1; i <= 6; i++) {
      const res = await app.inject({ url: '/', remoteAddress: `198.51.100.${i}`, headers: { accept: 'text/html', 'user-agent': `Robot/${i}` } });
      expect(res.statusCode).toBe(503);
    }
    const robot = (i: number) => app.inject({ url: '/', remoteAddress: `198.51.100.${i}`, headers: { accept: 'text/html', 'user-agent': `Robot/${i}` } });
    // two reload periods (7 s each here) later, their places are still kept (a minute), but nobody came back for them…
    startClockAt(new Date(Date.now() + 14_500));
    // …except the third, whose page reloaded while the node was still full: it waits again, in its place
    expect((await robot(3)).statusCode).toBe(503);
    expect(app.admission.queuePosition({ ip: '198.51.100.3', userAgent: 'Robot/3' })).toBe(3);
    gates.shift()!();
    await until(() => app.admission.stats().inFlight === 1);
    expect(app.admission.stats().queued).toBe(6);
    // one place is free and a request is still in progress: the third, who is still there, has it before a newcomer
    expect((await visit('Fanny')).statusCode).toBe(503);
    expect((await robot(3)).statusCode).toBe(200);
    // then the newcomer gets in: the five places ahead of her are kept for visitors who stopped reloading
    const fanny = await visit('Fanny');
    expect(fanny.statusCode).toBe(200);
    expect(fanny.body).toContain('<h1>Portail des titres sécurisés</h1>');
    expect(app.admission.stats().queued).toBe(5);
    for (const open of gates.splice(0)) open();
    await Promise.all(held);
  });
});
