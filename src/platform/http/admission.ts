import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AddressBudget } from './address-budget.ts';
import { AdaptiveLimit } from './admission-limit.ts';
import type { AdmissionServer } from './admission-server.ts';
import { trackAnswers, whenLeftEarly } from './left-early.ts';
import { LoopDelay } from './loop-delay.ts';
import { announcesMoreThan, hasBody, mayEchoPost, readBodyUpTo, REPOST_MAX_BYTES, REPOST_READ_MS, repostForm, type RepostForm } from './repost.ts';
import { madeAtSignIn } from './session.ts';
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
 * - a payment's way back (isPaymentReturn: the return page, the simulated provider's page of a
 *   well-formed attempt id, the provider's notifications), within its address's budget while the node
 *   is busy; anything else under /paiement… follows the usual rules;
 * - a well-formed return from FranceConnect (isFranceConnectReturn: a person in the middle of signing
 *   in) and the built-in simulator's pages and endpoints (isFranceConnectWay), the same way, with
 *   their own budget;
 * - the back office (/agents), static assets, /healthz and /metrics; but not the agents' password
 *   post (isAgentSignInPost), which takes a place like the citizens' sign-in.
 *
 * The always-served routes take no place (an outsider could otherwise fill the node with slow
 * requests to /agents/connexion); signed-in users do, being the load the waiting room protects.
 * The server's time limits (app.ts, HTTP_REQUEST_TIMEOUT_SECONDS) cut a request whose body trickles;
 * for someone not signed in, the body must arrive within `anonymousBodySeconds` (10 s). Once the node
 * is half full, one address holds at most `activePerAddress` places among requests not known to be
 * signed in: slow requests from one machine cannot fill the node.
 *
 * The count is per node (a process's own requests in progress, freed on `onResponse`,
 * `onRequestAbort` or the response's `close`, once): each node protects itself, and a
 * load balancer spreads the newcomers. See docs/decisions/0023-start-memory-and-admission.md.
 *
 * Those sent to wait are queued in arrival order (waiting-queue.ts, per node, in memory); the page
 * says only whether a place is kept for them, never a rank nor a time (ui/pages/waiting-room.tsx). A place that frees up goes to the front of the queue: a visitor is let in when
 * fewer people wait before them than the places free now plus those expected to free up before
 * their next reload (admissions per second × reload delay), so that places are not left empty
 * while the front reloads, and newcomers wait behind the queue. A visitor is recognised across
 * reloads by address, browser (User-Agent) and languages: the waiting page writes no cookie. One
 * address (IPv6: one /64) holds at most `queuePerAddress` places; past them, its newcomers get the
 * waiting page without a place, so one machine varying its User-Agent cannot push real visitors back.
 *
 * **An overloaded node** (the count above never sees it: under overload each request waits in the
 * sockets and the event loop *before* Fastify, then takes a few milliseconds): while the event loop
 * runs more than `maxLoopDelayMs` late (loop-delay.ts), newcomers are not let in either, then only a
 * share of them while the loop stays on time (halved at each late timer that kept a newcomer waiting,
 * grown back at each timer on time). The loop is watched from when the server listens, with everyone
 * let in: the node's own start is not overload. Those
 * without a validly signed session cookie are answered in the HTTP server's own request listener
 * (admission-server.ts), before any routing, hook or body read, with the waiting page prepared once
 * when the server starts listening (the very answer Fastify gives, headers included, the asked URL
 * spliced into its two links): a few bytes written, so that shedding costs far less than a page.
 * The others (a signed cookie, maybe signed in) go on to the rules above, where only a signed-in
 * session is let in. No place in the queue is given while the node is overloaded (the queue orders
 * the places the count frees up; an overloaded node frees none it can promise).
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
  /** the event loop's delay (ms) past which the node counts as overloaded and newcomers wait; 0: not watched */
  maxLoopDelayMs: number;
  /** the HTTP server whose request listener the waiting room answers in first (absent: only through Fastify's hooks) */
  server?: AdmissionServer;
  /** the session cookie's name (signed with @fastify/cookie) */
  sessionCookie: string;
  /** the waiting page's HTML (the portal's: ui/pages/waiting-room.tsx); whether it is paused is read from the URL */
  waitingPage: (wait: WaitingPageView) => string;
  /**
   * Whether the session of this cookie id is signed in (asked only when the node is full): a
   * signed cookie alone proves nothing, since every visitor of the sign-in form gets one. Given the
   * request, so that the session read may serve the rest of it (app.ts).
   */
  isSignedIn: (sessionId: string, request: FastifyRequest) => Promise<boolean>;
}

