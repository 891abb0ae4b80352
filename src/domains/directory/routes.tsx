import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { contentSecurityPolicy } from '../../platform/http/security-headers.ts';
import { DirectoryPage, type DirectoryAssets, type DirectoryPageProps } from './pages/directory.tsx';
import type { MapConfig } from './map-config.ts';
import { kindFromSlug, PLACE_KINDS, positionSchema, searchSchema } from './model.ts';
import type { DirectoryService } from './service.ts';

type Query = Record<string, string | undefined>;
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Serves Leaflet from node_modules (under its version, like the DSFR) and our map script and styles (content-hashed). */
async function registerDirectoryAssets(app: FastifyInstance): Promise<DirectoryAssets> {
  const require = createRequire(import.meta.url);
  const leafletDist = path.dirname(require.resolve('leaflet/dist/leaflet.js'));
  const version = (JSON.parse(readFileSync(path.join(leafletDist, '..', 'package.json'), 'utf8')) as { version: string }).version;
  const prefix = `/assets/leaflet/${version}/`;
  await app.register(fastifyStatic, { root: leafletDist, prefix, decorateReply: false, cacheControl: false, setHeaders: (reply) => reply.header('cache-control', IMMUTABLE) });
  const own = (file: string, type: string) => {
    const bytes = readFileSync(new URL(`./pages/${file}`, import.meta.url));
    const [base, ext] = file.split('.') as [string, string];
    const url = `/assets/annuaire/${base}.${createHash('sha256').update(bytes).digest('hex').slice(0, 10)}.${ext}`;
    app.get(url, (_request, reply) => reply.header('cache-control', IMMUTABLE).type(type).send(bytes));
    return url;
  };
  return {
    leafletCss: `${prefix}leaflet.css`,
    leafletJs: `${prefix}leaflet.js`,
    css: own('directory.css', 'text/css; charset=utf-8'),
    js: own('directory-map.js', 'text/javascript; charset=utf-8'),
  };
}

/** The site's strict CSP with the tile server's origin added to img-src, for the directory pages only. */
function directoryCsp(app: FastifyInstance, map: MapConfig): string {
  const directives = contentSecurityPolicy(app.config);
  if (map.tilesOrigin) directives['img-src'] = [...(directives['img-src'] ?? []), map.tilesOrigin];
  return Object.entries(directives)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => [k, ...v!].join(' '))
    .join('; ');
}

/** The public directory of places: search by commune or postcode, or around the browser's position. */
export async function registerDirectoryRoutes(app: FastifyInstance, directory: DirectoryService, map: MapConfig): Promise<void> {
  const assets = await registerDirectoryAssets(app);
  const csp = directoryCsp(app, map);
  const base = { map: { tilesUrl: map.tilesUrl, attribution: map.attribution }, assets };

  function render(reply: FastifyReply, props: Omit<DirectoryPageProps, 'map' | 'assets'>, status = 200) {
    reply.header('content-security-policy', csp);
    return reply.render(<DirectoryPage {...base} {...props} />, status);
  }

  app.get('/lieux', async (request: FastifyRequest, reply) => {
    const query = request.query as Query;
    const values = { q: query.q ?? '', type: kindFromSlug(query.type) ? query.type : '' };
    if (query.q === undefined) return render(reply, { values, errors: {} });
    const parsed = searchSchema.safeParse(query);
    if (!parsed.success) return render(reply, { values, errors: { q: parsed.error.issues.find((i) => i.path[0] === 'q')?.message ?? 'Saisissez une commune ou un code postal' } }, 400);
    const located = directory.locate(parsed.data.q, parsed.data.commune);
    if (!located.ok) {
      if ('error' in located) return render(reply, { values, errors: { q: located.error } }, 400);
      return render(reply, { values, errors: {}, choices: located.choices });
    }
    const kind = kindFromSlug(values.type);
    const results = await directory.search(located.origin, kind ? [kind] : PLACE_KINDS);
    return render(reply, { values, errors: {}, origin: located.origin, results: kind ? { [kind]: results[kind] } : results });
  });

  // The position is posted, not put in a URL: it reaches no log, no history, and is kept nowhere.
  app.post('/lieux/autour-de-moi', async (request, reply) => {
    const parsed = positionSchema.safeParse(request.body ?? {});
    const type = (request.body as Query | undefined)?.type;
    const values = { q: '', type: kindFromSlug(type) ? type : '' };
    if (!parsed.success) return render(reply, { values, errors: { q: 'Votre position n’a pas pu être lue : saisissez une commune ou un code postal' } }, 400);
    const kind = kindFromSlug(values.type);
    const origin = { latitude: parsed.data.latitude, longitude: parsed.data.longitude, label: 'votre position', precision: 'position' as const };
    const results = await directory.search(origin, kind ? [kind] : PLACE_KINDS);
    return render(reply, { values, errors: {}, origin, results: kind ? { [kind]: results[kind] } : results });
  });
}
