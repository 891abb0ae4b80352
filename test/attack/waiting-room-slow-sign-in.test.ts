import { connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../src/demo/seed.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { signInUser } from '../helpers/users.ts';

/**
 * An outsider who takes one cookie from the sign-in form, then opens 70 sockets posting the form
 * with `Content-Length: 100000` and trickles the body. Two nodes of 16 places: on the first, bodies
 * may take the whole request limit (60 s), and a newcomer from another address must still get the
 * page; on the second, an anonymous body that trickles is cut after the anonymous body limit (1 s)
 * rather than the request limit.
 */
let t: TestApp;
let app: FastifyInstance;
let port = 0;
let slowBodies: TestApp;
let slowBodiesPort = 0;

const portOf = (a: FastifyInstance) => {
  const address = a.server.address();
  return typeof address === 'object' && address ? address.port : 0;
};

beforeAll(async () => {
  const settings = { ADMISSION_MAX_CONCURRENT: '16', ADMISSION_QUEUE_PER_ADDRESS: '4', ADMISSION_ACTIVE_PER_ADDRESS: '4', HTTP_REQUEST_TIMEOUT_SECONDS: '60' };
  t = await createTestApp({ ...settings, HTTP_ANONYMOUS_BODY_TIMEOUT_SECONDS: '60' });
  app = t.app;
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = portOf(app);
  slowBodies = await createTestApp({ ...settings, HTTP_ANONYMOUS_BODY_TIMEOUT_SECONDS: '1' });
  await seedDemoData(slowBodies.database.db, slowBodies.app.config);
  await slowBodies.app.listen({ host: '127.0.0.1', port: 0 });
  slowBodiesPort = portOf(slowBodies.app);
}, 600_000);
afterAll(async () => {
  await t?.close();
  await slowBodies?.close();
});

const until = async (check: () => boolean) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
};

/** A raw connection posting `path` with a 100,000-byte body announced, one byte every 200 ms. */
function trickle(path: string, cookie: string, to = port): { socket: Socket; closed: Promise<{ answer: string; afterMs: number }> } {
  const socket = connect(to, '127.0.0.1');
  const started = Date.now();
  let answer = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (answer += chunk));
  socket.on('error', () => undefined);
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\nCookie: ${cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n`,
  );
  const timer = setInterval(() => socket.writable && socket.write('a'), 200);
  const closed = new Promise<{ answer: string; afterMs: number }>((resolve) =>
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, afterMs: Date.now() - started });
    }),
  );
  return { socket, closed };
}

/** The cookie anyone gets from one GET of the sign-in form. */
async function signInFormCookie(node = app): Promise<string> {
  const res = await node.inject({ url: '/connexion', headers: { accept: 'text/html' } });
  const cookie = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('sid='));
  expect(cookie).toBeDefined();
  return cookie!.split(';')[0]!;
}

describe('70 slow sign-in posts from one address, with the cookie of the sign-in form', () => {
  it('leave room for a newcomer from another address', async () => {
    const cookie = await signInFormCookie();
    const waitedBefore = app.admission.stats().waited;
    const slow = Array.from({ length: 70 }, () => trickle('/connexion', cookie));
    try {
      // every request has arrived: let in (and sending its body) or sent to the waiting room
      await until(() => app.admission.stats().inFlight + app.admission.stats().waited - waitedBefore === 70);
      // one address holds only a few places once the node is half full
      expect(app.admission.stats().inFlight).toBeLessThanOrEqual(8);
      const newcomer = await app.inject({ url: '/', remoteAddress: '203.0.113.9', headers: { accept: 'text/html' } });
      expect(newcomer.statusCode).toBe(200);
      expect(newcomer.headers['x-admission']).toBeUndefined();
      expect(newcomer.body).toContain('<h1>Portail des titres sécurisés</h1>');
    } finally {
      for (const s of slow) s.socket.destroy();
    }
    await until(() => app.admission.stats().inFlight === 0);
    // the address is let in again once its requests end
    expect((await app.inject({ url: '/', headers: { accept: 'text/html' } })).statusCode).toBe(200);
  });

  it('cuts an anonymous body that trickles after the anonymous limit (408), well before the request limit', async () => {
    const { closed } = trickle('/connexion', await signInFormCookie(slowBodies.app), slowBodiesPort);
    const { answer, afterMs } = await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(afterMs).toBeGreaterThanOrEqual(900);
    expect(afterMs).toBeLessThan(10_000);
    await until(() => slowBodies.app.admission.stats().inFlight === 0);
  });

  it('does not cut a signed-in user’s slow body at the anonymous limit', async () => {
    const camille = await signInUser(slowBodies.app, 'demo.particulier@example.fr');
    expect(camille.cookieHeader()).toContain('sid=');
    const { socket, closed } = trickle('/compte', camille.cookieHeader(), slowBodiesPort);
    let closedEarly = false;
    void closed.then(() => (closedEarly = true));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(closedEarly).toBe(false);
    socket.destroy();
    await closed;
  });

});
