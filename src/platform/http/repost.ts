import type { IncomingMessage } from 'node:http';

/**
 * A form posted by someone the waiting room sends to wait is not lost: the waiting page carries the
 * fields again, as hidden inputs of a form that re-posts them to the same URL when the visitor asks
 * (« Renvoyer ma demande »; never automatically). What is echoed, and what is not:
 *
 * - only a urlencoded body (a multipart one carries files, which a page cannot put back into a form:
 *   the browser lets only the user choose a file), of at most `REPOST_MAX_BYTES` and
 *   `REPOST_MAX_FIELDS` fields (the page stays light; past either, nothing is echoed);
 * - only a post from this very site (an `Origin` other than the host's is not echoed: another site
 *   cannot have its fields turned into a form of ours);
 * - never a secret: a field whose name holds one of `SECRET_WORDS` (password, code, …) is dropped,
 *   and the page says it must be typed again;
 * - every name and value is escaped by the page's renderer (preact) like any other text.
 *
 * The CSRF token goes back as it was sent (`_csrf`), so the re-post validates as the first post would
 * have; a form's idempotency key too, so a double submit still does nothing twice.
 */

/** Bytes of a body that may be echoed (a sign-up form is ~1 kB; a message of a few kB fits). */
export const REPOST_MAX_BYTES = 16 * 1024;
/** Fields that may be echoed. */
export const REPOST_MAX_FIELDS = 64;
/** How long a shed post's body has to arrive (ms): the body is normally in the same packets as the head. */
export const REPOST_READ_MS = 2000;

/**
 * What makes a field a secret, never echoed. Its name (any case) is cut into words on `_`, `-`, `.`,
 * brackets, digits and camelCase, then each word, and the name run together, are compared:
 *
 * - words that are secrets as a prefix (`password2`, `pincode`, `stamp_number`): passwords and
 *   their usual names (`pass`, `passe`, `pwd`, `mdp`), codes (`code`: the citizen's and agents'
 *   second factor; `cession_code`, `photo_code`, `has_code`), one-time codes (`otp`, `totp`),
 *   `pin`, `secret`, `token`, an `apikey`, a card (`card_number`, `cvc`, `cvv`, `carte`), a
 *   bank account (`iban`, `rib`, `bic`), the social security number (`nir`, `secu`), a fiscal stamp
 *   (`stamp`, `stamp_number`, `timbre`);
 * - stems found anywhere in a word (`motdepasse`, `CESSIONCODE`, `userpassword`): `pass`, `pwd`,
 *   `mdp`, `code`, `secret`, `token`, `iban`, `stamp`, `timbre`, `cvc`, `cvv`, `otp`;
 * - except the few ordinary words these stems hide: `passport`, `postcode`, `zipcode`, `passager`.
 *
 * The portal's own sensitive fields (read from its forms): `password`, `current_password`,
 * `new_password`, `code`, `cession_code`, `photo_code`, `has_code`, `card_number`, `cvc`,
 * `stamp`, `stamp_number`, `iban`, `rib`. An idempotency key and the CSRF token are echoed: the
 * re-post must carry them.
 */
const SECRET_PREFIXES = ['pass', 'pwd', 'mdp', 'code', 'otp', 'totp', 'pin', 'secret', 'token', 'apikey', 'cvc', 'cvv', 'card', 'carte', 'iban', 'rib', 'bic', 'nir', 'secu', 'stamp', 'timbre'];
const SECRET_STEMS = /pass|pwd|mdp|code|secret|token|iban|stamp|timbre|cvc|cvv|otp/;
/** Ordinary words hiding a stem, blanked before the stems are looked for. */
const ORDINARY = /passports?|passagers?|postcodes?|zipcodes?|idempotency_?key/g;
/** Echoed whatever their names: the re-post needs them. */
const ALWAYS_ECHOED = new Set(['_csrf', 'idempotency_key']);

/** Whether a field must never come back on a page (see SECRET_PREFIXES); the CSRF token is not a secret from its own sender. */
export function isSecretField(name: string): boolean {
  if (ALWAYS_ECHOED.has(name)) return false;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(ORDINARY, ' ')
    .split(/[^a-z]+/)
    .filter(Boolean);
  if (words.some((w) => SECRET_PREFIXES.some((p) => w.startsWith(p)))) return true;
  return words.some((w) => SECRET_STEMS.test(w));
}

/** What a shed form's page posts again: the fields kept in their order, and the names of those dropped. */
export interface RepostForm {
  fields: Array<[string, string]>;
  /** fields not echoed (secrets): to be typed again */
  dropped: string[];
}

function decodeComponent(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/** The fields of a urlencoded body to echo, or null when it may not be echoed (too big, too many fields, badly encoded). */
export function repostForm(body: Buffer): RepostForm | null {
  if (body.length > REPOST_MAX_BYTES) return null;
  const fields: Array<[string, string]> = [];
  const dropped: string[] = [];
  let count = 0;
  for (const pair of body.toString('utf8').split('&')) {
    if (!pair) continue;
    if (++count > REPOST_MAX_FIELDS) return null;
    const eq = pair.indexOf('=');
    const name = decodeComponent(eq === -1 ? pair : pair.slice(0, eq));
    const value = decodeComponent(eq === -1 ? '' : pair.slice(eq + 1));
    if (name === null || value === null) return null;
    if (isSecretField(name)) {
      if (!dropped.includes(name)) dropped.push(name);
    } else fields.push([name, value]);
  }
  return { fields, dropped };
}

/** Whether a request is a form post the waiting page could echo: a browser's (asks for HTML), urlencoded, from this site. */
export function mayEchoPost(request: IncomingMessage): boolean {
  if (request.method !== 'POST') return false;
  if (!/\btext\/html\b/.test(String(request.headers.accept ?? ''))) return false;
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(request.headers['content-type'] ?? '')) return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/** Whether a request announces a body longer than `maxBytes` (then it is not read at all: Node discards it after the answer, as for any unread body). */
export function announcesMoreThan(request: IncomingMessage, maxBytes: number): boolean {
  return Number(request.headers['content-length']) > maxBytes;
}

/** Whether a request has a body to read (a length, or chunks). */
export function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
}

/**
 * Reads a request's body while it stays within `maxBytes` and arrives within `ms`: the bytes, or
 * null (announced or found larger, too slow, aborted; what was read is then left, and the reading
 * paused: answer with `Connection: close`).
 */
export function readBodyUpTo(request: IncomingMessage, maxBytes: number, ms: number): Promise<Buffer | null> {
  const declared = Number(request.headers['content-length']);
  if (declared > maxBytes) return Promise.resolve(null);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const done = (value: Buffer | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.off('data', onData).off('end', onEnd).off('error', onFail).off('close', onFail);
      if (value === null) request.pause();
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) done(null);
      else chunks.push(chunk);
    };
    const onEnd = () => done(Buffer.concat(chunks, size));
    const onFail = () => done(null);
    const timer = setTimeout(onFail, ms);
    timer.unref?.();
    request.on('data', onData).once('end', onEnd).once('error', onFail).once('close', onFail);
  });
}
