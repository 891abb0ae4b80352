import { createServer, type IncomingMessage, type ServerOptions, type ServerResponse } from 'node:http';
import { guardSockets, type SocketGuardOptions, type SocketGuardStats } from './socket-guard.ts';

/**
 * Answers a request before Fastify sees it (true: answered; false: Fastify handles it as usual).
 * Called in the server's own 'request' listener: no routing, no hook, no body read.
 */
export type EarlyAnswer = (request: IncomingMessage, response: ServerResponse) => boolean;

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

  readonly serverFactory = (handler: (request: IncomingMessage, response: ServerResponse) => void, options: FastifyServerOptions) => {
    const server = createServer(options.http ?? {}, (request, response) => {
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
