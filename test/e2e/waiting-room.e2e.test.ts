import { describe, expect, it } from 'vitest';
import { MOBILE } from '../helpers/browser.ts';
import { pageChecks, useE2E } from '../helpers/e2e.ts';
import { overloadedUntil } from '../helpers/raw-http.ts';

/**
 * The waiting room as a visitor sees it in Chromium (issue 20): the node full (one request held open on
 * a test route, limit 1), a new visitor gets the DSFR "Salle d'attente" page with their place, at 375 px
 * without JavaScript and at 1280 px with it — axe clean, no sideways scroll; once the node is free, the
 * same address serves the page.
 */
let openGate: () => void = () => undefined;
let gate: Promise<void> = Promise.resolve();

describe('the waiting room in Chromium', () => {
  const e2e = useE2E({
    seed: 'none',
    env: { ADMISSION_MAX_CONCURRENT: '1', ADMISSION_RETRY_SECONDS: '5' },
    extend: (app) => {
      app.get('/test/occupe', async () => {
        await gate;
        return 'fini';
      });
    },
  });

  it('shows a full node as a waiting page with the visitor’s place, then lets them in', async () => {
    gate = new Promise((resolve) => (openGate = resolve));
    const held = fetch(`${e2e.baseUrl}/test/occupe`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 300)); // the held request has taken the node's only place
    try {
      for (const options of [{ ...MOBILE, javaScriptEnabled: false }, { javaScriptEnabled: true }]) {
        const page = await e2e.newPage(options);
        const res = await page.goto(`${e2e.baseUrl}/`);
        expect(res?.status()).toBe(503);
        expect(await page.locator('h1').textContent()).toBe('Salle d’attente');
        expect(await page.locator('main').textContent()).toContain('Une place vous est gardée dans la file d’attente');
        expect(await page.locator('main').textContent()).not.toMatch(/position|tête de la file|minute/);
        await pageChecks(page);
        await page.context().close();
      }
    } finally {
      openGate();
    }
    expect(await held).toBe('fini');
    const page = await e2e.newPage({ javaScriptEnabled: false });
    const res = await page.goto(`${e2e.baseUrl}/`);
    expect(res?.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('Portail des titres sécurisés');
    await page.context().close();
  });
});

describe('the waiting room of an overloaded node in Chromium', () => {
  const e2e = useE2E({ seed: 'none', env: { ADMISSION_MAX_LOOP_DELAY_MS: '200', ADMISSION_RETRY_SECONDS: '5' } });

  it('shows the page prepared for an overloaded node: 503, the French text, axe-clean at 375 px without JavaScript', async () => {
    const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    try {
      // the server's event loop held 250 ms at a time while the browser navigates (the overload, forced)
      const res = await overloadedUntil(page.goto(`${e2e.baseUrl}/cgu`));
      expect(res?.status()).toBe(503);
      expect(await page.locator('h1').textContent()).toBe('Salle d’attente');
      expect(await page.locator('main').textContent()).toContain('Le portail est saturé en ce moment');
      expect(await page.locator('a', { hasText: 'Réessayer maintenant' }).getAttribute('href')).toBe('/cgu');
      expect(await page.locator('script').count()).toBe(0);
      await pageChecks(page);
    } finally {
      await page.context().close();
    }
  });
});
