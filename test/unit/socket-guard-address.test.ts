import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { admitSignedIn, guardSockets, isOverCap, signedInReserve } from '../../src/platform/http/socket-guard.ts';

/** Whether a socket is served as usual (neither over the cap, to be answered and closed, nor destroyed). */
const served = (s: FakeSocket) => !s.destroyed && !isOverCap(s);

/**
 * The socket cap counts a peer as the waiting room does (issue 20, F7): an IPv6 /64 is one peer, so
 * a subscriber holding a whole /64 cannot open its sockets from a thousand addresses of it.
 * The server is an event emitter given accepted sockets (no IPv6 network needed in CI).
 */
class FakeSocket extends EventEmitter {
  destroyed = false;
  constructor(readonly remoteAddress: string) {
    super();
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
}

function guarded(perAddress: number, isProxy: (address: string) => boolean = () => false, maxConnections = 1000) {
  const server = Object.assign(new EventEmitter(), { keepAliveTimeout: 5000, maxConnections: 0 }) as unknown as Server;
  const stats = guardSockets(server, { perAddress, isProxy, maxConnections, busyKeepAliveMs: 1000, overCapHeadMs: 2000 });
  const accept = (address: string) => {
    const socket = new FakeSocket(address);
    server.emit('connection', socket);
    return socket;
  };
  return { accept, stats };
}

describe('the socket cap per peer', () => {
  it('counts every address of one IPv6 /64 as one peer, whatever its spelling', () => {
    const { accept, stats } = guarded(3);
    const held = ['2001:db8:aa:1::1', '2001:db8:aa:1::2', '2001:0db8:00aa:0001:ffff:0:0:9'].map(accept);
    expect(held.every(served)).toBe(true);
    expect(isOverCap(accept('2001:db8:aa:1:1234::5'))).toBe(true);
    // another /64 of the same provider is another peer
    expect(served(accept('2001:db8:aa:2::1'))).toBe(true);
    expect(stats()).toMatchObject({ open: 4, refused: 1 });
    // a closed socket gives its /64 a place back
    held[0]!.destroy();
    expect(served(accept('2001:db8:aa:1::77'))).toBe(true);
  });

  it('counts an IPv4 address and its IPv4-mapped spelling as one peer, and two IPv4 addresses as two', () => {
    const { accept } = guarded(2);
    expect(served(accept('198.51.100.7'))).toBe(true);
    expect(served(accept('::ffff:198.51.100.7'))).toBe(true);
    expect(isOverCap(accept('198.51.100.7'))).toBe(true);
    expect(served(accept('198.51.100.8'))).toBe(true);
  });

  it('does not cap a trusted proxy', () => {
    const { accept } = guarded(1, (address) => address === '2001:db8:ff::1');
    expect(Array.from({ length: 5 }, () => accept('2001:db8:ff::1')).every(served)).toBe(true);
  });
});

describe('sockets over the cap', () => {
  it('are answered (not reset), at most as many at once per peer as its cap, then cut at once', () => {
    const { accept, stats } = guarded(2);
    accept('198.51.100.7');
    accept('198.51.100.7');
    const over = [accept('198.51.100.7'), accept('198.51.100.7')];
    expect(over.every((s) => isOverCap(s) && !s.destroyed)).toBe(true);
    const cut = accept('198.51.100.7');
    expect(cut.destroyed).toBe(true);
    expect(stats()).toMatchObject({ open: 2, refused: 3, cut: 1 });
    // one answered and closed: its place among the answers is free again
    over[0]!.destroy();
    expect(isOverCap(accept('198.51.100.7'))).toBe(true);
  });

  it('are destroyed when their head and answer take longer than the deadline (an idle socket cannot stay)', () => {
    vi.useFakeTimers();
    try {
      const { accept, stats } = guarded(1);
      accept('203.0.113.5');
      const over = accept('203.0.113.5');
      vi.advanceTimersByTime(1999);
      expect(over.destroyed).toBe(false);
      vi.advanceTimersByTime(1);
      expect(over.destroyed).toBe(true);
      expect(stats().open).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('past the total served (its last places kept for these answers), any peer is over the cap, a proxy too, and past the reserve cut', () => {
    // 32 in all: 2 kept for the answers, 30 served
    const { accept, stats } = guarded(100, (address) => address === '10.0.0.1', 32);
    const held = Array.from({ length: 30 }, (_, i) => accept(`198.51.100.${i}`));
    expect(held.every(served)).toBe(true);
    expect(isOverCap(accept('203.0.113.1'))).toBe(true);
    expect(isOverCap(accept('10.0.0.1'))).toBe(true);
    expect(accept('203.0.113.2').destroyed).toBe(true);
    expect(stats()).toMatchObject({ open: 30, refused: 3, cut: 1 });
    held[0]!.destroy();
    expect(served(accept('203.0.113.3'))).toBe(true);
  });

  it('move into their peer’s reserve for signed-in requests, a tenth of the cap (at least 2), kept past the deadline, given back on close; never over the total', () => {
    vi.useFakeTimers();
    try {
      expect(signedInReserve(200)).toBe(20);
      expect(signedInReserve(5)).toBe(2);
      const { accept, stats } = guarded(2, () => false, 32);
      accept('198.51.100.7');
      accept('198.51.100.7');
      const [a, b, c] = [accept('198.51.100.7'), accept('198.51.100.7'), accept('198.51.100.8')];
      expect(isOverCap(a) && isOverCap(b)).toBe(true);
      expect(admitSignedIn(a)).toBe(true);
      expect(admitSignedIn(a)).toBe(true); // already there
      expect(stats()).toMatchObject({ open: 4, reserved: 1 });
      vi.advanceTimersByTime(5000);
      expect(a.destroyed).toBe(false); // served as usual: no deadline
      expect(b.destroyed).toBe(true);
      const d = accept('198.51.100.7');
      expect(admitSignedIn(d)).toBe(true);
      // the reserve of 2 is full: a third socket with a sign-in mark is answered with the waiting page
      const e = accept('198.51.100.7');
      expect(admitSignedIn(e)).toBe(false);
      expect(isOverCap(e) && !e.destroyed).toBe(true);
      a.destroy();
      expect(stats()).toMatchObject({ open: 4, reserved: 1 });
      expect(admitSignedIn(accept('198.51.100.7'))).toBe(true);
      // a socket served as usual is not over the cap: nothing to admit
      expect(admitSignedIn(c)).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('over the total, a sign-in mark does not move a socket into a reserve', () => {
    const { accept } = guarded(100, () => false, 32);
    Array.from({ length: 30 }, (_, i) => accept(`198.51.100.${i}`));
    const over = accept('203.0.113.1');
    expect(isOverCap(over)).toBe(true);
    expect(admitSignedIn(over)).toBe(false);
  });
});
