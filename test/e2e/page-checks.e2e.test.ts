import { describe, expect, it } from 'vitest';
import { MOBILE } from '../helpers/browser.ts';
import { pageProblems, useE2E } from '../helpers/e2e.ts';

/** A page of our own shape (html[lang], main), served to the browser at `path` of the app's address. */
const html = (body: string) =>
  `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Essai</title></head><body><main><h1>Essai</h1>${body}</main></body></html>`;

/** The checks every browser test runs on each page it visits (pageChecks) must see what they claim to see. */
describe('pageChecks, the accessibility and layout checks of the browser tests', () => {
  const e2e = useE2E({ seed: 'none' });

  for (const javaScriptEnabled of [false, true])
    it(`finds an axe violation and a sideways scroll at 375 px, and nothing on a clean page (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled });
      await page.route(`${e2e.baseUrl}/essai-fautif`, (route) =>
        route.fulfill({ contentType: 'text/html; charset=utf-8', body: html('<img src="/favicon.ico"><div id="trop-large" style="width:600px">Texte</div>') }),
      );
      await page.route(`${e2e.baseUrl}/essai-propre`, (route) =>
        route.fulfill({ contentType: 'text/html; charset=utf-8', body: html('<p>Texte</p>') }),
      );
      await page.goto(`${e2e.baseUrl}/essai-fautif`);
      const problems = await pageProblems(page);
      expect(problems.some((p) => p.startsWith('image-alt'))).toBe(true);
      expect(problems.find((p) => p.startsWith('sideways scroll'))).toContain('DIV.');
      await page.goto(`${e2e.baseUrl}/essai-propre`);
      expect(await pageProblems(page)).toEqual([]);
      await page.context().close();
    });
});
