import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Form fields this route reads as a list (a checkbox group): they may be sent several times. */
    multiValued?: readonly string[];
  }
}

/**
 * The input boundary. Query strings and urlencoded bodies are parsed here (never throwing: a value
 * that is not valid percent-encoded UTF-8 is recorded as a problem), then one hook checks every
 * query value, path parameter and form field before any route code or database sees it: one text
 * value per field (a repeated key or an array is refused unless the route lists it in
 * `multiValued`), no NUL or control character, valid UTF-8, a bounded length. Anything else is an
 * InvalidInputError: a French 400 naming the field, never a 5xx.
 */

export type InputProblem = 'repeated' | 'not_text' | 'control' | 'encoding' | 'too_long' | 'multipart' | 'too_many_files' | 'too_many_fields';

export const INPUT_LIMITS = {
  /** characters of a query value or a path parameter (an OIDC id_token_hint takes ~1,500) */
  query: 8_000,
  /** characters of a form field (the longest textarea takes 4,000) */
  field: 20_000,
  /** characters of a field name */
  name: 100,
  /** name=value pairs of one query string or urlencoded body (the largest form sends ~40) */
  pairs: 500,
} as const;

export class InvalidInputError extends Error {
  readonly statusCode: 400 | 413;
  constructor(
    readonly field: string,
    readonly problem: InputProblem,
    readonly limit?: number,
  ) {
    super(`invalid input: ${problem}`);
    this.statusCode = problem === 'too_many_files' || problem === 'too_many_fields' ? 413 : 400;
  }

  /** What the person reads, next to the "Requête invalide" title. */
  get frenchMessage(): string {
    const name = `« ${this.field.slice(0, 40)} »`;
    switch (this.problem) {
      case 'repeated':
        return `Le champ ${name} a été envoyé plusieurs fois alors qu’il n’attend qu’une valeur.`;
      case 'not_text':
        return `Le champ ${name} n’a pas la forme attendue : le service attend un texte.`;
      case 'control':
        return `Le champ ${name} contient un caractère non autorisé (caractère nul ou de contrôle).`;
      case 'encoding':
        return `Le champ ${name} contient des caractères mal encodés que le service ne peut pas lire.`;
      case 'too_long':
        return `Le champ ${name} est trop long : ${this.limit?.toLocaleString('fr-FR')} caractères au plus.`;
      case 'multipart':
        return 'Le formulaire est arrivé incomplet ou mal formé (envoi interrompu ?).';
      case 'too_many_files':
        return `Ce formulaire accepte ${this.limit} fichiers au plus en un envoi : joignez les autres ensuite.`;
      case 'too_many_fields':
        return 'Le formulaire contient plus de champs que ce service n’en attend.';
    }
  }
}

/** Values decoded from percent-encoding that were not valid UTF-8, by parsed object. */
const badEncoding = new WeakMap<object, string>();
/** Parsed objects whose text held more than INPUT_LIMITS.pairs pairs (the rest was not read). */
const tooManyPairs = new WeakSet<object>();

function decode(text: string): string | null {
  try {
    return decodeURIComponent(text.includes('+') ? text.replace(/\+/g, ' ') : text);
  } catch {
    return null;
  }
}

/**
 * `a=1&b=2&b=3` as `{ a: '1', b: ['2', '3'] }` (the shape of Fastify's own parser), on an object
 * without prototype; an undecodable name or value is kept raw and recorded, for the hook to refuse.
 * Past INPUT_LIMITS.pairs pairs the rest is not read and the object is recorded as too large: a
 * 256 kB body of one key repeated 64,000 times is refused at once (it held a node for minutes when
 * each repeat copied the list of values).
 */
export function parseUrlEncoded(text: string): Record<string, string | string[]> {
  const out = Object.create(null) as Record<string, string | string[]>;
  if (!text) return out;
  let pairs = 0;
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('&', start);
    if (end === -1) end = text.length;
    const pair = text.slice(start, end);
    start = end + 1;
    if (!pair) continue;
    if (++pairs > INPUT_LIMITS.pairs) {
      tooManyPairs.add(out);
      break;
    }
    const eq = pair.indexOf('=');
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    const name = decode(rawName);
    const value = decode(rawValue);
    const key = name ?? rawName;
    if ((name === null || value === null) && !badEncoding.has(out)) badEncoding.set(out, key);
    const current = out[key];
    const v = value ?? rawValue;
    if (current === undefined) out[key] = v;
    else if (Array.isArray(current)) current.push(v);
    else out[key] = [current, v];
  }
  return out;
}

// NUL and C0/C1 controls other than tab, line feed and carriage return; U+FFFD is what a decoder
// puts for bytes that were not UTF-8; lone surrogates cannot be stored as UTF-8.
// C0 and C1 controls, and the noncharacters U+FFFE and U+FFFF (they break XML: an Atom feed)
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]/;
const MISENCODED = /\uFFFD|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function problemOf(value: string, limit: number): InputProblem | null {
  if (value.length > limit) return 'too_long';
  if (CONTROL.test(value)) return 'control';
  if (MISENCODED.test(value)) return 'encoding';
  return null;
}

/** Checks a record of request values; throws the first problem found. */
export function checkRecord(record: unknown, limit: number, multiValued: readonly string[] = []): void {
  if (record === undefined || record === null) return;
  if (typeof record !== 'object' || Array.isArray(record)) throw new InvalidInputError('(corps)', 'not_text');
  if (tooManyPairs.has(record)) throw new InvalidInputError('(formulaire)', 'too_many_fields');
  const encoding = badEncoding.get(record);
  if (encoding !== undefined) throw new InvalidInputError(encoding, 'encoding');
  for (const [name, value] of Object.entries(record)) {
    const nameProblem = problemOf(name, INPUT_LIMITS.name);
    if (nameProblem) throw new InvalidInputError(name, nameProblem, INPUT_LIMITS.name);
    const values = Array.isArray(value) ? value : [value];
    if (Array.isArray(value) && !multiValued.includes(name)) throw new InvalidInputError(name, value.every((v) => typeof v === 'string') ? 'repeated' : 'not_text');
    for (const one of values) {
      if (typeof one !== 'string') throw new InvalidInputError(name, 'not_text');
      const problem = problemOf(one, limit);
      if (problem) throw new InvalidInputError(name, problem, limit);
    }
  }
}

/** Server-to-server endpoints (no CSRF: authenticated by a signature) read their JSON bodies themselves. */
const ownsBody = (request: FastifyRequest) => request.routeOptions.config?.csrf === false && !/^application\/x-www-form-urlencoded|^multipart\//.test(request.headers['content-type'] ?? '');

export const inputPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('preValidation', async (request) => {
    checkRecord(request.params, INPUT_LIMITS.query);
    checkRecord(request.query, INPUT_LIMITS.query);
    if (request.method === 'GET' || request.method === 'HEAD' || ownsBody(request)) return;
    checkRecord(request.body, INPUT_LIMITS.field, request.routeOptions.config?.multiValued);
  });
});
