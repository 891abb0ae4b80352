import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';
import { createDemoQueueHandler } from '../../src/demo/vehicle-queue.ts';
import { totpNow } from '../../src/domains/agents/totp.ts';
import { parisDay } from '../../src/platform/time.ts';
import { signInAgentInBrowser } from '../helpers/agents.ts';
import { MOBILE } from '../helpers/browser.ts';
import { pageChecks, useE2E } from '../helpers/e2e.ts';

/** What a datetime-local field holds for `h` hours from now, in Paris time. */
function localInput(h: number): string {
  const d = new Date(Date.now() + h * 3_600_000);
  return `${parisDay(d)}T${new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(d)}`;
}

describe('back office in Chromium, JavaScript off, 375 px', () => {
  const e2e = useE2E();

  it('an operator schedules a banner through the form (after a mistake), sees it on the site, then cancels it', async () => {
    const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await signInAgentInBrowser(page, e2e.baseUrl, 'agent.operateur@example.fr');
    await page.getByRole('link', { name: 'Avis de maintenance et indisponibilités du service' }).click();
    await pageChecks(page);
    await page.getByRole('link', { name: 'Programmer un avis' }).click();
    await pageChecks(page);

    // A mistake first: the end before the start. The page says what is wrong and keeps what was typed.
    await page.getByText('Bandeau d’information').click(); // the radio's label, as a person clicks it
    await page.getByLabel('Message affiché aux usagers').fill('Le paiement en ligne est ralenti.');
    await page.getByLabel('Début').fill(localInput(2));
    await page.getByLabel('Fin').fill(localInput(1));
    await page.getByRole('button', { name: 'Programmer l’avis' }).click();
    expect(await page.title()).toMatch(/^Erreur : /);
    expect(await page.locator('#error-summary').textContent()).toContain('La fin doit être après le début');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('error-summary');
    expect(await page.getByLabel('Message affiché aux usagers').inputValue()).toBe('Le paiement en ligne est ralenti.');
    await pageChecks(page);
    await page.locator('#error-summary a').first().click();
    await page.getByLabel('Début').fill(localInput(-1));
    await page.getByLabel('Fin').fill(localInput(3));
    await page.getByRole('button', { name: 'Programmer l’avis' }).click();

    expect(await page.locator('.fr-alert--success').textContent()).toContain('L’avis est programmé.');
    expect(await page.locator('table').textContent()).toContain('Le paiement en ligne est ralenti.');
    await pageChecks(page);
    const visitor = await e2e.newPage({ javaScriptEnabled: false });
    await visitor.goto(`${e2e.baseUrl}/`);
    expect(await visitor.locator('.fr-notice').textContent()).toContain('Le paiement en ligne est ralenti.');

    await page.getByRole('link', { name: /^Annuler/ }).click();
    expect(await page.locator('h1').textContent()).toBe('Annuler cet avis ?');
    await pageChecks(page);
    await page.getByRole('button', { name: 'Confirmer l’annulation' }).click();
    expect(await page.locator('.fr-alert--success').textContent()).toContain('L’avis est annulé');
    await visitor.reload();
    expect(await visitor.locator('.fr-notice').count()).toBe(0);
    await visitor.context().close();
    await page.context().close();
  });

  it('an agent without a second factor enrols by typing the key into an app (here: computing the code from it)', async () => {
    await e2e.database.db.updateTable('agents').set({ totp_secret: null, totp_confirmed_at: null, totp_last_step: null }).where('email', '=', 'agent.permis@example.fr').execute();
    const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await page.goto(`${e2e.baseUrl}/agents/connexion`);
    await page.getByLabel('Adresse électronique professionnelle').fill('agent.permis@example.fr');
    await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    expect(await page.locator('h1').textContent()).toBe('Activer la double authentification');
    await pageChecks(page);
    const key = (await page.locator('#cle-totp').textContent())!.replace(/\s/g, '');
    expect(await page.getByText(/^otpauth:\/\/totp\//).count()).toBe(1);
    await page.getByLabel('Code affiché par l’application').fill(totpNow(key));
    await page.getByRole('button', { name: 'Activer et me connecter' }).click();
    expect(await page.locator('h1').textContent()).toBe('Espace agent');
    expect(await page.locator('.fr-alert--success').textContent()).toContain('La double authentification est activée');
    await page.context().close();
  });

  it('the demo queue of the instruction centre: agent.cert finds the urgent request, opens its police report, and finds a request by its filer’s name', async () => {
    // what the job does ten seconds after a start with demo data (src/demo/vehicle-queue.ts)
    await createDemoQueueHandler({ db: e2e.database.db, config: e2e.app.config, attachments: e2e.app.attachments, pauseMs: 0 })({}, { jobId: 0, attempt: 1 });
    const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await signInAgentInBrowser(page, e2e.baseUrl, 'agent.cert@example.fr');
    await page.goto(`${e2e.baseUrl}/agents/vehicules`);
    await pageChecks(page);
    const rows = page.locator('table tbody tr');
    expect(await rows.count()).toBe(5); // six filed, one « À compléter » (another tab)
    const urgent = await e2e.database.db.selectFrom('vehicle_procedures').select('file_number').where('idempotency_key', '=', 'demo-file-2').executeTakeFirstOrThrow();
    await page.getByRole('link', { name: urgent.file_number }).click();
    expect(await page.locator('main').textContent()).toContain('Urgent : le véhicule de notre client');
    await pageChecks(page);
    const report = page.locator('a[href*="/pieces/"]').first();
    const response = await page.context().request.get(new URL((await report.getAttribute('href'))!, e2e.baseUrl).toString());
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('application/pdf');
    expect((await response.body()).subarray(0, 5).toString()).toBe('%PDF-');

    // the search by the filer's name (migration 0032): Camille Martin filed the first one for her neighbour
    await page.goto(`${e2e.baseUrl}/agents/vehicules`);
    await page.getByLabel('Rechercher').fill('Martin');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    const neighbour = await e2e.database.db.selectFrom('vehicle_procedures').select('file_number').where('idempotency_key', '=', 'demo-file-1').executeTakeFirstOrThrow();
    expect(await page.locator('table tbody tr', { hasText: neighbour.file_number }).textContent()).toContain('Déposée par Camille MARTIN');
    await expect(page.getByLabel('Rechercher').inputValue()).resolves.toBe('Martin');
    await pageChecks(page);
    await page.context().close();
  });
});
