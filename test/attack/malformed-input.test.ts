import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemoData } from '../../src/demo/seed.ts';
import { signInAgent } from '../helpers/agents.ts';
import { createTestApp, multipartBody, type TestApp, TestClient, textOf } from '../helpers/app.ts';
import { checkRecord, parseUrlEncoded } from '../../src/platform/http/input.ts';
import { signInUser } from '../helpers/users.ts';
import { startRequest } from '../integration/licence-helpers.ts';

/**
 * The start of the attack suite's fuzzer: every route Fastify knows receives malformed input
 * (repeated keys, arrays, NUL, invalid UTF-8, overlong values, JSON where a form is expected,
 * broken multipart), as the visitor who can reach it. Never a 5xx, always a French page.
 */

interface Route {
  method: 'GET' | 'POST';
  url: string;
}

/** Every GET and POST route, read from Fastify's own routing tree (a new route is tried without an entry here). */
export function listRoutes(app: FastifyInstance): Route[] {
  const routes: Route[] = [];
  const stack: { depth: number; path: string }[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)(?:[├└]── )?(\S+) \(([A-Z, ]+)\)$/.exec(line.replace(/\u00a0/g, ' '));
    if (!m) continue;
    const depth = m[1]!.length;
    while (stack.length && stack.at(-1)!.depth >= depth) stack.pop();
    const parent = stack.at(-1)?.path ?? '';
    const segment = m[2]!;
    const path = parent === '/' ? `/${segment}` : parent + segment;
    stack.push({ depth, path });
    for (const method of m[3]!.split(', ')) if (method === 'GET' || method === 'POST') routes.push({ method, url: path });
  }
  return routes;
}

/** Routes without input of ours: static files, the catch-all, probes. */
const SKIPPED = /^\/(assets\/|healthz|metrics|\*|fc-simulateur\/envoi-automatique\.js|mairie\/qr-scan\.js)/;
/** Routes that end the client's session (tried last, anonymously). */
const SIGN_OUT = /\/deconnexion$/;

const FALLBACK_FIELDS = ['email', 'password', 'code', 'q', 'message', 'plate', 'number', 'step', 'action', 'idempotency_key', 'kind'];
const REPEATED_QUERY = '?a=1&a=2&q=a&q=b&code=1&code=2';

