import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { describe, expect, it } from 'vitest';
import { guardSockets } from '../../src/platform/http/socket-guard.ts';

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

function guarded(perAddress: number, isProxy: (address: string) => boolean = () => false) {
  const server = Object.assign(new EventEmitter(), { keepAliveTimeout: 5000, maxConnections: 0 }) as unknown as Server;
  const stats = guardSockets(server, { perAddress, isProxy, maxConnections: 1000, busyKeepAliveMs: 1000 });
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
    expect(held.some((s) => s.destroyed)).toBe(false);
    expect(accept('2001:db8:aa:1:1234::5').destroyed).toBe(true);
    // another /64 of the same provider is another peer
    expect(accept('2001:db8:aa:2::1').destroyed).toBe(false);
    expect(stats()).toMatchObject({ open: 4, refused: 1 });
    // a closed socket gives its /64 a place back
    held[0]!.destroy();
    expect(accept('2001:db8:aa:1::77').destroyed).toBe(false);
  });

  it('counts an IPv4 address and its IPv4-mapped spelling as one peer, and two IPv4 addresses as two', () => {
    const { accept } = guarded(2);
    expect(accept('198.51.100.7').destroyed).toBe(false);
    expect(accept('::ffff:198.51.100.7').destroyed).toBe(false);
    expect(accept('198.51.100.7').destroyed).toBe(true);
    expect(accept('198.51.100.8').destroyed).toBe(false);
  });

  it('does not cap a trusted proxy', () => {
    const { accept } = guarded(1, (address) => address === '2001:db8:ff::1');
    expect(Array.from({ length: 5 }, () => accept('2001:db8:ff::1')).some((s) => s.destroyed)).toBe(false);
  });
});
