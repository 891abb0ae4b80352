import { formatDayMonthTime } from '../format-date.ts';
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Generated } from 'kysely';
import { sql } from 'kysely';
import { renderToString } from 'preact-render-to-string';
import type { Config } from '../../config.ts';
import type { Db } from '../db/database.ts';
import type { Json, Timestamp } from '../db/column-types.ts';
import { originMatchesHost } from './csrf.ts';
import { INPUT_LIMITS } from './input.ts';
import { csrfTokenOf, hashId } from './session.ts';
import { addToRequestLine } from '../observability/request-log.ts';

/**
 * "Nothing typed is lost" (issue 16): a form posted after its session expired is still refused (the
 * CSRF rule stands: nothing is saved in the procedure), but the values typed are kept here for the
 * account that session belonged to, and put back in the same page's form once that account signs
 * in again — shown once, then deleted. Kept only when the post proves it came from that very
 * session's page in this browser: the session cookie, validly signed, and the CSRF token of that
 * session's id (an HMAC with the server's secret, so another site can neither forge nor replay it
 * for someone else), from this origin. Never a password, a code, a token or a file.
 */
export interface FormDraftsTable {
  id: Generated<number>;
  user_id: number;
  path: string;
  field_values: Json<Record<string, string>>;
  created_at: Generated<Date>;
  expires_at: Timestamp;
}

export const DRAFT_KEPT_DAYS = 7;
const MAX_FIELDS = 80;
/** Names whose value is never kept: secrets, codes, one-time keys, a payment card's number and cryptogram, the form's own machinery. */
const NEVER_KEPT = /pass|(^|_)code($|_)|token|csrf|secret|idempotency|otp|card|carte|cvc|cvv|(^|_)pin($|_)|^intent$|^retour$/i;
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\uFFFD]|[\uD800-\uDFFF]/g;

const draftsDb = (db: Db) => db.withTables<{ form_drafts: FormDraftsTable }>();

/** The values worth keeping from a posted body: text only, first value of each field, cleaned and bounded. */
export function keepableValues(body: unknown): Record<string, string> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (Object.keys(values).length >= MAX_FIELDS || NEVER_KEPT.test(name) || name.length > 100) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') values[name] = first.replace(CONTROL, '').slice(0, INPUT_LIMITS.field);
  }
  return values;
}

/** The same-origin page the form was on (its Referer), or the POST's own address when a page answers GET there. */
function formPage(app: FastifyInstance, request: FastifyRequest): string | null {
  const referer = request.headers.referer;
  if (referer) {
    try {
      const url = new URL(referer);
      if (url.host === request.headers.host) return url.pathname;
    } catch {
      /* no usable referer */
    }
  }
  const path = request.url.split('?')[0]!;
  return pagesOf(app).some((page) => page.test(path)) ? path : null;
}

/** The addresses that answer GET (collected as routes are added): where a kept form can come back. */
const GET_PAGES = new WeakMap<FastifyInstance, RegExp[]>();
const pagesOf = (app: FastifyInstance): RegExp[] => GET_PAGES.get(app) ?? [];
const routePattern = (url: string) => new RegExp(`^${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z_]\w*/g, '[^/]+')}$`);

/**
 * Called when a POST failed its CSRF check: keeps what was typed when the post came from a session
 * of this browser that has just expired. Returns the page where the values will come back, or null.
 */
