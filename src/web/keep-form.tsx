import type { FastifyInstance, FastifyRequest } from 'fastify';
import { renderToString } from 'preact-render-to-string';
import { ErrorSummary } from '../ui/components/form.tsx';
import { INPUT_LIMITS, type InvalidInputError } from '../platform/http/input.ts';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Inputs whose typed value is shown again (never a password, a hidden field, a file or a choice). */
const REFILLED = new Set(['text', 'email', 'tel', 'number', 'date', 'search', 'url']);
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\uFFFD]|[\uD800-\uDFFF]/g;

/** What can safely be shown again of a refused form: the first value of each field, cleaned. */
function keptValues(body: unknown): Record<string, string> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string' && name !== '_csrf') values[name] = first.replace(CONTROL, '').slice(0, INPUT_LIMITS.field);
  }
  return values;
}

/**
 * A `value` attribute, quoted or bare: preact renders an empty value as a bare `value`, which must be
 * replaced too (appending a second one would leave the browser showing the first, empty).
 */
const VALUE_ATTRIBUTE = /\svalue(?:="[^"]*")?(?=[\s/>])/;

/** The text inputs and textareas of `html` given back the values typed (exported for its unit test). */
export function refill(html: string, values: Record<string, string>): string {
  return html
    .replace(/<input\b[^>]*>/g, (tag) => {
      const name = /\sname="([^"]*)"/.exec(tag)?.[1];
      const type = /\stype="([^"]*)"/.exec(tag)?.[1] ?? 'text';
      if (!name || !(name in values) || !REFILLED.has(type)) return tag;
      const value = ` value="${escapeHtml(values[name]!)}"`;
      return VALUE_ATTRIBUTE.test(tag) ? tag.replace(VALUE_ATTRIBUTE, value) : tag.replace(/\s*\/?>$/, (end) => `${value}${end}`);
    })
    .replace(/(<textarea\b[^>]*\sname="([^"]*)"[^>]*>)[\s\S]*?(<\/textarea>)/g, (whole, open: string, name: string, close: string) => (name in values ? `${open}${escapeHtml(values[name]!)}${close}` : whole));
}

/** What the page shown again keeps of the visitor's request: who they are, and through which proxy. */
const VISITOR_HEADERS = ['cookie', 'host', 'user-agent', 'accept-language', 'forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip', 'via'] as const;

const pick = (headers: FastifyRequest['headers'], names: readonly string[]) =>
  Object.fromEntries(names.flatMap((name) => (headers[name] === undefined ? [] : [[name, headers[name]]]))) as Record<string, string | string[]>;

/**
 * The form a refused POST came from, shown again: the page at the same address (rendered by its own
 * GET route, with the visitor's session), the problem in the error summary at the top, the text
 * typed put back in its fields. Null when there is no such page (the caller shows the error page).
 */
export async function formWithInputError(app: FastifyInstance, request: FastifyRequest, path: string, error: InvalidInputError): Promise<string | null> {
  // the same address only: the router takes `/a/..\b` as one parameter where the internal request
  // would normalise it to `/b` (another page, the dev outbox: test/attack/form-error-rerender-path.test.ts)
  if (new URL(path, 'http://portail.invalid').pathname !== path) return null;
  const page = await app.inject({
    method: 'GET',
    url: path,
    // seen as the same visitor: their socket's address and any proxy's headers, never as this machine
    remoteAddress: request.socket.remoteAddress,
    headers: { accept: 'text/html', ...pick(request.headers, VISITOR_HEADERS) },
  });
  if (page.statusCode !== 200 || !String(page.headers['content-type']).startsWith('text/html') || page.body.includes('id="error-summary"')) return null;
  const main = page.body.indexOf('<main');
  const h1 = page.body.indexOf('<h1', main);
  if (main === -1 || h1 === -1) return null;
  const summary = renderToString(<ErrorSummary errors={{ [error.field]: `${error.frenchMessage} Rien n’a été enregistré : vérifiez ce champ et envoyez de nouveau le formulaire.` }} />);
  const html = `${page.body.slice(0, h1)}${summary}${page.body.slice(h1)}`.replace('<title>', '<title>Erreur : ');
  return refill(html, keptValues(request.body));
}
