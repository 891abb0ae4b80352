import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { testConfig } from '../../src/config.ts';
import { seedDemoData } from '../../src/demo/seed.ts';
import { TestClient } from '../helpers/app.ts';
import { openTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { SqlRecorder } from '../helpers/sql-recorder.ts';
import { signInUser } from '../helpers/users.ts';

/**
 * A full node asks whether each visitor is signed in before letting them in (platform/http/admission.ts);
 * the session it reads for that serves the rest of the request (app.ts): one read, never another
 * request's. A limit of 2 requests in progress, filled by two requests held open on a test route.
 */
describe('the waiting room and the session plugin share one session read per request', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let openGate: () => void = () => undefined;
  let gate: Promise<void> = Promise.resolve();
  const recorder = new SqlRecorder();

  beforeAll(async () => {
    database = await openTestDatabase();
    await seedDemoData(database.db, testConfig());
    app = await buildApp(testConfig({ ADMISSION_MAX_CONCURRENT: '2', MAINTENANCE_CACHE_SECONDS: '300' }), recorder.database(database));
    app.get('/test/occupe', async () => {
      await gate;
      return 'fini';
    });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  const until = async (check: () => boolean) => {
    for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(check()).toBe(true);
  };
  async function whileTheNodeIsFull(work: () => Promise<void>): Promise<void> {
    gate = new Promise((resolve) => (openGate = resolve));
    const held = [app.inject('/test/occupe'), app.inject('/test/occupe')];
    await until(() => app.admission.stats().inFlight === 2);
    try {
      await work();
    } finally {
      openGate();
      await Promise.all(held);
      await until(() => app.admission.stats().inFlight === 0);
    }
  }

  it('serves a signed-in user past a full node with one read of the session', async () => {
    const camille = await signInUser(app, 'demo.particulier@example.fr');
    await camille.get('/compte'); // a first view may touch the session's last_seen_at (once a minute)
    await whileTheNodeIsFull(async () => {
      const statements = await recorder.during(async () => {
        const page = await camille.get('/compte');
        expect(page.statusCode).toBe(200);
        expect(page.body).toContain('demo.particulier@example.fr');
      });
      expect(app.admission.stats().inFlight).toBe(2); // still full: the check was needed
      expect(statements.filter((s) => /from "sessions"/.test(s)), statements.join('\n')).toHaveLength(1);
    });
  });

  it("gives each of two users arriving at once at a full node their own account's page, never the other's", async () => {
    const camille = await signInUser(app, 'demo.particulier@example.fr');
    const luc = await signInUser(app, 'demo.garage@example.fr');
    await whileTheNodeIsFull(async () => {
      for (let round = 0; round < 3; round++) {
        const [forCamille, forLuc] = await Promise.all([camille.get('/compte'), luc.get('/compte')]);
        expect(forCamille.statusCode).toBe(200);
        expect(forLuc.statusCode).toBe(200);
        expect(forCamille.body).toContain('demo.particulier@example.fr');
        expect(forCamille.body).not.toContain('demo.garage@example.fr');
        expect(forLuc.body).toContain('demo.garage@example.fr');
        expect(forLuc.body).not.toContain('demo.particulier@example.fr');
      }
    });
  });

  it('still sends a visitor whose session is not signed in (a sign-in form cookie) to the waiting room', async () => {
    const visitor = new TestClient(app);
    await visitor.get('/connexion'); // a signed cookie, no one signed in
    expect(visitor.hasCookie('sid')).toBe(true);
    await whileTheNodeIsFull(async () => {
      const page = await visitor.get('/compte');
      expect(page.statusCode).toBe(503);
    });
  });
});
