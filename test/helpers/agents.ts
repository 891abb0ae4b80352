import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { DEMO_TOTP_SECRET } from '../../src/demo/agents-totp.ts';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';
import { totpAt } from '../../src/domains/agents/totp.ts';
import type { TestClient } from './app.ts';

/**
 * Signs a demo agent in through both factors, as a person would: email and password, then the
 * code of the authenticator app holding DEMO_TOTP_SECRET. A code is accepted once: when this
 * step's code was already used (the same agent signed in moments ago), the next step's code,
 * also accepted, is typed instead; so at most two sign-ins of one agent per 30 seconds.
 */
export async function signInAgent(client: TestClient, email: string, secret = DEMO_TOTP_SECRET): Promise<TestClient> {
  await client.get('/agents/connexion');
  const password = await client.post('/agents/connexion', { email, password: DEMO_PASSWORD });
  expect(password.headers.location, `password step of ${email}`).toBe('/agents/connexion/code');
  await client.get('/agents/connexion/code');
  let res = await client.post('/agents/connexion/code', { code: totpAt(secret, Date.now()) });
  if (res.statusCode === 400 && res.body.includes('Ce code a déjà été utilisé')) res = await client.post('/agents/connexion/code', { code: totpAt(secret, Date.now() + 30_000) });
  expect(res.headers.location, `second factor of ${email}`).toBe('/agents');
  return client;
}

/** The same in Chromium: types the email, the password, then the code the authenticator app shows. */
export async function signInAgentInBrowser(page: Page, baseUrl: string, email: string, secret = DEMO_TOTP_SECRET): Promise<void> {
  await page.goto(`${baseUrl}/agents/connexion`);
  await page.getByLabel('Adresse électronique professionnelle').fill(email);
  await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByLabel('Code de vérification').fill(totpAt(secret, Date.now()));
  await page.getByRole('button', { name: 'Valider le code' }).click();
  if (await page.getByText('Ce code a déjà été utilisé').count()) {
    await page.getByLabel('Code de vérification').fill(totpAt(secret, Date.now() + 30_000));
    await page.getByRole('button', { name: 'Valider le code' }).click();
  }
  expect(await page.locator('h1').textContent()).toBe('Espace agent');
}
