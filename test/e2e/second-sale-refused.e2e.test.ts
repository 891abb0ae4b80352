import { describe, expect, it } from 'vitest';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { pageChecks, useE2E } from '../helpers/e2e.ts';
import { signInUserInBrowser, startOwnProcedureInBrowser } from '../helpers/users.ts';

/** Task Z2, point 1, as a person in Chromium: a second declaration of sale is refused at once, with no draft left behind. */
describe('a second declaration of sale while one is in progress', () => {
  const e2e = useE2E({ seed: 'each-test' });

  it('is refused at the first step with a link to the one in progress, and no draft is created', async () => {
    const page = await e2e.newPage({ javaScriptEnabled: false });
    await signInUserInBrowser(page, e2e.baseUrl, 'demo.particulier@example.fr');
    await startOwnProcedureInBrowser(page, e2e.baseUrl, 'Déclaration de cession', 'AB-123-CD', DEMO_VEHICLE_CODES['AB-123-CD']);
    const first = new URL(page.url()).pathname.split('/').pop()!;

    await page.goto(`${e2e.baseUrl}/vehicules/demandes/nouvelle`);
    await page.locator('label', { hasText: 'Déclaration de cession' }).first().click();
    await page.getByText('Pour moi-même').click();
    await page.getByLabel('Numéro d’immatriculation').fill('AB-123-CD');
    await page.getByRole('button', { name: 'Commencer la démarche' }).click();

    expect(new URL(page.url()).pathname).toBe('/vehicules/demandes/nouvelle'); // still the first step: no file
    await expect(page.getByRole('alert').textContent()).resolves.toContain(`Une démarche « Déclaration de cession » est déjà en cours pour ce véhicule : votre dossier ${first}`);
    await expect(page.getByLabel('Numéro d’immatriculation').inputValue()).resolves.toBe('AB-123-CD');
    await pageChecks(page);
    await page.getByRole('link', { name: `Reprendre la démarche en cours (${first})` }).click();
    expect(new URL(page.url()).pathname).toBe(`/vehicules/demandes/${first}`);

    await page.goto(`${e2e.baseUrl}/mes-demarches?onglet=brouillons`);
    const drafts = (await page.locator('main').textContent())!;
    expect([...new Set(drafts.match(/V\d{2}-[A-Z0-9]{8}/g))]).toEqual([first]); // the one in progress, and no other draft
  });
});
