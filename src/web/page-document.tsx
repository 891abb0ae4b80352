import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { AssetUrls } from '../platform/http/assets.ts';
import { type PageContext, PageContextValue } from '../ui/page-context.ts';

export interface PageDocumentOptions {
  assets: AssetUrls;
  /** whether this request's page links to the dev outbox (on, and readable by this reader) */
  devOutbox: (request: FastifyRequest) => boolean;
  /** maintenance banners and the signed-in user's name, looked up per request */
  pageExtras: (request: FastifyRequest) => Promise<Pick<PageContext, 'banners' | 'user'>>;
}

export function renderDocument(page: VNode, ctx: PageContext): string {
  return `<!DOCTYPE html>${renderToString(<PageContextValue.Provider value={ctx}>{page}</PageContextValue.Provider>)}`;
}

const NO_EXTRAS = Symbol('render.noExtras');

/** The page of this request is rendered without the extras that need the database (it is overloaded: the 503 page). */
export function renderWithoutDatabase(request: FastifyRequest): void {
  (request as FastifyRequest & { [NO_EXTRAS]?: true })[NO_EXTRAS] = true;
}

export async function buildPageContext(request: FastifyRequest, opts: PageDocumentOptions): Promise<PageContext> {
  const session = request.session;
  const noExtras = (request as FastifyRequest & { [NO_EXTRAS]?: true })[NO_EXTRAS];
  const extras = await (noExtras ? Promise.resolve({ banners: [], user: null }) : opts.pageExtras(request)).catch((error: unknown) => {
    request.log.error({ err: error }, 'bandeaux et nom de l’utilisateur indisponibles pour la page');
    return { banners: [], user: null };
  });
  return {
    path: (request.url.split('?')[0] ?? '/').replace(/\/+$/, '') || '/',
    assets: opts.assets,
    csrfToken: () => (session ? session.csrfToken() : ''),
    flash: session ? session.takeFlash() : [],
    devOutbox: opts.devOutbox(request),
    requestId: request.id,
    ...extras,
  };
}

/** The portal's page document (the `document` of platform/http/render.ts): the page inside the request's PageContext. */
export function pageDocument(opts: PageDocumentOptions): (page: VNode, request: FastifyRequest) => Promise<string> {
  return async (page, request) => renderDocument(page, await buildPageContext(request, opts));
}
