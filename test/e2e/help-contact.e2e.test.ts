import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';
import { formatDay } from '../../src/domains/help/contact-service.ts';
import { addWorkingDays, parisDate } from '../../src/domains/help/working-days.ts';
import { signInAgentInBrowser } from '../helpers/agents.ts';
import { MOBILE } from '../helpers/browser.ts';
import { pageChecks, useE2E } from '../helpers/e2e.ts';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

describe('help centre and contact requests in Chromium, JavaScript off, 375 px', () => {
  const e2e = useE2E();

  it('the help centre, its search, an article and the claims page read well and pass axe', async () => {
    const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await page.goto(`${e2e.baseUrl}/aide`);
    await pageChecks(page);
    await page.getByLabel('Rechercher dans l’aide').fill('code de cession');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await pageChecks(page);
    await page.getByRole('link', { name: 'Le code de cession : où le trouver, combien de temps est-il valable ?' }).first().click();
    expect(await page.locator('main').textContent()).toContain('Il est valable 15 jours.');
    await pageChecks(page);
    await page.goto(`${e2e.baseUrl}/aide/reclamations`);
    expect(await page.locator('main').textContent()).toContain('30 jours au plus après l’événement en cause');
    await pageChecks(page);
    await page.context().close();
  });

  it('a user writes to the agency; the request reaches the operators’ queue with its deadline; the operator answers; the user reads the answer', async () => {
    const user = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await user.goto(`${e2e.baseUrl}/connexion?retour=/contact`);
    await user.getByLabel('Adresse électronique').fill('demo.particulier@example.fr');
    await user.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
    await user.getByRole('button', { name: 'Se connecter' }).click();
    await user.waitForURL(/\/contact$/);
    await pageChecks(user);
    // a first try without subject: the summary names the problem, what was typed stays
    await user.getByText('Une démarche de carte grise').click();
    await user.getByLabel('Votre message').fill('Je n’ai pas reçu l’étiquette de mon changement d’adresse.');
    await user.getByRole('button', { name: 'Envoyer ma demande' }).click();
    expect(await user.locator('#error-summary').textContent()).toContain('Saisissez l’objet de votre demande');
    expect(await user.getByLabel('Votre message').inputValue()).toBe('Je n’ai pas reçu l’étiquette de mon changement d’adresse.');
    await pageChecks(user);
    await user.getByLabel('Objet').fill('Étiquette non reçue');
    await user.getByLabel('Pièces jointes (facultatif)').setInputFiles({ name: 'justificatif.pdf', mimeType: 'application/pdf', buffer: PDF });
    await user.getByRole('button', { name: 'Envoyer ma demande' }).click();
    const due = formatDay(addWorkingDays(parisDate(new Date()), 15));
    const sent = (await user.locator('main').textContent())!;
    const reference = /Demande de contact (C\d{4}-[A-Z0-9]{6})/.exec(sent)![1]!;
    expect(sent).toContain(`L’agence vous répondra au plus tard le ${due}`);
    expect(sent).toContain('justificatif.pdf');
    await pageChecks(user);

    const operator = await e2e.newPage({ javaScriptEnabled: false });
    await signInAgentInBrowser(operator, e2e.baseUrl, 'agent.operateur@example.fr');
    await operator.goto(`${e2e.baseUrl}/agents/demandes-de-contact`);
    const row = operator.locator('tr', { hasText: reference });
    expect(await row.textContent()).toContain('Étiquette non reçue');
    expect(await row.textContent()).toContain(due);
    await pageChecks(operator);
    await operator.getByRole('link', { name: reference }).click();
    await pageChecks(operator);
    await operator.getByLabel('Réponse à l’usager').fill('Bonjour, votre étiquette a été postée hier.');
    await operator.getByRole('button', { name: 'Envoyer la réponse' }).click();
    expect(await operator.locator('main').textContent()).toContain(`La réponse à la demande ${reference} est envoyée à l’usager.`);

    await user.goto(`${e2e.baseUrl}/contact/demandes`);
    expect(await user.locator('tr', { hasText: reference }).textContent()).toContain('Répondue');
    await pageChecks(user);
    await user.getByRole('link', { name: reference }).click();
    expect(await user.locator('main').textContent()).toContain('Bonjour, votre étiquette a été postée hier.');
    await pageChecks(user);
    await user.context().close();
    await operator.context().close();
  });
});
