import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * A kept-alive HTTP/1.1 connection written with raw bytes: `send` puts the request into the
 * server's socket at once (a local TCP write), so that a test can then hold the event loop busy and
 * have the server read it late, as an overloaded node does.
 */
export class RawConnection {
  private buffer = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  /** localAddress: the client's own address (127.0.0.2… on Linux: another peer for the server) */
  static async open(port: number, localAddress?: string): Promise<RawConnection> {
    const socket = connect({ host: '127.0.0.1', port, ...(localAddress ? { localAddress } : {}) });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawConnection(socket);
  }

  /** Writes a GET (HEAD…) request now; with a body, its Content-Length too. */
  send(path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): void {
    const length = body === undefined ? [] : [`Content-Length: ${Buffer.byteLength(body)}`];
    const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), ...length, '', ''];
    this.socket.write(lines.join('\r\n') + (body ?? ''));
  }

  /** The next response on this connection. */
  async response(): Promise<RawResponse> {
    for (;;) {
      const parsed = this.parse();
      if (parsed) return parsed;
      if (this.closed) throw new Error('connection closed before a whole response');
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  close(): void {
    this.socket.destroy();
  }

  /** Whether the connection is closed (by the server, or by `close`). */
  isClosed(): boolean {
    return this.closed;
  }

  private parse(): RawResponse | null {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return null;
    const [statusLine, ...lines] = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const status = Number(statusLine!.split(' ')[1]);
    let rest = this.buffer.subarray(end + 4);
    let body: Buffer;
    if (headers['transfer-encoding'] === 'chunked') {
      const chunks: Buffer[] = [];
      for (;;) {
        const lineEnd = rest.indexOf('\r\n');
        if (lineEnd < 0) return null;
        const size = parseInt(rest.subarray(0, lineEnd).toString('latin1'), 16);
        if (rest.length < lineEnd + 2 + size + 2) return null;
        if (size === 0) {
          rest = rest.subarray(lineEnd + 4);
          break;
        }
        chunks.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
        rest = rest.subarray(lineEnd + 2 + size + 2);
      }
      body = Buffer.concat(chunks);
    } else {
      const length = Number(headers['content-length'] ?? 0);
      if (rest.length < length) return null;
      body = rest.subarray(0, length);
      rest = rest.subarray(length);
    }
    this.buffer = Buffer.from(rest);
    return { status, headers, body: body.toString('utf8') };
  }
}

/** Holds this thread (and the server running in it) busy for `ms` milliseconds. */
export function holdEventLoop(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy: no timer, no socket read
  }
}

/**
 * Keeps this thread overloaded until `done` settles: held `ms` at a time, with one turn of the event
 * loop in between (the I/O read in that turn finds the loop late). Returns what `done` gave.
 */
export async function overloadedUntil<T>(done: Promise<T>, ms = 250, maxMs = 20_000): Promise<T> {
  let settled = false;
  void done.finally(() => (settled = true)).catch(() => undefined);
  const end = performance.now() + maxMs;
  while (!settled && performance.now() < end) {
    holdEventLoop(ms);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return done;
}
