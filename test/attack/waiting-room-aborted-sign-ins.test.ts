import { connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, textOf, type TestApp } from '../helpers/app.ts';

/**
 * Issue 20, F1 (helper H): a burst of anonymous sign-in posts whose clients go away while the
 * password is being checked must give back every place it took. On main at 80b77e4 the places of
 * the requests whose client left after sending its whole body were never given back (neither
 * onResponse nor onRequestAbort runs for them), and the waiting room stayed shut to every newcomer.
 */
let t: TestApp;
let app: FastifyInstance;
let port = 0;

beforeAll(async () => {
  t = await createTestApp({ ADMISSION_MAX_CONCURRENT: '6', ADMISSION_TARGET_MS: '400', ADMISSION_ACTIVE_PER_ADDRESS: '4' });
  app = t.app;
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});
afterAll(async () => {
  await t?.close();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One sign-in post sent whole from `localAddress`, its connection dropped after `dropAfterMs` (or read to its answer when null). */
function signInPost(cookie: string, csrf: string, n: number, localAddress: string, dropAfterMs: number | null): Promise<void> {
  const body = `_csrf=${encodeURIComponent(csrf)}&email=x${n}%40example.fr&password=aaaaaaaaaaaa`;
  const head =
    `POST /connexion HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/html\r\nUser-Agent: Attaquant/${n}\r\n` +
    `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`;
  return new Promise((resolve) => {
    const socket: Socket = connect({ port, host: '127.0.0.1', localAddress });
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    socket.on('close', () => resolve());
    socket.on('connect', () => {
      socket.write(head + body);
      if (dropAfterMs !== null) setTimeout(() => socket.destroy(), dropAfterMs);
    });
  });
}

describe('a burst of anonymous sign-in posts, clients leaving mid-way', () => {
  it('gives back every place: afterwards nothing is in progress and a newcomer gets the sign-in form', async () => {
    const first = await fetch(`http://127.0.0.1:${port}/connexion`, { headers: { accept: 'text/html' } });
    const cookie = (first.headers.getSetCookie()[0] ?? '').split(';')[0]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await first.text())?.[1] ?? '';
    expect(cookie).toMatch(/=/);
    expect(csrf).not.toBe('');

    // 60 clients over 30 addresses, two rounds: most drop their connection while the password is hashed
    let n = 0;
    for (let round = 0; round < 2; round++) {
      await Promise.all(
        Array.from({ length: 60 }, (_, i) => {
          n++;
          const drop = i % 4 === 3 ? null : 5 + ((i * 7) % 60);
          return signInPost(cookie, csrf, n, `127.0.${2 + (i % 30)}.${1 + round}`, drop);
        }),
      );
    }
    // the hashes still running finish, their answers written to closed sockets
    for (let i = 0; i < 300 && app.admission.stats().inFlight > 0; i++) await pause(20);
    expect(app.admission.stats().inFlight).toBe(0);

    const newcomer = await fetch(`http://127.0.0.1:${port}/connexion`, { headers: { accept: 'text/html', 'user-agent': 'Mozilla/5.0 (Nouvelle)' } });
    expect(newcomer.status).toBe(200);
    expect(newcomer.headers.get('x-admission')).toBeNull();
    expect(textOf(await newcomer.text())).toContain('Mot de passe');
  });
});