/** The query parameter that stops the automatic reload (RGAA 13.1.1: the user controls a refresh). */
export const PAUSE_PARAMETER = 'attente';

/** What the waiting page shows. */
export interface WaitingPageView {
  /** the page the visitor asked for (path and query), reloaded when a place frees up */
  url: string;
  retrySeconds: number;
  /** whether this node's queue keeps a place for the visitor (not when the queue or their address's share is full) */
  hasPlace: boolean;
  /** how long a place is kept without a reload */
  keptSeconds: number;
  /** the visitor stopped the automatic reload (PAUSE_PARAMETER in the URL) */
  paused: boolean;
  /** the node is overloaded (its event loop runs late): no place is given */
  overloaded: boolean;
  /** a shed form post: its fields, to post again to `url` when the visitor asks (repost.ts); no automatic reload then */
  repost?: RepostForm;
}

/** The URL without, or with, the parameter that stops the automatic reload. */
export function withPause(url: string, paused: boolean): string {
  const [path = '/', query = ''] = url.split('?', 2) as [string?, string?];
  const params = new URLSearchParams(query);
  params.delete(PAUSE_PARAMETER);
  if (paused) params.set(PAUSE_PARAMETER, 'manuelle');
  const rest = params.toString();
  return rest ? `${path}?${rest}` : path;
}

export interface AdmissionStats {
  inFlight: number;
  /** the limit now (adapted to the latency, at most maxConcurrent) */
  limit: number;
  admitted: number;
  waited: number;
  /** of those sent to wait, answered in the server's request listener (overloaded node) */
  waitedEarly: number;
  /** how late the event loop runs now (ms) */
  loopDelayMs: number;
  /** the share of newcomers let in now (1: all; 0: the loop is late), from the loop's delay */
  share: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    admission: {
      stats(): AdmissionStats & { queued: number };
      /** the rank of this visitor (address, User-Agent, languages) in this node's queue (1: next), null when not queued: for operators and tests, never shown */
      queuePosition(visitor: { ip: string; userAgent?: string; acceptLanguage?: string }): number | null;
    };
  }
}

const ALWAYS_SERVED = /^\/(assets\/|healthz$|metrics$|favicon\.ico$|agents(?:[/?]|$))/;
const BACK_OFFICE = /^\/agents(?:[/?]|$)/;
const AGENT_SIGN_IN = /^\/agents\/connexion(?:\?|$)/;

/**
 * The agents' password post (its argon2 hash takes tens of milliseconds of a core) is no
 * always-served request: like the citizens' sign-in it takes a place, once its body has arrived (a
 * slow body holds no place), and is sent to wait on a full or overloaded node unless signed in.
 * Only one such post from someone not signed in goes in at a time past a full node, within its
 * address's back-office budget: agents can still sign in while citizens fill the node, and a flood
 * of it hashes one password at a time.
 */
function isAgentSignInPost(method: string | undefined, url: string): boolean {
  return method === 'POST' && AGENT_SIGN_IN.test(url);
}

/** Served whatever the load, without taking a place (see the plugin's comment). */
function isAlwaysServed(method: string | undefined, url: string): boolean {
  return ALWAYS_SERVED.test(url) && !isAgentSignInPost(method, url);
}

/** The simulated provider's page of one attempt: its id is 12 random bytes in base64url (simulated-provider.tsx). */
const SIMULATED_PAYMENT = /^\/paiement-simule\/[A-Za-z0-9_-]{16}(?:\?|$)/;
/** Where a provider sends a paying user back (GET), and where it notifies the portal, server to server (POST). */
const PAYMENT_RETURN = /^\/paiement\/retour(?:\?|$)/;
const PAYMENT_NOTIFICATION = /^\/paiement\/notification(?:\/payfip)?(?:\?|$)/;

/**
 * Whether a request is a payment's way back, always served (with its address's budget while the node
 * is busy): the return page, the simulated provider's page of a well-formed attempt id, the provider's
 * notifications. Anything else under /paiement… (a made-up id, another path) follows the usual rules.
 */
export function isPaymentReturn(method: string | undefined, url: string): boolean {
  if (method === 'GET' || method === 'HEAD') return PAYMENT_RETURN.test(url) || SIMULATED_PAYMENT.test(url);
  if (method === 'POST') return SIMULATED_PAYMENT.test(url) || PAYMENT_NOTIFICATION.test(url);
  return false;
}

