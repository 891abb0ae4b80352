import { describe, expect, it } from 'vitest';
import { MOBILE } from '../helpers/browser.ts';
import { pageChecks, useE2E } from '../helpers/e2e.ts';

const PUBLIC_PAGES = [
  '/',
  '/demarches/carte-grise',
  '/demarches/permis-de-conduire',
  '/demarches/carte-identite-passeport',
  '/cgu',
  '/cgu?version=1',
  '/agence',
  '/formulaires-cerfa',
  '/actualites',
  '/fermeture-du-portail',
  '/contact',
  '/contact/envoye',
  '/mentions-legales',
  '/donnees-personnelles',
  '/cookies',
  '/accessibilite',
  '/plan-du-site',
  '/simulateur-taxes',
  '/simulateur-taxes?procedure=holder_change&region=IDF&category=M1&fiscal_power=5&energy=EL&first_registration_date=2020-03-01',
  '/simulateur-taxes?procedure=holder_change&region=IDF',
  '/page-inexistante',
  '/dev/outbox',
];

describe('public pages in Chromium', () => {
  const e2e = useE2E({ seed: 'none' });

  it('home page renders with JavaScript off and a visitor reaches a procedure page through the navigation', async () => {
    const page = await e2e.newPage({ javaScriptEnabled: false });
    await page.goto(`${e2e.baseUrl}/`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Portail des titres sécurisés');
    expect(await page.locator('.fr-card__title').allTextContents()).toEqual([
      'Carte grise',
      'Permis de conduire',
      'Carte d’identité et passeport',
    ]);
    await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Permis de conduire' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Permis de conduire');
    expect(await page.getByRole('link', { name: 'Permis de conduire', exact: true }).first().getAttribute('aria-current')).toBe('page');
    await page.context().close();
  });

  it('the main navigation is reached through the "Menu" link at 375 px without JavaScript', async () => {
    const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await page.goto(`${e2e.baseUrl}/`);
    const nav = page.getByRole('navigation', { name: 'Menu principal' });
    expect(await nav.isVisible()).toBe(false);
    await page.locator('header').getByRole('link', { name: 'Menu', exact: true }).click();
    expect(await nav.isVisible()).toBe(true);
    expect(await nav.getByRole('link', { name: 'Carte grise' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Se connecter' }).first().isVisible()).toBe(true);
    await page.context().close();
  });

  it('axe finds no violation on any public page, and the page breaks no CSP rule', async () => {
    const page = await e2e.newPage();
    for (const url of PUBLIC_PAGES) {
      await page.goto(`${e2e.baseUrl}${url}`);
      await pageChecks(page);
    }
    expect(page.consoleErrors.filter((e) => /Content Security Policy|Refused to/.test(e))).toEqual([]);
    await page.context().close();
  });

  it('no public page scrolls sideways at 375 px (nor has an axe violation there)', async () => {
    const page = await e2e.newPage(MOBILE);
    for (const url of PUBLIC_PAGES) {
      await page.goto(`${e2e.baseUrl}${url}`);
      await pageChecks(page);
    }
    await page.context().close();
  });

  it('the skip link moves keyboard focus to the main content', async () => {
    const page = await e2e.newPage();
    await page.goto(`${e2e.baseUrl}/cgu`);
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent);
    expect(focused).toBe('Contenu');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => location.hash)).toBe('#contenu');
    await page.context().close();
  });
});
