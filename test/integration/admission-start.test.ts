import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { testConfig } from '../../src/config.ts';
import { seedDemoData } from '../../src/demo/seed.ts';
import { openTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { holdEventLoop, RawConnection, type RawResponse } from '../helpers/raw-http.ts';

/**
 * The first visitors of a freshly started node (issue 20): the node's own start work — building
 * the application, then its first turns after listening (job worker, first renders) — must not
 * count as overload and send them to the waiting page, while a node started into a flood still
 * sheds it. Each test starts a node on a real port, its event loop watched as in production (with
 * ADMISSION_MAX_LOOP_DELAY_MS at 250 rather than 100: a loaded test machine can starve the process
 * for 100 ms by itself), and holds the loop longer than that to stand for the start's work.
 */
let database: TestDatabase;
let app: FastifyInstance | null = null;
const START_WORK_MS = 600;

beforeAll(async () => {
  database = await openTestDatabase();
});
afterEach(async () => {
  await app?.close();
  app = null;
});
afterAll(() => database.close());

/** A node as server.ts starts one: the application built, `START_WORK_MS` of start work, then listening. */
async function startNode(): Promise<number> {
  app = await buildApp(testConfig({ ADMISSION_MAX_LOOP_DELAY_MS: '250' }), database);
  await seedDemoData(database.db, app.config);
  holdEventLoop(START_WORK_MS); // the rest of the start, before listening: nobody can be waiting yet
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/** What a supervisor and then a visitor do: ask /healthz, then at once the sign-in page. */
async function healthThenSignIn(port: number): Promise<RawResponse> {
  const c = await RawConnection.open(port);
  try {
    c.send('/healthz', { accept: 'application/json' });
    expect((await c.response()).status).toBe(200);
    c.send('/connexion', { accept: 'text/html' });
    return await c.response();
  } finally {
    c.close();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a freshly started node', () => {
  it('gives the sign-in form, not the waiting page, to a visitor who asks right after /healthz answers', async () => {
    const port = await startNode();
    const res = await healthThenSignIn(port);
    expect(res.status).toBe(200);
    expect(res.body).toContain('name="_csrf"');
    expect(res.body).not.toContain('Salle d’attente');
    expect(app!.admission.stats().waited).toBe(0);
  });

  it('does not count a long turn of its own work after listening, with nobody asking, as overload', async () => {
    const port = await startNode();
    await sleep(50);
    holdEventLoop(START_WORK_MS); // e.g. the job worker's housekeeping on the embedded database
    await sleep(50); // the late timer has run: had it counted, only half of the newcomers would get in now
    expect(app!.admission.stats().loopDelayMs).toBeLessThan(250);
    const res = await healthThenSignIn(port);
    expect(res.status).toBe(200);
    expect(res.body).toContain('name="_csrf"');
    expect(app!.admission.stats().waited).toBe(0);
  });

  it('still sheds a flood that queued while it was busy: the newcomers read late get the waiting page', async () => {
    const port = await startNode();
    // connections already accepted (each asked /healthz), so that the server reads the requests as soon as it can
    const connections = await Promise.all(
      Array.from({ length: 12 }, async () => {
        const c = await RawConnection.open(port);
        c.send('/healthz', { accept: 'application/json' });
        expect((await c.response()).status).toBe(200);
        return c;
      }),
    );
    try {
      for (const c of connections) c.send('/', { accept: 'text/html' });
      holdEventLoop(START_WORK_MS); // the node busy while they wait in its sockets
      const answers = await Promise.all(connections.map((c) => c.response()));
      for (const res of answers) {
        expect(res.status).toBe(503);
        expect(res.headers['x-admission']).toBe('waiting-room');
      }
      expect(app!.admission.stats().waitedEarly).toBe(12);
    } finally {
      for (const c of connections) c.close();
    }
  });
});
