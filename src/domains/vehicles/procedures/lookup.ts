import type { Db } from '../../../platform/db/database.ts';
import type { Account } from '../../../schema.ts';
import type { Vehicle } from '../tables.ts';

/** The account's own procedure with this file number (another account's looks unknown). */
export const ownProcedure = (db: Db, account: Account, fileNumber: string) =>
  db.selectFrom('vehicle_procedures').selectAll().where('file_number', '=', fileNumber).where('account_id', '=', account.id).executeTakeFirst();

/** The vehicle's current holder, as the registry knows it. */
export const holderOf = (db: Db, vehicle: Pick<Vehicle, 'holder_id'>) => db.selectFrom('vehicle_holders').selectAll().where('id', '=', vehicle.holder_id).executeTakeFirstOrThrow();
