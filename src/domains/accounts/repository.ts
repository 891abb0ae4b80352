import type { Db } from '../../platform/db/database.ts';
import type { Account } from '../../schema.ts';

export const findAccountByEmail = (db: Db, email: string): Promise<Account | undefined> =>
  db.selectFrom('accounts').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();

export const findAccountById = (db: Db, id: number): Promise<Account | undefined> =>
  db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();

export const connectionHistory = (db: Db, accountId: number, limit = 50) =>
  db
    .selectFrom('connection_history')
    .select(['at', 'ip', 'method'])
    .where('account_id', '=', accountId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();

export const franceConnectIdentityOf = (db: Db, accountId: number) =>
  db.selectFrom('franceconnect_identities').selectAll().where('account_id', '=', accountId).executeTakeFirst();
