import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { pageChecks, useE2E } from '../helpers/e2e.ts';
import { sellCamillesCar } from '../helpers/sales.ts';
import { signInUser, signInUserInBrowser } from '../helpers/users.ts';

/**
 * Task 7-D, point 2, as a person in Chromium with JavaScript off: a mistyped code de cession leaves
 * the change of holder's draft as it was; a draft refused at the code because another change of
 * holder took the vehicle is abandoned (not listed among the drafts) with the way back to the open
 * one; a third start is refused at the first step, with the same link and no file created.
 */
describe('a second change of holder on one vehicle, in Chromium', () => {
  const e2e = useE2E({ seed: 'each-test' });
  const PLATE = 'AB-123-CD';
  const BUYER = 'demo.entreprise@example.fr';

  async function startTransfer(page: Page) {
    await page.goto(`${e2e.baseUrl}/vehicules/demandes/nouvelle`);
    await page.locator('label', { hasText: 'Changement de titulaire' }).first().click();
    await page.getByText('Pour moi-même').click();
    await page.getByLabel('Numéro d’immatriculation').fill(PLATE);
    await page.getByRole('button', { name: 'Commencer la démarche' }).click();
  }
  async function typeCode(page: Page, file: string, code: string) {
    await page.goto(`${e2e.baseUrl}/vehicules/demandes/${file}/titulaire`);
    await page.getByText('Oui', { exact: true }).click();
    await page.getByLabel('Si oui : code de cession').fill(code);
    await page.getByRole('button', { name: 'Poursuivre' }).click();
  }
  const fileOf = (page: Page) => new URL(page.url()).pathname.split('/')[3]!;
  const drafts = async (page: Page) => {
    await page.goto(`${e2e.baseUrl}/mes-demarches?onglet=brouillons`);
    return (await page.locator('main').textContent())!;
  };

  it('a wrong code keeps the draft; refused at the code, the draft is abandoned and the open one offered; a third start is refused at once', async () => {
    // Camille Martin declares the sale to Julien Leroy, who signs in on a certified account with his FranceConnect identity
    const code = await sellCamillesCar(await signInUser(e2e.app, 'demo.particulier@example.fr'));
    const db = e2e.database.db;
    const buyer = await db.selectFrom('accounts').select('id').where('email', '=', BUYER).executeTakeFirstOrThrow();
    await db
      .insertInto('franceconnect_identities')
      .values({ sub: 'julien-leroy', account_id: buyer.id, given_name: 'Julien', family_name: 'LEROY', birthdate: '1985-02-03', gender: 'male', birthplace: '69123', birthcountry: '99100', email: BUYER })
      .execute();
    await sql`update accounts set certified = true where id = ${buyer.id}`.execute(db);

    const page = await e2e.newPage({ javaScriptEnabled: false });
    await signInUserInBrowser(page, e2e.baseUrl, BUYER);
    await startTransfer(page);
    const first = fileOf(page);
    await startTransfer(page); // two drafts: neither holds the vehicle before its code
    const second = fileOf(page);
    expect(second).not.toBe(first);

    // a mistyped code: the error in French next to the field, the draft kept
    await typeCode(page, second, 'AAAAAAAAAAA');
    expect(await page.locator('#error-summary').textContent()).toContain('Ce code de cession ne correspond pas à ce véhicule');
    await expect(page.getByLabel('Si oui : code de cession').inputValue()).resolves.toBe('AAAAAAAAAAA');
    await pageChecks(page);
    expect(await drafts(page)).toContain(second);

    // the first draft's code takes the vehicle; the second's, right but too late, is refused and its draft abandoned
    await typeCode(page, first, code);
    expect(await page.locator('main').textContent()).toContain('Ancien titulaire : Camille MARTIN');
    await typeCode(page, second, code);
    const refusal = (await page.getByRole('alert').first().textContent())!;
    expect(refusal).toContain('Une démarche « Changement de titulaire » est déjà en cours pour ce véhicule');
    expect(refusal).toContain('Ce dossier est abandonné : il ne reste pas dans vos brouillons.');
    expect(await page.getByLabel('Si oui : code de cession').count()).toBe(0); // nothing left to send
    await pageChecks(page);
    await page.getByRole('link', { name: `Reprendre la démarche en cours (${first})` }).click();
    expect(new URL(page.url()).pathname).toBe(`/vehicules/demandes/${first}`);
    const listed = await drafts(page);
    expect(listed).toContain(first);
    expect(listed).not.toContain(second);

    // starting again: refused at the first step, the plate kept, the way back to the open one, no file created
    await startTransfer(page);
    expect(new URL(page.url()).pathname).toBe('/vehicules/demandes/nouvelle');
    expect(await page.getByRole('alert').first().textContent()).toContain(`Une démarche « Changement de titulaire » est déjà en cours pour ce véhicule : votre dossier ${first}`);
    await expect(page.getByLabel('Numéro d’immatriculation').inputValue()).resolves.toBe(PLATE);
    await pageChecks(page);
    await page.getByRole('link', { name: `Reprendre la démarche en cours (${first})` }).click();
    expect(new URL(page.url()).pathname).toBe(`/vehicules/demandes/${first}`);
    const files = await db.selectFrom('vehicle_procedures').select('status').where('account_id', '=', buyer.id).where('kind', '=', 'holder_change').orderBy('id').execute();
    expect(files.map((f) => f.status)).toEqual(['in_progress', 'cancelled']);
  }, 240_000);
});
