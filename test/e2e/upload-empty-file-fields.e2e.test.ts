import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useE2E } from '../helpers/e2e.ts';
import { signInUserInBrowser } from '../helpers/users.ts';

const FIXTURES = path.resolve('test/fixtures');

/**
 * Issue 16, in Chromium as is: the pieces page of a complementary procedure for someone else's
 * first registration from abroad has 8 file inputs; the browser sends the empty ones too. One
 * file, then all of them, are accepted (no "Requête invalide").
 */
describe('a form with empty file inputs, submitted by Chromium', () => {
  const e2e = useE2E();

  it('complementary procedure, for someone else, first registration: one file among 8 inputs, then all 8 files', async () => {
    const page = await e2e.newPage({ javaScriptEnabled: false });
    await signInUserInBrowser(page, e2e.baseUrl, 'demo.garage@example.fr');
    await page.goto(`${e2e.baseUrl}/vehicules/demandes/nouvelle`);
    await page.locator('label', { hasText: 'Téléprocédure complémentaire' }).first().click();
    await page.getByText('Pour quelqu’un d’autre').click();
    await page.getByRole('button', { name: 'Commencer la démarche' }).click();
    await page.getByText('Immatriculer pour la première fois un véhicule en France').click();
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    await page.getByText('Immatriculation d’un véhicule en provenance de l’étranger').click();
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    await page.getByLabel('Objet de la demande').fill('Immatriculer pour la première fois une voiture achetée en Allemagne, pour un client.');
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    await page.getByText('Une personne morale (société, association…)').click();
    await page.getByLabel('Raison sociale').fill('Transports Démo SARL');
    await page.getByLabel('Numéro SIREN').fill('732829320');
    await page.getByLabel('Numéro et voie').fill('5 rue du Moulin');
    await page.getByLabel('Code postal').fill('35000');
    await page.getByLabel('Commune', { exact: true }).fill('Rennes');
    await page.getByRole('button', { name: 'Poursuivre' }).click();

    const inputs = page.locator('form[action$="/pieces"] input[type="file"]');
    expect(await inputs.count()).toBe(8);
    await page.getByLabel('Mandat signé (cerfa n° 13757)').setInputFiles(path.join(FIXTURES, 'recepisse-vol.pdf'));
    await page.getByRole('button', { name: 'Joindre les fichiers' }).click();
    expect(await page.locator('h1').textContent()).not.toContain('Requête invalide');
    expect(await page.locator('main').textContent()).toContain('recepisse-vol.pdf');

    for (let i = 0; i < 8; i++) await inputs.nth(i).setInputFiles(path.join(FIXTURES, i % 2 ? 'scan.png' : 'recepisse-vol.pdf'));
    await page.getByRole('button', { name: 'Joindre les fichiers' }).click();
    expect(await page.locator('h1').textContent()).not.toContain('Requête invalide');
    expect((await page.locator('main').textContent())!.match(/scan\.png/g)?.length).toBeGreaterThanOrEqual(4);
    await page.getByRole('button', { name: 'Poursuivre vers le récapitulatif' }).click();
    expect(await page.locator('main').textContent()).toContain('Récapitulatif');
    expect(page.consoleErrors).toEqual([]);
  });
});
