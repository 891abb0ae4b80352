import { describe, expect, it } from 'vitest';
import { MOBILE } from '../helpers/browser.ts';
import { pageChecks, useE2E } from '../helpers/e2e.ts';
import { signInUserInBrowser } from '../helpers/users.ts';

const DESKTOP = { viewport: { width: 1280, height: 900 } } as const;

describe('the DSFR header and its menus, in Chromium', () => {
  const e2e = useE2E();

  it('at 375 px with JavaScript, the page title comes first and the keyboard opens and closes the burger menu', async () => {
    const page = await e2e.newPage(MOBILE);
    await signInUserInBrowser(page, e2e.baseUrl, 'demo.particulier@example.fr');
    await page.goto(`${e2e.baseUrl}/compte`);
    const nav = page.getByRole('navigation', { name: 'Menu principal' });
    // the menu is behind the button: the page's own title is near the top (it was ~700 px down)
    expect(await nav.isVisible()).toBe(false);
    const h1 = await page.locator('main h1').boundingBox();
    expect(h1!.y).toBeLessThan(260);
    await pageChecks(page);

    // keyboard only: Tab until the "Menu" button has the focus, Enter opens the modal
    const menuButton = page.getByRole('button', { name: 'Menu', exact: true });
    for (let i = 0; i < 10 && !(await menuButton.evaluate((b) => b === document.activeElement)); i++) await page.keyboard.press('Tab');
    expect(await menuButton.evaluate((b) => b === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await page.locator('#menu-principal.fr-modal--opened').waitFor();
    expect(await menuButton.getAttribute('data-fr-opened')).toBe('true');
    await expect(nav.getByRole('link', { name: 'Mes démarches' }).isVisible()).resolves.toBe(true);
    // the account and sign-out buttons are in the menu too (DSFR copies the header tools)
    await expect(page.locator('#menu-principal').getByRole('button', { name: 'Se déconnecter' }).isVisible()).resolves.toBe(true);
    await page.waitForTimeout(350); // DSFR's opening transition, before axe reads the colours
    await pageChecks(page);
    await page.keyboard.press('Escape');
    await page.locator('#menu-principal.fr-modal--opened').waitFor({ state: 'detached' });
    expect(await nav.isVisible()).toBe(false);
    await expect(menuButton.evaluate((b) => b === document.activeElement)).resolves.toBe(true);

    // and a link of the menu leads where it says
    await menuButton.click();
    await nav.getByRole('link', { name: 'Aide et contact' }).click();
    await page.waitForURL(/\/aide$/);
    expect(page.consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('at 375 px without JavaScript, "Menu" is a link that shows the navigation and the sign-out, "Fermer" hides it', async () => {
    const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await signInUserInBrowser(page, e2e.baseUrl, 'demo.particulier@example.fr');
    await page.goto(`${e2e.baseUrl}/compte`);
    const nav = page.getByRole('navigation', { name: 'Menu principal' });
    expect(await nav.isVisible()).toBe(false);
    expect((await page.locator('main h1').boundingBox())!.y).toBeLessThan(260);
    await pageChecks(page);
    await page.locator('header').getByRole('link', { name: 'Menu', exact: true }).click();
    expect(page.url()).toMatch(/#menu-principal$/);
    await expect(nav.getByRole('link', { name: 'Mes démarches' }).isVisible()).resolves.toBe(true);
    const signOut = page.locator('#menu-principal').getByRole('button', { name: 'Se déconnecter' });
    await expect(signOut.isVisible()).resolves.toBe(true);
    await pageChecks(page);
    await page.locator('#menu-principal').getByRole('link', { name: 'Fermer' }).click();
    expect(await nav.isVisible()).toBe(false);
    // the copy of the sign-out button works: it signs out
    await page.locator('header').getByRole('link', { name: 'Menu', exact: true }).click();
    await signOut.click();
    await expect(page.locator('.fr-alert').first().textContent()).resolves.toContain('Vous êtes déconnecté');
    await page.context().close();
  });

  it('at 1280 px the navigation and the tools are shown once, without a "Menu" button', async () => {
    const page = await e2e.newPage(DESKTOP);
    await signInUserInBrowser(page, e2e.baseUrl, 'demo.particulier@example.fr');
    await page.goto(`${e2e.baseUrl}/compte`);
    await expect(page.getByRole('navigation', { name: 'Menu principal' }).isVisible()).resolves.toBe(true);
    expect(await page.getByRole('button', { name: 'Menu', exact: true }).isVisible()).toBe(false);
    await expect(page.getByRole('button', { name: 'Se déconnecter' }).count()).resolves.toBe(1);
    // the menu holds on one line
    const tops = await page.locator('.fr-nav__item').evaluateAll((items) => [...new Set(items.map((i) => Math.round(i.getBoundingClientRect().top)))]);
    expect(tops).toHaveLength(1);
    await pageChecks(page);
    await page.context().close();
  });

  it('a town hall’s menu and account page show only what a town hall does', async () => {
    const page = await e2e.newPage(DESKTOP);
    await signInUserInBrowser(page, e2e.baseUrl, 'demo.mairie@example.fr');
    await page.goto(`${e2e.baseUrl}/compte`);
    const items = await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link').allTextContents();
    expect(items.filter((t) => !t.includes('(dév.)'))).toEqual(['Accueil', 'Pré-demandes à recueillir', 'Documentation', 'Trouver un lieu', 'Aide et contact']);
    const main = (await page.locator('main').textContent())!;
    expect(main).not.toMatch(/Mon espace véhicule|Mon espace permis|Mes pré-demandes/);
    await page.locator('main').getByRole('link', { name: 'Pré-demandes à recueillir' }).click();
    await page.waitForURL(/\/mairie\/pre-demandes$/);
    // an individual's menu is unchanged
    const citizen = await e2e.newPage(DESKTOP);
    await signInUserInBrowser(citizen, e2e.baseUrl, 'demo.particulier@example.fr');
    const citizenItems = await citizen.getByRole('navigation', { name: 'Menu principal' }).getByRole('link').allTextContents();
    expect(citizenItems).toContain('Mes démarches');
    expect(citizenItems).not.toContain('Pré-demandes à recueillir');
    await page.context().close();
    await citizen.context().close();
  });
});
