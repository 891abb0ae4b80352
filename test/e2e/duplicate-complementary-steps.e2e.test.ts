import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { MOBILE } from '../helpers/browser.ts';
import { pageChecks, useE2E } from '../helpers/e2e.ts';
import { signInUserInBrowser } from '../helpers/users.ts';

const FIXTURES = path.resolve('test/fixtures');

/**
 * Issue 16 for the duplicate and the complementary procedure (TPC), as a person goes through them in
 * Chromium: each step at its own address, every form submitted as the browser sends it (empty
 * optional fields and empty file inputs included), "Étape précédente", the browser's Back, a bookmark
 * of a step not reached yet, "Reprendre plus tard" and the draft found again in « Mes démarches »,
 * the TPC with taxes paid by card through the demo payment provider.
 */
describe('the duplicate and the complementary procedure, step by step in Chromium', () => {
  const e2e = useE2E();
  const main = async (page: Page) => (await page.locator('main').textContent())!.replace(/\s+/g, ' ');
  const where = (page: Page) => new URL(page.url()).pathname;

  async function start(page: Page, kind: string, plate?: string) {
    await page.goto(`${e2e.baseUrl}/vehicules/demandes/nouvelle`);
    await page.locator('label', { hasText: kind }).first().click();
    await page.getByText('Pour moi-même').click();
    if (plate) await page.getByLabel('Numéro d’immatriculation').fill(plate);
    await page.getByRole('button', { name: 'Commencer la démarche' }).click();
  }

  it('duplicate at 375 px without JavaScript: a bookmark redirected, "Étape précédente", Back, "Modifier", an empty file input refused, "Reprendre plus tard", the report sent', async () => {
    const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    page.setDefaultTimeout(30_000);
    await signInUserInBrowser(page, e2e.baseUrl, 'demo.particulier@example.fr');
    await start(page, 'Demande de duplicata', 'AB-123-CD');
    await page.getByLabel('Code confidentiel').fill(DEMO_VEHICLE_CODES['AB-123-CD']);
    await page.getByRole('button', { name: 'Valider le code' }).click();
    await page.getByRole('link', { name: 'Continuer la demande de duplicata' }).click();
    const base = where(page);
    expect(base).toMatch(/^\/vehicules\/demandes\/V\d{2}-[A-Z0-9]{8}\/duplicata$/);
    expect(await main(page)).toMatch(/Motif de la demande\s*Étape 1 sur 3/);
    expect(await main(page), 'no next step claimed before a reason is chosen').not.toContain('Étape suivante');
    expect(await page.getByRole('link', { name: 'Étape précédente' }).count()).toBe(0);
    await pageChecks(page);

    // a bookmark of the summary, not reached yet: the first unfinished step
    await page.goto(`${e2e.baseUrl}${base}/recapitulatif`);
    expect(where(page)).toBe(`${base}/motif`);
    await pageChecks(page);

    // theft, the boxes left unticked as a browser sends them: the police report's page
    await page.getByText('Suite au vol de ma carte grise').click();
    await page.getByRole('button', { name: 'Poursuivre', exact: true }).click();
    expect(where(page)).toBe(`${base}/declaration-vol`);
    expect(await main(page)).toMatch(/Déclaration de vol\s*Étape 2 sur 4/);
    await pageChecks(page);
    // "Étape précédente", then the browser's Back
    await page.getByRole('link', { name: 'Étape précédente' }).click();
    expect(where(page)).toBe(`${base}/motif`);
    expect(await page.getByLabel('Suite au vol de ma carte grise').isChecked()).toBe(true);
    await page.goBack();
    expect(where(page)).toBe(`${base}/declaration-vol`);

    // sent with its file input left empty: refused next to the field, the message kept
    await page.getByLabel('Message pour le centre d’instruction (facultatif)').fill('Volée le 3 novembre, plainte déposée à Paris 11e.');
    await page.getByRole('button', { name: 'Valider et envoyer au centre d’instruction' }).click();
    expect(await page.locator('#error-summary').textContent()).toContain('Joignez le récépissé de votre déclaration de vol');
    expect(await page.getByLabel('Message pour le centre d’instruction (facultatif)').inputValue()).toBe('Volée le 3 novembre, plainte déposée à Paris 11e.');
    await pageChecks(page);

    // "Reprendre plus tard": the draft is in « Mes démarches », which leads back to the step with the message
    await page.getByRole('button', { name: 'Reprendre plus tard' }).click();
    expect(where(page)).toBe('/mes-demarches');
    expect(await main(page)).toContain('Vous la retrouverez dans « Mes démarches »');
    await pageChecks(page);
    await page.goto(`${e2e.baseUrl}/mes-demarches?onglet=brouillons`);
    await page.getByRole('link', { name: /^Reprendre la démarche : Demande de duplicata/ }).click();
    expect(where(page)).toBe(base);
    expect(await page.getByLabel('Message pour le centre d’instruction (facultatif)').inputValue()).toBe('Volée le 3 novembre, plainte déposée à Paris 11e.');
    await pageChecks(page);

    // a change of mind: a loss, declared on honour; the summary's "Modifier" leads to the reason's page
    await page.getByRole('link', { name: 'Étape précédente' }).click();
    await page.getByText('Suite à la perte de ma carte grise').click();
    await page.getByText(/je fais la déclaration sur l’honneur/).click();
    await page.getByRole('button', { name: 'Poursuivre', exact: true }).click();
    expect(where(page)).toBe(`${base}/recapitulatif`);
    expect(await main(page)).toMatch(/Motif\s*Perte/);
    await pageChecks(page);
    await page.getByRole('link', { name: 'Modifier : motif' }).click();
    expect(where(page)).toBe(`${base}/motif`);
    expect(await page.getByLabel('Suite à la perte de ma carte grise').isChecked()).toBe(true);
    await page.goBack();
    expect(where(page)).toBe(`${base}/recapitulatif`);
    await page.getByRole('link', { name: 'Étape précédente' }).click();
    expect(where(page)).toBe(`${base}/motif`);

    // theft after all: the report sent with its file; the reason can no longer be reached
    await page.getByText('Suite au vol de ma carte grise').click();
    await page.getByRole('button', { name: 'Poursuivre', exact: true }).click();
    expect(where(page)).toBe(`${base}/declaration-vol`);
    await page.getByLabel('Récépissé de déclaration de vol').setInputFiles(path.join(FIXTURES, 'recepisse-vol.pdf'));
    await page.getByRole('button', { name: 'Valider et envoyer au centre d’instruction' }).click();
    expect(await main(page)).toContain('Demande en attente de contrôle');
    expect(await main(page)).toContain('Volée le 3 novembre, plainte déposée à Paris 11e.');
    await pageChecks(page);
    await page.goto(`${e2e.baseUrl}${base}/motif`);
    expect(where(page)).toBe(`${base}/declaration-vol`);
    expect(page.consoleErrors.filter((e) => !e.includes('status of 400'))).toEqual([]);
    await page.context().close();
  });

  it('complementary procedure at 1280 px with JavaScript: every page as Chromium submits it, "Étape précédente", Back, a bookmark, "Modifier", then the civil-status change paid 13,76 € by card', async () => {
    const page = await e2e.newPage();
    page.setDefaultTimeout(30_000);
    await signInUserInBrowser(page, e2e.baseUrl, 'demo.garage@example.fr');
    await start(page, 'Téléprocédure complémentaire');
    const base = where(page);
    expect(base).toMatch(/^\/vehicules\/demandes\/V\d{2}-[A-Z0-9]{8}\/complementaire$/);
    expect(await page.getByRole('link', { name: 'Étape précédente' }).count()).toBe(0);
    await pageChecks(page);

    await page.getByText('Signaler un changement sur ma situation personnelle').click();
    await page.getByRole('button', { name: 'Poursuivre', exact: true }).click();
    expect(where(page)).toBe(`${base}/sous-categorie`);
    await pageChecks(page);
    // a bookmark of the summary: the first unfinished page; "Étape précédente" and Back
    await page.goto(`${e2e.baseUrl}${base}/recapitulatif`);
    expect(where(page)).toBe(`${base}/sous-categorie`);
    await page.getByRole('link', { name: 'Étape précédente' }).click();
    expect(where(page)).toBe(`${base}/categorie`);
    expect(await page.getByLabel('Signaler un changement sur ma situation personnelle').isChecked()).toBe(true);
    await pageChecks(page);
    await page.goBack();
    expect(where(page)).toBe(`${base}/sous-categorie`);
    await page.getByText('Changement d’état civil, de raison sociale ou d’état matrimonial').click();
    await page.getByRole('button', { name: 'Poursuivre', exact: true }).click();

    // part 1, the diplomatic box left unticked
    expect(where(page)).toBe(`${base}/objet`);
    await page.getByLabel('Objet de la demande').fill('Nom d’usage après mon mariage : mise à jour du certificat.');
    await page.getByLabel('Numéro d’immatriculation du véhicule').fill('GH-456-JK');
    await pageChecks(page);
    await page.getByRole('button', { name: 'Poursuivre', exact: true }).click();

    // part 2, the address's complement left empty
    expect(where(page)).toBe(`${base}/titulaire`);
    await page.getByText('Une personne physique').click();
    await page.getByLabel('Nom de naissance').fill('Moreau');
    await page.getByLabel('Prénom(s)').fill('Lucie');
    await page.getByLabel('Date de naissance').fill('14/06/1985');
    await page.getByLabel('Commune de naissance').fill('Nantes');
    await page.getByLabel('Numéro et voie').fill('3, place du Commerce');
    await page.getByLabel('Code postal').fill('44000');
    await page.getByLabel('Commune', { exact: true }).fill('Nantes');
    await pageChecks(page);
    await page.getByRole('button', { name: 'Poursuivre', exact: true }).click();

    // part 3: "Poursuivre" with every file input empty is refused; with the piece chosen, it is joined and goes on
    expect(where(page)).toBe(`${base}/pieces`);
    await pageChecks(page);
    await page.getByRole('button', { name: 'Poursuivre vers le récapitulatif' }).click();
    expect(await page.locator('#error-summary').textContent()).toContain('Joignez : pièce justificative du changement d’état');
    await pageChecks(page);
    await page.getByLabel('Pièce justificative du changement d’état').setInputFiles(path.join(FIXTURES, 'recepisse-vol.pdf'));
    await page.getByRole('button', { name: 'Poursuivre vers le récapitulatif' }).click();
    expect(where(page)).toBe(`${base}/recapitulatif`);
    const summary = await main(page);
    expect(summary).toContain('recepisse-vol.pdf');
    expect(summary).toMatch(/Montant à payer\s*13,76\s€/);
    await pageChecks(page);
    // "Modifier" is a link to the part's page; Back returns to the summary
    await page.getByRole('link', { name: 'Modifier : objet de la demande' }).click();
    expect(where(page)).toBe(`${base}/objet`);
    expect(await page.getByLabel('Objet de la demande').inputValue()).toBe('Nom d’usage après mon mariage : mise à jour du certificat.');
    await page.goBack();
    expect(where(page)).toBe(`${base}/recapitulatif`);

    // validated, then paid by card through the demo provider: the request reaches the centre
    await page.getByText(/J’accepte les conditions légales d’utilisation/).click();
    await page.getByRole('button', { name: 'Valider la demande' }).click();
    expect(where(page)).toBe(`${base}/paiement`);
    expect(await main(page)).toMatch(/Montant à payer : 13,76\s€/);
    await pageChecks(page);
    await page.getByRole('button', { name: 'Payer par carte bancaire' }).click();
    await pageChecks(page);
    await page.getByLabel('Numéro de la carte').fill('4242 4242 4242 4242');
    await page.getByLabel('Date d’expiration').fill('12/30');
    await page.getByLabel('Cryptogramme').fill('123');
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.getByRole('link', { name: 'Cliquer ici pour enregistrer votre paiement' }).click();
    expect(await main(page)).toContain('Demande transmise au centre d’instruction');
    await pageChecks(page);
    const paid = await e2e.database.db.selectFrom('payments').select('amount_cents').where('status', '=', 'success').execute();
    expect(paid).toEqual([{ amount_cents: 1376 }]);
    const file = base.split('/')[3]!;
    expect((await e2e.database.db.selectFrom('vehicle_procedures').select('status').where('file_number', '=', file).executeTakeFirstOrThrow()).status).toBe('awaiting_review');
    // every earlier page now leads to the follow-up
    await page.goto(`${e2e.baseUrl}${base}/objet`);
    expect(where(page)).toBe(`${base}/suivi`);
    expect(page.consoleErrors.filter((e) => !e.includes('status of 400'))).toEqual([]);
    await page.context().close();
  });
});
