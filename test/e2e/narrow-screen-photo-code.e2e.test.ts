import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { MOBILE } from '../helpers/browser.ts';
import { pageChecks, useE2E } from '../helpers/e2e.ts';

/** Issue 16: the licence's 22-digit code photo-signature must neither overflow nor break at 320–375 px. */
describe('on a narrow screen: the 22 digits of a code photo-signature on one line', () => {
  const e2e = useE2E();

  /** How the code reads: its lines (distinct tops of the text's boxes), its font size, whether it leaves the content column or the page scrolls sideways. */
  const codeLayout = (page: Page) =>
    page.locator('#code-photo-signature .app-code').evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      const box = el.getBoundingClientRect();
      const column = el.closest('.fr-container')!.getBoundingClientRect();
      return {
        lines: tops.size,
        fontPx: parseFloat(getComputedStyle(el).fontSize),
        insideColumn: box.left >= column.left && box.right <= column.right,
        pageScrollsSideways: document.documentElement.scrollWidth > document.documentElement.clientWidth,
        text: el.textContent!.trim(),
      };
    });

  it('at 375 px then 320 px, with and without JavaScript: one line, readable, inside the page', async () => {
    for (const javaScriptEnabled of [false, true]) {
      const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled });
      await page.goto(`${e2e.baseUrl}/photo-signature/cabine-demo`);
      await page.getByRole('button', { name: 'Prendre une photo et obtenir un code' }).click();
      await page.locator('#code-photo-signature').waitFor();

      const at375 = await codeLayout(page);
      expect(at375.text).toMatch(/^\d{22}$/); // what is selected and copied: the code, nothing added
      expect(at375).toMatchObject({ lines: 1, insideColumn: true, pageScrollsSideways: false });
      expect(at375.fontPx).toBeGreaterThanOrEqual(18);
      await pageChecks(page);

      await page.setViewportSize({ width: 320, height: 640 });
      const at320 = await codeLayout(page);
      expect(at320).toMatchObject({ lines: 1, insideColumn: true, pageScrollsSideways: false });
      expect(at320.fontPx).toBeGreaterThanOrEqual(16);
      await pageChecks(page);
      await page.context().close();
    }
  });
});
