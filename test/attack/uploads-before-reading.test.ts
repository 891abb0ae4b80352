import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../src/demo/seed.ts';
import { createTestApp, type TestApp, TestClient } from '../helpers/app.ts';
import { signInUser } from '../helpers/users.ts';

/**
 * Issue 15, point 6: a multipart body is read only once the visitor is known to deserve it
 * (signed in, same origin, the form's CSRF token as first field). A stranger's 60 MB upload costs
 * the server nothing: refused on the headers, the connection closed, the body never buffered.
 */

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;
const MB = 1024 * 1024;

function memory(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

interface Sent {
  status: number;
  sentBytes: number;
  totalBytes: number;
  body: string;
}

/** Streams a multipart body of `files` × `fileMB` MB over real HTTP, from one shared buffer, stopping when the answer comes. */
function postLargeMultipart(baseUrl: string, path: string, opts: { cookie?: string; csrf?: string; csrfLast?: boolean; origin?: string; files?: number; fileMB?: number }): Promise<Sent> {
  const boundary = '----attack' + Math.random().toString(16).slice(2);
  const files = opts.files ?? 6;
  const fileBytes = (opts.fileMB ?? 10) * MB;
  const chunk = Buffer.alloc(MB, 0x41);
  chunk.write('%PDF-1.4\n');
  const csrfPart = opts.csrf !== undefined ? Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${opts.csrf}\r\n`) : Buffer.alloc(0);
  const fileHead = (i: number) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="pieces"; filename="scan${i}.pdf"\r\nContent-Type: application/pdf\r\n\r\n`);
  const tail = Buffer.from(`--${boundary}--\r\n`);
  const totalBytes = csrfPart.length + Array.from({ length: files }, (_, i) => fileHead(i).length + fileBytes + 2).reduce((a, b) => a + b, 0) + tail.length;
  return new Promise((resolve, reject) => {
    let sentBytes = 0;
    let answered = false;
    const url = new URL(path, baseUrl);
    const req = httpRequest(url, {
      method: 'POST',
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(totalBytes),
        accept: 'text/html',
        ...(opts.cookie ? { cookie: opts.cookie } : {}),
        ...(opts.origin ? { origin: opts.origin } : {}),
      },
    });
    req.on('response', (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, sentBytes, totalBytes, body: Buffer.concat(parts).toString() }));
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    // the body, written with backpressure, from the same 1 MB buffer
    const pieces = function* () {
      if (!opts.csrfLast) yield csrfPart;
      for (let i = 0; i < files; i++) {
        yield fileHead(i);
        for (let left = fileBytes; left > 0; left -= MB) yield left >= MB ? chunk : chunk.subarray(0, left);
        yield Buffer.from('\r\n');
      }
      if (opts.csrfLast) yield csrfPart;
      yield tail;
    };
    const it = pieces();
    const pump = () => {
      for (;;) {
        if (answered || req.destroyed) return;
        const next = it.next();
        if (next.done) return void req.end();
        sentBytes += next.value.length;
        if (!req.write(next.value)) return void req.once('drain', pump);
      }
    };
    pump();
  });
}

describe('uploads are read only for a signed-in visitor whose form carries the CSRF token first', () => {
  let t!: TestApp;
  let baseUrl = '';
  let user!: TestClient;
  const cookieOf = (client: TestClient) => [...(client as unknown as { cookies: Map<string, string> }).cookies].map(([k, v]) => `${k}=${v}`).join('; ');

  beforeAll(async () => {
    t = await createTestApp();
    await t.database.reset();
    await seedDemoData(t.database.db, t.app.config);
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    user = await signInUser(t.app, 'demo.particulier@example.fr');
    await user.get('/contact');
  });
  afterAll(() => t.close());

  it('refuses 8 parallel anonymous 60 MB multipart posts on their headers: 403, body not read, memory not grown', async () => {
    const anonymous = new TestClient(t.app);
    await anonymous.get('/connexion'); // an anonymous session with a valid token does not help either
    const before = memory();
    let peak = before;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.heapUsed + m.arrayBuffers);
    }, 10);
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 8 }, () => postLargeMultipart(baseUrl, '/contact', { cookie: cookieOf(anonymous), csrf: anonymous.csrfToken() })));
    const ms = Date.now() - started;
    clearInterval(sampler);
    const grown = memory() - before;
    const mb = (n: number) => `${(n / MB).toFixed(1)} MB`;
    console.info(
      `8 anonymous × ${(results[0]!.totalBytes / MB).toFixed(0)} MB: answered in ${ms} ms, ${mb(results.reduce((a, r) => a + r.sentBytes, 0))} written by the clients; heap + buffers ${mb(before)} before, peak ${mb(peak)} (+${mb(peak - before)}), after ${mb(before + grown)}`,
    );
    for (const r of results) {
      expect(r.status).toBe(403);
      expect(r.body).toContain('Formulaire expiré');
      expect(r.sentBytes).toBeLessThan(r.totalBytes / 4);
    }
    expect(peak - before).toBeLessThan(40 * MB);
    expect(grown).toBeLessThan(16 * MB);
  });

  it('refuses a signed-in multipart post whose CSRF token is not the first field, before reading the files', async () => {
    const r = await postLargeMultipart(baseUrl, '/contact', { cookie: cookieOf(user), csrf: user.csrfToken(), csrfLast: true, files: 3 });
    expect(r.status).toBe(403);
    expect(r.sentBytes).toBeLessThan(r.totalBytes / 2);
  });

  it('refuses a signed-in multipart post coming from another site, before reading it', async () => {
    const r = await postLargeMultipart(baseUrl, '/contact', { cookie: cookieOf(user), csrf: user.csrfToken(), origin: 'https://attaquant.example', files: 3 });
    expect(r.status).toBe(403);
    expect(r.sentBytes).toBeLessThan(r.totalBytes / 2);
  });

  it('streams a signed-in post and stops buffering an oversize file at the limit: the form answers in French next to the field', async () => {
    const r = await postLargeMultipart(baseUrl, '/contact', { cookie: cookieOf(user), csrf: user.csrfToken(), files: 1, fileMB: 14 });
    expect(r.sentBytes).toBe(r.totalBytes);
    expect(r.status).toBe(400);
    expect(r.body).toContain('dépasse 11 Mo');
  });
});
