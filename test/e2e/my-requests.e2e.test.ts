import { describe, expect, it } from 'vitest';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { MOBILE } from '../helpers/browser.ts';
import { pageChecks, useE2E } from '../helpers/e2e.ts';
import { signInUserInBrowser } from '../helpers/users.ts';

/** Issue 16: "Mes démarches" and a request's timeline, as a person reads them in Chromium. */
describe('“Mes démarches” and a timeline in a browser', () => {
  const e2e = useE2E();

  it('at 375 px without JavaScript: a started procedure is a draft, tabs and search are links and a form, the request’s timeline reads in order; axe clean', async () => {
    const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await signInUserInBrowser(page, e2e.baseUrl, 'demo.particulier@example.fr');
    await page.goto(`${e2e.baseUrl}/vehicules/demandes/nouvelle`);
    await page.locator('label', { hasText: 'Changement d’adresse' }).first().click();
    await page.getByText('Pour moi-même').click();
    await page.getByLabel('Numéro d’immatriculation').fill('AB-123-CD');
    await page.getByRole('button', { name: 'Commencer la démarche' }).click();
    const file = /\/vehicules\/demandes\/([A-Z0-9-]+)/.exec(page.url())![1]!;
    await page.getByLabel('Code confidentiel').fill(DEMO_VEHICLE_CODES['AB-123-CD']!);
    await page.getByRole('button', { name: 'Valider le code' }).click();

    // the menu's single entry leads to the dashboard (without JavaScript the menu opens as an anchor)
    await page.goto(`${e2e.baseUrl}/`);
    await page.locator('#lien-menu').click();
    await page.locator('#menu-principal').getByRole('link', { name: 'Mes démarches' }).click();
    expect(page.url()).toMatch(/\/mes-demarches$/);
    await page.getByRole('link', { name: /^Brouillons \(\d+\)$/ }).click();
    expect(page.url()).toContain('onglet=brouillons');
    expect(await page.locator('main').textContent()).toContain(file);
    const draft = page.locator('tr', { hasText: file });
    expect(await draft.textContent()).toContain('Démarche à terminer');
    expect(await page.locator('a[aria-current="page"]', { hasText: 'Brouillons' }).count()).toBe(1);
    await pageChecks(page);

    // the demo licence request is in "En cours"; the search finds the draft by its plate typed loosely
    await page.getByRole('link', { name: /^En cours \(\d+\)$/ }).click();
    expect(await page.locator('main').textContent()).toContain('P26-DEMO2345');
    await page.getByLabel('Rechercher une démarche').fill('ab 123 cd');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    expect(await page.locator('main').textContent()).toMatch(/\d+ démarches? trouvées?/);
    await pageChecks(page);
    // the row's title opens the request's page (its other link, « Reprendre la démarche », opens the current step)
    await page.locator('tr', { hasText: file }).getByRole('link', { name: 'Changement d’adresse', exact: true }).click();

    // the request's own page, with its timeline
    expect(page.url()).toContain(`/vehicules/demandes/${file}`);
    const timeline = page.locator('section', { has: page.locator('#historique-demande') });
    const text = (await timeline.textContent())!;
    expect(text.indexOf('Démarche commencée')).toBeGreaterThan(-1);
    expect(text.indexOf('Code confidentiel accepté')).toBeGreaterThan(text.indexOf('Démarche commencée'));
    expect(text).toContain('Vous');
    expect(text).toContain('1er décembre 2026');
    await pageChecks(page);
    expect(page.consoleErrors).toEqual([]);
  });

  it('at 1280 px with JavaScript: the menu holds on one line with “Mes démarches”, the dashboard has no script error; axe clean', async () => {
    const page = await e2e.newPage({ viewport: { width: 1280, height: 900 } });
    await signInUserInBrowser(page, e2e.baseUrl, 'demo.particulier@example.fr');
    await page.goto(`${e2e.baseUrl}/mes-demarches`);
    const items = page.locator('.fr-nav__list > li');
    const tops = await items.evaluateAll((lis) => lis.map((li) => Math.round(li.getBoundingClientRect().top)));
    expect(tops.length).toBeGreaterThanOrEqual(7);
    expect(new Set(tops).size).toBe(1);
    expect(await page.locator('.fr-nav__list a[aria-current="page"]').textContent()).toContain('Mes démarches');
    expect(await page.locator('h1').textContent()).toBe('Mes démarches');
    await pageChecks(page);
    expect(page.consoleErrors).toEqual([]);
  });
});
