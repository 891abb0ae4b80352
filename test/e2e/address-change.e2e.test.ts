import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { MOBILE } from '../helpers/browser.ts';
import { pageChecks, useE2E } from '../helpers/e2e.ts';

describe('change of address in Chromium, JavaScript off, 375 px', () => {
  const e2e = useE2E();

  it('an address is corrected to the postal norm, confirmed, and the label goes by post', async () => {
    const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await page.goto(`${e2e.baseUrl}/connexion`);
    await page.getByLabel('Adresse électronique').fill('demo.particulier@example.fr');
    await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.goto(`${e2e.baseUrl}/vehicules/demandes/nouvelle`);
    await page.locator('label', { hasText: 'Changement d’adresse' }).first().click();
    await page.getByText('Pour moi-même').click();
    await page.getByLabel('Numéro d’immatriculation').fill('AB-123-CD');
    await page.getByRole('button', { name: 'Commencer la démarche' }).click();
    await page.getByLabel('Code confidentiel').fill(DEMO_VEHICLE_CODES['AB-123-CD']);
    await page.getByRole('button', { name: 'Valider le code' }).click();
    await page.getByRole('link', { name: 'Continuer le changement d’adresse' }).click();
    await pageChecks(page);
    await page.getByLabel('Numéro et voie').fill('8, rue Mercière');
    await page.getByLabel('Code postal').fill('69002');
    await page.getByLabel('Commune').fill('Marseille');
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    expect(await page.locator('#error-summary').textContent()).toContain('Cette commune ne correspond pas au code postal 69002');
    expect(await page.getByLabel('Numéro et voie').inputValue()).toBe('8, rue Mercière');
    await pageChecks(page);
    await page.getByLabel('Commune').fill('lyon');
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    const summary = await page.locator('main').textContent();
    expect(summary).toContain('mise à la norme postale');
    expect(summary).toContain('8 RUE MERCIERE, 69002 LYON');
    await pageChecks(page);
    await page.getByText(/J’accepte les conditions légales d’utilisation/).click();
    await page.getByRole('button', { name: 'Valider la demande' }).click();
    expect(await page.locator('main').textContent()).toContain('Changement d’adresse enregistré');
    await pageChecks(page);
    await e2e.app.worker.drain();
    await page.goto(`${e2e.baseUrl}/dev/outbox`);
    expect(await page.getByRole('link', { name: 'Étiquette de changement d’adresse — véhicule AB-123-CD (PDF)' }).count()).toBe(1);
    await page.context().close();
  });
});
