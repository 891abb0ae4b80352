import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../src/demo/seed.ts';
import { connectionsUnder, openFilesLimit, proxyMatcher } from '../../src/platform/http/socket-guard.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { RawConnection } from '../helpers/raw-http.ts';
import { signInUser } from '../helpers/users.ts';

/**
 * Idle keep-alive sockets from one address (issue 20): an attacker opening thousands of connections,
 * each `GET /healthz` then idle, used up the process's file descriptors. A direct peer keeps at most
 * HTTP_SOCKETS_PER_ADDRESS sockets (here 5); a trusted proxy is not capped per address.
 */
let direct: TestApp;
let proxied: TestApp;

async function listen(t: TestApp): Promise<number> {
  if (!t.app.server.listening) await t.app.listen({ host: '127.0.0.1', port: 0 });
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

interface Exchange {
  /** the bytes the server wrote before closing the connection (empty: reset or closed unanswered) */
  raw: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  /** whether the server ended the connection itself (the client never closes it here) */
  closedByServer: boolean;
}

/** One request on a new connection, everything the server writes read until it closes the connection (or 10 s). */
async function exchange(port: number, path: string, accept: string, connection = 'keep-alive'): Promise<Exchange> {
  const socket = connect({ host: '127.0.0.1', port });
  const chunks: Buffer[] = [];
  const closedByServer = await new Promise<boolean>((resolve) => {
    const giveUp = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, 10_000);
    socket.on('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: ${accept}\r\nConnection: ${connection}\r\n\r\n`));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve(true);
    });
  });
  const raw = Buffer.concat(chunks).toString('utf8');
  const [head = '', ...rest] = raw.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) headers[line.slice(0, line.indexOf(':')).trim().toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
  return { raw, status: Number(statusLine.split(' ')[1] ?? 0), headers, body: rest.join('\r\n\r\n'), closedByServer };
}

/** Whether this exchange got the whole waiting page (503, its headers, every byte of its body) and then the connection closed. */
function isWholeWaitingAnswer(e: Exchange): boolean {
  return e.status === 503 && e.closedByServer && e.headers.connection === 'close' && e.headers['retry-after'] !== undefined && Buffer.byteLength(e.body) === Number(e.headers['content-length']);
}

beforeAll(async () => {
  direct = await createTestApp({ HTTP_SOCKETS_PER_ADDRESS: '5' });
  await seedDemoData(direct.database.db, direct.app.config);
  proxied = await createTestApp({ HTTP_SOCKETS_PER_ADDRESS: '5', TRUST_PROXY: '127.0.0.1' });
});
afterAll(async () => {
  await direct.close();
  await proxied.close();
});

describe('open sockets per address', () => {
  it('answers the connections of one direct peer past its cap with the waiting page and closes them, and serves it again once one is closed', async () => {
    const port = await listen(direct);
    const held = await Promise.all(Array.from({ length: 5 }, () => idle(port)));
    try {
      // a browser behind the same address (asking to keep the connection): the whole French waiting page, not a reset
      const browser = await exchange(port, '/demarches?x=1', 'text/html,application/xhtml+xml');
      expect(isWholeWaitingAnswer(browser)).toBe(true);
      expect(browser.headers['content-type']).toMatch(/^text\/html/);
      expect(browser.headers.refresh).toBeDefined();
      expect(browser.body).toMatch(/<html lang="fr"/);
      expect(browser.body).toContain('Salle d’attente');
      expect(browser.body).toContain('href="/demarches?x=1"');
      // anything else: the short text
      const script = await exchange(port, '/healthz', 'application/json');
      expect(isWholeWaitingAnswer(script)).toBe(true);
      expect(script.body).toBe('Service très demandé : réessayez dans 10 secondes.\n');
      // the held ones still work
      held[0]!.send('/healthz', { accept: 'application/json' });
      expect((await held[0]!.response()).status).toBe(200);
      // another address (another peer) is served as usual
      const other = await RawConnection.open(port, '127.0.0.2');
      other.send('/', { accept: 'text/html' });
      expect((await other.response()).status).toBe(200);
      other.close();
      held[4]!.close();
      let accepted = false;
      for (let i = 0; i < 100 && !accepted; i++) {
        accepted = (await exchange(port, '/healthz', 'application/json', 'close')).status === 200;
        if (!accepted) await new Promise((r) => setTimeout(r, 20));
      }
      expect(accepted).toBe(true);
    } finally {
      for (const c of held) c.close();
    }
  });

  it('serves a signed-in citizen behind a flooded address (the office NAT case), within a small reserve, and never someone without a sign-in mark', async () => {
    const port = await listen(direct);
    const citizen = await signInUser(direct.app, 'demo.particulier@example.fr');
    const cookie = citizen.cookieHeader();
    expect(cookie).toMatch(/(^|; )sid=c~/);
    // the flood: the address's 5 places held, and more sockets over the cap being answered
    const held = await Promise.all(Array.from({ length: 5 }, () => idle(port)));
    const opened: RawConnection[] = [];
    try {
      const flood = await exchange(port, '/connexion', 'text/html');
      expect(isWholeWaitingAnswer(flood)).toBe(true);
      // the signed-in citizen, on a new socket from the same address: their pages, not the waiting room
      const first = await RawConnection.open(port);
      opened.push(first);
      first.send('/vehicules/demandes/nouvelle', { accept: 'text/html', cookie });
      const page = await first.response();
      expect(page.status).toBe(200);
      expect(page.headers['x-admission']).toBeUndefined();
      // the same socket kept: the next signed-in request is served too
      first.send('/mes-demarches', { accept: 'text/html', cookie });
      expect((await first.response()).status).toBe(200);
      // a socket of the reserve that then asks without the mark: the waiting page, and closed
      first.send('/connexion', { accept: 'text/html' });
      const unmarked = await first.response();
      expect(unmarked.status).toBe(503);
      expect(unmarked.headers.connection).toBe('close');
      // an anonymous session cookie (validly signed, no sign-in mark) is no pass
      const anonymous = new (citizen.constructor as typeof import('../helpers/app.ts').TestClient)(direct.app);
      await anonymous.get('/connexion');
      const anonymousSocket = await RawConnection.open(port);
      opened.push(anonymousSocket);
      anonymousSocket.send('/vehicules', { accept: 'text/html', cookie: anonymous.cookieHeader() });
      expect((await anonymousSocket.response()).status).toBe(503);
      // a forged mark (the cookie's signature broken) is no pass either
      const forged = await RawConnection.open(port);
      opened.push(forged);
      forged.send('/vehicules', { accept: 'text/html', cookie: cookie.replace(/(^|; )sid=([^;]+)/, (_m, before: string, value: string) => `${before}sid=${value.slice(0, -1)}${value.endsWith('A') ? 'B' : 'A'}`) });
      expect((await forged.response()).status).toBe(503);
      // one account cannot open unlimited sockets: past the reserve (here 2 per address), the waiting page
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const c = await RawConnection.open(port);
        opened.push(c);
        c.send('/vehicules', { accept: 'text/html', cookie });
        statuses.push((await c.response()).status);
      }
      expect(statuses).toEqual([200, 200, 503]);
    } finally {
      for (const c of [...held, ...opened]) c.close();
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
