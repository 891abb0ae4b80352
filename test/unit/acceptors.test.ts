import { createServer, type Server } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPortFree, openAcceptors } from '../../src/platform/http/acceptors.ts';

/**
 * The extra listening sockets (src/platform/http/acceptors.ts). A listening socket accepts one
 * connection per turn of the event loop (libuv since 1.45): these tests hold the loop while
 * connections arrive, as a busy node does, and count what the next turn accepts.
 */
const servers: { close(): unknown }[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((resolve) => (s.close as (cb: () => void) => void)(() => resolve(undefined)));
});

async function listening(server: Server, reusePort: boolean): Promise<AddressInfo> {
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', reusePort }, resolve));
  servers.push(server);
  return server.address() as AddressInfo;
}

/**
 * Opens `count` connections to `port` from another thread while this thread's event loop is held
 * (Atomics.wait: as a node busy answering), then lets the loop turn once and returns how many
 * connections the server had accepted by the end of that turn.
 */
async function acceptedInOneTurn(server: Server, port: number, count: number): Promise<number> {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads');
     const net = require('node:net');
     let open = 0;
     for (let i = 0; i < workerData.count; i++) {
       const socket = net.connect(workerData.port, '127.0.0.1', () => {
         if (++open === workerData.count) setTimeout(() => { Atomics.store(workerData.flag, 0, 1); Atomics.notify(workerData.flag, 0); }, 50);
       });
       socket.on('error', () => {});
     }`,
    { eval: true, workerData: { port, count, flag } },
  );
  let accepted = 0;
  server.on('connection', () => accepted++);
  const counted = new Promise<number>((resolve) => {
    setTimeout(() => {
      // the loop held until every connection is in the kernel's accept queues
      Atomics.wait(flag, 0, 0, 10_000);
      setImmediate(() => resolve(accepted)); // the check phase, right after the poll phase that accepted
    }, 0);
  });
  const inOneTurn = await counted;
  await worker.terminate();
  return inOneTurn;
}

describe('more listening sockets on the port (Linux)', () => {
  it('accept many waiting connections in one turn of a held event loop, where one socket accepts one', async () => {
    const alone = createServer();
    const aloneAt = await listening(alone, false);
    expect(await acceptedInOneTurn(alone, aloneAt.port, 64)).toBe(1); // what libuv does: the reason for this module

    const shared = createServer();
    const sharedAt = await listening(shared, true);
    const acceptors = await openAcceptors(shared, sharedAt, 15);
    expect(acceptors.servers).toHaveLength(15);
    // the kernel spreads the 64 connections over the 16 sockets: each has some waiting (16 seen here every time)
    expect(await acceptedInOneTurn(shared, sharedAt.port, 64)).toBeGreaterThanOrEqual(8);
  });

  it('hand their connections to the HTTP server, which answers them; its close stops them all', async () => {
    const server = createServer((_request, response) => response.end('servi'));
    const at = await listening(server, true);
    const acceptors = await openAcceptors(server, at, 7);
    const answers = await Promise.all(Array.from({ length: 40 }, () => fetch(`http://127.0.0.1:${at.port}/`, { headers: { connection: 'close' } }).then((r) => r.text())));
    expect(new Set(answers)).toEqual(new Set(['servi']));
    servers.pop();
    await new Promise((resolve) => server.close(resolve));
    expect(acceptors.servers.every((s) => !s.listening)).toBe(true);
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(at.port, '127.0.0.1', () => resolve('connected'));
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });

  it('count their connections as the server’s own: its close waits for the requests in progress on every socket', async () => {
    let answered = 0;
    const server = createServer((_request, response) => {
      setTimeout(() => {
        answered++;
        response.end('servi');
      }, 400);
    });
    const at = await listening(server, true);
    await openAcceptors(server, at, 15);
    // 32 requests in progress: the kernel spreads their connections over the 16 sockets
    const answers = Promise.all(Array.from({ length: 32 }, () => fetch(`http://127.0.0.1:${at.port}/`, { headers: { connection: 'close' } }).then((r) => r.text())));
    for (let i = 0; i < 100 && (await new Promise<number>((resolve) => server.getConnections((_e, n) => resolve(n)))) < 32; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await new Promise<number>((resolve) => server.getConnections((_e, n) => resolve(n)))).toBe(32);
    servers.pop();
    let answeredAtClose = -1;
    const closed = new Promise<void>((resolve) =>
      server.close(() => {
        answeredAtClose = answered;
        resolve();
      }),
    );
    server.closeIdleConnections();
    expect(new Set(await answers)).toEqual(new Set(['servi']));
    await closed;
    expect(answeredAtClose).toBe(32); // the close ended only once every request had its answer
  });

  it('refuse a port another program holds, even one that shares it', async () => {
    const other = createNetServer();
    await new Promise<void>((resolve) => other.listen({ port: 0, host: '127.0.0.1', reusePort: true }, resolve));
    servers.push(other);
    const { port } = other.address() as AddressInfo;
    await expect(checkPortFree('127.0.0.1', port)).rejects.toMatchObject({ code: 'EADDRINUSE', port });
    // a free port: the check leaves it free
    const free = createNetServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const freePort = (free.address() as AddressInfo).port;
    await new Promise((resolve) => free.close(resolve));
    await checkPortFree('127.0.0.1', freePort);
    await checkPortFree('127.0.0.1', freePort);
  });
});
