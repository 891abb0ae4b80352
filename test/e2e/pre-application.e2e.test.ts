import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';
import { DEMO_PRE_APPLICATION_NUMBER } from '../../src/domains/identity-docs/demo.ts';
import { MOBILE } from '../helpers/browser.ts';
import { pageChecks, useE2E } from '../helpers/e2e.ts';
import { decodeQrFromPdf } from '../integration/pre-application-qr.ts';

describe('pre-applications and fiscal stamps in Chromium, 375 px', () => {
  const e2e = useE2E();

  async function signIn(page: Page, email: string) {
    await page.goto(`${e2e.baseUrl}/connexion`);
    await page.getByLabel('Adresse électronique').fill(email);
    await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
  }

  it('stamp bought in the demo shop, pre-application, PDF whose QR code opens it at the town hall, application taken, shown to the user', async () => {

    // The user buys a 86 € stamp in the demo shop
    const user = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await signIn(user, 'demo.particulier@example.fr');
    await user.goto(`${e2e.baseUrl}/timbres`);
    expect(await user.locator('main').textContent()).toContain('Boutique de démonstration');
    await pageChecks(user);
    await user.locator('label', { hasText: '86,00 €' }).click();
    await user.getByRole('button', { name: /Acheter ce timbre/ }).click();
    const stamp = (await user.locator('[data-stamp-number]').getAttribute('data-stamp-number'))!;
    expect(stamp).toMatch(/^\d{16}$/);
    await pageChecks(user);
    await user.goto(`${e2e.baseUrl}/timbres`);
    expect(await user.locator('main').textContent()).toContain(`•••• ${stamp.slice(-4)}`);
    await pageChecks(user);

    // … fills the pre-application step by step
    await user.goto(`${e2e.baseUrl}/pre-demandes`);
    await pageChecks(user);
    await user.getByRole('button', { name: 'Faire une pré-demande' }).click();
    await user.getByRole('button', { name: 'Enregistrer et continuer' }).click();
    expect(await user.locator('#error-summary').textContent()).toContain('Choisissez le titre demandé');
    await pageChecks(user);
    await user.locator('label', { hasText: 'Passeport' }).click();
    await user.locator('label', { hasText: 'Pour moi' }).click();
    await user.locator('label', { hasText: 'Première demande' }).click();
    await user.getByRole('button', { name: 'Enregistrer et continuer' }).click();
    expect(await user.locator('main').textContent()).toContain('Étape 2 sur 5');
    await pageChecks(user);
    await user.locator('label', { hasText: 'Féminin' }).click();
    await user.getByLabel('Nom de naissance').fill('Martin');
    await user.getByLabel('Prénoms').fill('Camille');
    await user.getByLabel('Date de naissance').fill('04/05/1990');
    await user.getByLabel('Commune de naissance').fill('Lyon');
    await user.getByRole('button', { name: 'Enregistrer et continuer' }).click();
    expect(await user.locator('main').textContent()).toContain('Timbre fiscal à fournir : 86,00 €');
    await pageChecks(user);
    await user.getByLabel('Nom du premier parent').fill('Martin');
    await user.getByLabel('Prénoms du premier parent').fill('Paul');
    await user.getByRole('button', { name: 'Enregistrer et continuer' }).click();
    await pageChecks(user);
    await user.getByLabel('Numéro et voie').fill('12 rue de la Roquette');
    await user.getByLabel('Code postal').fill('75011');
    await user.getByLabel('Commune', { exact: true }).fill('Paris');
    await user.getByLabel('Taille (en centimètres)').fill('168');
    await user.getByLabel('Couleur des yeux').selectOption('verts');
    await user.getByRole('button', { name: 'Enregistrer et continuer' }).click();
    expect(await user.locator('main').textContent()).toContain('Nom de naissanceMARTIN');
    await pageChecks(user);
    await user.getByLabel('Numéro du timbre fiscal électronique').fill(stamp.replace(/(\d{4})(?=\d)/g, '$1 '));
    await user.locator('label', { hasText: 'Je certifie exactes' }).click();
    await user.getByRole('button', { name: 'Valider la pré-demande' }).click();
    expect(await user.locator('main').textContent()).toContain('Pré-demande enregistrée');
    await pageChecks(user);

    // … downloads the summary: its QR code, decoded from the PDF's image, is the town hall's page
    const pdfUrl = await user.getByRole('link', { name: /Télécharger le récapitulatif/ }).getAttribute('href');
    const pdf = await user.request.get(`${e2e.baseUrl}${pdfUrl}`);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    const qr = decodeQrFromPdf(await pdf.body());
    expect(qr).toMatch(new RegExp(`^${e2e.baseUrl}/mairie/pre-demandes/[A-Z0-9]{10}$`));

    // The town hall opens the QR code's URL, sees the pre-application and records the application
    const hall = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await signIn(hall, 'demo.mairie@example.fr');
    await hall.goto(qr!);
    const data = await hall.locator('main').textContent();
    expect(data).toContain('Passeport');
    expect(data).toContain('MARTIN');
    expect(data).toContain('168 cm');
    await pageChecks(hall);
    await hall.getByLabel('Numéro de la demande').fill('DR-75-2026-000123');
    await hall.getByRole('button', { name: 'Enregistrer le dépôt' }).click();
    expect(await hall.locator('main').textContent()).toContain('Dossier enregistré par votre mairie');
    await pageChecks(hall);
    // the typed-number search page too
    await hall.goto(`${e2e.baseUrl}/mairie/pre-demandes`);
    await pageChecks(hall);

    // The user's dashboard shows it
    await user.goto(`${e2e.baseUrl}/pre-demandes`);
    const dashboard = await user.locator('main').textContent();
    expect(dashboard).toContain('Demande déposée à la Mairie de Villedémo');
    expect(dashboard).toContain('DR-75-2026-000123');
    await pageChecks(user);

    // the user's page of the pre-application, now taken
    await user.goto(qr!.replace(/\/mairie\/pre-demandes\/.*/, '/pre-demandes'));
    await user.getByRole('link', { name: 'Passeport', exact: true }).first().click();
    expect(await user.locator('main').textContent()).toContain('Demande déposée en mairie');
    await pageChecks(user);
    await user.context().close();
    await hall.context().close();
  });

  it('the other pages: refund in the shop, a town hall’s refusals, with JavaScript on', async () => {
    const user = await e2e.newPage(MOBILE);
    await signIn(user, 'demo.particulier@example.fr');
    await user.goto(`${e2e.baseUrl}/timbres`);
    await user.getByRole('button', { name: /Acheter ce timbre/ }).click();
    expect(await user.locator('#error-summary').textContent()).toContain('Choisissez le montant du timbre');
    await pageChecks(user);
    await user.locator('label', { hasText: '25,00 €' }).click();
    await user.getByRole('button', { name: /Acheter ce timbre/ }).click();
    // the refund as the FAQ describes it: the stamp's number and its transaction reference, sent as the browser sends the form
    const bought = (await user.locator('main').textContent()) ?? '';
    const number = (await user.locator('[data-stamp-number]').getAttribute('data-stamp-number'))!;
    const reference = /Référence de transaction\s*([A-Z2-9]{12})/.exec(bought)![1]!;
    await user.getByRole('link', { name: 'en demander le remboursement' }).click();
    await pageChecks(user);
    await user.getByLabel('Numéro du timbre').fill(number);
    await user.locator('label', { hasText: 'En ligne (timbres.impots.gouv.fr ou le portail)' }).click();
    await user.getByLabel('Référence ou numéro de transaction').fill(reference);
    await user.getByRole('button', { name: 'Envoyer la demande de remboursement' }).click();
    expect(await user.locator('main').textContent()).toContain('Votre demande de remboursement est enregistrée');
    expect(await user.locator('main').textContent()).toContain('En cours de vérification');
    await pageChecks(user);
    await user.goto(`${e2e.baseUrl}/timbres`);
    expect(await user.locator('main').textContent()).toContain('Remboursement demandé');
    // a draft resumed from the list
    await user.goto(`${e2e.baseUrl}/pre-demandes`);
    await user.getByRole('button', { name: 'Faire une pré-demande' }).click();
    await user.goto(`${e2e.baseUrl}/pre-demandes`);
    expect(await user.locator('main').textContent()).toContain('Brouillon, à terminer');
    await pageChecks(user);
    const realErrors = (errors: string[]) => errors.filter((e) => !/status of 4\d\d/.test(e));
    expect(realErrors(user.consoleErrors)).toEqual([]);

    const hall = await e2e.newPage(MOBILE);
    await signIn(hall, 'demo.mairie@example.fr');
    await hall.goto(`${e2e.baseUrl}/mairie/pre-demandes`);
    // without BarcodeDetector (Chromium on Linux), no camera button: the number is typed
    if (!(await hall.evaluate(() => 'BarcodeDetector' in window))) expect(await hall.locator('#qr-scan').isHidden()).toBe(true);

    // with a camera and BarcodeDetector (stubbed here), the scan opens the pre-application
    const scanner = await e2e.newPage(MOBILE);
    await signIn(scanner, 'demo.mairie@example.fr');
    await scanner.addInitScript((url: string) => {
      (window as unknown as { BarcodeDetector: unknown }).BarcodeDetector = class {
        async detect() {
          return [{ rawValue: url }];
        }
      };
      navigator.mediaDevices.getUserMedia = async () => {
        const canvas = document.createElement('canvas');
        canvas.width = 320;
        canvas.height = 240;
        canvas.getContext('2d')!.fillRect(0, 0, 320, 240);
        return canvas.captureStream(5);
      };
    }, `${e2e.baseUrl}/mairie/pre-demandes/${DEMO_PRE_APPLICATION_NUMBER}`);
    await scanner.goto(`${e2e.baseUrl}/mairie/pre-demandes`);
    await pageChecks(scanner);
    await scanner.getByRole('button', { name: 'Scanner le QR code avec la caméra' }).click();
    await scanner.waitForURL(`${e2e.baseUrl}/mairie/pre-demandes/${DEMO_PRE_APPLICATION_NUMBER}`);
    expect(await scanner.locator('main').textContent()).toContain('Carte nationale d’identité');
    await scanner.context().close();

    await hall.getByLabel('Numéro de pré-demande').fill('ABC');
    await hall.getByRole('button', { name: 'Rechercher' }).click();
    expect(await hall.locator('#error-summary').textContent()).toContain('Le numéro de pré-demande est mal saisi');
    await pageChecks(hall);
    await e2e.database.db.updateTable('pre_applications').set({ expires_at: new Date(Date.now() - 86_400_000) }).where('number', '=', DEMO_PRE_APPLICATION_NUMBER).execute();
    await hall.getByLabel('Numéro de pré-demande').fill(DEMO_PRE_APPLICATION_NUMBER);
    await hall.getByRole('button', { name: 'Rechercher' }).click();
    expect(await hall.locator('main').textContent()).toContain('Cette pré-demande n’est plus valable depuis le');
    await pageChecks(hall);
    expect(realErrors(hall.consoleErrors)).toEqual([]);
    await user.context().close();
    await hall.context().close();
  });
});
