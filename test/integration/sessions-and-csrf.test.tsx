import { generateKeyPairSync } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sessionCookieName } from '../../src/platform/http/session.ts';
import { Form } from '../../src/ui/components/form.tsx';
import { Layout } from '../../src/ui/layout.tsx';
import { createTestApp, TestClient, textOf, type TestApp } from '../helpers/app.ts';

/** A throw-away form page and its handler, to exercise the session and CSRF machinery. */
function extend(app: TestApp['app']) {
  app.get('/test/form', (_req, reply) =>
    reply.render(
      <Layout title="Formulaire de test">
        <Form action="/test/form">
          <button type="submit">Envoyer</button>
        </Form>
      </Layout>,
    ),
  );
  app.post('/test/form', async (request) => {
    const count = (request.session.get<number>('posts') ?? 0) + 1;
    request.session.set('posts', count);
    return { posts: count };
  });
  app.post('/test/sign-in', async (request) => {
    request.session.rotate(42);
    return { ok: true };
  });
  app.post('/test/sign-out', async (request) => {
    request.session.destroy();
    return { ok: true };
  });
}

describe('sessions and CSRF', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, extend);
  });
  afterAll(() => t.close());
  beforeEach(() => t.database.reset());

  const sessionCount = async () =>
    (await sql<{ n: number }>`select count(*)::int as n from sessions`.execute(t.database.db)).rows[0]!.n;

  it('creates no session for a page without a form', async () => {
    const res = await new TestClient(t.app).get('/');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(await sessionCount()).toBe(0);
  });

  it('stores the session server side behind a signed, httpOnly, SameSite=Lax cookie, the row once there is data to keep', async () => {
    const client = new TestClient(t.app);
    const res = await client.get('/test/form');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^sid=[^;]+\.[^;]+;/); // value.signature
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).not.toContain('Secure'); // Secure in production only (see the production test below)
    expect(res.headers['cache-control']).toBe('no-store');
    expect(await sessionCount()).toBe(0); // a form alone: the signed cookie carries the id its token is bound to
    expect((await client.get('/test/form')).headers['cache-control']).toBe('no-store'); // its token is this browser's
    expect((await client.post('/test/form', {})).json()).toEqual({ posts: 1 });
    const rows = await t.database.db.selectFrom('sessions').select('id_hash').execute();
    expect(rows).toHaveLength(1);
    const rawId = decodeURIComponent(cookie.split(';')[0]!.slice(4)).split('.')[0]!;
    expect(rows[0]!.id_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.id_hash).not.toBe(rawId); // only the hash is stored
  });

  it('accepts a form carrying the session token and refuses it without, with a French page', async () => {
    const client = new TestClient(t.app);
    await client.get('/test/form');
    const token = client.csrfToken();
    const ok = await client.post('/test/form', {}, { csrf: token });
    expect(ok.json()).toEqual({ posts: 1 });

    const missing = await client.post('/test/form', {}, { csrf: null });
    expect(missing.statusCode).toBe(403);
    expect(textOf(missing.body)).toContain('Formulaire expiré');

    const forged = await client.post('/test/form', {}, { csrf: `${token.slice(0, -2)}xx` });
    expect(forged.statusCode).toBe(403);
  });

  it('refuses a token from another session', async () => {
    const alice = new TestClient(t.app);
    const mallory = new TestClient(t.app);
    await alice.get('/test/form');
    await mallory.get('/test/form');
    const res = await alice.post('/test/form', {}, { csrf: mallory.csrfToken() });
    expect(res.statusCode).toBe(403);
  });

  it('refuses a cross-origin post even with a valid token', async () => {
    const client = new TestClient(t.app);
    await client.get('/test/form');
    const cookie = `sid=${encodeURIComponent(String((await t.app.inject({ url: '/test/form' })).cookies[0]?.value))}`;
    const page = await t.app.inject({ url: '/test/form', headers: { cookie } });
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const res = await t.app.inject({
      method: 'POST',
      url: '/test/form',
      headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(token)}`,
    });
    expect(res.statusCode).toBe(403);
  });

  it('rotates the session id at sign-in: the old cookie no longer opens the session', async () => {
    const client = new TestClient(t.app);
    const first = await client.get('/test/form');
    const oldCookie = String(first.headers['set-cookie']).split(';')[0]!;
    const signIn = await client.post('/test/sign-in', {});
    const newCookie = String(signIn.headers['set-cookie']).split(';')[0]!;
    expect(newCookie).not.toBe(oldCookie);
    const rows = await t.database.db.selectFrom('sessions').select('user_id').execute();
    expect(rows).toEqual([{ user_id: 42 }]);
    const replay = await t.app.inject({ url: '/test/form', headers: { cookie: oldCookie } });
    expect(String(replay.headers['set-cookie'])).not.toContain(oldCookie); // a brand new anonymous session
  });

  it('sign-out deletes the session row and clears the cookie', async () => {
    const client = new TestClient(t.app);
    await client.get('/test/form');
    await client.post('/test/form', {});
    const out = await client.post('/test/sign-out', {});
    expect(String(out.headers['set-cookie'])).toMatch(/sid=;/);
    expect(await sessionCount()).toBe(0);
  });

  it('ends a session idle for longer than the idle timeout', async () => {
    const client = new TestClient(t.app);
    await client.get('/test/form');
    await client.post('/test/form', {});
    await t.database.db.updateTable('sessions').set({ last_seen_at: new Date(Date.now() - 31 * 60_000) }).execute();
    const res = await client.post('/test/form', {});
    expect(res.statusCode).toBe(403); // the session is gone: its token is no longer valid
  });

  it('uses a __Host- prefixed Secure cookie in production', async () => {
    expect(sessionCookieName({ isProduction: true } as never)).toBe('__Host-sid');
    const prod = await createTestApp(
      {
        NODE_ENV: 'production',
        PUBLIC_URL: 'https://titres.example',
        SMTP_URL: 'smtp://127.0.0.1:2525',
        FRANCECONNECT_ISSUER: 'https://fcp.integ01.dev-franceconnect.fr/api/v1',
        FRANCECONNECT_CLIENT_ID: 'portail-test',
        FRANCECONNECT_CLIENT_SECRET: 'a-secret-of-sixteen-chars',
        FILES_DIR: './.tmp/test-data/files',
        SMS_API_URL: 'https://sms.example/v1/messages',
        SMS_API_TOKEN: 'a-token-of-sixteen-chars',
        METRICS_TOKEN: 'a-metrics-token-of-sixteen',
        SEAL_PRIVATE_KEY: String(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' })),
        DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://unused@127.0.0.1/unused',
      },
      extend,
    );
    try {
      const res = await prod.app.inject({ url: '/test/form' });
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).toMatch(/^__Host-sid=/);
      expect(cookie).toContain('Secure');
      expect(res.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains; preload');
      expect((await prod.app.inject({ url: '/dev/outbox' })).statusCode).toBe(404);
    } finally {
      await prod.close();
    }
  });
});
