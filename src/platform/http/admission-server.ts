import { createServer, type IncomingMessage, type ServerOptions, type ServerResponse } from 'node:http';
import { admitSignedIn, guardSockets, isOverCap, type SocketGuardOptions, type SocketGuardStats } from './socket-guard.ts';

/**
 * Answers a request before Fastify sees it (true: answered; false: Fastify handles it as usual).
 * Called in the server's own 'request' listener: no routing, no hook, no body read.
 */
export type EarlyAnswer = (request: IncomingMessage, response: ServerResponse) => boolean;

/** Writes the waiting page, with `Connection: close`, to a request on a socket over the cap (socket-guard.ts). */
export type OverCapAnswer = (request: IncomingMessage, response: ServerResponse) => void;

/** Before the waiting room has prepared its page (or without it): the short text, in French. */
const OVER_CAP_TEXT = Buffer.from('Service très demandé : réessayez dans quelques secondes.\n');

function answerOverCapPlainly(request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'content-length': OVER_CAP_TEXT.length, 'retry-after': '10', 'cache-control': 'no-store', connection: 'close' });
  response.end(request.method === 'HEAD' ? undefined : OVER_CAP_TEXT);
}

/** What Fastify passes to a server factory (its own options) that a plain HTTP server needs. */
interface FastifyServerOptions {
  http?: ServerOptions;
  keepAliveTimeout?: number;
  requestTimeout?: number;
  connectionTimeout?: number;
  maxRequestsPerSocket?: number;
}

/**
 * The portal's HTTP server, made by Fastify through `serverFactory`: the same server Fastify would
 * make (same options and time limits), whose request listener first offers each request to the
 * waiting room (admission.ts sets `answerEarly`), so that a newcomer can be sent to wait for the
 * price of writing a few prepared bytes, where the queue of an overloaded node really is.
 */
export class AdmissionServer {
  private answer: EarlyAnswer | null = null;
  private overCapAnswer: OverCapAnswer | null = null;
  private signInMark: ((request: IncomingMessage) => boolean) | null = null;
  private socketStats: (() => SocketGuardStats) | null = null;

  /** sockets: the cap of open connections per direct peer and in all (socket-guard.ts); absent: none */
  constructor(private readonly sockets?: SocketGuardOptions) {}

  /** Open sockets, those refused for their address, and the total allowed (null before the server is made). */
  socketsStats(): SocketGuardStats | null {
    return this.socketStats?.() ?? null;
  }

  /** The waiting room's early answer (one; set when the admission plugin is registered). */
  answerEarly(answer: EarlyAnswer | null): void {
    this.answer = answer;
  }

  /** The waiting room's answer to a socket over the cap (set when the admission plugin's server listens). */
  answerOverCap(answer: OverCapAnswer | null): void {
    this.overCapAnswer = answer;
  }

  /** Whether a request carries a validly signed sign-in mark (set with the waiting room): served on a socket over the cap, within its peer's reserve. */
  passSignedIn(hasMark: ((request: IncomingMessage) => boolean) | null): void {
    this.signInMark = hasMark;
  }

  readonly serverFactory = (handler: (request: IncomingMessage, response: ServerResponse) => void, options: FastifyServerOptions) => {
    const server = createServer(options.http ?? {}, (request, response) => {
      // a socket over the cap: the waiting page and the connection closed, no body read, Fastify never asked;
      // unless the request carries a sign-in mark and its peer's reserve has room (socket-guard.ts)
      if (isOverCap(request.socket) && !(this.signInMark?.(request) && admitSignedIn(request.socket))) return (this.overCapAnswer ?? answerOverCapPlainly)(request, response);
      if (this.answer?.(request, response)) return;
      handler(request, response);
    });
    // what Fastify does to the server it makes itself (fastify/lib/server.js)
    if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
    if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
    if (options.connectionTimeout !== undefined) server.setTimeout(options.connectionTimeout);
    if (options.maxRequestsPerSocket) server.maxRequestsPerSocket = options.maxRequestsPerSocket;
    if (this.sockets) this.socketStats = guardSockets(server, this.sockets);
    return server;
  };
}