/** Where FranceConnect sends a person back in the middle of signing in (GET). */
const FRANCECONNECT_RETURN = /^\/connexion\/franceconnect\/retour\?/;
/** The portal's state is 32 random bytes in base64url (franceconnect-client.ts); a code or an error is a short token. */
const FRANCECONNECT_STATE = /^[A-Za-z0-9_-]{43}$/;
const FRANCECONNECT_TOKEN = /^[A-Za-z0-9._~+/=-]{1,512}$/;

/**
 * Whether a request is a well-formed return from FranceConnect (a GET with a state of the portal's
 * shape, and a code or an error): a person in the middle of signing in, served like a payment's way
 * back (with its address's budget while the node is busy). Anything else follows the usual rules.
 */
export function isFranceConnectReturn(method: string | undefined, url: string): boolean {
  if ((method !== 'GET' && method !== 'HEAD') || !FRANCECONNECT_RETURN.test(url)) return false;
  const params = new URLSearchParams(url.slice(url.indexOf('?') + 1));
  const answer = params.get('code') ?? params.get('error');
  return FRANCECONNECT_STATE.test(params.get('state') ?? '') && answer !== null && FRANCECONNECT_TOKEN.test(answer);
}

/**
 * The built-in FranceConnect simulator (outside production, web/franceconnect-simulator.tsx): the
 * pages a person signing in goes through, and the endpoints the portal itself calls (its token,
 * keys, user info), which would otherwise be shed on a busy node and fail the sign-in.
 */
const FRANCECONNECT_SIMULATOR = /^\/fc-simulateur\//;

/** A sign-in under way through FranceConnect: its well-formed return, or the built-in simulator. */
export function isFranceConnectWay(method: string | undefined, url: string): boolean {
  return isFranceConnectReturn(method, url) || FRANCECONNECT_SIMULATOR.test(url);
}

/**
 * While the node is busy, payments' ways back spend a budget per address group, whoever asks (no
 * session read): a payment takes three of them (the provider's page, its form, the return), so ten at
 * once then one a second let payers through, while a flood from one machine is shed.
 */
const PAYMENT_BURST = 10;
const PAYMENT_PER_SECOND = 1;

/**
 * The same for a sign-in through FranceConnect (its return, and the built-in simulator's pages and
 * endpoints: about nine requests for one sign-in with the simulator, one with the real provider).
 */
const FRANCECONNECT_BURST = 20;
const FRANCECONNECT_PER_SECOND = 2;

/**
 * While the node is busy (overloaded, or full), the back office's requests from people not signed in
 * (its sign-in pages) spend a budget per address group: an agent's sign-in takes four requests, so
 * ten at once then one a second let agents in, while a flood from one machine is shed.
 */
const BACK_OFFICE_BURST = 10;
const BACK_OFFICE_PER_SECOND = 1;

const COUNTED = Symbol('admission.counted');
const ADMITTED_AT = Symbol('admission.admittedAt');
/** the address group whose count of places held by people not signed in this request adds to */
const ANONYMOUS_GROUP = Symbol('admission.anonymousGroup');
const BODY_TIMER = Symbol('admission.bodyTimer');
/** the place an agents' sign-in post takes once its body has arrived */
const TAKE_ONCE_READ = Symbol('admission.takeOnceRead');
/** an agents' sign-in post from someone not signed in, let in past a full node (one at a time) */
const AGENT_LANE = Symbol('admission.agentLane');
type Counted = FastifyRequest & {
  [COUNTED]?: boolean;
  [ADMITTED_AT]?: number;
  [ANONYMOUS_GROUP]?: string;
  [BODY_TIMER]?: NodeJS.Timeout;
  [TAKE_ONCE_READ]?: () => void;
  [AGENT_LANE]?: boolean;
};

const HAS_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** What is read (and dropped, unless echoed) of a body sent on a socket over the cap before the answer closes it. */
const OVER_CAP_READ_BYTES = 64 * 1024;

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

/** Seconds of history behind the rate of admissions (how many places free up before a reload). */
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

/** Who is waiting, across reloads, without a cookie: address, browser and languages. */
function visitorKey(ip: string, userAgent: string | undefined, acceptLanguage: string | undefined): string {
  return createHash('sha256').update(`${ip}\n${userAgent ?? ''}\n${acceptLanguage ?? ''}`).digest('base64url').slice(0, 22);
}

