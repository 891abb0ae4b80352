import { readFileSync } from 'node:fs';
import { BlockList, isIPv4, isIPv6, type Socket } from 'node:net';
import type { Server } from 'node:http';
import { addressGroup } from './waiting-queue.ts';

/**
 * Open connections per remote address, before any request is read: one machine opening thousands of
 * keep-alive sockets (each `GET /healthz`, then idle) would otherwise use up the process's file
 * descriptors, and every new connection would then fail for everyone.
 *
 * - A direct peer (not a trusted proxy) keeps at most `perAddress` sockets open at once. A peer is an
 *   address group as the waiting room counts them (waiting-queue.ts): an IPv4 address, or a whole
 *   IPv6 /64, which one subscriber usually holds and could otherwise spread its sockets across.
 * - A socket over the cap is not reset (a person behind a busy office NAT would see a browser error):
 *   it is *over the cap* (isOverCap): its first request head is read, within `overCapHeadMs`, and
 *   answered with the waiting page and `Connection: close` (admission-server.ts), no body read; past
 *   that deadline it is destroyed, whatever it is doing. One peer has at most `perAddress` such
 *   sockets at once (so at most twice its cap open, the second half for a second or two); past them,
 *   and past `overCapReserve` such sockets in all, a socket is destroyed as soon as it is accepted.
 * - A request with a validly signed sign-in mark (session.ts, madeAtSignIn) on a socket over its
 *   peer's cap moves the socket into the peer's reserve (`signedInReserve`: a tenth of the cap, at
 *   least 2): it is then served as usual (admission-server.ts), the session checked in the database
 *   and the per-account cap applied, so a signed-in person behind a flooded address (an office NAT)
 *   keeps their pages. Every request on such a socket must carry the mark, else it gets the waiting
 *   page and the socket is closed; past the reserve, the waiting page as before. One account cannot
 *   open more sockets than the reserve.
 * - A trusted proxy (TRUST_PROXY) carries everyone's connections: it is not capped per address
 *   (the proxy applies its own per-client limits, see docs/security.md); only the total applies.
 * - The total is `server.maxConnections`, kept under the process's file-descriptor limit with
 *   headroom for the database, files and logs: Node closes a connection past it, unanswered (the hard
 *   limit). Its last `overCapReserve` places are kept for the answers over the cap: past
 *   `maxConnections - overCapReserve` sockets served, a new one is over the cap whatever its peer.
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
  /** how long a socket over the cap has to send its request head and read the answer (ms; default 2000) */
  overCapHeadMs?: number;
}

/**
 * Sockets over the cap, answered with the waiting page then closed (admission-server.ts), each with
 * what moves it into its peer's reserve for signed-in requests (true: moved, or already there).
 */
const overCap = new WeakMap<object, () => boolean>();
/** Sockets over the cap moved into their peer's reserve: each request on them must carry a sign-in mark. */
const reserved = new WeakSet<object>();

/** Whether this socket is over the cap (or in its peer's reserve): a request on it without a sign-in mark gets the waiting page with `Connection: close`. */
export function isOverCap(socket: object): boolean {
  return overCap.has(socket) || reserved.has(socket);
}

/**
 * A request with a validly signed sign-in mark arrived on this socket over the cap: moves it into its
 * peer's reserve (signedInReserve), where it is served as usual (the session then checked in the
 * database, the per-account cap applied). False when the reserve is full, or when the socket is over
 * the total rather than over its peer's cap.
 */
export function admitSignedIn(socket: object): boolean {
  if (reserved.has(socket)) return true;
  return overCap.get(socket)?.() ?? false;
}

/** The sockets one peer may open past its cap for requests carrying a sign-in mark: a tenth of the cap, at least 2. */
export function signedInReserve(perAddress: number): number {
  return Math.max(2, Math.ceil(perAddress / 10));
}

/** The places of the total kept for the answers over the cap (a sixteenth, at most 256). */
export function overCapReserve(maxConnections: number): number {
  return Math.min(256, Math.max(1, Math.floor(maxConnections / 16)));
}

export interface SocketGuardStats {
  /** sockets served (under the cap) */
  open: number;
  /** sockets over the cap since the start: answered with the waiting page, or cut */
  refused: number;
  /** of those, destroyed unanswered (past the answers' own bounds) */
  cut: number;
  /** sockets over their peer's cap served now for signed-in requests (the peer's reserve) */
  reserved: number;
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
  const reserve = maxConnections > 0 ? overCapReserve(maxConnections) : 0;
  const servedAt = maxConnections > 0 ? maxConnections - reserve : Infinity;
  const answeringMax = maxConnections > 0 ? reserve : Infinity;
  const headMs = options.overCapHeadMs ?? 2000;
  /** sockets over the cap being answered, per peer and in all */
  const answeringBy = new Map<string, number>();
  let answering = 0;
  let cut = 0;
  /** sockets moved into their peer's reserve for signed-in requests, per peer */
  const reservedBy = new Map<string, number>();
  const reserveMax = signedInReserve(options.perAddress);
  const count = (map: Map<string, number>, key: string, by: number) => {
    const n = (map.get(key) ?? 0) + by;
    if (n > 0) map.set(key, n);
    else map.delete(key);
  };
  /** Over the cap: answered within headMs (the waiting page, admission-server.ts), else destroyed. */
  const overTheCap = (socket: Socket, address: string, capped: boolean) => {
    refused++;
    if ((capped && (answeringBy.get(address) ?? 0) >= options.perAddress) || answering >= answeringMax) {
      cut++;
      socket.destroy();
      return;
    }
    answering++;
    count(answeringBy, address, 1);
    let inReserve = false;
    const deadline = setTimeout(() => socket.destroy(), headMs);
    deadline.unref?.();
    overCap.set(socket, () => {
      // only a peer over its own cap has a reserve (over the total, nobody does), and it is small
      if (!capped || open >= servedAt || (reservedBy.get(address) ?? 0) >= reserveMax) return false;
      clearTimeout(deadline);
      overCap.delete(socket);
      reserved.add(socket);
      inReserve = true;
      answering--;
      count(answeringBy, address, -1);
      count(reservedBy, address, 1);
      open++;
      adjustKeepAlive();
      return true;
    });
    socket.once('close', () => {
      clearTimeout(deadline);
      if (inReserve) {
        count(reservedBy, address, -1);
        open--;
        adjustKeepAlive();
      } else {
        answering--;
        count(answeringBy, address, -1);
      }
    });
  };
  server.on('connection', (socket: Socket) => {
    const remote = socket.remoteAddress ?? '';
    const capped = !options.isProxy(remote);
    const address = capped ? addressGroup(remote) : remote;
    if ((capped && (byAddress.get(address) ?? 0) >= options.perAddress) || open >= servedAt) return overTheCap(socket, address, capped);
    if (capped) count(byAddress, address, 1);
    open++;
    adjustKeepAlive();
    socket.once('close', () => {
      open--;
      if (capped) count(byAddress, address, -1);
      adjustKeepAlive();
    });
  });
  return () => ({ open, refused, cut, maxConnections, reserved: [...reservedBy.values()].reduce((a, b) => a + b, 0) });
}
