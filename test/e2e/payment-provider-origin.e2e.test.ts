import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { useE2E } from '../helpers/e2e.ts';
import { startFakePayfip, type FakePayfip } from '../helpers/payfip-fake.ts';
import { signInUserInBrowser } from '../helpers/users.ts';

/**
 * The payment provider on another origin than the portal, as in production (PayFiP): the "Payer"
 * form's answer redirects the browser there, which the CSP's form-action must allow.
 */
describe('paying on a PayFiP page served from another origin, in Chromium', () => {
  let payfip: FakePayfip;
  beforeAll(async () => {
    payfip = await startFakePayfip();
  });
  afterAll(() => payfip.close()); // after the app's own afterAll (vitest runs them last registered first)
  const e2e = useE2E({ env: () => ({ PAYFIP_WS_URL: payfip.wsUrl, PAYFIP_PAYMENT_URL: payfip.paymentUrl, PAYFIP_NUMCLI: '012345' }) });

  it('the portal’s CSP lets the payment form lead to the configured PayFiP origin and no other', async () => {
    expect(new URL(payfip.origin).origin).not.toBe(new URL(e2e.baseUrl).origin);
    const res = await fetch(`${e2e.baseUrl}/`);
    const formAction = /form-action ([^;]+)/.exec(res.headers.get('content-security-policy') ?? '')![1]!.split(' ');
    // ours, the built-in FranceConnect simulator (served by the portal itself), and PayFiP: nothing else
    expect(formAction).toEqual(["'self'", e2e.baseUrl, payfip.origin]);
  });

  it('a duplicate is paid on the provider’s page and the portal records it once', async () => {
    const page = await e2e.newPage();
    const violations: string[] = [];
    page.on('console', (msg) => {
      if (/Content Security Policy|form-action/i.test(msg.text())) violations.push(msg.text());
    });
    await signInUserInBrowser(page, e2e.baseUrl, 'demo.particulier@example.fr');
    await page.goto(`${e2e.baseUrl}/vehicules/demandes/nouvelle`);
    await page.locator('label', { hasText: 'Demande de duplicata' }).first().click();
    await page.getByText('Pour moi-même').click();
    await page.getByLabel('Numéro d’immatriculation').fill('VW-654-XY');
    await page.getByRole('button', { name: 'Commencer la démarche' }).click();
    await page.getByLabel('Code confidentiel').fill(DEMO_VEHICLE_CODES['VW-654-XY']);
    await page.getByRole('button', { name: 'Valider le code' }).click();
    await page.getByRole('link', { name: 'Continuer la demande de duplicata' }).click();
    await page.getByText('Suite à la perte de ma carte grise').click();
    await page.getByText(/je fais la déclaration sur l’honneur/).click();
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    await page.getByText(/J’accepte les conditions légales d’utilisation/).click();
    await page.getByRole('button', { name: 'Valider la demande' }).click();

    // the POST answers with a redirect to PayFiP's origin: Chromium follows it
    await page.getByRole('button', { name: 'Payer par carte bancaire' }).click();
    await page.waitForURL(`${payfip.paymentUrl}?idop=op-0001`);
    expect(await page.locator('h1').textContent()).toBe('Paiement PayFiP');
    await page.getByLabel('Numéro de carte').fill('4242 4242 4242 4242');
    await page.getByRole('button', { name: 'Payer' }).click();
    expect(await page.locator('h1').textContent()).toBe('Paiement accepté');
    expect(payfip.notified).toEqual([{ idOp: 'op-0001', status: 200 }]);
    await page.getByRole('link', { name: 'Retourner sur le site' }).click();
    await page.waitForURL(new RegExp(`^${e2e.baseUrl}/vehicules/demandes/`));
    const main = await page.locator('main').textContent();
    expect(main).toContain('Votre paiement est enregistré.');
    expect(main).toContain('Demande de duplicata terminée');
    expect(violations).toEqual([]);
    const attempts = await e2e.database.db.selectFrom('payments').select(['status', 'provider', 'provider_transaction_id']).execute();
    expect(attempts).toEqual([{ status: 'success', provider: 'payfip', provider_transaction_id: 'op-0001' }]);
  });
});
