import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { type PageContext, PageContextValue } from '../../ui/page-context.ts';
import type { AssetUrls } from './assets.ts';

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a page (a <Layout> tree) with the request's context, as a full HTML document. */
    render(page: VNode, status?: number): Promise<FastifyReply>;
  }
}

export interface RenderOptions {
  assets: AssetUrls;
  devOutbox: boolean;
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

export async function buildPageContext(request: FastifyRequest, opts: RenderOptions): Promise<PageContext> {
  const session = request.session;
  const noExtras = (request as FastifyRequest & { [NO_EXTRAS]?: true })[NO_EXTRAS];
  const extras = await (noExtras ? Promise.resolve({ banners: [], user: null }) : opts.pageExtras(request)).catch((error: unknown) => {
    request.log.error({ err: error }, 'page extras unavailable');
    return { banners: [], user: null };
  });
  return {
    path: (request.url.split('?')[0] ?? '/').replace(/\/+$/, '') || '/',
    assets: opts.assets,
    csrfToken: () => (session ? session.csrfToken() : ''),
    flash: session ? session.takeFlash() : [],
    devOutbox: opts.devOutbox,
    requestId: request.id,
    ...extras,
  };
}

export const renderPlugin = fp(async (app: FastifyInstance, opts: RenderOptions) => {
  app.decorateReply('render', async function (this: FastifyReply, page: VNode, status = 200) {
    const ctx = await buildPageContext(this.request, opts);
    return this.code(status).type('text/html; charset=utf-8').send(renderDocument(page, ctx));
  });
});
