import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';
import { MOBILE } from '../helpers/browser.ts';
import { pageChecks, useE2E } from '../helpers/e2e.ts';

/**
 * A form posted while the node sheds, in Chromium at 375 px without JavaScript (issue 20, F6): the
 * sign-in form submitted while the node is full (limit 1, one request held open on a test route)
 * gets the waiting page with the typed email kept and the password not; once the node has room,
 * « Renvoyer ma demande » posts the form again (its CSRF token still valid): the sign-in page comes
 * back with the email kept and asks for the password only, then the visitor signs in.
 */
let openGate: () => void = () => undefined;
let gate: Promise<void> = Promise.resolve();

describe('a form posted to a full node, in Chromium', () => {
  const e2e = useE2E({
    env: { ADMISSION_MAX_CONCURRENT: '1', ADMISSION_RETRY_SECONDS: '5' },
    extend: (app) => {
      app.get('/test/occupe', async () => {
        await gate;
        return 'fini';
      });
    },
  });

  it('keeps what was typed (not the password) and posts it again on demand once there is room', async () => {
    const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    try {
      await page.goto(`${e2e.baseUrl}/connexion`);
      await page.getByLabel('Adresse électronique').fill('demo.particulier@example.fr');
      await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
      gate = new Promise((resolve) => (openGate = resolve));
      const held = fetch(`${e2e.baseUrl}/test/occupe`).then((r) => r.text());
      await new Promise((r) => setTimeout(r, 300)); // the held request has taken the node's only place
      let shed: number | undefined;
      try {
        const response = page.waitForResponse((r) => r.request().method() === 'POST');
        await page.getByRole('button', { name: 'Se connecter' }).click();
        shed = (await response).status();
        expect(await page.locator('h1').textContent()).toBe('Salle d’attente');
        const main = (await page.locator('main').textContent()) ?? '';
        expect(main).toContain('votre demande n’a pas encore été traitée');
        expect(main).toContain('vous devrez les saisir à nouveau');
        expect(await page.locator('input[type=hidden][name=email]').getAttribute('value')).toBe('demo.particulier@example.fr');
        expect(await page.locator('input[name=password]').count()).toBe(0);
        expect(await page.content()).not.toContain(DEMO_PASSWORD);
        expect(await page.locator('script').count()).toBe(0);
        await pageChecks(page);
      } finally {
        openGate();
      }
      expect(shed).toBe(503);
      expect(await held).toBe('fini');
      // the node has room: the visitor asks to post again
      const again = page.waitForResponse((r) => r.request().method() === 'POST');
      await page.getByRole('button', { name: 'Renvoyer ma demande' }).click();
      expect((await again).status()).toBe(400);
      expect(await page.getByLabel('Adresse électronique').inputValue()).toBe('demo.particulier@example.fr');
      expect(await page.locator('#error-summary').textContent()).toContain('Saisissez votre mot de passe');
      await pageChecks(page);
      await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await expect(page.locator('h1').textContent()).resolves.toBe('Mon compte');
    } finally {
      await page.context().close();
    }
  }, 120_000);
});
