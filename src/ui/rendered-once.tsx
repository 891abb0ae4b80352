import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { setKeepingAtMost } from '../platform/bounded-map.ts';

/**
 * The parts of a page that depend on no request (skip links, the header's brand, the footer, the
 * session warning's text), rendered once per process and sent as they are: they read no PageContext, so no user's name,
 * token or path can ever be in them.
 */
const renderedOnce = new Map<() => VNode, { __html: string }>();
export function staticHtml(Part: () => VNode): { __html: string } {
  let html = renderedOnce.get(Part);
  if (!html) renderedOnce.set(Part, (html = { __html: renderToString(<Part />) }));
  return html;
}

/**
 * The parts that depend on a few values of the request only (the head on the page's title, the menu
 * on the signed-in profile and the current page), rendered once per value and kept: at most
 * RENDERED_BY_KEY_KEPT of each, the first kept forgotten first. The key is every value the part is
 * made of, so two requests with the same key are sent the very same HTML; no name, token or id is
 * ever in one.
 */
const RENDERED_BY_KEY_KEPT = 500;
export function htmlFor(memo: Map<string, { __html: string }>, key: string, Part: () => VNode): { __html: string } {
  let html = memo.get(key);
  if (!html) setKeepingAtMost(memo, key, (html = { __html: renderToString(<Part />) }), RENDERED_BY_KEY_KEPT);
  return html;
}
