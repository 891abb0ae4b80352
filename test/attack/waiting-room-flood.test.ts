import { connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressGroup } from '../../src/platform/http/waiting-queue.ts';
import { createTestApp, textOf, type TestApp } from '../helpers/app.ts';

/**
 * An outsider against the waiting room (admission.ts), with 2 places on the node and a 1-second limit
 * on a whole request: slow requests to the always-served routes must not fill the node, a body
 * trickled byte by byte is cut, and one address varying its User-Agent cannot stuff the queue.
 */
let t: TestApp;
let app: FastifyInstance;
let port = 0;
const gates: (() => void)[] = [];

beforeAll(async () => {
  t = await createTestApp(
    { ADMISSION_MAX_CONCURRENT: '2', ADMISSION_RETRY_SECONDS: '7', HTTP_REQUEST_TIMEOUT_SECONDS: '1', HTTP_HEADERS_TIMEOUT_SECONDS: '1' },
    (a) => {
      a.get('/test/occupe', async () => {
        await new Promise<void>((resolve) => gates.push(resolve));
        return 'fini';
      });
    },
  );
  app = t.app;
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});
afterAll(async () => {
  for (const open of gates.splice(0)) open();
  await t?.close();
});

const until = async (check: () => boolean) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
};

/** A raw connection that sends `head` and then one byte of body every 100 ms; resolves with what the server answered once it closes. */
function trickle(head: string): { socket: Socket; closed: Promise<{ answer: string; afterMs: number }> } {
  const socket = connect(port, '127.0.0.1');
  const started = Date.now();
  let answer = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (answer += chunk));
  socket.on('error', () => undefined);
  socket.write(head);
  const timer = setInterval(() => socket.writable && socket.write('a'), 100);
  const closed = new Promise<{ answer: string; afterMs: number }>((resolve) =>
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, afterMs: Date.now() - started });
    }),
  );
  return { socket, closed };
}

const slowSignIn = (path: string) =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n`;

describe('slow requests to the always-served routes', () => {
  it('do not put an anonymous visitor in the waiting room, however many are open', async () => {
    const slow = Array.from({ length: 10 }, (_, i) => trickle(slowSignIn(i % 2 ? '/agents/connexion' : '/paiement-simule/AAAAAAAAAAAAAAAA')));
    try {
      await new Promise((resolve) => setTimeout(resolve, 300)); // every request has arrived and is sending its body
      expect(app.admission.stats().inFlight).toBe(0);
      const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { accept: 'text/html' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-admission')).toBeNull();
      expect(await res.text()).toContain('<h1>Portail des titres sécurisés</h1>');
    } finally {
      for (const s of slow) s.socket.destroy();
    }
  });

  it('cuts a body trickled too slowly (408) once the request time limit is over', async () => {
    const { closed } = trickle(slowSignIn('/agents/connexion'));
    const { answer, afterMs } = await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(afterMs).toBeGreaterThanOrEqual(900);
    expect(afterMs).toBeLessThan(4000);
  });

  it('cuts headers trickled too slowly', async () => {
    const socket = connect(port, '127.0.0.1');
    const started = Date.now();
    socket.on('error', () => undefined);
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const timer = setInterval(() => socket.writable && socket.write('X-Lent: a\r\n'), 100);
    await new Promise((resolve) => socket.on('close', resolve));
    clearInterval(timer);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(Date.now() - started).toBeLessThan(4000);
  });
});

describe('queue stuffing from one address', () => {
  it('keeps a visitor from another address near the front after 300 varied-User-Agent requests', async () => {
    const held = [app.inject('/test/occupe'), app.inject('/test/occupe')];
    await until(() => app.admission.stats().inFlight === 2 && gates.length === 2);
    try {
      const stuffing = [];
      for (let i = 0; i < 300; i++) {
        stuffing.push(await app.inject({ url: '/', remoteAddress: '198.51.100.7', headers: { accept: 'text/html', 'user-agent': `Robot/${i}` } }));
      }
      expect(stuffing.every((r) => r.statusCode === 503)).toBe(true);
      // the first few get a place; the others the waiting page without one
      expect(textOf(stuffing[3]!.body)).toContain('Une place vous est gardée dans la file d’attente');
      expect(app.admission.queuePosition({ ip: '198.51.100.7', userAgent: 'Robot/3' })).toBe(4);
      expect(textOf(stuffing[4]!.body)).not.toContain('Une place vous est gardée');
      expect(app.admission.queuePosition({ ip: '198.51.100.7', userAgent: 'Robot/4' })).toBeNull();
      expect(textOf(stuffing[4]!.body)).toContain('Aucune place ne vous est encore attribuée dans la file');
      expect(textOf(stuffing[299]!.body)).toContain('Salle d’attente');
      expect(app.admission.stats().queued).toBe(4);

      // the same from an IPv6 /64: every address of the prefix is one client
      for (let i = 1; i <= 20; i++) {
        await app.inject({ url: '/', remoteAddress: `2001:db8:1:2::${i.toString(16)}`, headers: { accept: 'text/html', 'user-agent': `Robot/${i}` } });
      }
      expect(app.admission.stats().queued).toBe(8);

      const visitor = await app.inject({ url: '/', remoteAddress: '203.0.113.9', headers: { accept: 'text/html', 'user-agent': 'Mozilla/5.0 (Élise)' } });
      expect(visitor.statusCode).toBe(503);
      expect(textOf(visitor.body)).toContain('Une place vous est gardée dans la file d’attente');
      expect(app.admission.queuePosition({ ip: '203.0.113.9', userAgent: 'Mozilla/5.0 (Élise)' })).toBe(9);
    } finally {
      for (const open of gates.splice(0)) open();
      await Promise.all(held);
    }
  });

  it('counts an IPv6 /64 as one client, whatever its spelling, and an IPv4-mapped address as its IPv4', () => {
    expect(addressGroup('2001:db8:1:2::1')).toBe('2001:0db8:0001:0002::/64');
    expect(addressGroup('2001:DB8:1:2:abcd:ef01:2345:6789')).toBe('2001:0db8:0001:0002::/64');
    expect(addressGroup('2001:db8::1')).toBe('2001:0db8:0000:0000::/64');
    expect(addressGroup('2001:db8:1:3::1')).not.toBe(addressGroup('2001:db8:1:2::1'));
    expect(addressGroup('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressGroup('192.0.2.1')).toBe('192.0.2.1');
  });
});
