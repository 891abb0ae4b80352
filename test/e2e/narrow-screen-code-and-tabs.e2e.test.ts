import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { MOBILE } from '../helpers/browser.ts';
import { pageChecks, useE2E } from '../helpers/e2e.ts';
import { signInUserInBrowser, startOwnProcedureInBrowser } from '../helpers/users.ts';

const CAMILLE = 'demo.particulier@example.fr';

/** Issue 16, seen by an outside user in Chromium at 375 px: the code de cession on two lines, a bullet before the tabs. */
describe('on a narrow screen: the code de cession on one line, the tabs of “Mes démarches” without bullets', () => {
  const e2e = useE2E();

  /** How the code reads now: its lines (distinct tops of the text's boxes), its font size, whether it leaves its box or the page. */
  const codeLayout = (page: Page) =>
    page.locator('#code-de-cession').evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      const box = el.getBoundingClientRect();
      const callout = el.closest('.fr-callout')!.getBoundingClientRect();
      return {
        lines: tops.size,
        fontPx: parseFloat(getComputedStyle(el).fontSize),
        insideCallout: box.left >= callout.left && box.right <= callout.right,
        pageScrollsSideways: document.documentElement.scrollWidth > document.documentElement.clientWidth,
        text: el.textContent!.trim(),
      };
    });

  it('at 375 px then 320 px: the 11 characters of the code de cession hold on one line, readable, inside the callout', async () => {
    const page = await e2e.newPage({ ...MOBILE });
    page.setDefaultNavigationTimeout(60_000);
    await signInUserInBrowser(page, e2e.baseUrl, CAMILLE);
    await startOwnProcedureInBrowser(page, e2e.baseUrl, 'Déclaration de cession', 'AB-123-CD', DEMO_VEHICLE_CODES['AB-123-CD']!);
    await page.getByRole('link', { name: 'Continuer la déclaration de cession' }).click();
    await page.getByText('J’ai compris ces informations').click();
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    await page.waitForURL(/\/cession\/documents$/);
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    await page.waitForURL(/\/cession\/acheteur$/);
    await page.getByText('Une personne physique', { exact: true }).click();
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    await page.waitForURL(/\/cession\/declaration$/);
    await page.getByLabel('Nom de naissance').fill('Lemaire');
    await page.getByLabel('Prénoms').fill('Sophie Anne');
    await page.getByLabel('Date de naissance').fill('15/04/1990');
    await page.getByLabel('Numéro et voie').fill('8 rue des Acacias');
    await page.getByLabel('Code postal').fill('33000');
    await page.getByLabel('Commune').fill('Bordeaux');
    await page.getByLabel('Date de la vente').fill('20/11/2026');
    await page.getByLabel('Heure de la vente').fill('14:30');
    await page.getByLabel('Kilométrage inscrit au compteur').fill('84 500 km'); // as written on a phone
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    await page.waitForURL(/\/cession\/recapitulatif$/);
    const summary = (await page.locator('main').textContent())!.replace(/\s+/g, ' ');
    expect(summary).toMatch(/Kilométrage ?84\s500 km/u);
    expect(summary).toMatch(/Date de naissance de l’acheteur ?15\/04\/1990/);
    await page.getByText(/Je certifie exactes/).click();
    await page.getByRole('button', { name: 'Valider la déclaration' }).click();
    await page.waitForURL(/\/cession\/fin$/);

    const at375 = await codeLayout(page);
    expect(at375.text).toMatch(/^[A-Z0-9]{11}$/); // what is selected and copied: the code, nothing added
    expect(at375).toMatchObject({ lines: 1, insideCallout: true, pageScrollsSideways: false });
    expect(at375.fontPx).toBeGreaterThanOrEqual(20);
    await pageChecks(page);

    // the smallest phone in use: the code still on one line, inside its callout, without sideways scrolling
    await page.setViewportSize({ width: 320, height: 640 });
    const at320 = await codeLayout(page);
    expect(at320).toMatchObject({ lines: 1, insideCallout: true, pageScrollsSideways: false });
    expect(at320.fontPx).toBeGreaterThanOrEqual(18);
    expect(page.consoleErrors).toEqual([]);
  }, 400_000);

  it('at 375 px: the tabs of “Mes démarches” show no bullet', async () => {
    const page = await e2e.newPage({ ...MOBILE });
    page.setDefaultNavigationTimeout(60_000);
    await signInUserInBrowser(page, e2e.baseUrl, CAMILLE);
    await page.goto(`${e2e.baseUrl}/mes-demarches`);
    const items = page.locator('nav.app-tab-links li');
    expect(await items.count()).toBe(4);
    const markers = await items.evaluateAll((lis) => lis.map((li) => getComputedStyle(li).listStyleType));
    expect(markers).toEqual(['none', 'none', 'none', 'none']);
    await pageChecks(page);
  }, 200_000);
});
