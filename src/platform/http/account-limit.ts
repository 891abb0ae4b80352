import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { trackAnswers, whenLeftEarly } from './left-early.ts';

/**
 * Requests in progress per signed-in account, and a floor on the rate of a signed-in body.
 *
 * The waiting room (admission.ts) lets every signed-in request in, whatever the load, and its caps
 * per address and on an anonymous body's time apply only to people not signed in. Without more, one
 * signed-in citizen could fill the node alone: twenty uploads trickling one byte every few seconds,
 * or the same PDF asked for in sixteen loops. So:
 * - one account (a citizen's, or an agent's) has at most `perAccount` requests in progress on this
 *   node; the next ones get a short French page (429, Retry-After; a GET's page links to the same
 *   address to retry it) written without reading anything, and a body not yet read closes the
 *   connection rather than being read for nothing;
 * - a signed-in request's body must keep arriving at `bodyFloorBytesPerSecond` at least, judged over
 *   windows of `bodyWindowSeconds` (the socket's bytes read in the window): slower, it is cut (408,
 *   connection closed) as an anonymous body past its time is. A real upload, even on a poor mobile
 *   connection, sends far more than the floor.
 * Static assets and probes carry no session: they are never counted. Per node, in memory: the counts
 * are freed on the response or when the client goes away.
 */
export interface AccountLimitOptions {
  /** requests in progress one account may hold on this node; 0 turns the cap off */
  perAccount: number;
  /** the Retry-After of the refusal (seconds) */
  retrySeconds: number;
  /** the window over which a signed-in body's rate is judged (seconds) */
  bodyWindowSeconds: number;
  /** the rate under which a signed-in body is cut (bytes per second, judged per window) */
  bodyFloorBytesPerSecond: number;
  /** the account the request's session is signed in to (`user:12`, `agent:3`), null when none */
  accountOf: (request: FastifyRequest) => string | null;
  /** the refusal's HTML (no database read: it is what a flood gets) */
  busyPage: (view: { retryUrl: string | null; retrySeconds: number }) => string;
}

export interface AccountLimitStats {
  /** accounts with requests in progress now */
  accounts: number;
  refused: number;
  /** signed-in bodies cut for arriving under the floor */
  slowBodiesCut: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    accountLimit: { stats(): AccountLimitStats };
  }
}

const HELD = Symbol('accountLimit.held');
const BODY_TIMER = Symbol('accountLimit.bodyTimer');
type Held = FastifyRequest & { [HELD]?: string; [BODY_TIMER]?: NodeJS.Timeout };

const HAS_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** The asked path on this site (never another origin: "//host"), for the retry link. */
function localUrl(url: string): string {
  return url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\') ? url : '/';
}

/** Registered after the session plugin (the account is read from the request's session). */
export const accountLimitPlugin = fp(async (app: FastifyInstance, opts: AccountLimitOptions) => {
  trackAnswers(app);
  const held = new Map<string, number>();
  let refused = 0;
  let slowBodiesCut = 0;
  app.decorate('accountLimit', { stats: () => ({ accounts: held.size, refused, slowBodiesCut }) });

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const account = opts.accountOf(request);
    if (account === null) return;
    if (opts.perAccount > 0) {
      const count = held.get(account) ?? 0;
      if (count >= opts.perAccount) {
        refused++;
        const retry = String(opts.retrySeconds);
        reply.code(429).header('retry-after', retry).header('cache-control', 'no-store').header('x-account-limit', 'busy');
        // a body still to come is not read for nothing: the connection closes after the answer
        if (HAS_BODY.has(request.method) && !request.raw.complete) reply.header('connection', 'close');
        const retryUrl = request.method === 'GET' || request.method === 'HEAD' ? localUrl(request.url) : null;
        return reply.type('text/html; charset=utf-8').send(opts.busyPage({ retryUrl, retrySeconds: opts.retrySeconds }));
      }
      held.set(account, count + 1);
      (request as Held)[HELD] = account;
      // given back once: on the answer (onResponse), on a client gone while its body arrived
      // (onRequestAbort), or for a client gone after sending its whole body (left-early.ts)
      whenLeftEarly(request, reply, () => release(request));
    }
    if (HAS_BODY.has(request.method) && !request.raw.complete) watchBodyRate(request);
  });
  app.addHook('onResponse', async (request) => release(request));
  app.addHook('onRequestAbort', async (request) => release(request));

  function release(request: FastifyRequest): void {
    const counted = request as Held;
    clearInterval(counted[BODY_TIMER]);
    const account = counted[HELD];
    if (account === undefined) return;
    counted[HELD] = undefined;
    const count = (held.get(account) ?? 1) - 1;
    if (count > 0) held.set(account, count);
    else held.delete(account);
  }

  /** Each window, the socket must have read floor × window bytes more, or the body has ended: else 408 and closed. */
  function watchBodyRate(request: FastifyRequest): void {
    const raw = request.raw;
    const socket = raw.socket;
    const needed = opts.bodyFloorBytesPerSecond * opts.bodyWindowSeconds;
    let readAtStart = socket.bytesRead;
    const timer = setInterval(() => {
      if (raw.complete || socket.destroyed) return clearInterval(timer);
      const read = socket.bytesRead - readAtStart;
      readAtStart = socket.bytesRead;
      if (read >= needed) return;
      clearInterval(timer);
      slowBodiesCut++;
      request.log.info({ bytesInWindow: read, windowSeconds: opts.bodyWindowSeconds }, 'corps de requête d’un compte connecté trop lent : connexion fermée');
      socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n', () => socket.destroy());
    }, opts.bodyWindowSeconds * 1000);
    timer.unref();
    (request as Held)[BODY_TIMER] = timer;
    raw.once('end', () => clearInterval(timer));
  }
});
