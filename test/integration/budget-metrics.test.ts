import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../src/demo/seed.ts';
import { createTestApp, TestClient, type TestApp } from '../helpers/app.ts';
import { signInAgent } from '../helpers/agents.ts';
import { RawConnection } from '../helpers/raw-http.ts';
import { signInUser } from '../helpers/users.ts';

/**
 * The budgets' counts in /metrics (issue 20): what the waiting room, the per-account limit, the back
 * office's time budget and the socket cap decided, as an operator's Prometheus reads it — each
 * budget made to refuse for real here, then read from /metrics (behind its token).
 */
const TOKEN = 'jeton-de-metriques-de-test';
let t: TestApp;
let app: FastifyInstance;
let port = 0;
let openGate: () => void = () => undefined;
let gate: Promise<void> = Promise.resolve();

beforeAll(async () => {
  t = await createTestApp(
    {
      METRICS_TOKEN: TOKEN,
      ADMISSION_MAX_CONCURRENT: '1',
      ACCOUNT_ACTIVE_REQUESTS: '1',
      BACKOFFICE_TIME_SHARE: '0.5',
      HTTP_SOCKETS_PER_ADDRESS: '3',
    },
    (a) => {
      a.get('/test/occupe', async () => {
        await gate;
        return 'fini';
      });
    },
  );
  app = t.app;
  await seedDemoData(t.database.db, app.config);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
}, 600_000);
afterAll(async () => {
  openGate();
  await t?.close();
});

/** The samples of /metrics, by name with their labels (`name{labels}` → value). */
async function scrape(): Promise<Map<string, number>> {
  const res = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.statusCode).toBe(200);
  const samples = new Map<string, number>();
  for (const line of res.body.split('\n')) {
    const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) samples.set(m[1]!, Number(m[2]));
  }
  return samples;
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
};

describe('the budgets in /metrics', () => {
  it('is behind its token', async () => {
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/metrics', headers: { authorization: 'Bearer autre-jeton-de-test-xx' } })).statusCode).toBe(401);
  });

  it('counts the waiting room’s answers and the per-account refusals, and shows the node full while it is', async () => {
    const before = await scrape();
    expect(before.get('portal_waiting_room_newcomer_share')).toBe(1);
    expect(before.get('portal_waiting_room_limit')).toBe(1);
    const citizen = await signInUser(app, 'demo.particulier@example.fr');
    gate = new Promise((resolve) => (openGate = resolve));
    // the citizen holds the node's one place (signed in: always let in by the waiting room)
    const held = app.inject({ url: '/test/occupe', headers: { cookie: citizen.cookieHeader() } });
    await until(() => app.admission.stats().inFlight === 1);
    try {
      // a second request of the same account: refused for its account (429)
      const second = await app.inject({ url: '/test/occupe', headers: { cookie: citizen.cookieHeader(), accept: 'text/html' } });
      expect(second.statusCode).toBe(429);
      // two newcomers: the waiting page (503)
      for (let i = 0; i < 2; i++) expect((await app.inject({ url: '/', headers: { accept: 'text/html' } })).statusCode).toBe(503);
      const during = await scrape();
      expect(during.get('portal_waiting_room_in_flight')).toBe(1);
      expect(during.get('portal_account_limit_accounts')).toBe(1);
      expect(during.get('portal_account_limit_refused_total')).toBe((before.get('portal_account_limit_refused_total') ?? 0) + 1);
      expect(during.get('portal_waiting_room_waited_total')).toBe((before.get('portal_waiting_room_waited_total') ?? 0) + 2);
    } finally {
      openGate();
      expect((await held).statusCode).toBe(200);
    }
    const after = await scrape();
    expect(after.get('portal_waiting_room_in_flight')).toBe(0);
    expect(after.get('portal_account_limit_accounts')).toBe(0);
    expect(after.get('portal_waiting_room_admitted_total')).toBeGreaterThan(before.get('portal_waiting_room_admitted_total') ?? 0);
  });

  it('counts the agents’ pages let in by the back office’s time budget', async () => {
    const before = await scrape();
    const agent = await signInAgent(new TestClient(app), 'agent.cert@example.fr');
    expect((await agent.get('/agents')).statusCode).toBe(200);
    const after = await scrape();
    expect(after.get('portal_back_office_budget_admitted_total')).toBeGreaterThan(before.get('portal_back_office_budget_admitted_total') ?? 0);
    expect(after.get('portal_back_office_budget_in_progress')).toBe(0);
    expect(after.has('portal_back_office_budget_tokens_seconds')).toBe(true);
  });

  it('counts the sockets over the cap of one address', async () => {
    const before = await scrape();
    expect(before.get('portal_sockets_over_cap_total')).toBe(0);
    const connections: RawConnection[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const c = await RawConnection.open(port);
        c.send('/healthz', { accept: 'application/json' });
        expect((await c.response()).status).toBe(200);
        connections.push(c);
      }
      expect((await scrape()).get('portal_sockets_open')).toBe(3);
      // a fourth from the same address: over the cap, answered with the waiting page
      const over = await RawConnection.open(port);
      over.send('/', { accept: 'text/html' });
      expect((await over.response()).status).toBe(503);
      connections.push(over);
      const after = await scrape();
      expect(after.get('portal_sockets_over_cap_total')).toBe(1);
      expect(after.get('portal_sockets_cut_total')).toBe(0);
    } finally {
      for (const c of connections) c.close();
    }
  });
});
