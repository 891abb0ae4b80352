import { describe, expect, it } from 'vitest';
import { pageChecks, useE2E } from '../helpers/e2e.ts';

describe('FranceConnect sign-in in Chromium', () => {
  const e2e = useE2E({ seed: 'none' });

  it('a person signs in with FranceConnect, accepts the terms, lands on a certified account, then signs out through the provider', async () => {
    const page = await e2e.newPage({ javaScriptEnabled: false });
    await page.goto(`${e2e.baseUrl}/connexion`);
    await page.getByRole('link', { name: /S’identifier avec\s+FranceConnect/ }).click();
    expect(await page.locator('main').textContent()).toContain('Simulateur FranceConnect');
    await page.locator('label', { hasText: 'Camille Martin' }).click();
    await page.getByRole('button', { name: 'Se connecter avec cette identité' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Bienvenue Camille');
    await pageChecks(page);
    await page.getByText('J’ai lu les conditions générales d’utilisation').click();
    await page.getByRole('button', { name: 'Créer mon compte' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Mon compte');
    expect(await page.locator('main').textContent()).toContain('Compte certifié');
    expect(await page.locator('table').textContent()).toContain('FranceConnect');
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    // Without JavaScript the provider's logout page shows one button.
    expect(page.url()).toContain('/fc-simulateur/session/end');
    await page.getByRole('button', { name: /déconnect/i }).first().click();
    expect(await page.locator('body').textContent()).toContain('Vous êtes déconnecté.');
    await page.context().close();
  });

  it('a failure login at the provider ends on a French error page with a way to retry', async () => {
    const page = await e2e.newPage({ javaScriptEnabled: false });
    await page.goto(`${e2e.baseUrl}/connexion/franceconnect`);
    await page.getByText('Paramètre state modifié').click();
    await page.getByRole('button', { name: 'Se connecter avec cette identité' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Connexion avec FranceConnect impossible');
    expect(await page.locator('main').textContent()).toContain('La connexion avec FranceConnect a échoué');
    await pageChecks(page);
    await page.getByRole('link', { name: 'Se connecter autrement' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Se connecter');
    await page.context().close();
  });
});
