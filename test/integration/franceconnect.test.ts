import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFranceConnectClient,
  FranceConnectError,
  type FranceConnectClient,
  type FranceConnectLoginStart,
} from '../../src/platform/oidc/franceconnect-client.ts';
import { SIMULATOR_IDENTITIES } from '../../src/web/franceconnect-simulator.tsx';
import { createTestApp, textOf, type TestApp } from '../helpers/app.ts';
import { injectFetch } from '../helpers/inject-fetch.ts';

/** A browser over app.inject: keeps cookies, follows redirects by hand. */
class Browser {
  private cookies = new Map<string, string>();
  constructor(private readonly app: FastifyInstance) {}

  async request(method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = { accept: 'text/html' };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await this.app.inject({ method, url, headers, ...(form ? { payload: new URLSearchParams(form).toString() } : {}) });
    for (const c of res.cookies as { name: string; value: string; maxAge?: number }[]) {
      if (c.value === '' || c.maxAge === 0) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }

  /** Follows redirects (relative or absolute) until a response that is not one. */
  async follow(res: LightMyRequestResponse, base: string, stopAt?: string): Promise<{ res: LightMyRequestResponse; url: string }> {
    let url = base;
    while (res.statusCode >= 300 && res.statusCode < 400) {
      url = new URL(String(res.headers.location), url).href;
      if (stopAt && url.startsWith(stopAt)) return { res, url };
      res = await this.request('GET', url);
    }
    return { res, url };
  }
}

function formOf(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error('no form on the page');
  const fields = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  return { action: action.replace(/&amp;/g, '&'), fields };
}

describe('FranceConnect: the client against the built-in simulator', () => {
  let t: TestApp;
  let fc: FranceConnectClient;
  let redirectUri: string;

  beforeAll(async () => {
    t = await createTestApp();
    fc = createFranceConnectClient(t.app.config.franceConnect, { fetch: injectFetch(t.app) });
    redirectUri = t.app.config.franceConnect.redirectUri;
  });
  afterAll(() => t.close());

  /** startLogin → authorization → login page → the identity chosen (or Annuler) → back at the redirect URI. */
  async function signIn(
    identityId: string | 'annulation',
    client = fc,
    browser = new Browser(t.app),
  ): Promise<{ start: FranceConnectLoginStart; callback: URL; loginPage: string }> {
    const start = await client.startLogin();
    const { res: page, url: pageUrl } = await browser.follow(await browser.request('GET', start.url), start.url);
    expect(page.statusCode).toBe(200);
    const form = formOf(page.body);
    const choice: Record<string, string> = identityId === 'annulation' ? { action: 'annulation' } : { identite: identityId, action: 'connexion' };
    const posted = await browser.request('POST', new URL(form.action, pageUrl).href, choice);
    expect(posted.statusCode).toBe(303);
    const { url } = await browser.follow(posted, pageUrl, redirectUri);
    return { start, callback: new URL(url), loginPage: page.body };
  }

  async function identityOf(identityId: string) {
    const { start, callback } = await signIn(identityId);
    return fc.finishLogin(callback, start);
  }

  it('starts an authorization code flow with PKCE, long random state and nonce, and acr_values=eidas1', async () => {
    const start = await fc.startLogin();
    const url = new URL(start.url);
    expect(url.href.startsWith(`${t.app.config.franceConnect.issuer}/`)).toBe(true);
    expect(url.searchParams.get('acr_values')).toBe('eidas1');
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('scope')).toBe(
      'openid given_name family_name birthdate gender birthplace birthcountry email preferred_username',
    );
    expect(url.searchParams.get('state')).toBe(start.state);
    expect(url.searchParams.get('nonce')).toBe(start.nonce);
    expect(start.state.length).toBeGreaterThanOrEqual(22);
    expect(start.nonce.length).toBeGreaterThanOrEqual(22);
    expect((await fc.startLogin()).state).not.toBe(start.state);
  });

  it('the login page says it is a simulator and lists every test identity', async () => {
    const { loginPage } = await signIn('camille-martin');
    const text = textOf(loginPage);
    expect(text).toContain('Simulateur FranceConnect — environnement de démonstration, aucune donnée réelle');
    for (const identity of SIMULATOR_IDENTITIES) expect(text).toContain(identity.label);
    expect(text).toContain('Se connecter avec cette identité');
    expect(text).toContain('Annuler');
    expect(loginPage).not.toMatch(/<script|style=/);
  });

  it('returns the identité pivot of a simple adult, with an ES256 ID token carrying acr eidas1', async () => {
    const { identity, idToken } = await identityOf('camille-martin');
    expect(identity).toEqual({
      sub: expect.stringMatching(/^[0-9a-f]{64}$/),
      given_name: 'Camille',
      family_name: 'Martin',
      birthdate: '1985-03-12',
      gender: 'female',
      birthplace: '75056',
      birthcountry: '99100',
      email: 'camille.martin@example.fr',
    });
    expect(decodeProtectedHeader(idToken).alg).toBe('ES256');
    const claims = decodeJwt(idToken);
    expect(claims.acr).toBe('eidas1');
    expect(claims.sub).toBe(identity.sub);
    expect(claims.iss).toBe(t.app.config.franceConnect.issuer);
  });

  it('keeps compound names, an empty birthplace for a person born abroad, a presumed birthdate as is, a minor’s birthdate', async () => {
    const compound = (await identityOf('jean-baptiste-de-la-fontaine-dupont')).identity;
    expect(compound).toMatchObject({ given_name: 'Jean-Baptiste Marie', family_name: 'de La Fontaine-Dupont', preferred_username: 'Dupont' });

    const abroad = (await identityOf('lucia-garcia-fernandez')).identity;
    expect(abroad).toMatchObject({ given_name: 'Lucía', family_name: 'García Fernández', birthplace: '', birthcountry: '99134', birthdate: '1992-11-00' });

    const minor = (await identityOf('leo-petit')).identity;
    expect(minor.birthdate).toBe(`${new Date().getFullYear() - 16}-01-01`);

    const demo = (await identityOf('dominique-bernard')).identity;
    expect(demo.email).toBe('demo.particulier@example.fr');
  });

  it('gives the same pairwise sub to the same identity at every sign-in, and different subs to different identities', async () => {
    const first = (await identityOf('camille-martin')).identity.sub;
    const again = (await identityOf('camille-martin')).identity.sub;
    const other = (await identityOf('leo-petit')).identity.sub;
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    expect(first).not.toContain('camille');
  });

  it('asks for an identity at every sign-in, even in a browser already signed in at the simulator', async () => {
    const browser = new Browser(t.app);
    const first = await signIn('camille-martin', fc, browser);
    const second = await signIn('leo-petit', fc, browser);
    expect((await fc.finishLogin(first.callback, first.start)).identity.given_name).toBe('Camille');
    expect((await fc.finishLogin(second.callback, second.start)).identity.given_name).toBe('Léo');
  });

  async function failureOf(promise: Promise<unknown>): Promise<FranceConnectError> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FranceConnectError);
    return error as FranceConnectError;
  }

  it('refuses a response whose state was tampered with', async () => {
    const { start, callback } = await signIn('tampered-state');
    expect(callback.searchParams.get('state')).not.toBe(start.state);
    const error = await failureOf(fc.finishLogin(callback, start));
    expect(error.code).toBe('state_mismatch');
    expect(error.message).toBe('La connexion avec FranceConnect a échoué. Réessayez ou créez un compte avec votre adresse électronique.');
  });

  it('refuses a response for another sign-in (state of another attempt)', async () => {
    const { start, callback } = await signIn('camille-martin');
    const error = await failureOf(fc.finishLogin(callback, { ...start, state: (await fc.startLogin()).state }));
    expect(error.code).toBe('state_mismatch');
  });

  it('reports the provider as unavailable when its userinfo endpoint fails', async () => {
    const { start, callback } = await signIn('userinfo-500');
    const error = await failureOf(fc.finishLogin(callback, start));
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/^FranceConnect est momentanément indisponible/);
  });

  it('refuses a UserInfo response without sub', async () => {
    const { start, callback } = await signIn('missing-sub');
    const error = await failureOf(fc.finishLogin(callback, start));
    expect(error.code).toBe('invalid_response');
  });

  it('refuses an ID token whose nonce is not the one sent', async () => {
    const { start, callback } = await signIn('camille-martin');
    const error = await failureOf(fc.finishLogin(callback, { ...start, nonce: (await fc.startLogin()).nonce }));
    expect(error.code).toBe('invalid_response');
  });

  it('refuses a code exchanged with another PKCE verifier', async () => {
    const { start, callback } = await signIn('camille-martin');
    const error = await failureOf(fc.finishLogin(callback, { ...start, codeVerifier: (await fc.startLogin()).codeVerifier }));
    expect(error.code).toBe('provider_error');
  });

  /** A client whose HTTP responses from `path` have the signature of their JWT (`pick`) altered. */
  function clientAltering(path: string, pick: (body: string) => string | null): FranceConnectClient {
    const real = injectFetch(t.app);
    const altered: typeof fetch = async (input, init) => {
      const res = await real(input, init);
      if (!new Request(input).url.endsWith(path)) return res;
      let body = await res.text();
      const jwt = pick(body);
      if (jwt) body = body.replace(jwt, `${jwt.slice(0, -6)}${jwt.slice(-6).split('').reverse().join('')}`);
      return new Response(body, { status: res.status, headers: res.headers });
    };
    return createFranceConnectClient(t.app.config.franceConnect, { fetch: altered });
  }

  it('refuses an ID token or a UserInfo response whose signature does not verify', async () => {
    for (const [path, pick] of [
      ['/token', (body: string) => (JSON.parse(body) as { id_token?: string }).id_token ?? null],
      ['/me', (body: string) => body],
    ] as const) {
      const client = clientAltering(path, pick);
      const { start, callback } = await signIn('camille-martin', client);
      const error = await failureOf(client.finishLogin(callback, start));
      expect(error.code).toBe('invalid_response');
    }
  });

  it('reports a cancelled sign-in as access_denied', async () => {
    const { start, callback } = await signIn('annulation');
    expect(callback.searchParams.get('error')).toBe('access_denied');
    const error = await failureOf(fc.finishLogin(callback, start));
    expect(error.code).toBe('access_denied');
    expect(error.message).toBe('Vous avez annulé la connexion avec FranceConnect.');
  });

  it('asks again for an identity when none was chosen', async () => {
    const start = await fc.startLogin();
    const browser = new Browser(t.app);
    const { res: page, url } = await browser.follow(await browser.request('GET', start.url), start.url);
    const res = await browser.request('POST', new URL(formOf(page.body).action, url).href, { action: 'connexion' });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain('Choisissez une identité de test.');
    expect(res.body).toContain('<title>Erreur : ');
  });

  it('logs out at the simulator’s end_session endpoint and comes back to the post-logout redirect URI', async () => {
    const { start, callback } = await signIn('camille-martin');
    const { idToken } = await fc.finishLogin(callback, start);
    const logoutUrl = new URL(await fc.logoutUrl(idToken, 'etat-de-deconnexion'));
    expect(`${logoutUrl.origin}${logoutUrl.pathname}`).toBe(`${t.app.config.franceConnect.issuer}/session/end`);
    expect(logoutUrl.searchParams.get('id_token_hint')).toBe(idToken);
    expect(logoutUrl.searchParams.get('post_logout_redirect_uri')).toBe(t.app.config.franceConnect.postLogoutRedirectUri);

    const browser = new Browser(t.app);
    const page = await browser.request('GET', logoutUrl.href);
    expect(page.statusCode).toBe(200);
    const form = formOf(page.body);
    const confirmed = await browser.request('POST', new URL(form.action, logoutUrl).href, form.fields);
    expect(confirmed.statusCode).toBe(303);
    const back = new URL(String(confirmed.headers.location));
    expect(`${back.origin}${back.pathname}`).toBe(t.app.config.franceConnect.postLogoutRedirectUri);
    expect(back.searchParams.get('state')).toBe('etat-de-deconnexion');
  });

  it('publishes discovery with ES256 keys and a signed userinfo', async () => {
    const res = await t.app.inject({ url: 'http://localhost:3000/fc-simulateur/.well-known/openid-configuration' });
    expect(res.statusCode).toBe(200);
    const discovery = res.json<Record<string, unknown>>();
    expect(discovery.issuer).toBe(t.app.config.franceConnect.issuer);
    expect(discovery.subject_types_supported).toEqual(['pairwise']);
    expect(discovery.acr_values_supported).toEqual(['eidas1']);
    const jwks = (await t.app.inject({ url: String(discovery.jwks_uri) })).json<{ keys: Record<string, unknown>[] }>();
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'EC', crv: 'P-256', alg: 'ES256' })]);
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });
});