/** The French error page of the portal, or a redirect: never a 5xx, never framework English. */
function assertHandled(res: LightMyRequestResponse, what: string, failures: string[]): void {
  if (res.statusCode >= 500) {
    failures.push(`${what} → ${res.statusCode}`);
    return;
  }
  if (res.statusCode >= 400) {
    // a page for people; a server-to-server endpoint (payment notification) answers a short French JSON
    const french = /lang="fr"/.test(res.body) || /^\{"error":"[\p{Ll} ]+/u.test(res.body);
    if (!french || /Bad Request|Internal Server Error|statusCode|FST_/.test(res.body)) failures.push(`${what} → ${res.statusCode} without a French page: ${res.body.slice(0, 120)}`);
  }
}

describe('malformed input at the boundary', () => {
  let t!: TestApp;
  let clients!: Record<'anonymous' | 'user' | 'townHall' | 'operator' | 'centre' | 'licenceService', TestClient>;

  beforeAll(async () => {
    t = await createTestApp();
    await t.database.reset();
    await seedDemoData(t.database.db, t.app.config);
    const anonymous = new TestClient(t.app);
    await anonymous.get('/connexion');
    clients = {
      anonymous,
      user: await signInUser(t.app, 'demo.particulier@example.fr'),
      townHall: await signInUser(t.app, 'demo.mairie@example.fr'),
      operator: await signInAgent(new TestClient(t.app), 'agent.operateur@example.fr'),
      centre: await signInAgent(new TestClient(t.app), 'agent.cert@example.fr'),
      licenceService: await signInAgent(new TestClient(t.app), 'agent.permis@example.fr'),
    };
  });
  afterAll(() => t.close());

  /** Who can reach a route: its own kind of account (and the anonymous visitor for public pages). */
  function visitorsOf(url: string): TestClient[] {
    if (url.startsWith('/agents/permis')) return [clients.licenceService];
    if (url.startsWith('/agents/vehicules')) return [clients.centre];
    if (url.startsWith('/agents')) return [clients.operator, clients.centre];
    if (url.startsWith('/mairie')) return [clients.townHall];
    return [clients.anonymous, clients.user];
  }

  const withParams = (url: string, value: string) => url.replace(/:[A-Za-z]+/g, value);

  async function fieldsOf(client: TestClient, url: string): Promise<string[]> {
    const page = await client.get(url);
    const names = page.statusCode === 200 ? [...page.body.matchAll(/<(?:input|textarea|select)[^>]*\sname="([^"]+)"/g)].map((m) => m[1]!) : [];
    return [...new Set([...names, ...FALLBACK_FIELDS])].filter((n) => n !== '_csrf');
  }

  async function raw(client: TestClient, method: 'GET' | 'POST', url: string, payload?: string | Buffer, contentType?: string): Promise<LightMyRequestResponse> {
    // the client's cookies, without following or remembering anything
    const headers: Record<string, string> = { accept: 'text/html', ...(contentType ? { 'content-type': contentType } : {}) };
    const cookie = (client as unknown as { cookies: Map<string, string> }).cookies;
    if (cookie.size) headers.cookie = [...cookie].map(([k, v]) => `${k}=${v}`).join('; ');
    return t.app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
  }

  it('lists the routes from Fastify itself', () => {
    const routes = listRoutes(t.app);
    expect(routes).toContainEqual({ method: 'POST', url: '/connexion' });
    expect(routes).toContainEqual({ method: 'GET', url: '/agents/vehicules' });
    expect(routes).toContainEqual({ method: 'POST', url: '/vehicules/demandes/:file/complementaire/pieces' });
    expect(routes.length).toBeGreaterThan(150);
  });

  it('answers every route given repeated keys, arrays, NUL, invalid UTF-8, overlong values or JSON with a French page, never a 5xx', async () => {
    const routes = listRoutes(t.app).filter((r) => !SKIPPED.test(r.url));
    const failures: string[] = [];
    let tried = 0;
    const ordered = [...routes.filter((r) => !SIGN_OUT.test(r.url)), ...routes.filter((r) => SIGN_OUT.test(r.url))];
    for (const route of ordered) {
      for (const client of SIGN_OUT.test(route.url) ? [clients.anonymous] : visitorsOf(route.url)) {
        const url = withParams(route.url, '1');
        const who = Object.entries(clients).find(([, c]) => c === client)![0];
        if (route.method === 'GET') {
          const inputs = [REPEATED_QUERY, '?q=%00&code=a%00b&a=%00', '?q=%FF%FE&code=%C3%28', `?q=${'x'.repeat(20_000)}`, '?q[]=a&q[b]=c'];
          for (const query of inputs) {
            tried++;
            assertHandled(await raw(client, 'GET', url + query), `${who} GET ${route.url}${query.slice(0, 40)}`, failures);
          }
          if (route.url.includes(':')) {
            tried++;
            assertHandled(await raw(client, 'GET', withParams(route.url, 'a%00b')), `${who} GET ${route.url} with NUL in the path`, failures);
          }
        } else {
          const fields = await fieldsOf(client, url);
          const token = (() => {
            try {
              return client.csrfToken();
            } catch {
              return '';
            }
          })();
          const repeated = new URLSearchParams([['_csrf', token], ...fields.flatMap((f) => [[f, 'a'], [f, 'b']] as [string, string][])]).toString();
          const nul = new URLSearchParams([['_csrf', token], ...fields.map((f) => [f, 'a\u0000b'] as [string, string])]).toString();
          const badUtf8 = `_csrf=${encodeURIComponent(token)}&${fields.map((f) => `${f}=%FF%C3%28`).join('&')}`;
          const long = new URLSearchParams([['_csrf', token], ...fields.slice(0, 3).map((f) => [f, 'x'.repeat(60_000)] as [string, string])]).toString();
          const json = JSON.stringify({ _csrf: token, ...Object.fromEntries(fields.map((f) => [f, ['a', { b: 1 }]])) });
          const bodies: [string, string | Buffer, string][] = [
            ['repeated keys', repeated, 'application/x-www-form-urlencoded'],
            ['repeated _csrf', `${repeated}&_csrf=${encodeURIComponent(token)}`, 'application/x-www-form-urlencoded'],
            ['NUL', nul, 'application/x-www-form-urlencoded'],
            ['invalid UTF-8', badUtf8, 'application/x-www-form-urlencoded'],
            ['overlong values', long, 'application/x-www-form-urlencoded'],
            ['JSON arrays', json, 'application/json'],
          ];
          for (const [what, payload, type] of bodies) {
            tried++;
            assertHandled(await raw(client, 'POST', url, payload, type), `${who} POST ${route.url} (${what})`, failures);
          }
        }
      }
    }
    console.info(`malformed input: ${routes.length} routes, ${tried} requests`);
    expect(failures).toEqual([]);
  });

  it('refuses repeated keys on the sign-in form with a French 400 that keeps the form: the problem in the summary, the email typed, never the password', async () => {
    const client = new TestClient(t.app);
    await client.get('/connexion');
    const res = await client.post('/connexion', { email: ['a@example.fr', 'b@example.fr'], password: 'secret-typed' });
    expect(res.statusCode).toBe(400);
    const text = textOf(res.body);
    expect(res.body).toMatch(/<title>Erreur : /);
    expect(text).toContain('Le formulaire contient une erreur');
    expect(text).toContain('Le champ « email » a été envoyé plusieurs fois');
    expect(text).toContain('Rien n’a été enregistré');
    expect(res.body).toMatch(/<form[^>]*action="\/connexion"/);
    expect(res.body).toMatch(/<input[^>]*name="email"[^>]*value="a@example.fr"|<input[^>]*value="a@example.fr"[^>]*name="email"/);
    expect(res.body).not.toContain('secret-typed');
    // the form still works: the right password signs in
    const retry = await client.post('/connexion', { email: 'demo.particulier@example.fr', password: DEMO_PASSWORD });
    expect(retry.statusCode).toBe(303);
  });

  it('refuses at once a body or a query string of one key repeated tens of thousands of times (a 256 kB body held a node for minutes), then serves the next visitor', async () => {
    const client = new TestClient(t.app);
    await client.get('/agents/connexion');
    const body = `_csrf=${encodeURIComponent(client.csrfToken())}&${'a=b&'.repeat(64_000)}`;
    const res = await raw(client, 'POST', '/agents/connexion', body, 'application/x-www-form-urlencoded');
    expect(res.statusCode).toBe(413);
    expect(textOf(res.body)).toContain('Le formulaire contient plus de champs que ce service n’en attend');
    const query = await raw(clients.anonymous, 'GET', `/aide?${'q=a&'.repeat(3_700)}`);
    expect(query.statusCode).toBe(413);
    expect(textOf(query.body)).toContain('plus de champs que ce service n’en attend');
    // a form of ordinary size with a checkbox group sent several times is still read whole
    expect(parseUrlEncoded(`${'c=B&'.repeat(499)}d=1`)).toEqual({ c: Array(499).fill('B'), d: '1' });
    expect(() => checkRecord(parseUrlEncoded('x=1&'.repeat(501)), 100, ['x'])).toThrow(/too_many_fields/);
    const next = await raw(clients.anonymous, 'GET', '/');
    expect(next.statusCode).toBe(200);
  });

  it('shows the error page with a link back when a refused form has no page of its own', async () => {
    const client = clients.user;
    await client.get('/vehicules/demandes/nouvelle');
    const res = await raw(client, 'POST', '/deconnexion', `_csrf=${encodeURIComponent(client.csrfToken())}&x=1&x=2`, 'application/x-www-form-urlencoded');
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain('Le champ « x » a été envoyé plusieurs fois');
    expect(res.body).not.toContain('Revenir au formulaire');
  });

  it('refuses a NUL byte in a search with a French 400 instead of a database error', async () => {
    for (const [client, url] of [
      [clients.anonymous, '/aide?q=a%00b'],
      [clients.centre, '/agents/vehicules?q=a%00b'],
    ] as const) {
      const res = await raw(client, 'GET', url);
      expect(res.statusCode, url).toBe(400);
      expect(textOf(res.body)).toMatch(/Le champ « q » contient un caract\p{L}re non autoris\p{L}/u);
    }
  });

  it('refuses repeated search terms on the help and the back-office lists', async () => {
    for (const [client, url] of [
      [clients.anonymous, '/aide?q=a&q=b'],
      [clients.centre, '/agents/vehicules?q=a&q=b'],
    ] as const) {
      const res = await raw(client, 'GET', url);
      expect(res.statusCode, url).toBe(400);
      expect(textOf(res.body)).toContain('Le champ « q » a été envoyé plusieurs fois');
    }
  });

  it('still accepts the fields a form sends several times on purpose (a checkbox group: the licence categories)', async () => {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    const file = await startRequest(client, 'title_exam');
    await client.get(`/permis/demandes/${file}/etape/precisions`);
    const res = await client.post(`/permis/demandes/${file}/etape/precisions`, { categories: ['A2', 'B'], neph: '' });
    expect(res.statusCode).toBe(303);
    // the same field twice elsewhere on that form is refused
    await client.get(`/permis/demandes/${file}/etape/precisions`);
    const twice = await client.post(`/permis/demandes/${file}/etape/precisions`, { categories: 'B', neph: ['1', '2'] });
    expect(twice.statusCode).toBe(400);
    expect(textOf(twice.body)).toContain('Le champ « neph » a été envoyé plusieurs fois');
  });

  it('answers hostile values generated by fast-check on the sign-in and search forms in French, never a 5xx', async () => {
    const hostile = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 64 }),
      fc.string({ unit: 'grapheme', maxLength: 64 }),
      fc.constantFrom('\u0000', 'a\u0000', '\uD800', '\uFFFD', '\u001b[31m', "'; drop table accounts; --", '<script>alert(1)</script>', '%00', '%FF', 'x'.repeat(30_000)),
    );
    const failures: string[] = [];
    let runs = 0;
    await clients.anonymous.get('/connexion');
    const token = clients.anonymous.csrfToken();
    await fc.assert(
      fc.asyncProperty(fc.array(hostile, { minLength: 1, maxLength: 3 }), fc.constantFrom('email', 'password', 'q', 'code'), async (values, field) => {
        runs++;
        const client = clients.anonymous;
        const form = new URLSearchParams([['_csrf', token], ...values.map((v) => [field, v] as [string, string])]);
        assertHandled(await raw(client, 'POST', '/connexion', form.toString(), 'application/x-www-form-urlencoded'), `POST /connexion ${field}=${JSON.stringify(values).slice(0, 60)}`, failures);
        const query = values.map((v) => `${field}=${encodeURIComponent(v.replace(/[\uD800-\uDFFF]/g, ''))}`).join('&');
        assertHandled(await raw(client, 'GET', `/aide?${query}`), `GET /aide?${query.slice(0, 60)}`, failures);
        assertHandled(await raw(clients.centre, 'GET', `/agents/vehicules?${query}`), `GET /agents/vehicules?${query.slice(0, 60)}`, failures);
        return failures.length === 0;
      }),
      { numRuns: 60, seed: 20261201 },
    );
    console.info(`fast-check: ${runs} runs × 3 routes`);
    expect(failures).toEqual([]);
  });

  it('refuses a broken multipart body in French, never a 5xx', async () => {
    const client = clients.user;
    await client.get('/contact');
    const { payload, contentType } = multipartBody({ _csrf: client.csrfToken(), subject: 'x' }, [{ field: 'attachment', filename: 'a.pdf', bytes: Buffer.from('%PDF-1.4') }]);
    const failures: string[] = [];
    for (const [what, body, type] of [
      ['truncated', payload.subarray(0, payload.length - 20), contentType],
      ['no boundary', payload, 'multipart/form-data'],
      ['wrong boundary', payload, 'multipart/form-data; boundary=nothere'],
    ] as const)
      assertHandled(await raw(client, 'POST', '/contact', body, type), `POST /contact (${what} multipart)`, failures);
    expect(failures).toEqual([]);
    const long = multipartBody({ _csrf: client.csrfToken(), subject: 'x', message: 'x'.repeat(100_000) }, []);
    const res = await raw(client, 'POST', '/contact', long.payload, long.contentType);
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain('Le champ « message » est trop long');
  });
});
