import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueMessage } from '../../src/platform/mail/messages.ts';
import { outboxToken } from '../../src/web/dev-outbox-access.ts';
import { createTestApp, textOf, type TestApp } from '../helpers/app.ts';

/**
 * The dev outbox holds every activation and password-reset link: on a demo reachable over a
 * network, a stranger who reads it takes any account. Only this machine (a loopback peer, no proxy
 * in between) or a holder of the token link printed at start may read it (decision 0035).
 */
describe('the dev outbox, read from another machine', () => {
  let t: TestApp;
  let messageId: number;
  let letterId: number;
  const RESET = 'http://localhost:3000/mot-de-passe-oublie/jeton-secret-de-reinitialisation';
  // TRUST_PROXY=true (allowed outside production): Fastify's request.ip is whatever X-Forwarded-For says
  beforeAll(async () => {
    t = await createTestApp({ TRUST_PROXY: 'true' });
    await t.database.reset();
    await queueMessage(t.database.db, {
      channel: 'email',
      to: 'victime@example.fr',
      subject: 'Réinitialisez votre mot de passe',
      text: `Bonjour,\nPour choisir un nouveau mot de passe : ${RESET}`,
      html: `<p>Pour choisir un nouveau mot de passe : <a href="${RESET}">${RESET}</a></p>`,
    });
    await t.app.worker.drain();
    messageId = (await t.database.db.selectFrom('outgoing_messages').select('id').executeTakeFirstOrThrow()).id;
    letterId = Number(
      (
        await t.database.db
          .insertInto('postal_letters')
          .values({ recipient_lines: JSON.stringify(['Victime', '1 rue de la Paix', '75002 Paris']), subject: 'Courrier', body: 'Courrier de démonstration', status: 'sent', pdf: Buffer.from('%PDF-1.7 secret') })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id,
    );
  });
  afterAll(() => t.close());

  const get = (url: string, opts: Omit<InjectOptions, 'url' | 'method'> = {}) =>
    t.app.inject({ method: 'GET', url, ...opts, headers: { accept: 'text/html', ...(opts.headers as Record<string, string> | undefined) } });
  const urls = () => ['/dev/outbox', `/dev/outbox/${messageId}`, `/dev/outbox/${messageId}/html`, `/dev/outbox/courriers/${letterId}.pdf`];

  it('refuses every outbox page to a visitor on another machine, in French, without the link', async () => {
    for (const url of urls()) {
      const res = await get(url, { remoteAddress: '203.0.113.7' });
      expect(res.statusCode, url).toBe(403);
      expect(res.body).not.toContain('jeton-secret-de-reinitialisation');
      expect(res.body).not.toContain('victime@example.fr');
      expect(res.body).not.toContain('%PDF');
      expect(textOf(res.body)).toContain('ne s’ouvre que sur la machine qui fait tourner le portail');
    }
  });

  it('refuses a visitor who claims to be this machine through X-Forwarded-For, or comes through a proxy on this machine', async () => {
    for (const headers of [{ 'x-forwarded-for': '127.0.0.1' }, { forwarded: 'for=127.0.0.1' }, { 'x-real-ip': '127.0.0.1' }, { via: '1.1 proxy' }]) {
      // a proxy on this same machine: the socket's peer is 127.0.0.1 for every visitor
      const viaLocalProxy = await get('/dev/outbox', { remoteAddress: '127.0.0.1', headers });
      expect(viaLocalProxy.statusCode, JSON.stringify(headers)).toBe(403);
      const fromAfar = await get(`/dev/outbox/${messageId}`, { remoteAddress: '198.51.100.20', headers });
      expect(fromAfar.statusCode, JSON.stringify(headers)).toBe(403);
      expect(fromAfar.body).not.toContain('jeton-secret-de-reinitialisation');
    }
  });

  it('refuses a wrong token and a forged cookie', async () => {
    const wrong = await get('/dev/outbox?jeton=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', { remoteAddress: '203.0.113.7' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const forged = await get(`/dev/outbox/${messageId}`, { remoteAddress: '203.0.113.7', cookies: { boite_envoi: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
    expect(forged.statusCode).toBe(403);
    const other = await get(`/dev/outbox/${messageId}`, { remoteAddress: '203.0.113.7', cookies: { boite_envoi: outboxToken('un autre secret de session, celui d’un autre portail') } });
    expect(other.statusCode).toBe(403);
  });

  it('opens to the token link printed at start: a cookie, the token out of the address bar, then every page', async () => {
    const token = outboxToken(t.app.config.sessionSecret);
    const entry = await get(`/dev/outbox?jeton=${token}`, { remoteAddress: '203.0.113.7' });
    expect(entry.statusCode).toBe(303);
    expect(entry.headers.location).toBe('/dev/outbox');
    const cookie = entry.cookies.find((c) => c.name === 'boite_envoi');
    expect(cookie).toMatchObject({ value: token, httpOnly: true, sameSite: 'Strict', path: '/' });
    const list = await get('/dev/outbox', { remoteAddress: '203.0.113.7', cookies: { boite_envoi: token } });
    expect(list.statusCode).toBe(200);
    expect(textOf(list.body)).toContain('victime@example.fr');
    const message = await get(`/dev/outbox/${messageId}`, { remoteAddress: '203.0.113.7', cookies: { boite_envoi: token } });
    expect(message.body).toContain(RESET);
  });

  it('stays open to this machine (the developer, the test browser), and links to it only for those who may read it', async () => {
    const local = await get(`/dev/outbox/${messageId}`, { remoteAddress: '127.0.0.1' });
    expect(local.statusCode).toBe(200);
    expect(local.body).toContain(RESET);
    expect((await get(`/dev/outbox/${messageId}`, { remoteAddress: '::1' })).statusCode).toBe(200);
    expect((await get('/', { remoteAddress: '127.0.0.1' })).body).toContain('href="/dev/outbox"');
    expect((await get('/', { remoteAddress: '203.0.113.7' })).body).not.toContain('href="/dev/outbox"');
  });
});
