import { createECDH, createHash, createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import dsfrPackage from '@gouvfr/dsfr/package.json' with { type: 'json' };
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { ComponentChildren, VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { Config } from '../config.ts';
import { ErrorSummary, RadioGroup } from '../ui/components/form.tsx';
import { SERVICE_NAME } from '../ui/layout.tsx';
import { databaseAdapter } from '../platform/oidc/database-adapter.ts';
import { FRANCECONNECT_ACR, type IdentitePivot } from '../platform/oidc/franceconnect-client.ts';

/** Where the simulator is served; its issuer is `${publicUrl}/fc-simulateur`. */
export const SIMULATOR_PATH = '/fc-simulateur';

export type SimulatorFailure = 'userinfo-500' | 'missing-sub' | 'tampered-state';

export interface SimulatorIdentity {
  /** Account id at the simulator (the client only ever sees a pairwise sub derived from it). */
  id: string;
  label: string;
  /** What this identity is for, shown under its name. */
  description: string;
  claims: Omit<IdentitePivot, 'sub'>;
  /** A faulty provider behaviour, to check that the portal refuses the sign-in. */
  failure?: SimulatorFailure;
}

/** 1 January, sixteen years ago: a person who is 16 all year long. */
const SIXTEEN_YEARS_AGO = `${new Date().getFullYear() - 16}-01-01`;

const CAMILLE = {
  given_name: 'Camille',
  family_name: 'Martin',
  birthdate: '1985-03-12',
  gender: 'female',
  birthplace: '75056',
  birthcountry: '99100',
  email: 'camille.martin@example.fr',
};

/** The test identities offered on the simulator's login page, in this order. */
export const SIMULATOR_IDENTITIES: readonly SimulatorIdentity[] = [
  { id: 'camille-martin', label: 'Camille Martin', description: 'Adulte née à Paris : le cas le plus simple.', claims: CAMILLE },
  {
    id: 'jean-baptiste-de-la-fontaine-dupont',
    label: 'Jean-Baptiste Marie de La Fontaine-Dupont',
    description: 'Prénoms et nom composés, nom d’usage Dupont, né à Lyon.',
    claims: {
      given_name: 'Jean-Baptiste Marie',
      family_name: 'de La Fontaine-Dupont',
      preferred_username: 'Dupont',
      birthdate: '1978-07-01',
      gender: 'male',
      birthplace: '69123',
      birthcountry: '99100',
      email: 'jean-baptiste.delafontaine@example.fr',
    },
  },
  {
    id: 'lucia-garcia-fernandez',
    label: 'Lucía García Fernández',
    description: 'Née en Espagne (pas de commune de naissance), date de naissance présumée 1992-11-00.',
    claims: {
      given_name: 'Lucía',
      family_name: 'García Fernández',
      birthdate: '1992-11-00',
      gender: 'female',
      birthplace: '',
      birthcountry: '99134',
      email: 'lucia.garcia@example.fr',
    },
  },
  {
    id: 'leo-petit',
    label: 'Léo Petit',
    description: 'Mineur de 16 ans.',
    claims: {
      given_name: 'Léo',
      family_name: 'Petit',
      birthdate: SIXTEEN_YEARS_AGO,
      gender: 'male',
      birthplace: '33063',
      birthcountry: '99100',
      email: 'leo.petit@example.fr',
    },
  },
  {
    id: 'dominique-bernard',
    label: 'Dominique Bernard',
    description: 'Même adresse électronique que le compte de démonstration demo.particulier@example.fr (rattachement).',
    claims: {
      given_name: 'Dominique',
      family_name: 'Bernard',
      birthdate: '1970-05-23',
      gender: 'female',
      birthplace: '59350',
      birthcountry: '99100',
      email: 'demo.particulier@example.fr',
    },
  },
  {
    id: 'userinfo-500',
    label: 'Panne du fournisseur',
    description: 'Le point d’accès « userinfo » répond par une erreur 500.',
    claims: { ...CAMILLE, email: 'panne.userinfo@example.fr' },
    failure: 'userinfo-500',
  },
  {
    id: 'missing-sub',
    label: 'Réponse sans identifiant',
    description: 'La réponse « userinfo » ne contient pas d’identifiant (sub).',
    claims: { ...CAMILLE, email: 'sans.identifiant@example.fr' },
    failure: 'missing-sub',
  },
  {
    id: 'tampered-state',
    label: 'Paramètre state modifié',
    description: 'Le retour vers le portail porte un paramètre state falsifié.',
    claims: { ...CAMILLE, email: 'state.modifie@example.fr' },
    failure: 'tampered-state',
  },
];

const IDENTITIES = new Map(SIMULATOR_IDENTITIES.map((identity) => [identity.id, identity]));
const PIVOT_CLAIMS = ['given_name', 'family_name', 'birthdate', 'gender', 'birthplace', 'birthcountry', 'email', 'preferred_username'];
const DSFR = `/assets/dsfr/${dsfrPackage.version}`;
const AUTO_SUBMIT_JS = `${SIMULATOR_PATH}/envoi-automatique.js`;

// ---- the parts of oidc-provider used here -------------------------------------------------------

interface KoaContext {
  req: IncomingMessage;
  method: string;
  path: string;
  status: number;
  type: string;
  body: unknown;
  set(field: string, value: string): void;
  response: { get(field: string): string | number | string[] | undefined };
  oidc?: {
    route: string;
    account?: { accountId: string };
    session?: { accountId?: string; state?: { secret?: string } };
    urlFor(name: string): string;
  };
}
interface Interaction {
  uid: string;
  params: Record<string, unknown>;
}
interface Provider {
  proxy: boolean;
  Grant: new (init: { accountId: string; clientId: string }) => { addOIDCScope(scope: string): void; save(): Promise<string> };
  callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void;
  on(event: 'server_error', listener: (ctx: KoaContext, error: Error) => void): void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
  interactionResult(req: IncomingMessage, res: ServerResponse, result: object, opts?: { mergeWithLastSubmission: boolean }): Promise<string>;
}
type ProviderClass = new (issuer: string, configuration: object) => Provider;
/** oidc-provider (0.4 s of CPU to load) is imported at the simulator's first request, not at start. */
async function loadProviderClass(): Promise<ProviderClass> {
  // oidc-provider ships no type declarations: the few parts used here are typed by hand above.
  // @ts-expect-error TS7016: no declaration file for 'oidc-provider'
  return ((await import('oidc-provider')) as { default: ProviderClass }).default;
}

// ---- keys and identifiers -----------------------------------------------------------------------

function derive(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(`franceconnect-simulator:${purpose}`).digest();
}

/**
 * The ES256 signing key, derived from the session secret: the same across restarts, so ID tokens
 * issued before a restart still verify (logout with id_token_hint). The simulator never runs in production.
 */
async function signingKey(secret: string): Promise<JWK> {
  for (let attempt = 0; ; attempt++) {
    const d = derive(secret, `signing-key:${attempt}`);
    const ecdh = createECDH('prime256v1');
    try {
      ecdh.setPrivateKey(d); // refuses the rare value that is not a valid P-256 scalar
    } catch {
      continue;
    }
    const point = ecdh.getPublicKey(); // 0x04 | x | y
    const jwk: JWK = { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') };
    return { ...jwk, d: d.toString('base64url'), alg: 'ES256', use: 'sig', kid: await calculateJwkThumbprint(jwk) };
  }
}

// ---- pages --------------------------------------------------------------------------------------

function SimulatorPage(props: { title: string; hasErrors?: boolean; children: ComponentChildren; script?: string }) {
  return (
    <html lang="fr" data-fr-scheme="light">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.hasErrors ? 'Erreur : ' : ''}${props.title} - Simulateur FranceConnect`}</title>
        <link rel="stylesheet" href={`${DSFR}/dsfr.min.css`} />
        <link rel="icon" href={`${DSFR}/favicon/favicon.svg`} type="image/svg+xml" />
      </head>
      <body>
        <header role="banner" class="fr-container fr-py-2w">
          <p class="fr-h4 fr-mb-0">Simulateur FranceConnect</p>
        </header>
        <main id="contenu" role="main" class="fr-container fr-pb-6w">
          <div class="fr-alert fr-alert--warning fr-alert--sm fr-mb-4w">
            <p>Simulateur FranceConnect — environnement de démonstration, aucune donnée réelle.</p>
          </div>
          {props.children}
        </main>
        {props.script && <script src={props.script}></script>}
      </body>
    </html>
  );
}

const html = (page: VNode): string => `<!DOCTYPE html>${renderToString(page)}`;

function LoginPage(props: { action: string; error?: string }) {
  const errors: Record<string, string> = props.error ? { identite: props.error } : {};
  return (
    <SimulatorPage title="Choisir une identité" hasErrors={Boolean(props.error)}>
      <ErrorSummary errors={errors} />
      <h1>Connexion avec FranceConnect</h1>
      <p>
        Le service « {SERVICE_NAME} » demande à connaître votre identité. Choisissez l’identité de test avec laquelle
        vous connecter.
      </p>
      <form method="post" action={props.action} noValidate>
        <RadioGroup
          name="identite"
          label="Identité de test"
          error={props.error}
          options={SIMULATOR_IDENTITIES.map((identity) => ({ value: identity.id, label: identity.label, hint: identity.description }))}
        />
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <button type="submit" class="fr-btn" name="action" value="connexion">
              Se connecter avec cette identité
            </button>
          </li>
          <li>
            <button type="submit" class="fr-btn fr-btn--secondary" name="action" value="annulation">
              Annuler
            </button>
          </li>
        </ul>
      </form>
    </SimulatorPage>
  );
}

function MessagePage(props: { title: string; children: ComponentChildren; portalUrl: string }) {
  return (
    <SimulatorPage title={props.title}>
      <h1>{props.title}</h1>
      {props.children}
      <p>
        <a class="fr-link" href={props.portalUrl}>
          Retourner sur le {SERVICE_NAME}
        </a>
      </p>
    </SimulatorPage>
  );
}

// ---- the provider -------------------------------------------------------------------------------

/**
 * A FranceConnect-like OpenID provider (oidc-provider) served by this very app under /fc-simulateur,
 * for development, demonstrations and tests: pairwise subjects, identité pivot claims, acr eidas1,
 * ES256-signed ID tokens and UserInfo, test identities (some faulty) chosen on a login page.
 * Call only when `config.franceConnect.mode === 'simulator'`, before the app is ready.
 */
/** A Set-Cookie value without its Expires and Max-Age attributes (a session cookie). */
export function withoutExpiry(value: number | string | readonly string[]): number | string | string[] {
  const strip = (c: string) => c.replace(/;\s*(expires|max-age)=[^;]*/gi, '');
  return typeof value === 'number' ? value : typeof value === 'string' ? strip(value) : value.map(strip);
}

export async function registerFranceConnectSimulator(app: FastifyInstance, config: Config): Promise<void> {
  const fc = config.franceConnect;
  if (new URL(fc.issuer).pathname !== SIMULATOR_PATH) throw new Error(`the simulator's issuer must be ${config.publicUrl}${SIMULATOR_PATH}`);
  const portalUrl = `${config.publicUrl}/`;
  const pairwiseSalt = derive(config.sessionSecret, 'pairwise').toString('base64url');

  // The provider's cookies carry an absolute Expires computed from the app clock; a browser judges it
  // by its own clock (a demo or a test at a moved APP_CLOCK_START would drop them at once). They are
  // sent as browser-session cookies: the provider's records still expire on the server (adapter's
  // expires_at), which is what enforces the lifetimes.
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith(`${SIMULATOR_PATH}/`)) return;
    const res = reply.raw;
    const setHeader = res.setHeader.bind(res);
    res.setHeader = ((name: string, value: number | string | readonly string[]) =>
      setHeader(name, name.toLowerCase() === 'set-cookie' ? withoutExpiry(value) : value)) as typeof res.setHeader;
  });

  // The provider is made at the simulator's first request (one per process), sparing the start its module.
  let made: Promise<Provider> | null = null;
  const providerInstance = (): Promise<Provider> => (made ??= makeProvider());
  async function makeProvider(): Promise<Provider> {
    const Provider = await loadProviderClass();
    const provider = new Provider(fc.issuer, {
      // sessions, interactions, codes and grants in the database: a sign-in may start on one node and end on another
      adapter: databaseAdapter(app.database.db),
      clients: [
        {
          client_id: fc.clientId,
          client_secret: fc.clientSecret,
          client_name: SERVICE_NAME,
          redirect_uris: [fc.redirectUri],
          post_logout_redirect_uris: [fc.postLogoutRedirectUri],
          response_types: ['code'],
          grant_types: ['authorization_code'],
          token_endpoint_auth_method: 'client_secret_post',
          id_token_signed_response_alg: 'ES256',
          userinfo_signed_response_alg: 'ES256',
          subject_type: 'pairwise',
        },
      ],
      jwks: { keys: [await signingKey(config.sessionSecret)] },
      cookies: {
        keys: [derive(config.sessionSecret, 'cookies').toString('base64url')],
        names: { session: 'fc_sim_session', interaction: 'fc_sim_interaction', resume: 'fc_sim_resume' },
        long: { httpOnly: true, sameSite: 'lax', signed: true },
        short: { httpOnly: true, sameSite: 'lax', signed: true },
      },
      // Each claim of the identité pivot is also a scope of the same name, as at FranceConnect.
      scopes: ['openid', ...PIVOT_CLAIMS],
      claims: { openid: ['sub'], acr: null, auth_time: null, sid: null, ...Object.fromEntries(PIVOT_CLAIMS.map((c) => [c, [c]])) },
      acrValues: [FRANCECONNECT_ACR],
      responseTypes: ['code'],
      subjectTypes: ['pairwise'],
      pkce: { required: () => false },
      async pairwiseIdentifier(ctx: KoaContext, accountId: string, client: { sectorIdentifier: string }) {
        // 'missing-sub': the signed UserInfo response carries no sub at all (the ID token keeps its own).
        if (ctx?.oidc?.route === 'userinfo' && IDENTITIES.get(accountId)?.failure === 'missing-sub') return undefined;
        return createHash('sha256').update(`${client.sectorIdentifier}\n${accountId}\n${pairwiseSalt}`).digest('hex');
      },
      async findAccount(_ctx: KoaContext, id: string) {
        const identity = IDENTITIES.get(id);
        if (!identity) return undefined;
        return { accountId: id, claims: async () => ({ sub: id, ...identity.claims }) };
      },
      interactions: { url: async (_ctx: KoaContext, interaction: Interaction) => `${SIMULATOR_PATH}/interaction/${interaction.uid}` },
      features: {
        devInteractions: { enabled: false },
        jwtUserinfo: { enabled: true },
        rpInitiatedLogout: {
          enabled: true,
          // No real confirmation: a form the script submits at once (a button without JavaScript).
          async logoutSource(ctx: KoaContext) {
            ctx.type = 'html';
            ctx.body = html(
              <SimulatorPage title="Déconnexion" script={AUTO_SUBMIT_JS}>
                <h1>Déconnexion de FranceConnect</h1>
                <form id="deconnexion" method="post" action={ctx.oidc!.urlFor('end_session_confirm')}>
                  <input type="hidden" name="xsrf" value={ctx.oidc!.session?.state?.secret ?? ''} />
                  <input type="hidden" name="logout" value="yes" />
                  <button type="submit" class="fr-btn">
                    Se déconnecter et revenir sur le service
                  </button>
                </form>
              </SimulatorPage>,
            );
          },
          async postLogoutSuccessSource(ctx: KoaContext) {
            ctx.type = 'html';
            ctx.body = html(
              <MessagePage title="Vous êtes déconnecté" portalUrl={portalUrl}>
                <p>Vous êtes déconnecté du simulateur FranceConnect.</p>
              </MessagePage>,
            );
          },
        },
      },
      ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 3600, Interaction: 900, Session: 3600, Grant: 3600 },
      clientBasedCORS: () => false,
      async renderError(ctx: KoaContext, out: { error?: string; error_description?: string }) {
        ctx.type = 'html';
        ctx.body = html(
          <MessagePage title="Erreur du simulateur FranceConnect" portalUrl={portalUrl}>
            <p>La demande n’a pas pu être traitée.</p>
            <p class="fr-text--sm">
              Code : {out.error ?? 'inconnu'}
              {out.error_description ? ` — ${out.error_description}` : ''}
            </p>
          </MessagePage>,
        );
      },
    });
    provider.proxy = config.trustProxy !== false; // the simulator reads only the protocol and host behind a proxy
    provider.on('server_error', (_ctx, error) => app.log.error({ err: error }, 'simulateur FranceConnect : erreur'));

    const sessionCookie = /(?:^|;\s*)fc_sim_session(?:\.sig)?=[^;]*/g;
    provider.use(async (ctx, next) => {
      // No single sign-on: the authorization request and its resumption ignore any earlier simulator
      // session, so an identity is chosen at every sign-in and switching identities needs no logout step.
      if (ctx.method === 'GET' && /^\/auth(\/|$)/.test(ctx.path) && ctx.req.headers.cookie)
        ctx.req.headers.cookie = ctx.req.headers.cookie.replace(sessionCookie, '');
      await next();
      // Faulty behaviours of the test identities, applied to the provider's own responses.
      if (ctx.oidc?.route === 'userinfo' && IDENTITIES.get(ctx.oidc.account?.accountId ?? '')?.failure === 'userinfo-500') {
        ctx.status = 500;
        ctx.type = 'json';
        ctx.body = { error: 'server_error', error_description: 'panne simulée' };
      }
      const location = ctx.oidc?.route === 'resume' ? ctx.response.get('location') : undefined;
      if (
        typeof location === 'string' &&
        location.startsWith(`${fc.redirectUri}?`) &&
        IDENTITIES.get(ctx.oidc?.session?.accountId ?? '')?.failure === 'tampered-state'
      ) {
        const url = new URL(location);
        url.searchParams.set('state', `${url.searchParams.get('state') ?? ''}-modifie`);
        ctx.set('location', url.href);
      }
    });
    return provider;
  }

  // Login page: Fastify routes, so the form body is parsed as usual.
  const interactionRoute = `${SIMULATOR_PATH}/interaction/:uid`;
  const noCsrf = { config: { csrf: false } };

  async function interaction(request: FastifyRequest<{ Params: { uid: string } }>, reply: FastifyReply): Promise<Interaction | null> {
    try {
      const details = await (await providerInstance()).interactionDetails(request.raw, reply.raw);
      if (details.uid === request.params.uid) return details;
    } catch {
      // no interaction cookie, or an expired interaction: same page below
    }
    await reply
      .code(400)
      .type('text/html; charset=utf-8')
      .send(
        html(
          <MessagePage title="Demande de connexion expirée" portalUrl={portalUrl}>
            <p>Cette demande de connexion a expiré ou n’existe pas. Retournez sur le service et recommencez.</p>
          </MessagePage>,
        ),
      );
    return null;
  }

  const loginAction = (details: Interaction) => `${SIMULATOR_PATH}/interaction/${details.uid}`;

  app.get<{ Params: { uid: string } }>(interactionRoute, async (request, reply) => {
    const details = await interaction(request, reply);
    if (!details) return reply;
    return reply.type('text/html; charset=utf-8').send(html(<LoginPage action={loginAction(details)} />));
  });

  app.post<{ Params: { uid: string }; Body: { identite?: string; action?: string } }>(interactionRoute, noCsrf, async (request, reply) => {
    const details = await interaction(request, reply);
    if (!details) return reply;
    const provider = await providerInstance();
    if (request.body?.action === 'annulation') {
      const cancelled = { error: 'access_denied', error_description: 'L’usager a annulé la connexion.' };
      return reply.redirect(await provider.interactionResult(request.raw, reply.raw, cancelled, { mergeWithLastSubmission: false }), 303);
    }
    const identity = IDENTITIES.get(request.body?.identite ?? '');
    if (!identity)
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(html(<LoginPage action={loginAction(details)} error="Choisissez une identité de test." />));
    // Consent is implied: every scope asked for is granted.
    const grant = new provider.Grant({ accountId: identity.id, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope ?? 'openid'));
    const result = { login: { accountId: identity.id, acr: FRANCECONNECT_ACR, amr: ['pwd'], remember: false }, consent: { grantId: await grant.save() } };
    return reply.redirect(await provider.interactionResult(request.raw, reply.raw, result, { mergeWithLastSubmission: false }), 303);
  });

  app.get(AUTO_SUBMIT_JS, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').send("document.getElementById('deconnexion').submit();\n"),
  );

  // Everything else goes to oidc-provider, with the raw request: no body parser may read it first.
  let callback: ReturnType<Provider['callback']> | null = null;
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.all(`${SIMULATOR_PATH}/*`, noCsrf, async (request, reply) => {
      reply.hijack();
      const raw = request.raw as IncomingMessage & { originalUrl?: string; baseUrl?: string };
      const url = raw.url ?? '/';
      raw.originalUrl = url;
      raw.baseUrl = SIMULATOR_PATH;
      raw.url = url.slice(SIMULATOR_PATH.length) || '/';
      try {
        callback ??= (await providerInstance()).callback();
        await callback(raw, reply.raw);
      } finally {
        raw.url = url;
      }
    });
  });
}
