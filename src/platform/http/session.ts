import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import type { Db } from '../db/database.ts';
import type { Account } from '../../schema.ts';
import { setKeepingAtMost } from '../bounded-map.ts';
import { prepareQuery, type PreparedQuery } from '../db/prepared.ts';
import type { SessionCompanion } from './session-companion.ts';

export type FlashKind = 'success' | 'info' | 'warning' | 'error';
export interface Flash {
  kind: FlashKind;
  message: string;
}

interface SessionData {
  flash?: Flash[];
  [key: string]: unknown;
}

const TOUCH_EVERY_MS = 60_000;

/**
 * The mark at the start of an id made at a sign-in (not in base64url's alphabet, so no anonymous id
 * has it): the waiting room's early answer tells a signed-in visitor's cookie from an anonymous one
 * without the database. The cookie's signature covers the mark: only this server makes such an id.
 * The mark proves nothing by itself (a revoked session keeps it): the database still decides.
 */
const SIGNED_IN_MARK = 'c~';

/** Whether a session id was made at a sign-in (it may still have been signed out or revoked since). */
export function madeAtSignIn(sessionId: string): boolean {
  return sessionId.startsWith(SIGNED_IN_MARK);
}

export function hashId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

const CSRF_TOKENS_KEPT = 10_000;
/** per secret, the tokens of the session ids seen lately: every page of a signed-in user shows its token, and an HMAC costs more than a lookup */
const csrfTokens = new Map<string, Map<string, string>>();

/** The CSRF token of a session id (also checked for a session that just expired: form-drafts.ts). */
export function csrfTokenOf(sessionId: string, secret: string): string {
  let tokens = csrfTokens.get(secret);
  if (!tokens) csrfTokens.set(secret, (tokens = new Map()));
  let token = tokens.get(sessionId);
  if (token === undefined) {
    token = createHmac('sha256', secret).update(`csrf:${sessionId}`).digest('base64url');
    setKeepingAtMost(tokens, sessionId, token, CSRF_TOKENS_KEPT);
  }
  return token;
}

/**
 * How long a session's row outlives its expiry: long enough to know whose session it was when a
 * form posted after the expiry is kept for its owner (form-drafts.ts). It never signs anyone in.
 */
export const EXPIRED_SESSION_KEPT_HOURS = 24;

/**
 * A server-side session. The cookie carries only a random 256-bit id (signed); the database keeps
 * its SHA-256 and the data. A row is written only once something needs one (a flash message, a
 * sign-in, any data): a form's CSRF token alone only hands out the signed cookie (a signed
 * double-submit token), so anonymous page views, forms included, create no rows.
 */
export class Session {
  private dirty = false;
  private destroyed = false;
  private previousIdHash: string | null = null;
  /** the id came from this browser's validly signed cookie, though no row holds it (yet) */
  private cookieOnly = false;
  /** a CSRF token was handed out for an id that has neither row nor cookie: the cookie must be set */
  private needsCookie = false;
  private accountValue: Account | null = null;
  /** the page's own read that came with the session and its account (session-companion.ts) */
  private companionRead: { companion: SessionCompanion<unknown>; value: unknown } | null = null;
  /** a form this account posted after a session expired waits to be put back (read with the session) */
  hasKeptForms = false;

  constructor(
    private id: string,
    private data: SessionData,
    private persisted: boolean,
    private userIdValue: number | null,
    readonly lastSeenAt: Date,
    private readonly secret: string,
  ) {}

  static fresh(secret: string): Session {
    return new Session(randomBytes(32).toString('base64url'), {}, false, null, new Date(), secret);
  }

  /** An anonymous visitor's id, from the signed cookie set when a form was first shown to them. */
  static cookieOnly(id: string, secret: string): Session {
    const session = new Session(id, {}, false, null, new Date(), secret);
    session.cookieOnly = true;
    return session;
  }

