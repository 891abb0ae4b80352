import type { Page } from 'playwright-core';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { MOBILE } from '../helpers/browser.ts';
import { pageChecks, useE2E } from '../helpers/e2e.ts';
import { signInUserInBrowser } from '../helpers/users.ts';

const CAMILLE = 'demo.particulier@example.fr';

/** Issue 16: the declaration of sale step by step, as a person goes through it in Chromium. */
describe('the steps of a sale: own addresses, back, drafts, an expired session', () => {
  const e2e = useE2E({ seed: 'each-test' });
  const main = async (page: Page) => (await page.locator('main').textContent())!.replace(/\s+/g, ' ');
  const expireSessions = () => e2e.database.db.updateTable('sessions').set({ last_seen_at: sql<Date>`now() - interval '31 minutes'` }).where('user_id', 'is not', null).execute();

  /** Camille signs in, starts the sale of AB-123-CD, proves it with the code: the first page of the sale. */
  async function startSale(page: Page): Promise<string> {
    await signInUserInBrowser(page, e2e.baseUrl, CAMILLE);
    await page.goto(`${e2e.baseUrl}/vehicules`);
    await page.getByRole('link', { name: 'Ajouter une demande' }).click();
    await page.locator('label', { hasText: 'Déclaration de cession' }).first().click();
    await page.getByText('Pour moi-même').click();
    await page.getByLabel('Numéro d’immatriculation').fill('AB-123-CD');
    await page.getByRole('button', { name: 'Commencer la démarche' }).click();
    await page.getByLabel('Code confidentiel').fill(DEMO_VEHICLE_CODES['AB-123-CD']);
    await page.getByRole('button', { name: 'Valider le code' }).click();
    await page.getByRole('link', { name: 'Continuer la déclaration de cession' }).click();
    return new URL(page.url()).pathname.replace(/\/cession.*$/, '/cession');
  }

  async function fillPerson(page: Page) {
    await page.getByLabel('Nom de naissance').fill('Lemaire');
    await page.getByLabel('Prénoms').fill('Sophie Anne');
    await page.getByLabel('Date de naissance').fill('15/04/1990');
    await page.getByLabel('Numéro et voie').fill('8 rue des Acacias');
    await page.getByLabel('Code postal').fill('33000');
    await page.getByLabel('Commune').fill('Bordeaux');
    await page.getByLabel('Date de la vente').fill('20/11/2026');
    await page.getByLabel('Heure de la vente').fill('14:30');
    await page.getByLabel('Kilométrage inscrit au compteur').fill('84500');
  }

  it('at 375 px without JavaScript: every step sent as is, "Étape précédente", Back, a bookmark, "Modifier", "Reprendre plus tard", an expired session', async () => {
    const page = await e2e.newPage({ javaScriptEnabled: false, ...MOBILE });
    page.setDefaultNavigationTimeout(30_000);
    const base = await startSale(page);
    expect(await main(page)).toMatch(/Pour commencer\s*Étape 1 sur 5/);
    expect(await page.getByRole('link', { name: 'Étape précédente' }).count()).toBe(0); // the first step
    await pageChecks(page);
    // a bookmark to a step not reached yet: the first unfinished one
    await page.goto(`${e2e.baseUrl}${base}/recapitulatif`);
    expect(new URL(page.url()).pathname).toBe(`${base}/commencer`);
    // sent as is (box unticked): the problem at its field and in the summary
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    expect(await page.locator('#error-summary').textContent()).toContain('Cochez la case pour indiquer que vous avez compris ces informations');
    await page.getByText('J’ai compris ces informations').click();
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    expect(new URL(page.url()).pathname).toBe(`${base}/documents`);
    await pageChecks(page);
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    // the buyer's kind first, its own page: sent without a choice, then a person
    expect(new URL(page.url()).pathname).toBe(`${base}/acheteur`);
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    expect(await page.locator('#error-summary').textContent()).toContain('Indiquez si l’acheteur est une personne physique ou une personne morale');
    await pageChecks(page);
    await page.getByText('Une personne physique', { exact: true }).click();
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    expect(new URL(page.url()).pathname).toBe(`${base}/declaration`);
    // only the person's fields
    expect(await page.getByLabel('Nom de naissance').count()).toBe(1);
    expect(await page.getByLabel('Raison sociale').count()).toBe(0);
    expect(await page.getByLabel('Numéro SIREN').count()).toBe(0);
    await pageChecks(page);
    // the declaration sent as Chromium sends it, empty optional fields included: each problem named
    await page.getByLabel('Nom de naissance').fill('Lemaire');
    await page.getByLabel('Date de la vente').fill('31/02/2026');
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    const summary = (await page.locator('#error-summary').textContent())!;
    expect(summary).toContain('Saisissez les prénoms de l’acheteur');
    expect(summary).toContain('La date de la vente n’existe pas');
    expect(summary).toContain('Saisissez le kilométrage inscrit au compteur');
    expect(await page.getByLabel('Nom de naissance').inputValue()).toBe('Lemaire');
    await pageChecks(page);
    // "Étape précédente": the buyer's page, the choice kept; on again, what was typed is there (saved as a draft when refused)
    await page.getByRole('link', { name: 'Étape précédente' }).click();
    expect(new URL(page.url()).pathname).toBe(`${base}/acheteur`);
    expect(await page.getByLabel('Une personne physique').isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    expect(new URL(page.url()).pathname).toBe(`${base}/declaration`);
    expect(await page.getByLabel('Nom de naissance').inputValue()).toBe('Lemaire');
    // the browser's Back from the step before lands on the declaration's own address
    await page.getByRole('link', { name: 'Étape précédente' }).click();
    await page.getByRole('link', { name: 'Étape précédente' }).click();
    expect(new URL(page.url()).pathname).toBe(`${base}/documents`);
    await page.goBack();
    await page.goBack();
    expect(new URL(page.url()).pathname).toBe(`${base}/declaration`);
    expect(await page.getByLabel('Nom de naissance').inputValue()).toBe('Lemaire');
    expect(await main(page)).toMatch(/Déclaration de cession\s*Étape 3 sur 5/);

    // "Reprendre plus tard": saved as it is, and where to find it is said
    await page.getByLabel('Prénoms').fill('Sophie Anne');
    await page.getByRole('button', { name: 'Reprendre plus tard' }).click();
    const saved = await main(page);
    expect(saved).toMatch(/est enregistrée en brouillon/);
    expect(saved).toMatch(/Vous la retrouverez dans « (Mes démarches|Mon espace véhicule) »/);
    await pageChecks(page);
    await page.goto(`${e2e.baseUrl}${base}`);
    expect(new URL(page.url()).pathname).toBe(base);
    expect(await main(page)).toMatch(/Déclaration de cession\s*Étape 3 sur 5/);
    expect(await page.getByLabel('Prénoms').inputValue()).toBe('Sophie Anne');

    // the session expires while the form is being filled: sent, refused, kept; signed in again, found
    await page.goto(`${e2e.baseUrl}${base}/declaration`);
    await fillPerson(page);
    await expireSessions();
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    expect(await main(page)).toContain('ce que vous avez saisi est conservé');
    await pageChecks(page);
    await page.getByRole('link', { name: 'Me reconnecter' }).click();
    await page.getByLabel('Adresse électronique').fill(CAMILLE);
    await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    expect(new URL(page.url()).pathname).toBe(`${base}/declaration`);
    expect(await main(page)).toContain('Nous avons retrouvé ce que vous aviez saisi');
    expect(await page.getByLabel('Kilométrage inscrit au compteur').inputValue()).toBe('84500');
    expect(await page.getByLabel('Date de naissance').inputValue()).toBe('15/04/1990');
    await pageChecks(page);
    await page.getByRole('button', { name: 'Poursuivre' }).click();

    // the summary: each "Modifier" is a link to the declaration's page
    expect(new URL(page.url()).pathname).toBe(`${base}/recapitulatif`);
    expect(await main(page)).toContain('Sophie Anne LEMAIRE');
    await pageChecks(page);
    await page.getByRole('link', { name: 'Modifier : kilométrage' }).click();
    expect(new URL(page.url()).pathname).toBe(`${base}/declaration`);
    expect(await page.getByLabel('Date de la vente').inputValue()).toBe('20/11/2026');
    await page.getByLabel('Kilométrage inscrit au compteur').fill('84 600');
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    expect(await main(page)).toContain('84 600 km');
    await page.getByText(/Je certifie exactes/).click();
    await page.getByRole('button', { name: 'Valider la déclaration' }).click();
    expect(new URL(page.url()).pathname).toBe(`${base}/fin`);
    expect((await page.locator('#code-de-cession').textContent())!.trim()).toMatch(/^[A-Z0-9]{11}$/);
    await pageChecks(page);
    // once declared, an earlier step leads to the end
    await page.goto(`${e2e.baseUrl}${base}/declaration`);
    expect(new URL(page.url()).pathname).toBe(`${base}/fin`);
  }, 400_000);

  it('at 1280 px with JavaScript: a company buyer asks only its fields; the session warning comes before the end and "Rester connecté" extends it', async () => {
    const page = await e2e.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultNavigationTimeout(30_000);
    await page.clock.install();
    const base = await startSale(page);
    await page.getByText('J’ai compris ces informations').click();
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    await page.waitForURL(`**${base}/documents`);
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    await page.waitForURL(`**${base}/acheteur`);
    await page.getByText('Une personne morale (entreprise, association…)').click();
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    await page.waitForURL(`**${base}/declaration`);
    await page.getByLabel('Raison sociale').waitFor();
    expect(await page.getByLabel('Raison sociale').count()).toBe(1);
    expect(await page.getByLabel('Nom de naissance').count()).toBe(0);
    expect(await page.getByLabel('Date de naissance').count()).toBe(0);
    await pageChecks(page);
    // no warning yet; 26 idle minutes later (browser clock), the warning, focused
    const warning = page.locator('#session-timeout');
    expect(await warning.isVisible()).toBe(false);
    await page.clock.fastForward('26:00');
    await expect.poll(() => warning.isVisible()).toBe(true);
    expect(await warning.textContent()).toContain('Votre session va bientôt expirer');
    await pageChecks(page);
    const userId = (await e2e.database.db.selectFrom('accounts').select('id').where('email', '=', CAMILLE).executeTakeFirstOrThrow()).id;
    await e2e.database.db.updateTable('sessions').set({ last_seen_at: sql<Date>`now() - interval '26 minutes'` }).where('user_id', '=', userId).execute();
    await page.getByRole('button', { name: 'Rester connecté' }).click();
    await expect.poll(() => warning.isVisible()).toBe(false);
    const session = await e2e.database.db.selectFrom('sessions').select(sql<number>`extract(epoch from now() - last_seen_at)`.as('idle')).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(Number(session.idle)).toBeLessThan(60); // extended: idle again from now
    // the page still works: the company's fields sent
    await page.getByLabel('Raison sociale').fill('Transports Lemaire');
    await page.getByLabel('Numéro SIREN').fill('732829320');
    await page.getByLabel('Numéro et voie').fill('8 rue des Acacias');
    await page.getByLabel('Code postal').fill('33000');
    await page.getByLabel('Commune').fill('Bordeaux');
    await page.getByLabel('Date de la vente').fill('20/11/2026');
    await page.getByLabel('Heure de la vente').fill('14:30');
    await page.getByLabel('Kilométrage inscrit au compteur').fill('84500');
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    await page.waitForURL(`**${base}/recapitulatif`);
    expect(await main(page)).toContain('TRANSPORTS LEMAIRE (SIREN 732829320)');
    await pageChecks(page);
    expect(page.consoleErrors).toEqual([]);
  }, 240_000);
});
