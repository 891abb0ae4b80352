import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionsUnder, openFilesLimit, proxyMatcher } from '../../src/platform/http/socket-guard.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { RawConnection } from '../helpers/raw-http.ts';

/**
 * Idle keep-alive sockets from one address (issue 20): an attacker opening thousands of connections,
 * each `GET /healthz` then idle, used up the process's file descriptors. A direct peer keeps at most
 * HTTP_SOCKETS_PER_ADDRESS sockets (here 5); a trusted proxy is not capped per address.
 */
let direct: TestApp;
let proxied: TestApp;

async function listen(t: TestApp): Promise<number> {
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = t.app.server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/** A connection that asked /healthz once and stays open (idle keep-alive). */
async function idle(port: number): Promise<RawConnection> {
  const c = await RawConnection.open(port);
  c.send('/healthz', { accept: 'application/json' });
  expect((await c.response()).status).toBe(200);
  return c;
}

/** Whether a new connection is closed by the server without an answer. */
async function refused(port: number): Promise<boolean> {
  const socket = connect({ host: '127.0.0.1', port });
  return await new Promise<boolean>((resolve) => {
    let data = false;
    socket.on('connect', () => socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n'));
    socket.on('data', () => {
      data = true;
      socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(!data));
  });
}

beforeAll(async () => {
  direct = await createTestApp({ HTTP_SOCKETS_PER_ADDRESS: '5' });
  proxied = await createTestApp({ HTTP_SOCKETS_PER_ADDRESS: '5', TRUST_PROXY: '127.0.0.1' });
});
afterAll(async () => {
  await direct.close();
  await proxied.close();
});

describe('open sockets per address', () => {
  it('closes at once the connections of one direct peer past its cap, and accepts it again once one is closed', async () => {
    const port = await listen(direct);
    const held = await Promise.all(Array.from({ length: 5 }, () => idle(port)));
    try {
      expect(await refused(port)).toBe(true);
      expect(await refused(port)).toBe(true);
      // the held ones still work
      held[0]!.send('/healthz', { accept: 'application/json' });
      expect((await held[0]!.response()).status).toBe(200);
      held[4]!.close();
      let accepted = false;
      for (let i = 0; i < 100 && !accepted; i++) {
        accepted = !(await refused(port));
        if (!accepted) await new Promise((r) => setTimeout(r, 20));
      }
      expect(accepted).toBe(true);
    } finally {
      for (const c of held) c.close();
    }
  });

  it('does not cap a trusted proxy per address (it carries everyone’s connections)', async () => {
    const port = await listen(proxied);
    const held = await Promise.all(Array.from({ length: 12 }, () => idle(port)));
    for (const c of held) c.close();
  });

  it('keeps the total of open sockets under the file-descriptor limit, with headroom', () => {
    const limit = openFilesLimit();
    if (limit !== null) {
      expect(direct.app.server.maxConnections).toBe(connectionsUnder(limit));
      expect(direct.app.server.maxConnections).toBeLessThan(limit);
    }
    expect(connectionsUnder(20_000)).toBe(18_000);
    expect(connectionsUnder(1024)).toBe(768);
  });

  it('reads TRUST_PROXY as which peers are proxies', () => {
    expect(proxyMatcher(false)('127.0.0.1')).toBe(false);
    expect(proxyMatcher(1)('203.0.113.9')).toBe(true);
    const list = proxyMatcher(['10.0.0.0/8', '2001:db8::1']);
    expect(list('10.2.3.4')).toBe(true);
    expect(list('::ffff:10.2.3.4')).toBe(true);
    expect(list('2001:db8::1')).toBe(true);
    expect(list('11.0.0.1')).toBe(false);
  });
});
