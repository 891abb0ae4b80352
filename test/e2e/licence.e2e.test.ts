import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';
import { DEMO_LICENCE_FILE } from '../../src/domains/licences/demo.ts';
import { verificationSignature } from '../../src/domains/licences/documents.ts';
import { DEMO_PHOTO_CODES } from '../../src/domains/licences/photo-service.ts';
import { signInAgentInBrowser } from '../helpers/agents.ts';
import { MOBILE } from '../helpers/browser.ts';
import { pageChecks, useE2E } from '../helpers/e2e.ts';
import { pdfText } from '../helpers/pdf.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

/** Clicks the label of a radio button or checkbox, as a person does (DSFR hides the input itself). */
const pick = (page: Page, label: string | RegExp) => page.locator('label').filter({ hasText: label }).first().click();

describe('driving-licence requests in Chromium, JavaScript off, 375 px', () => {
  const e2e = useE2E();

  async function signIn(page: Page) {
    await page.goto(`${e2e.baseUrl}/connexion`);
    await page.getByLabel('Adresse électronique').fill('demo.particulier@example.fr');
    await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
  }

  /** Step 1 then 3 and 4, as a person types them; step 2 is left to the caller. */
  async function begin(page: Page, reason: RegExp) {
    await page.goto(`${e2e.baseUrl}/permis`);
    await pageChecks(page);
    await page.getByRole('link', { name: 'Nouvelle demande' }).click();
    await pageChecks(page);
    await pick(page, reason);
    await pick(page, 'Pour moi-même');
    await page.getByRole('button', { name: 'Commencer la demande' }).click();
    await pageChecks(page);
  }
  async function identityAndContact(page: Page, photo: 'code' | 'classic', code?: string) {
    await page.getByLabel('Nom de naissance').fill('Martin');
    await page.getByLabel(/^Prénom\(s\)/).fill('Camille');
    await pick(page, 'Féminin');
    await page.getByLabel(/^Date de naissance/).fill('14/07/1990');
    await page.getByLabel(/^Commune de naissance/).fill('Lyon');
    await page.getByLabel(/^Adresse : numéro et voie/).fill('12 rue de la Roquette');
    await page.getByLabel('Code postal').fill('75011');
    await page.getByLabel('Commune', { exact: true }).fill('Paris');
    await page.getByRole('button', { name: 'Enregistrer et continuer' }).click();
    await pageChecks(page);
    await page.getByLabel('Adresse électronique').fill('camille@example.fr');
    await page.getByLabel(/^Téléphone portable/).fill('06 12 34 56 78');
    if (photo === 'code') {
      await pick(page, /J’ai un code photo-signature numérique/);
      await page.getByLabel(/^Code photo-signature/).fill(code!);
    } else await pick(page, /Je dispose d’une photo d’identité classique/);
    await page.getByRole('button', { name: 'Enregistrer et continuer' }).click();
    await pageChecks(page);
  }
  async function pieces(page: Page) {
    await page.getByLabel(/^Pièce d’identité/).setInputFiles({ name: 'cni.png', mimeType: 'image/png', buffer: PNG });
    await page.getByLabel(/^Justificatif de domicile/).setInputFiles({ name: 'facture.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: 'Enregistrer et continuer' }).click();
    await pageChecks(page);
  }

  it('a registration is filed by the user, its images then the request validated by the agent: the NEPH is shown', async () => {
    const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await signIn(page);
    await begin(page, /Je m’inscris à l’examen du permis de conduire/);
    await pick(page, /^B \(voiture\)/);
    await page.getByLabel(/^Numéro de dossier permis \(NEPH\)/).fill('123');
    await page.getByRole('button', { name: 'Enregistrer et continuer' }).click();
    expect(await page.locator('#error-summary').textContent()).toContain('Le numéro NEPH comporte 12 chiffres');
    expect(await page.getByLabel(/^B \(voiture\)/).isChecked()).toBe(true);
    await pageChecks(page);
    await page.getByLabel(/^Numéro de dossier permis \(NEPH\)/).fill('');
    await page.getByRole('button', { name: 'Enregistrer et continuer' }).click();
    await identityAndContact(page, 'code', DEMO_PHOTO_CODES[4]);
    await pieces(page);
    expect(await page.locator('main').textContent()).toContain('Code photo-signature numérique');
    await page.getByText(/J’accepte les conditions légales d’utilisation/).click();
    await page.getByRole('button', { name: 'Valider la demande' }).click();
    const sent = (await page.locator('main').textContent())!;
    expect(sent).toContain('Votre demande est envoyée');
    expect(sent).toContain('Envoyée');
    await pageChecks(page);
    const file = /Demande (P\d{2}-[0-9A-Z]{8})/.exec(sent)![1]!;

    const agentPage = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await signInAgentInBrowser(agentPage, e2e.baseUrl, 'agent.permis@example.fr');
    await agentPage.goto(`${e2e.baseUrl}/agents/permis`);
    await pageChecks(agentPage);
    await agentPage.getByRole('link', { name: file }).click();
    await pageChecks(agentPage);
    await agentPage.getByRole('button', { name: 'Prendre la demande' }).click();
    expect(await agentPage.locator('main').textContent()).toContain('Vérification des images');
    await pageChecks(agentPage);
    await agentPage.getByRole('button', { name: 'Accepter la photo et la signature' }).click();
    expect(await agentPage.locator('main').textContent()).toContain('En cours d’instruction');
    // a request is validated only once each of its pieces is accepted
    await agentPage.getByRole('button', { name: 'Valider la demande' }).click();
    expect(await agentPage.locator('main').textContent()).toContain('Acceptez d’abord chaque pièce, ou demandez un complément');
    const examinations = await agentPage.getByRole('button', { name: 'Enregistrer l’examen' }).count();
    expect(examinations).toBeGreaterThan(0);
    for (let left = examinations; left > 0; left--) {
      // an examined piece shows its verdict instead of its form: the first form is the next piece
      await agentPage.locator('label', { hasText: /^Accepter$/ }).first().click();
      await agentPage.getByRole('button', { name: 'Enregistrer l’examen' }).first().click();
      await expect.poll(() => agentPage.getByRole('button', { name: 'Enregistrer l’examen' }).count()).toBe(left - 1);
    }
    await agentPage.getByRole('button', { name: 'Valider la demande' }).click();
    expect(await agentPage.locator('main').textContent()).toContain('Validée par l’administration');
    await pageChecks(agentPage);

    await page.goto(`${e2e.baseUrl}/permis/demandes/${file}`);
    const done = (await page.locator('main').textContent())!;
    expect(done).toContain('Validée par l’administration');
    expect(done).toMatch(/Votre numéro de dossier permis \(NEPH\) est \d{12}/);
    await pageChecks(page);
    await page.context().close();
    await agentPage.context().close();
  });

  it('a loss paid with a timbre fiscal: no driving until the attestation de droits à conduire, downloaded once checked', async () => {
    const accountId = (await e2e.database.db.selectFrom('accounts').select('id').where('email', '=', 'demo.particulier@example.fr').executeTakeFirstOrThrow()).id;
    const stamp = await e2e.database.db.transaction().execute((trx) => e2e.app.stamps.buy(trx, { amountCents: 2500, accountId }));
    const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await signIn(page);
    await begin(page, /Perte du permis de conduire/);
    await page.getByLabel(/^Numéro du permis/).fill('13AB12345');
    await page.getByRole('button', { name: 'Enregistrer et continuer' }).click();
    await identityAndContact(page, 'code', DEMO_PHOTO_CODES[5]);
    await pieces(page);
    expect(await page.locator('main').textContent()).toContain('Timbre fiscal électronique : 25,00 €');
    await page.getByLabel(/^Numéro du timbre fiscal électronique/).fill('1234');
    await page.getByText(/J’accepte les conditions légales d’utilisation/).click();
    await page.getByRole('button', { name: 'Valider la demande' }).click();
    expect(await page.locator('#error-summary').textContent()).toContain('Le numéro du timbre fiscal comporte 16 chiffres');
    await pageChecks(page);
    await page.getByLabel(/^Numéro du timbre fiscal électronique/).fill(stamp.number.replace(/(\d{4})(?=\d)/g, '$1 '));
    await page.getByText(/J’accepte les conditions légales d’utilisation/).click();
    await page.getByRole('button', { name: 'Valider la demande' }).click();
    const sent = (await page.locator('main').textContent())!;
    expect(sent).toContain('Vous n’êtes pas autorisé à conduire');
    await pageChecks(page);
    const file = /Demande (P\d{2}-[0-9A-Z]{8})/.exec(sent)![1]!;

    const agentPage = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await signInAgentInBrowser(agentPage, e2e.baseUrl, 'agent.permis@example.fr');
    await agentPage.goto(`${e2e.baseUrl}/agents/permis?q=${file}`);
    await agentPage.getByRole('link', { name: file }).click();
    await agentPage.getByRole('button', { name: 'Prendre la demande' }).click();
    await agentPage.getByRole('button', { name: 'Accepter la photo et la signature' }).click();

    await page.goto(`${e2e.baseUrl}/permis/demandes/${file}`);
    expect(await page.locator('main').textContent()).not.toContain('Vous n’êtes pas autorisé à conduire');
    await pageChecks(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /^Attestation de droits à conduire \(PDF – \d+ Ko\)$/ }).click()]);
    const bytes = Buffer.concat(await (async () => { const chunks: Buffer[] = []; for await (const chunk of (await download.createReadStream())) chunks.push(chunk as Buffer); return chunks; })());
    expect(pdfText(bytes)).toContain('Attestation de droits à conduire');
    expect(pdfText(bytes)).toContain(file);
    await page.context().close();
    await agentPage.context().close();
  });

  it('a correction request is refused for a title received more than 6 months ago', async () => {
    // Camille holds a title from an online request (without one, the step offers the ways out instead of the form).
    const camille = await e2e.database.db.selectFrom('accounts').select('id').where('email', '=', 'demo.particulier@example.fr').executeTakeFirstOrThrow();
    await e2e.database.db
      .insertInto('licence_requests')
      .values({ file_number: 'P26-ORIG0E2E', account_id: camille.id, reason: 'title_exam', for_other: false, status: 'validated', data: JSON.stringify({}), step: 'summary', idempotency_key: 'validated-P26-ORIG0E2E', submitted_at: new Date('2026-10-20T10:00:00Z'), decided_at: new Date('2026-10-25T10:00:00Z') })
      .execute();
    const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await signIn(page);
    await begin(page, /Je souhaite signaler une erreur sur mon permis de conduire/);
    const old = new Date();
    old.setUTCMonth(old.getUTCMonth() - 8);
    await page.getByLabel(/^Numéro du permis/).fill('13AB12345');
    await page.getByLabel(/^Date de réception du titre/).fill(old.toISOString().slice(0, 10).split('-').reverse().join('/'));
    await pick(page, /faute d’orthographe/);
    await page.getByLabel('Décrivez l’erreur et la mention correcte').fill('Prénom Camile au lieu de Camille');
    await page.getByRole('button', { name: 'Enregistrer et continuer' }).click();
    const summary = (await page.locator('#error-summary').textContent())!;
    expect(summary).toContain('Votre titre a été reçu il y a plus de 6 mois : la demande de correction n’est plus possible');
    expect(await page.getByLabel('Décrivez l’erreur et la mention correcte').inputValue()).toBe('Prénom Camile au lieu de Camille');
    await pageChecks(page);
    await page.context().close();
  });

  it('a classic-photo request: the FPS form downloads from "Consulter"', async () => {
    const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await signIn(page);
    await begin(page, /Renouvellement : fin de validité/);
    await pick(page, /^B \(voiture\)/);
    await page.getByLabel(/^Numéro du permis/).fill('13AB12345');
    await page.getByRole('button', { name: 'Enregistrer et continuer' }).click();
    await identityAndContact(page, 'classic');
    await pieces(page);
    await page.getByText(/J’accepte les conditions légales d’utilisation/).click();
    await page.getByRole('button', { name: 'Valider la demande' }).click();
    await page.goto(`${e2e.baseUrl}/permis`);
    await page.getByRole('link', { name: /^Consulter la demande/ }).first().click();
    await pageChecks(page);
    expect(await page.getByRole('heading', { name: 'Photo / signature de la personne concernée par le titre' }).count()).toBe(1);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /^formulaire dépôt photo et signature \(PDF – \d+ Ko\)$/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/^fps-P\d{2}-[0-9A-Z]{8}\.pdf$/);
    const chunks: Buffer[] = [];
    for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
    expect(pdfText(Buffer.concat(chunks))).toContain('Formulaire de dépôt photo et signature');
    await page.context().close();
  });

  it('the other pages pass axe at 375 px: a refused file, the demo booth, the verification page, a refused decision', async () => {
    const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await signIn(page);
    await begin(page, /Vol du permis de conduire/);
    await page.getByLabel(/^Numéro du permis/).fill('13AB12345');
    await page.getByRole('button', { name: 'Enregistrer et continuer' }).click();
    await identityAndContact(page, 'classic');
    await page.getByLabel(/^Pièce d’identité/).setInputFiles({ name: 'cni.txt', mimeType: 'text/plain', buffer: Buffer.from('pas une image') });
    await page.getByRole('button', { name: 'Enregistrer et continuer' }).click();
    expect(await page.locator('#error-summary').textContent()).toContain('Le fichier « cni.txt » n’est pas au format JPG, PNG, BMP, TIFF ou PDF');
    await pageChecks(page);
    await page.goto(`${e2e.baseUrl}/photo-signature/cabine-demo`);
    await page.getByRole('button', { name: 'Prendre une photo et obtenir un code' }).click();
    expect(await page.locator('main').textContent()).toMatch(/\d{22}/);
    await pageChecks(page);
    await page.goto(`${e2e.baseUrl}/permis/verifier/${DEMO_LICENCE_FILE}/${verificationSignature(e2e.app.config.sessionSecret, DEMO_LICENCE_FILE)}`);
    expect(await page.locator('main').textContent()).toContain('Document authentique');
    await pageChecks(page);

    const agentPage = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await signInAgentInBrowser(agentPage, e2e.baseUrl, 'agent.permis@example.fr');
    await agentPage.goto(`${e2e.baseUrl}/agents/permis?statut=sent&motif=registration`);
    await pageChecks(agentPage);
    await agentPage.getByRole('link', { name: DEMO_LICENCE_FILE }).click();
    await agentPage.getByRole('button', { name: 'Prendre la demande' }).click();
    await agentPage.getByRole('button', { name: 'Rejeter la photo et la signature' }).click();
    expect(await agentPage.locator('#error-summary').textContent()).toContain('Indiquez le motif : il est montré à l’usager');
    await pageChecks(agentPage);
    await page.context().close();
    await agentPage.context().close();
  });
});
