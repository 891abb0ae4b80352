import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_TOTP_SECRET } from '../../src/demo/agents-totp.ts';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';
import { totpNow } from '../../src/domains/agents/totp.ts';
import { MOBILE } from '../helpers/browser.ts';
import { pageChecks, useE2E } from '../helpers/e2e.ts';

const PASSWORD = 'une longue phrase de passe';

describe('accounts in Chromium, JavaScript off', () => {
  const e2e = useE2E();

  /** Opens the last email to `to` in the dev outbox and follows its link, as a person would. */
  async function followEmailLink(page: Page, to: string, subject: string) {
    await e2e.app.worker.drain();
    await page.goto(`${e2e.baseUrl}/dev/outbox`);
    await page.getByRole('row').filter({ hasText: to }).first().getByRole('link', { name: subject }).click();
    await page.locator('.app-message-body a').first().click();
  }

  const PROFILES = [
    { slug: 'Particulier', email: 'e2e.particulier@example.fr', fill: async (p: Page) => { await p.getByLabel('Prénom').fill('Léa'); await p.getByLabel('Nom', { exact: true }).fill('Fontaine'); } },
    { slug: 'Auto-école', email: 'e2e.ae@example.fr', fill: async (p: Page) => { await p.getByLabel('Nom de l’auto-école').fill('Auto-école Horizon'); await p.getByLabel('Numéro d’agrément').fill('E 24 069 0031 2'); } },
    { slug: 'Centre de sensibilisation à la sécurité routière (CSSR)', email: 'e2e.cssr@example.fr', fill: async (p: Page) => { await p.getByLabel('Nom du centre').fill('Stage Sécurité 69'); await p.getByLabel('Numéro d’agrément').fill('R 24 069 0007 3'); } },
    { slug: 'Personne morale', email: 'e2e.pm@example.fr', fill: async (p: Page) => { await p.getByLabel('Raison sociale').fill('Location Rhône SAS'); await p.getByLabel('Numéro SIRET').fill('732 829 320 00074'); } },
  ];

  it('each self-service profile creates its account, activates it through the outbox link and signs in', async () => {
    for (const [index, profile] of PROFILES.entries()) {
      // Every page is checked with axe for the first profile; the others differ only by their form.
      const check = async (page: Page, always = false) => (index === 0 || always) && pageChecks(page);
      const page = await e2e.newPage({ javaScriptEnabled: false });
      await page.goto(`${e2e.baseUrl}/`);
      await page.getByRole('link', { name: 'Créer un compte' }).first().click();
      await check(page);
      await page.getByRole('link', { name: profile.slug, exact: true }).click();
      // First a mistake: nothing ticked, bad email. The page says what is wrong and keeps what was typed.
      await profile.fill(page);
      await page.getByLabel('Adresse électronique').fill('pas-une-adresse');
      await page.getByLabel('Mot de passe').fill(PASSWORD);
      await page.getByRole('button', { name: 'Créer mon compte' }).click();
      expect(await page.title()).toMatch(/^Erreur : /);
      expect(await page.locator('#error-summary').textContent()).toContain('Saisissez une adresse électronique valide');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('error-summary');
      await check(page, true);
      await page.locator('#error-summary a').first().click();
      await page.getByLabel('Adresse électronique').fill(profile.email);
      await page.getByLabel('Mot de passe').fill(PASSWORD);
      await page.getByText('J’ai lu les conditions générales d’utilisation').click(); // the label, as a person clicks it
      await page.getByRole('button', { name: 'Créer mon compte' }).click();
      await expect(page.locator('h1').textContent()).resolves.toBe('Vérifiez votre messagerie');

      await followEmailLink(page, profile.email, 'Activez votre compte');
      await check(page);
      await page.getByRole('button', { name: 'Activer mon compte' }).click();
      expect(await page.locator('.fr-alert--success').textContent()).toContain('Votre compte est activé');
      await page.getByLabel('Adresse électronique').fill(profile.email);
      await page.getByLabel('Mot de passe').fill(PASSWORD);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await expect(page.locator('h1').textContent()).resolves.toBe('Mon compte');
      expect(await page.locator('main').textContent()).toContain(profile.slug);
      expect(await page.locator('table').textContent()).toContain('Mot de passe');
      await check(page);
      await page.getByRole('button', { name: 'Se déconnecter' }).click();
      expect(await page.locator('.fr-alert').first().textContent()).toContain('Vous êtes déconnecté.');
      await page.context().close();
    }
  }, 180_000);

  it('a prefecture agent validates a professional, then suspends the habilitation: the professional is refused at sign-in', async () => {
    const pro = await e2e.newPage({ javaScriptEnabled: false });
    await pro.goto(`${e2e.baseUrl}/habilitation-siv`);
    await pro.getByLabel('Raison sociale').fill('Garage Horizon');
    await pro.getByLabel('Numéro SIRET').fill('35600000000048');
    await pro.getByLabel('Numéro d’habilitation').fill('HAB-75-0099');
    await pro.getByLabel('Département de l’établissement').fill('75');
    await pro.getByLabel('Prénom de la personne à contacter').fill('Inès');
    await pro.getByLabel('Nom de la personne à contacter', { exact: true }).fill('Roche');
    await pro.getByLabel('Adresse électronique').fill('ines@garage-horizon.example');
    await pro.getByText('J’ai lu les conditions générales d’utilisation').click();
    await pro.getByRole('button', { name: 'Envoyer la demande' }).click();
    await expect(pro.locator('h1').textContent()).resolves.toBe('Demande envoyée');

    const agent = await e2e.newPage({ javaScriptEnabled: false });
    await agent.goto(`${e2e.baseUrl}/agents/connexion`);
    await agent.getByLabel('Adresse électronique professionnelle').fill('agent.prefecture@example.fr');
    await agent.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
    await agent.getByRole('button', { name: 'Se connecter' }).click();
    // second factor: the code the authenticator app shows, typed by hand
    expect(await agent.locator('h1').textContent()).toBe('Code de vérification');
    await pageChecks(agent);
    await agent.getByLabel('Code de vérification').fill(totpNow(DEMO_TOTP_SECRET));
    await agent.getByRole('button', { name: 'Valider le code' }).click();
    await agent.getByRole('link', { name: 'Demandes d’habilitation SIV à traiter' }).click();
    await pageChecks(agent);
    await agent.getByRole('link', { name: 'Garage Horizon' }).click();
    await pageChecks(agent);
    await agent.getByRole('button', { name: 'Valider l’habilitation' }).click();
    expect(await agent.locator('.fr-alert--success').textContent()).toContain('La décision est enregistrée');

    await followEmailLink(pro, 'ines@garage-horizon.example', 'Votre compte est prêt : choisissez votre mot de passe');
    await pro.getByLabel('Nouveau mot de passe').fill('les pneus neufs sont arrivés');
    await pro.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    await pro.getByLabel('Adresse électronique').fill('ines@garage-horizon.example');
    await pro.getByLabel('Mot de passe').fill('les pneus neufs sont arrivés');
    await pro.getByRole('button', { name: 'Se connecter' }).click();
    expect(await pro.locator('main').textContent()).toContain('Compte certifié');
    await pro.getByRole('button', { name: 'Se déconnecter' }).click();

    await agent.getByLabel('Motif, envoyé au professionnel').first().fill('Contrôle de l’activité en cours');
    await agent.getByRole('button', { name: 'Suspendre l’habilitation' }).click();
    expect(await agent.locator('main').textContent()).toContain('Suspendue');

    await pro.goto(`${e2e.baseUrl}/connexion`);
    await pro.getByLabel('Adresse électronique').fill('ines@garage-horizon.example');
    await pro.getByLabel('Mot de passe').fill('les pneus neufs sont arrivés');
    await pro.getByRole('button', { name: 'Se connecter' }).click();
    expect(await pro.locator('main').textContent()).toContain('Votre compte est désactivé : votre habilitation a été suspendue par la préfecture');
    await pro.context().close();
    await agent.context().close();
  });

  it('sign-in, sign-up and back-office pages have no axe violation and no sideways scroll at 375 px', async () => {
    const page = await e2e.newPage(MOBILE);
    for (const url of ['/connexion', '/inscription', '/inscription/particulier', '/inscription/personne-morale', '/mot-de-passe-oublie', '/habilitation-siv', '/agents/connexion']) {
      await page.goto(`${e2e.baseUrl}${url}`);
      await pageChecks(page);
    }
    await page.goto(`${e2e.baseUrl}/agents/connexion`);
    await page.getByLabel('Adresse électronique professionnelle').fill('agent.operateur@example.fr');
    await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await pageChecks(page); // the code page
    await page.getByLabel('Code de vérification').fill(totpNow(DEMO_TOTP_SECRET));
    await page.getByRole('button', { name: 'Valider le code' }).click();
    for (const url of ['/agents', '/agents/comptes?q=demo', '/agents/mairies/nouvelle']) {
      await page.goto(`${e2e.baseUrl}${url}`);
      await pageChecks(page);
    }
    await page.getByRole('button', { name: 'Créer le compte' }).click();
    await pageChecks(page);
    await page.context().close();
  }, 300_000); // a dozen axe runs and pageChecks: ~25 s alone, more when the suite shares the machine
});
