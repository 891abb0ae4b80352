import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';
import { TestClient } from './app.ts';

/** A client signed in through the real sign-in form (demo password by default). */
export async function signInUser(app: FastifyInstance, email: string, password = DEMO_PASSWORD): Promise<TestClient> {
  const client = new TestClient(app);
  await client.get('/connexion');
  await client.post('/connexion', { email, password });
  return client;
}

/** "Ajouter une demande", as the form posts it (with the page's idempotency key); not followed. */
export async function postNewProcedure(client: TestClient, fields: Record<string, string>) {
  await client.get('/vehicules/demandes/nouvelle');
  const key = /name="idempotency_key" value="([^"]+)"/.exec(client.lastHtml)![1]!;
  return client.post('/vehicules/demandes/nouvelle', { idempotency_key: key, ...fields });
}

/** The same in Chromium: the sign-in form filled and sent as a person would (demo password by default). */
export async function signInUserInBrowser(page: Page, baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto(`${baseUrl}/connexion`);
  await page.getByLabel('Adresse électronique').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

/**
 * In Chromium, signed in: "Ajouter une demande" for one's own vehicle, then its confidential code, as a
 * person types them; ends on the request's page.
 */
export async function startOwnProcedureInBrowser(page: Page, baseUrl: string, procedure: string, plate: string, code: string): Promise<void> {
  await page.goto(`${baseUrl}/vehicules/demandes/nouvelle`);
  await page.locator('label', { hasText: procedure }).first().click();
  await page.getByText('Pour moi-même').click();
  await page.getByLabel('Numéro d’immatriculation').fill(plate);
  await page.getByRole('button', { name: 'Commencer la démarche' }).click();
  await page.getByLabel('Code confidentiel').fill(code);
  await page.getByRole('button', { name: 'Valider le code' }).click();
}