  /**
   * The signed-in account, as read with the session (one query): null when nobody is signed in,
   * for an agent's session, or once the session has changed hands (sign-in, sign-out) meanwhile.
   */
  get account(): Account | null {
    return this.accountValue && this.accountValue.id === this.userIdValue ? this.accountValue : null;
  }
  attachAccount(account: Account | null): void {
    this.accountValue = account;
  }

  /**
   * The value of a page's companion read in the session's statement: only for the signed-in
   * account read with it (as `account`), else undefined and the page reads it itself.
   */
  readWith<T>(companion: SessionCompanion<T>): T | undefined {
    return this.companionRead?.companion === companion && this.account ? (this.companionRead.value as T) : undefined;
  }
  attachCompanion<T>(companion: SessionCompanion<T>, value: T): void {
    this.companionRead = { companion, value };
  }

  /** neither a row nor a cookie yet (a page showing a cookie-only id's CSRF token is not new: no-store) */
  get isNew(): boolean {
    return !this.persisted && !this.cookieOnly;
  }
  get userId(): number | null {
    return this.userIdValue;
  }
  get cookieValue(): string {
    return this.id;
  }
  get idHash(): string {
    return hashId(this.id);
  }

  get<T>(key: string): T | undefined {
    return this.data[key] as T | undefined;
  }
  set(key: string, value: unknown): void {
    if (value === undefined) delete this.data[key];
    else this.data[key] = value;
    this.dirty = true;
  }

  /** The synchronizer token for this session's forms: HMAC of the session id, never stored in the database. */
  csrfToken(): string {
    this.needsCookie ||= !this.persisted && !this.cookieOnly;
    return csrfTokenOf(this.id, this.secret);
  }

