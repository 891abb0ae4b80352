import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../src/demo/seed.ts';
import { issuedDocumentDrawings } from '../../src/domains/vehicles/procedures/issued-documents.ts';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { createTestApp, type TestApp, type TestClient } from '../helpers/app.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

/**
 * One signed-in citizen against the node (issue 20, F3): the waiting room lets every signed-in
 * request in, so one account must not be able to hold the node alone — neither with twenty uploads
 * trickling a byte at a time (only four held at once, the others refused at once, the four cut for
 * arriving under the floor rate) nor with the same PDF asked for again and again (drawn once, and
 * never served to another account). Real sockets; statuses and counts, no timings.
 */
let t: TestApp;
let app: FastifyInstance;
let port = 0;
let gate: Promise<void> = Promise.resolve();
let openGate: () => void = () => undefined;

beforeAll(async () => {
  t = await createTestApp(
    {
      ACCOUNT_ACTIVE_REQUESTS: '4',
      ADMISSION_MAX_CONCURRENT: '16',
      HTTP_REQUEST_TIMEOUT_SECONDS: '60',
      // the window over which a signed-in body's rate is judged
      HTTP_SIGNED_IN_BODY_WINDOW_SECONDS: '2',
      // what is tested is the per-account cap, not the waiting room: on a loaded machine the node's own
      // late turns would send the test's sign-ins to the waiting page
      ADMISSION_MAX_LOOP_DELAY_MS: '0',
    },
    // a form whose handler runs until the test lets it answer
    (a) => {
      a.post('/test/occupe', async () => {
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
  await t?.close();
});

const until = async (check: () => boolean, seen: () => string = () => '') => {
  for (let i = 0; i < 2000 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check(), seen()).toBe(true);
};

/** A raw connection posting with a 100,000-byte body announced, one byte every 300 ms (as /tmp/att5/slow.mjs, faster). */
function trickle(path: string, cookie: string): { answer: () => string; closed: Promise<string> } {
  const socket: Socket = connect(port, '127.0.0.1');
  let answer = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (answer += chunk));
  socket.on('error', () => undefined);
  socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\nCookie: ${cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\na=`);
  const timer = setInterval(() => socket.writable && socket.write('a'), 300);
  const closed = new Promise<string>((resolve) =>
    socket.on('close', () => {
      clearInterval(timer);
      resolve(answer);
    }),
  );
  return { answer: () => answer, closed };
}

/** One GET over a real socket, from `localAddress`. */
function get(path: string, headers: Record<string, string>, localAddress = '127.0.0.1'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, localAddress, headers: { accept: 'text/html', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

const statusOf = (answer: string) => answer.split('\r\n')[0] ?? '';

describe('one signed-in citizen with twenty trickling uploads', () => {
  it('holds four places at most; the others are refused at once; the four are cut under the floor rate; others are served', async () => {
    const citizen = await signInUser(app, 'demo.particulier@example.fr');
    const other = await signInUser(app, 'demo.entreprise@example.fr');
    const cookie = citizen.cookieHeader();
    const slow = Array.from({ length: 20 }, () => trickle('/session/prolonger', cookie));
    // sixteen refused without their body being read: a 429 and the connection closed
    await until(() => slow.filter((s) => statusOf(s.answer()) === 'HTTP/1.1 429 Too Many Requests').length === 16, () => slow.map((s) => statusOf(s.answer())).join(', '));
    // meanwhile: the same citizen's page is refused with a French page and a link to retry it…
    const own = await get('/vehicules', { cookie });
    expect(own.status).toBe(429);
    expect(own.headers['retry-after']).toBe('10');
    expect(own.body).toContain('Trop de demandes en cours');
    expect(own.body).toContain('href="/vehicules"');
    // …while another account and an anonymous visitor from another address are served
    expect((await get('/vehicules', { cookie: other.cookieHeader() })).status).toBe(200);
    expect((await get('/', {}, '127.0.0.2')).status).toBe(200);
    // the four admitted bodies arrive under the floor rate (1 KiB/s): cut with a 408, not kept 60 s
    const answers = await Promise.all(slow.map((s) => s.closed));
    expect(answers.filter((a) => statusOf(a) === 'HTTP/1.1 408 Request Timeout')).toHaveLength(4);
    expect(answers.filter((a) => statusOf(a) === 'HTTP/1.1 429 Too Many Requests')).toHaveLength(16);
    expect(app.accountLimit.stats()).toMatchObject({ accounts: 0, slowBodiesCut: 4 });
    // once they are gone, the citizen is served again
    expect((await get('/vehicules', { cookie })).status).toBe(200);
  }, 120_000);
});

/**
 * A whole POST sent on a raw connection from 127.0.0.9 (its wrong passwords counted against that
 * address, not the one the other tests sign in from), the connection dropped `dropAfterMs` later.
 */
function postAndLeave(path: string, cookie: string, body: string, dropAfterMs: number): Promise<void> {
  return new Promise((resolve) => {
    const socket: Socket = connect({ port, host: '127.0.0.1', localAddress: '127.0.0.9' });
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    socket.on('close', () => resolve());
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\nCookie: ${cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    setTimeout(() => socket.destroy(), dropAfterMs);
  });
}

describe('a signed-in citizen whose requests are left before their answer', () => {
  // the place of a request whose client sent its whole body, then left while it was served (a password
  // being checked), was given back neither by onResponse nor by onRequestAbort: four of them, and the
  // account was refused everything until the node restarted (the waiting room's F1, 2 December)
  it('gets every place back: afterwards nothing is held and the citizen is served', async () => {
    const citizen = await signInUser(app, 'demo.garage@example.fr');
    await citizen.get('/compte/mot-de-passe');
    const body = `_csrf=${encodeURIComponent(citizen.csrfToken())}&current_password=pas-le-bon-mot-de-passe&new_password=cheval%20batterie%20agrafe%20rouge`;
    const cookie = citizen.cookieHeader();
    for (let round = 0; round < 2; round++) await Promise.all(Array.from({ length: 8 }, (_, i) => postAndLeave('/compte/mot-de-passe', cookie, body, 5 + i * 7)));
    await until(() => app.accountLimit.stats().accounts === 0, () => JSON.stringify(app.accountLimit.stats()));
    const page = await get('/vehicules', { cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('Mon espace véhicule');
  }, 120_000);

  it('keeps the place of a request whose client left while its handler still runs, until it answers', async () => {
    const citizen = await signInUser(app, 'demo.entreprise@example.fr');
    const form = await citizen.get('/compte/mot-de-passe');
    expect(form.statusCode, form.body.slice(0, 300)).toBe(200);
    const body = `_csrf=${encodeURIComponent(citizen.csrfToken())}&note=essai`;
    gate = new Promise((resolve) => (openGate = resolve));
    const left = postAndLeave('/test/occupe', citizen.cookieHeader(), body, 50);
    await until(() => app.accountLimit.stats().accounts === 1);
    await left; // the connection is closed; the handler still waits
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(app.accountLimit.stats().accounts).toBe(1); // closing a connection does not free the place of work still running
    openGate();
    await until(() => app.accountLimit.stats().accounts === 0);
  }, 120_000);
});

describe('the same CSA asked for again and again', () => {
  async function csaOf(client: TestClient): Promise<string> {
    const page = await client.follow(await postNewProcedure(client, { kind: 'duplicate', initiator: 'self', plate: '1234 AB 75' }));
    await client.post(`${page.url}/code`, { code: DEMO_VEHICLE_CODES['1234 AB 75'] });
    const base = `${page.url}/duplicata`;
    await client.get(base);
    await client.post(base, { reason: 'theft' });
    await client.post(`${base}/confirmer`, { clu: 'oui' });
    return `${base}/csa.pdf`;
  }

  it('is drawn once and served identical to its owner, never to another account', async () => {
    const owner = await signInUser(app, 'demo.particulier@example.fr');
    const url = await csaOf(owner);
    const cookie = owner.cookieHeader();
    const first = await get(url, { cookie, accept: 'application/pdf' });
    expect(first.status).toBe(200);
    const drawnBefore = issuedDocumentDrawings();
    const again: string[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await get(url, { cookie, accept: 'application/pdf' });
      expect(res.status).toBe(200);
      again.push(res.body);
    }
    expect(issuedDocumentDrawings()).toBe(drawnBefore); // no new drawing
    expect(new Set([first.body, ...again]).size).toBe(1);
    // another account asking for the document just kept: not found, as before any cache
    const intruder = await signInUser(app, 'demo.entreprise@example.fr');
    const stolen = await get(url, { cookie: intruder.cookieHeader(), accept: 'application/pdf' });
    expect(stolen.status).toBe(404);
    expect(stolen.body).not.toContain('%PDF');
  }, 120_000);
});
