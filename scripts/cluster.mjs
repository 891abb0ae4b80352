/**
 * `npm run cluster -- 3`: three portal processes on one PostgreSQL database (DATABASE_URL), behind
 * a small round-robin reverse proxy listening on PORT (3000 by default). The processes listen on
 * PORT+1, PORT+2…; each runs its own job worker (jobs are claimed with SKIP LOCKED, the audit sealer
 * by one node at a time). Nothing a second node needs lives in a process: sessions, throttles,
 * jobs, the FranceConnect simulator's state are in the database (docs/decisions/0022).
 * Stop with Ctrl+C (SIGINT/SIGTERM go to every process).
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { build, isStale, ROOT } from './build.mjs';
import { PORTAL_NODE_FLAGS } from './node-flags.mjs';

const count = Number(process.argv[2] ?? 2);
if (!Number.isInteger(count) || count < 1 || count > 32) {
  console.error('Usage : npm run cluster -- <nombre de processus, de 1 à 32>');
  process.exit(2);
}
if (!process.env.DATABASE_URL?.startsWith('postgres')) {
  console.error('npm run cluster demande DATABASE_URL=postgres://… : la base intégrée (PGlite) ne se partage pas entre processus.');
  process.exit(2);
}
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const publicUrl = process.env.PUBLIC_URL ?? `http://localhost:${port}`;

if (isStale()) await build();

const children = [];
function startNode(i) {
  const nodePort = port + i + 1;
  const child = spawn(process.execPath, [...PORTAL_NODE_FLAGS, path.join(ROOT, 'scripts', 'start.mjs')], {
    // every node: the same public address, the proxy's X-Forwarded-For trusted (per-IP limits see the visitor)
    env: { ...process.env, PORT: String(nodePort), HOST: '127.0.0.1', PUBLIC_URL: publicUrl, TRUST_PROXY: '1' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (!stopping) console.error(`Le processus ${i + 1} (port ${nodePort}) s’est arrêté (${signal ?? code}).`);
  });
  children.push(child);
  return { port: nodePort, child };
}

async function ready(nodePort, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: nodePort, path: '/healthz', timeout: 2000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`le processus du port ${nodePort} ne répond pas`);
}

let stopping = false;
function stop() {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  proxy.close();
  setTimeout(() => process.exit(0), 10_000).unref();
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

// The first node alone (migrations, demo data, the development secrets in DATA_DIR), then the others.
const nodes = [startNode(0)];
await ready(nodes[0].port);
for (let i = 1; i < count; i++) nodes.push(startNode(i));
await Promise.all(nodes.slice(1).map((n) => ready(n.port)));

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
let next = 0;
const proxy = http.createServer((req, res) => {
  const tryNode = (attempt) => {
    const target = nodes[next++ % nodes.length];
    const forwardedFor = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
    const upstream = http.request(
      { host: '127.0.0.1', port: target.port, method: req.method, path: req.url, agent, headers: { ...req.headers, 'x-forwarded-for': forwardedFor, 'x-forwarded-proto': 'http' } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      // a node that refuses the connection before anything was sent: the next one, once (bodies are not replayed)
      if (attempt === 0 && !res.headersSent && (req.method === 'GET' || req.method === 'HEAD')) return tryNode(1);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Service momentanément indisponible : réessayez dans quelques instants.');
    });
    if (req.readableEnded) upstream.end();
    else req.pipe(upstream);
  };
  tryNode(0);
});
proxy.listen(port, host, () => {
  console.log(`Portail en ${count} processus (${nodes.map((n) => n.port).join(', ')}) derrière http://${host}:${port}`);
});
