import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../src/demo/seed.ts';
import { createTestApp, TestClient, type TestApp } from '../helpers/app.ts';
import { signInAgent } from '../helpers/agents.ts';
import { signInUser } from '../helpers/users.ts';

/**
 * The back office's time budget (issue 20): agents may keep a node busy 10 % of the time here
 * (100 ms a second, a burst of 100 ms), and wait 4 s at most. One agent's request is held open
 * (a test route under /agents whose answer waits for a gate): it spends the budget as it runs, so
 * another agent's search waits, then gets the French « réessayez » page, while a citizen's page is
 * served at once. Nothing here measures a duration: the waits are the budget's, read from its counters.
 */
let t: TestApp;
let app: FastifyInstance;
let openGate: () => void = () => undefined;
let gate: Promise<void> = Promise.resolve();
/** the agent whose request is held open, the one searching beside them, the one posting a form */
let holder: TestClient;
let searcher: TestClient;
let writer: TestClient;

beforeAll(async () => {
  t = await createTestApp({ BACKOFFICE_TIME_SHARE: '0.1', BACKOFFICE_MAX_WAIT_SECONDS: '4' }, (a) => {
    a.get('/agents/test/occupe', async () => {
      await gate;
      return 'fini';
    });
    a.post('/agents/test/occupe', async () => {
      await gate;
      return 'fini';
    });
  });
  app = t.app;
  await seedDemoData(t.database.db, app.config);
  // signed in once for the file (an agent's TOTP code is accepted once: two sign-ins per 30 s at most)
  holder = await signInAgent(new TestClient(app), 'agent.cert@example.fr');
  searcher = await signInAgent(new TestClient(app), 'agent.operateur@example.fr');
  writer = await signInAgent(new TestClient(app), 'agent.prefecture@example.fr');
});
afterAll(() => t.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await sleep(10);
  expect(condition()).toBe(true);
}

/** An agent's request held open long enough to spend the whole budget (100 ms); returns what releases it. */
async function holdOneAgentRequest(agent: TestClient): Promise<() => Promise<void>> {
  gate = new Promise((resolve) => (openGate = resolve));
  const held = agent.get('/agents/test/occupe');
  await until(() => app.timeBudget.stats().inProgress === 1);
  await sleep(250);
  return async () => {
    openGate();
    expect((await held).body).toBe('fini');
  };
}

describe('the back office’s time budget', () => {
  it('never makes one agent alone wait, search after search', async () => {
    const agent = holder;
    const before = app.timeBudget.stats();
    for (let i = 0; i < 5; i++) expect((await agent.get('/agents/vehicules?q=martin')).statusCode).toBe(200);
    const after = app.timeBudget.stats();
    expect(after.waited).toBe(before.waited);
    expect(after.admitted).toBe(before.admitted + 5);
  });

  it('makes a second agent’s search wait while another’s request holds the budget, then sends it the French page with the search kept, while a citizen is served at once', async () => {
    const [first, second] = [holder, searcher];
    const citizen = await signInUser(app, 'demo.particulier@example.fr');
    const release = await holdOneAgentRequest(first);
    try {
      const before = app.timeBudget.stats();
      const search = second.get('/agents/vehicules?q=martin&statut=in_progress');
      await until(() => app.timeBudget.stats().queued === 1);
      // the citizen's page does not wait behind the agents
      const page = await citizen.get('/vehicules');
      expect(page.statusCode).toBe(200);
      expect(app.timeBudget.stats().queued).toBe(1); // the search still waits
      // anyone not signed in as an agent never waits in the back office's queue (nor can fill it)
      expect((await new TestClient(app).get('/agents/connexion')).statusCode).toBe(200);
      expect((await citizen.get('/agents/vehicules')).statusCode).not.toBe(503);
      expect(app.timeBudget.stats().queued).toBe(1);

      const refused = await search;
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');
      expect(refused.headers['x-admission']).toBe('back-office');
      expect(refused.body).toContain('<h1>Le back-office est très sollicité</h1>');
      expect(refused.body).toContain('Réessayez dans quelques secondes');
      // the search and its filters are kept in the retry link
      expect(refused.body).toContain('href="/agents/vehicules?q=martin&amp;statut=in_progress"');
      expect(app.timeBudget.stats()).toMatchObject({ expired: before.expired + 1, queued: 0 });
    } finally {
      await release();
    }
  });

  it('lets a waiting agent in, in turn, once the held request ends and time comes back', async () => {
    const [first, second] = [holder, searcher];
    await sleep(1100); // the bucket whole again
    const release = await holdOneAgentRequest(first);
    const before = app.timeBudget.stats();
    const search = second.get('/agents/vehicules?q=martin');
    await until(() => app.timeBudget.stats().queued === 1);
    await release();
    const served = await search;
    expect(served.statusCode).not.toBe(503);
    expect(app.timeBudget.stats()).toMatchObject({ waited: before.waited + 1, expired: before.expired, queued: 0 });
  });

  it('never makes an agent’s form wait: what was typed is never lost', async () => {
    const [first, second] = [holder, writer];
    await second.get('/agents'); // the page whose form (sign out) is posted
    await sleep(1100);
    const release = await holdOneAgentRequest(first);
    try {
      const before = app.timeBudget.stats();
      const form = await second.post('/agents/deconnexion', {});
      expect(form.statusCode).toBe(303);
      // admitted at once (nothing waited), its time counted
      expect(app.timeBudget.stats()).toMatchObject({ admitted: before.admitted + 1, waited: before.waited });
    } finally {
      await release();
    }
  });

  it('counts an agent’s form whose client left before the answer as finished: the budget is not held for good', async () => {
    await holder.get('/agents'); // a page with the CSRF token
    const body = `_csrf=${encodeURIComponent(holder.csrfToken())}&note=essai`;
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await sleep(1100);
    gate = new Promise((resolve) => (openGate = resolve));
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(
      `POST /agents/test/occupe HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\nCookie: ${holder.cookieHeader()}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    await until(() => app.timeBudget.stats().inProgress === 1);
    socket.destroy(); // the agent's tab closed while the whole form was being handled
    await sleep(100);
    expect(app.timeBudget.stats().inProgress).toBe(1); // its handler still runs: its time is still being spent
    openGate(); // its answer is written to a closed connection: neither onResponse nor onRequestAbort runs
    await until(() => app.timeBudget.stats().inProgress === 0);
  });
});
