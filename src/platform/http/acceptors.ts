import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { Server } from 'node:http';
import type { FastifyInstance } from 'fastify';

/**
 * More listening sockets on the portal's port, each handing its connections to the one HTTP server.
 *
 * Since libuv 1.45 (Node 20 on), a listening socket accepts **one** connection per turn of the
 * event loop (libuv pull request 3696: accepting in a loop was « nearly always suboptimal »). On an
 * overloaded node a turn lasts 20–100 ms (it reads and answers every socket that has a request),
 * so the node accepted 10–50 connections a second while its open sockets were served each turn: a
 * new visitor's connection, in the kernel's accept queue, waited up to 10 s before the waiting room
 * could even answer it (issue 20: 150–240 connections waiting there throughout a 2× overload, the
 * same ones for seconds; admitted p99 1–3 s at the client while 4 ms inside the portal).
 *
 * With `SO_REUSEPORT` (Linux), `count` sockets share the port and the kernel spreads new connections
 * among them: each accepts one per turn, `count` in all. They are bound to the address the server
 * listens on; the server must itself listen with `reusePort` (else the port refuses them), which is
 * why `checkPortFree` first checks that no other program holds the port.
 */
export interface Acceptors {
  /** the extra listening sockets (closed by the server's own close) */
  servers: NetServer[];
}

/** Whether the platform shares a port between sockets (Node's `reusePort`: Linux here). */
export const canSharePort = (): boolean => process.platform === 'linux';

/**
 * Fails with EADDRINUSE as a plain listen would when another program (or another portal, even one
 * that shares its port) holds `port` on `host`: a listen with `reusePort` alone would share it
 * silently with another portal of the same user.
 */
export async function checkPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', (error: NodeJS.ErrnoException & { port?: number }) => {
      error.port = port;
      reject(error);
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** Node's count of a server's open connections and a socket's server (lib/net.js: `_onconnection`, `Socket#_destroy`). */
type Counted = { _connections: number };
type Owned = { server: unknown; _server: unknown };

/**
 * Makes a socket accepted by `acceptor` one of `server`'s own, then hands it to the server's
 * listeners (`server.emit('connection')`, as Node documents). Node counts a server's connections
 * on the socket (`_server`), and `server.close()` calls back once that count is 0: a socket merely
 * emitted stayed counted on its acceptor, so the graceful stop ended with requests still running on
 * it, the process exited and they were lost (15 of 16 sockets: outsider's finding, 2 December). The
 * server's `maxConnections` applies to them as to its own.
 */
function handOver(server: Server, acceptor: NetServer, socket: Socket): void {
  const from = acceptor as unknown as Counted;
  const to = server as unknown as Counted;
  const owned = socket as unknown as Owned;
  if (typeof from._connections !== 'number' || typeof to._connections !== 'number' || owned._server !== acceptor) {
    throw new Error('acceptors.ts : la version de Node ne compte plus les connexions comme prévu (lib/net.js)');
  }
  from._connections--;
  to._connections++;
  owned.server = server;
  owned._server = server;
  if (server.maxConnections != null && server.maxConnections > 0 && to._connections > server.maxConnections) {
    socket.destroy(); // Node's hard limit, as for the server's own sockets
    return;
  }
  server.emit('connection', socket);
}

/** Opens `count` more listening sockets on the address `server` listens on (SO_REUSEPORT); their connections go to `server`. */
export async function openAcceptors(server: Server, address: AddressInfo, count: number): Promise<Acceptors> {
  const servers: NetServer[] = [];
  const close = () => {
    for (const s of servers) if (s.listening) s.close();
  };
  /** the options the server was made with, as net.Server keeps them (lib/net.js) */
  const own = server as unknown as { allowHalfOpen: boolean; noDelay: boolean; keepAlive: boolean; keepAliveInitialDelay: number; highWaterMark: number; pauseOnConnect: boolean };
  try {
    for (let i = 0; i < count; i++) {
      // the server's own socket options (an HTTP server's: half-open allowed, no Nagle delay)
      const acceptor = createNetServer(
        { allowHalfOpen: own.allowHalfOpen, noDelay: own.noDelay, keepAlive: own.keepAlive, keepAliveInitialDelay: own.keepAliveInitialDelay * 1000, highWaterMark: own.highWaterMark, pauseOnConnect: own.pauseOnConnect },
        (socket) => handOver(server, acceptor, socket),
      );
      servers.push(acceptor);
      await new Promise<void>((resolve, reject) => {
        acceptor.once('error', reject);
        acceptor.listen({ host: address.address, port: address.port, reusePort: true, backlog: 511 }, () => {
          acceptor.off('error', reject);
          resolve();
        });
      });
    }
  } catch (error) {
    close();
    throw error;
  }
  // the server's close (a graceful stop, app.close()) stops these too: no new connection on any of them
  const closeServer = server.close.bind(server);
  server.close = ((callback?: (error?: Error) => void) => {
    close();
    return closeServer(callback);
  }) as Server['close'];
  return { servers };
}

/**
 * Listens as the portal does (server.ts): on Linux with `sockets` > 1, the port checked free, then
 * the server and `sockets − 1` acceptors sharing it; else one socket.
 */
export async function listenOnSharedPort(app: FastifyInstance, options: { host: string; port: number; sockets: number }): Promise<Acceptors | null> {
  const shared = options.sockets > 1 && canSharePort();
  if (shared) await checkPortFree(options.host, options.port);
  await app.listen({ host: options.host, port: options.port, ...(shared ? { reusePort: true } : {}), listenTextResolver: (address) => `Serveur à l’écoute sur ${address}` });
  return shared ? openAcceptors(app.server, app.server.address() as AddressInfo, options.sockets - 1) : null;
}
