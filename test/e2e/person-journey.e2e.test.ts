import type { Page } from 'playwright-core';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { javaScriptOff, MOBILE } from '../helpers/browser.ts';
import { pageChecks, useE2E } from '../helpers/e2e.ts';

const PASSWORD = 'un cheval bleu traverse la prairie';
const DESKTOP = { viewport: { width: 1280, height: 900 } } as const;

/**
 * Issue 16's "Done when": one person, from sign-up to a finished sale, in Chromium as a person goes:
 * the links the pages show, the forms sent as Chromium sends them, axe and the width checked on
 * every page. Marie Dupont declares the sale of her husband's car (QR-321-ST, "pour quelqu'un
 * d'autre", with the car's confidential code).
 */
describe('one person’s path: sign-up, a sale stopped halfway, an expired session, the draft found again, the sale finished, its timeline', () => {
  const e2e = useE2E({ seed: 'each-test' }); // each journey sells the same car

  const path = (page: Page) => new URL(page.url()).pathname;
  const main = async (page: Page) => (await page.locator('main').textContent())!.replace(/\s+/g, ' ');

  /** A link of the main menu: behind "Menu" at 375 px (a link without JavaScript, a button with). */
  async function menu(page: Page, name: string) {
    const link = page.locator('#menu-principal').getByRole('link', { name, exact: true });
    if (!(await link.isVisible())) await page.locator('header').getByRole(javaScriptOff.has(page) ? 'link' : 'button', { name: 'Menu', exact: true }).click();
    await link.click();
  }

  async function signIn(page: Page, email: string) {
    await page.getByLabel('Adresse électronique').fill(email);
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
  }

  async function journey(page: Page, email: string) {
    // sign-up, from the home page
    await page.goto(`${e2e.baseUrl}/`);
    await pageChecks(page);
    await page.getByRole('link', { name: 'Créer un compte' }).first().click();
    await pageChecks(page);
    await page.getByRole('link', { name: 'Particulier', exact: true }).click();
    await pageChecks(page);
    await page.getByLabel('Prénom').fill('Marie');
    await page.getByLabel('Nom', { exact: true }).fill('Dupont');
    await page.getByLabel('Adresse électronique').fill(email);
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByText('J’ai lu les conditions générales d’utilisation').click();
    await page.getByRole('button', { name: 'Créer mon compte' }).click();
    await page.locator('h1', { hasText: 'Vérifiez votre messagerie' }).waitFor();
    await pageChecks(page);

    // the activation email, read in the dev outbox; its link activates the account
    await e2e.app.worker.drain();
    await page.goto(`${e2e.baseUrl}/dev/outbox`);
    await page.getByRole('row').filter({ hasText: email }).first().getByRole('link', { name: 'Activez votre compte' }).click();
    await pageChecks(page);
    await page.locator('.app-message-body a').first().click();
    await pageChecks(page);
    await page.getByRole('button', { name: 'Activer mon compte' }).click();
    expect(await page.locator('.fr-alert--success').textContent()).toContain('Votre compte est activé');
    await pageChecks(page);
    await signIn(page, email);
    expect(await page.locator('h1').textContent()).toBe('Mon compte');
    await pageChecks(page);

    // "Mes démarches" is empty; the vehicle space starts the sale
    await menu(page, 'Mes démarches');
    expect(path(page)).toBe('/mes-demarches');
    await pageChecks(page);
    await page.getByRole('link', { name: 'Mon espace véhicule' }).click();
    await pageChecks(page);
    await page.getByRole('link', { name: 'Ajouter une demande' }).click();
    await pageChecks(page);
    await page.locator('label', { hasText: 'Déclaration de cession' }).first().click();
    await page.getByText('Pour quelqu’un d’autre').click();
    await page.getByLabel('Numéro d’immatriculation').fill('QR-321-ST');
    await page.getByRole('button', { name: 'Commencer la démarche' }).click();
    const file = /\/vehicules\/demandes\/([A-Z0-9-]+)/.exec(page.url())![1]!;
    await pageChecks(page);
    await page.getByLabel('Code confidentiel').fill(DEMO_VEHICLE_CODES['QR-321-ST']);
    await page.getByRole('button', { name: 'Valider le code' }).click();
    expect(await main(page)).toContain('Code confidentiel accepté.');
    await pageChecks(page);
    await page.getByRole('link', { name: 'Continuer la déclaration de cession' }).click();
    const base = `/vehicules/demandes/${file}/cession`;

    // the first steps, then the buyer's name typed and "Reprendre plus tard": stopped halfway
    expect(path(page)).toBe(base); // the first step, at the sale’s own address
    await pageChecks(page);
    await page.getByText('J’ai compris ces informations').click();
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    await page.waitForURL(`**${base}/documents`);
    await pageChecks(page);
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    await page.waitForURL(`**${base}/acheteur`);
    await pageChecks(page);
    await page.getByText('Une personne physique', { exact: true }).click();
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    await page.waitForURL(`**${base}/declaration`);
    await pageChecks(page);
    await page.getByLabel('Nom de naissance').fill('Lemaire');
    await page.getByLabel('Prénoms').fill('Sophie Anne');
    await page.getByRole('button', { name: 'Reprendre plus tard' }).click();
    expect(await main(page)).toMatch(/est enregistrée en brouillon/);
    expect(await main(page)).toContain('Vous la retrouverez dans « Mes démarches »');
    await pageChecks(page);

    // 31 idle minutes: the session has ended; "Mes démarches" asks to sign in again, then opens
    await e2e.database.db.updateTable('sessions').set({ last_seen_at: sql<Date>`now() - interval '31 minutes'` }).where('user_id', 'is not', null).execute();
    await menu(page, 'Mes démarches');
    expect(path(page)).toBe('/connexion');
    await pageChecks(page);
    await signIn(page, email);
    expect(path(page)).toBe('/mes-demarches');
    await pageChecks(page);

    // the draft, in "Brouillons"; its page; the sale resumes at the step left, with what was typed
    await page.getByRole('link', { name: /^Brouillons \(1\)$/ }).click();
    const draft = page.locator('tr', { hasText: file });
    expect(await draft.textContent()).toContain('QR-321-ST');
    await pageChecks(page);
    await draft.getByRole('link', { name: 'Déclaration de cession', exact: true }).click();
    expect(path(page)).toBe(`/vehicules/demandes/${file}`);
    await pageChecks(page);
    await page.getByRole('link', { name: 'Continuer la déclaration de cession' }).click();
    await page.getByLabel('Prénoms').waitFor();
    expect(await main(page)).toMatch(/Déclaration de cession\s*Étape 3 sur 5/);
    expect(await page.getByLabel('Nom de naissance').inputValue()).toBe('Lemaire');
    expect(await page.getByLabel('Prénoms').inputValue()).toBe('Sophie Anne');
    await pageChecks(page);

    // "Étape précédente": the buyer's kind, as chosen; the browser's Back: the declaration again, as typed
    await page.getByRole('link', { name: 'Étape précédente' }).click();
    await page.waitForURL(`**${base}/acheteur`);
    expect(await page.getByLabel('Une personne physique').isChecked()).toBe(true);
    await pageChecks(page);
    await page.goBack();
    await page.getByLabel('Prénoms').waitFor();
    expect(await page.getByLabel('Prénoms').inputValue()).toBe('Sophie Anne');

    // the sale finished
    await page.getByLabel('Date de naissance').fill('15/04/1990');
    await page.getByLabel('Numéro et voie').fill('8 rue des Acacias');
    await page.getByLabel('Code postal').fill('33000');
    await page.getByLabel('Commune').fill('Bordeaux');
    await page.getByLabel('Date de la vente').fill('20/11/2026');
    await page.getByLabel('Heure de la vente').fill('14:30');
    await page.getByLabel('Kilométrage inscrit au compteur').fill('84500');
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    await page.waitForURL(`**${base}/recapitulatif`);
    expect(await main(page)).toContain('Sophie Anne LEMAIRE');
    await pageChecks(page);
    await page.getByText(/Je certifie exactes/).click();
    await page.getByRole('button', { name: 'Valider la déclaration' }).click();
    await page.waitForURL(`**${base}/fin`);
    expect((await page.locator('#code-de-cession').textContent())!.trim()).toMatch(/^[A-Z0-9]{11}$/);
    await pageChecks(page);

    // "Mes démarches": the sale is done; its page tells its story in order
    await menu(page, 'Mes démarches');
    await page.getByRole('link', { name: /^Terminées \(1\)$/ }).click();
    await pageChecks(page);
    await page.locator('tr', { hasText: file }).getByRole('link', { name: 'Déclaration de cession', exact: true }).click();
    const timeline = (await page.locator('section', { has: page.locator('#historique-demande') }).textContent())!.replace(/\s+/g, ' ');
    const order = ['Démarche commencée', 'Code confidentiel accepté', 'Cession déclarée'].map((label) => timeline.indexOf(label));
    expect(order.every((at) => at >= 0), timeline).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(timeline).toContain('1er décembre 2026');
    await pageChecks(page);
  }

  it('at 375 px with JavaScript off', async () => {
    const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    page.setDefaultTimeout(20_000); // a sign-up or a sign-in hashes a password: seconds on a loaded machine
    await journey(page, 'marie.dupont@example.fr');
    await page.context().close();
  }, 900_000);

  it('at 1280 px with JavaScript on', async () => {
    const page = await e2e.newPage(DESKTOP);
    page.setDefaultTimeout(20_000); // a sign-up or a sign-in hashes a password: seconds on a loaded machine
    await journey(page, 'marie.dupont@example.fr');
    expect(page.consoleErrors).toEqual([]);
    await page.context().close();
  }, 900_000);
});
