import { createHmac, timingSafeEqual } from 'node:crypto';
import { isIPv4 } from 'node:net';
import type { FastifyRequest } from 'fastify';

/**
 * Who may read the dev outbox (decision 0035): it holds every activation and password-reset link,
 * so reading it is taking any account. Allowed:
 * - a request whose TCP peer is a loopback address (this machine: the developer, the test browser)
 *   and that carries no header a reverse proxy adds — behind a proxy on this same machine, every
 *   visitor's socket is 127.0.0.1, and the forwarded address can be anything the visitor wrote;
 * - a browser that opened the link with the outbox's token printed at start (then a cookie): a
 *   demo shown to testers on other machines.
 * Never the address Fastify derives from X-Forwarded-For (TRUST_PROXY=true lets a client choose it).
 */
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip', 'x-forwarded-host', 'via'] as const;

/** The cookie the token link sets: the token itself, sent back with each outbox page. */
export const OUTBOX_COOKIE = 'boite_envoi';

/** Whether an address is this machine's own (127.0.0.0/8, ::1, or 127.x.x.x mapped to IPv6). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
  return plain === '::1' || (isIPv4(plain) && plain.startsWith('127.'));
}

/** The outbox's token: derived from the data folder's secret (the same on every node, never stored). */
export function outboxToken(sessionSecret: string): string {
  return createHmac('sha256', sessionSecret).update('dev-outbox-reader').digest('base64url').slice(0, 32);
}

/** Constant-time comparison of a presented token with the expected one. */
export function isOutboxToken(presented: unknown, token: string): boolean {
  if (typeof presented !== 'string' || presented.length !== token.length) return false;
  return timingSafeEqual(Buffer.from(presented), Buffer.from(token));
}

/** From this machine, with no proxy in between. */
export function fromThisMachine(request: FastifyRequest): boolean {
  return isLoopback(request.socket.remoteAddress) && !PROXY_HEADERS.some((name) => request.headers[name] !== undefined);
}

/** Whether this request may read the outbox (see the header). */
export function mayReadOutbox(request: FastifyRequest, token: string): boolean {
  return fromThisMachine(request) || isOutboxToken(request.cookies?.[OUTBOX_COOKIE], token);
}
