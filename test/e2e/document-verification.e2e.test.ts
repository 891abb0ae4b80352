import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { messageForForm } from '../../src/domains/document-verification/routes.tsx';
import { readDataMatrixCodes } from '../../src/platform/seal/read-pdf.ts';
import { MOBILE } from '../helpers/browser.ts';
import { pageChecks, useE2E } from '../helpers/e2e.ts';
import { sellCamillesCar } from '../helpers/sales.ts';
import { signInUser } from '../helpers/users.ts';
import { decodeQrFromPdf } from '../integration/pre-application-qr.ts';

/**
 * The two verification pages a person holding a printed document reaches, in Chromium at 375 px
 * with JavaScript off: the 2D-Doc page (the text a reader shows, pasted) and the page of the QR code.
 */
describe('verifying a printed document, in Chromium at 375 px with JavaScript off', () => {
  const e2e = useE2E();
  let pdf: Buffer;
  beforeAll(async () => {
    // a real certificat de cession, from the sale of Camille's car, downloaded as the seller does
    const seller = await signInUser(e2e.app, 'demo.particulier@example.fr');
    await sellCamillesCar(seller);
    const sale = await e2e.database.db.selectFrom('vehicle_procedures').select('file_number').where('kind', '=', 'sale_declaration').executeTakeFirstOrThrow();
    pdf = (await seller.get(`/vehicules/demandes/${sale.file_number}/documents/certificat_cession.pdf`)).rawPayload;
  }, 600_000);

  /** axe finds nothing and the page does not scroll sideways at 375 px */
  const readable = (page: Page) => pageChecks(page);

  it('a 2D-Doc read from the document and pasted is verified; the same text altered is refused', async () => {
    const [message] = await readDataMatrixCodes(pdf);
    expect(message).toMatch(/^DC04FR00/);
    const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await page.goto(`${e2e.baseUrl}/verification/2d-doc`);
    await readable(page);
    await page.getByLabel('Texte du 2D-Doc').fill(messageForForm(message!));
    await page.getByRole('button', { name: 'Vérifier' }).click();
    await expect(page.locator('.fr-alert--success').textContent()).resolves.toContain('Document authentique');
    const said = (await page.locator('main').textContent())!.replace(/\s+/g, ' ');
    expect(said).toContain('Certificat de cession d’un véhicule d’occasion');
    expect(said).toContain('AB-123-CD');
    expect(said).toContain('JULIEN LEROY');
    await readable(page);

    // the kept text, with the buyer's name changed, no longer verifies
    const field = page.getByLabel('Texte du 2D-Doc');
    expect(await field.inputValue()).toBe(messageForForm(message!));
    await field.fill(messageForForm(message!).replace('JULIEN LEROY', 'JULIEN LEROI'));
    await page.getByRole('button', { name: 'Vérifier' }).click();
    await expect(page.locator('.fr-alert--error').textContent()).resolves.toContain('Signature invalide');
    expect(await page.locator('.fr-alert--success').count()).toBe(0);
    await readable(page);

    // an empty submission: the error next to the field and in the summary
    await page.getByLabel('Texte du 2D-Doc').fill('');
    await page.getByRole('button', { name: 'Vérifier' }).click();
    await expect(page.title()).resolves.toMatch(/^Erreur : /);
    expect(await page.locator('.app-error-summary').textContent()).toContain('Collez le texte du 2D-Doc');
    expect(await page.locator('.fr-input-group--error .fr-message--error').textContent()).toContain('Collez le texte du 2D-Doc');
    await readable(page);
    await page.context().close();
  });

  it('the QR code of the document leads to a page that says it was issued by the portal', async () => {
    const url = decodeQrFromPdf(pdf);
    expect(url).toMatch(/\/verification\/[A-Za-z0-9_-]{22}$/);
    const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await page.goto(url!.replace(/^https?:\/\/[^/]+/, e2e.baseUrl));
    await expect(page.locator('.fr-alert--success').textContent()).resolves.toContain('Ce document a bien été délivré par le portail');
    expect((await page.locator('main').textContent())!.replace(/\s+/g, ' ')).toContain('AB-123-CD');
    await readable(page);
    // a code that names no document
    await page.goto(`${e2e.baseUrl}/verification/${'A'.repeat(22)}`);
    await expect(page.locator('.fr-alert--error').textContent()).resolves.toContain('Document inconnu');
    await readable(page);
    await page.context().close();
  });
});