function wantsHtml(accept: string | string[] | undefined): boolean {
  return /\btext\/html\b/.test(String(accept ?? ''));
}

/** The URL the waiting page's links lead back to: the asked path on this site, never another origin ("//host"). */
function localUrl(url: string): string {
  return url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\') ? url : '/';
}

function escapeAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The header with which the plugin asks itself for its overloaded waiting page (with this process's secret token). */
const TEMPLATE_HEADER = 'x-admission-template';
/** Where the asked URL goes in the prepared page: rendered only, never requested. */
const URL_MARK = '/salle-d-attente-modele';
/** Headers of one response, not of the prepared answer. */
const PER_RESPONSE = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'x-request-id']);

/** One answer prepared once and written as is: the page's bytes cut where its links carry the asked URL. */
interface PreparedAnswer {
  status: number;
  headers: OutgoingHttpHeaders;
  /** the bytes between the links (one more than the links) */
  parts: Buffer[];
  /** for each link, whether it stops the automatic reload (the other resumes it, or retries) */
  links: boolean[];
}

function prepareAnswer(status: number, headers: Record<string, unknown>, body: Buffer): PreparedAnswer {
  const kept: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!PER_RESPONSE.has(name) && value !== undefined) kept[name] = value as string | string[];
  const text = body.toString('utf8');
  const parts: Buffer[] = [];
  const links: boolean[] = [];
  let from = 0;
  for (const m of text.matchAll(/href="([^"]*)"/g)) {
    const value = m[1]!;
    if (!value.startsWith(URL_MARK)) continue;
    if (value === escapeAttribute(withPause(URL_MARK, false))) links.push(false);
    else if (value === escapeAttribute(withPause(URL_MARK, true))) links.push(true);
    else throw new Error(`waiting page: unexpected link ${value}`);
    const start = m.index + 'href="'.length;
    parts.push(Buffer.from(text.slice(from, start)));
    from = start + value.length;
  }
  parts.push(Buffer.from(text.slice(from)));
  return { status, headers: kept, parts, links };
}

/** The waiting page for a browser, its paused form, and the short text for anything else. */
interface PreparedAnswers {
  page: PreparedAnswer;
  pausedPage: PreparedAnswer;
  plain: PreparedAnswer;
}

/** The prepared page with the asked URL in its links. */
function fillAnswer(answer: PreparedAnswer, url: string): Buffer {
  if (answer.links.length === 0) return answer.parts[0]!;
  const chunks: Buffer[] = [answer.parts[0]!];
  answer.links.forEach((paused, i) => chunks.push(Buffer.from(escapeAttribute(withPause(url, paused))), answer.parts[i + 1]!));
  return Buffer.concat(chunks);
}

function sessionIdOf(request: FastifyRequest, cookieName: string): string | null {
  const raw = request.cookies?.[cookieName];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : null;
}

