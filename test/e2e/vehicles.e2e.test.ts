import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { MOBILE } from '../helpers/browser.ts';
import { pageChecks, useE2E } from '../helpers/e2e.ts';

describe('Mon espace véhicule in Chromium, JavaScript off, 375 px', () => {
  const e2e = useE2E();

  it('a driving school asks a new code for someone else: the letter is in the outbox; the code it carries opens the procedure', async () => {
    const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await page.goto(`${e2e.baseUrl}/connexion`);
    await page.getByLabel('Adresse électronique').fill('demo.auto-ecole@example.fr');
    await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('link', { name: 'Mon espace véhicule' }).click();
    await pageChecks(page);
    await page.getByRole('link', { name: 'Ajouter une demande' }).click();
    await page.getByText('Changement d’adresse', { exact: true }).click();
    await page.getByText('Pour quelqu’un d’autre').click();
    await page.getByLabel('Numéro d’immatriculation').fill('QR 321 ST');
    await page.getByRole('button', { name: 'Commencer la démarche' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Changement d’adresse — QR-321-ST');
    await pageChecks(page);
    await page.getByRole('link', { name: 'Demander un nouveau code' }).click();
    await page.getByLabel('Nom de naissance du titulaire (ou raison sociale)').fill('Dupont');
    await page.getByLabel('Premier prénom du titulaire').fill('Jean');
    await page.getByLabel('Date de naissance du titulaire').fill('1950-01-31');
    await page.getByLabel('Commune de naissance du titulaire').fill('Lille');
    await pageChecks(page);
    await page.getByRole('button', { name: 'Recevoir un nouveau code' }).click();
    expect(await page.locator('.fr-alert--success').first().textContent()).toContain('envoyé par courrier à l’adresse du titulaire');

    await e2e.app.worker.drain();
    await page.goto(`${e2e.baseUrl}/dev/outbox`);
    const link = page.getByRole('link', { name: 'Nouveau code confidentiel du véhicule QR-321-ST (PDF)' });
    const pdf = await page.request.get(`${e2e.baseUrl}${await link.getAttribute('href')}`);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    const letter = await e2e.database.db.selectFrom('postal_letters').select('body').executeTakeFirstOrThrow();
    const code = /est : (\d{5})/.exec(letter.body)![1]!;

    await page.goto(`${e2e.baseUrl}/vehicules`);
    await page.getByRole('link', { name: /^V\d{2}-/ }).first().click();
    await page.getByLabel('Code confidentiel').fill(code);
    await page.getByRole('button', { name: 'Valider le code' }).click();
    expect(await page.locator('main').textContent()).toContain('Code confidentiel accepté.');
    expect(await page.locator('main').textContent()).toContain('Jean DUPONT');
    await pageChecks(page);
    await page.context().close();
  });

  it('a wrong code shows the error next to the field and in the summary', async () => {
    const page = await e2e.newPage({ javaScriptEnabled: false });
    await page.goto(`${e2e.baseUrl}/connexion`);
    await page.getByLabel('Adresse électronique').fill('demo.particulier@example.fr');
    await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.goto(`${e2e.baseUrl}/vehicules/demandes/nouvelle`);
    await page.getByText('Demande de duplicata').click();
    await page.getByText('Pour moi-même').click();
    await page.getByLabel('Numéro d’immatriculation').fill('AB-123-CD');
    await page.getByRole('button', { name: 'Commencer la démarche' }).click();
    await page.getByLabel('Code confidentiel').fill('00000');
    await page.getByRole('button', { name: 'Valider le code' }).click();
    expect(await page.title()).toMatch(/^Erreur : /);
    expect(await page.locator('#error-summary').textContent()).toContain('Le code confidentiel est incorrect');
    expect(await page.locator('.fr-message--error').textContent()).toContain('Le code confidentiel est incorrect');
    await pageChecks(page);
    await page.getByLabel('Code confidentiel').fill(DEMO_VEHICLE_CODES['AB-123-CD']);
    await page.getByRole('button', { name: 'Valider le code' }).click();
    expect(await page.locator('main').textContent()).toContain('Identification faite');
    await page.context().close();
  });
});
