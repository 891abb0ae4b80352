import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';
import { MOBILE } from '../helpers/browser.ts';
import { pageChecks, useE2E } from '../helpers/e2e.ts';
import { signInUserInBrowser } from '../helpers/users.ts';

const NEW_PASSWORD = 'une toute nouvelle phrase de passe';

describe('DSFR conventions and small dead ends, in Chromium', () => {
  const e2e = useE2E();

  it('"Modifier" the password from the account page: show/hide, a wrong current password refused, then changed; the email has an HTML and a text part', async () => {
    const page = await e2e.newPage();
    await signInUserInBrowser(page, e2e.baseUrl, 'demo.particulier@example.fr');
    await page.goto(`${e2e.baseUrl}/compte`);
    await page.locator('main').getByRole('link', { name: /Modifier/ }).first().click();
    await page.waitForURL(/\/compte\/mot-de-passe$/);
    const current = page.getByLabel('Mot de passe actuel');
    await current.fill('pas le bon mot de passe');
    // DSFR's show/hide: the box shows the characters, unticked hides them again
    const show = page.getByRole('checkbox', { name: 'Afficher les caractères saisis' }).first();
    await page.locator('label', { hasText: 'Afficher' }).first().click();
    expect(await show.isChecked()).toBe(true);
    expect(await current.getAttribute('type')).toBe('text');
    await page.locator('label', { hasText: 'Afficher' }).first().click();
    expect(await current.getAttribute('type')).toBe('password');
    await pageChecks(page);

    await page.getByLabel('Nouveau mot de passe').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Enregistrer le nouveau mot de passe' }).click();
    expect(await page.title()).toMatch(/^Erreur : /);
    expect(await page.locator('#error-summary').textContent()).toContain('Le mot de passe actuel est incorrect');
    expect(await page.locator('.fr-message--error').first().textContent()).toContain('Le mot de passe actuel est incorrect');
    await pageChecks(page);
    await page.getByLabel('Mot de passe actuel').fill(DEMO_PASSWORD);
    await page.getByLabel('Nouveau mot de passe').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Enregistrer le nouveau mot de passe' }).click();
    await page.waitForURL(/\/compte$/);
    expect(await page.locator('.fr-alert--success').textContent()).toContain('Votre mot de passe est modifié');

    // the email, in the dev outbox: its text part, and its HTML part with one button
    await e2e.app.worker.drain();
    await page.goto(`${e2e.baseUrl}/dev/outbox`);
    await page.getByRole('row').filter({ hasText: 'demo.particulier@example.fr' }).first().getByRole('link', { name: 'Votre mot de passe a été modifié' }).click();
    expect(await page.locator('.app-message-body').textContent()).toContain('Vos autres connexions ouvertes ont été fermées');
    await page.getByRole('link', { name: 'Voir la version HTML du courriel' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Votre mot de passe a été modifié');
    expect(await page.locator('body').textContent()).toContain('Vos autres connexions ouvertes ont été fermées');
    const buttons = page.getByRole('link');
    expect(await buttons.allTextContents()).toEqual(['Choisir un nouveau mot de passe']);
    expect(await buttons.first().getAttribute('href')).toBe(`${e2e.baseUrl}/mot-de-passe-oublie`);
    // its inline styles are allowed on that response only (the 400 of the refused form is logged too)
    expect(page.consoleErrors.filter((e) => /Content Security Policy|Refused to/.test(e))).toEqual([]);
    await page.context().close();

    // the old password no longer opens the account; the new one does
    const later = await e2e.newPage({ javaScriptEnabled: false });
    await signInUserInBrowser(later, e2e.baseUrl, 'demo.particulier@example.fr');
    expect(await later.locator('#error-summary').textContent()).toContain('Adresse électronique ou mot de passe incorrect');
    await signInUserInBrowser(later, e2e.baseUrl, 'demo.particulier@example.fr', NEW_PASSWORD);
    await later.waitForURL(/\/compte$/);
    await later.context().close();
  });

  it('without JavaScript the password field has no "Afficher" box that could do nothing', async () => {
    const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await page.goto(`${e2e.baseUrl}/connexion`);
    expect(await page.locator('.fr-password__checkbox').first().isVisible()).toBe(false);
    expect(await page.getByLabel('Mot de passe').first().isVisible()).toBe(true);
    await page.context().close();
  });

  it('a wrong confidential code says how many tries are left, next to the field and in the summary', async () => {
    const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await signInUserInBrowser(page, e2e.baseUrl, 'demo.auto-ecole@example.fr');
    await page.goto(`${e2e.baseUrl}/vehicules/demandes/nouvelle`);
    await page.getByText('Demande de duplicata').click();
    await page.getByText('Pour quelqu’un d’autre').click();
    await page.getByLabel('Numéro d’immatriculation').fill('AB-123-CD');
    await page.getByRole('button', { name: 'Commencer la démarche' }).click();
    for (const left of ['5 essais', '4 essais']) {
      await page.getByLabel('Code confidentiel').fill('00000');
      await page.getByRole('button', { name: 'Valider le code' }).click();
      expect(await page.locator('#error-summary').textContent()).toContain(`Il vous reste ${left} avant de devoir attendre`);
      expect(await page.locator('.fr-message--error').textContent()).toContain(`Il vous reste ${left}`);
    }
    await pageChecks(page);
    await page.context().close();
  });

  it('the stamp shop, opened from a page of a request, buys in the same tab and leads back to the request', async () => {
    const page = await e2e.newPage({ javaScriptEnabled: false });
    await signInUserInBrowser(page, e2e.baseUrl, 'demo.entreprise@example.fr');
    await page.goto(`${e2e.baseUrl}/permis/demandes/nouvelle`);
    const key = await page.locator('input[name="idempotency_key"]').getAttribute('value');
    expect(key).toBeTruthy();
    const step = await page.evaluate(() => location.pathname); // where the shop must lead back
    await page.goto(`${e2e.baseUrl}/timbres?retour=${encodeURIComponent(step)}`);
    expect(await page.locator('main').textContent()).toContain('Vous venez d’une demande en cours');
    await pageChecks(page);
    await page.locator('label', { hasText: '25,00' }).first().click();
    await page.getByRole('button', { name: /Acheter ce timbre/ }).click();
    await page.waitForURL((url) => url.pathname === step);
    expect(await page.locator('.fr-alert--success').textContent()).toMatch(/Votre timbre fiscal est acheté\. Son numéro : \d{4} \d{4} \d{4} \d{4}/);
    expect(page.context().pages()).toHaveLength(1); // same tab
    await page.context().close();
  });
});
