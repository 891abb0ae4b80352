import type { AliasableExpression, Expression } from 'kysely';
import type { Db } from '../db/database.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The page's own read, sent in the statement that reads the session (session.ts): one round
     * trip to the database for the whole page instead of two.
     */
    readWithSession?: SessionCompanion<unknown>;
  }
}

/**
 * A signed-in page's own read (its list, its history), put in the statement that reads the
 * request's session and account, as one more column: a scalar subquery on the session's user id
 * whose JSON value is decoded once read. The page's route names it (`config: { readWithSession }`)
 * and its handler takes the value from the session (`session.readWith(companion)`), which gives it
 * only for the account read in that same statement. Each companion is one more prepared statement
 * per connection: a few, fixed ones (module constants), never one made per request.
 */
export interface SessionCompanion<T> {
  /** what it reads, for a reader of the code and of the logs */
  readonly name: string;
  /** the subquery, given the session row's user id (null for an anonymous or agent session: it must then read nothing) */
  readonly select: (db: Db, userId: Expression<number | null>) => AliasableExpression<unknown>;
  /** the subquery's value (JSON, parsed by the driver) as the page uses it */
  readonly decode: (value: unknown) => T;
}

export function sessionCompanion<T>(companion: SessionCompanion<T>): SessionCompanion<T> {
  return Object.freeze(companion);
}

/** A timestamp read through JSON (an ISO 8601 text with its offset) as the Date a plain column gives. */
export function dateOfJson(value: string): Date;
export function dateOfJson(value: string | null): Date | null;
export function dateOfJson(value: string | null): Date | null {
  return value === null ? null : new Date(value);
}
