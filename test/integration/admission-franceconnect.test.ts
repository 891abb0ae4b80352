import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seedDemoData } from '../../src/demo/seed.ts';
import { isFranceConnectReturn } from '../../src/platform/http/admission.ts';
import { createTestApp, TestClient, textOf, type TestApp } from '../helpers/app.ts';
import { HeldRoute } from '../helpers/held-route.ts';

/**
 * The return from FranceConnect on a busy node (issue 20): a person coming back from FranceConnect is
 * in the middle of signing in, like a payer coming back from the payment provider; they got the
 * waiting room. Now a well-formed return is served whatever the load (within its address's budget
 * while the node is busy). The node is filled by one request held open (ADMISSION_MAX_CONCURRENT=1).
 */
let t: TestApp;
let app: FastifyInstance;
const held = new HeldRoute();

beforeAll(async () => {
  t = await createTestApp({ ADMISSION_MAX_CONCURRENT: '1' }, held.register);
  app = t.app;
  await seedDemoData(t.database.db, app.config);
});
afterAll(() => t.close());

const fillTheNode = () => held.fill(app, 1);

/** Up to the simulator's identity chosen: the URL of the return to the portal (not followed). */
async function returnFromFranceConnect(client: TestClient, identity: string): Promise<string> {
  await client.follow(await client.get('/connexion/franceconnect'));
  let back = await client.submit(/fc-simulateur/, { identite: identity, action: 'connexion' });
  let url = new URL(String(back.headers.location), 'http://localhost');
  for (let i = 0; i < 5 && url.pathname.startsWith('/fc-simulateur/'); i++) {
    back = await client.get(url.pathname + url.search);
    url = new URL(String(back.headers.location), 'http://localhost');
  }
  expect(url.pathname).toBe('/connexion/franceconnect/retour');
  return url.pathname + url.search;
}

describe('the return from FranceConnect on a busy node', () => {
  it('is served and signs the person in, while a newcomer waits', async () => {
    // a first sign-in on a quiet node makes the account
    const first = new TestClient(app);
    await first.follow(await first.get(await returnFromFranceConnect(first, 'jean-baptiste-de-la-fontaine-dupont')));
    await first.post('/connexion/franceconnect/premiere-connexion', { terms: 'oui' });

    const client = new TestClient(app);
    await client.get('/connexion'); // the session that carries FranceConnect's state, made on a quiet node
    const returnUrl = await returnFromFranceConnect(client, 'jean-baptiste-de-la-fontaine-dupont');
    const release = await fillTheNode();
    try {
      const newcomer = await app.inject({ url: '/connexion', headers: { accept: 'text/html' } });
      expect(newcomer.statusCode).toBe(503);
      const back = await client.get(returnUrl);
      expect(back.statusCode).toBe(303);
      expect(back.headers.location).toBe('/compte');
      // signed in: their account page is served on the full node
      const account = await client.get('/compte');
      expect(account.statusCode).toBe(200);
      expect(textOf(account.body)).toContain('Jean-Baptiste Marie');
    } finally {
      await release();
    }
  });

  it('after a return shed by the waiting room (a flood spent the address’s budget), the same return signs in once served', async () => {
    const client = new TestClient(app);
    const returnUrl = await returnFromFranceConnect(client, 'jean-baptiste-de-la-fontaine-dupont');
    const release = await fillTheNode();
    try {
      // a flood of made-up returns from the same address spends its budget (20 at once), the person's return just behind it
      const madeUp = () => app.inject({ url: `/connexion/franceconnect/retour?code=x&state=${'A'.repeat(43)}`, headers: { accept: 'text/html' } });
      // (the budget's clock held still meanwhile, so that it does not refill on a slow machine)
      const clock = vi.spyOn(Date, 'now').mockReturnValue(Date.now());
      try {
        const flood = await Promise.all(Array.from({ length: 40 }, madeUp));
        expect(flood.some((r) => r.statusCode === 503)).toBe(true);
        const shed = await client.get(returnUrl);
        expect(shed.statusCode).toBe(503);
        expect(shed.headers['x-admission']).toBe('waiting-room');
      } finally {
        clock.mockRestore();
      }
    } finally {
      await release();
    }
    // (a return served, whose own call to the simulator's token endpoint would have been shed, used up
    // the state: the portal's own calls spend no budget) the shed attempt did not use up the state kept
    // in the session: the waiting page's reload signs in
    const back = await client.get(returnUrl);
    expect(back.statusCode).toBe(303);
    expect(back.headers.location).toBe('/compte');
  });

  it('recognises only a well-formed return', () => {
    const state = 'a'.repeat(43);
    expect(isFranceConnectReturn('GET', `/connexion/franceconnect/retour?code=abc.DEF-1&state=${state}`)).toBe(true);
    expect(isFranceConnectReturn('GET', `/connexion/franceconnect/retour?error=access_denied&state=${state}`)).toBe(true);
    expect(isFranceConnectReturn('POST', `/connexion/franceconnect/retour?code=abc&state=${state}`)).toBe(false);
    expect(isFranceConnectReturn('GET', '/connexion/franceconnect/retour?code=abc&state=court')).toBe(false);
    expect(isFranceConnectReturn('GET', `/connexion/franceconnect/retour?state=${state}`)).toBe(false);
    expect(isFranceConnectReturn('GET', `/connexion/franceconnect/retour/autre?code=abc&state=${state}`)).toBe(false);
    expect(isFranceConnectReturn('GET', '/connexion/franceconnect')).toBe(false);
  });
});
