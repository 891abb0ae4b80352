import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AdaptiveLimit } from './admission-limit.ts';
import { addressGroup, WaitingQueue } from './waiting-queue.ts';

/**
 * Admission control ("salle d'attente"). Past a limit of requests in progress on this node (at most
 * `maxConcurrent`, lowered while admitted pages get slower than `targetMs`: admission-limit.ts),
 * a newcomer's page is not computed: the newcomer gets a light waiting page (503, Retry-After and an
 * HTTP Refresh header that reloads it without JavaScript — the header rather than a <meta> refresh,
 * which RGAA 13.1.2 and axe refuse, with a link that stops and resumes it), so that the people
 * already inside keep fast pages instead of everyone timing out together.
 *
 * Always served, whatever the load:
 * - signed-in users (asked, by the cookie's indexed session id, only when the node is full): a signed
 *   cookie alone is no pass, since anyone gets one from the sign-in form and can keep it;
 * - payment returns and notifications (/paiement/…, the simulated provider's page);
 * - the back office (/agents), static assets, /healthz and /metrics.
 *
 * The always-served routes take no place (an outsider could otherwise fill the node with slow
 * requests to /agents/connexion); signed-in users do, being the load the waiting room protects.
 * The server's time limits (app.ts, HTTP_REQUEST_TIMEOUT_SECONDS) cut a request whose body trickles;
 * for someone not signed in, the body must arrive within `anonymousBodySeconds` (10 s). Once the node
 * is half full, one address holds at most `activePerAddress` places among requests not known to be
 * signed in: slow requests from one machine cannot fill the node.
 *
 * The count is per node (a process's own requests in progress, freed on `onResponse` or
 * `onRequestAbort`): each node protects itself, and a
 * load balancer spreads the newcomers. See docs/decisions/0023-start-memory-and-admission.md.
 *
 * Those sent to wait are queued in arrival order (waiting-queue.ts, per node, in memory) and shown
 * their position. A place that frees up goes to the front of the queue: a visitor is let in when
 * fewer people wait before them than the places free now plus those expected to free up before
 * their next reload (admissions per second × reload delay), so that places are not left empty
 * while the front reloads, and newcomers wait behind the queue. A visitor is recognised across
 * reloads by address, browser (User-Agent) and languages: the waiting page writes no cookie. One
 * address (IPv6: one /64) holds at most `queuePerAddress` places; past them, its newcomers get the
 * waiting page without a place, so one machine varying its User-Agent cannot push real visitors back.
 */
export interface AdmissionOptions {
  /** requests in progress on this node past which newcomers wait, at most; 0 turns admission control off */
  maxConcurrent: number;
  /**
   * the latency (ms) the slowest tenth of admitted requests should stay under: the limit adapts
   * between a few requests and maxConcurrent to keep it (admission-limit.ts); 0: fixed at maxConcurrent
   */
  targetMs: number;
  /** seconds before the waiting page reloads itself (Retry-After) */
  retrySeconds: number;
  /** places one client address (IPv6: one /64) may hold in the queue */
  queuePerAddress: number;
  /** once the node is half full, places one address may hold among the requests in progress of people not signed in */
  activePerAddress: number;
  /** seconds within which the body of a POST from someone not signed in must have arrived */
  anonymousBodySeconds: number;
  /** the session cookie's name (signed with @fastify/cookie) */
  sessionCookie: string;
  /** the waiting page's HTML (the portal's: ui/pages/waiting-room.tsx); whether it is paused is read from the URL */
  waitingPage: (wait: WaitingPageView) => string;
  /**
   * Whether the session of this cookie id is signed in (asked only when the node is full): a
   * signed cookie alone proves nothing, since every visitor of the sign-in form gets one.
   */
  isSignedIn: (sessionId: string) => Promise<boolean>;
}

/** The query parameter that stops the automatic reload (RGAA 13.1.1: the user controls a refresh). */
export const PAUSE_PARAMETER = 'attente';

/** What the waiting page shows. */
export interface WaitingPageView {
  /** the page the visitor asked for (path and query), reloaded when a place frees up */
  url: string;
  retrySeconds: number;
  /** null while there is no admission to estimate it from */
  estimatedWaitSeconds: number | null;
  /** the visitor's place in this node's queue (1: next to enter); null when the queue is full */
  position: number | null;
  /** how long a place is kept without a reload */
  keptSeconds: number;
  /** the visitor stopped the automatic reload (PAUSE_PARAMETER in the URL) */
  paused: boolean;
}

export interface AdmissionStats {
  inFlight: number;
  /** the limit now (adapted to the latency, at most maxConcurrent) */
  limit: number;
  admitted: number;
  waited: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    admission: { stats(): AdmissionStats & { queued: number }; estimatedWaitSeconds(): number | null };
  }
}

