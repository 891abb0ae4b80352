import { describe, expect, it } from 'vitest';
import { MOBILE } from '../helpers/browser.ts';
import { pageChecks, useE2E } from '../helpers/e2e.ts';

// A 1×1 PNG: the map's tiles come from the portal itself in tests (no request leaves the machine).
const TILE = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

describe('directory of places in Chromium', () => {
  const e2e = useE2E({
    env: { MAP_TILES_URL: '/tuiles-de-test/{z}/{x}/{y}.png', MAP_TILES_ATTRIBUTION: '© Tuiles de test' },
    extend: (app) => {
      app.get('/tuiles-de-test/:z/:x/:y', (_request, reply) => reply.type('image/png').send(TILE));
    },
  });

  it('with JavaScript on, a postcode search shows the three lists by distance and the map with their markers', async () => {
    const page = await e2e.newPage();
    await page.goto(`${e2e.baseUrl}/lieux`);
    await page.getByLabel('Commune ou code postal').fill('69003');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.waitForURL(/\/lieux\?q=69003/);
    expect(await page.locator('h2#resultats').textContent()).toContain('Les plus proches de Lyon 3e Arrondissement (69003)');
    for (const list of ['#liste-professionnels', '#liste-photographes', '#liste-mairies']) {
      expect(await page.locator(`${list} > li`).count(), list).toBe(10);
      expect(await page.locator(`${list} > li`).first().textContent()).toMatch(/à [\d,]+ k?m/);
    }
    const map = page.locator('#carte');
    await map.locator('.leaflet-tile-loaded').first().waitFor();
    expect(await map.isVisible()).toBe(true);
    expect(await map.getAttribute('class')).toContain('leaflet-container');
    expect(await map.locator('path.leaflet-interactive').count()).toBe(31); // 30 places and the search point
    expect(await map.locator('.leaflet-control-attribution').textContent()).toContain('© Tuiles de test');
    expect(await page.getByRole('button', { name: 'Autour de moi' }).isVisible()).toBe(true);
    await pageChecks(page);
    // the layout's header has no menu links, which the DSFR's HeaderLinks script expects (on every page; not this page's doing)
    expect(page.consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('with JavaScript off, the same search gives the lists without the map; an unknown postcode is explained on the field', async () => {
    const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await page.goto(`${e2e.baseUrl}/lieux`);
    expect(await page.getByRole('button', { name: 'Autour de moi' }).isVisible()).toBe(false);
    await page.getByLabel('Commune ou code postal').fill('99999');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    expect(await page.locator('#error-summary').textContent()).toContain('Le code postal 99999 n’existe pas');
    expect(await page.locator('#champ-q-messages').textContent()).toContain('Le code postal 99999 n’existe pas : vérifiez-le');
    expect(await page.getByLabel('Commune ou code postal').inputValue()).toBe('99999');
    await pageChecks(page);
    await page.getByLabel('Commune ou code postal').fill('69003');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    expect(await page.locator('#carte').isVisible()).toBe(false);
    for (const title of ['Professionnels de l’automobile habilités', 'Photographes et cabines agréés', 'Mairies équipées d’un dispositif de recueil'])
      expect(await page.getByRole('heading', { name: title }).isVisible(), title).toBe(true);
    const first = await page.locator('#liste-mairies > li').first().textContent();
    expect(first).toMatch(/Mairie de Lyon \(démo\)\s*à [\d,]+ km/);
    await pageChecks(page);
    await page.context().close();
  });

  it('at 375 px with JavaScript on, the map fits the screen', async () => {
    const page = await e2e.newPage(MOBILE);
    await page.goto(`${e2e.baseUrl}/lieux?q=Charleville-M%C3%A9zi%C3%A8res&type=mairies`);
    await page.locator('#carte .leaflet-tile-loaded').first().waitFor();
    expect(await page.locator('#liste-mairies > li').first().textContent()).toContain('Mairie de Charleville-Mézières (démo)');
    await pageChecks(page);
    await page.context().close();
  });

  it('"Autour de moi" searches around the browser’s position without putting it in the address', async () => {
    const page = await e2e.newPage({ geolocation: { latitude: 49.77, longitude: 4.72 }, permissions: ['geolocation'] });
    await page.goto(`${e2e.baseUrl}/lieux`);
    await page.getByRole('button', { name: 'Autour de moi' }).click();
    await page.waitForURL(/\/lieux\/autour-de-moi$/);
    expect(await page.locator('h2#resultats').textContent()).toContain('Les plus proches de votre position');
    expect(await page.locator('#liste-mairies > li').first().textContent()).toContain('Mairie de Charleville-Mézières (démo)');
    expect(page.url()).not.toContain('49.77');
    await page.locator('#carte .leaflet-tile-loaded').first().waitFor();
    await page.context().close();
  });
});
