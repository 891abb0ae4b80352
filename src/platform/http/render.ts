import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { VNode } from 'preact';

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a page (a <Layout> tree) with the request's context, as a full HTML document. */
    render(page: VNode, status?: number): Promise<FastifyReply>;
  }
}

export interface RenderOptions {
  /** The full HTML document of a page for a request (the portal's: src/web/page-document.tsx). */
  document: (page: VNode, request: FastifyRequest) => Promise<string>;
}

/**
 * `reply.render(page, status)`: what a page is wrapped in is the caller's, passed as `document`.
 * The page is sent as its UTF-8 bytes, encoded once: a string answer is measured (Content-Length)
 * then encoded again when written, and a page's text is a two-byte string (’, «, narrow spaces) of
 * thousands of joined pieces, flattened for each.
 */
export const renderPlugin = fp(async (app: FastifyInstance, opts: RenderOptions) => {
  app.decorateReply('render', async function (this: FastifyReply, page: VNode, status = 200) {
    const html = await opts.document(page, this.request);
    return this.code(status).type('text/html; charset=utf-8').send(Buffer.from(html));
  });
});
