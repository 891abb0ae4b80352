import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as oidc from 'openid-client';
import type { Config } from '../../config.ts';
import type { IdentitePivot } from './identity.ts';

export type { IdentitePivot };

export type FranceConnectErrorCode = 'state_mismatch' | 'provider_error' | 'access_denied' | 'invalid_response' | 'unavailable';

/** A failed FranceConnect sign-in; `message` is French and can be shown as is. */
export class FranceConnectError extends Error {
  constructor(
    readonly code: FranceConnectErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FranceConnectError';
  }
}

export interface FranceConnectLoginStart {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface FranceConnectClient {
  startLogin(): Promise<FranceConnectLoginStart>;
  finishLogin(
    callbackUrl: URL,
    expected: { state: string; nonce: string; codeVerifier: string },
  ): Promise<{ identity: IdentitePivot; idToken: string }>;
  logoutUrl(idToken: string, state: string): Promise<string>;
}

export const FRANCECONNECT_SCOPE = 'openid given_name family_name birthdate gender birthplace birthcountry email preferred_username';
export const FRANCECONNECT_ACR = 'eidas1';

const FAILED = 'La connexion avec FranceConnect a échoué. Réessayez ou créez un compte avec votre adresse électronique.';
const CANCELLED = 'Vous avez annulé la connexion avec FranceConnect.';
const UNAVAILABLE =
  'FranceConnect est momentanément indisponible. Réessayez dans quelques minutes ou créez un compte avec votre adresse électronique.';

const REQUIRED_CLAIMS = ['given_name', 'family_name', 'birthdate', 'gender', 'birthcountry', 'email'] as const;
const BIRTHDATE = /^\d{4}-\d{2}-\d{2}$/;
const FRANCE = '99100';

/** 32 random bytes, base64url: 43 characters. */
const randomToken = (): string => randomBytes(32).toString('base64url');

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** The identity from a verified UserInfo response, or an error naming what is missing. */
export function toIdentitePivot(claims: Record<string, unknown>): IdentitePivot {
  const missing: string[] = REQUIRED_CLAIMS.filter((name) => !isNonEmptyString(claims[name]));
  if (!isNonEmptyString(claims.sub)) missing.push('sub');
  // Only a person born abroad may have no birthplace.
  if (typeof claims.birthplace !== 'string' || (claims.birthplace === '' && claims.birthcountry === FRANCE))
    missing.push('birthplace');
  if (typeof claims.birthdate === 'string' && !BIRTHDATE.test(claims.birthdate)) missing.push('birthdate');
  if (claims.preferred_username !== undefined && typeof claims.preferred_username !== 'string')
    missing.push('preferred_username');
  if (missing.length)
    throw new FranceConnectError('invalid_response', FAILED, { cause: new Error(`identité pivot incomplète : ${missing.join(', ')}`) });
  const c = claims as Record<string, string>;
  return {
    sub: c.sub!,
    given_name: c.given_name!,
    family_name: c.family_name!,
    birthdate: c.birthdate!,
    gender: c.gender!,
    birthplace: c.birthplace!,
    birthcountry: c.birthcountry!,
    email: c.email!,
    ...(isNonEmptyString(c.preferred_username) ? { preferred_username: c.preferred_username } : {}),
  };
}

/** Maps whatever openid-client (or the network) threw to a FranceConnectError. */
function toFranceConnectError(error: unknown): FranceConnectError {
  if (error instanceof FranceConnectError) return error;
  const options = { cause: error };
  if (error instanceof oidc.AuthorizationResponseError)
    return error.error === 'access_denied'
      ? new FranceConnectError('access_denied', CANCELLED, options)
      : new FranceConnectError('provider_error', FAILED, options);
  if (error instanceof oidc.ResponseBodyError)
    return new FranceConnectError(error.status >= 500 ? 'unavailable' : 'provider_error', error.status >= 500 ? UNAVAILABLE : FAILED, options);
  if (error instanceof oidc.WWWAuthenticateChallengeError) return new FranceConnectError('provider_error', FAILED, options);
  if (error instanceof oidc.ClientError) {
    // An unexpected HTTP status carries the Response as its cause.
    const status = error.cause instanceof Response ? error.cause.status : 0;
    if (status >= 500 || status === 429) return new FranceConnectError('unavailable', UNAVAILABLE, options);
    if (status) return new FranceConnectError('provider_error', FAILED, options);
    return new FranceConnectError('invalid_response', FAILED, options);
  }
  // fetch() rejects with a TypeError when the provider cannot be reached.
  return new FranceConnectError('unavailable', UNAVAILABLE, options);
}

/**
 * The portal as a FranceConnect relying party: authorization code flow with PKCE, state, nonce and
 * acr_values=eidas1; ID token and signed UserInfo verified (ES256) against the provider's keys.
 */
export function createFranceConnectClient(
  config: Config['franceConnect'],
  opts: { fetch?: typeof fetch } = {},
): FranceConnectClient {
  const issuer = new URL(config.issuer);
  const insecure = issuer.protocol === 'http:';
  let discovered: Promise<oidc.Configuration> | null = null;

  function configuration(): Promise<oidc.Configuration> {
    discovered ??= oidc
      .discovery(
        issuer,
        config.clientId,
        {
          client_secret: config.clientSecret,
          redirect_uris: [config.redirectUri],
          post_logout_redirect_uris: [config.postLogoutRedirectUri],
          id_token_signed_response_alg: 'ES256',
          userinfo_signed_response_alg: 'ES256',
        },
        oidc.ClientSecretPost(config.clientSecret),
        {
          // http:// only for the simulator in development and tests, never for a real provider.
          execute: [oidc.enableNonRepudiationChecks, ...(insecure ? [oidc.allowInsecureRequests] : [])],
          ...(opts.fetch ? { [oidc.customFetch]: opts.fetch as oidc.CustomFetch } : {}),
        },
      )
      .catch((error: unknown) => {
        discovered = null; // try again on the next sign-in
        throw toFranceConnectError(error);
      });
    return discovered;
  }

  return {
    async startLogin() {
      const server = await configuration();
      const state = randomToken();
      const nonce = randomToken();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const url = oidc.buildAuthorizationUrl(server, {
        redirect_uri: config.redirectUri,
        scope: FRANCECONNECT_SCOPE,
        acr_values: FRANCECONNECT_ACR,
        state,
        nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
      });
      return { url: url.href, state, nonce, codeVerifier };
    },

    async finishLogin(callbackUrl, expected) {
      const params = callbackUrl.searchParams;
      // Checked first: a response we did not ask for is refused before anything else is read from it.
      if (!sameString(params.get('state') ?? '', expected.state))
        throw new FranceConnectError('state_mismatch', FAILED, { cause: new Error('state mismatch') });
      const error = params.get('error');
      if (error === 'access_denied') throw new FranceConnectError('access_denied', CANCELLED);
      if (error) throw new FranceConnectError('provider_error', FAILED, { cause: new Error(`${error}: ${params.get('error_description') ?? ''}`) });

      const server = await configuration();
      // The redirect URI is the registered one, whatever host or proxy the callback came through.
      const response = new URL(config.redirectUri);
      response.search = params.toString();
      try {
        const tokens = await oidc.authorizationCodeGrant(server, response, {
          expectedState: expected.state,
          expectedNonce: expected.nonce,
          pkceCodeVerifier: expected.codeVerifier,
          idTokenExpected: true,
        });
        const idClaims = tokens.claims();
        if (!idClaims || !tokens.id_token) throw new FranceConnectError('invalid_response', FAILED, { cause: new Error('no ID token') });
        if (idClaims.acr !== FRANCECONNECT_ACR)
          throw new FranceConnectError('invalid_response', FAILED, { cause: new Error(`unexpected acr ${String(idClaims.acr)}`) });
        // fetchUserInfo checks that the UserInfo sub is the ID token's.
        const userinfo = await oidc.fetchUserInfo(server, tokens.access_token, idClaims.sub);
        const identity = toIdentitePivot(userinfo);
        if (identity.sub !== idClaims.sub) throw new FranceConnectError('invalid_response', FAILED, { cause: new Error('sub mismatch') });
        return { identity, idToken: tokens.id_token };
      } catch (caught) {
        throw toFranceConnectError(caught);
      }
    },

    async logoutUrl(idToken, state) {
      const server = await configuration();
      return oidc.buildEndSessionUrl(server, {
        id_token_hint: idToken,
        state,
        post_logout_redirect_uri: config.postLogoutRedirectUri,
      }).href;
    },
  };
}
