import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { MOBILE } from '../helpers/browser.ts';
import { pageChecks, useE2E } from '../helpers/e2e.ts';
import { signInUserInBrowser, startOwnProcedureInBrowser } from '../helpers/users.ts';

const CAMILLE = 'demo.particulier@example.fr';

/** How many lines an element's text takes (distinct tops of its text boxes). */
const linesOf = (page: Page, selector: string) =>
  page.locator(selector).first().evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
  });

/** Issue 16, seen by an outside user at 375 px: « AB-123- » / « CD », « V26- » / « 365SPYXL », the timeline's numbers cut off at the left edge. */
describe('on a narrow screen: plates and file numbers on one line, the timeline without cut-off numbers', () => {
  const e2e = useE2E();

  it('at 375 px then 320 px: the request page and Mes démarches', async () => {
    const page = await e2e.newPage({ ...MOBILE });
    await signInUserInBrowser(page, e2e.baseUrl, CAMILLE);
    await startOwnProcedureInBrowser(page, e2e.baseUrl, 'Déclaration de cession', 'AB-123-CD', DEMO_VEHICLE_CODES['AB-123-CD']!);
    await page.getByRole('link', { name: 'Continuer la déclaration de cession' }).waitFor();
    const file = (await page.locator('.fr-breadcrumb__link[aria-current="page"]').textContent())!.trim();
    expect(file).toMatch(/^V\d{2}-[A-Z0-9]{8}$/);

    for (const width of [375, 320]) {
      await page.setViewportSize({ width, height: 700 });
      // the plate in the title and the file number in the breadcrumb: each on one line, as typed
      expect(await page.locator('h1 .app-nowrap').textContent()).toBe('AB-123-CD');
      expect(await linesOf(page, 'h1 .app-nowrap')).toBe(1);
      expect(await linesOf(page, '.fr-breadcrumb__link[aria-current="page"] .app-nowrap')).toBe(1);
      // the timeline is a list without markers: nothing drawn left of the page's edge
      const markers = await page.locator('.app-thread > li').evaluateAll((items) =>
        items.map((li) => ({ marker: getComputedStyle(li, '::marker').content, left: li.getBoundingClientRect().left })),
      );
      expect(markers.length).toBeGreaterThan(0);
      for (const m of markers) {
        expect(m.marker).toBe('none');
        expect(m.left).toBeGreaterThanOrEqual(0);
      }
      // a summary's values break between words, not inside one; the file number it shows, not at all
      expect(await page.locator('.app-summary-list__value').first().evaluate((el) => getComputedStyle(el).overflowWrap)).toBe('break-word');
      expect(await page.locator('.app-summary-list__value .app-nowrap').first().textContent()).toBe(file);
      expect(await linesOf(page, '.app-summary-list__value .app-nowrap')).toBe(1);
      await pageChecks(page);
    }

    // a step of the procedure: its title names the plate, kept whole, and nothing scrolls sideways
    await page.goto(`${e2e.baseUrl}/vehicules/demandes/${file}/cession`);
    for (const width of [375, 320]) {
      await page.setViewportSize({ width, height: 700 });
      expect(await page.locator('h1 .app-nowrap').textContent()).toBe('AB-123-CD');
      expect(await linesOf(page, 'h1 .app-nowrap')).toBe(1);
      expect(await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth)).toBe(false);
      await pageChecks(page);
    }

    await page.goto(`${e2e.baseUrl}/mes-demarches`);
    for (const width of [375, 320]) {
      await page.setViewportSize({ width, height: 700 });
      expect(await page.locator('.fr-hint-text .app-nowrap', { hasText: 'AB-123-CD' }).count()).toBe(1);
      expect(await linesOf(page, '.fr-hint-text .app-nowrap')).toBe(1);
      await pageChecks(page);
    }
    expect(page.consoleErrors).toEqual([]);
  });
});
