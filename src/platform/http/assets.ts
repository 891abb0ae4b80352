import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { precompressed } from './precompressed.ts';

const require = (await import('node:module')).createRequire(import.meta.url);
const DSFR_DIST = path.dirname(require.resolve('@gouvfr/dsfr/dist/dsfr.min.css'));
const DSFR_VERSION = (JSON.parse(readFileSync(path.join(DSFR_DIST, '..', 'package.json'), 'utf8')) as { version: string })
  .version;
export const PUBLIC_DIR = fileURLToPath(new URL('../../../public/', import.meta.url));

const IMMUTABLE = 'public, max-age=31536000, immutable';

export interface AssetUrls {
  dsfrCss: string;
  dsfrIconsCss: string;
  dsfrModuleJs: string;
  dsfrNoModuleJs: string;
  /** our own files, by logical name ("app.css") → URL with a content hash */
  own: Record<string, string>;
  dsfr(relative: string): string;
}

/** Names our own public files by their content hash: `app.css` → `/assets/app.3f2a9c1b.css`. */
function hashOwnAssets(): { urls: Record<string, string>; files: Map<string, string> } {
  const urls: Record<string, string> = {};
  const files = new Map<string, string>();
  for (const name of readdirSync(PUBLIC_DIR)) {
    const full = path.join(PUBLIC_DIR, name);
    const hash = createHash('sha256').update(readFileSync(full)).digest('hex').slice(0, 10);
    const ext = path.extname(name);
    const hashed = `${path.basename(name, ext)}.${hash}${ext}`;
    urls[name] = `/assets/${hashed}`;
    files.set(hashed, name);
  }
  return { urls, files };
}

/** The big text files every page loads, compressed once per content (brotli 11, gzip 9: precompressed.ts) and kept in memory. */
const PRECOMPRESSED = ['dsfr.min.css', 'utility/utility.min.css', 'dsfr.module.min.js', 'dsfr.nomodule.min.js'];
const TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };

function registerPrecompressed(app: FastifyInstance, url: string, file: string): void {
  const variants = precompressed(file);
  const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
  app.get(url, { config: { compress: false } } as never, async (request, reply) => {
    const accept = String(request.headers['accept-encoding'] ?? '');
    const encoding = /\bbr\b/.test(accept) ? 'br' : /\bgzip\b/.test(accept) ? 'gzip' : 'identity';
    reply.header('cache-control', IMMUTABLE).header('vary', 'accept-encoding').type(type);
    if (encoding !== 'identity') reply.header('content-encoding', encoding);
    return reply.send(variants[encoding]);
  });
}

/** The DSFR files served precompressed, by absolute path (`npm run build` warms their cache). */
export const precompressedFiles = (): string[] => PRECOMPRESSED.map((file) => path.join(DSFR_DIST, file));

export async function registerAssets(app: FastifyInstance): Promise<AssetUrls> {
  const dsfrPrefix = `/assets/dsfr/${DSFR_VERSION}/`;
  for (const file of PRECOMPRESSED) registerPrecompressed(app, `${dsfrPrefix}${file}`, path.join(DSFR_DIST, file));
  // The DSFR is served from the installed package, under its version: a new version is a new URL.
  await app.register(fastifyStatic, {
    root: DSFR_DIST,
    prefix: dsfrPrefix,
    decorateReply: false,
    cacheControl: false,
    setHeaders: (reply) => reply.header('cache-control', IMMUTABLE),
  });
  const own = hashOwnAssets();
  await app.register(fastifyStatic, {
    root: PUBLIC_DIR,
    prefix: '/assets/',
    decorateReply: true,
    serve: false,
  });
  app.get<{ Params: { file: string } }>('/assets/:file', async (request, reply) => {
    const original = own.files.get(request.params.file);
    if (!original) return reply.callNotFound();
    reply.header('cache-control', IMMUTABLE);
    return reply.sendFile(original, { cacheControl: false });
  });
  return {
    dsfrCss: `${dsfrPrefix}dsfr.min.css`,
    dsfrIconsCss: `${dsfrPrefix}utility/utility.min.css`,
    dsfrModuleJs: `${dsfrPrefix}dsfr.module.min.js`,
    dsfrNoModuleJs: `${dsfrPrefix}dsfr.nomodule.min.js`,
    own: own.urls,
    dsfr: (relative: string) => `${dsfrPrefix}${relative}`,
  };
}
