import type { Page } from 'playwright-core';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { MOBILE } from '../helpers/browser.ts';
import { pageChecks, useE2E } from '../helpers/e2e.ts';
import { sellCamillesCar } from '../helpers/sales.ts';
import { signInUser, signInUserInBrowser } from '../helpers/users.ts';

/**
 * Issue 16: the steps of the vehicle procedures other than the sale, each at its own address, as a
 * person goes through them in Chromium at 375 px without JavaScript: "Étape précédente", the
 * browser's Back, a bookmark of a step not reached yet, a refused step kept as a draft.
 */
describe('procedure steps at their own addresses, in Chromium without JavaScript', () => {
  const e2e = useE2E({ seed: 'each-test' });
  const main = async (page: Page) => (await page.locator('main').textContent())!.replace(/\s+/g, ' ');
  const path = (page: Page) => new URL(page.url()).pathname;

  async function startProcedure(page: Page, kind: string, plate: string) {
    await page.goto(`${e2e.baseUrl}/vehicules`);
    await page.getByRole('link', { name: 'Ajouter une demande' }).click();
    await page.locator('label', { hasText: kind }).first().click();
    await page.getByText('Pour moi-même').click();
    await page.getByLabel('Numéro d’immatriculation').fill(plate);
    await page.getByRole('button', { name: 'Commencer la démarche' }).click();
  }

  it('change of holder: each step at its address, "Étape précédente", Back, a bookmark, a refused step kept, "Reprendre plus tard", "Modifier"', async () => {
    // Camille sold AB-123-CD to Julien Leroy, who signs in with FranceConnect on the company's demo account
    const code = await sellCamillesCar(await signInUser(e2e.app, 'demo.particulier@example.fr'));
    const email = 'demo.entreprise@example.fr';
    await sql`update accounts set certified = true where email = ${email}`.execute(e2e.database.db);
    await sql`insert into franceconnect_identities (sub, account_id, given_name, family_name, birthdate, gender, birthplace, birthcountry, email)
      select 'julien-leroy', id, 'Julien', 'LEROY', '1985-02-03', 'male', '69123', '99100', email from accounts where email = ${email}`.execute(e2e.database.db);
    const page = await e2e.newPage({ javaScriptEnabled: false, ...MOBILE });
    page.setDefaultNavigationTimeout(30_000);
    page.setDefaultTimeout(30_000); // the shared machine is slow: a click waits for its navigation
    await signInUserInBrowser(page, e2e.baseUrl, email);
    await startProcedure(page, 'Changement de titulaire', 'AB-123-CD');
    await page.getByRole('link', { name: 'Continuer le changement de titulaire' }).click();
    const base = path(page);
    expect(base).toMatch(/^\/vehicules\/demandes\/[A-Z0-9-]+\/titulaire$/);
    expect(await main(page)).toMatch(/Code de cession\s*Étape 1 sur 4/);
    expect(await page.getByRole('link', { name: 'Étape précédente' }).count()).toBe(0); // the first step
    await pageChecks(page);

    // a bookmark to a step not reached yet: the first unfinished one
    await page.goto(`${e2e.baseUrl}${base}/recapitulatif`);
    expect(path(page)).toBe(`${base}/code`);
    await page.getByText('Oui', { exact: true }).click();
    await page.getByLabel('Si oui : code de cession').fill(code);
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    expect(path(page)).toBe(`${base}/nouveau-titulaire`);
    expect(await main(page)).toMatch(/Nouveau titulaire\s*Étape 2 sur 4/);
    expect(await page.getByLabel('Prénoms').inputValue()).toBe('Julien'); // from FranceConnect
    await pageChecks(page);

    // "Étape précédente": the code's page says it is accepted (not asked again) and leads on
    await page.getByRole('link', { name: 'Étape précédente' }).click();
    expect(path(page)).toBe(`${base}/code`);
    expect(await main(page)).toContain('le code de cession ne vous sera plus demandé');
    expect(await page.getByLabel('Si oui : code de cession').count()).toBe(0);
    await pageChecks(page);
    await page.getByRole('link', { name: 'Poursuivre' }).click();
    expect(path(page)).toBe(`${base}/nouveau-titulaire`);

    // sent as Chromium sends it, the postcode wrong and the use not chosen: each problem named, the values kept
    await page.getByLabel('Commune de naissance').fill('Lyon');
    await page.getByLabel('Numéro et voie').fill('4 quai de la Gare');
    await page.getByLabel('Code postal').fill('6900');
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    const summary = (await page.locator('#error-summary').textContent())!;
    expect(summary).toContain('Choisissez l’usage du véhicule');
    expect(summary).toContain('Le code postal comporte 5 chiffres');
    expect(await page.getByLabel('Numéro et voie').inputValue()).toBe('4 quai de la Gare');
    await pageChecks(page);
    // kept as a draft: away and back, what was typed is there
    await page.getByRole('link', { name: 'Étape précédente' }).click();
    await page.getByRole('link', { name: 'Poursuivre' }).click();
    expect(path(page)).toBe(`${base}/nouveau-titulaire`);
    expect(await page.getByLabel('Numéro et voie').inputValue()).toBe('4 quai de la Gare');
    expect(await page.getByLabel('Code postal').inputValue()).toBe('6900');

    // "Reprendre plus tard": saved as it is, and where to find it is said
    await page.getByLabel('Code postal').fill('69003');
    await page.getByRole('button', { name: 'Reprendre plus tard' }).click();
    expect(await main(page)).toMatch(/est enregistrée en brouillon.*Vous la retrouverez dans « (Mes démarches|Mon espace véhicule) »/);
    await pageChecks(page);
    await page.goto(`${e2e.baseUrl}${base}`);
    expect(await main(page)).toMatch(/Nouveau titulaire\s*Étape 2 sur 4/);
    expect(await page.getByLabel('Code postal').inputValue()).toBe('69003');
    expect(await page.getByLabel('Commune de naissance').inputValue()).toBe('Lyon');

    await page.goto(`${e2e.baseUrl}${base}/nouveau-titulaire`);
    await page.getByText('Usage personnel').click();
    await page.getByLabel('Commune', { exact: true }).fill('Lyon');
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    expect(path(page)).toBe(`${base}/recapitulatif`);
    expect(await main(page)).toMatch(/Récapitulatif\s*Étape 3 sur 4/);
    await pageChecks(page);
    // the browser's Back lands on the new holder's page, at its own address, filled
    await page.goBack();
    expect(path(page)).toBe(`${base}/nouveau-titulaire`);
    expect(await page.getByLabel('Code postal').inputValue()).toBe('69003');
    await page.goForward();
    expect(path(page)).toBe(`${base}/recapitulatif`);
    // "Modifier le nouveau titulaire" is a link to that page; sent again, back to the summary
    await page.getByRole('link', { name: 'Modifier le nouveau titulaire' }).click();
    expect(path(page)).toBe(`${base}/nouveau-titulaire`);
    await page.getByLabel('Numéro et voie').fill('6 quai de la Gare');
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    expect(path(page)).toBe(`${base}/recapitulatif`);
    await page.getByRole('link', { name: 'Étape précédente' }).click();
    expect(path(page)).toBe(`${base}/nouveau-titulaire`);
    expect(await page.getByLabel('Numéro et voie').inputValue()).toBe('6 QUAI DE LA GARE'); // as checked: the postal norm
    await page.goBack();

    await page.getByText(/J’accepte les conditions légales d’utilisation/).click();
    await page.getByRole('button', { name: 'Valider la demande' }).click();
    expect(path(page)).toBe(`${base}/paiement`);
    expect(await main(page)).toContain('Montant à payer');
    await pageChecks(page);
    // once filed, an earlier step (Back, a bookmark) leads to the payment
    await page.goto(`${e2e.baseUrl}${base}/nouveau-titulaire`);
    expect(path(page)).toBe(`${base}/paiement`);
    await page.goto(`${e2e.baseUrl}${base}/code`);
    expect(path(page)).toBe(`${base}/paiement`);
  }, 400_000);

  it('change of address: the form and the summary at their addresses, a refused address kept, "Modifier" and "Étape précédente" as links, Back, a bookmark', async () => {
    const page = await e2e.newPage({ javaScriptEnabled: false, ...MOBILE });
    page.setDefaultNavigationTimeout(30_000);
    page.setDefaultTimeout(30_000); // the shared machine is slow: a click waits for its navigation
    await signInUserInBrowser(page, e2e.baseUrl, 'demo.particulier@example.fr');
    await startProcedure(page, 'Changement d’adresse', 'AB-123-CD');
    await page.getByLabel('Code confidentiel').fill(DEMO_VEHICLE_CODES['AB-123-CD']);
    await page.getByRole('button', { name: 'Valider le code' }).click();
    await page.getByRole('link', { name: 'Continuer le changement d’adresse' }).click();
    const base = path(page);
    expect(base).toMatch(/^\/vehicules\/demandes\/[A-Z0-9-]+\/adresse$/);
    expect(await page.getByRole('link', { name: 'Étape précédente' }).count()).toBe(0); // the first step
    // a bookmark to a step not reached yet: the first unfinished one
    await page.goto(`${e2e.baseUrl}${base}/fin`);
    expect(path(page)).toBe(`${base}/nouvelle-adresse`);
    await pageChecks(page);
    // sent as Chromium sends it (the optional field empty), refused: kept as a draft
    await page.getByLabel('Numéro et voie').fill('8, rue Mercière');
    await page.getByLabel('Code postal').fill('69002');
    await page.getByLabel('Commune').fill('Marseille');
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    expect(await page.locator('#error-summary').textContent()).toContain('Cette commune ne correspond pas au code postal 69002');
    await pageChecks(page);
    await page.goto(`${e2e.baseUrl}${base}`);
    expect(await page.getByLabel('Numéro et voie').inputValue()).toBe('8, rue Mercière');
    expect(await page.getByLabel('Commune').inputValue()).toBe('Marseille');
    await page.goto(`${e2e.baseUrl}${base}/nouvelle-adresse`);
    await page.getByLabel('Commune').fill('lyon');
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    expect(path(page)).toBe(`${base}/recapitulatif`);
    expect(await main(page)).toMatch(/Récapitulatif\s*Étape 2 sur 3/);
    expect(await main(page)).toContain('8 RUE MERCIERE, 69002 LYON');
    await pageChecks(page);
    // Back, then forward; "Étape précédente"; "Modifier": the form at its own address, filled with the address checked
    await page.goBack();
    expect(path(page)).toBe(`${base}/nouvelle-adresse`);
    await page.goForward();
    expect(path(page)).toBe(`${base}/recapitulatif`);
    await page.getByRole('link', { name: 'Étape précédente' }).click();
    expect(path(page)).toBe(`${base}/nouvelle-adresse`);
    expect(await page.getByLabel('Commune').inputValue()).toBe('LYON');
    await page.goBack();
    await page.getByRole('link', { name: 'Modifier : nouvelle adresse' }).click();
    expect(path(page)).toBe(`${base}/nouvelle-adresse`);
    await page.getByLabel('Numéro et voie').fill('10 rue Mercière');
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    expect(await main(page)).toContain('10 RUE MERCIERE, 69002 LYON');
    await page.getByText(/J’accepte les conditions légales d’utilisation/).click();
    await page.getByRole('button', { name: 'Valider la demande' }).click();
    expect(path(page)).toBe(`${base}/fin`);
    expect(await main(page)).toContain('Changement d’adresse enregistré');
    await pageChecks(page);
    // once filed, an earlier step leads to the end
    await page.goto(`${e2e.baseUrl}${base}/nouvelle-adresse`);
    expect(path(page)).toBe(`${base}/fin`);
  }, 400_000);
});