  /** Only for an id this server signed into this browser's cookie: a row, or the cookie alone. */
  verifyCsrf(token: unknown): boolean {
    if ((!this.persisted && !this.cookieOnly) || typeof token !== 'string') return false;
    const expected = Buffer.from(this.csrfToken());
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  flash(kind: FlashKind, message: string): void {
    this.set('flash', [...(this.data.flash ?? []), { kind, message }]);
  }
  takeFlash(): Flash[] {
    const flash = this.data.flash ?? [];
    if (flash.length) this.set('flash', undefined);
    return flash;
  }

  /**
   * New id, same data: call on every sign-in and privilege change (prevents session fixation).
   * `signedIn`: the new id is a signed-in one (madeAtSignIn), as for a user; an agent past both factors says so.
   */
  rotate(userId: number | null, signedIn = userId !== null): void {
    if (this.persisted) this.previousIdHash = this.idHash;
    this.id = (signedIn ? SIGNED_IN_MARK : '') + randomBytes(32).toString('base64url');
    this.persisted = false;
    this.cookieOnly = false;
    this.userIdValue = userId;
    this.dirty = true;
  }

  destroy(): void {
    this.destroyed = true;
  }

  /** Writes what changed; returns whether the cookie must be (re)set or cleared. */
  async save(db: Db, config: Config): Promise<'set' | 'clear' | 'none'> {
    if (this.destroyed) {
      if (this.persisted) await db.deleteFrom('sessions').where('id_hash', '=', this.idHash).execute();
      return 'clear';
    }
    if (this.previousIdHash) {
      await db.deleteFrom('sessions').where('id_hash', '=', this.previousIdHash).execute();
      this.previousIdHash = null;
    }
    const now = new Date();
    if (!this.persisted && this.dirty) {
      await db
        .insertInto('sessions')
        .values({
          id_hash: this.idHash,
          data: JSON.stringify(this.data),
          user_id: this.userIdValue,
          last_seen_at: now,
          expires_at: new Date(now.getTime() + config.sessionMaxHours * 3_600_000),
        })
        .onConflict((oc) => oc.column('id_hash').doNothing()) // a cookie-only id given a row by two requests at once
        .execute();
      this.persisted = true;
      return 'set';
    }
    if (!this.persisted) return this.needsCookie ? 'set' : 'none';
    if (this.persisted && this.dirty) {
      await db
        .updateTable('sessions')
        .set({ data: JSON.stringify(this.data), last_seen_at: now })
        .where('id_hash', '=', this.idHash)
        .execute();
    } else if (this.persisted && now.getTime() - this.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
      await db.updateTable('sessions').set({ last_seen_at: now }).where('id_hash', '=', this.idHash).execute();
    }
    return 'none';
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    session: Session;
    /** the id of the validly signed session cookie the browser sent, when that session had expired */
    expiredSessionId?: string;
  }
}

export function sessionCookieName(config: Config): string {
  return config.isProduction ? '__Host-sid' : 'sid';
}

/**
 * The session of a signed cookie's id, its signed-in account and whether a kept form waits for that
 * account, in one query (prepared once per process: prepared.ts), with the page's own read when its
 * route names one (session-companion.ts): the session, or 'expired' when its row outlived its end
 * (kept for form-drafts.ts), or null when no row holds the id (an anonymous visitor's cookie-only
 * id, or a row purged since).
 */
export function sessionLoader(db: Db, config: Config): (cookieId: string, companion?: SessionCompanion<unknown>) => Promise<Session | 'expired' | null> {
  const sessionQuery = () =>
    db
      .selectFrom('sessions as s')
      .leftJoin('accounts as a', 'a.id', 's.user_id')
      .selectAll('a')
      .select([
        's.data as session_data',
        's.user_id as session_user_id',
        's.last_seen_at as session_last_seen_at',
        sql<boolean>`s.expires_at > now() and s.last_seen_at > now() - make_interval(mins => ${config.sessionIdleMinutes})`.as('session_live'),
        // whether a form of this account is waiting to be put back (form-drafts.tsx): its pages look only then
        sql<boolean>`s.user_id is not null and exists (select 1 from form_drafts d where d.user_id = s.user_id and d.expires_at > now())`.as('session_kept_forms'),
      ]);
  const plain = prepareQuery(db, (idHash: string) => sessionQuery().where('s.id_hash', '=', idHash));
  // one prepared query per companion, made at its first use: a few fixed ones (module constants)
  const withCompanion = new Map<SessionCompanion<unknown>, PreparedQuery<[string], Awaited<ReturnType<typeof plain.execute>>[number] & { session_companion: unknown }>>();
  const queryOf = (companion: SessionCompanion<unknown>) => {
    let query = withCompanion.get(companion);
    if (!query) {
      query = prepareQuery(db, (idHash: string) =>
        sessionQuery()
          .select(companion.select(db, sql<number | null>`s.user_id`).as('session_companion'))
          .where('s.id_hash', '=', idHash),
      );
      withCompanion.set(companion, query);
    }
    return query;
  };
  return async (cookieId, companion) => {
    const row = (await (companion ? queryOf(companion) : plain).execute(hashId(cookieId)))[0];
    if (!row) return null;
    const { session_data, session_user_id, session_last_seen_at, session_live, session_kept_forms, session_companion, ...account } = row as typeof row & { session_companion?: unknown };
    if (!session_live) return 'expired';
    const session = new Session(cookieId, session_data as SessionData, true, session_user_id, session_last_seen_at, config.sessionSecret);
    session.attachAccount(account.id === null ? null : (account as Account));
    session.hasKeptForms = session_kept_forms;
    if (companion && session.account) session.attachCompanion(companion, companion.decode(session_companion));
    return session;
  };
}

const READ = Symbol('sessionRead');
type ReadRequest = FastifyRequest & { [READ]?: { cookieId: string; result: Promise<Session | 'expired' | null> } };

/**
 * The session of a request's signed cookie id (sessionLoader's answer), read once per request: the
 * waiting room, when it must know whether the visitor is signed in, and the session plugin share
 * the one query, with the page's own read when the request's route names one. Kept on the request
 * object itself, for its own cookie id: never another's.
 */
export function requestSessionReader(db: Db, config: Config): (request: FastifyRequest, cookieId: string) => Promise<Session | 'expired' | null> {
  const load = sessionLoader(db, config);
  return (request, cookieId) => {
    const held = (request as ReadRequest)[READ];
    if (held?.cookieId === cookieId) return held.result;
    const result = load(cookieId, request.routeOptions.config?.readWithSession);
    (request as ReadRequest)[READ] = { cookieId, result };
    return result;
  };
}

/** Whether a session read is someone signed in: a user (user_id), or an agent past both factors (agentId in its data). */
export function isSignedInSession(read: Session | 'expired' | null): boolean {
  return read instanceof Session && (read.userId !== null || read.get('agentId') != null);
}

export async function purgeExpiredSessions(db: Db, config: Config): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where((eb) =>
      eb.or([
        eb('expires_at', '<=', sql<Date>`now() - make_interval(hours => ${EXPIRED_SESSION_KEPT_HOURS})`),
        eb('last_seen_at', '<=', sql<Date>`now() - make_interval(mins => ${config.sessionIdleMinutes}) - make_interval(hours => ${EXPIRED_SESSION_KEPT_HOURS})`),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Static assets and probes never read nor write a session. */
const SESSIONLESS = /^\/(assets\/|healthz$|metrics$|favicon\.ico$)/;
function isSessionless(url: string): boolean {
  return SESSIONLESS.test(url.split('?')[0] ?? url);
}

/** The idle time of this process's sessions, for the page script that warns before the end (session-timeout.tsx). */
export const sessionTiming = { idleMinutes: 30 };

/**
 * "Rester connecté": the page's script asks for more time (CSRF header checked like any POST).
 * Registered after the error pages (app.ts): a route keeps the error handler of the moment it is
 * added, and a refused input must get the portal's French answer.
 */
export function registerSessionRoutes(app: FastifyInstance, config: Pick<Config, 'sessionIdleMinutes'>): void {
  app.post('/session/prolonger', async (request, reply) => {
    if (request.session.userId === null) return reply.code(401).send({ error: 'Session expirée' });
    request.session.set('extendedAt', new Date().toISOString()); // written with a new last_seen_at
    return reply.code(200).send({ idleSeconds: config.sessionIdleMinutes * 60 });
  });
}

export const sessionPlugin = fp(async (app: FastifyInstance, opts: { db: Db; config: Config; read?: ReturnType<typeof requestSessionReader> }) => {
  const { db, config } = opts;
  sessionTiming.idleMinutes = config.sessionIdleMinutes;

  const cookieName = sessionCookieName(config);
  const readSession = opts.read ?? requestSessionReader(db, config);
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: config.isProduction,
    signed: true,
  };

  app.decorateRequest('session', null as unknown as Session);

  app.addHook('onRequest', async (request: FastifyRequest) => {
    if (isSessionless(request.url)) return;
    const raw = request.cookies[cookieName];
    let session: Session | null = null;
    if (raw) {
      const unsigned = request.unsignCookie(raw);
      if (unsigned.valid && unsigned.value) {
        const loaded = await readSession(request, unsigned.value);
        if (loaded === 'expired') request.expiredSessionId = unsigned.value;
        else session = loaded ?? Session.cookieOnly(unsigned.value, config.sessionSecret);
      }
    }
    request.session = session ?? Session.fresh(config.sessionSecret);
  });

  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload) => {
    const session = request.session;
    if (!session) return payload;
    const action = await session.save(db, config);
    if (action === 'set') reply.setCookie(cookieName, session.cookieValue, cookieOptions);
    if (action === 'clear') reply.clearCookie(cookieName, { path: '/', secure: config.isProduction });
    if (action !== 'none' || !session.isNew) reply.header('cache-control', 'no-store');
    return payload;
  });
});