const ALWAYS_SERVED = /^\/(assets\/|healthz$|metrics$|favicon\.ico$|agents(?:[/?]|$)|paiement(?:[/?-]|$))/;

const COUNTED = Symbol('admission.counted');
const ADMITTED_AT = Symbol('admission.admittedAt');
/** the address group whose count of places held by people not signed in this request adds to */
const ANONYMOUS_GROUP = Symbol('admission.anonymousGroup');
const BODY_TIMER = Symbol('admission.bodyTimer');
type Counted = FastifyRequest & { [COUNTED]?: boolean; [ADMITTED_AT]?: number; [ANONYMOUS_GROUP]?: string; [BODY_TIMER]?: NodeJS.Timeout };

const HAS_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Whether a newcomer not signed in must wait because their address already holds enough places:
 * only once the node is half full (on a quiet node, many people behind one shared address — a
 * carrier's NAT, an office — are all served), then at most `perAddress` places per address.
 */
export function mustWaitForAddress(inFlight: number, limit: number, heldByAddress: number, perAddress: number): boolean {
  return 2 * inFlight >= limit && heldByAddress >= perAddress;
}

/** The adaptive limit never goes under this many requests at once (nor over maxConcurrent). */
const LIMIT_FLOOR = 4;

/** Seconds of history behind the waiting-time estimate. */
const WINDOW_SECONDS = 30;

/** Per-second counters over the last WINDOW_SECONDS seconds: newcomers admitted and newcomers sent to wait. */
class RateWindow {
  private readonly admitted = new Array<number>(WINDOW_SECONDS).fill(0);
  private readonly waited = new Array<number>(WINDOW_SECONDS).fill(0);
  private second = 0;

  private advance(now: number): number {
    const s = Math.floor(now / 1000);
    if (s - this.second >= WINDOW_SECONDS) {
      this.admitted.fill(0);
      this.waited.fill(0);
    } else {
      for (let t = this.second + 1; t <= s; t++) {
        this.admitted[t % WINDOW_SECONDS] = 0;
        this.waited[t % WINDOW_SECONDS] = 0;
      }
    }
    this.second = Math.max(this.second, s);
    return s % WINDOW_SECONDS;
  }
  admit(now: number): void {
    this.admitted[this.advance(now)]! += 1;
  }
  wait(now: number): void {
    this.waited[this.advance(now)]! += 1;
  }
  /** Newcomers let in per second, over the window. */
  admittedPerSecond(now: number): number {
    this.advance(now);
    return this.admitted.reduce((x, y) => x + y, 0) / WINDOW_SECONDS;
  }
}

/** Seconds before the visitor at this position gets in, at the recent rate of admissions (null: no admission to judge from). */
function estimateFor(position: number, admittedPerSecond: number): number | null {
  return admittedPerSecond === 0 ? null : Math.round(position / admittedPerSecond);
}

/** Who is waiting, across reloads, without a cookie: address, browser and languages. */
function visitorKey(request: FastifyRequest): string {
  return createHash('sha256').update(`${request.ip}\n${request.headers['user-agent'] ?? ''}\n${request.headers['accept-language'] ?? ''}`).digest('base64url').slice(0, 22);
}

function wantsHtml(request: FastifyRequest): boolean {
  const accept = String(request.headers.accept ?? '');
  return /\btext\/html\b/.test(accept);
}

function sessionIdOf(request: FastifyRequest, cookieName: string): string | null {
  const raw = request.cookies?.[cookieName];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : null;
}

/** Registered after @fastify/cookie (signed cookies) and helmet (the waiting page's headers). */
export const admissionPlugin = fp(async (app: FastifyInstance, opts: AdmissionOptions) => {
  let inFlight = 0;
  /** address group → places held by requests in progress not known to be signed in */
  const anonymousHeld = new Map<string, number>();
  let admitted = 0;
  let waited = 0;
  const rates = new RateWindow();
  const limit = new AdaptiveLimit({ max: opts.maxConcurrent, floor: LIMIT_FLOOR, targetMs: opts.targetMs });
  // a place not reloaded for three reload periods (at least a minute) is given up
  const queue = new WaitingQueue(Math.max(60, 3 * opts.retrySeconds) * 1000, opts.queuePerAddress);

  app.decorate('admission', {
    stats: () => ({ inFlight, limit: limit.current(), admitted, waited, queued: queue.size }),
    estimatedWaitSeconds: () => estimateFor(queue.size + 1, rates.admittedPerSecond(Date.now())),
  });

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url;
    const now = Date.now();
    const always = ALWAYS_SERVED.test(path);
    const sessionId = sessionIdOf(request, opts.sessionCookie);
    // whether the cookie's session is signed in: asked (one indexed read) only when it decides something
    let signedIn = (sessionId === null ? false : null) as boolean | null;
    const isSignedIn = async () => (signedIn ??= await opts.isSignedIn(sessionId!));
    let key: string | null = null;
    let group: string | null = null;
    let mustWait = false;
    if (!always && opts.maxConcurrent > 0) {
      queue.prune(now);
      key = visitorKey(request);
      group = addressGroup(request.ip);
      const free = limit.current() - inFlight;
      const position = queue.position(key);
      const ahead = position === null ? queue.size : position - 1;
      // the places free now, and those expected to free up before the next reload of the waiting page
      const window = free + Math.floor(rates.admittedPerSecond(now) * opts.retrySeconds);
      mustWait = free <= 0 || ahead >= window;
      if (mustWait) limit.full();
      // once the node is half full, one address (IPv6: one /64) holds at most activePerAddress places
      // for people not signed in: slow requests from one machine cannot fill the node
      else if (mustWaitForAddress(inFlight, limit.current(), anonymousHeld.get(group) ?? 0, opts.activePerAddress)) mustWait = !(await isSignedIn());
    }
    // when someone must wait, only a signed-in session goes in (a signed cookie alone proves nothing:
    // anyone gets one from the sign-in form, and can keep it)
    const exempt = always || (mustWait ? await isSignedIn() : sessionId !== null);
    if (mustWait && !exempt) {
      waited++;
      rates.wait(now);
      const position = queue.wait(key!, request.ip, now);
      const retry = String(opts.retrySeconds);
      reply.code(503).header('retry-after', retry).header('cache-control', 'no-store').header('x-admission', 'waiting-room');
      if (!wantsHtml(request)) return reply.type('text/plain; charset=utf-8').send(`Service très demandé : réessayez dans ${retry} secondes.\n`);
      const paused = new URLSearchParams(path.split('?')[1] ?? '').has(PAUSE_PARAMETER);
      if (!paused) reply.header('refresh', retry);
      const page = opts.waitingPage({
        url: path,
        retrySeconds: opts.retrySeconds,
        position,
        keptSeconds: Math.max(60, 3 * opts.retrySeconds),
        estimatedWaitSeconds: estimateFor(position ?? queue.size + 1, rates.admittedPerSecond(now)),
        paused,
      });
      return reply.type('text/html; charset=utf-8').send(page);
    }
    if (always) return; // served without taking a place
    const counted = request as Counted;
    inFlight++;
    counted[COUNTED] = true;
    counted[ADMITTED_AT] = performance.now();
    if (group !== null && signedIn !== true) {
      counted[ANONYMOUS_GROUP] = group;
      anonymousHeld.set(group, (anonymousHeld.get(group) ?? 0) + 1);
    }
    if (key) queue.leave(key);
    if (!exempt) {
      admitted++;
      rates.admit(now);
    }
    if (signedIn !== true && HAS_BODY.has(request.method)) cutSlowBody(request, sessionId);
  });
  // the place is freed once the response is sent, or when the client goes away before it (counted once)
  app.addHook('onResponse', async (request) => release(request));
  app.addHook('onRequestAbort', async (request) => release(request));
  function release(request: FastifyRequest): void {
    const counted = request as Counted;
    clearTimeout(counted[BODY_TIMER]);
    if (!counted[COUNTED]) return;
    counted[COUNTED] = false;
    inFlight--;
    const group = counted[ANONYMOUS_GROUP];
    if (group !== undefined) {
      const held = (anonymousHeld.get(group) ?? 1) - 1;
      if (held > 0) anonymousHeld.set(group, held);
      else anonymousHeld.delete(group);
    }
    limit.record(performance.now() - counted[ADMITTED_AT]!, Date.now());
  }

  /**
   * A body from someone not signed in must have arrived within anonymousBodySeconds (the server's
   * own limit, HTTP_REQUEST_TIMEOUT_SECONDS, is long enough for a signed-in user's upload): past it,
   * a 408 and the connection closed, as Node does for its own limits. Whether the cookie is signed
   * in is asked only then, for the few bodies still arriving.
   */
  function cutSlowBody(request: FastifyRequest, sessionId: string | null): void {
    const raw = request.raw;
    const timer = setTimeout(async () => {
      if (raw.complete) return;
      if (sessionId !== null && (await opts.isSignedIn(sessionId).catch(() => false))) return;
      const socket = raw.socket;
      if (raw.complete || socket.destroyed) return;
      request.log.info({ afterSeconds: opts.anonymousBodySeconds }, 'anonymous request body too slow: connection closed');
      socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n', () => socket.destroy());
    }, opts.anonymousBodySeconds * 1000);
    timer.unref();
    (request as Counted)[BODY_TIMER] = timer;
    raw.once('end', () => clearTimeout(timer));
  }
});
