import { sql, type Expression } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import type { Db } from '../../platform/db/database.ts';
import { dateOfJson, sessionCompanion } from '../../platform/http/session-companion.ts';
import type { Account } from '../../schema.ts';

export const findAccountByEmail = (db: Db, email: string): Promise<Account | undefined> =>
  db.selectFrom('accounts').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();

export const findAccountById = (db: Db, id: number): Promise<Account | undefined> =>
  db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();

/** The latest connections of an account (its id, or an expression of it: accountPageWithSession). */
const connectionHistoryQuery = (db: Db, accountId: number | Expression<number | null>, limit = 50) =>
  db
    .selectFrom('connection_history')
    .select(['at', 'ip', 'method'])
    .where('account_id', '=', accountId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit);

export const connectionHistory = (db: Db, accountId: number, limit = 50) => connectionHistoryQuery(db, accountId, limit).execute();

type ConnectionRow = Awaited<ReturnType<typeof connectionHistory>>[number];

/**
 * What "Mon compte" reads besides the account (its connections, its FranceConnect identity), in the
 * statement that reads the session: one round trip for the page (session-companion.ts).
 */
export const accountPageWithSession = sessionCompanion({
  name: 'Mon compte',
  select: (db, userId) =>
    sql`json_build_object('history', ${jsonArrayFrom(connectionHistoryQuery(db, userId))}, 'franceConnect', ${jsonObjectFrom(
      db.selectFrom('franceconnect_identities').select(['birthdate', 'birthplace', 'birthcountry']).where('account_id', '=', userId),
    )})`,
  decode: (value) => {
    const { history, franceConnect } = value as { history: (Omit<ConnectionRow, 'at'> & { at: string })[]; franceConnect: { birthdate: string; birthplace: string; birthcountry: string } | null };
    return { history: history.map((h) => ({ ...h, at: dateOfJson(h.at) })), franceConnect };
  },
});

export const franceConnectIdentityOf = (db: Db, accountId: number) =>
  db.selectFrom('franceconnect_identities').selectAll().where('account_id', '=', accountId).executeTakeFirst();
