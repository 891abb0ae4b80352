import { readFileSync } from 'node:fs';
import { BlockList, isIPv4, isIPv6, type Socket } from 'node:net';
import type { Server } from 'node:http';
import { addressGroup } from './waiting-queue.ts';

/**
 * Open connections per remote address, before any request is read: one machine opening thousands of
 * keep-alive sockets (each `GET /healthz`, then idle) would otherwise use up the process's file
 * descriptors, and every new connection would then fail for everyone.
 *
 * - A direct peer (not a trusted proxy) keeps at most `perAddress` sockets open at once; the next one
 *   is destroyed as soon as it is accepted (no byte read, no byte written). A peer is an address
 *   group as the waiting room counts them (waiting-queue.ts): an IPv4 address, or a whole IPv6 /64,
 *   which one subscriber usually holds and could otherwise spread its sockets across.
 * - A trusted proxy (TRUST_PROXY) carries everyone's connections: it is not capped per address
 *   (the proxy applies its own per-client limits, see docs/security.md); only the total applies.
 * - The total is `server.maxConnections`, kept under the process's file-descriptor limit with
 *   headroom for the database, files and logs (Node refuses connections past it).
 * - Once more than half of that total is open, idle keep-alive sockets are closed after
 *   `busyKeepAliveMs` instead of the usual keep-alive delay.
 */
export interface SocketGuardOptions {
  /** sockets one direct peer (an IPv4 address, an IPv6 /64) may keep open at once */
  perAddress: number;
  /** whether this peer address is a trusted reverse proxy (not capped per address) */
  isProxy: (address: string) => boolean;
  /** the total of open sockets (null: read from the file-descriptor limit) */
  maxConnections: number | null;
  /** the keep-alive delay once more than half the total is open (ms) */
  busyKeepAliveMs: number;
}

export interface SocketGuardStats {
  open: number;
  refused: number;
  maxConnections: number;
}

/** File descriptors kept for everything that is not a client socket (database, files, logs, DNS…). */
export function connectionsUnder(fdLimit: number): number {
  return Math.max(64, fdLimit - Math.max(256, Math.ceil(fdLimit / 10)));
}

/** The process's soft limit of open files (Linux: /proc/self/limits), null when it cannot be read. */
export function openFilesLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    return soft && /^\d+$/.test(soft) ? Number(soft) : null;
  } catch {
    return null;
  }
}

/** TRUST_PROXY as a test of the socket's peer: none, every peer (true or a hop count), or a list of addresses and ranges. */
export function proxyMatcher(trust: boolean | number | string[]): (address: string) => boolean {
  if (trust === false || trust === 0) return () => false;
  if (typeof trust !== 'object') return () => true;
  const list = new BlockList();
  for (const entry of trust) {
    const [address = '', bits] = entry.split('/');
    const type = isIPv6(address) ? 'ipv6' : 'ipv4';
    if (bits !== undefined) list.addSubnet(address, Number(bits), type);
    else list.addAddress(address, type);
  }
  return (address) => {
    const plain = address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
    return list.check(plain, isIPv6(plain) ? 'ipv6' : 'ipv4');
  };
}

export function guardSockets(server: Server, options: SocketGuardOptions): () => SocketGuardStats {
  const fdLimit = options.maxConnections === null ? openFilesLimit() : null;
  const maxConnections = options.maxConnections ?? (fdLimit === null ? 0 : connectionsUnder(fdLimit));
  if (maxConnections > 0) server.maxConnections = maxConnections;
  const byAddress = new Map<string, number>();
  let open = 0;
  let refused = 0;
  let usualKeepAlive = server.keepAliveTimeout;
  const busyAt = maxConnections > 0 ? Math.floor(maxConnections / 2) : Infinity;
  const adjustKeepAlive = () => {
    if (open > busyAt && server.keepAliveTimeout !== options.busyKeepAliveMs) {
      usualKeepAlive = server.keepAliveTimeout;
      server.keepAliveTimeout = Math.min(usualKeepAlive, options.busyKeepAliveMs);
    } else if (open <= busyAt / 2 && server.keepAliveTimeout !== usualKeepAlive) server.keepAliveTimeout = usualKeepAlive;
  };
  server.on('connection', (socket: Socket) => {
    const remote = socket.remoteAddress ?? '';
    const capped = !options.isProxy(remote);
    const address = capped ? addressGroup(remote) : remote;
    if (capped) {
      const held = byAddress.get(address) ?? 0;
      if (held >= options.perAddress) {
        refused++;
        socket.destroy();
        return;
      }
      byAddress.set(address, held + 1);
    }
    open++;
    adjustKeepAlive();
    socket.once('close', () => {
      open--;
      if (capped) {
        const held = (byAddress.get(address) ?? 1) - 1;
        if (held > 0) byAddress.set(address, held);
        else byAddress.delete(address);
      }
      adjustKeepAlive();
    });
  });
  return () => ({ open, refused, maxConnections });
}
