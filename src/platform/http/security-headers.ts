import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet from 'helmet';
import type { Config } from '../../config.ts';

/**
 * The origins a form of ours may lead to besides our own (Chromium applies `form-action` to the
 * redirects that follow a POST): the configured PayFiP payment page (the "Payer" form answers with
 * a redirect there) and the configured FranceConnect provider (the sign-out form redirects to its
 * logout endpoint). Exactly those, from the config; nothing else.
 */
export function formActionOrigins(config: Config): string[] {
  const urls = [config.franceConnect.issuer, ...(config.payment.kind === 'payfip' ? [config.payment.paymentUrl] : [])];
  return [...new Set(urls.map((url) => new URL(url).origin))];
}

/** Strict CSP: only our own origin, no inline script or style, no framing; forms may lead to PayFiP and FranceConnect. */
export function contentSecurityPolicy(config: Config): Record<string, string[] | null> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'", ...formActionOrigins(config)],
    'frame-ancestors': ["'none'"],
    ...(config.isProduction ? { 'upgrade-insecure-requests': [] } : {}),
  };
}

/**
 * Helmet's security headers on every answer (CSP above, HSTS in production, same-origin referrer,
 * nosniff, frame and cross-origin policies), its middleware built once per process: @fastify/helmet
 * built it again, parsing the CSP, for every request.
 */
export const securityHeadersPlugin = fp(async (app: FastifyInstance, opts: { config: Config }) => {
  const { config } = opts;
  const apply = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(config) },
    strictTransportSecurity: config.isProduction ? { maxAge: 63_072_000, includeSubDomains: true, preload: true } : false,
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', (request, reply, done) => apply(request.raw, reply.raw, () => done())); // helmet 8 throws, never passes an error
});
