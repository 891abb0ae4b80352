import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { pageChecks, useE2E } from '../helpers/e2e.ts';
import { pdfText } from '../helpers/pdf.ts';

describe('a sale and the change of holder, in Chromium with JavaScript off', () => {
  const e2e = useE2E();

  async function startProcedure(page: Page, kind: string, plate: string) {
    await page.goto(`${e2e.baseUrl}/vehicules`);
    await page.getByRole('link', { name: 'Ajouter une demande' }).click();
    await page.locator('label', { hasText: kind }).first().click();
    await page.getByText('Pour moi-même').click();
    await page.getByLabel('Numéro d’immatriculation').fill(plate);
    await page.getByRole('button', { name: 'Commencer la démarche' }).click();
  }

  it('the seller declares the sale and reads the code; a FranceConnect buyer changes the holder with it; a second use is refused', async () => {
    // Seller: Camille Martin, portal account, confidential code.
    const seller = await e2e.newPage({ javaScriptEnabled: false });
    await seller.goto(`${e2e.baseUrl}/connexion`);
    await seller.getByLabel('Adresse électronique').fill('demo.particulier@example.fr');
    await seller.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
    await seller.getByRole('button', { name: 'Se connecter' }).click();
    await startProcedure(seller, 'Déclaration de cession', 'AB-123-CD');
    await seller.getByLabel('Code confidentiel').fill(DEMO_VEHICLE_CODES['AB-123-CD']);
    await seller.getByRole('button', { name: 'Valider le code' }).click();
    await seller.getByRole('link', { name: 'Continuer la déclaration de cession' }).click();
    await pageChecks(seller);
    // signed in: no anti-robot question (issue 14)
    expect(await seller.getByLabel(/Vérification/).count()).toBe(0);
    await seller.getByText('J’ai compris ces informations').click();
    await seller.getByRole('button', { name: 'Poursuivre' }).click();
    await pageChecks(seller);
    await seller.getByRole('button', { name: 'Poursuivre' }).click();
    await pageChecks(seller);
    await seller.getByText('Une personne physique', { exact: true }).click(); // the buyer's kind, its own page (issue 16)
    await seller.getByRole('button', { name: 'Poursuivre' }).click();
    await pageChecks(seller);
    await seller.getByLabel('Nom de naissance').fill('de La Fontaine-Dupont');
    await seller.getByLabel('Prénoms').fill('Jean-Baptiste Marie');
    await seller.getByLabel('Date de naissance').fill('01/07/1978'); // the buyer's FranceConnect identity: only the declared buyer may register the vehicle
    await seller.getByLabel('Numéro et voie').fill('10 avenue Foch');
    await seller.getByLabel('Code postal').fill('75016');
    await seller.getByLabel('Commune').fill('Paris');
    await seller.getByLabel('Date de la vente').fill('22/11/2026');
    await seller.getByLabel('Heure de la vente').fill('09:15');
    await seller.getByLabel('Kilométrage inscrit au compteur').fill('45210');
    await seller.getByRole('button', { name: 'Poursuivre' }).click();
    await pageChecks(seller);
    await seller.getByText(/Je certifie exactes/).click();
    await seller.getByRole('button', { name: 'Valider la déclaration' }).click();
    const code = (await seller.locator('#code-de-cession').textContent())!.trim();
    expect(code).toMatch(/^[A-Z0-9]{11}$/);
    await pageChecks(seller);
    const href = await seller.getByRole('link', { name: /Certificat de cession/ }).getAttribute('href');
    const certificate = await seller.request.get(`${e2e.baseUrl}${href}`);
    expect(certificate.headers()['content-type']).toBe('application/pdf');
    const text = pdfText(await certificate.body());
    expect(text).toContain('Camille MARTIN');
    expect(text).toContain('Jean-Baptiste Marie DE LA FONTAINE-DUPONT');

    // Buyer: signs in with FranceConnect (simulator), certified account.
    const buyer = await e2e.newPage({ javaScriptEnabled: false });
    await buyer.goto(`${e2e.baseUrl}/connexion/franceconnect`);
    await buyer.locator('label', { hasText: 'Jean-Baptiste Marie de La Fontaine-Dupont' }).click();
    await buyer.getByRole('button', { name: 'Se connecter avec cette identité' }).click();
    await buyer.getByText('J’ai lu les conditions générales d’utilisation').click();
    await buyer.getByRole('button', { name: 'Créer mon compte' }).click();
    await startProcedure(buyer, 'Changement de titulaire', 'AB-123-CD');
    await buyer.getByRole('link', { name: 'Continuer le changement de titulaire' }).click();
    await pageChecks(buyer);
    await buyer.getByText('Oui', { exact: true }).click();
    await buyer.getByLabel('Si oui : code de cession').fill(code);
    await buyer.getByRole('button', { name: 'Poursuivre' }).click();
    expect(await buyer.locator('main').textContent()).toContain('Ancien titulaire : Camille MARTIN');
    expect(await buyer.getByLabel('Prénoms').inputValue()).toBe('Jean-Baptiste Marie'); // from FranceConnect
    await buyer.getByText('Usage personnel').click();
    await buyer.getByLabel('Commune de naissance').fill('Versailles');
    await buyer.getByLabel('Numéro et voie').fill('10 avenue Foch');
    await buyer.getByLabel('Code postal').fill('75016');
    await buyer.getByLabel('Commune', { exact: true }).fill('Paris');
    await buyer.getByRole('button', { name: 'Poursuivre' }).click();
    await pageChecks(buyer);
    await buyer.getByText(/J’accepte les conditions légales d’utilisation/).click();
    await buyer.getByRole('button', { name: 'Valider la demande' }).click();
    expect(await buyer.locator('main').textContent()).toContain('Montant à payer');
    await pageChecks(buyer);
    // Pay: a declined card first, then a good one.
    for (const [card, expected] of [
      ['4000 0000 0000 0002', 'Le paiement a été refusé par la banque'],
      ['4242 4242 4242 4242', 'Votre paiement est enregistré.'],
    ] as const) {
      await buyer.getByRole('button', { name: 'Payer par carte bancaire' }).click();
      await pageChecks(buyer);
      await buyer.getByLabel('Numéro de la carte').fill(card);
      await buyer.getByLabel('Date d’expiration').fill('12/30');
      await buyer.getByLabel('Cryptogramme').fill('123');
      await buyer.getByRole('button', { name: 'Valider' }).click();
      await buyer.getByRole('link', { name: /^(Cliquer ici pour enregistrer votre paiement|Revenir sur le portail)$/ }).click();
      expect(await buyer.locator('main').textContent()).toContain(expected);
    }
    // the new certificate's confidential code travels with it, and the final page says so
    expect(await buyer.locator('main').textContent()).toContain('Le nouveau code confidentiel du véhicule accompagne le nouveau certificat');
    const cpiHref = await buyer.getByRole('link', { name: /Certificat provisoire d’immatriculation/ }).getAttribute('href');
    const cpi = pdfText(await (await buyer.request.get(`${e2e.baseUrl}${cpiHref}`)).body());
    expect(cpi).toContain('Jean-Baptiste Marie DE LA FONTAINE-DUPONT');
    expect(cpi).toContain('AB-123-CD');
    await pageChecks(buyer);
    const summaryHref = await buyer.getByRole('link', { name: /récapitulatif/i }).getAttribute('href');
    const summary = pdfText(await (await buyer.request.get(`${e2e.baseUrl}${summaryHref}`)).body());
    expect(summary).toContain('Camille MARTIN');
    expect(summary).toContain('Jean-Baptiste Marie DE LA FONTAINE-DUPONT');

    // A second change of holder by the new holder, with the same code: refused before the code is even
    // asked, since the holder of a vehicle cannot start a change of holder on it (issue 18; the
    // code's single use is proven in test/integration/holder-change.test.ts).
    await startProcedure(buyer, 'Changement de titulaire', 'AB-123-CD');
    expect(await buyer.locator('#error-summary').textContent()).toContain('Vous êtes le titulaire actuel de ce véhicule');
    await pageChecks(buyer);
    await seller.context().close();
    await buyer.context().close();
  }, 300_000); // two people, FranceConnect, a payment and pageChecks on every page: ~75 s alone on a loaded machine
});
