/**
 * One busy shared address (an office NAT, issue 20, Z1): 300 concurrent `GET /` from 127.0.0.1 on one
 * connection each, then one browser-like `GET /` (Accept: text/html) from the same address, against
 * a portal already listening on the given port. Prints the answers' statuses and errors (resets),
 * what the browser got, and the load average.
 *   npx tsx test/bench/shared-address-flood.ts 3061
 */
import { request } from 'node:http';
import { loadavg } from 'node:os';

interface Outcome {
  status?: number;
  body?: string;
  error?: string;
}

const port = Number(process.argv[2] ?? 3000);

function get(accept: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { accept }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end();
  });
}

const counts: Record<string, number> = {};
const flood = Array.from({ length: 300 }, () => get('*/*'));
const browser = get('text/html,application/xhtml+xml');
for (const r of await Promise.all(flood)) {
  const k = r.error ?? String(r.status);
  counts[k] = (counts[k] ?? 0) + 1;
}
const b = await browser;
const seen = b.error ?? `${b.status} ${/Salle d’attente/.test(b.body ?? '') ? 'page d’attente' : 'page'}`;
console.log(JSON.stringify({ flood: counts, browser: seen, loadavg: loadavg().map((x) => x.toFixed(1)) }));