/** Registered after @fastify/cookie (signed cookies) and helmet (the waiting page's headers). */
export const admissionPlugin = fp(async (app: FastifyInstance, opts: AdmissionOptions) => {
  trackAnswers(app);
  let inFlight = 0;
  /** address group → places held by requests in progress not known to be signed in */
  const anonymousHeld = new Map<string, number>();
  let admitted = 0;
  let waited = 0;
  const rates = new RateWindow();
  const limit = new AdaptiveLimit({ max: opts.maxConcurrent, floor: LIMIT_FLOOR, targetMs: opts.targetMs });
  // a place not reloaded for three reload periods (at least a minute) is given up
  const queue = new WaitingQueue(Math.max(60, 3 * opts.retrySeconds) * 1000, opts.queuePerAddress);
  const keptSeconds = Math.max(60, 3 * opts.retrySeconds);
  // a place whose visitor has not reloaded within a reload period and a half: free places do not wait for it
  const liveMs = 1.5 * opts.retrySeconds * 1000;
  // the event loop's delay: watched only when the waiting room is on, and from when the server
  // listens (the node's own start — modules, database, routes — keeps no client waiting)
  const loopDelay = new LoopDelay(opts.maxLoopDelayMs);
  const watchLoop = opts.maxConcurrent > 0 && opts.maxLoopDelayMs > 0;
  if (watchLoop) {
    app.addHook('onListen', async () => loopDelay.start());
    app.addHook('onClose', async () => loopDelay.stop());
  }
  // one newcomer asking (signed cookie or not): false while the loop is late, then for a share of them (loop-delay.ts)
  const overloaded = () => watchLoop && !loopDelay.admitNewcomer();
  let waitedEarly = 0;
  /** newcomers the early answer already let in (their share of the admissions is taken) */
  const letInEarly = new WeakSet<IncomingMessage>();
  const templateToken = randomBytes(24).toString('base64url');
  const backOfficeBudget = new AddressBudget(BACK_OFFICE_BURST, BACK_OFFICE_PER_SECOND);
  const paymentBudget = new AddressBudget(PAYMENT_BURST, PAYMENT_PER_SECOND);
  const franceConnectBudget = new AddressBudget(FRANCECONNECT_BURST, FRANCECONNECT_PER_SECOND);
  /** overloaded (the loop late, or only a share of newcomers let in) or full */
  const busy = () => (watchLoop && loopDelay.admittedFraction() < 1) || (opts.maxConcurrent > 0 && inFlight >= limit.current());

  app.decorate('admission', {
    stats: () => ({ inFlight, limit: limit.current(), admitted, waited, waitedEarly, loopDelayMs: watchLoop ? loopDelay.current() : 0, share: watchLoop ? loopDelay.admittedFraction() : 1, queued: queue.size }),
    queuePosition: (visitor: { ip: string; userAgent?: string; acceptLanguage?: string }) => queue.position(visitorKey(visitor.ip, visitor.userAgent, visitor.acceptLanguage)),
  });

  async function sendWaitingPage(request: FastifyRequest, reply: FastifyReply, position: number | null, overloadedNode: boolean) {
    const retry = String(opts.retrySeconds);
    reply.code(503).header('retry-after', retry).header('cache-control', 'no-store').header('x-admission', 'waiting-room');
    // a form posted by a browser: its fields come back in a form posted again on demand (repost.ts)
    const shedPost = await readShedPost(request.raw);
    if (shedPost === 'unread') reply.header('connection', 'close'); // its body half read: the connection cannot serve another request
    if (!wantsHtml(request.headers.accept)) return reply.type('text/plain; charset=utf-8').send(`Service très demandé : réessayez dans ${retry} secondes.\n`);
    const paused = new URLSearchParams(request.url.split('?')[1] ?? '').has(PAUSE_PARAMETER);
    const repost = typeof shedPost === 'object' && shedPost !== null ? shedPost : undefined;
    if (!paused && !repost) reply.header('refresh', retry);
    const page = opts.waitingPage({
      url: localUrl(request.url),
      retrySeconds: opts.retrySeconds,
      hasPlace: position !== null,
      keptSeconds,
      paused,
      overloaded: overloadedNode,
      ...(repost ? { repost } : {}),
    });
    return reply.type('text/html; charset=utf-8').send(page);
  }

  /**
   * The body of a shed request, read when it may be echoed (a browser's urlencoded form post from this
   * site, of at most REPOST_MAX_BYTES, arrived within REPOST_READ_MS): its fields to post again; null
   * when there is nothing to echo (not such a post, or one announcing a longer body: its body is left
   * to Node, which discards it and keeps the connection);
   * 'unread' when it was such a post but too big, too slow or badly encoded (its body half read).
   */
  async function readShedPost(raw: IncomingMessage): Promise<RepostForm | null | 'unread'> {
    if (!mayEchoPost(raw) || !hasBody(raw) || announcesMoreThan(raw, REPOST_MAX_BYTES)) return null;
    const body = await readBodyUpTo(raw, REPOST_MAX_BYTES, REPOST_READ_MS);
    return (body && repostForm(body)) ?? 'unread';
  }

  /** The session id of a validly signed session cookie in this Cookie header (not whether it is signed in). */
  function signedSessionId(cookieHeader: string): string | null {
    const raw = app.parseCookie(cookieHeader)[opts.sessionCookie];
    if (!raw) return null;
    const unsigned = app.unsignCookie(raw);
    return unsigned.valid && unsigned.value ? unsigned.value : null;
  }

  // The early answer, in the server's request listener, and the answer to a socket over the cap
  // (socket-guard.ts): prepared once the server listens (the plugin asks itself, through Fastify,
  // for its overloaded page: same headers as any answer; its render is the node's own work, nobody
  // waits on it)
  if (opts.server) {
    const server = opts.server;
    app.addHook('onListen', async () => {
      const ask = async (url: string, accept: string) => {
        const res = await app.inject({ url, headers: { accept, [TEMPLATE_HEADER]: templateToken } });
        if (res.statusCode !== 503) throw new Error(`waiting page not prepared (${res.statusCode})`);
        return prepareAnswer(res.statusCode, res.headers, res.rawPayload);
      };
      const prepared = { page: await ask(URL_MARK, 'text/html'), pausedPage: await ask(withPause(URL_MARK, true), 'text/html'), plain: await ask(URL_MARK, '*/*') };
      if (watchLoop) server.answerEarly((request, response) => answerEarly(request, response, prepared));
      // a signed-in person behind a flooded address: their requests go on to the hooks (the session checked in the database)
      server.passSignedIn((request) => {
        const cookieId = request.headers.cookie === undefined ? null : signedSessionId(request.headers.cookie);
        return cookieId !== null && madeAtSignIn(cookieId);
      });
      server.answerOverCap((request, response) => {
        waited++;
        // its body is read (up to OVER_CAP_READ_BYTES) before the answer: closing a socket with unread bytes makes Linux reset it, and the client may lose the page
        writeWaiting(request, response, prepared, true, OVER_CAP_READ_BYTES);
      });
    });
    app.addHook('onClose', async () => {
      server.answerEarly(null);
      server.answerOverCap(null);
      server.passSignedIn(null);
    });
  }

  function answerEarly(request: IncomingMessage, response: ServerResponse, prepared: PreparedAnswers): boolean {
    const url = request.url ?? '/';
    // always served (a payment's way back spends its budget in the hooks, which know the client's address behind a proxy)
    if (isAlwaysServed(request.method, url) || isPaymentReturn(request.method, url) || isFranceConnectWay(request.method, url)) return false;
    loopDelay.noteRequest(); // someone asks: a late turn now keeps them waiting
    if (loopDelay.admittedFraction() >= 1) return false; // the common case: nothing more to read
    const cookieId = request.headers.cookie === undefined ? null : signedSessionId(request.headers.cookie);
    // an id made at a sign-in may still be signed in: the hooks below ask the database
    if (cookieId !== null && madeAtSignIn(cookieId)) return false;
    // anyone else, an anonymous session cookie included, is a newcomer
    if (!overloaded()) {
      letInEarly.add(request); // counted once: the hooks below do not ask again
      return false;
    }
    waited++;
    waitedEarly++;
    rates.wait(Date.now());
    writeWaiting(request, response, prepared, false, REPOST_MAX_BYTES);
    return true;
  }

  /**
   * The waiting page for a request answered before Fastify. A browser's form post gets its fields back
   * in a form posted again on demand (repost.ts: its body read first, up to `readBytes`); on a
   * connection to be closed, any other body is read and dropped up to `readBytes` too; else the
   * prepared page at once.
   */
  function writeWaiting(request: IncomingMessage, response: ServerResponse, prepared: PreparedAnswers, close: boolean, readBytes: number): void {
    const echo = mayEchoPost(request);
    if (!hasBody(request) || (!echo && !close) || announcesMoreThan(request, readBytes)) return writePrepared(request, response, prepared, close);
    void readBodyUpTo(request, readBytes, REPOST_READ_MS).then((body) => {
      if (response.destroyed || request.socket.destroyed) return;
      const repost = echo && body !== null ? repostForm(body) : null;
      if (repost) writeRepost(request, response, prepared.page, repost, close);
      else writePrepared(request, response, prepared, close || body === null); // a body left half read: the connection cannot go on
    });
  }

  /** The waiting page of a shed form post, rendered (its fields vary), with the prepared page's headers but no automatic reload. */
  function writeRepost(request: IncomingMessage, response: ServerResponse, page: PreparedAnswer, repost: RepostForm, close: boolean): void {
    const html = Buffer.from(
      opts.waitingPage({ url: localUrl(request.url ?? '/'), retrySeconds: opts.retrySeconds, hasPlace: false, keptSeconds, paused: false, overloaded: true, repost }),
    );
    const { refresh: _refresh, ...headers } = page.headers;
    response.writeHead(page.status, { ...headers, 'content-length': html.length, ...(close ? { connection: 'close' } : {}) });
    response.end(html);
  }

  /** The prepared waiting page (HTML for a browser, else the short text), the asked URL in its links; close: then the connection is closed. */
  function writePrepared(request: IncomingMessage, response: ServerResponse, prepared: PreparedAnswers, close: boolean): void {
    const url = request.url ?? '/';
    let answer = prepared.plain;
    let body = answer.parts[0]!;
    if (wantsHtml(request.headers.accept)) {
      answer = new URLSearchParams(url.split('?')[1] ?? '').has(PAUSE_PARAMETER) ? prepared.pausedPage : prepared.page;
      body = fillAnswer(answer, localUrl(url));
    }
    response.writeHead(answer.status, { ...answer.headers, 'content-length': body.length, ...(close ? { connection: 'close' } : {}) });
    response.end(request.method === 'HEAD' ? undefined : body);
  }

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url;
    const now = Date.now();
    const payment = isPaymentReturn(request.method, path);
    const agentSignIn = isAgentSignInPost(request.method, path);
    const franceConnect = !payment && isFranceConnectWay(request.method, path);
    const always = payment || franceConnect || isAlwaysServed(request.method, path);
    // the plugin preparing its early answer (the token is this process's secret)
    if (request.headers[TEMPLATE_HEADER] === templateToken) return sendWaitingPage(request, reply, null, true);
    const sessionId = sessionIdOf(request, opts.sessionCookie);
    // whether the cookie's session is signed in: asked (one indexed read) only when it decides something,
    // and only for an id made at a sign-in (any other is anonymous, whatever its row says)
    let signedIn = (sessionId === null || !madeAtSignIn(sessionId) ? false : null) as boolean | null;
    const isSignedIn = async () => (signedIn ??= await opts.isSignedIn(sessionId!, request));
    let key: string | null = null;
    let group: string | null = null;
    let mustWait = false;
    let overloadedNode = false;
    if (!always && opts.maxConcurrent > 0) {
      queue.prune(now);
      key = visitorKey(request.ip, request.headers['user-agent'], request.headers['accept-language']);
      group = addressGroup(request.ip);
    }
    if (key !== null && watchLoop) loopDelay.noteRequest();
    // an overloaded node lets no newcomer in (those without a signed cookie were mostly answered earlier, in the server's listener)
    if (key !== null && !letInEarly.has(request.raw) && overloaded()) mustWait = overloadedNode = true;
    else if (key !== null && group !== null) {
      const free = limit.current() - inFlight;
      // those ahead who still reload their page (a place kept for a visitor gone quiet is not held empty for them)
      const ahead = queue.liveAhead(key, now - liveMs);
      // the places free now, and those expected to free up before the next reload of the waiting page
      const window = free + Math.floor(rates.admittedPerSecond(now) * opts.retrySeconds);
      // an idle node (nothing in progress) lets a newcomer in whatever the queue: the visitors ahead,
      // had they reloaded, would have taken these places (after a burst whose clients left, their
      // places, kept a minute, would otherwise hold every newcomer back on an empty node)
      mustWait = free <= 0 || (ahead >= window && inFlight > 0);
      if (mustWait) limit.full();
      // once the node is half full, one address (IPv6: one /64) holds at most activePerAddress places
      // for people not signed in: slow requests from one machine cannot fill the node
      else if (mustWaitForAddress(inFlight, limit.current(), anonymousHeld.get(group) ?? 0, opts.activePerAddress)) mustWait = !(await isSignedIn());
    }
    // when someone must wait, only a signed-in session goes in (a signed cookie alone proves nothing:
    // anyone gets one from the sign-in form, and can keep it)
    // the back office of a busy node: someone not signed in (its sign-in pages) spends their address's budget
    if (always && BACK_OFFICE.test(path) && opts.maxConcurrent > 0 && busy() && !(sessionId !== null && (await isSignedIn()))) {
      if (!backOfficeBudget.take(addressGroup(request.ip), now)) {
        waited++;
        rates.wait(now);
        return sendWaitingPage(request, reply, null, true);
      }
    }
    // a way back (a payment's, FranceConnect's) on a busy node spends its address's budget, whoever asks (no session read)
    // (the portal's own calls to its built-in simulator, through app.inject, spend nothing: shed, they failed the sign-in and used up its state)
    const ownCall = franceConnect && FRANCECONNECT_SIMULATOR.test(path) && '_lightMyRequest' in request.raw;
    const wayBackBudget = payment ? paymentBudget : franceConnect && !ownCall ? franceConnectBudget : null;
    if (wayBackBudget && opts.maxConcurrent > 0 && busy() && !wayBackBudget.take(addressGroup(request.ip), now)) {
      waited++;
      rates.wait(now);
      return sendWaitingPage(request, reply, null, true);
    }
    const exempt = always || (mustWait ? await isSignedIn() : sessionId !== null);
    // past a full node, one agents' sign-in at a time within its address's budget (an overloaded node lets none in)
    const agentLane = mustWait && !exempt && agentSignIn && !overloadedNode && agentLaneFree && backOfficeBudget.take(group!, now);
    if (agentLane) agentLaneFree = false;
    if (mustWait && !exempt && !agentLane) {
      waited++;
      rates.wait(now);
      // an overloaded node gives no place in the queue (it cannot say when one frees up)
      const position = overloadedNode ? null : queue.wait(key!, request.ip, now);
      return sendWaitingPage(request, reply, position, overloadedNode);
    }
    if (always) return; // served without taking a place
    if (signedIn !== true && HAS_BODY.has(request.method)) cutSlowBody(request, sessionId);
    if (key) queue.leave(key);
    if (!exempt) {
      admitted++;
      rates.admit(now);
    }
    const counted = request as Counted;
    counted[AGENT_LANE] = agentLane;
    if (agentSignIn) counted[TAKE_ONCE_READ] = () => takePlace(request, reply, group, signedIn === true);
    else takePlace(request, reply, group, signedIn === true);
  });

  /** Whether no agents' sign-in post let in past a full node is in progress. */
  let agentLaneFree = true;

  /** A request takes a place on the node (signedIn: known to be signed in, else counted for its address group too). */
  function takePlace(request: FastifyRequest, reply: FastifyReply, group: string | null, signedIn: boolean): void {
    const counted = request as Counted;
    inFlight++;
    counted[COUNTED] = true;
    counted[ADMITTED_AT] = performance.now();
    if (group !== null && !signedIn) {
      counted[ANONYMOUS_GROUP] = group;
      anonymousHeld.set(group, (anonymousHeld.get(group) ?? 0) + 1);
    }
    // given back exactly once: when the answer is sent (onResponse), when the client goes away while the
    // body arrives (onRequestAbort), or for a client gone after sending its whole body (left-early.ts)
    whenLeftEarly(request, reply, () => release(request, false));
  }
  // a body's arrival is the client's time, not the node's: the service time of a post starts once its
  // body is read, and an agents' sign-in post takes its place only then
  app.addHook('preValidation', async (request) => {
    const counted = request as Counted;
    const take = counted[TAKE_ONCE_READ];
    if (take) {
      counted[TAKE_ONCE_READ] = undefined;
      take();
    } else if (counted[COUNTED] && HAS_BODY.has(request.method)) counted[ADMITTED_AT] = performance.now();
  });
  // the place is freed once the response is sent, or when the client goes away before it (counted once)
  app.addHook('onResponse', async (request) => release(request, true));
  app.addHook('onRequestAbort', async (request) => release(request, false));
  /** Gives a counted request's place back (once); only an answer sent whole tells the limit how long the node took. */
  function release(request: FastifyRequest, answered: boolean): void {
    const counted = request as Counted;
    clearTimeout(counted[BODY_TIMER]);
    counted[TAKE_ONCE_READ] = undefined;
    if (counted[AGENT_LANE]) {
      counted[AGENT_LANE] = false;
      agentLaneFree = true;
    }
    if (!counted[COUNTED]) return;
    counted[COUNTED] = false;
    inFlight--;
    const group = counted[ANONYMOUS_GROUP];
    if (group !== undefined) {
      const held = (anonymousHeld.get(group) ?? 1) - 1;
      if (held > 0) anonymousHeld.set(group, held);
      else anonymousHeld.delete(group);
    }
    if (answered) limit.record(performance.now() - counted[ADMITTED_AT]!, Date.now());
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
      if (sessionId !== null && madeAtSignIn(sessionId) && (await opts.isSignedIn(sessionId, request).catch(() => false))) return;
      const socket = raw.socket;
      if (raw.complete || socket.destroyed) return;
      request.log.info({ afterSeconds: opts.anonymousBodySeconds }, 'corps de requête anonyme trop lent : connexion fermée');
      socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n', () => socket.destroy());
    }, opts.anonymousBodySeconds * 1000);
    timer.unref();
    (request as Counted)[BODY_TIMER] = timer;
    raw.once('end', () => clearTimeout(timer));
  }
});
