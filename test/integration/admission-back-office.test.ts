import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../src/demo/seed.ts';
import { createTestApp, TestClient, type TestApp } from '../helpers/app.ts';
import { HeldRoute } from '../helpers/held-route.ts';
import { signInAgent } from '../helpers/agents.ts';

/**
 * The back office of a busy node (issue 20): its sign-in page was always served and took no place,
 * so one machine flooding `GET /agents/connexion` got thousands of pages while signed-in users waited.
 * Now, while the node is busy, the back office's requests from people not signed in spend a budget
 * per address (ten at once, then one a second). The node is filled here by two requests held open
 * (ADMISSION_MAX_CONCURRENT=2); behind a trusted proxy (127.0.0.1), the flood comes from 203.0.113.7.
 */
let t: TestApp;
let app: FastifyInstance;
const held = new HeldRoute();

beforeAll(async () => {
  t = await createTestApp({ ADMISSION_MAX_CONCURRENT: '2', TRUST_PROXY: '127.0.0.1' }, held.register);
  app = t.app;
  await seedDemoData(t.database.db, app.config);
});
afterAll(() => t.close());

const fillTheNode = () => held.fill(app, 2);

const signInPage = (address: string) => app.inject({ url: '/agents/connexion', headers: { accept: 'text/html', 'x-forwarded-for': address } });

describe('the back office of a busy node', () => {
  it('serves a quiet node’s sign-in page to one address as often as asked', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => signInPage('192.0.2.50')));
    expect(answers.map((r) => r.statusCode)).toEqual(new Array(20).fill(200));
  });

  it('sheds a flood of the sign-in page from one address, while an agent from elsewhere signs in and a signed-in agent is served', async () => {
    const release = await fillTheNode();
    try {
      const before = app.admission.stats().waited;
      const flood = await Promise.all(Array.from({ length: 40 }, () => signInPage('203.0.113.7')));
      const served = flood.filter((r) => r.statusCode === 200).length;
      expect(served).toBeGreaterThanOrEqual(1);
      expect(served).toBeLessThanOrEqual(11); // ten at once, maybe one more refilled meanwhile
      const shed = flood.filter((r) => r.statusCode === 503);
      expect(shed.length).toBe(40 - served);
      expect(shed[0]!.headers['x-admission']).toBe('waiting-room');
      expect(shed[0]!.headers['retry-after']).toBeDefined();
      expect(shed[0]!.body).toContain('<h1>Salle d’attente</h1>');
      expect(app.admission.stats().waited).toBe(before + shed.length);

      // an agent at another address (127.0.0.1) signs in through both factors, the node still full
      const agent = await signInAgent(new TestClient(app), 'agent.operateur@example.fr');
      // then its own address floods too: the signed-in agent is still served (its session is asked)
      // (40 at once: the budget, ten then one a second, is spent whatever time the agent's sign-in took on a loaded machine)
      const ownFlood = await Promise.all(Array.from({ length: 40 }, () => app.inject({ url: '/agents/connexion', headers: { accept: 'text/html' } })));
      expect(ownFlood.filter((r) => r.statusCode === 503).length).toBeGreaterThanOrEqual(20);
      const desk = await agent.get('/agents');
      expect(desk.statusCode).toBe(200);
      expect(desk.body).toContain('Espace agent');
    } finally {
      await release();
    }
  });
});
