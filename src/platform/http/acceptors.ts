import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import type { Server } from 'node:http';

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
 * among them: each accepts one per turn, `count` in all. They are bound to the addresses the server
 * listens on; the server must itself listen with `reusePort` (else the port refuses them), which is
 * why `listenExclusively` first checks that no other program holds the port.
 */
export interface Acceptors {
  /** the extra listening sockets */
  servers: NetServer[];
  close(): void;
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

/** Opens `count` more listening sockets on the address `server` listens on (SO_REUSEPORT); their connections go to `server`. */
export async function openAcceptors(server: Server, address: AddressInfo, count: number): Promise<Acceptors> {
  const servers: NetServer[] = [];
  const close = () => {
    for (const s of servers) if (s.listening) s.close();
  };
  try {
    for (let i = 0; i < count; i++) {
      const acceptor = createNetServer((socket) => server.emit('connection', socket));
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
  return { servers, close };
}
