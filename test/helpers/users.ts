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