export async function keepExpiredForm(app: FastifyInstance, db: Db, config: Config, request: FastifyRequest): Promise<string | null> {
  const expiredId = request.expiredSessionId;
  if (!expiredId || request.method !== 'POST' || !originMatchesHost(request)) return null;
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return null;
  const body = request.body as Record<string, unknown> | undefined;
  const token = body && typeof body === 'object' ? body._csrf : undefined;
  if (typeof token !== 'string') return null;
  const expected = Buffer.from(csrfTokenOf(expiredId, config.sessionSecret));
  const given = Buffer.from(token);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  const owner = await db.selectFrom('sessions').select(['user_id', 'data']).where('id_hash', '=', hashId(expiredId)).executeTakeFirst();
  // a user's own session only (never an agent's, never an anonymous form: nobody to give it back to)
  if (!owner?.user_id || (owner.data as Record<string, unknown>).agentId) return null;
  const path = formPage(app, request);
  const values = keepableValues(body);
  if (!path || !Object.keys(values).length) return null;
  const drafts = draftsDb(db);
  await drafts.transaction().execute(async (trx) => {
    await trx.deleteFrom('form_drafts').where('expires_at', '<=', sql<Date>`now()`).execute();
    await trx.deleteFrom('form_drafts').where('user_id', '=', owner.user_id!).where('path', '=', path).execute(); // the last one typed wins
    await trx
      .insertInto('form_drafts')
      .values({ user_id: owner.user_id!, path, field_values: JSON.stringify(values), expires_at: sql<Date>`now() + make_interval(days => ${DRAFT_KEPT_DAYS})` })
      .execute();
  });
  addToRequestLine(request, { formKeptFor: path }); // a form posted after the session expired, kept for its owner
  return path;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const TEXT_TYPES = new Set(['text', 'email', 'tel', 'number', 'date', 'search', 'url']);

/** The page's form filled with the kept values: text fields, text areas, radios, boxes and lists. */
export function refillForm(html: string, values: Record<string, string>): string {
  return html
    .replace(/<input\b[^>]*>/g, (tag) => {
      const name = /\sname="([^"]*)"/.exec(tag)?.[1];
      const type = /\stype="([^"]*)"/.exec(tag)?.[1] ?? 'text';
      if (!name || !(name in values)) return tag;
      if (TEXT_TYPES.has(type)) {
        // an empty value is rendered bare (`value`): replaced too, or the first one would win
        const bare = tag.replace(/\svalue(="[^"]*")?(?=[\s/>])/, '');
        return bare.replace(/\s*\/?>$/, (end) => ` value="${escapeHtml(values[name]!)}"${end}`);
      }
      if (type === 'radio' || type === 'checkbox') {
        const own = /\svalue="([^"]*)"/.exec(tag)?.[1] ?? 'on';
        const bare = tag.replace(/\schecked(="[^"]*")?(?=[\s/>])/, '');
        return own === escapeHtml(values[name]!) ? bare.replace(/\s*\/?>$/, (end) => ` checked${end}`) : bare;
      }
      return tag;
    })
    .replace(/(<textarea\b[^>]*\sname="([^"]*)"[^>]*>)[\s\S]*?(<\/textarea>)/g, (whole, open: string, name: string, close: string) => (name in values ? `${open}${escapeHtml(values[name]!)}${close}` : whole))
    .replace(/(<select\b[^>]*\sname="([^"]*)"[^>]*>)([\s\S]*?)(<\/select>)/g, (whole, open: string, name: string, options: string, close: string) => {
      if (!(name in values)) return whole;
      const wanted = escapeHtml(values[name]!);
      return open + options.replace(/<option\b[^>]*>/g, (tag) => {
        const bare = tag.replace(/\sselected(="[^"]*")?/, '');
        return /\svalue="([^"]*)"/.exec(bare)?.[1] === wanted ? bare.replace(/>$/, ' selected>') : bare;
      }) + close;
    });
}

function KeptNotice({ at }: { at: Date }) {
  const when = formatDayMonthTime(at);
  return (
    <div class="fr-alert fr-alert--info fr-mb-3w app-kept-form" id="formulaire-retrouve">
      <h2 class="fr-alert__title">Nous avons retrouvé ce que vous aviez saisi</h2>
      <p>
        Votre session avait expiré quand vous avez envoyé ce formulaire, le {when} : rien n’avait été enregistré. Ce que vous aviez saisi est
        remis dans le formulaire ci-dessous (sauf les fichiers joints et les codes) : vérifiez-le, puis envoyez-le.
      </p>
    </div>
  );
}

/**
 * Puts a kept form back: on the next page of the same address that the account opens (a form page
 * answered 200 in HTML), the values are refilled and a notice says so; then the draft is deleted.
 * Only sessions read with a waiting draft look (`hasKeptForms`, one column of the session's query):
 * the other pages cost no statement.
 */
export const formDraftsPlugin = fp(async (app: FastifyInstance, opts: { db: Db }) => {
  const drafts = draftsDb(opts.db);
  const pages: RegExp[] = [];
  GET_PAGES.set(app, pages);
  app.addHook('onRoute', (route) => {
    if ([route.method].flat().includes('GET') && !route.url.includes('*')) pages.push(routePattern(route.url));
  });
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload) => {
    if (request.method !== 'GET' || reply.statusCode !== 200) return payload;
    const userId = request.session?.userId;
    if (!userId || !request.session.hasKeptForms || request.session.get('agentId') || !String(reply.getHeader('content-type') ?? '').startsWith('text/html')) return payload;
    // a rendered page comes as its bytes (render.ts): read as text only here, for an account with a kept form
    const html = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
    if (html === null || !html.includes('<form')) return payload;
    const path = request.url.split('?')[0]!;
    const draft = await drafts
      .deleteFrom('form_drafts')
      .where('user_id', '=', userId)
      .where('path', '=', path)
      .where('expires_at', '>', sql<Date>`now()`)
      .returning(['field_values', 'created_at'])
      .executeTakeFirst();
    if (!draft) return payload;
    const h1 = html.indexOf('<h1', html.indexOf('<main'));
    const filled = refillForm(html, draft.field_values as Record<string, string>);
    if (h1 === -1) return filled;
    const at = filled.indexOf('<h1', filled.indexOf('<main'));
    return `${filled.slice(0, at)}${renderToString(<KeptNotice at={draft.created_at} />)}${filled.slice(at)}`;
  });
});
