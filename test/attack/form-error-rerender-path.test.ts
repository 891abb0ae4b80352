import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueMessage } from '../../src/platform/mail/messages.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

/**
 * A refused form is shown again by asking the app for the page at the same address
 * (keep-form.tsx). Found by an outside tester: the router matched `POST /paiement-simule/..\dev\outbox`
 * (a backslash is no separator for it), while the internal GET normalised the address to
 * `/dev/outbox` and came from 127.0.0.1 without any proxy header: the dev outbox, with every reset
 * link, was given to an anonymous stranger in one request. The page shown again must be the same
 * address, seen as the same visitor.
 */
describe('a refused form shown again, with a path that normalises elsewhere', () => {
  let t: TestApp;
  let port: number;
  const RESET = 'http://localhost:3000/mot-de-passe/nouveau/jeton-de-la-victime';
  beforeAll(async () => {
    t = await createTestApp({ TRUST_PROXY: 'true' });
    await t.database.reset();
    await queueMessage(t.database.db, { channel: 'email', to: 'victime@example.fr', subject: 'Réinitialisez votre mot de passe', text: `Lien : ${RESET}`, html: `<p>Lien : ${RESET}</p>` });
    await t.app.worker.drain();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as { port: number }).port;
  });
  afterAll(() => t.close());

  /** One request sent byte for byte as written (no client normalises its path), its whole answer. */
  const raw = (requestLine: string, headers: Record<string, string>, body: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
      const head = Object.entries({ host: `127.0.0.1:${port}`, connection: 'close', 'content-length': String(Buffer.byteLength(body)), ...headers })
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('');
      socket.write(`${requestLine}\r\n${head}\r\n${body}`); // not end(): a half-closed socket is a client that left
    });

  it('never shows the outbox (or any other page) to a stranger through a refused post', async () => {
    const stranger = { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.50' };
    for (const path of ['/paiement-simule/..\\dev\\outbox', '/paiement-simule/..%5Cdev%5Coutbox', '/paiement-simule/%2e%2e%5cdev%5coutbox', '/inscription/..\\dev\\outbox']) {
      const answer = await raw(`POST ${path} HTTP/1.1`, stranger, 'x=%01');
      expect(answer, path).toMatch(/^HTTP\/1\.1 4\d\d /);
      expect(answer, path).not.toContain('victime@example.fr');
      expect(answer, path).not.toContain('jeton-de-la-victime');
      expect(answer, path).not.toContain('Boîte d’envoi de développement');
    }
  });

  it('still shows a form again with its error at a plain address', async () => {
    const visitor = { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' };
    const answer = await raw('POST /mot-de-passe-oublie HTTP/1.1', visitor, 'email=victime%40example.fr%01');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('id="error-summary"');
    expect(answer).toContain('value="victime@example.fr"');
  });
});
