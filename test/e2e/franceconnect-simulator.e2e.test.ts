import { beforeAll, describe, expect, it } from 'vitest';
import { createFranceConnectClient, type FranceConnectClient } from '../../src/platform/oidc/franceconnect-client.ts';
import type { Page } from 'playwright-core';
import { MOBILE } from '../helpers/browser.ts';
import { pageChecks, useE2E } from '../helpers/e2e.ts';

/**
 * The URL of the browser's next request to `prefix` (the portal's own routes behind it are not what
 * is tested here; without the pending sign-in in its session, the portal does not use the code).
 */
async function nextRequestTo(page: Page, prefix: string): Promise<URL> {
  return new URL((await page.waitForRequest((request) => request.url().startsWith(prefix))).url());
}

describe('FranceConnect simulator in Chromium', () => {
  const e2e = useE2E({ seed: 'none' });
  let fc: FranceConnectClient;
  beforeAll(() => {
    // The real fetch, over the loopback: the simulator is served by the app under test.
    fc = createFranceConnectClient(e2e.app.config.franceConnect);
  });

  it('the login page passes axe, breaks no CSP rule and does not scroll sideways at 375 px', async () => {
    const page = await e2e.newPage(MOBILE);
    await page.goto((await fc.startLogin()).url);
    await expect(page.locator('h1').textContent()).resolves.toBe('Connexion avec FranceConnect');
    await pageChecks(page);
    expect(page.consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('without JavaScript, choosing an identity sends the browser back to the redirect URI with a code and the state', async () => {
    const page = await e2e.newPage({ javaScriptEnabled: false });
    const start = await fc.startLogin();
    await page.goto(start.url);
    await page.locator('label', { hasText: 'Lucía García Fernández' }).click();
    expect(await page.getByLabel('Lucía García Fernández').isChecked()).toBe(true);
    const callback = nextRequestTo(page, e2e.app.config.franceConnect.redirectUri);
    await page.getByRole('button', { name: 'Se connecter avec cette identité' }).click();
    const back = await callback;
    expect(`${back.origin}${back.pathname}`).toBe(e2e.app.config.franceConnect.redirectUri);
    expect(back.searchParams.get('code')).toBeTruthy();
    expect(back.searchParams.get('state')).toBe(start.state);
    const { identity } = await fc.finishLogin(back, start);
    expect(identity.family_name).toBe('García Fernández');
    await page.context().close();
  });

  it('submitting without a choice shows an error summary that passes axe', async () => {
    // axe needs JavaScript; the form itself needs none (previous test).
    const page = await e2e.newPage();
    await page.goto((await fc.startLogin()).url);
    await page.getByRole('button', { name: 'Se connecter avec cette identité' }).click();
    await expect(page.title()).resolves.toMatch(/^Erreur : /);
    expect(await page.getByRole('alert').textContent()).toContain('Choisissez une identité de test.');
    await pageChecks(page);
    await page.context().close();
  });

  it('logout at the simulator returns to the post-logout redirect URI: at once with JavaScript, with a button without', async () => {
    for (const javaScriptEnabled of [true, false]) {
      const page = await e2e.newPage({ javaScriptEnabled });
      const start = await fc.startLogin();
      await page.goto(start.url);
      await page.locator('label', { hasText: 'Camille Martin' }).click();
      const callback = nextRequestTo(page, e2e.app.config.franceConnect.redirectUri);
      await page.getByRole('button', { name: 'Se connecter avec cette identité' }).click();
      const { idToken } = await fc.finishLogin(await callback, start);

      const backAtPortal = nextRequestTo(page, e2e.app.config.franceConnect.postLogoutRedirectUri);
      await page.goto(await fc.logoutUrl(idToken, 'etat-de-deconnexion'));
      if (!javaScriptEnabled) await page.getByRole('button', { name: 'Se déconnecter et revenir sur le service' }).click();
      expect((await backAtPortal).searchParams.get('state')).toBe('etat-de-deconnexion');
      await page.context().close();
    }
  });
});
